"""The records of the views beyond search: a document's outline, a paragraph
in context, a document whole, what ingest and upgrade did; named by
zxkb.models too (see its docstring). Its records are named in strings here
and imported for typing only, so this module never imports zxkb.models."""

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from zxkb.models import DocInfo, Paragraph


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

    info: "DocInfo"
    copies: tuple["DocInfo", ...]  # the other copies of its report, from other sources
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
