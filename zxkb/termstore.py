"""The term vocabulary's SQL (issue 4): terms, their documents and pinyin.
zxkb.store owns the documents; this module owns the vocabulary tables
(migration 2 in zxkb.schema). Writing needs rjieba and pypinyin (zxkb.vocab
imports them on first use); reading needs neither: pinyin is stored with each
term.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from itertools import repeat
from operator import itemgetter

from zxkb import textnorm, vocab
from zxkb.store import transaction

VOCAB_KINDS = ("body", "heading")  # the paragraphs whose words make the vocabulary


def _vocab_stamp() -> str:
    return f"{vocab.VERSION}.{textnorm.VERSION}"


def check_vocabulary(conn: sqlite3.Connection) -> None:
    """Build the vocabulary when it is missing or was made by another vocab or
    normaliser version (a database from before issue 4, say)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'vocab_version'").fetchone()
    if row is not None and row[0] == _vocab_stamp():
        return
    rebuild_vocabulary(conn)


def ready(conn: sqlite3.Connection) -> None:
    """Make the vocabulary current before it is read: built for this version,
    and caught up with documents an interrupted ingest left without terms.
    Called where the vocabulary is used, not on every open: a plain search
    never imports the vocabulary code."""
    check_vocabulary(conn)
    if vocabulary_behind(conn):
        update_vocabulary(conn)


def rebuild_vocabulary(conn: sqlite3.Connection) -> None:
    """Empty the vocabulary (one transaction), then extract every document's
    terms again (update_vocabulary). Interrupted, it resumes where it stopped."""
    with transaction(conn):
        conn.execute("DELETE FROM terms_fts")
        conn.execute("DELETE FROM terms")
        conn.execute("DELETE FROM term_docs")
        conn.execute("DELETE FROM char_pinyin")
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('vocab_version', ?)", (_vocab_stamp(),))
        _set_vocab_upto(conn, 0)
    update_vocabulary(conn)


VOCAB_BATCH_ROWS = 100_000  # (term, document) pairs written in one transaction: ~40 reports, ~15 MB


class VocabularyBatch:
    """Documents' terms, extracted as each document is stored and written to the
    vocabulary together, about VOCAB_BATCH_ROWS (term, document) pairs at a time:
    one transaction per batch instead of one per document, so that each page of
    the vocabulary's tables is written once per batch. Call flush() at the end.

    A document is stored before its terms: until the batch is written (or if the
    process dies first) the vocabulary is behind, and update_vocabulary, which
    every flush, the next ingest and the next fuzzy query run, catches up."""

    def __init__(self, conn: sqlite3.Connection, max_rows: int | None = None) -> None:
        check_vocabulary(conn)  # terms of another version are rebuilt before new ones join them
        self.conn = conn
        self.max_rows = max_rows or VOCAB_BATCH_ROWS
        self.pending: dict[int, vocab.DocumentTerms] = {}
        self.rows = 0

    def add(self, doc_id: int, texts: list[str], titles: list[str]) -> None:
        """A stored document's terms, from its folded paragraph texts and titles."""
        terms = vocab.extract(texts, titles, vocab.segmenter())
        self.pending[doc_id] = terms
        self.rows += len(terms)
        if self.rows >= self.max_rows:
            self.flush()

    def flush(self) -> None:
        """Write the pending terms, and those of any other document not yet in."""
        update_vocabulary(self.conn, self.pending, max_rows=self.max_rows)
        self.pending = {}
        self.rows = 0


def _vocab_upto(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'vocab_upto'").fetchone()
    return int(row[0]) if row else 0


def _set_vocab_upto(conn: sqlite3.Connection, doc_id: int) -> None:
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('vocab_upto', ?)", (str(doc_id),))


def vocabulary_behind(conn: sqlite3.Connection) -> bool:
    """Whether a stored document's terms are not in the vocabulary yet."""
    last = conn.execute("SELECT max(id) FROM documents").fetchone()[0]
    return last is not None and last > _vocab_upto(conn)


def update_vocabulary(
    conn: sqlite3.Connection,
    extracted: Mapping[int, vocab.DocumentTerms] | None = None,
    *,
    max_rows: int | None = None,
) -> int:
    """Add the terms of every document stored after meta 'vocab_upto' (document
    ids only grow), about `max_rows` (term, document) pairs per transaction.
    `extracted` holds documents' terms already extracted; the others are read
    back from their paragraphs, outside the write transaction. Safe against a
    concurrent ingest or update: each transaction reads 'vocab_upto' again.
    Returns how many documents were added."""
    known = dict(extracted or {})
    max_rows = max_rows or VOCAB_BATCH_ROWS
    added = 0
    while True:
        pending = conn.execute("SELECT id FROM documents WHERE id > ? ORDER BY id", (_vocab_upto(conn),)).fetchall()
        if not pending:
            return added
        chunk: list[int] = []
        rows = 0
        for (doc_id,) in pending:
            if doc_id not in known:
                known[doc_id] = _stored_terms(conn, doc_id)
            chunk.append(doc_id)
            rows += len(known[doc_id])
            if rows >= max_rows:
                break
        with transaction(conn):
            upto = _vocab_upto(conn)
            present = {
                doc_id
                for (doc_id,) in conn.execute(
                    "SELECT id FROM documents WHERE id > ? AND id <= ?", (upto, chunk[-1])
                ).fetchall()
            }
            batch = {doc_id: known[doc_id] for doc_id in chunk if doc_id in present}
            _write_terms(conn, batch)
            _set_vocab_upto(conn, max(upto, chunk[-1]))
        added += len(batch)
        for doc_id in chunk:
            del known[doc_id]


def _stored_terms(conn: sqlite3.Connection, doc_id: int) -> vocab.DocumentTerms:
    """The terms of a stored document, from its paragraphs and titles."""
    texts = [
        textnorm.fold(text)
        for (text,) in conn.execute(
            f"SELECT text FROM paragraphs WHERE doc_id = ? AND kind IN ({','.join('?' * len(VOCAB_KINDS))})"
            " ORDER BY seq",
            (doc_id, *VOCAB_KINDS),
        )
    ]
    titles = [
        textnorm.fold(title)
        for (title,) in conn.execute(
            "SELECT title FROM sections WHERE doc_id = ?"
            " UNION ALL SELECT title FROM paragraphs WHERE doc_id = ? AND kind = 'body' AND title IS NOT NULL",
            (doc_id, doc_id),
        )
    ]
    return vocab.extract(texts, titles, vocab.segmenter())


def add_document_terms(conn: sqlite3.Connection, doc_id: int, texts: list[str], titles: list[str]) -> int:
    """Add one document's terms (from its folded paragraph texts and titles) to
    the vocabulary, inside the caller's transaction. Returns how many terms the
    document has."""
    terms = vocab.extract(texts, titles, vocab.segmenter())
    _write_terms(conn, {doc_id: terms})
    return len(terms)


def _write_terms(conn: sqlite3.Connection, batch: Mapping[int, vocab.DocumentTerms]) -> None:
    """Add documents' terms to the vocabulary, inside the caller's transaction:
    the batch's totals added to the terms already there, new terms with their
    totals and pinyin (computed here, once per term), and each document's rows
    appended in key order (sorted and bound in C: zip, map, executemany)."""
    totals: dict[str, list[int]] = {}  # term -> [occurrences, documents] in the batch, in first-seen order
    for terms in batch.values():
        for text, count in terms.counts.items():
            total = totals.get(text)
            if total is None:
                totals[text] = [count, 1]
            else:
                total[0] += count
                total[1] += 1
    if not totals:
        return
    ids = _term_ids(conn, list(totals))
    conn.executemany(
        "UPDATE terms SET count = count + ?, ndocs = ndocs + ? WHERE id = ?",
        sorted(((*totals[text], term_id) for text, term_id in ids.items()), key=itemgetter(2)),
    )
    new = [text for text in totals if text not in ids]
    introduced: dict[str, vocab.Term] = {}  # each new term as the batch's first document with it cuts it
    remaining = set(new)
    for terms in batch.values():  # in document order
        found = remaining.intersection(terms.counts)
        introduced.update((text, terms[text]) for text in found)
        remaining -= found
    first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM terms").fetchone()[0]
    ids.update(zip(new, range(first, first + len(new)), strict=True))
    readings = [(ids[text], text, *vocab.term_pinyin(introduced[text])) for text in new]
    conn.executemany(
        "INSERT INTO terms(id, term, pinyin, initials, count, ndocs) VALUES (?, ?, ?, ?, ?, ?)",
        ((term_id, text, pinyin, initials, *totals[text]) for term_id, text, pinyin, initials in readings),
    )
    conn.executemany(
        "INSERT INTO terms_fts(rowid, chars, syllables) VALUES (?, ?, ?)",
        ((term_id, textnorm.tokens(text), pinyin) for term_id, text, pinyin, _ in readings),
    )
    _add_char_readings(conn, [introduced[text] for text in new])
    for doc_id, terms in batch.items():
        rows = sorted(zip(map(ids.__getitem__, terms.counts), terms.counts.values(), strict=True))
        conn.executemany(
            "INSERT INTO term_docs(doc_id, term_id, count) VALUES (?, ?, ?)",
            zip(repeat(doc_id), map(itemgetter(0), rows), map(itemgetter(1), rows)),
        )


def _term_ids(conn: sqlite3.Connection, texts: list[str]) -> dict[str, int]:
    """The ids of those of `texts` that are terms already."""
    ids: dict[str, int] = {}
    for i in range(0, len(texts), 500):  # SQLite before 3.32 takes at most 999 parameters
        chunk = texts[i : i + 500]
        ids.update(conn.execute(f"SELECT term, id FROM terms WHERE term IN ({','.join('?' * len(chunk))})", chunk))
    return ids


def _add_char_readings(conn: sqlite3.Connection, terms: list[vocab.Term]) -> None:
    """Store the reading of each character not seen before, from the first of
    `terms` (new terms, in order) that gives one."""
    missing = set().union(*(term.text for term in terms))
    missing.difference_update(char for (char,) in conn.execute("SELECT char FROM char_pinyin"))
    readings = {}
    for term in terms:
        if missing.isdisjoint(term.text):
            continue
        for char, syllable in vocab.char_readings(term):
            if char in missing:
                readings[char] = syllable
                missing.discard(char)
    conn.executemany("INSERT INTO char_pinyin(char, pinyin) VALUES (?, ?)", sorted(readings.items()))


def remove_document_terms(conn: sqlite3.Connection, doc_id: int) -> None:
    """Subtract a document's terms from the vocabulary, inside the caller's
    transaction (for `zxkb rm`). The trigger on term_docs lowers terms.count and
    terms.ndocs and drops terms that no document uses any more; deleting the
    document itself does the same (the trigger on documents)."""
    conn.execute("DELETE FROM term_docs WHERE doc_id = ?", (doc_id,))


TermRow = tuple[str, str, str, int]  # term, pinyin, initials, count


def _term_doc_filter(doc_ids: list[int] | None) -> tuple[str, list[object]]:
    if doc_ids is None:
        return "", []
    return (
        f" AND EXISTS (SELECT 1 FROM term_docs td WHERE td.doc_id IN ({','.join('?' * len(doc_ids))})"
        " AND td.term_id = t.id)",
        list(doc_ids),
    )


def term_candidates(conn: sqlite3.Connection, match: str, doc_ids: list[int] | None) -> list[TermRow]:
    """Terms whose index entry (characters, syllables) matches the FTS5 expression `match`."""
    cond, args = _term_doc_filter(doc_ids)
    return conn.execute(
        "SELECT t.term, t.pinyin, t.initials, t.count FROM terms_fts f JOIN terms t ON t.id = f.rowid"
        f" WHERE terms_fts MATCH ?{cond}",
        [match, *args],
    ).fetchall()


def terms_with_initials(conn: sqlite3.Connection, letters: str, doc_ids: list[int] | None) -> list[TermRow]:
    """Terms whose initials contain `letters` (a scan of one short column, in SQLite)."""
    cond, args = _term_doc_filter(doc_ids)
    return conn.execute(
        f"SELECT t.term, t.pinyin, t.initials, t.count FROM terms t WHERE instr(t.initials, ?) > 0{cond}",
        [letters, *args],
    ).fetchall()


def term_documents(
    conn: sqlite3.Connection, terms: list[str], doc_ids: list[int] | None
) -> dict[str, list[tuple[int, int]]]:
    """For each term, the documents it occurs in with its count there, by document id."""
    if not terms:
        return {}
    docs = "SELECT id FROM documents" if doc_ids is None else ",".join("?" * len(doc_ids))
    out: dict[str, list[tuple[int, int]]] = {}
    # term_docs is in document order: one look-up per (term, document)
    for term, doc_id, count in conn.execute(
        "SELECT t.term, td.doc_id, td.count FROM terms t CROSS JOIN term_docs td"
        f" WHERE t.term IN ({','.join('?' * len(terms))}) AND td.doc_id IN ({docs}) AND td.term_id = t.id"
        " ORDER BY td.doc_id",
        [*terms, *(doc_ids or [])],
    ):
        out.setdefault(term, []).append((doc_id, count))
    return out


def char_readings(conn: sqlite3.Connection, text: str) -> dict[str, str]:
    """The stored pinyin of each character of `text` that the vocabulary has seen."""
    chars = sorted(set(text))
    if not chars:
        return {}
    rows = conn.execute(
        f"SELECT char, pinyin FROM char_pinyin WHERE char IN ({','.join('?' * len(chars))})", chars
    ).fetchall()
    return dict(rows)


def vocabulary_size(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM terms").fetchone()[0])
