"""The archive: what report each document is, and which documents are one report.

At ingest (zxkb.store.documents.add_document) a document's own identity
(zxkb.parse.identity) is stored with it, and a sample of its sentence hashes
(zxkb.parse.fingerprint) in doc_sketch. Then it is placed: a stored document is
the same report when neither identity contradicts the other (type, region and
year, where both say: zxkb.parse.copies.conflict) and it shares at least
MIN_SHARE of the sentences of the smaller of the two, or MIN_SHARE_SAME_KEY
when both have the same key (`government/全国/2016`). The candidates are the
documents with that key and those whose sketches share the most sentences;
containment is estimated on the sketches, or computed on the whole texts when
a sketch is small.

One copy of each report is canonical (documents.copy_of IS NULL); the others
point at it. The rule (`_elect`): a complete copy first (body text at least
COMPLETE of the longest copy's: one page of four, or an abridged text, is
never canonical beside a whole one); then the one with the most sections and
subsections found (the clearest outline); then the fewest fragment paragraphs
(lines a scraper cut mid-sentence); then the first ingested. The election runs
again whenever a copy comes or goes, so removing the canonical copy promotes
another. A copy's paragraphs sit in the index's copy columns (zxkb.store.index).

Every copy carries the report's identity in its columns (zxkb.parse.copies.merge):
each field as the canonical copy has it, else as another copy has it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from zxkb.models import Identity
from zxkb.parse.copies import conflict, from_json, merge, to_json
from zxkb.parse.fingerprint import containment, sentence_hashes, sketch
from zxkb.parse.identity import identify, report_key
from zxkb.store import index, schema

MIN_SHARE = 0.5
MIN_SHARE_SAME_KEY = 0.2
MIN_SKETCH = 12  # sketch sizes below which containment is computed on the whole texts
CANDIDATES = 8
COMPLETE = 0.9
RESOLVED = ("type", "level", "region", "year", "date", "meeting", "speaker", "speaker_role")


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


def store(
    conn: sqlite3.Connection, doc_id: int, identity: Identity, meta: Iterable[tuple[str, str]], sentences: Iterable[int]
) -> None:
    """Write a new document's own identity and sketch, inside the caller's transaction."""
    conn.execute("UPDATE documents SET identity = ? WHERE id = ?", (to_json(identity, dict(meta)), doc_id))
    conn.executemany(
        "INSERT OR IGNORE INTO doc_sketch(hash, doc_id) VALUES (?, ?)", ((h, doc_id) for h in sketch(sentences))
    )


def place(
    conn: sqlite3.Connection, doc_id: int, identity: Identity, sentences: Sequence[int], *, indexed: bool
) -> bool:
    """Join a stored document to the report it is a copy of, if any, elect the
    report's canonical copy and write the report's identity on every copy.
    Returns whether the document is a copy. With indexed=False its index
    entries are not written yet: the caller writes them where this says."""
    match = _find_report(conn, doc_id, identity, sentences)
    members = sorted({*(_members(conn, match) if match is not None else []), doc_id})
    return _elect(conn, members, unindexed=None if indexed else doc_id) != doc_id


def forget(conn: sqlite3.Connection, doc_id: int) -> None:
    """Before a document goes (its index entries gone already): its sketch goes,
    and the report's other copies elect their canonical copy again."""
    rest = [m for m in _members(conn, doc_id) if m != doc_id]
    conn.execute("DELETE FROM doc_sketch WHERE doc_id = ?", (doc_id,))
    conn.execute("UPDATE documents SET copy_of = NULL, key = NULL WHERE id = ?", (doc_id,))
    if rest:
        _elect(conn, rest)


def members(conn: sqlite3.Connection, doc_id: int) -> tuple[int | None, list[int]]:
    """(the canonical copy, every copy) of the report `doc_id` is a copy of."""
    found = _members(conn, doc_id)
    head = conn.execute("SELECT coalesce(copy_of, id) FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return (head[0] if head else None), found


def _members(conn: sqlite3.Connection, doc_id: int) -> list[int]:
    row = conn.execute("SELECT coalesce(copy_of, id) FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if row is None:
        return []
    rows = conn.execute("SELECT id FROM documents WHERE id = ? OR copy_of = ? ORDER BY id", (row[0], row[0]))
    return [i for (i,) in rows]


def resolved(conn: sqlite3.Connection, doc_id: int) -> Identity | None:
    """The report identity written on a document (its columns)."""
    row = conn.execute(f"SELECT {', '.join(RESOLVED)} FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return Identity(*row) if row else None


def _find_report(conn: sqlite3.Connection, doc_id: int, identity: Identity, sentences: Sequence[int]) -> int | None:
    key = report_key(identity.type, identity.region, identity.year)
    same_key: set[int] = set()
    if key:
        rows = conn.execute(
            "SELECT id FROM documents WHERE (key = ? OR key LIKE ? || '~%') AND id != ?", (key, key, doc_id)
        )
        same_key = {i for (i,) in rows}
    mine = sketch(sentences)
    shared = _shared(conn, mine, doc_id)
    candidates = set(sorted(shared, key=lambda d: (-shared[d], d))[:CANDIDATES]) | same_key
    best, best_share = None, 0.0
    for cand in sorted(candidates):
        other = resolved(conn, cand)
        if other is None or conflict(identity, other):
            continue
        share = _share(conn, cand, sentences, len(mine), shared.get(cand, 0))
        if share >= (MIN_SHARE_SAME_KEY if cand in same_key else MIN_SHARE) and share > best_share:
            best, best_share = cand, share
    return best


def _shared(conn: sqlite3.Connection, mine: Sequence[int], doc_id: int) -> dict[int, int]:
    """For each other document, how many of `mine` (a sketch) its sketch holds."""
    counts: dict[int, int] = {}
    for i in range(0, len(mine), 500):
        chunk = list(mine[i : i + 500])
        rows = conn.execute(
            f"SELECT doc_id, count(*) FROM doc_sketch WHERE hash IN ({_marks(chunk)}) AND doc_id != ? GROUP BY doc_id",
            [*chunk, doc_id],
        )
        for other, n in rows:
            counts[other] = counts.get(other, 0) + n
    return counts


def stored_sentences(conn: sqlite3.Connection, doc_id: int) -> tuple[int, ...]:
    rows = conn.execute("SELECT text FROM paragraphs WHERE doc_id = ? AND kind = 'body' ORDER BY seq", (doc_id,))
    return sentence_hashes(text for (text,) in rows)


def _share(conn: sqlite3.Connection, cand: int, sentences: Sequence[int], mine: int, common: int) -> float:
    theirs = conn.execute("SELECT count(*) FROM doc_sketch WHERE doc_id = ?", (cand,)).fetchone()[0]
    if min(mine, theirs) >= MIN_SKETCH:
        return float(common / min(mine, theirs))
    return containment(sentences, stored_sentences(conn, cand))


def _elect(conn: sqlite3.Connection, group: Sequence[int], unindexed: int | None = None) -> int:
    """Elect the canonical copy of the report whose copies are `group` (see the
    module docstring), point the others at it and write the report's identity."""
    if len(group) == 1:  # a report stored once: nothing to elect
        (only,) = group
        if only != unindexed:
            index.move_document(conn, only, copy=False)
        conn.execute("UPDATE documents SET copy_of = NULL WHERE id = ?", (only,))
        _write_identity(conn, group, only)
        return only
    stats = {
        doc_id: (chars, sections, -fragments, -doc_id)
        for doc_id, chars, sections, fragments in conn.execute(
            f"""
            SELECT d.id,
                   (SELECT coalesce(sum(length(p.text)), 0) FROM paragraphs p
                      WHERE p.doc_id = d.id AND p.kind = 'body'),
                   (SELECT count(*) FROM sections s WHERE s.doc_id = d.id),
                   (SELECT count(*) FROM paragraphs p WHERE p.doc_id = d.id AND p.kind = 'body'
                      AND length(p.text) < 15 AND substr(p.text, -1) NOT IN ('。', '！', '？', '；', '：', '!', '?'))
            FROM documents d WHERE d.id IN ({_marks(group)})
            """,
            list(group),
        )
    }
    longest = max(chars for chars, *_ in stats.values())
    canonical: int = max(stats, key=lambda d: (stats[d][0] >= COMPLETE * longest, *stats[d][1:]))
    for doc_id in group:
        if doc_id != unindexed:
            index.move_document(conn, doc_id, copy=doc_id != canonical)
        conn.execute(
            "UPDATE documents SET copy_of = ? WHERE id = ?", (None if doc_id == canonical else canonical, doc_id)
        )
    _write_identity(conn, group, canonical)
    return canonical


def _write_identity(conn: sqlite3.Connection, group: Sequence[int], canonical: int) -> None:
    rows = conn.execute(f"SELECT id, identity FROM documents WHERE id IN ({_marks(group)})", list(group))
    report = merge([(doc_id, from_json(text)[0]) for doc_id, text in rows], canonical)
    key = report_key(report.type, report.region, report.year)
    key = _free_key(conn, key, group) if key else None
    conn.execute(
        f"UPDATE documents SET {', '.join(f'{name} = ?' for name in RESOLVED)}, key = ? WHERE id IN ({_marks(group)})",
        [*(getattr(report, name) for name in RESOLVED), key, *group],
    )


def _free_key(conn: sqlite3.Connection, key: str, group: Sequence[int]) -> str:
    """`key`, or `key~2`, `key~3`… when another report (same type, region and
    year, but a different text) holds it already."""
    found, n = key, 1
    while conn.execute(
        f"SELECT 1 FROM documents WHERE key = ? AND id NOT IN ({_marks(group)}) LIMIT 1", [found, *group]
    ).fetchone():
        n += 1
        found = f"{key}~{n}"
    return found


# --- documents stored before the archive, or under older rules ---------------------


def check_archive(conn: sqlite3.Connection) -> None:
    """Give every stored document its identity, sketch and place among the
    reports again, inside the caller's write transaction (zxkb.store.connection,
    when the rules, schema.ARCHIVE_VERSION, changed since they were given, or the
    database predates them: schema migration 6). The identity is read again from
    the stored paragraphs, with the file's fields that were kept."""
    docs = conn.execute(
        "SELECT id, title, subtitle, author, date, year, region, identity, copy_of FROM documents ORDER BY id"
    ).fetchall()
    for doc_id, *_, copy_of in docs:
        if copy_of is not None:
            index.move_document(conn, doc_id, copy=False)
    conn.execute("UPDATE documents SET copy_of = NULL, key = NULL")
    conn.execute("DELETE FROM doc_sketch")
    for doc_id, title, subtitle, author, date, year, region, stored, _ in docs:  # in the order of ingest
        meta = from_json(stored)[1] if stored else {}
        if not stored:
            meta = {k: v for k, v in (("year", str(year) if year else ""), ("region", region or "")) if v}
        blocks = conn.execute("SELECT kind, role, text FROM paragraphs WHERE doc_id = ? ORDER BY seq", (doc_id,))
        own_date = from_json(stored)[0].date if stored else date  # the date column is the report's
        identity = identify(title, subtitle, author, own_date, blocks.fetchall(), meta)
        sentences = stored_sentences(conn, doc_id)
        store(conn, doc_id, identity, meta.items(), sentences)
        place(conn, doc_id, identity, sentences, indexed=True)
    conn.execute(
        "INSERT OR REPLACE INTO meta(key, value) VALUES ('archive_version', ?)", (str(schema.ARCHIVE_VERSION),)
    )
