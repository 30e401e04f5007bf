"""Reading documents and paragraphs: the documents' metadata, which documents a
--doc names, paragraphs by reference, by id and in order."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from zxkb import textnorm
from zxkb.errors import NotFound
from zxkb.models import Kind, Paragraph, ReportFacts

if TYPE_CHECKING:
    from zxkb.models import DocInfo

PARA_COLUMNS = """
    p.doc_id, d.title, d.date, p.seq, p.kind, s.path, s.title, p.title, p.text, p.page
"""
PARA_WIDTH = 10  # columns in PARA_COLUMNS: a query's own columns come after them
PARA_JOINS = """
    JOIN documents d ON d.id = p.doc_id
    LEFT JOIN sections s ON s.id = p.section_id
"""


def paragraph_of(row: Sequence[object]) -> Paragraph:
    """A Paragraph from a row that starts with PARA_COLUMNS."""
    return Paragraph(*row[:PARA_WIDTH])  # type: ignore[arg-type]


def documents(conn: sqlite3.Connection, doc_ids: Sequence[int] | None = None) -> list[DocInfo]:
    """The documents (those of `doc_ids`, else all), each with its report's
    identity, its copies and the evidence for each field (zxkb.store.reports)."""
    from zxkb.models import DocInfo  # created when used (zxkb.models)
    from zxkb.parse.copies import from_json, merge  # json: not on a search's path

    cond = f"WHERE d.id IN ({','.join('?' * len(doc_ids))})" if doc_ids is not None else ""
    rows = conn.execute(
        f"""
        SELECT d.id, d.title, d.subtitle, d.author, d.date, d.source,
               (SELECT count(*) FROM paragraphs p WHERE p.doc_id = d.id AND p.kind = 'body'),
               (SELECT count(*) FROM sections s WHERE s.doc_id = d.id),
               d.year, d.region, d.pages, d.type, d.level, d.key, d.meeting, d.speaker, d.speaker_role, d.copy_of
        FROM documents d {cond} ORDER BY d.id
        """,
        list(doc_ids or ()),
    ).fetchall()
    groups: dict[int, list[int]] = {}
    own = {}
    for doc_id, head, identity in conn.execute("SELECT id, coalesce(copy_of, id), identity FROM documents"):
        groups.setdefault(head, []).append(doc_id)
        own[doc_id] = identity
    out = []
    for row in rows:
        doc_id, copy_of = row[0], row[17]
        head = copy_of if copy_of is not None else doc_id
        group = groups.get(head, [doc_id])
        report = merge([(m, from_json(own.get(m))[0]) for m in group], head)
        copies = tuple(m for m in group if m != doc_id) if copy_of is None else ()
        out.append(DocInfo._make([*row, copies, report.evidence]))
    return out


def sources(conn: sqlite3.Connection, doc_ids: Iterable[int]) -> dict[int, str]:
    """The source (file, or file#record) of each document."""
    ids = sorted(set(doc_ids))
    marks = ",".join("?" * len(ids))
    return dict(conn.execute(f"SELECT id, source FROM documents WHERE id IN ({marks})", ids).fetchall())


def resolve_docs(conn: sqlite3.Connection, spec: str | None) -> list[int] | None:
    """Document ids named by `spec`: an id, or a substring of the title (folded).
    None means every document."""
    if spec is None:
        return None
    spec = spec.strip()
    is_id = spec.isascii() and spec.isdigit() and len(spec) <= 18  # SQLite's integers are 64-bit
    if is_id and conn.execute("SELECT 1 FROM documents WHERE id = ?", (int(spec),)).fetchone():
        return [int(spec)]
    from pathlib import Path  # not on a search's path without --doc

    key = textnorm.fold(spec)
    ids = [
        doc_id
        for doc_id, title, source in conn.execute("SELECT id, title, source FROM documents ORDER BY id")
        if key and (key in textnorm.fold(title) or key in textnorm.fold(Path(source).name))
    ]
    if not ids:
        raise NotFound(
            f"no document matches {spec!r}",
            "zxkb docs lists the documents with their ids",
        )
    return ids


def doc_filter(doc_ids: list[int] | None) -> tuple[str, list[object]]:
    if doc_ids is None:
        return "", []
    return f" AND p.doc_id IN ({','.join('?' * len(doc_ids))})", list(doc_ids)


def kind_filter(kinds: Sequence[Kind]) -> tuple[str, list[object]]:
    return f" AND p.kind IN ({','.join('?' * len(kinds))})", list(kinds)


def require_section(conn: sqlite3.Connection, path: str, doc_ids: list[int] | None) -> None:
    cond, args = doc_filter(doc_ids)
    row = conn.execute(
        f"SELECT 1 FROM sections s JOIN paragraphs p ON p.doc_id = s.doc_id AND p.seq = s.heading_seq"
        f" WHERE s.path = ?{cond} LIMIT 1",
        [path, *args],
    ).fetchone()
    if row is None:
        raise NotFound(f"no section {path}", "zxkb list shows the sections and their paths")


def paragraph(conn: sqlite3.Connection, doc_id: int, seq: int) -> Paragraph | None:
    row = conn.execute(
        f"SELECT {PARA_COLUMNS} FROM paragraphs p {PARA_JOINS} WHERE p.doc_id = ? AND p.seq = ?",
        (doc_id, seq),
    ).fetchone()
    return paragraph_of(row) if row else None


def paragraphs_between(conn: sqlite3.Connection, doc_id: int, first: int, last: int) -> list[Paragraph]:
    rows = conn.execute(
        f"SELECT {PARA_COLUMNS} FROM paragraphs p {PARA_JOINS}"
        " WHERE p.doc_id = ? AND p.seq BETWEEN ? AND ? ORDER BY p.seq",
        (doc_id, first, last),
    ).fetchall()
    return [paragraph_of(row) for row in rows]


def paragraphs_by_id(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, Paragraph]:
    """The paragraphs with these ids (paragraphs.id), by id."""
    by_id: dict[int, Paragraph] = {}
    for i in range(0, len(ids), 500):  # SQLite before 3.32 takes at most 999 parameters
        chunk = list(ids[i : i + 500])
        marks = ",".join("?" * len(chunk))
        query = f"SELECT {PARA_COLUMNS}, p.id FROM paragraphs p {PARA_JOINS} WHERE p.id IN ({marks})"
        by_id.update((row[-1], paragraph_of(row)) for row in conn.execute(query, chunk))
    return by_id


def iter_paragraphs(
    conn: sqlite3.Connection, doc_ids: list[int] | None, kinds: Sequence[Kind], *, copies: bool = False
) -> Iterator[Paragraph]:
    """Paragraphs in document order: of `doc_ids`, else of every report once (every document with `copies`)."""
    cond, args = doc_filter(doc_ids)
    kcond, kargs = kind_filter(kinds)
    once = " AND d.copy_of IS NULL" if doc_ids is None and not copies else ""
    cur = conn.execute(
        f"SELECT {PARA_COLUMNS} FROM paragraphs p {PARA_JOINS} WHERE 1 {cond}{kcond}{once} ORDER BY p.doc_id, p.seq",
        [*args, *kargs],
    )
    for row in cur:
        yield paragraph_of(row)


def facts(conn: sqlite3.Connection, doc_ids: Iterable[int]) -> dict[int, ReportFacts]:
    """Year, region and type of each document's report."""
    ids = sorted(set(doc_ids))
    out: dict[int, ReportFacts] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        rows = conn.execute(
            f"SELECT id, year, region, type FROM documents WHERE id IN ({','.join('?' * len(chunk))})", chunk
        )
        out.update((doc_id, ReportFacts(year, region, type_)) for doc_id, year, region, type_ in rows)
    return out


def copy_ids(conn: sqlite3.Connection) -> frozenset[int]:
    """The documents that are copies of a report stored from another source."""
    return frozenset(i for (i,) in conn.execute("SELECT id FROM documents WHERE copy_of IS NOT NULL"))


def with_copies(conn: sqlite3.Connection, doc_ids: Sequence[int]) -> list[int]:
    """`doc_ids` and the other copies of their reports, ascending."""
    ids = sorted(set(doc_ids))
    found = set(ids)
    for i in range(0, len(ids), 400):
        chunk = ids[i : i + 400]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT d.id FROM documents d JOIN documents c ON coalesce(d.copy_of, d.id) = coalesce(c.copy_of, c.id)"
            f" WHERE c.id IN ({marks})",
            chunk,
        )
        found.update(i for (i,) in rows)
    return sorted(found)
