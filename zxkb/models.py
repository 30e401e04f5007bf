"""The records that every layer passes around: immutable NamedTuples, not
frozen dataclasses, because every command imports this module and 14 frozen
dataclasses took ~8 ms to create (NamedTuples ~1.5 ms); that is a sixth of
`zxkb search`'s start-up. No `from __future__ import annotations` here: with
it every annotation is a string, which typing.NamedTuple compiles one by one
(208 of them: ~6 ms of compile() at every start, about half the module's
import); the one forward reference is quoted."""

from typing import Literal, NamedTuple

Kind = Literal["body", "heading", "front", "noise", "chrome", "duplicate"]
# body: the report's text; heading: a section heading line; front: title, meeting
# line, speaker, date, caption, salutation; noise: advertisements after the report;
# chrome: web-page furniture (toolbars, breadcrumbs, source and editor lines,
# licence footers, link lists); duplicate: a repeated copy of earlier text.
KINDS: tuple[Kind, ...] = ("body", "heading", "front", "noise", "chrome", "duplicate")
SET_ASIDE: tuple[Kind, ...] = ("front", "noise", "chrome", "duplicate")
# What the index holds: chrome and repeated copies are kept, but nobody searches them.
INDEXED: tuple[Kind, ...] = ("body", "heading", "front", "noise")


# --- parsing -------------------------------------------------------------


class ParsedSection(NamedTuple):
    """A heading of the report. `path` names it uniquely in its document:
    `二` for a top-level section, `二(一)` for a subsection."""

    path: str
    number: str  # `二` or `(一)`
    title: str
    level: int  # 1 or 2
    parent: str | None  # parent's path
    heading_index: int  # index in ParsedDocument.blocks of the heading (line or run-in)


class Block(NamedTuple):
    """One paragraph of the file, in reading order."""

    kind: Kind
    text: str
    section: str | None = None  # path of the innermost section
    title: str | None = None  # initiative title (body) or heading title
    role: str | None = None  # front matter: title, subtitle, author, date, caption, credit, salutation
    page: int | None = None  # the page it starts on (PDF), else None


class ParsedDocument(NamedTuple):
    title: str
    subtitle: str | None
    author: str | None
    date: str | None  # ISO YYYY-MM-DD
    year: int | None
    region: str | None
    blocks: tuple[Block, ...]
    sections: tuple[ParsedSection, ...]
    joined_breaks: int = 0  # paragraphs rejoined across page breaks
    pages: int | None = None  # the page count of a PDF, else None


class Identity(NamedTuple):
    """What a report is (zxkb.parse.identity), each field with the evidence it came from."""

    type: str  # government, cppcc, npc_resolution, party_congress, other
    level: str | None  # national, province, city, county
    region: str | None  # the official name: 全国, 湖南省, 株洲市
    year: int | None  # the year the report was delivered
    date: str | None  # ISO YYYY-MM-DD
    meeting: str | None  # the meeting line, without its dashes
    speaker: str | None  # the person's name alone: 温家宝
    speaker_role: str | None  # 国务院总理, 省长, 主席
    byline: str | None = None  # the byline line the speaker was read from, as written
    evidence: tuple[tuple[str, str], ...] = ()  # (field, where it came from)


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


class DocInfo(NamedTuple):
    id: int
    title: str
    subtitle: str | None
    author: str | None
    date: str | None
    source: str
    paragraphs: int
    sections: int
    year: int | None
    region: str | None
    pages: int | None = None  # a PDF's page count, else None
    type: str = "other"
    level: str | None = None
    key: str | None = None
    meeting: str | None = None
    speaker: str | None = None
    speaker_role: str | None = None
    copy_of: int | None = None  # the canonical copy's id, when this document is a copy of a report
    copies: tuple[int, ...] = ()  # on the canonical copy: the other copies' ids
    evidence: tuple[tuple[str, str], ...] = ()  # (field, where it came from)


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


class FuzzyMatch(NamedTuple):
    term: str
    score: float  # 0..100; see zxkb.fuzzy
    count: int  # type: ignore[assignment]  # occurrences (in the --doc documents, if given); shadows tuple.count
    docs: tuple[int, ...]


class FuzzyResult(NamedTuple):
    query: str
    matches: tuple[FuzzyMatch, ...]
    warnings: tuple[str, ...] = ()  # e.g. the vocabulary is behind the documents


class SearchResult(NamedTuple):
    query: str
    total: int  # exact and approximate hits
    hits: tuple[Hit, ...]
    approximate: int = 0  # how many of `total` are approximate (search --fuzzy)
    suggestions: tuple[FuzzyMatch, ...] | None = None  # computed when nothing matched
    filters: Selection | None = None  # the filters applied
    partial: int = 0  # paragraphs that hold some of the query's terms, when none holds it all
    hints: tuple[str, ...] = ()  # about how the query was read (a lower-case operator, a stray bracket)


class Initiative(NamedTuple):
    ref: str
    title: str


class OutlineSection(NamedTuple):
    path: str
    number: str
    title: str
    ref: str | None  # the heading's paragraph
    initiatives: tuple[Initiative, ...]
    children: tuple["OutlineSection", ...] = ()  # quoted: the one name used before it exists


class Outline(NamedTuple):
    doc_id: int
    doc_title: str
    date: str | None
    sections: tuple[OutlineSection, ...]


class ShowResult(NamedTuple):
    para: Paragraph
    context: tuple[Paragraph, ...]


class Reading(NamedTuple):
    """One document whole, as a reader shows it (zxkb serve: /doc/ID)."""

    info: DocInfo
    copies: tuple[DocInfo, ...]  # the other copies of its report, from other sources
    sections: tuple[OutlineSection, ...]  # its outline
    paragraphs: tuple[Paragraph, ...]  # every paragraph, of every kind, in order


class IngestReport(NamedTuple):
    ingested: tuple[dict[str, object], ...]
    skipped: tuple[dict[str, object], ...]
    errors: tuple[dict[str, object], ...]
    missing: tuple[dict[str, object], ...] = ()  # stored from a file that no longer holds them


class UpgradeReport(NamedTuple):
    path: str
    migrated_from: int | None  # the schema version found, when it was migrated
    schema_version: int
    index_rebuilt: bool
    vocabulary_updated: bool
    reports_placed: bool = False  # the documents got their report identity and copies again (zxkb.store.reports)


# --- across the archive (zxkb.analysis) ------------------------------------------


class Concordance(NamedTuple):
    """One occurrence in context (keyword in context): the text before, the
    occurrence as written, the text after, and its paragraph."""

    ref: str
    left: str
    match: str
    right: str


class TermCount(NamedTuple):
    term: str
    reports: int  # reports of the bucket with the term
    paragraphs: int
    occurrences: int
    per_10k: float  # occurrences per 10,000 characters of the bucket's body text
    refs: tuple[str, ...] = ()  # the best paragraphs (trend --refs)
    kwic: tuple[Concordance, ...] = ()  # every occurrence (trend --kwic)


class TrendBucket(NamedTuple):
    key: str  # 2016, 湖南省, government, 李克强, or a document id
    label: str  # the key as a person reads it (a document's title and year)
    reports: int
    chars: int  # characters of the bucket's body text
    counts: tuple[TermCount, ...]  # one per term, in the order given


class TrendResult(NamedTuple):
    terms: tuple[str, ...]
    by: str
    filters: Selection
    buckets: tuple[TrendBucket, ...]
    kwic: bool = False  # every occurrence in context was asked for
    width: int = 15  # characters of context on each side


class FacetBucket(NamedTuple):
    key: str
    label: str
    count: int  # type: ignore[assignment]  # paragraphs; shadows tuple.count


class FacetResult(NamedTuple):
    query: str
    by: str
    total: int
    buckets: tuple[FacetBucket, ...]
    filters: Selection | None = None


class Evidence(NamedTuple):
    ref: str  # a paragraph of the next report's review
    score: float  # 0..1: the share of the plan item's key terms (by weight) it holds
    shared: tuple[str, ...]  # those terms, longest first


class PlanItem(NamedTuple):
    ref: str
    title: str
    section: str  # its section's path
    status: str  # reported, mentioned, not_found
    evidence: tuple[Evidence, ...]


class TrackResult(NamedTuple):
    doc: int
    next: int | None  # the next report from the same issuer, when stored
    plans: tuple[PlanItem, ...]
    doc_title: str = ""
    next_title: str | None = None
    plan_sections: tuple[str, ...] = ()  # the sections read as the plan
    review_sections: tuple[str, ...] = ()  # the next report's sections read as its review (none: all of it)
    expected: str = ""  # the report sought as the next one: government/全国/2017


class KeyTerm(NamedTuple):
    """A term of zxkb compare, counted on each side: body paragraphs holding it
    (as search --count-by counts them), occurrences and occurrences per 10,000
    characters of the side's body text; `score` the keyness (G2)."""

    term: str
    left_count: int
    left_occurrences: int
    left_per_10k: float
    right_count: int
    right_occurrences: int
    right_per_10k: float
    score: float


class KeptItem(NamedTuple):
    left: str  # ref in report A
    right: str  # ref in report B
    similarity: float  # 0..1 (cosine of their weighted terms; 1 for the same text)
    kind: str  # section or initiative


class CompareSide(NamedTuple):
    filters: Selection
    docs: tuple[int, ...]
    paragraphs: int  # body paragraphs
    chars: int  # characters of their text
    title: str | None  # the report's title and year, when the side is one report


class CompareResult(NamedTuple):
    left: CompareSide
    right: CompareSide
    statistic: str
    rising: tuple[KeyTerm, ...]
    falling: tuple[KeyTerm, ...]
    new: tuple[KeyTerm, ...]
    gone: tuple[KeyTerm, ...]
    kept: tuple[KeptItem, ...]
    new_items: tuple[str, ...]  # refs of B's sections and initiatives without a match in A
    dropped_items: tuple[str, ...]  # refs of A's without a match in B
    titles: dict[str, str]  # ref -> its title, for every ref above
    paired: bool  # two reports: initiatives were matched
