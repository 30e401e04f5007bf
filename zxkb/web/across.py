"""What the pages across the archive show (/trend, /compare, /track), made from
the library's answers: the chart's data and the table beside it, the terms and
initiatives of a comparison with their links, a plan's items with the paragraphs
that report on them. Every link goes to a page that shows what a figure counts:
a count to the search page restricted to its bucket or side, a reference to the
reader at its paragraph. Report text reaches a page only escaped (pages.marked,
the templates' autoescape)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any, NamedTuple

from markupsafe import Markup

from zxkb.errors import UsageError
from zxkb.models import CompareResult, DocInfo, KeyTerm, Paragraph, Reading, TrackResult, TrendResult
from zxkb.web.pages import TYPE_NAMES, marked, url, with_value

# The box of the trend page reads as the command line does: terms apart by spaces
# (or commas, 、 and semicolons), quotes ("…" or “…”) make one term of several words.
_TERM = re.compile(r'"([^"]*)"|“([^”]*)”|([^\s,，、;；"“”]+)')
MEASURES = {"per_10k": "每万字出现次数", "occurrences": "出现次数", "paragraphs": "段落数", "reports": "报告数"}
BY_NAMES = {"year": "年份", "region": "地区", "type": "类型", "speaker": "报告人", "doc": "报告"}
STATUS_NAMES = {"reported": "已报告", "mentioned": "有提及", "not_found": "未见报告"}
COLOURS = 6  # .term-0 … .term-5 in style.css, and chart.js's palette
KWIC_SHOWN = 200  # lines of context shown per term; the API gives them all


def split_terms(box: str) -> list[str]:
    return [" ".join(t.split()) for m in _TERM.finditer(box) if (t := next(g for g in m.groups() if g is not None))]


def box_text(terms: Sequence[str]) -> str:
    """The terms as the box shows them again: split_terms(box_text(t)) == t."""
    return " ".join(f'"{t}"' if not t or _TERM.fullmatch(t) is None or t.startswith(('"', "“")) else t for t in terms)


def measure(raw: str | None) -> str:
    if raw is None or not raw.strip():
        return "per_10k"
    if raw not in MEASURES:
        raise UsageError(f"cannot chart {raw!r}", f"measure takes {', '.join(MEASURES)}")
    return raw


def ref_link(ref: str, hl: str | None = None) -> str:
    """The reader at the paragraph `ref` (DOC:N), the term highlighted."""
    doc, _, n = ref.partition(":")
    return url(f"/doc/{doc}", [("hl", hl)]) + f"#p{n}"


class TrendRow(NamedTuple):
    key: str
    label: str
    reports: int
    link: str | None  # the reader, when the bucket is one report
    cells: list[tuple[Any, str | None]]  # per term: (TermCount, its paragraphs on the search page or None)


def shown_buckets(result: TrendResult, years_given: bool) -> tuple[Any, ...]:
    """The buckets a page shows: by year without a range asked, the years before the
    first occurrence and after the last are left out (the archive starts in 1921);
    the empty years between stay, as zeros."""
    buckets = result.buckets
    if result.by != "year" or years_given:
        return buckets
    used = [i for i, b in enumerate(buckets) if any(c.occurrences for c in b.counts)]
    return buckets[used[0] : used[-1] + 1] if used else buckets


def trend_view(
    result: TrendResult, filters: list[tuple[str, str]], chosen: str, *, years_given: bool = True
) -> dict[str, Any]:
    """The chart's data (static/chart.js) and the table's rows: one series per term, in
    the order typed, each bar and each row's count linking to the search page for that
    term restricted to the bucket (/?q=TERM&year=2016 and the page's other filters)."""
    rows: list[TrendRow] = []
    links: list[list[str | None]] = [[] for _ in result.terms]
    buckets = shown_buckets(result, years_given)
    for b in buckets:
        cells = []
        for i, c in enumerate(b.counts):
            link = (
                url("/", [("q", c.term), *with_value(filters, result.by, b.key, replace=True)])
                if c.paragraphs
                else None
            )
            links[i].append(link)
            cells.append((c, link))
        reader = f"/doc/{b.key}" if result.by == "doc" else None
        label = TYPE_NAMES.get(b.label, b.label) if result.by == "type" else b.label
        rows.append(TrendRow(b.key, label, b.reports, reader, cells))
    chart = {
        "title": f"{MEASURES[chosen]}，按{BY_NAMES.get(result.by, result.by)}",
        "labels": [r.label for r in rows],
        "integer": chosen != "per_10k",
        "series": [
            {"name": term, "values": [getattr(b.counts[i], chosen) for b in buckets], "links": links[i]}
            for i, term in enumerate(result.terms)
        ],
    }
    totals = [
        (sum(b.counts[i].paragraphs for b in result.buckets), sum(b.counts[i].occurrences for b in result.buckets))
        for i in range(len(result.terms))
    ]
    kwic = [
        (term, [(b.label, line) for b in result.buckets for line in b.counts[i].kwic])
        for i, term in enumerate(result.terms)
    ]
    left_out = len(result.buckets) - len(buckets)
    return {
        "trend": result,
        "rows": rows,
        "chart": chart,
        "totals": totals,
        "kwic": kwic,
        "kwic_shown": KWIC_SHOWN,
        "left_out": (result.buckets[0].label, result.buckets[-1].label) if left_out else None,
    }


def side_pairs(side: dict[str, Any]) -> list[tuple[str, str]]:
    """One side of a comparison as the search page's filters."""
    names = ("doc", "year", "region", "type", "level", "speaker")
    pairs = [(name, str(v)) for name in names for v in side[name]]
    return [*pairs, ("copies", "1")] if side["copies"] else pairs


class TermRow(NamedTuple):
    term: KeyTerm
    left: str  # the term's paragraphs on side A (the search page), and on side B
    right: str


def compare_view(result: CompareResult, left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    a, b = side_pairs(left), side_pairs(right)
    if result.left.docs and len(result.left.docs) == 1:
        a = [("doc", str(result.left.docs[0]))]
    if result.right.docs and len(result.right.docs) == 1:
        b = [("doc", str(result.right.docs[0]))]

    def rows(terms: Sequence[KeyTerm]) -> list[TermRow]:
        return [TermRow(t, url("/", [("q", t.term), *a]), url("/", [("q", t.term), *b])) for t in terms]

    lists = [
        ("rising", "上升", "B 中用得更多", rows(result.rising)),
        ("falling", "下降", "B 中用得更少", rows(result.falling)),
        ("new", "新出现", "只见于 B", rows(result.new)),
        ("gone", "不再出现", "只见于 A", rows(result.gone)),
    ]
    return {"compare": result, "lists": lists, "titles": result.titles, "ref_link": ref_link}


class Evidence(NamedTuple):
    ref: str
    link: str
    score: float
    shared: tuple[str, ...]
    text: Markup  # the paragraph's opening, its shared terms marked


class PlanView(NamedTuple):
    ref: str
    link: str
    title: str
    section: str
    status: str
    evidence: list[Evidence]


EXCERPT = 160  # characters of an evidence paragraph shown
MARKED = 8  # of the shared terms (longest first), those marked in it


def _excerpt(p: Paragraph | None, terms: Sequence[str]) -> Markup:
    if p is None:
        return Markup("")
    text = p.text if len(p.text) <= EXCERPT else p.text[:EXCERPT] + "…"
    spans = [(m.start(), m.end()) for t in terms[:MARKED] if t for m in re.finditer(re.escape(t), text)]
    return marked(text, spans)


def track_view(result: TrackResult, plan: Reading, following: Reading | None) -> dict[str, Any]:
    paragraphs = {f"{p.doc}:{p.paragraph}": p for p in following.paragraphs} if following else {}
    plans = [
        PlanView(
            item.ref,
            ref_link(item.ref),
            item.title,
            item.section,
            item.status,
            [
                Evidence(e.ref, ref_link(e.ref), e.score, e.shared, _excerpt(paragraphs.get(e.ref), e.shared))
                for e in item.evidence
            ],
        )
        for item in result.plans
    ]
    sections = {s.path: s.title for s in plan.sections}
    counts = Counter(item.status for item in result.plans)
    return {
        "track": result,
        "plans": plans,
        "sections": sections,
        "counts": [(s, STATUS_NAMES[s], counts.get(s, 0)) for s in STATUS_NAMES],
        "plan_info": plan.info,
        "next_info": following.info if following else None,
    }


def no_successor(result: TrackResult) -> tuple[str, str]:
    """What `zxkb track` says when the next report is not stored (zxkb.cli.commands.track)."""
    return (
        f"the next report after {result.doc} ({result.expected}: same type and region, the year after)"
        " is not in the knowledge base",
        "ingest it, then run zxkb track again (zxkb docs lists what is stored)",
    )


def report_choices(infos: Sequence[DocInfo]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The reports (each once) for a form's <select>, grouped by type and region, newest first."""
    groups: dict[str, list[tuple[int, str, str]]] = {}
    for d in infos:
        if d.copy_of is not None:
            continue
        group = " · ".join(x for x in (TYPE_NAMES.get(d.type, d.type), d.region) if x)
        year = str(d.year) if d.year and str(d.year) not in d.title else ""
        shown = " ".join(x for x in (year, d.title) if x)
        groups.setdefault(group, []).append((d.year or 0, str(d.id), f"{shown}（{d.id}）"))
    return [
        (name, [(value, label) for _, value, label in sorted(items, key=lambda i: (-i[0], int(i[1])))])
        for name, items in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0]))
    ]
