"""The issue's acceptance on the whole real corpus (../shared/corpus): trend
against a scan of `zxkb export` (canonical copies), compare of the State
Council's 2012 and 2022 reports, track of its 2016 report. Skipped where the
corpus is not beside the repo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, Cli
from zxkb import textnorm

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")

TERMS = ("高质量发展", "脱贫攻坚", "改革开放", "人民公社", "营商环境")
STATE_COUNCIL = ("--type", "government", "--region", "全国")


class Corpus:
    def __init__(self, db: Path) -> None:
        self.db = db
        self.cli = Cli()
        self.cli("ingest", str(CORPUS), "--db", str(db), "--json")
        self.docs = {d["id"]: d for d in self.json("docs")}

    def json(self, *args: str, code: int = 0) -> Any:
        return json.loads(self.cli(args[0], "--db", str(self.db), "--json", *args[1:], code=code).stdout)

    def report(self, year: int) -> int:
        (doc,) = [
            d["id"]
            for d in self.docs.values()
            if (d["type"], d["region"], d["year"], d["copy_of"]) == ("government", "全国", year, None)
        ]
        return int(doc)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return Corpus(tmp_path_factory.mktemp("analysis") / "corpus.db")


def test_trend_by_year_equals_a_scan_of_export(corpus: Corpus) -> None:
    lines = [json.loads(line) for line in corpus.cli("export", "--db", str(corpus.db)).stdout.splitlines()]
    body = [(str(corpus.docs[p["doc"]]["year"]), textnorm.fold(p["text"])) for p in lines if p["kind"] == "body"]
    assert all(corpus.docs[p["doc"]]["copy_of"] is None for p in lines)  # export: canonical copies
    result = corpus.json("trend", *TERMS)
    for i, term in enumerate(TERMS):
        expected: dict[str, list[int]] = {}
        for year, text in body:
            if term in text:
                counts = expected.setdefault(year, [0, 0])
                counts[0] += 1
                counts[1] += text.count(term)
        got = {b["key"]: [b["counts"][i]["paragraphs"], b["counts"][i]["occurrences"]] for b in result["buckets"]}
        assert {k: v for k, v in got.items() if v != [0, 0]} == expected, term
    years = [int(b["key"]) for b in result["buckets"] if b["key"] != "unknown"]
    assert years == list(range(min(years), max(years) + 1))  # every year of the range, empty ones as zeros


def test_trend_shows_the_communes_fading_and_quality_rising(corpus: Corpus) -> None:
    result = corpus.json("trend", "人民公社", "高质量发展", *STATE_COUNCIL)
    rates = {
        int(b["key"]): (b["reports"], b["counts"][0]["per_10k"], b["counts"][1]["per_10k"]) for b in result["buckets"]
    }
    assert all(communes > 0 for year, (n, communes, _) in rates.items() if n and 1958 < year < 1980)  # founded 1958
    assert all(communes == 0 for year, (n, communes, _) in rates.items() if n and year >= 1980)
    assert all(quality == 0 for year, (n, _, quality) in rates.items() if n and year < 2017)
    assert all(quality > 0 for year, (n, _, quality) in rates.items() if n and year >= 2018)


def test_trend_ranks_provinces_and_kwic_prints_every_occurrence(corpus: Corpus) -> None:
    result = corpus.json("trend", "营商环境", "--by", "region", "--type", "government", "--year", "2026")
    rates = [b["counts"][0]["per_10k"] for b in result["buckets"]]
    assert len(rates) == 31 and rates == sorted(rates, reverse=True)
    kwic = corpus.json("trend", "营商环境", "--by", "region", "--type", "government", "--year", "2026", "--kwic")
    for b in kwic["buckets"]:
        c = b["counts"][0]
        assert len(c["kwic"]) == c["occurrences"] and all(line["ref"] for line in c["kwic"])


def test_compare_2012_and_2022(corpus: Corpus) -> None:
    a, b = corpus.report(2012), corpus.report(2022)
    result = corpus.json("compare", str(a), str(b), "--limit", "0")
    terms = result["terms"]
    assert "高质量发展" in {t["term"] for t in terms["rising"] + terms["new"]}
    assert "数字经济" in {t["term"] for t in terms["rising"] + terms["new"]}
    assert terms["falling"] and terms["gone"]
    for name in ("rising", "falling"):
        for t in terms[name][:5]:  # a reader checks the counts with search --count-by doc
            facets = corpus.json("search", t["term"], "--doc", str(a), "--doc", str(b), "--count-by", "doc")
            counts = {int(x["key"]): x["count"] for x in facets["buckets"]}
            assert (counts.get(a, 0), counts.get(b, 0)) == (t["left"]["count"], t["right"]["count"]), t
    assert result["initiatives"]["kept"]


def test_track_2016(corpus: Corpus) -> None:
    result = corpus.json("track", str(corpus.report(2016)))
    assert result["next"] == corpus.report(2017)
    (item,) = [p for p in result["plans"] if p["title"] == "着力化解过剩产能和降本增效"]
    assert item["status"] == "reported"
    texts = [corpus.json("show", e["ref"])["text"] for e in item["evidence"]]
    assert any("钢铁" in t and "煤炭" in t and "三去一降一补" in t for t in texts)
    found = [p for p in result["plans"] if p["status"] != "not_found"]
    assert len(found) * 3 >= len(result["plans"]) * 2


def test_count_by_year_equals_the_hits_of_search(corpus: Corpus) -> None:
    hits = corpus.json("search", "营商环境", "--limit", "0")["hits"]
    per_year: dict[str, int] = {}
    for h in hits:
        key = str(corpus.docs[h["doc"]]["year"])
        per_year[key] = per_year.get(key, 0) + 1
    facets = corpus.json("search", "营商环境", "--count-by", "year")
    assert {b["key"]: b["count"] for b in facets["buckets"]} == per_year
    assert facets["total"] == len(hits)


def test_track_evidence_is_what_the_index_finds(corpus: Corpus) -> None:
    """track reads the next report's review folded, not through the index (whose
    cost grows with the archive): every term it says a paragraph shares is one
    that a search of the index restricted to that report finds in it."""
    from zxkb.api import KnowledgeBase, report_filter

    result = corpus.json("track", str(corpus.report(2016)))
    with KnowledgeBase(corpus.db) as kb:
        where = report_filter(docs=[str(result["next"])])
        found: dict[str, set[str]] = {}
        checked = 0
        for item in result["plans"]:
            for e in item["evidence"]:
                for term in e["shared"]:
                    if term not in found:
                        hits = kb.search(f'"{term}"', where=where, limit=None, exact=True).hits
                        found[term] = {h.para.ref for h in hits}
                    assert e["ref"] in found[term], (item["title"], term)
                    checked += 1
    assert checked > 100
