"""Acceptance on the whole real corpus (../shared/corpus): every file goes in,
every report is a clean document. Skipped where the corpus is not beside the repo."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, Cli

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")


class Corpus:
    def __init__(self, db: Path) -> None:
        self.db = db
        self.cli = Cli()
        self.report: dict[str, Any] = self.run("ingest", str(CORPUS))
        self.docs: list[dict[str, Any]] = self.run("docs")

    def run(self, *args: str, code: int = 0) -> Any:
        result = self.cli(args[0], "--db", str(self.db), "--json", *args[1:], code=code)
        return json.loads(result.stdout) if args[0] != "export" else result.stdout

    def doc(self, source_end: str) -> dict[str, Any]:
        (doc,) = [d for d in self.docs if d["source"].endswith(source_end)]
        return dict(doc)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return Corpus(tmp_path_factory.mktemp("corpus") / "corpus.db")


def test_every_report_is_a_document(corpus: Corpus) -> None:
    report = corpus.report
    assert report["errors"] == []
    # 50 GBK files + 31 provincial rows + 1 seed + 72 + 16 wikisource records, less the 76-character stub
    assert len(report["ingested"]) == 50 + 31 + 1 + 72 + 16 - 1
    assert [s["source"].split("/")[-1] for s in report["skipped"]] == ["cpc_congress_reports.jsonl#4"]
    assert all(d["title"] and d["paragraphs"] >= 1 for d in corpus.docs)
    long_reports = [d for d in corpus.docs if "决议" not in d["title"]]
    assert all(d["paragraphs"] >= 20 for d in long_reports)
    assert not any("README" in d["source"] for d in corpus.docs)  # the folder's own documentation


@pytest.mark.parametrize("word", ["打印本页", "【字体", "<U+00A0>", "公有领域", "责任编辑", "分享到", "当前位置"])
def test_page_chrome_is_not_found_in_the_body(corpus: Corpus, word: str) -> None:
    assert corpus.run("search", "--limit", "0", "--", word, code=1)["total"] == 0


def test_link_lists_and_toolbars_are_gone(corpus: Corpus) -> None:
    hits = corpus.run("search", "--limit", "0", "相关报道")["hits"]
    assert [h["text"].startswith("相关报道") for h in hits] == [False] * len(hits)  # prose only (广东)
    rows = [json.loads(line) for line in corpus.run("export", "--kind", "body").splitlines()]
    assert not [r for r in rows if r["text"] in ("下载", "打印", "全屏", "收藏")]


def test_repeated_bodies_are_stored_once(corpus: Corpus) -> None:
    opening = "我们第一届全国人民代表大会第一次会议，在听了刘少奇同志关于宪法草案的报告"
    hits = corpus.run("search", "--limit", "0", opening)["hits"]
    assert len([h for h in hits if h["doc_title"] == "1954年国务院政府工作报告"]) == 1


def test_one_line_and_wiki_reports_are_split_and_joined(corpus: Corpus) -> None:
    assert corpus.doc("state-council-gbk/2014.txt")["paragraphs"] >= 24
    wiki_2017 = corpus.doc("government_work_reports.jsonl#16")
    assert wiki_2017["title"] == "2017年中华人民共和国国务院政府工作报告"
    rows = [
        json.loads(line) for line in corpus.run("export", "--doc", str(wiki_2017["id"]), "--kind", "body").splitlines()
    ]
    assert rows and not [r for r in rows if len(r["text"]) <= 2]


def test_government_report_metadata(corpus: Corpus) -> None:
    sc_2018 = corpus.doc("state-council-gbk/2018.txt")
    assert sc_2018["date"] == "2018-03-05" and "李克强" in sc_2018["author"]
    assert sc_2018["year"] == 2018 and sc_2018["region"] == "全国"
    beijing = corpus.doc("2026_北京市_政府工作报告.csv")
    assert beijing["date"] == "2026-01-25" and "殷勇" in beijing["author"]
    assert beijing["region"] == "北京市" and beijing["title"] == "2026年北京市政府工作报告"
    wiki_2025 = corpus.doc("government_work_reports.jsonl#1")  # no meeting line in the record's text
    assert wiki_2025["date"] is None and wiki_2025["year"] == 2025


def test_provincial_outline(corpus: Corpus) -> None:
    (entry,) = corpus.run("list", "--doc", str(corpus.doc("2026_湖南省_政府工作报告.csv")["id"]))
    tops = entry["sections"]
    assert [s["number"] for s in tops[:3]] == ["一", "二", "三"]
    assert any(child["number"] == "(一)" for s in tops for child in s["children"])
    (guangdong,) = corpus.run("list", "--doc", str(corpus.doc("2026_广东省_政府工作报告.csv")["id"]))
    numbers = [s["number"] for s in guangdong["sections"]]
    assert numbers[:3] == ["一", "二", "三"] and "四" not in numbers  # appendix items 一…十 stay in 附件1
    assert "附件1" in numbers


# --- the archive (identity, copies, filters, structure at the end) -----------------

PREMIERS = {  # who delivered the State Council's report, by year (1978 on)
    **{y: "华国锋" for y in (1978, 1979, 1980)},
    **{y: "赵紫阳" for y in range(1981, 1988)},
    **{y: "李鹏" for y in range(1988, 1999)},
    **{y: "朱镕基" for y in range(1999, 2004)},
    **{y: "温家宝" for y in range(2004, 2014)},
    **{y: "李克强" for y in range(2014, 2024)},
    **{y: "李强" for y in range(2024, 2028)},
}


def _state_council(corpus: Corpus) -> list[dict[str, Any]]:
    return [d for d in corpus.docs if d["type"] == "government" and d["region"] == "全国"]


def _front(corpus: Corpus, doc_id: int) -> str:
    rows = [json.loads(line) for line in corpus.run("export", "--doc", str(doc_id), "--kind", "front").splitlines()]
    return " ".join(r["text"] for r in rows)


def test_each_state_council_year_in_both_sources_is_one_report_and_one_copy(corpus: Corpus) -> None:
    def year_of(source: str, folder: str) -> int | None:
        return next((d["year"] for d in corpus.docs if d["source"].endswith(source) and folder in d["source"]), None)

    gbk = {d["year"]: d for d in _state_council(corpus) if "state-council-gbk" in d["source"]}
    wiki = {d["year"]: d for d in _state_council(corpus) if "government_work_reports" in d["source"]}
    both = sorted(set(gbk) & set(wiki))
    assert len(both) >= 40 and year_of("1954.txt", "state-council-gbk") == 1954
    for year in both:
        pair = {gbk[year]["id"], wiki[year]["id"]}
        canonical = [d for d in (gbk[year], wiki[year]) if d["copy_of"] is None]
        assert len(canonical) == 1, year
        assert set(canonical[0]["copies"]) | {canonical[0]["id"]} == pair, year
        assert gbk[year]["key"] == wiki[year]["key"] == f"government/全国/{year}"
    for year in set(gbk) ^ set(wiki):  # held by one source only
        doc = gbk.get(year) or wiki[year]
        assert doc["copy_of"] is None and doc["copies"] == [], year
    assert sum(1 for item in corpus.report["ingested"] if item["same_as_stored"]) == len(both)


def test_a_report_s_copies_are_found_once(corpus: Corpus) -> None:
    once = corpus.run("search", "营商环境", "--year", "2018", "--limit", "0")
    texts = [h["text"] for h in once["hits"]]
    assert texts and len(texts) == len(set(texts))
    every = corpus.run("search", "营商环境", "--year", "2018", "--limit", "0", "--copies")
    assert len({h["doc"] for h in every["hits"]}) == 2 and {h["text"] for h in every["hits"]} == set(texts)


def test_state_council_speakers(corpus: Corpus) -> None:
    for doc in _state_council(corpus):
        if (doc["year"] or 0) < 1978:
            continue
        premier = PREMIERS[doc["year"]]
        if doc["speaker"] is None:  # then no copy's front matter names the premier
            group = [doc["id"], *doc["copies"]] + ([doc["copy_of"]] if doc["copy_of"] else [])
            assert not any(premier in _front(corpus, d) for d in group), doc["year"]
        else:
            assert doc["speaker"] == premier, doc["year"]
            assert doc["speaker_role"] in ("国务院总理", "国务院代总理"), doc["year"]
    named = [d for d in _state_council(corpus) if (d["year"] or 0) >= 1978 and d["speaker"]]
    assert len(named) >= 75  # the check above is not vacuous: nearly every report names its speaker


def test_provincial_reports_and_the_seed(corpus: Corpus) -> None:
    provincial = [d for d in corpus.docs if "provincial-2026" in d["source"]]
    assert len(provincial) == 31
    for doc in provincial:
        province = doc["source"].rsplit("_", 2)[-2]  # 2026_湖南省_政府工作报告.csv
        assert (doc["type"], doc["level"], doc["region"], doc["year"]) == ("government", "province", province, 2026)
        assert doc["speaker"] and doc["speaker"] in _front(corpus, doc["id"]).replace(" ", "")
    seed = corpus.doc("zhuzhou-cppcc-2020.txt")
    assert (seed["type"], seed["level"], seed["region"], seed["speaker"]) == ("cppcc", "city", "株洲市", "蔡溪")


def _scan(corpus: Corpus, term: str, doc_ids: set[int]) -> set[str]:
    rows = [json.loads(line) for line in corpus.run("export", "--kind", "body").splitlines()]
    return {r["ref"] for r in rows if r["doc"] in doc_ids and term in r["text"]}


@pytest.mark.parametrize(
    "args",
    [
        ("--year", "2016-2020", "--type", "government"),
        ("--region", "湖南"),
        ("--speaker", "李克强"),
        ("--doc", "2016.txt", "--doc", "株洲"),
    ],
)
def test_filters_find_what_a_scan_of_export_finds(corpus: Corpus, args: tuple[str, ...]) -> None:
    hits = corpus.run("search", "营商环境", "--limit", "0", *args)["hits"]
    reports = [d for d in corpus.docs if d["copy_of"] is None]
    chosen = {
        "--year": {d["id"] for d in reports if d["year"] and 2016 <= d["year"] <= 2020 and d["type"] == "government"},
        "--region": {d["id"] for d in reports if d["region"] == "湖南省"},
        "--speaker": {d["id"] for d in reports if d["speaker"] == "李克强"},
        "--doc": {d["id"] for d in reports if d["source"].endswith("/2016.txt") or "株洲" in d["title"]},
    }[args[0]]
    assert hits and {h["ref"] for h in hits} == _scan(corpus, "营商环境", chosen)


def test_state_council_report_ends(corpus: Corpus) -> None:
    ids = {d["id"] for d in _state_council(corpus)}
    rows = [json.loads(line) for line in corpus.run("export", "--copies", "--kind", "body").splitlines()]
    rows = [r for r in rows if r["doc"] in ids]
    in_sub = [r for r in rows if r["section"] and re.match(r"^[一二三四五六七八九十]+\(", r["section"])]  # 三(九)
    assert not [r["ref"] for r in in_sub if r["text"].startswith(("各位代表", "同志们"))]
    notes = [r for r in rows if r["section"] in ("附注", "注释", "名词解释")]
    assert notes and not [r for r in in_sub if any(r["text"] == n["text"] for n in notes)]
    caption = "第十二届全国人民代表大会第五次会议在北京人民大会堂开幕"
    assert corpus.run("search", caption, "--copies", "--limit", "0", code=1)["total"] == 0
    (oneline,) = corpus.run("list", "--doc", str(corpus.doc("state-council-gbk/2014.txt")["id"]))
    tops = [s["number"] for s in oneline["sections"]]
    assert tops[:3] == ["一", "二", "三"] and len(oneline["sections"][2]["children"]) == 9
