"""The SQL behind counting across reports (zxkb.analysis): the reports a
selection holds with their size (doc_sizes, schema migration 8), and the body
paragraphs that match an index expression, with their text, read once each.

Body paragraphs only, as search reads by default: a report's canonical copy
holds them in the index's `body` column, its other copies in `copy_body`
(zxkb.store.index), so every report counts once unless copies are asked for.
"""

from __future__ import annotations

import bisect
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

CHUNK = 500  # parameters in one statement (SQLite before 3.32 takes at most 999)


class Report(NamedTuple):
    """A document as counting sees it: what report it is, where its paragraphs
    lie in the index (ids first..last) and how much body text it has."""

    id: int
    title: str
    date: str | None
    year: int | None
    region: str | None
    type: str
    speaker: str | None
    key: str | None
    first: int | None  # paragraphs.id of its first paragraph
    last: int | None
    paragraphs: int  # body paragraphs
    chars: int  # characters of their text


_REPORT = """
    SELECT d.id, d.title, d.date, d.year, d.region, d.type, d.speaker, d.key,
           z.first_paragraph, z.last_paragraph, z.paragraphs, z.chars
    FROM documents d LEFT JOIN doc_sizes z ON z.doc_id = d.id
"""


def reports(conn: sqlite3.Connection, doc_ids: Sequence[int] | None, *, copies: bool = False) -> list[Report]:
    """The documents `doc_ids` names (None: every report's canonical copy, or
    every document with `copies`), in id order, with their sizes."""
    if doc_ids is None:
        rows = conn.execute(_REPORT + ("" if copies else " WHERE d.copy_of IS NULL") + " ORDER BY d.id").fetchall()
    else:
        ids = sorted(set(doc_ids))
        rows = []
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i : i + CHUNK]
            rows += conn.execute(_REPORT + f" WHERE d.id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
        rows.sort()
    return [_sized(conn, Report(*row)) if row[10] is None else Report(*row) for row in rows]


def _sized(conn: sqlite3.Connection, report: Report) -> Report:
    """A report without its row in doc_sizes (none should lack one): measured from its paragraphs."""
    first, last, paragraphs, chars = conn.execute(
        "SELECT min(id), max(id), count(CASE WHEN kind = 'body' THEN 1 END),"
        " coalesce(sum(CASE WHEN kind = 'body' THEN length(text) END), 0) FROM paragraphs WHERE doc_id = ?",
        (report.id,),
    ).fetchone()
    return report._replace(first=first, last=last, paragraphs=paragraphs, chars=chars)


class Hit(NamedTuple):
    pid: int  # paragraphs.id
    doc: int
    seq: int  # the paragraph's number in its document (its ref is doc:seq)
    text: str
    score: float  # bm25, higher is better (0 unless asked for)


class Spans:
    """The paragraph ids of a set of reports, to tell which report an index hit
    belongs to without reading its row: a document's paragraphs have
    consecutive ids (zxkb.store.documents)."""

    def __init__(self, chosen: Sequence[Report]) -> None:
        spans = sorted((r.first, r.last, r.id) for r in chosen if r.first is not None and r.last is not None)
        self.starts = [first for first, _, _ in spans]
        self.spans = spans

    def doc(self, pid: int) -> int | None:
        i = bisect.bisect_right(self.starts, pid) - 1
        if i < 0:
            return None
        first, last, doc_id = self.spans[i]
        return doc_id if first <= pid <= last else None

    def ranges(self) -> list[tuple[int, int]]:
        """The stretches of ids the reports cover, reports with adjacent ids joined."""
        out: list[list[int]] = []
        for first, last, _ in self.spans:
            if out and first <= out[-1][1] + 1:
                out[-1][1] = max(out[-1][1], last)
            else:
                out.append([first, last])
        return [(lo, hi) for lo, hi in out]


def columns(copies: bool) -> str:
    """The index columns of body paragraphs: each report's canonical copy, or every copy."""
    return "{body copy_body}" if copies else "{body}"


def hit_ids(
    conn: sqlite3.Connection,
    match: str,
    *,
    copies: bool = False,
    scored: bool = False,
    between: tuple[int, int] | None = None,
) -> list[tuple[int, float]]:
    """(paragraph id, bm25 made positive, or 0) of the body paragraphs matching the
    expression `match` (with ids `between` two), in id order: the index alone,
    no paragraph read."""
    expr = f"{columns(copies)}: ({match})"
    score = "-bm25(paragraphs_fts)" if scored else "0.0"
    span = " AND rowid BETWEEN ? AND ?" if between else ""
    return conn.execute(
        f"SELECT rowid, {score} FROM paragraphs_fts WHERE paragraphs_fts MATCH ?{span} ORDER BY rowid",
        (expr, *(between or ())),
    ).fetchall()


MAX_RANGES = 64  # reports apart from each other read through the index one stretch each, up to so many


def hits(
    conn: sqlite3.Connection,
    match: str,
    chosen: Sequence[Report],
    *,
    every: bool,
    copies: bool = False,
    scored: bool = False,
) -> Iterator[Hit]:
    """The body paragraphs of the reports `chosen` that match `match`, with
    their text, in id order. `every`: `chosen` is every report (once, or every
    copy with `copies`), so the index's columns choose them and one join reads
    the matches. Else the index is asked for the stretch of ids of each run of
    reports chosen (up to MAX_RANGES of them; each is a seek in its lists), or
    for every match, sorted by report (Spans); only the matches of the
    reports chosen are read."""
    if every:
        expr = f"{columns(copies)}: ({match})"
        score = "-bm25(paragraphs_fts)" if scored else "0.0"
        rows = conn.execute(
            f"SELECT p.id, p.doc_id, p.seq, p.text, {score} FROM paragraphs_fts f JOIN paragraphs p ON p.id = f.rowid"
            " WHERE paragraphs_fts MATCH ?",  # in rowid order: FTS5's own
            (expr,),
        )
        for row in rows:
            yield Hit(*row)
        return
    spans = Spans(chosen)
    stretches = spans.ranges()
    found: list[tuple[int, float]] = []
    if len(stretches) <= MAX_RANGES:
        for lo, hi in stretches:
            found += hit_ids(conn, match, copies=copies, scored=scored, between=(lo, hi))
    else:
        found = hit_ids(conn, match, copies=copies, scored=scored)
    wanted = [(pid, score) for pid, score in found if spans.doc(pid) is not None]
    for i in range(0, len(wanted), CHUNK):
        chunk = wanted[i : i + CHUNK]
        scores = dict(chunk)
        rows = conn.execute(
            f"SELECT id, doc_id, seq, text FROM paragraphs WHERE id IN ({','.join('?' * len(chunk))}) ORDER BY id",
            [pid for pid, _ in chunk],
        )
        for pid, doc_id, seq, text in rows:
            yield Hit(pid, doc_id, seq, text, scores[pid])


def body_texts(conn: sqlite3.Connection, doc_id: int) -> list[tuple[int, str]]:
    """(seq, text) of a document's body paragraphs, in order."""
    return conn.execute(
        "SELECT seq, text FROM paragraphs WHERE doc_id = ? AND kind = 'body' ORDER BY seq", (doc_id,)
    ).fetchall()


def vocabulary(conn: sqlite3.Connection, term_ids: Iterable[int]) -> dict[int, tuple[str, int]]:
    """Term id -> (term, documents that have it), for the vocabulary's terms `term_ids`."""
    ids = sorted(set(term_ids))
    out: dict[int, tuple[str, int]] = {}
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        rows = conn.execute(f"SELECT id, term, ndocs FROM terms WHERE id IN ({','.join('?' * len(chunk))})", chunk)
        out.update((term_id, (term, ndocs)) for term_id, term, ndocs in rows)
    return out


def document_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])


def successor(conn: sqlite3.Connection, report: Report) -> int | None:
    """The next report from the same issuer: the canonical copy of the report of
    the same type and region delivered the year after (of several, the one whose
    key has no `~N`, then the first stored)."""
    if report.year is None or report.region is None:
        return None
    row = conn.execute(
        "SELECT id FROM documents WHERE type = ? AND region = ? AND year = ? AND copy_of IS NULL"
        " ORDER BY coalesce(instr(key, '~'), 0) > 0, key, id LIMIT 1",
        (report.type, report.region, report.year + 1),
    ).fetchone()
    return int(row[0]) if row else None


def sections(conn: sqlite3.Connection, doc_id: int) -> list[tuple[str, str, str, int, int]]:
    """(path, number, title, level, heading_seq) of a document's sections, in order."""
    return conn.execute(
        "SELECT path, number, title, level, heading_seq FROM sections WHERE doc_id = ? ORDER BY ordinal", (doc_id,)
    ).fetchall()


def body_paragraphs(conn: sqlite3.Connection, doc_id: int) -> list[tuple[int, int, str | None, str | None, str]]:
    """(id, seq, section path, title, text) of a document's body paragraphs, in order."""
    return conn.execute(
        "SELECT p.id, p.seq, s.path, p.title, p.text FROM paragraphs p LEFT JOIN sections s ON s.id = p.section_id"
        " WHERE p.doc_id = ? AND p.kind = 'body' ORDER BY p.seq",
        (doc_id,),
    ).fetchall()
