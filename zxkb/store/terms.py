"""The term vocabulary's SQL: terms, their documents and pinyin. The other
store modules own the documents; this one owns the vocabulary tables
(migrations 2 and 3 in zxkb.store.schema). Writing needs rjieba and pypinyin (zxkb.vocab
imports them on first use); reading needs neither: pinyin is stored with each
term.
"""

from __future__ import annotations

import sqlite3
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import accumulate, chain
from operator import itemgetter, sub

from zxkb import textnorm, vocab
from zxkb.store.connection import transaction


def _vocab_stamp() -> str:
    return f"{vocab.VERSION}.{textnorm.VERSION}"


def check_vocabulary(conn: sqlite3.Connection) -> None:
    """Build the vocabulary when it is missing or was made by another vocab or
    normaliser version (a database made before the vocabulary existed, say)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'vocab_version'").fetchone()
    if row is not None and row[0] == _vocab_stamp() and _upto_valid(conn):
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


def staleness(conn: sqlite3.Connection) -> tuple[str, ...]:
    """What a reader should know about the vocabulary it reads (empty when it is
    current): made by another version, or behind the documents."""
    if conn.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is None:
        return ()
    notes = []
    row = conn.execute("SELECT value FROM meta WHERE key = 'vocab_version'").fetchone()
    if row is None or row[0] != _vocab_stamp() or not _upto_valid(conn):
        notes.append("the vocabulary was made by another version of zxkb, or not at all")
        return tuple(f"{note}: zxkb upgrade brings it up to date" for note in notes)
    behind = conn.execute("SELECT count(*) FROM documents WHERE id > ?", (_vocab_upto(conn),)).fetchone()[0]
    if behind:
        notes.append(f"the terms of {behind} document{'s' if behind != 1 else ''} are not in the vocabulary yet")
    return tuple(f"{note}: zxkb upgrade brings it up to date" for note in notes)


def rebuild_vocabulary(conn: sqlite3.Connection) -> None:
    """Empty the vocabulary (one transaction), then extract every document's
    terms again (update_vocabulary). Interrupted, it resumes where it stopped."""
    with transaction(conn):
        conn.execute("INSERT INTO terms_fts(terms_fts) VALUES ('delete-all')")
        conn.execute("INSERT INTO term_docs(term_docs) VALUES ('delete-all')")
        conn.execute("DELETE FROM terms")
        conn.execute("DELETE FROM doc_terms")
        conn.execute("DELETE FROM char_pinyin")
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('vocab_version', ?)", (_vocab_stamp(),))
        _set_vocab_upto(conn, 0)
    update_vocabulary(conn)


# (term, document) pairs written at a time: ~160 reports. Each batch updates the
# totals of every term it has: 400,000 instead of 100,000 took 2.7 s off the main
# process's 19 s at 100 MB of reports, for 60 MB more memory.
VOCAB_BATCH_ROWS = 400_000


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

    def add(self, doc_id: int, terms: vocab.DocumentTerms) -> None:
        """A stored document's terms (zxkb.prepare extracts them)."""
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
    """The last document whose terms are in (0 when not recorded). Not a number
    (the file was edited): check_vocabulary rebuilds the vocabulary."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'vocab_upto'").fetchone()
    return int(row[0]) if row else 0


def _upto_valid(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT value FROM meta WHERE key = 'vocab_upto'").fetchone()
    return row is None or str(row[0]).strip().isdigit()


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
            f"SELECT text FROM paragraphs WHERE doc_id = ? AND kind IN ({','.join('?' * len(vocab.VOCAB_KINDS))})"
            " ORDER BY seq",
            (doc_id, *vocab.VOCAB_KINDS),
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
    totals and pinyin (computed here, once per term), and each document's terms
    as one row of doc_terms and one of term_docs."""
    # term -> documents and -> occurrences in the batch, in first-seen order; counted
    # in C (Counter of an iterable), adding only the counts above 1 in Python
    ndocs: Counter[str] = Counter()
    extra: Counter[str] = Counter()
    for terms in batch.values():
        ndocs.update(terms.counts.keys())
        extra.update({text: count - 1 for text, count in terms.counts.items() if count > 1})
    if not ndocs:
        return
    totals = {text: (n + extra[text], n) for text, n in ndocs.items()}
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
    words = set().union(*(terms.words for terms in batch.values()))  # terms.word: a word in some document
    conn.executemany(
        "INSERT INTO terms(id, term, pinyin, initials, count, ndocs, word) VALUES (?, ?, ?, ?, ?, ?, ?)",
        ((tid, text, pinyin, initials, *totals[text], text in words) for tid, text, pinyin, initials in readings),
    )
    conn.executemany(
        "INSERT INTO terms_fts(rowid, chars, syllables) VALUES (?, ?, ?)",
        ((term_id, textnorm.tokens(text), pinyin) for term_id, text, pinyin, _ in readings),
    )
    _add_char_readings(conn, [introduced[text] for text in new])
    rows = []
    for doc_id, terms in batch.items():
        counts = dict(zip(map(ids.__getitem__, terms.counts), terms.counts.values(), strict=True))
        term_ids = sorted(counts)  # integers sort 3x faster than (id, count) pairs
        rows.append((doc_id, pack_terms(term_ids, map(counts.__getitem__, term_ids)), " ".join(map(str, term_ids))))
    conn.executemany("INSERT INTO doc_terms(doc_id, terms) VALUES (?, ?)", map(itemgetter(0, 1), rows))
    conn.executemany("INSERT INTO term_docs(rowid, term_ids) VALUES (?, ?)", map(itemgetter(0, 2), rows))


def pack_terms(term_ids: list[int], counts: Iterable[int]) -> bytes:
    """A document's term ids (ascending) and their counts, as stored in doc_terms:
    the ids as differences (small numbers), then the counts, as 32-bit integers,
    compressed (level 1: at 100 MB of reports, 7.3 MB for 4.4 million pairs,
    0.4 s; level 6 saved 15% more in three times the time)."""
    numbers = array("I", map(sub, term_ids, chain((0,), term_ids)))
    numbers.extend(counts)
    return zlib.compress(numbers.tobytes(), 1)


def unpack_terms(blob: bytes) -> dict[int, int]:
    """pack_terms's input back: term id -> count."""
    numbers = array("I")
    numbers.frombytes(zlib.decompress(blob))
    half = len(numbers) // 2
    return dict(zip(accumulate(numbers[:half]), numbers[half:], strict=True))


def document_terms(conn: sqlite3.Connection, doc_id: int) -> dict[int, int]:
    """A document's terms in the vocabulary: term id -> count (empty if not in yet)."""
    row = conn.execute("SELECT terms FROM doc_terms WHERE doc_id = ?", (doc_id,)).fetchone()
    return unpack_terms(row[0]) if row else {}


def _term_ids(conn: sqlite3.Connection, texts: list[str], column: str = "id", where: str = "1") -> dict[str, int]:
    """The ids (or `column`) of those of `texts` that are terms already (and meet `where`)."""
    ids: dict[str, int] = {}
    for i in range(0, len(texts), 500):  # SQLite before 3.32 takes at most 999 parameters
        chunk = texts[i : i + 500]
        marks = ",".join("?" * len(chunk))
        ids.update(conn.execute(f"SELECT term, {column} FROM terms WHERE {where} AND term IN ({marks})", chunk))
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
    transaction (zxkb.store.documents calls it for rm and --replace): lower
    terms.count and terms.ndocs, drop the terms no document uses any more, and
    forget the document in term_docs and doc_terms. A document whose terms are
    not in yet (an interrupted ingest) has nothing to subtract."""
    counts = document_terms(conn, doc_id)
    if not counts:
        return
    conn.execute(
        "INSERT INTO term_docs(term_docs, rowid, term_ids) VALUES ('delete', ?, ?)",
        (doc_id, " ".join(map(str, counts))),
    )
    conn.execute("DELETE FROM doc_terms WHERE doc_id = ?", (doc_id,))
    conn.executemany(
        "UPDATE terms SET count = count - ?, ndocs = ndocs - 1 WHERE id = ?",
        ((count, term_id) for term_id, count in counts.items()),
    )
    gone = conn.execute("SELECT id, term, pinyin FROM terms WHERE ndocs <= 0").fetchall()
    # a contentless index forgets a row only when told the tokens it indexed
    conn.executemany(
        "INSERT INTO terms_fts(terms_fts, rowid, chars, syllables) VALUES ('delete', ?, ?, ?)",
        ((term_id, textnorm.tokens(text), pinyin) for term_id, text, pinyin in gone),
    )
    conn.executemany("DELETE FROM terms WHERE id = ?", ((term_id,) for term_id, _, _ in gone))


TermRow = tuple[str, str, str, int]  # term, pinyin, initials, count


def _restrict(
    conn: sqlite3.Connection, rows: list[tuple[int, str, str, str, int]], doc_ids: list[int] | None
) -> list[TermRow]:
    """(id, *TermRow) rows, without the id, kept if a document of `doc_ids` (None: any) has the term."""
    if doc_ids is not None:
        present: set[int] = set()
        for doc_id in doc_ids:
            present.update(document_terms(conn, doc_id))
        rows = [row for row in rows if row[0] in present]
    return [row[1:] for row in rows]


def term_candidates(conn: sqlite3.Connection, match: str, doc_ids: list[int] | None) -> list[TermRow]:
    """Terms whose index entry (characters, syllables) matches the FTS5 expression `match`."""
    rows = conn.execute(
        "SELECT t.id, t.term, t.pinyin, t.initials, t.count FROM terms_fts f JOIN terms t ON t.id = f.rowid"
        " WHERE terms_fts MATCH ?",
        (match,),
    ).fetchall()
    return _restrict(conn, rows, doc_ids)


def terms_with_initials(conn: sqlite3.Connection, letters: str, doc_ids: list[int] | None) -> list[TermRow]:
    """Terms whose initials contain `letters` (a scan of one short column, in SQLite)."""
    rows = conn.execute(
        "SELECT t.id, t.term, t.pinyin, t.initials, t.count FROM terms t WHERE instr(t.initials, ?) > 0", (letters,)
    ).fetchall()
    return _restrict(conn, rows, doc_ids)


def term_documents(conn: sqlite3.Connection, terms: list[str]) -> dict[str, list[int]]:
    """For each term, the ids of the documents it occurs in, ascending (one look-up in term_docs each)."""
    query = "SELECT rowid FROM term_docs WHERE term_docs MATCH ?"
    return {
        term: [doc_id for (doc_id,) in conn.execute(query, (f'"{term_id}"',))]
        for term, term_id in _term_ids(conn, terms).items()
    }


def term_counts(conn: sqlite3.Connection, terms: list[str], doc_ids: list[int]) -> dict[str, list[tuple[int, int]]]:
    """For each term, the documents of `doc_ids` it occurs in, ascending, with its count there."""
    ids = _term_ids(conn, terms)
    out: dict[str, list[tuple[int, int]]] = {}
    for doc_id in sorted(set(doc_ids)):
        counts = document_terms(conn, doc_id)
        for term, term_id in ids.items():
            if term_id in counts:
                out.setdefault(term, []).append((doc_id, counts[term_id]))
    return out


def word_counts(conn: sqlite3.Connection, texts: list[str], words: bool = True) -> dict[str, int]:
    return _term_ids(conn, texts, "count", "word = 1" if words else "1")  # (rjieba's) words: their counts


def char_readings(conn: sqlite3.Connection, text: str) -> dict[str, str]:
    """The stored pinyin of each character of `text` that the vocabulary has seen."""
    chars = sorted(set(text))
    if not chars:
        return {}
    rows = conn.execute(
        f"SELECT char, pinyin FROM char_pinyin WHERE char IN ({','.join('?' * len(chars))})", chars
    ).fetchall()
    return dict(rows)
