"""The JSON schemas of the tools' inputs and outputs (zxkb.mcp.tools).

Inputs are closed (an argument a tool does not take is an error the model can
correct) and bounded (limits have a maximum). Outputs describe the CLI's --json
objects (README, "JSON output"): the keys a caller relies on are required, and
more may be added (as the JSON contract allows), so objects stay open.
"""

from __future__ import annotations

from typing import Any

from zxkb.models import REPORT_LEVELS, REPORT_TYPES

Schema = dict[str, Any]

STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
BOOL: Schema = {"type": "boolean"}
NUM: Schema = {"type": "number"}
OPT_STR: Schema = {"type": ["string", "null"]}
OPT_INT: Schema = {"type": ["integer", "null"]}
OPT_NUM: Schema = {"type": ["number", "null"]}


def strings(description: str, values: tuple[str, ...] | None = None) -> Schema:
    items: Schema = {"type": "string", "enum": list(values)} if values else {"type": "string"}
    return {"type": "array", "items": items, "description": description}


def bounded(description: str, default: int, maximum: int, minimum: int = 1) -> Schema:
    return {
        "type": "integer",
        "minimum": minimum,
        "maximum": maximum,
        "default": default,
        "description": f"{description} Default {default}, at most {maximum}.",
    }


# The filters every reading command takes (README, "Filters"): kinds combine with AND, values of one kind with OR.
FILTERS: dict[str, Schema] = {
    "doc": strings("Only these documents: an id (the documents tool lists them) or part of a title or file name."),
    "year": strings('Only reports delivered in these years or ranges of years, e.g. ["2018"] or ["2016-2020"].'),
    "region": strings("Only reports of these regions: 湖南 or 湖南省, 株洲, 全国 (the national reports)."),
    "type": strings(
        "Only reports of these types: government (政府工作报告), cppcc (政协常委会工作报告), "
        "npc_resolution (关于政府工作报告的决议), party_congress (党代会报告), other.",
        REPORT_TYPES,
    ),
    "level": strings("Only reports of these levels.", REPORT_LEVELS),
    "speaker": strings('Only reports delivered by these people, e.g. ["李克强"].'),
    "copies": {
        "type": "boolean",
        "default": False,
        "description": "Every copy of a report stored from several sources (default: each report once).",
    },
}
SECTION: Schema = {
    "type": "string",
    "description": "Only this section and its subsections, by its path: 二, 二(一), or 2, 2.1.",
}


def tool_input(properties: dict[str, Schema], required: tuple[str, ...] = ()) -> Schema:
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": False}


def obj(properties: dict[str, Schema], required: tuple[str, ...] | None = None) -> Schema:
    """An open object: `required` (default: every property named) must be there, others may be."""
    return {"type": "object", "properties": properties, "required": list(properties if required is None else required)}


# --- outputs: the CLI's --json objects ------------------------------------------------

PARAGRAPH: dict[str, Schema] = {
    "ref": {"type": "string", "description": "DOC:PARAGRAPH, the citation to give and to pass to show"},
    "doc": INT,
    "doc_title": STR,
    "date": OPT_STR,
    "section": {"type": ["string", "null"], "description": "the section path, e.g. 二(一)"},
    "section_title": OPT_STR,
    "paragraph": INT,
    "kind": STR,
    "title": OPT_STR,
    "text": {"type": "string", "description": "the whole paragraph as the report has it"},
    "page": OPT_INT,
}
FILTERS_APPLIED = obj(
    {
        "doc": {"type": "array", "items": INT},
        "year": {"type": "array", "items": {"type": "array", "items": INT}},
        "region": {"type": "array", "items": STR},
        "type": {"type": "array", "items": STR},
        "level": {"type": "array", "items": STR},
        "speaker": {"type": "array", "items": STR},
        "copies": BOOL,
    }
)
HIT = obj(
    {
        **PARAGRAPH,
        "snippet": STR,
        "highlights": {"type": "array", "items": {"type": "array", "items": INT}},
        "score": NUM,
        "approximate": BOOL,
        "match": {"type": "string", "enum": ["exact", "approximate", "partial"]},
        "variant": OPT_STR,
        "similarity": OPT_NUM,
        "matched": {"type": ["array", "null"], "items": STR, "description": "a partial hit's terms it holds"},
        "missing": {"type": ["array", "null"], "items": STR, "description": "a partial hit's terms it lacks"},
        "explain": {"type": "object", "additionalProperties": NUM},
        "year": OPT_INT,
        "region": OPT_STR,
    },
    required=(*PARAGRAPH, "snippet", "highlights", "score", "approximate", "match"),
)
TERM = obj({"term": STR, "score": NUM, "count": INT})

SEARCH = obj(
    {
        "query": STR,
        "total": {"type": "integer", "description": "every match, also those beyond limit"},
        "approximate": INT,
        "partial": {"type": "integer", "description": "partial hits: none holds every term, these hold most"},
        "filters": FILTERS_APPLIED,
        "hits": {"type": "array", "items": HIT},
        "suggestions": {"type": "array", "items": TERM},
        "hints": {"type": "array", "items": STR},
    },
    required=("query", "total", "approximate", "partial", "filters", "hits"),
)
FUZZY = obj(
    {
        "query": STR,
        "matches": {
            "type": "array",
            "items": obj({"term": STR, "score": NUM, "count": INT, "docs": {"type": "array", "items": INT}}),
        },
    }
)
SHOW = obj({**PARAGRAPH, "context": {"type": "array", "items": obj(PARAGRAPH)}})

_SECTION = obj(
    {
        "path": STR,
        "number": STR,
        "title": STR,
        "ref": OPT_STR,
        "initiatives": {"type": "array", "items": obj({"ref": STR, "title": STR})},
        "children": {"type": "array", "items": {"$ref": "#/$defs/section"}},
    }
)
OUTLINE = {
    **obj(
        {
            "outline": {
                "type": "array",
                "description": "list --json: each document with its sections",
                "items": obj(
                    {
                        "doc": obj({"id": INT, "title": STR, "date": OPT_STR}),
                        "sections": {"type": "array", "items": {"$ref": "#/$defs/section"}},
                    }
                ),
            },
            "total": {"type": "integer", "description": "documents with an outline, also those beyond limit"},
            "truncated": BOOL,
        }
    ),
    "$defs": {"section": _SECTION},
}
DOCUMENT: dict[str, Schema] = {
    "id": INT,
    "title": STR,
    "date": OPT_STR,
    "source": STR,
    "paragraphs": INT,
    "sections": INT,
    "year": OPT_INT,
    "region": OPT_STR,
    "type": STR,
    "level": OPT_STR,
    "speaker": OPT_STR,
    "speaker_role": OPT_STR,
    "copy_of": OPT_INT,
    "copies": {"type": "array", "items": INT},
}
DOCUMENTS = obj(
    {
        "documents": {"type": "array", "description": "docs --json", "items": obj(DOCUMENT)},
        "total": {"type": "integer", "description": "documents chosen, also those beyond limit"},
        "truncated": BOOL,
    }
)

# --- across the archive (README, "JSON output": trend, compare, track) ---------------------------------
_COUNT = obj({"term": STR, "reports": INT, "paragraphs": INT, "occurrences": INT, "per_10k": NUM, "refs": strings("")})
TREND = obj(
    {
        "terms": strings(""),
        "by": STR,
        "filters": FILTERS_APPLIED,
        "buckets": {
            "type": "array",
            "items": obj(
                {"key": STR, "reports": INT, "chars": INT, "counts": {"type": "array", "items": _COUNT}},
                ("key", "reports", "chars", "counts"),
            ),
        },
    }
)
_FREQ = obj({"count": INT, "per_10k": NUM})
_KEYTERM = obj({"term": STR, "left": _FREQ, "right": _FREQ, "score": NUM})
_SIDE = obj({"docs": {"type": "array", "items": INT}, "paragraphs": INT, "chars": INT}, ("docs",))
COMPARE = obj(
    {
        "left": _SIDE,
        "right": _SIDE,
        "statistic": STR,
        "terms": obj({name: {"type": "array", "items": _KEYTERM} for name in ("rising", "falling", "new", "gone")}),
        "initiatives": {
            "type": ["object", "null"],
            "properties": {
                "kept": {"type": "array", "items": obj({"left": STR, "right": STR, "similarity": NUM})},
                "new": strings(""),
                "dropped": strings(""),
            },
        },
    }
)
_EVIDENCE = obj({"ref": STR, "score": NUM, "shared": strings("")})
TRACK = obj(
    {
        "doc": INT,
        "next": OPT_INT,
        "plans": {
            "type": "array",
            "items": obj(
                {
                    "ref": STR,
                    "title": STR,
                    "section": STR,
                    "status": {"type": "string", "enum": ["reported", "mentioned", "not_found"]},
                    "evidence": {"type": "array", "items": _EVIDENCE},
                }
            ),
        },
    }
)
