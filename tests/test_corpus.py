"""Acceptance on the whole real corpus (../shared/corpus): every file goes in,
every report is a clean document. Skipped where the corpus is not beside the repo."""

from __future__ import annotations

import json
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
