"""What the templates show, made from the library's records: highlighted text,
citations, facets, paging, links that keep the other parameters.

Report text is untrusted (titles, paragraphs, file names): it reaches a page
only escaped. The one place where markup is made from it is `marked`, which
escapes every piece of the text and wraps the matched spans in <mark>; the
templates autoescape everything else (zxkb.web.app)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple
from urllib.parse import urlencode

from markupsafe import Markup, escape

from zxkb.models import DocInfo, Hit, Paragraph, Selection

TYPE_NAMES = {
    "government": "政府工作报告",
    "cppcc": "政协常委会工作报告",
    "npc_resolution": "人大决议",
    "party_congress": "党代会报告",
    "other": "其他",
}
LEVEL_NAMES = {"national": "全国", "province": "省级", "city": "市级", "county": "县级"}
KIND_NAMES = {
    "body": "正文",
    "heading": "标题",
    "front": "题头",
    "noise": "广告杂项",
    "chrome": "网页杂项",
    "duplicate": "重复",
}
HIDDEN_KINDS = ("noise", "chrome", "duplicate")  # behind the reader's toggle


def marked(text: str, spans: Iterable[Sequence[int]]) -> Markup:
    """`text` escaped, with the spans (offsets into it) in <mark>."""
    out: list[str] = []
    pos = 0
    for start, end in sorted((max(0, s), min(len(text), e)) for s, e in spans):
        if start < pos or start >= end:
            continue
        out += [str(escape(text[pos:start])), "<mark>", str(escape(text[start:end])), "</mark>"]
        pos = end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def url(path: str, params: Iterable[tuple[str, Any]]) -> str:
    """`path` with the parameters that have a value, in order (True as 1)."""
    pairs = [(k, "1" if v is True else str(v)) for k, v in params if v not in (None, False, "")]
    return f"{path}?{urlencode(pairs)}" if pairs else path


def items(args: dict[str, Any], names: Sequence[str], defaults: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    """The parameters `names` of `args` that have a value other than their default,
    as URL pairs (a list gives one pair a value; True is 1)."""
    out: list[tuple[str, str]] = []
    for name in names:
        value = args.get(name)
        if defaults and name in defaults and value == defaults[name]:
            continue
        for v in value if isinstance(value, list) else [value]:
            if v not in (None, False, ""):
                out.append((name, "1" if v is True else str(v)))
    return out


def with_value(pairs: list[tuple[str, str]], name: str, value: Any, *, replace: bool = False) -> list[tuple[str, str]]:
    """`pairs` plus name=value (in place of its other values with `replace`), without page=."""
    pair = (name, str(value))
    kept = [(k, v) for k, v in pairs if k != "page"]
    if replace and any(k == name for k, _ in kept):
        first = next(i for i, (k, _) in enumerate(kept) if k == name)
        rest = [(k, v) for k, v in kept[first + 1 :] if k != name]
        return [*kept[:first], pair, *rest]
    return [*kept, pair] if pair not in kept else kept


def without_value(pairs: list[tuple[str, str]], name: str, value: Any) -> list[tuple[str, str]]:
    return [(k, v) for k, v in pairs if k != "page" and (k, v) != (name, str(value))]


def without_name(pairs: list[tuple[str, str]], name: str) -> list[tuple[str, str]]:
    """`pairs` without any value of `name` (a chosen facet, however it was typed)."""
    return [(k, v) for k, v in pairs if k not in ("page", name)]


def citation(p: Paragraph, page: int | None = None) -> str:
    """As the CLI cites: the document, its date, the section path, ¶N (and the page)."""
    parts = [p.doc_title]
    if p.date:
        parts.append(p.date)
    if p.section:
        parts.append(p.section)
    parts.append(f"¶{p.paragraph}")
    if p.page is not None:
        parts.append(f"p. {p.page}")
    return " · ".join(parts)


class HitView(NamedTuple):
    hit: Hit
    snippet: Markup
    cite: str
    link: str  # the reader at the paragraph, the query highlighted
    match: str  # exact, approximate, partial
    note: str  # what the CLI marks: ≈ variant (similarity), or the terms a partial hit misses


def hit_view(hit: Hit, query: str) -> HitView:
    para = hit.para
    match = str(getattr(hit, "match", "approximate" if hit.approximate else "exact"))
    note = ""
    if hit.approximate:
        note = f"≈ {hit.variant}" + (f"（相似度 {hit.similarity:.0f}）" if hit.similarity is not None else "")
    missing = getattr(hit, "missing", None)
    if missing:
        note = "部分匹配，缺少：" + "、".join(missing)
    params: list[tuple[str, Any]] = [("hl", hit.variant or query)]
    if para.kind in HIDDEN_KINDS:
        params.append(("all", True))
    link = url(f"/doc/{para.doc}", params) + f"#p{para.paragraph}"
    return HitView(hit, marked(hit.snippet, hit.highlights), citation(para), link, match, note)


FACETS: tuple[tuple[str, str, dict[str, str]], ...] = (  # DocInfo's field, its label, the names of its values
    ("year", "年份", {}),
    ("region", "地区", {}),
    ("type", "类型", TYPE_NAMES),
    ("level", "层级", LEVEL_NAMES),
)


class Facet(NamedTuple):
    name: str  # the parameter: year, region, type, level
    label: str
    values: list[tuple[str, str, int, bool]]  # (value, shown as, count, chosen)


def chosen_values(chosen: Selection) -> dict[str, set[str]]:
    """The facets' values the filters chose, as the library read them (`北京` is 北京市; a range of years none)."""
    return {
        "year": {str(a) for a, b in chosen.years if a == b},
        "region": set(chosen.regions),
        "type": set(chosen.types),
        "level": set(chosen.levels),
    }


def facets(infos: Sequence[DocInfo], chosen: Selection, *, copies: bool = False) -> list[Facet]:
    """Reports per year, region, type and level among `infos` (each report once
    unless `copies`), the values chosen first."""
    reports = [d for d in infos if copies or d.copy_of is None]
    picks = chosen_values(chosen)
    out = []
    for name, label, names in FACETS:
        counts = Counter(str(value) for d in reports if (value := getattr(d, name)) is not None)
        picked = picks[name]
        order = sorted(counts, reverse=True) if name == "year" else sorted(counts, key=lambda v: (-counts[v], v))
        values = [(v, names.get(v, v), counts[v], v in picked) for v in order]
        values.sort(key=lambda item: not item[3])
        out.append(Facet(name, label, values))
    return out


class Pager(NamedTuple):
    page: int
    pages: int
    first: int  # the number of the first hit shown (1-based)
    links: list[tuple[int | None, str]]  # (page, link); None for a gap


def pager(total: int, page: int, size: int, pairs: list[tuple[str, str]], path: str = "/") -> Pager:
    pages = max(1, -(-total // size))
    near = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    links: list[tuple[int | None, str]] = []
    for i, n in enumerate(near):
        if i and n - near[i - 1] > 1:
            links.append((None, ""))
        shown = with_value(pairs, "page", n, replace=True) if n > 1 else [(k, v) for k, v in pairs if k != "page"]
        links.append((n, url(path, shown)))
    return Pager(page, pages, (page - 1) * size + 1, links)


def year_chart(infos: Sequence[DocInfo], pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Reports per year as the chart's data (static/chart.js), each bar linking to its reports."""
    counts = Counter(d.year for d in infos if d.year is not None and d.copy_of is None)
    years = sorted(counts)
    if not years:
        return {"labels": [], "series": []}
    labels = [str(y) for y in range(years[0], years[-1] + 1)]
    return {
        "title": "每年的报告数",
        "labels": labels,
        "series": [
            {
                "name": "报告",
                "values": [counts.get(int(y), 0) for y in labels],
                "links": [url("/docs", with_value(pairs, "year", y, replace=True)) for y in labels],
            }
        ],
    }
