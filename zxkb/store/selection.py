"""Which reports a command reads: a ReportFilter (the options as typed) resolved
against the documents' report identity (zxkb.store.reports) into a Selection.

Kinds of filter combine with AND, values of one kind with OR. Each value must
name something stored (a typo is an error, with the values that exist as the
hint), and so must their combination. Copies of a report count once unless
asked for: `--doc` by title names the report's canonical copy; a document id
names that very document, a copy included."""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Sequence

from zxkb.errors import NotFound, UsageError
from zxkb.models import REPORT_LEVELS, REPORT_TYPES, ReportFilter, Selection
from zxkb.parse.regions import region_matches
from zxkb.store import reads

LISTED = 30  # values named in a hint


def _listing(values: Sequence[object]) -> str:
    shown = ", ".join(map(str, values[:LISTED]))
    return shown + (f" … ({len(values)} in all)" if len(values) > LISTED else "")


def _stored(conn: sqlite3.Connection, column: str) -> list[str]:
    rows = conn.execute(f"SELECT DISTINCT {column} FROM documents WHERE {column} IS NOT NULL ORDER BY {column}")
    return [value for (value,) in rows]


def speaker_key(name: str) -> str:
    """A speaker's name as typed or written: `李　强` and `李强` are one."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def select(conn: sqlite3.Connection, wanted: ReportFilter) -> Selection:
    """The documents `wanted` names (NotFound when a filter matches nothing)."""
    explicit: list[int] = []
    docs: list[int] = []
    for spec in wanted.docs:
        ids = reads.resolve_docs(conn, spec) or []
        if spec.strip().isdigit() and ids == [int(spec)]:
            explicit += ids
        elif not wanted.copies:  # a title names the report: its canonical copy
            marks = ",".join("?" * len(ids))
            rows = conn.execute(f"SELECT DISTINCT coalesce(copy_of, id) FROM documents WHERE id IN ({marks})", ids)
            ids = sorted(i for (i,) in rows)
        docs += ids
    docs = list(dict.fromkeys(docs))
    years = _years(conn, wanted.years)
    regions = _regions(conn, wanted.regions)
    types = _values(conn, "type", wanted.types, REPORT_TYPES)
    levels = _values(conn, "level", wanted.levels, REPORT_LEVELS)
    speakers = _speakers(conn, wanted.speakers)
    copy_ids = {i for (i,) in conn.execute("SELECT id FROM documents WHERE copy_of IS NOT NULL")} & set(explicit)
    chosen = Selection(None, wanted.copies or bool(copy_ids), tuple(docs), years, regions, types, levels, speakers)
    if not chosen.filtered:
        return chosen
    where: list[str] = ["1"]
    args: list[object] = []
    if not wanted.copies:
        where.append(f"(copy_of IS NULL OR id IN ({','.join('?' * len(explicit)) or 'NULL'}))")
        args += explicit
    for column, values in (
        ("id", docs),
        ("region", regions),
        ("type", types),
        ("level", levels),
        ("speaker", speakers),
    ):
        if values:
            where.append(f"{column} IN ({','.join('?' * len(values))})")
            args += values
    if years:
        where.append("(" + " OR ".join("year BETWEEN ? AND ?" for _ in years) + ")")
        args += [y for span in years for y in span]
    rows = conn.execute(f"SELECT id FROM documents WHERE {' AND '.join(where)} ORDER BY id", args)
    found = tuple(i for (i,) in rows)
    if not found:
        raise NotFound(
            f"no report matches {chosen.described()}",
            "each of these matches reports on its own, but none matches them all; zxkb docs lists the reports",
        )
    return chosen._replace(doc_ids=found)


def _years(conn: sqlite3.Connection, spans: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    for start, end in spans:
        if not conn.execute("SELECT 1 FROM documents WHERE year BETWEEN ? AND ? LIMIT 1", (start, end)).fetchone():
            low, high = conn.execute("SELECT min(year), max(year) FROM documents").fetchone()
            span = f"{start}" if start == end else f"{start}-{end}"
            known = f"the reports stored are from {low} to {high}" if low else "no report has a known year"
            raise NotFound(f"no report from {span}", f"{known} (zxkb docs lists them)")
    return tuple(spans)


def _regions(conn: sqlite3.Connection, typed: Sequence[str]) -> tuple[str, ...]:
    stored = _stored(conn, "region")
    found: list[str] = []
    for value in typed:
        matches = [region for region in stored if region_matches(value, region)]
        if not matches:
            raise NotFound(f"no report from region {value!r}", f"regions: {_listing(stored) or 'none known'}")
        found += matches
    return tuple(dict.fromkeys(found))


def _values(conn: sqlite3.Connection, column: str, typed: Sequence[str], known: Sequence[str]) -> tuple[str, ...]:
    stored = _stored(conn, column)
    for value in typed:
        if value not in known:
            raise UsageError(f"unknown {column} {value!r}", f"{column}s are {', '.join(known)}")
        if value not in stored:
            raise NotFound(f"no report of {column} {value}", f"the reports stored are of {column} {_listing(stored)}")
    return tuple(dict.fromkeys(typed))


def _speakers(conn: sqlite3.Connection, typed: Sequence[str]) -> tuple[str, ...]:
    stored = _stored(conn, "speaker")
    by_key = {speaker_key(s): s for s in stored}
    found = []
    for value in typed:
        if speaker_key(value) not in by_key:
            raise NotFound(f"no report by {value!r}", f"speakers: {_listing(stored) or 'none known'}")
        found.append(by_key[speaker_key(value)])
    return tuple(dict.fromkeys(found))
