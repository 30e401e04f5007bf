"""The table of what the web answers: each CLI command the API serves, as one
entry: its parameters (named as the command's options, zxkb.web.params), the
KnowledgeBase method it calls with them, exactly as zxkb.cli.commands does,
and its JSON view (zxkb.render.json). /api/NAME answers with the view's JSON,
byte for byte what `zxkb NAME --json` prints; the pages call the same entry and
render the result in a template.

A new command is a new entry here (and, for a page, a template)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from zxkb.api import ALL_KINDS, DEFAULT_KINDS, KnowledgeBase, report_filter
from zxkb.errors import UsageError
from zxkb.models import FacetResult, ReportFilter
from zxkb.render import json as views
from zxkb.web.params import Param, parse

Args = dict[str, Any]


class Endpoint(NamedTuple):
    name: str  # the CLI command, and /api/NAME
    params: tuple[Param, ...]
    call: Callable[[KnowledgeBase, Args], Any]
    view: Callable[[Any], Any]  # the result -> the CLI's --json object
    resource: bool = False  # an unknown name in it is a 404 (show's ref), not a bad parameter (400)

    def args(self, items: Iterable[tuple[str, str]], extra: Sequence[str] = ()) -> Args:
        return parse(self.name, self.params, items, extra)


FILTERS: tuple[Param, ...] = (
    Param("doc", ("--doc", "-d"), "texts"),
    Param("year", ("--year",), "texts"),
    Param("region", ("--region",), "texts"),
    Param("type", ("--type",), "texts"),
    Param("level", ("--level",), "texts"),
    Param("speaker", ("--speaker",), "texts"),
    Param("copies", ("--copies",), "flag", False),
)
FILTER_NAMES = tuple(p.name for p in FILTERS)
SECTION = Param("section", ("--section", "-s"))
LIMIT = Param("limit", ("--limit", "-n"), "int", 10, low=0)


def where(args: Args) -> ReportFilter:
    """The filter options as zxkb.cli.commands.Where reads them."""
    return report_filter(
        docs=args["doc"],
        years=args["year"],
        regions=args["region"],
        types=args["type"],
        levels=args["level"],
        speakers=args["speaker"],
        copies=args["copies"],
    )


def _search(kb: KnowledgeBase, a: Args) -> Any:
    if a["count-by"]:  # zxkb search --count-by: paragraphs per bucket (zxkb.cli.commands._facets)
        for given, name in ((a["section"] is not None, "--section"), (a["all"], "--all"), (a["fuzzy"], "--fuzzy")):
            if given:
                raise UsageError(
                    f"--count-by counts the body paragraphs of whole reports: not with {name}", "leave it out"
                )
        return kb.facets(" ".join(a["q"]), by=a["count-by"], where=where(a))
    kinds = ALL_KINDS if a["all"] else DEFAULT_KINDS
    return kb.search(
        " ".join(a["q"]), where=where(a), section=a["section"], limit=a["limit"] or None, kinds=kinds, fuzzy=a["fuzzy"]
    )


def _fuzzy(kb: KnowledgeBase, a: Args) -> Any:
    return kb.fuzzy(a["term"], where=where(a), limit=a["limit"] or None, min_score=a["min-score"])


def _outline(kb: KnowledgeBase, a: Args) -> Any:
    return kb.outline(section=a["section"], where=where(a))


def _show(kb: KnowledgeBase, a: Args) -> Any:
    return kb.show(a["ref"], context=a["context"])


def _docs(kb: KnowledgeBase, a: Args) -> Any:
    return kb.documents(where=where(a))


def _search_view(result: Any) -> Any:
    return views.facets(result) if isinstance(result, FacetResult) else views.search(result)


def _trend(kb: KnowledgeBase, a: Args) -> Any:
    return kb.trend(a["term"], by=a["by"], where=where(a), refs=a["refs"], kwic=a["kwic"], width=a["width"])


SIDE_FILTERS = ("doc", "year", "region", "type", "level", "speaker")


def side(a: Args, name: str) -> Args:
    """One side of compare (`left` or `right`) as filter arguments: the side's report (the
    argument) and its --NAME-* options, after the filters both sides share (zxkb.cli.commands._merged)."""
    own = {f: list(a[f"{name}-{f}"]) for f in SIDE_FILTERS}
    own["doc"] = [*([a[name]] if a[name] else []), *own["doc"]]
    return {f: [*(a[f] if f != "doc" else []), *own[f]] for f in SIDE_FILTERS} | {"copies": a["copies"]}


def _compare(kb: KnowledgeBase, a: Args) -> Any:
    return kb.compare(where(side(a, "left")), where(side(a, "right")), limit=a["limit"])


def _track(kb: KnowledgeBase, a: Args) -> Any:
    return kb.track(a["doc"], evidence=a["evidence"])


def _sides() -> tuple[Param, ...]:
    return tuple(
        Param(f"{name}-{f}", (f"--{name}-{f}",), "texts", aliases=(f"{name}_{f}",))
        for name in ("left", "right")
        for f in SIDE_FILTERS
    )


ENDPOINTS: dict[str, Endpoint] = {
    e.name: e
    for e in (
        Endpoint(
            "search",
            (
                Param("q", (), "texts", required=True, metavar="QUERY..."),
                *FILTERS,
                SECTION,
                LIMIT,
                Param("all", ("--all",), "flag", False),
                Param("fuzzy", ("--fuzzy", "-f"), "flag", False),
                Param("count-by", ("--count-by",), aliases=("count_by",)),
            ),
            _search,
            _search_view,
        ),
        Endpoint(
            "fuzzy",
            (
                Param("term", (), required=True, metavar="TERM"),
                LIMIT,
                *FILTERS,
                Param("min-score", ("--min-score",), "float", 60.0, low=0, high=100, aliases=("min_score",)),
            ),
            _fuzzy,
            views.fuzzy,
        ),
        Endpoint("list", (SECTION, *FILTERS), _outline, views.outline),
        Endpoint(
            "show",
            (Param("ref", (), required=True, metavar="ref"), Param("context", ("--context", "-C"), "int", 1, low=0)),
            _show,
            views.show,
            resource=True,
        ),
        Endpoint("docs", FILTERS, _docs, views.docs),
        Endpoint(
            "trend",
            (
                Param("term", (), "texts", required=True, metavar="TERM..."),
                Param("by", ("--by",), default="year"),
                *FILTERS,
                Param("refs", ("--refs",), "int", 0, low=0),
                Param("kwic", ("--kwic",), "flag", False),
                Param("width", ("--width", "-w"), "int", 15, low=0),
            ),
            _trend,
            views.trend,
        ),
        Endpoint(
            "compare",
            (
                Param("left", (), metavar="left"),
                Param("right", (), metavar="right"),
                *(f for f in FILTERS if f.name != "doc"),
                *_sides(),
                Param("limit", ("--limit", "-n"), "int", 20, low=0),
            ),
            _compare,
            views.compare,
        ),
        Endpoint(
            "track",
            (Param("doc", (), required=True, metavar="doc"), Param("evidence", ("--evidence", "-n"), "int", 3, low=1)),
            _track,
            views.track,
            resource=True,
        ),
    )
}
