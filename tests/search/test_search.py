"""Search is exact: for any query, --limit 0 returns exactly the body paragraphs
whose folded text contains the folded query. Checked against a brute-force scan
of `export` on the seed."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from tests.conftest import SEED, Cli, distinct_report
from zxkb.search import rank
from zxkb.search.query import parse_query
from zxkb.store import connection, index
from zxkb.textnorm import fold


def _body(cli: Cli) -> dict[str, str]:
    lines = cli("export").stdout.splitlines()
    return {row["ref"]: row["text"] for row in map(json.loads, lines) if row["kind"] == "body"}


def _queries(texts: list[str]) -> list[str]:
    rng = random.Random(2020)
    out = [
        "政",
        "协",
        "的",
        "远程",
        "2019",
        "20",
        "1",
        "x",
        "gdp",
        "远程协商",
        "清水塘新城建设",
        "一谷三区",
        "1+X",
    ]
    for _ in range(150):
        text = rng.choice(texts)
        n = rng.randint(1, 10)
        start = rng.randrange(max(1, len(text) - n))
        q = text[start : start + n]
        if q.strip() and " " not in q and '"' not in q and not q.startswith("-") and q != "OR":
            out.append(q)
    out += ["不在文中的词", "远成协商", "zz9"]
    return out


def test_search_equals_brute_force_scan(seeded: Cli) -> None:
    body = _body(seeded)
    assert len(body) == 46
    checked = 0
    for q in _queries(list(body.values())):
        expected = {ref for ref, text in body.items() if fold(q) in fold(text)}
        result = seeded.json("search", "--limit", "0", "--", q, code=None)
        got = {hit["ref"] for hit in result["hits"] if hit["match"] == "exact"}
        assert got == expected, q
        assert result["total"] == len(expected)
        # the partial hits that follow when nothing matches are marked as such, never exact
        assert all(hit["match"] == "partial" for hit in result["hits"][len(expected) :]), q
        checked += 1
    assert checked > 100


def test_most_mentions_rank_first(seeded: Cli) -> None:
    hits = seeded.json("search", "远程协商")["hits"]
    assert hits[0]["text"].startswith("我们以开展远程协商为重点,推进履职方式新探索。")
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


@pytest.mark.parametrize(
    "phrase",
    [
        "高质量推进制造强市建设",
        "省政协交办",
        "坚持和加强党对各项工作领导",
        "《中共中央关于新时代加强和改进人民政协工作的意见》",
    ],
)
def test_rejoined_paragraphs_found_once(seeded: Cli, phrase: str) -> None:
    assert seeded.json("search", phrase)["total"] == 1


def test_noise_left_out_unless_asked(seeded: Cli) -> None:
    out = seeded.json("search", "手机银行", code=1)
    # no filter applied (the archive's key, added)
    assert out.pop("filters") == {
        "doc": [],
        "year": [],
        "region": [],
        "type": [],
        "level": [],
        "speaker": [],
        "copies": False,
    }
    # the advertisement's words are not in the vocabulary either: nothing to suggest, no words to match
    assert out == {"query": "手机银行", "total": 0, "approximate": 0, "partial": 0, "hits": [], "suggestions": []}
    hits = seeded.json("search", "手机银行", "--all")["hits"]
    assert hits and {h["kind"] for h in hits} == {"noise"}


def test_folded_queries_find_the_same(seeded: Cli) -> None:
    refs = {h["ref"] for h in seeded.json("search", "远程协商", "-n", "0")["hits"]}
    assert {h["ref"] for h in seeded.json("search", "遠程協商", "-n", "0")["hits"]} == refs
    assert (
        seeded.json("search", "２０１９年", "-n", "0")["total"] == seeded.json("search", "2019年", "-n", "0")["total"]
    )


def test_operators(seeded: Cli) -> None:
    body = _body(seeded)

    def refs(*args: str) -> set[str]:
        return {h["ref"] for h in seeded.json("search", "-n", "0", "--", *args, code=None)["hits"]}

    assert refs("协商", "-监督") == {r for r, t in body.items() if "协商" in t and "监督" not in t}
    assert refs("远程", "OR", "视频") == {r for r, t in body.items() if "远程" in t or "视频" in t}
    assert refs("委员", "政协") == {r for r, t in body.items() if "委员" in t and "政协" in t}
    assert refs('"视频 远程"') == {r for r, t in body.items() if "视频远程" in t}


def test_filters(seeded: Cli) -> None:
    all_hits = seeded.json("search", "协商", "-n", "0")["hits"]
    in_two = seeded.json("search", "协商", "-n", "0", "--section", "二")["hits"]
    assert in_two and all(h["section"].startswith("二") for h in in_two)
    assert {h["ref"] for h in in_two} == {h["ref"] for h in all_hits if (h["section"] or "").startswith("二")}
    sub = seeded.json("search", "协商", "-n", "0", "--section", "2.1")["hits"]
    assert sub and {h["section"] for h in sub} == {"二(一)"}
    assert seeded.json("search", "协商", "-n", "0", "--doc", "株洲")["total"] == len(all_hits)
    assert seeded.json("search", "协商", "-n", "0", "--doc", "1")["total"] == len(all_hits)


def test_limit_cuts_hits_not_total(seeded: Cli) -> None:
    out = seeded.json("search", "政", "--limit", "3")
    assert len(out["hits"]) == 3
    assert out["total"] > 3


def test_snippet_is_cut_from_original_text_with_highlights(seeded: Cli) -> None:
    hit = seeded.json("search", "遠程協商")["hits"][0]
    assert hit["snippet"].strip("…") in hit["text"]
    start, end = hit["highlights"][0]
    assert hit["snippet"][start:end] == "远程协商"
    assert hit["section"] == "一" and hit["paragraph"] == 12 and hit["ref"] == "1:12"
    assert hit["doc_title"] == "中国人民政治协商会议株洲市委员会常务委员会工作报告"
    assert hit["date"] == "2020-01-06"


@pytest.mark.parametrize("hostile", ['"', "(", "*", "NEAR", "'; DROP TABLE x; --", "a AND", '"远程', "NOT 远程", ")("])
def test_hostile_queries_give_results_or_nothing(seeded: Cli, hostile: str) -> None:
    result = seeded("search", "--json", "--", hostile, code=None)
    assert result.exit_code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    json.loads(result.stdout)
    assert seeded.json("docs")[0]["paragraphs"] == 46  # nothing was dropped


def test_empty_query_is_an_error(seeded: Cli) -> None:
    result = seeded("search", "", code=2)
    assert result.stdout == ""
    assert result.stderr.startswith("Error: the query is empty")
    assert "Hint:" in result.stderr


@pytest.mark.parametrize("query", ["政协委员", "远程协商", "高质量发展 协商", "委员 OR 协商"])
@pytest.mark.parametrize("limit", [3, 20, None])
def test_one_pass_ranking_equals_two(seeded: Cli, _isolated_db: Path, query: str, limit: int | None) -> None:
    """Counting in the ranked query (long phrases) gives the same total, order and scores as counting apart."""
    conn = connection.connect(_isolated_db)
    match = parse_query(query).match_expression()
    one = rank.top(conn, match, index.Filters(), rank.DEFAULT, limit=limit, count_in_pass=True)
    two = rank.top(conn, match, index.Filters(), rank.DEFAULT, limit=limit, count_in_pass=False)
    conn.close()
    assert one[0] > 0 and len(one[1]) == (one[0] if limit is None else min(limit, one[0]))
    assert one == two


def test_doc_filter_finds_exactly_that_documents_hits(cli: Cli, tmp_path: Path) -> None:
    """--doc reads the documents' stretch of paragraph ids from the index; a
    replaced document's new paragraphs come after the others', and --doc still
    finds exactly its hits, alone or with other documents."""
    seed = SEED.read_text(encoding="utf-8")
    for i in range(3):
        (tmp_path / f"r{i}.txt").write_text(distinct_report(seed, i), encoding="utf-8")
    cli("ingest", str(tmp_path))
    (tmp_path / "r0.txt").write_text(seed.replace("远程协商", "远程会商"), encoding="utf-8")
    cli("ingest", str(tmp_path / "r0.txt"), "--replace")  # document 4, after 2 and 3
    every = {h["ref"] for h in cli.json("search", "协商", "-n", "0")["hits"]}
    by_doc = {d: {r for r in every if r.startswith(f"{d}:")} for d in (2, 3, 4)}
    assert all(by_doc.values()) and {r.split(":")[0] for r in every} == {"2", "3", "4"}
    for d, refs in by_doc.items():
        assert {h["ref"] for h in cli.json("search", "协商", "-n", "0", "--doc", str(d))["hits"]} == refs
    # a title every document shares: all of them, through one wide span
    assert {h["ref"] for h in cli.json("search", "协商", "-n", "0", "--doc", "株洲")["hits"]} == every
    assert cli.json("search", "远程会商", "-n", "0", "--doc", "2", code=1)["total"] == 0
