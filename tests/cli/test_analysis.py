"""zxkb trend, compare, track and search --count-by through the command line,
on the seed (db/zhuzhou-cppcc-2020.txt) and reports made from it: the JSON
contract, exit codes as grep, errors with a hint, CSV, 80 columns."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEED, Cli, seed_variants
from zxkb import textnorm

TERMS = ("协商", "委员", "远程协商")


def cells(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def scan(cli: Cli, term: str) -> dict[int, tuple[int, int]]:
    """Per document: (body paragraphs holding `term`, its occurrences) in `zxkb export`."""
    out: dict[int, list[int]] = {}
    for line in cli("export").stdout.splitlines():
        p = json.loads(line)
        n = textnorm.fold(p["text"]).count(term)
        if p["kind"] == "body" and n:
            out.setdefault(p["doc"], [0, 0])
            out[p["doc"]][0] += 1
            out[p["doc"]][1] += n
    return {doc: (a, b) for doc, (a, b) in out.items()}


@pytest.fixture
def two(seeded: Cli, tmp_path: Path) -> Cli:
    """The seed (2020) and a report made from it delivered in 2021: its successor."""
    (variant,) = seed_variants(tmp_path / "in", 1)
    variant.write_text(SEED.read_text(encoding="utf-8").replace("2020年1月6日", "2021年1月6日"), encoding="utf-8")
    seeded("ingest", str(variant))
    return seeded


def test_trend_counts_equal_a_scan_of_export(two: Cli) -> None:
    result = two.json("trend", *TERMS, "--by", "doc")
    assert result["terms"] == list(TERMS) and result["by"] == "doc"
    for i, term in enumerate(TERMS):
        expected = scan(two, term)
        got = {int(b["key"]): (b["counts"][i]["paragraphs"], b["counts"][i]["occurrences"]) for b in result["buckets"]}
        assert {k: v for k, v in got.items() if v != (0, 0)} == expected, term
    for b in result["buckets"]:
        assert b["chars"] > 0 and b["reports"] == 1
        c = b["counts"][0]
        assert c["per_10k"] == round(c["occurrences"] * 10_000 / b["chars"], 4)


def test_trend_by_year_has_zeros_for_empty_years(two: Cli) -> None:
    result = two.json("trend", "协商", "--year", "2018-2023")
    assert [b["key"] for b in result["buckets"]] == ["2018", "2019", "2020", "2021", "2022", "2023"]
    empty = [b for b in result["buckets"] if b["key"] not in ("2020", "2021")]
    assert all(b["reports"] == 0 and b["chars"] == 0 and b["counts"][0]["occurrences"] == 0 for b in empty)
    assert all(b["counts"][0]["paragraphs"] > 0 for b in result["buckets"] if b["key"] in ("2020", "2021"))
    assert result["filters"]["year"] == [[2018, 2023]]


def test_trend_refs_and_kwic_point_at_the_occurrences(seeded: Cli) -> None:
    result = seeded.json("trend", "远程协商", "--refs", "2", "--kwic", "--width", "4")
    (bucket,) = result["buckets"]
    count = bucket["counts"][0]
    assert 0 < len(count["refs"]) <= 2
    for ref in count["refs"]:
        assert "远程协商" in seeded.json("show", ref)["text"]
    assert len(count["kwic"]) == count["occurrences"]
    for line in count["kwic"]:
        assert line["match"] == "远程协商" and len(line["left"]) <= 4 and len(line["right"]) <= 4
        assert line["left"] + line["match"] + line["right"] in seeded.json("show", line["ref"])["text"].replace(
            "\n", " "
        )


def test_trend_csv_has_the_json_figures(seeded: Cli) -> None:
    rows = list(csv.DictReader(io.StringIO(seeded("trend", "协商", "委员", "--csv").stdout)))
    result = seeded.json("trend", "协商", "委员")
    assert [(r["key"], r["term"], int(r["occurrences"])) for r in rows] == [
        (b["key"], c["term"], c["occurrences"]) for b in result["buckets"] for c in b["counts"]
    ]


def test_trend_exit_codes_and_errors(seeded: Cli) -> None:
    assert seeded("trend", "手机银行", "--json", code=1).stdout  # nothing found: the empty form, exit 1
    for args, said in (
        (("trend", "协商", "--by", "colour"), "cannot count by 'colour'"),
        (("trend", "协商", "--kwic", "--width", "-1"), "--width"),
        (("trend", "协商", "--csv", "--json"), "--csv and --json"),
        (("search", "协商", "--count-by", "colour"), "cannot count by 'colour'"),
        (("search", "协商", "--count-by", "year", "--section", "二"), "--section"),
        (("compare", "1"), "side B names no report"),
    ):
        result = seeded(*args, code=2)
        assert result.stdout == "" and said in result.stderr and "Hint: " in result.stderr, args
        assert "Traceback" not in result.stderr


def test_count_by_equals_the_hits_of_search(two: Cli) -> None:
    for by in ("doc", "year", "region", "type"):
        result = two.json("search", "协商", "--count-by", by)
        assert set(result) >= {"query", "by", "total", "buckets"} and result["by"] == by
        assert result["total"] == sum(b["count"] for b in result["buckets"])
    docs = {d["id"]: d for d in two.json("docs")}
    hits = two.json("search", "协商", "--limit", "0")["hits"]
    per_year: dict[str, int] = {}
    for h in hits:
        key = str(docs[h["doc"]]["year"])
        per_year[key] = per_year.get(key, 0) + 1
    assert {b["key"]: b["count"] for b in two.json("search", "协商", "--count-by", "year")["buckets"]} == per_year
    assert two("search", "手机银行", "--count-by", "year", "--json", code=1).stdout


def test_compare_two_reports(two: Cli) -> None:
    result = two.json("compare", "1", "2")
    assert result["statistic"].startswith("log-likelihood")
    assert result["left"]["docs"] == [1] and result["right"]["docs"] == [2]
    assert set(result["terms"]) == {"rising", "falling", "new", "gone"}
    kept = result["initiatives"]["kept"]
    assert kept and all(k["similarity"] == 1.0 for k in kept)  # the same text: every unit kept as it was
    assert result["initiatives"]["new"] == [] and result["initiatives"]["dropped"] == []


def test_track_without_successor_exits_1_with_a_hint(seeded: Cli) -> None:
    result = seeded("track", "1", "--json", code=1)
    assert json.loads(result.stdout)["next"] is None
    assert "Error: the next report after 1" in result.stderr and "Hint: ingest it" in result.stderr
    human = seeded("track", "1", code=1)
    assert human.stdout == "" and "cppcc/株洲市/2021" in human.stderr


def test_track_matches_the_plan_against_the_next_report(two: Cli) -> None:
    result = two.json("track", "1")
    assert result["doc"] == 1 and result["next"] == 2
    assert "二" in result["plan_sections"]  # 二、2020年工作建议
    assert result["plans"] and {p["status"] for p in result["plans"]} <= {"reported", "mentioned", "not_found"}
    for p in result["plans"]:
        assert p["ref"].startswith("1:") and p["section"][:1] in result["plan_sections"]
        for e in p["evidence"]:
            assert e["ref"].startswith("2:") and 0 < e["score"] <= 1 and e["shared"]


@pytest.mark.parametrize(
    "args",
    [
        ("trend", "协商", "委员", "远程协商", "--year", "2015-2022", "--refs", "2"),
        ("trend", "协商", "--by", "doc", "--kwic"),
        ("search", "协商", "--count-by", "doc"),
        ("compare", "1", "2"),
        ("track", "1"),
    ],
)
def test_human_output_fits_80_columns(two: Cli, args: tuple[str, ...]) -> None:
    out = two(*args, env={"COLUMNS": "80"}).stdout
    assert out.strip()
    assert max(cells(line) for line in out.splitlines()) <= 80, args


def _json(result: Any) -> Any:
    return json.loads(result.stdout)
