"""The records of the analyses across the archive (zxkb.analysis: trend,
facets, track, compare); named by zxkb.models too (see its docstring). Its
records are named in strings here and imported for typing only, so this
module never imports zxkb.models."""

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from zxkb.models import Selection


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
    filters: "Selection"
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
    filters: "Selection | None" = None


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
    filters: "Selection"
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
