"""The records of the views beyond search's hits: the documents, close terms
(zxkb fuzzy, and a search's suggestions), a document's outline, a paragraph in
context, a document whole, what ingest and upgrade did; named by
zxkb.models too (see its docstring). Its records are named in strings here
and imported for typing only, so this module never imports zxkb.models."""

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from zxkb.models import Paragraph


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


class FuzzyMatch(NamedTuple):
    term: str
    score: float  # 0..100; see zxkb.fuzzy
    count: int  # type: ignore[assignment]  # occurrences (in the --doc documents, if given); shadows tuple.count
    docs: tuple[int, ...]


class FuzzyResult(NamedTuple):
    query: str
    matches: tuple[FuzzyMatch, ...]
    warnings: tuple[str, ...] = ()  # e.g. the vocabulary is behind the documents


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
    para: "Paragraph"
    context: tuple["Paragraph", ...]


class Reading(NamedTuple):
    """One document whole, as a reader shows it (zxkb serve: /doc/ID)."""

    info: DocInfo
    copies: tuple[DocInfo, ...]  # the other copies of its report, from other sources
    sections: tuple[OutlineSection, ...]  # its outline
    paragraphs: tuple["Paragraph", ...]  # every paragraph, of every kind, in order


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
