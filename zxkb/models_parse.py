"""The records that parsing makes (zxkb.parse) and ingest stores; named by
zxkb.models too (see its docstring: created apart, so that a query does not
pay for them). No `from __future__ import annotations`, as in zxkb.models;
its records are named in strings here and imported for typing only, so this
module never imports zxkb.models."""

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from zxkb.models import Kind


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

    kind: "Kind"
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
