"""The tools of `zxkb mcp`, as a table: one row a tool, with its description
(written for a model: what it is for, when to use which), its input schema
(bounded), its output schema, the call (a zxkb.api method through the CLI's
JSON view, zxkb.render.json, so the structured answer equals `zxkb … --json`
for the same arguments) and its plain-text view (zxkb.mcp.text).

MCP's structured content is an object: the views that are lists (list --json,
docs --json) come under a key, with how many there were and whether `limit`
cut them. No SDK here; zxkb.mcp.server serves the table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from zxkb.api import ALL_KINDS, DEFAULT_KINDS, KnowledgeBase, report_filter
from zxkb.errors import UsageError
from zxkb.mcp import schemas, text
from zxkb.mcp.schemas import FILTERS, SECTION, Schema, bounded, strings, tool_input
from zxkb.models import ReportFilter
from zxkb.render import json as views

Args = dict[str, Any]
Obj = dict[str, Any]

SEARCH_LIMIT, SEARCH_MAX = 10, 100
FUZZY_LIMIT, FUZZY_MAX = 10, 100
CONTEXT, CONTEXT_MAX = 1, 10
OUTLINE_LIMIT, OUTLINE_MAX = 5, 50
DOCS_LIMIT, DOCS_MAX = 50, 500
REFS_MAX, WIDTH, WIDTH_MAX, TERMS_MAX = 20, 15, 60, 8
COMPARE_LIMIT, COMPARE_MAX = 20, 200
EVIDENCE, EVIDENCE_MAX = 3, 10
SIDE = {k: v for k, v in FILTERS.items() if k != "copies"}


class Answer(NamedTuple):
    structured: Obj  # the CLI's --json object
    text: str  # the short plain-text view


class Tool(NamedTuple):
    name: str
    title: str
    description: str
    input_schema: Schema
    output_schema: Schema
    call: Callable[[KnowledgeBase, Args], Answer]


def where(args: Args) -> ReportFilter:
    """The filter arguments as the CLI's options read them (zxkb.cli.commands.Where)."""
    return report_filter(
        docs=args.get("doc", ()),
        years=args.get("year", ()),
        regions=args.get("region", ()),
        types=args.get("type", ()),
        levels=args.get("level", ()),
        speakers=args.get("speaker", ()),
        copies=args.get("copies", False),
    )


def cut(key: str, items: list[Obj], limit: int) -> Obj:
    """A list view bounded by `limit`, as an object."""
    return {key: items[:limit], "total": len(items), "truncated": len(items) > limit}


# --- the calls: the same library method and JSON view as the CLI command --------------


def _search(kb: KnowledgeBase, a: Args) -> Answer:
    result = kb.search(
        a["query"],
        where=where(a),
        section=a.get("section"),
        limit=a["limit"],
        kinds=ALL_KINDS if a["all"] else DEFAULT_KINDS,
        fuzzy=a["fuzzy"],
        exact=a["exact"],
        explain=a["explain"],
    )
    out = views.search(result)
    return Answer(out, text.search(out))


def _show(kb: KnowledgeBase, a: Args) -> Answer:
    out = views.show(kb.show(a["ref"], context=a["context"]))
    return Answer(out, text.show(out))


def _outline(kb: KnowledgeBase, a: Args) -> Answer:
    out = cut("outline", views.outline(kb.outline(section=a.get("section"), where=where(a))), a["limit"])
    return Answer(out, text.outline(out, OUTLINE_MAX))


def _documents(kb: KnowledgeBase, a: Args) -> Answer:
    out = cut("documents", views.docs(kb.documents(where=where(a))), a["limit"])
    return Answer(out, text.documents(out, DOCS_MAX))


def _fuzzy(kb: KnowledgeBase, a: Args) -> Answer:
    result = kb.fuzzy(a["term"], where=where(a), limit=a["limit"], min_score=a["min_score"])
    out = views.fuzzy(result)
    notes = "".join(f"Warning: {w}\n" for w in result.warnings)
    return Answer(out, notes + text.fuzzy(out, a["limit"]))


def _trend(kb: KnowledgeBase, a: Args) -> Answer:
    result = kb.trend(a["terms"], by=a["by"], where=where(a), refs=a["refs"], kwic=a["kwic"], width=a["width"])
    out = views.trend(result)
    return Answer(out, text.trend(out))


def _compare(kb: KnowledgeBase, a: Args) -> Answer:
    shared = {k: v for k, v in a.items() if k in FILTERS}

    def side(name: str) -> ReportFilter:
        own = a.get(name, {})
        return where({k: [*shared.get(k, ()), *own.get(k, ())] for k in SIDE} | {"copies": a["copies"]})

    out = views.compare(kb.compare(side("left"), side("right"), limit=a["limit"]))
    return Answer(out, text.compare(out))


def _track(kb: KnowledgeBase, a: Args) -> Answer:
    out = views.track(kb.track(a["doc"], evidence=a["evidence"]))
    return Answer(out, text.track(out))


# --- the table ------------------------------------------------------------------------

_CITE = (
    "Every paragraph comes with its ref (DOC:PARAGRAPH), document title, date and section path (二(一)): "
    "cite the ref of each paragraph an answer rests on."
)

TOOLS: dict[str, Tool] = {
    t.name: t
    for t in (
        Tool(
            "search",
            "Search the reports",
            "Find the paragraphs of Chinese work reports (政府工作报告, 政协常委会工作报告, 党代会报告 and their kin) "
            "that contain every term of a query, best first, each with a snippet. Use it first for any question "
            f"about what the reports say. {_CITE} Matching is exact on characters, in any form (traditional or "
            "full-width too): write Chinese terms as they appear in the text, separated by spaces when all must "
            'occur; OR between alternatives, -term excludes, "..." is a phrase. Narrow with the filters (year, '
            "region, type, level, speaker, doc) and section. total counts every match even when limit cuts hits. "
            "With fuzzy, paragraphs holding a close variant of a term follow, marked approximate. When nothing "
            "matches, suggestions are the closest terms the reports use: search for one of them; and the "
            "paragraphs that hold most of the terms come marked partial (match, matched, missing), unless exact. "
            "hints say how a query was read when it looked like a mistake (a lower-case or, a stray bracket). "
            "Then call show "
            "with a ref to read a paragraph whole, with its neighbours.",
            tool_input(
                {
                    "query": {
                        "type": "string",
                        "description": 'Terms that must all occur, e.g. 营商环境 or 远程 协商; OR, -term, "...".',
                    },
                    **FILTERS,
                    "section": SECTION,
                    "limit": bounded("Hits to return, best first.", SEARCH_LIMIT, SEARCH_MAX),
                    "all": {
                        "type": "boolean",
                        "default": False,
                        "description": "Also search headings, front matter (titles, bylines) and noise.",
                    },
                    "fuzzy": {
                        "type": "boolean",
                        "default": False,
                        "description": "Also find paragraphs with a close variant of a term (marked approximate).",
                    },
                    "exact": {
                        "type": "boolean",
                        "default": False,
                        "description": "Only paragraphs holding every term: no partial matches when none does.",
                    },
                    "explain": {
                        "type": "boolean",
                        "default": False,
                        "description": "Each hit's score in parts (bm25, title, length, numbers, terms).",
                    },
                },
                ("query",),
            ),
            schemas.SEARCH,
            _search,
        ),
        Tool(
            "show",
            "Read a paragraph",
            "One paragraph in full by its ref (DOC:PARAGRAPH, as search, outline and the other tools give it), with "
            "its citation (document title, date, section path, paragraph number) and its neighbouring paragraphs. "
            "Use it to read a hit whole before quoting it, or to see what comes before and after it.",
            tool_input(
                {
                    "ref": {"type": "string", "description": "DOC:PARAGRAPH, e.g. 1:27."},
                    "context": bounded("Neighbouring paragraphs on each side.", CONTEXT, CONTEXT_MAX, minimum=0),
                },
                ("ref",),
            ),
            schemas.SHOW,
            _show,
        ),
        Tool(
            "outline",
            "Outline of reports",
            "The structure of reports, document by document: sections (一、…), subsections ((一)…) and the "
            "initiatives they name, each with the ref of its paragraph. Use it to see how a report is organised, "
            "which section treats a subject, or what a section covers; section narrows it to one section, the "
            "filters (doc above all) to the reports wanted. Pass a ref to show to read the paragraph.",
            tool_input(
                {
                    "section": SECTION,
                    **FILTERS,
                    "limit": bounded("Documents to return.", OUTLINE_LIMIT, OUTLINE_MAX),
                }
            ),
            schemas.OUTLINE,
            _outline,
        ),
        Tool(
            "documents",
            "List the documents",
            "The documents of the knowledge base and what report each is: id, title, date, type (government, "
            "cppcc, npc_resolution, party_congress, other), level, region, year, meeting, speaker and role, "
            "counts of paragraphs and sections, and the copies of one report stored from other sources. Use it to "
            "learn what the knowledge base holds (which years, regions, types) before searching, to find a "
            "document's id for the doc filter, or to answer questions about the reports themselves (who delivered "
            "the 2018 government work report). Filters narrow the list.",
            tool_input({**FILTERS, "limit": bounded("Documents to return, in id order.", DOCS_LIMIT, DOCS_MAX)}),
            schemas.DOCUMENTS,
            _documents,
        ),
        Tool(
            "fuzzy",
            "Find terms like this one",
            "The terms of the reports closest to a term as someone remembers it: a wrong character (远成协商), "
            "traditional characters, pinyin (yuanchengxieshang) or its initials (ycxs), a missing character. Each "
            "comes with a score (0-100, 100 exact), how often it occurs and the ids of the documents holding it. "
            "Use it when search finds nothing or the spelling of a term is uncertain, then search for the term.",
            tool_input(
                {
                    "term": {"type": "string", "description": "A term: characters or pinyin."},
                    **FILTERS,
                    "limit": bounded("Terms to return, closest first.", FUZZY_LIMIT, FUZZY_MAX),
                    "min_score": {
                        "type": "number",
                        "minimum": 0,
                        "maximum": 100,
                        "default": 60,
                        "description": "Leave out terms that score less (0-100). Default 60.",
                    },
                },
                ("term",),
            ),
            schemas.FUZZY,
            _fuzzy,
        ),
        Tool(
            "trend",
            "Count terms across reports",
            "How often terms occur across the reports, per year (or region, type, speaker, doc): for each bucket the "
            "reports it holds and their body characters, and for each term the paragraphs holding it, its "
            "occurrences and occurrences per 10,000 characters (so a long report is no trend); copies of a report "
            "count once, years without a report inside the range are zeros. Use it for questions over time or "
            "place (when did 脱贫攻坚 appear, which province speaks most of 营商环境); refs gives the best "
            "paragraphs of each bucket to cite, kwic every occurrence in context. Each term is a search query.",
            tool_input(
                {
                    "terms": {
                        **strings("Terms to count side by side, each a query as search takes it."),
                        "minItems": 1,
                        "maxItems": TERMS_MAX,
                    },
                    "by": {
                        "type": "string",
                        "enum": ["year", "region", "type", "speaker", "doc"],
                        "default": "year",
                        "description": "The buckets. Default year.",
                    },
                    **FILTERS,
                    "refs": bounded("Best paragraphs of each bucket, as refs.", 0, REFS_MAX, minimum=0),
                    "kwic": {"type": "boolean", "default": False, "description": "Every occurrence in context."},
                    "width": bounded("With kwic: characters of context on each side.", WIDTH, WIDTH_MAX, minimum=0),
                },
                ("terms",),
            ),
            schemas.TREND,
            _trend,
        ),
        Tool(
            "compare",
            "Compare two reports",
            "Report A against report B, or two sets of reports (left and right, each with the filters; the top-level "
            "filters apply to both): the terms that rose, fell, appeared (new) and disappeared (gone), ranked by "
            "log-likelihood (G2), each with its count (paragraphs) and rate per 10,000 characters on both sides; for "
            "two reports, their sections and initiatives matched: kept (with similarity), new in B, dropped from A. "
            "Use it for what changed between two years' reports or two periods (left year 2013-2017, right year "
            "2018-2022).",
            tool_input(
                {
                    "left": {**tool_input(SIDE), "description": 'Side A: filters, e.g. {"doc": ["76"]}.'},
                    "right": {**tool_input(SIDE), "description": 'Side B: filters, e.g. {"year": ["2022"]}.'},
                    **FILTERS,
                    "limit": bounded("Terms in each list.", COMPARE_LIMIT, COMPARE_MAX),
                },
                ("left", "right"),
            ),
            schemas.COMPARE,
            _compare,
        ),
        Tool(
            "track",
            "Plan against delivery",
            "What a report of year N planned for the year ahead (the initiatives of its plan sections), each "
            "matched against the review part of the next report from the same issuer (same type and region, year "
            "N+1): reported, mentioned or not_found, with the paragraphs of the next report that report on it "
            "(score 0-1, shared terms). Use it to ask what of a year's promises the next report says was done. "
            "next is null when the next report is not stored.",
            tool_input(
                {
                    "doc": {"type": "string", "description": "The report: its id, or part of its title."},
                    "evidence": bounded("Paragraphs of the next report per plan item.", EVIDENCE, EVIDENCE_MAX),
                },
                ("doc",),
            ),
            schemas.TRACK,
            _track,
        ),
    )
}


def with_defaults(tool: Tool, arguments: Args) -> Args:
    """The arguments checked against the tool's input schema, with its defaults
    filled in; a UsageError (message and hint) when they do not fit."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(tool.input_schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(arguments))
    if error is not None:
        where = ".".join(map(str, error.absolute_path))
        raise UsageError(
            f"{tool.name}: {where + ': ' if where else ''}{error.message}",
            f"the {tool.name} tool's inputSchema lists its arguments and their bounds",
        )
    defaults = {k: v["default"] for k, v in tool.input_schema["properties"].items() if "default" in v}
    return {**defaults, **arguments}


def answer(tool: Tool, kb: KnowledgeBase, arguments: Args) -> Answer:
    """The tool's answer to `arguments`; a ZxkbError for a mistake in them."""
    return tool.call(kb, with_defaults(tool, arguments))
