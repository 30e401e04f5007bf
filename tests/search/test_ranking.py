"""Queries as people type them (operators, grouping, hints), the ranking's
signals and its exact top k, partial matches, --explain, and a database from
before the ranking's migration; on the seed report (db/zhuzhou-cppcc-2020.txt)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import SEED, Cli
from zxkb import textnorm
from zxkb.search import rank
from zxkb.search.query import parse_query
from zxkb.store import connection, index


def _body(cli: Cli) -> dict[str, str]:
    rows = map(json.loads, cli("export").stdout.splitlines())
    return {row["ref"]: textnorm.fold(row["text"]) for row in rows if row["kind"] == "body"}


def _refs(cli: Cli, *query: str) -> set[str]:
    out = cli.json("search", "-n", "0", "--exact", "--", *query, code=None)
    return {h["ref"] for h in out["hits"]}


# --- operators and grouping ---------------------------------------------------------------


def test_operators_and_grouping_find_what_a_scan_finds(seeded: Cli) -> None:
    body = _body(seeded)

    def scan(test: object) -> set[str]:
        return {ref for ref, text in body.items() if test(text)}  # type: ignore[operator]

    assert (
        _refs(seeded, "远程 AND 协商") == scan(lambda t: "远程" in t and "协商" in t) == _refs(seeded, "远程", "协商")
    )
    assert _refs(seeded, "(远程 OR 视频) 协商") == scan(lambda t: ("远程" in t or "视频" in t) and "协商" in t)
    assert _refs(seeded, "(远程 协商) OR 清水塘") == scan(lambda t: ("远程" in t and "协商" in t) or "清水塘" in t)
    assert (
        _refs(seeded, "协商 NOT 监督") == scan(lambda t: "协商" in t and "监督" not in t) == _refs(seeded, "协商 -监督")
    )
    assert _refs(seeded, "协商 -(监督 OR 委员)") == scan(lambda t: "协商" in t and "监督" not in t and "委员" not in t)
    assert _refs(seeded, "政协 (委员 -监督)") == scan(lambda t: "政协" in t and "委员" in t and "监督" not in t)
    # a bracketed word with no space inside is text, as the reports write it
    assert _refs(seeded, "(一)") == scan(lambda t: "(一)" in t) != set()


def test_match_expressions() -> None:
    assert parse_query("远程 AND 协商").match_expression() == '"远 程" AND "协 商"'
    assert parse_query("(远程 OR 视频) 协商").match_expression() == '("远 程" OR "视 频") AND "协 商"'
    assert parse_query("(远程 协商) OR 清水塘").match_expression() == '(("远 程" AND "协 商") OR "清 水 塘")'
    assert parse_query("协商 NOT 监督").match_expression() == '("协 商") NOT "监 督"'
    assert parse_query("二(一)").match_expression() == '"二 x28 一 x29"'


@pytest.mark.parametrize(
    ("query", "hint", "literal"),
    [
        ("远程 and 协商", "'and' was searched for as a word; as an operator it is written AND", "and"),
        ("远程 or 视频", "'or' was searched for as a word", "or"),
        ("协商 not 监督", "'not' was searched for as a word", "not"),
        ("(远程 协商", "'(' has no partner, so it was searched for as text", "(远程"),
        ("远程 协商)", "')' has no partner, so it was searched for as text", "协商)"),
        ("远程 AND", "AND joins nothing there; it was searched for as text", "and"),
        ("NOT 远程", "NOT joins nothing there", "not"),
    ],
)
def test_a_slip_gets_a_hint_and_is_searched_as_text(seeded: Cli, query: str, hint: str, literal: str) -> None:
    assert literal in parse_query(query).keys
    result = seeded("search", "--json", "--exact", "--", query, code=None)
    assert f"Hint: {hint}" in result.stderr
    out = json.loads(result.stdout)
    assert any(h.startswith(hint) for h in out["hints"])
    human = seeded("search", "--exact", "--", query, code=None)
    assert f"Hint: {hint}" in human.stderr


def test_no_hint_for_a_query_read_as_typed(seeded: Cli) -> None:
    for query in ("远程 AND 协商", "(远程 OR 视频) 协商", "二(一)", '"(一)"'):
        result = seeded("search", "--json", "--", query, code=None)
        assert "Hint:" not in result.stderr and "hints" not in json.loads(result.stdout), query


# --- the ranking -------------------------------------------------------------------------


def test_signals_never_raise_a_score() -> None:
    assert rank.length_factor(400, 250, 200.0) == 1.0
    short, shorter = rank.length_factor(100, 250, 200.0), rank.length_factor(9, 250, 200.0)
    assert 0 < shorter < short < 1
    # 3%左右 inside 13%左右 is no match for the score; 5%左右 inside 5.5%左右 neither; 2019年 in 2019年初 is
    assert rank.outside_numbers("3%左右", "m2增长13%左右,价格涨幅3%左右") == (2, 1)
    assert rank.outside_numbers("5%左右", "增长5.5%左右") == (1, 0)
    assert rank.outside_numbers("2019年", "2019年初") == (1, 1)
    assert rank.outside_numbers("1.3万亿斤", "11.3万亿斤") == (1, 0)
    assert rank.number_factor("增长5.5%左右", ("5%左右",), 8, 200.0) == 0.0
    assert rank.number_factor("增长5%左右", ("5%左右",), 8, 200.0) == 1.0
    assert rank.number_keys(("3%左右", "营商环境", "gdp增长7")) == ("3%左右", "gdp增长7")


@pytest.mark.parametrize("query", ["政协", "协商", "委员", "发展", "20", "政协 委员", "协商 OR 监督", "的"])
def test_top_k_is_exact(seeded: Cli, _isolated_db: Path, query: str) -> None:
    """The best k, read in batches of bm25 order, are the first k of every match scored."""
    conn = connection.connect(_isolated_db)
    q = parse_query(query)
    total, every = rank.top(conn, q.match_expression(), index.Filters(), rank.DEFAULT, limit=None, keys=q.keys)
    assert total == len(every) > 3
    assert every == sorted(every, key=lambda s: (-s.score, -s.tokens, s.pid))
    for k in (1, 3, 10):
        rank_k = rank.top(conn, q.match_expression(), index.Filters(), rank.DEFAULT, limit=k, keys=q.keys)
        assert rank_k == (total, every[:k])
    # reads and chunks smaller than the matches: the same answer
    saved = rank.FETCH, rank.FETCH_PER_HIT, rank.CHUNK, rank.CHUNK_PER_HIT
    rank.FETCH, rank.FETCH_PER_HIT, rank.CHUNK, rank.CHUNK_PER_HIT = 1, 1, 1, 1
    try:
        for k in (1, 2, 5):
            found = rank.top(conn, q.match_expression(), index.Filters(), rank.DEFAULT, limit=k, keys=q.keys)
            assert found == (total, every[:k])
    finally:
        rank.FETCH, rank.FETCH_PER_HIT, rank.CHUNK, rank.CHUNK_PER_HIT = saved
    conn.close()


def test_a_lead_line_comes_after_the_paragraphs_that_say_what_is_done(seeded: Cli, tmp_path: Path) -> None:
    # cut from ../shared/corpus/provincial-2026/2026_海南省_政府工作报告.csv and _安徽省_: a bare lead
    # line, a paragraph of measures that names the term once, and one with the term in its lead sentence
    report = tmp_path / "r.txt"
    report.write_text(
        "# 2026年某省政府工作报告\n\n一、今年重点工作\n\n打造一流营商环境。\n\n"
        "推动“人工智能+政务”深度融合，建设一批具有行业特色的政务智能应用场景。新增25个“高效办成一件事”重点事项，"
        "持续优化营商环境，上线15个政务服务应用。\n\n"
        "打造一流营商环境。推出新一轮创优营商环境对标提升举措。落实国家妨碍建设全国统一大市场事项清单，"
        "持续规范地方政府经济促进行为。做优“诚信”品牌，创新拓展“信用+”惠企便民场景，依法依规开展失信惩戒和信用修复。\n",
        encoding="utf-8",
    )
    seeded("ingest", str(report))
    hits = seeded.json("search", "营商环境", "-n", "0", "--explain")["hits"]
    texts = [h["text"] for h in hits]
    lead = texts.index("打造一流营商环境。")
    measures = [i for i, t in enumerate(texts) if t.startswith(("打造一流营商环境。推出", "推动“人工智能+政务”"))]
    assert len(measures) == 2 and max(measures) < lead
    assert hits[measures[0]]["explain"]["title"] > 0 and hits[lead]["explain"].get("title", 0) == 0
    assert hits[lead]["explain"]["length"] < 0  # shorter than rank.Ranking.length: it counts as that long


def test_explain_sums_to_the_score(seeded: Cli) -> None:
    for query in ("远程协商", "2019年", "远程协商 清水塘 市委书记", "株洲政协怎么开展远程协商"):
        out = seeded.json("search", query, "--explain", "-n", "5", code=None)
        assert out["hits"], query
        for hit in out["hits"]:
            parts = hit["explain"]
            assert next(iter(parts)) == "bm25" and sum(parts.values()) == pytest.approx(hit["score"], rel=1e-5), query
    assert "explain" not in seeded.json("search", "远程协商")["hits"][0]
    human = seeded("search", "远程协商", "--explain", "-n", "1").stdout
    assert "score " in human and " = bm25 " in human


# --- partial matches ---------------------------------------------------------------------


def test_partial_hits_are_marked_ranked_by_terms_held_and_exit_1(seeded: Cli) -> None:
    body = _body(seeded)
    out = seeded.json("search", "远程协商", "清水塘", "市委书记", "-n", "0", code=1)
    assert out["total"] == 0 and out["partial"] == len(out["hits"]) > 0
    expected = {ref for ref, t in body.items() if "远程协商" in t or "清水塘" in t or "市委书记" in t}
    assert {h["ref"] for h in out["hits"]} == expected
    held = []
    for hit in out["hits"]:
        text = textnorm.fold(hit["text"])
        assert hit["match"] == "partial" and hit["approximate"] is False
        assert set(hit["matched"]) == {t for t in ("远程协商", "清水塘", "市委书记") if t in text}
        assert set(hit["missing"]) == {"远程协商", "清水塘", "市委书记"} - set(hit["matched"])
        held.append(len(hit["matched"]))
    assert held[0] == max(held) == 2 and held[-1] == 1  # most of the terms first
    human = seeded("search", "远程协商", "清水塘", "市委书记", code=1)
    assert "No paragraph contains" in human.stderr and "partial hits below" in human.stderr
    assert "partial: holds 远程协商, 清水塘 · misses 市委书记" in human.stdout
    # --exact: none of them
    exact = seeded.json("search", "远程协商", "清水塘", "市委书记", "--exact", code=1)
    assert exact["hits"] == [] and exact["partial"] == 0 and exact["suggestions"] is not None


def test_a_lower_case_or_between_terms_is_no_partial_term(seeded: Cli, tmp_path: Path) -> None:
    """`远程协商 or 清水塘`: the exact search looks for the word `or` too (a hint
    says so), but a paragraph that holds only it (an English name) is no
    partial hit, and no term is suggested for it; quoted, "or" counts."""
    report = tmp_path / "who.txt"
    report.write_text(
        "关于国际合作的报告\n\n"
        + "世界卫生组织（World Health Organization）与我市开展合作，支持基层医疗卫生机构建设。" * 3
        + "\n\n我们坚持以人民为中心的发展思想，推动公共卫生服务体系不断完善，群众满意度稳步提升。"
        + "这些成绩的取得并非偶然，偶然之中有必然。\n",  # 偶然: initials o r
        encoding="utf-8",
    )
    seeded("ingest", str(report))
    out = seeded.json("search", "远程协商", "or", "清水塘", "-n", "0", code=1)
    assert any("'or' was searched for as a word" in h for h in out["hints"])
    texts = [textnorm.fold(h["text"]) for h in out["hits"]]
    assert out["partial"] == len(texts) > 0
    assert all("远程协商" in t or "清水塘" in t for t in texts)  # none holds only `or`
    assert all("or" not in h["matched"] + h["missing"] for h in out["hits"])
    quoted = seeded.json("search", "远程协商", '"or"', "清水塘", "-n", "0", code=1)
    assert any("organization" in textnorm.fold(h["text"]) for h in quoted["hits"])
    bare = seeded.json("search", "量子纠缠", "暗物质", code=1)
    assert seeded.json("search", "量子纠缠", "or", "暗物质", code=1)["suggestions"] == bare["suggestions"]


def test_a_sentence_is_cut_into_words(seeded: Cli) -> None:
    out = seeded.json("search", "株洲政协怎么开展远程协商", code=1)
    first = out["hits"][0]
    assert first["match"] == "partial" and set(first["matched"]) == {"株洲", "政协", "远程", "协商"}
    assert "怎么" not in first["matched"] + first["missing"]  # question words are no terms
    assert "远程协商" in textnorm.fold(first["text"])


def test_partial_hits_only_when_nothing_matches(seeded: Cli) -> None:
    out = seeded.json("search", "远程协商", "-n", "0")
    assert out["partial"] == 0 and all(h["match"] == "exact" for h in out["hits"])
    assert all(h["matched"] is None and h["missing"] is None for h in out["hits"])
    # with --fuzzy, an approximate hit is a match: no partial hits then
    fuzzy = seeded.json("search", "远成协商", "--fuzzy", "-n", "0")
    assert fuzzy["partial"] == 0 and {h["match"] for h in fuzzy["hits"]} == {"approximate"}


# --- fuzzy: the text's own strings; --fuzzy as close as the first suggestion ---------------


def test_fuzzy_finds_a_string_of_the_text_the_vocabulary_lacks(seeded: Cli) -> None:
    first = seeded.json("fuzzy", "微建议")["matches"][0]  # rjieba cuts it 微/建议: no term
    occurrences = sum(textnorm.fold(t).count("微建议") for t in _body(seeded).values())
    assert first == {"term": "微建议", "score": 100.0, "count": occurrences, "docs": [1]} and occurrences >= 4


def test_search_fuzzy_adds_only_variants_as_close_as_the_first_suggestion(seeded: Cli) -> None:
    top = seeded.json("fuzzy", "ycxs")["matches"][0]
    out = seeded.json("search", "ycxs", "--fuzzy", "-n", "0")
    assert out["approximate"] == len(out["hits"]) > 0
    assert all(h["similarity"] >= top["score"] and h["variant"] == top["term"] for h in out["hits"])


# --- a database from before the ranking's migration -----------------------------------------


def test_a_database_from_before_migration_7_is_searchable_after_upgrade(cli: Cli, tmp_path: Path) -> None:
    new, old = tmp_path / "new.db", tmp_path / "old.db"
    cli("ingest", str(SEED), "--db", str(new))
    cli("ingest", str(SEED), "--db", str(old))
    conn = sqlite3.connect(old, isolation_level=None)  # undo migration 7: the index and vocabulary of schema 6
    conn.execute("DROP TABLE paragraphs_fts")
    conn.execute(
        "CREATE VIRTUAL TABLE paragraphs_fts USING fts5(body, other, copy_body, copy_other, content='',"
        " tokenize='unicode61 remove_diacritics 0')"
    )
    rows = conn.execute("SELECT id, kind, text FROM paragraphs WHERE kind IN ('body', 'heading', 'front', 'noise')")
    conn.executemany(
        "INSERT INTO paragraphs_fts(rowid, body, other) VALUES (?, ?, ?)",  # the one report is no copy
        [
            (pid, *((t, "") if kind == "body" else ("", t)))
            for pid, kind, text in rows
            for t in [textnorm.index_text(text)]
        ],
    )
    conn.execute("ALTER TABLE terms DROP COLUMN word")
    conn.execute("UPDATE meta SET value = '1.1' WHERE key = 'vocab_version'")
    conn.execute("PRAGMA user_version = 6")
    conn.close()
    assert "zxkb upgrade" in cli("search", "远程协商", "--db", str(old), code=2).stderr  # a read never migrates
    report = cli.json("upgrade", "--db", str(old))
    assert report["migrated_from"] == 6 and report["index_rebuilt"] is True and report["vocabulary_updated"] is True
    for query in ("远程协商", "营商环境 OR 委员", "株洲政协怎么开展远程协商", "2019年"):
        was = cli.json("search", query, "-n", "0", "--explain", "--db", str(old), code=None)
        now = cli.json("search", query, "-n", "0", "--explain", "--db", str(new), code=None)
        assert was == now, query
