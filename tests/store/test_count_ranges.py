"""A common term's count cut into ranges of ids counted at once, each by a
connection of its own in a thread (zxkb.store.index.count with ways > 1): the
same count as one query, whatever the number of ranges, with copies and
without, and through the search engine."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import SEED, Cli
from zxkb import cores
from zxkb.search import engine
from zxkb.search.query import parse_query
from zxkb.store import connection, index

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
REPORTS = ("wiki-2017.txt", "sc-2017-caption.txt", "sc-2012-end.txt", "prov-guangdong.txt")
QUERIES = ("的", "政", "发展", "经济建设", "高质量发展", "2017", "远程协商", "镍", "人民 NOT 政府", "改革 OR 开放")


def test_a_count_in_ranges_is_the_count(cli: Cli, _isolated_db: Path) -> None:
    cli("ingest", str(SEED), *(str(FIXTURES / name) for name in REPORTS))
    conn = connection.connect(_isolated_db)
    found = 0
    for text in QUERIES:
        match = parse_query(text).match_expression()
        for copies in (False, True):
            filters = index.Filters(copies=copies)
            one = index.count(conn, match, filters)
            found += one > 10
            for ways in (2, 3, 7, 16):
                assert index.count(conn, match, filters, ways=ways) == one, (text, copies, ways)
    assert found >= 10  # most of the queries, with copies and without, have matches to cut
    conn.close()


def test_a_read_only_database_is_counted_in_ranges(
    cli: Cli, _isolated_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The siblings open the file as the first connection did: here as a file
    this process may not write (read-only, immutable), which stays unchanged."""
    cli("ingest", str(SEED))
    before = _isolated_db.read_bytes()
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)
    conn = connection.connect(_isolated_db)
    assert "mode=ro" in conn.uri
    match = parse_query("协商").match_expression()
    assert index.count(conn, match, index.Filters(), ways=3) == index.count(conn, match, index.Filters()) > 0
    conn.close()
    assert _isolated_db.read_bytes() == before


def test_search_counts_a_common_term_in_ranges(cli: Cli, _isolated_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cli("ingest", str(SEED), *(str(FIXTURES / name) for name in REPORTS))
    before = {q: cli.json("search", q, "-n", "5", "--copies") for q in ("的", "发展", "政")}
    ways: list[int] = []
    original = index.count

    def recorded(*args: object, **kwargs: int) -> int:
        ways.append(kwargs.get("ways", 1))
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "SPLIT_MIN_ROWS", 0)
    monkeypatch.setattr(cores, "available", lambda: 3)
    monkeypatch.setattr(index, "count", recorded)
    for q, result in before.items():
        assert cli.json("search", q, "-n", "5", "--copies") == result
    assert 3 in ways  # the tiers' path counted in three ranges
