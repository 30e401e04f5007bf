"""The records that every layer passes around: immutable NamedTuples, not
frozen dataclasses, because every command imports this module and 14 frozen
dataclasses took ~8 ms to create (NamedTuples ~1.5 ms); that is a sixth of
`zxkb search`'s start-up. No `from __future__ import annotations` here: with
it every annotation is a string, which typing.NamedTuple compiles one by one
(208 of them: ~6 ms of compile() at every start, about half the module's
import); the forward references are quoted.

Each NamedTuple still costs ~0.1 ms to create, so this module holds only the
records of a search and what it shows; the others live in zxkb.models_parse
(what parsing makes), zxkb.models_views (documents, fuzzy terms and a search's
suggestions, outline, show, reading, ingest, upgrade) and zxkb.models_analysis
(trend, facets, track, compare), and are created when first named: `from zxkb.models import Block`
works as before (module __getattr__). Those modules never import this one at
run time (their annotations name its records as strings), so there is no
circle."""

from typing import TYPE_CHECKING, Literal, NamedTuple

Kind = Literal["body", "heading", "front", "noise", "chrome", "duplicate"]
# body: the report's text; heading: a section heading line; front: title, meeting
# line, speaker, date, caption, salutation; noise: advertisements after the report;
# chrome: web-page furniture (toolbars, breadcrumbs, source and editor lines,
# licence footers, link lists); duplicate: a repeated copy of earlier text.
KINDS: tuple[Kind, ...] = ("body", "heading", "front", "noise", "chrome", "duplicate")
SET_ASIDE: tuple[Kind, ...] = ("front", "noise", "chrome", "duplicate")
# What the index holds: chrome and repeated copies are kept, but nobody searches them.
INDEXED: tuple[Kind, ...] = ("body", "heading", "front", "noise")


REPORT_TYPES: tuple[str, ...] = ("government", "cppcc", "npc_resolution", "party_congress", "other")
REPORT_LEVELS: tuple[str, ...] = ("national", "province", "city", "county")

# --- choosing reports ------------------------------------------------------


class ReportFilter(NamedTuple):
    """Which reports a command reads, as the user typed it: kinds of filter
    combine with AND, the values of one kind with OR. Copies of a report stored
    from several sources count once unless `copies`."""

    docs: tuple[str, ...] = ()  # ids or parts of titles
    years: tuple[tuple[int, int], ...] = ()  # inclusive ranges: 2018 is (2018, 2018)
    regions: tuple[str, ...] = ()  # 湖南 or 湖南省
    types: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    copies: bool = False

    @property
    def filtered(self) -> bool:
        return bool(self.docs or self.years or self.regions or self.types or self.levels or self.speakers)


class Selection(NamedTuple):
    """A ReportFilter resolved against the database: the documents chosen, and
    each filter as applied (normalised: regions by their official names, --doc
    by ids)."""

    doc_ids: tuple[int, ...] | None  # None: every report (no filter)
    copies: bool = False
    docs: tuple[int, ...] = ()
    years: tuple[tuple[int, int], ...] = ()
    regions: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()

    @property
    def filtered(self) -> bool:
        return bool(self.docs or self.years or self.regions or self.types or self.levels or self.speakers)

    def described(self) -> str:
        """The filters as options: `--year 2016-2020 --type government`."""
        parts = [f"--doc {d}" for d in self.docs]
        parts += [f"--year {a}" if a == b else f"--year {a}-{b}" for a, b in self.years]
        parts += [f"--region {r}" for r in self.regions] + [f"--type {t}" for t in self.types]
        parts += [f"--level {v}" for v in self.levels] + [f"--speaker {s}" for s in self.speakers]
        return " ".join(parts)


class ReportFacts(NamedTuple):
    """A hit's report at a glance."""

    year: int | None
    region: str | None
    type: str


# --- results -------------------------------------------------------------


class Paragraph(NamedTuple):
    doc: int
    doc_title: str
    date: str | None
    paragraph: int
    kind: Kind
    section: str | None
    section_title: str | None
    title: str | None
    text: str
    page: int | None = None  # the page it starts on (PDF sources), else None

    @property
    def ref(self) -> str:
        return f"{self.doc}:{self.paragraph}"


class Hit(NamedTuple):
    para: Paragraph
    score: float
    snippet: str
    highlights: tuple[tuple[int, int], ...]  # spans in `snippet`
    variant: str | None = None  # an approximate hit (search --fuzzy): the query as the paragraph has it
    similarity: float | None = None  # of the variant to the query, 0..100
    report: ReportFacts | None = None  # the hit's report: year, region, type
    matched: tuple[str, ...] | None = None  # a partial hit: the query's terms it holds ...
    missing: tuple[str, ...] | None = None  # ... and those it misses
    explain: tuple[tuple[str, float], ...] | None = None  # the parts of the score (search --explain)

    @property
    def approximate(self) -> bool:
        return self.variant is not None

    @property
    def match(self) -> str:
        """exact, approximate (search --fuzzy) or partial (it misses some of the query's terms)."""
        return "partial" if self.missing is not None else "approximate" if self.variant is not None else "exact"


class SearchResult(NamedTuple):
    query: str
    total: int  # exact and approximate hits
    hits: tuple[Hit, ...]
    approximate: int = 0  # how many of `total` are approximate (search --fuzzy)
    suggestions: "tuple[FuzzyMatch, ...] | None" = None  # computed when nothing matched (zxkb.models_views)
    filters: Selection | None = None  # the filters applied
    partial: int = 0  # paragraphs that hold some of the query's terms, when none holds it all
    hints: tuple[str, ...] = ()  # about how the query was read (a lower-case operator, a stray bracket)


# --- the other records: created when first named (see the docstring) ---------------

if TYPE_CHECKING:  # `as` re-exports them for mypy
    from zxkb.models_analysis import CompareResult as CompareResult
    from zxkb.models_analysis import CompareSide as CompareSide
    from zxkb.models_analysis import Concordance as Concordance
    from zxkb.models_analysis import Evidence as Evidence
    from zxkb.models_analysis import FacetBucket as FacetBucket
    from zxkb.models_analysis import FacetResult as FacetResult
    from zxkb.models_analysis import KeptItem as KeptItem
    from zxkb.models_analysis import KeyTerm as KeyTerm
    from zxkb.models_analysis import PlanItem as PlanItem
    from zxkb.models_analysis import TermCount as TermCount
    from zxkb.models_analysis import TrackResult as TrackResult
    from zxkb.models_analysis import TrendBucket as TrendBucket
    from zxkb.models_analysis import TrendResult as TrendResult
    from zxkb.models_parse import Block as Block
    from zxkb.models_parse import Identity as Identity
    from zxkb.models_parse import ParsedDocument as ParsedDocument
    from zxkb.models_parse import ParsedSection as ParsedSection
    from zxkb.models_views import DocInfo as DocInfo
    from zxkb.models_views import FuzzyMatch as FuzzyMatch
    from zxkb.models_views import FuzzyResult as FuzzyResult
    from zxkb.models_views import IngestReport as IngestReport
    from zxkb.models_views import Initiative as Initiative
    from zxkb.models_views import Outline as Outline
    from zxkb.models_views import OutlineSection as OutlineSection
    from zxkb.models_views import Reading as Reading
    from zxkb.models_views import ShowResult as ShowResult
    from zxkb.models_views import UpgradeReport as UpgradeReport

_ELSEWHERE = {  # record -> the module that creates it
    name: module
    for module, names in (
        ("models_parse", "ParsedSection Block ParsedDocument Identity"),
        ("models_views", "DocInfo FuzzyMatch FuzzyResult"),
        ("models_views", "Initiative OutlineSection Outline ShowResult Reading IngestReport UpgradeReport"),
        ("models_analysis", "Concordance TermCount TrendBucket TrendResult FacetBucket FacetResult Evidence"),
        ("models_analysis", "PlanItem TrackResult KeyTerm KeptItem CompareSide CompareResult"),
    )
    for name in names.split()
}


def __getattr__(name: str) -> object:
    """A record of zxkb.models_parse, _views or _analysis: its module is imported
    (~1 ms) when one of its records is first named."""
    where = _ELSEWHERE.get(name)
    if where == "models_parse":
        from zxkb import models_parse

        value = getattr(models_parse, name)
    elif where == "models_views":
        from zxkb import models_views

        value = getattr(models_views, name)
    elif where == "models_analysis":
        from zxkb import models_analysis

        value = getattr(models_analysis, name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # found directly from now on
    return value
