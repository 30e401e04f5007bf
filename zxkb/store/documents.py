"""Writing documents: a prepared report stored with its sections, paragraphs
and index entries in one transaction; documents removed with everything they
own (their terms included)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from zxkb.errors import NotFound
from zxkb.models import DocInfo
from zxkb.store import index, reads, reports, terms
from zxkb.store.connection import transaction

if TYPE_CHECKING:
    from zxkb.ingest.prepare import PreparedDocument


def find_by_hash(conn: sqlite3.Connection, content_hash: str) -> int | None:
    row = conn.execute("SELECT id FROM documents WHERE content_hash = ?", (content_hash,)).fetchone()
    return row[0] if row else None


def content_hashes(conn: sqlite3.Connection) -> frozenset[str]:
    """The content hash of every stored document."""
    return frozenset(h for (h,) in conn.execute("SELECT content_hash FROM documents"))


def find_by_source(conn: sqlite3.Connection, source: str) -> int | None:
    row = conn.execute("SELECT id FROM documents WHERE source = ? ORDER BY id DESC", (source,)).fetchone()
    return row[0] if row else None


class StoredRecord(NamedTuple):
    doc_id: int
    source: str
    record_key: str | None
    content_hash: str
    title: str


def from_file(conn: sqlite3.Connection, file: str) -> list[StoredRecord]:
    """The documents stored from the file at `file` (its records, for a CSV or
    JSON file of many), in id order. Documents stored before their file was
    recorded are found by their source: the file's path, or the path and `#N`."""
    rows = conn.execute(
        "SELECT id, source, record_key, content_hash, title FROM documents"
        " WHERE file = ? OR (file IS NULL AND (source = ? OR substr(source, 1, length(?) + 1) = ? || '#'))"
        " ORDER BY id",
        (file, file, file, file),
    ).fetchall()
    return [StoredRecord(*row) for row in rows]


def move(conn: sqlite3.Connection, doc_id: int, source: str, file: str, record_key: str | None) -> None:
    """A stored record that moved inside its file (`path#2` is now `path#3`): its source follows."""
    with transaction(conn):
        conn.execute(
            "UPDATE documents SET source = ?, file = ?, record_key = ? WHERE id = ?", (source, file, record_key, doc_id)
        )


def remove_documents(conn: sqlite3.Connection, doc_ids: Iterable[int]) -> list[DocInfo]:
    """Remove documents (each in a transaction of its own) with their sections,
    paragraphs, index entries and terms; returns what was removed, in the order
    given. NotFound, and nothing removed, if any id is not a document."""
    wanted = list(dict.fromkeys(doc_ids))
    known = {d.id: d for d in reads.documents(conn)}
    missing = [d for d in wanted if d not in known]
    if missing:
        raise NotFound(f"no document {missing[0]}", "zxkb docs lists the documents with their ids; nothing was removed")
    for doc_id in wanted:
        with transaction(conn):
            delete_document(conn, doc_id)
    return [known[d] for d in wanted]


def delete_document(conn: sqlite3.Connection, doc_id: int) -> bool:
    terms.remove_document_terms(conn, doc_id)
    index.remove_document(conn, doc_id)
    reports.forget(conn, doc_id)  # another copy of the report becomes canonical
    conn.execute("DELETE FROM paragraphs WHERE doc_id = ?", (doc_id,))
    conn.execute("DELETE FROM sections WHERE doc_id = ?", (doc_id,))
    conn.execute("DELETE FROM doc_sizes WHERE doc_id = ?", (doc_id,))
    return conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,)).rowcount > 0


def add_document(
    conn: sqlite3.Connection,
    prepared: PreparedDocument,
    source: str,
    content_hash: str,
    *,
    file: str | None = None,
    record_key: str | None = None,
    replaces: int | None = None,
) -> int:
    """Store a prepared document, its sections, paragraphs and index entries in
    one transaction, with what report it is (zxkb.store.reports: a copy of a
    stored report joins it); with `replaces`, that document goes in the same
    transaction. Its terms are the caller's to add to the vocabulary
    (terms.VocabularyBatch), after the commit."""
    from datetime import datetime, timezone  # here: only ingest needs it (~1 ms of every start-up)

    doc = prepared.doc
    identity = prepared.identity
    author = doc.author or (identity.byline if identity else None)  # a byline the front matter did not take
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    with transaction(conn):
        if replaces is not None:
            delete_document(conn, replaces)
        cur = conn.execute(
            "INSERT INTO documents(title, subtitle, author, date, year, region, source, content_hash, ingested_at,"
            " file, record_key, pages) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc.title,
                doc.subtitle,
                author,
                doc.date,
                doc.year,
                doc.region,
                source,
                content_hash,
                now,
                file,
                record_key,
                doc.pages,
            ),
        )
        doc_id = int(cur.lastrowid or 0)
        section_ids: dict[str, int] = {}
        for ordinal, sec in enumerate(doc.sections, 1):
            cur = conn.execute(
                "INSERT INTO sections(doc_id, parent_id, ordinal, level, number, path, title, heading_seq)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    doc_id,
                    section_ids.get(sec.parent) if sec.parent else None,
                    ordinal,
                    sec.level,
                    sec.number,
                    sec.path,
                    sec.title,
                    sec.heading_index + 1,
                ),
            )
            section_ids[sec.path] = int(cur.lastrowid or 0)
        # ids given here, not by SQLite, so that paragraphs and their index
        # entries go in with one executemany each (the transaction holds the
        # write lock: nobody else can take these ids meanwhile)
        first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM paragraphs").fetchone()[0]
        conn.executemany(
            "INSERT INTO paragraphs(id, doc_id, seq, section_id, kind, role, title, text, page)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    first + i,
                    doc_id,
                    i + 1,
                    section_ids.get(block.section) if block.section else None,
                    block.kind,
                    block.role,
                    block.title,
                    block.text,
                    block.page,
                )
                for i, block in enumerate(doc.blocks)
            ),
        )
        body = [len(block.text) for block in doc.blocks if block.kind == "body"]
        conn.execute(
            "INSERT INTO doc_sizes(doc_id, first_paragraph, last_paragraph, paragraphs, chars) VALUES (?, ?, ?, ?, ?)",
            (
                doc_id,
                first if doc.blocks else None,
                first + len(doc.blocks) - 1 if doc.blocks else None,
                len(body),
                sum(body),
            ),
        )
        copy = False
        if identity is not None:
            reports.store(conn, doc_id, identity, prepared.meta, prepared.sentences)
            copy = reports.place(conn, doc_id, identity, prepared.sentences, indexed=False)
        index.add(
            conn,
            (
                (first + i, block.kind, tokens, title, tier)
                for i, (block, tokens, title, tier) in enumerate(
                    zip(
                        doc.blocks,
                        prepared.tokens,
                        prepared.titles or ("",) * len(doc.blocks),
                        prepared.tiers or ("",) * len(doc.blocks),
                        strict=True,
                    )
                )
                if tokens is not None
            ),
            copy=copy,
        )
    return doc_id
