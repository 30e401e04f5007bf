"""Which stored document each record of a file is, when a file is ingested again.

A report is identified by what it is, never by its position in its file:

- its text (the content hash): a report stored already, from this file or
  another, is skipped; one that moved inside its file (`path#2` is now
  `path#3`) keeps its document, whose source follows it;
- its own key, in a CSV or JSON file of many (`record_key`: its url, else its
  title and year): a record whose text changed replaces its document with
  --replace, and is skipped with a note without it;
- for a file of one report, the file itself: a changed file is the same
  report, changed.

A record without a key whose text changed is a new report, and its old text a
report the file no longer holds. Documents stored from a file that no longer
holds them are reported as `missing`, and removed only with --replace.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from typing import NamedTuple

from zxkb.ingest.prepare import PreparedRecord
from zxkb.models import KINDS, SET_ASIDE
from zxkb.store import documents, terms
from zxkb.store.connection import transaction


class FileOutcome(NamedTuple):
    ingested: list[dict[str, object]]
    skipped: list[dict[str, object]]
    missing: list[dict[str, object]]


def store_file(
    conn: sqlite3.Connection,
    file: str,
    records: list[PreparedRecord],
    vocabulary: terms.VocabularyBatch,
    *,
    replace: bool = False,
    complete: bool = True,
) -> FileOutcome:
    """Store the records of the file at `file` (its resolved path), each as what it is.
    `complete` is False when some records of the file could not be read (they are
    not among `records`): documents the file seems to lack are then reported as
    missing but never removed, since one of them may be a record that failed."""
    stored = documents.from_file(conn, file)
    by_hash = {s.content_hash: s for s in stored}
    old_keys = Counter(s.record_key for s in stored if s.record_key)
    by_key = {s.record_key: s for s in stored if s.record_key and old_keys[s.record_key] == 1}
    new_keys = Counter(r.key for r in records if r.key)
    claimed: set[int] = set()
    outcome = FileOutcome([], [], [])
    for record in records:
        existing = documents.find_by_hash(conn, record.content_hash)
        if existing is not None:
            mine = by_hash.get(record.content_hash)
            if mine is not None:
                claimed.add(mine.doc_id)
                if mine.source != record.source:
                    documents.move(conn, mine.doc_id, record.source, file, record.key)
            outcome.skipped.append({"source": record.source, "reason": f"already ingested as document {existing}"})
            continue
        previous = None
        if record.key and new_keys[record.key] == 1:
            previous = by_key.get(record.key)
        elif record.source == file:  # a file of one report: the file is the report
            previous = next((s for s in stored if s.source == file), None)
        if previous is not None and previous.doc_id in claimed:
            previous = None
        if previous is not None:
            claimed.add(previous.doc_id)
            if not replace:
                outcome.skipped.append(
                    {
                        "source": record.source,
                        "reason": f"changed since it was ingested as document {previous.doc_id}; --replace replaces it",
                    }
                )
                continue
        if record.prepared is None:
            outcome.skipped.append({"source": record.source, "reason": record.not_report or "already ingested"})
            continue
        outcome.ingested.append(_store(conn, file, record, vocabulary, previous.doc_id if previous else None))
    for gone in (s for s in stored if s.doc_id not in claimed):
        removed = replace and complete
        if removed:
            with transaction(conn):
                documents.delete_document(conn, gone.doc_id)
        outcome.missing.append({"doc": gone.doc_id, "source": gone.source, "title": gone.title, "removed": removed})
    return outcome


def _store(
    conn: sqlite3.Connection,
    file: str,
    record: PreparedRecord,
    vocabulary: terms.VocabularyBatch,
    replaces: int | None,
) -> dict[str, object]:
    assert record.prepared is not None
    doc = record.prepared.doc
    doc_id = documents.add_document(
        conn, record.prepared, record.source, record.content_hash, file=file, record_key=record.key, replaces=replaces
    )
    vocabulary.add(doc_id, record.prepared.terms)
    counts = {kind: sum(1 for b in doc.blocks if b.kind == kind) for kind in KINDS}
    return {
        "doc": doc_id,
        "source": record.source,
        "title": doc.title,
        "paragraphs": counts["body"],
        "sections": len(doc.sections),
        "set_aside": {kind: counts[kind] for kind in SET_ASIDE},
        "encoding": record.encoding,
        **({"replaced": replaces} if replaces is not None else {}),
        **({"warnings": list(record.warnings)} if record.warnings else {}),
    }
