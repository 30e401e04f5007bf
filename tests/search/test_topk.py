"""The top k from the index's tiers (zxkb.search.topk, zxkb.store.tiers): the
same hits, scores, order and total as bm25 over every match, for the
commonest characters and words, on small real reports and on the corpus;
the bound each tier promises holds for every match; the tiers follow
removals, copies and rebuilds."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import CORPUS, SEED, Cli
from zxkb import textnorm
from zxkb.search import engine, rank, topk
from zxkb.search.query import parse_query
from zxkb.store import connection, index, tiers

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# the two 2017 reports are one report from two sources: the second is a copy
REPORTS = ("wiki-2017.txt", "sc-2017-caption.txt", "sc-2012-end.txt", "wiki-2025-end.txt", "prov-guangdong.txt")
COMMON = ("的", "政", "发展", "经济", "建设", "人民", "国", "和", "改革", "经济建设", "高质量发展", "2017")


def _ingest(cli: Cli, *names: str) -> None:
    cli("ingest", str(SEED), *(str(FIXTURES / name) for name in names))


def _every(conn: sqlite3.Connection, key: str, copies: bool) -> tuple[int, list[rank.Scored]]:
    q = parse_query(key)
    return rank.top(conn, q.match_expression(), index.Filters(copies=copies), rank.DEFAULT, limit=None, keys=q.keys)


def _tiered(conn: sqlite3.Connection, key: str, copies: bool, k: int, total: int) -> list[rank.Scored] | None:
    q = parse_query(key)
    filters = index.Filters(copies=copies)
    part = topk.part_for(conn, q.keys[0], filters, rank.DEFAULT, k)
    if part is None:
        return None
    numbers = rank.number_keys(q.keys)
    return topk.top(conn, q.keys[0], part, filters, rank.DEFAULT, limit=k, total=total, numbers=numbers)


def _same_as_every_match(conn: sqlite3.Connection, keys: tuple[str, ...]) -> int:
    """Compare the tiers' top k with every match ranked; how many answers the tiers gave."""
    answered = 0
    for copies in (False, True):
        for key in keys:
            total, every = _every(conn, textnorm.fold(key), copies)
            for k in (1, 3, 10, 20):
                found = _tiered(conn, textnorm.fold(key), copies, k, total)
                if found is not None:
                    answered += 1
                    assert found == every[:k], (key, copies, k)
    return answered


def test_the_tiers_top_k_is_that_of_every_match_scored(
    cli: Cli, _isolated_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(topk, "MIN_TOTAL", 0)  # these reports are small: their commonest match hundreds
    _ingest(cli, *REPORTS)
    conn = connection.connect(_isolated_db)
    assert conn.execute("SELECT count(*) FROM documents WHERE copy_of IS NOT NULL").fetchone()[0] == 1
    answered = _same_as_every_match(conn, COMMON)
    assert answered >= 20  # the tiers answered (and were right) for many of them, not only fell back
    conn.close()


def test_search_gives_the_same_hits_and_total_through_the_tiers(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    _ingest(cli, *REPORTS)
    used = []
    plain_top = topk.top

    def counted(*args: object, **kwargs: object) -> list[rank.Scored] | None:
        found = plain_top(*args, **kwargs)  # type: ignore[arg-type]
        used.append(found is not None)
        return found

    for query in ("的", "发展", "建设", "政"):
        for extra in ([], ["--copies"]):
            monkeypatch.setattr(topk, "MIN_TOTAL", 0)
            monkeypatch.setattr(topk, "top", counted)
            tiered = cli.json("search", query, "-n", "20", *extra)
            monkeypatch.setattr(topk, "top", lambda *a, **k: None)  # every match ranked
            every = cli.json("search", query, "-n", "20", *extra)
            assert tiered == every
            assert tiered["total"] > 20
    assert sum(used) >= 2  # the tiers answered some of them (on reports this small, not all)


def test_no_match_scores_above_what_its_tiers_allow(cli: Cli, _isolated_db: Path) -> None:
    """The bound behind the stopping rule, match by match: a paragraph scores at
    most the IDF times the bound of the lowest bucket among the query's parts
    (or the floor, where a part has no tier in it)."""
    _ingest(cli, *REPORTS)
    conn = connection.connect(_isolated_db)
    mean = index.mean_tokens(conn)
    bounds, floor = tiers.bounds(mean), tiers.floor(mean)
    rows = dict(conn.execute("SELECT id, text FROM paragraphs").fetchall())
    titles = dict(conn.execute("SELECT id, title FROM paragraphs").fetchall())
    checked = 0
    for key in map(textnorm.fold, COMMON):
        total, every = _every(conn, key, True)
        idf = max(math.log((index.rows(conn) - total + 0.5) / (total + 0.5)), 1e-6)
        for s in every:
            folded = textnorm.fold(rows[s.pid])
            title = textnorm.fold(titles[s.pid]) if textnorm.title_tokens(folded, titles[s.pid]) else ""
            held = dict(token.split("\x00") for token in _split(tiers.text(folded, title)))
            allowed = [bounds[tiers.BUCKETS.index(held[p])] if p in held else floor for p in tiers.parts(key)]
            assert s.score <= idf * min(allowed) * (1 + 1e-12), (key, s)
            checked += 1
    assert checked > 300
    conn.close()


def _split(text: str) -> list[str]:
    """Tier tokens as part NUL bucket."""
    return [f"{token[:-1]}\x00{token[-1]}" for token in text.split()]


def test_the_most_selective_part_is_found_from_each_token_of_it(cli: Cli, _isolated_db: Path) -> None:
    """tiers.selective reads a pair's tokens as one range of the tiers' vocabulary
    (a character's one by one): the sizes are those of looking up every token of
    each part, part + bucket (+ the copies' mark), and nothing of another part
    (a character's token 发c is not the pair 发c's)."""
    _ingest(cli, *REPORTS)
    conn = connection.connect(_isolated_db)
    vocabulary = dict(conn.execute("SELECT term, doc FROM paragraphs_tiers_vocab").fetchall())
    checked = 0
    for key in map(textnorm.fold, (*COMMON, "2017年", "gdp增长", "a1", "远程协商")):
        parts = tiers.parts(key)
        for copies in (False, True):
            marks = ("", tiers.COPY) if copies else ("",)
            size = {p: sum(vocabulary.get(p + m + b, 0) for b in tiers.BUCKETS for m in marks) for p in parts}
            part, held = tiers.selective(conn, parts, copies=copies)
            assert held == size[part] == min(size.values()), (key, copies)
            assert part == min(parts, key=lambda p: size[p])
            checked += held > 0
    assert checked > 10
    conn.close()


def test_the_tiers_follow_removals_copies_and_rebuilds(
    cli: Cli, _isolated_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(topk, "MIN_TOTAL", 0)
    _ingest(cli, "wiki-2017.txt", "sc-2017-caption.txt")
    conn = connection.connect(_isolated_db)
    canonical = conn.execute("SELECT id FROM documents WHERE copy_of IS NULL AND source LIKE '%2017%'").fetchone()[0]
    conn.close()
    cli("rm", str(canonical))  # the copy becomes canonical: its tiers move to the canonical column
    conn = connection.connect(_isolated_db)
    assert _same_as_every_match(conn, ("的", "发展", "政")) > 0
    # what the tiers hold is what the paragraphs give, row for row
    held = _tier_rows(conn)
    conn.close()
    conn = connection.connect(_isolated_db, write=True)
    with connection.transaction(conn):
        index.rebuild(conn)
    assert _tier_rows(conn) == held and len(held) > 100
    assert not any(tiers.COPY in token for token in held)  # no copy is left
    conn.close()


def _tier_rows(conn: sqlite3.Connection) -> dict[str, list[int]]:
    """Every tier token with the rows that hold it."""
    out = {}
    for (token,) in conn.execute("SELECT term FROM paragraphs_tiers_vocab").fetchall():
        expr = '"' + token + '"'
        found = conn.execute("SELECT rowid FROM paragraphs_tiers WHERE paragraphs_tiers MATCH ?", (expr,))
        rows = [r for (r,) in found]
        if rows:
            out[token] = rows
    return out


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")
def test_on_the_corpus_the_tiers_top_k_is_that_of_every_match(cli: Cli, _isolated_db: Path) -> None:
    cli("ingest", str(CORPUS))
    conn = connection.connect(_isolated_db)
    queries = (*COMMON, "中国特色社会主义", "2019年", "我们", "在")
    for copies in (False, True):
        for key in map(textnorm.fold, queries):
            total, every = _every(conn, key, copies)
            found = _tiered(conn, key, copies, 20, total)
            if key in ("的", "政", "发展"):
                assert found is not None, key  # the commonest are answered from the tiers
            if found is not None:
                assert found == every[:20], (key, copies)
            result = engine.search(conn, key, limit=20, where=None)
            if not copies:
                assert result.total == total
                assert [h.para.ref for h in result.hits] == [ref for ref in _refs(conn, every[:20])], key
    conn.close()


def _refs(conn: sqlite3.Connection, scored: list[rank.Scored]) -> list[str]:
    from zxkb.store import reads

    by_id = reads.paragraphs_by_id(conn, [s.pid for s in scored])
    return [by_id[s.pid].ref for s in scored]
