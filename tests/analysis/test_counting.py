"""The pure parts of counting across reports: occurrences counted as in the
folded text, keyword in context, the keyness statistic and the plan rules."""

from __future__ import annotations

import importlib
import math
import sys

import pytest

from tests.conftest import ROOT
from zxkb import textnorm
from zxkb.analysis import kwic, plans
from zxkb.analysis.compare import g2
from zxkb.analysis.occurrences import Counter

# Paragraphs as the reports write them (2016 and 2002 State Council reports), and
# the forms folding changes: traditional, full-width, spaces, zero-width characters.
TEXTS = [
    "以钢铁、煤炭行业为重点去产能，全年退出钢铁产能超过6500万吨、煤炭产能超过2.9亿吨。",
    "推动高质量发展。高质量 发展是主题；高質量發展、ＧＤＰ增长６．５％，高\u200b质量发展。",
    "坚持改革开放，改革开放是强国之路。改革\n开放",
    "营商环境营商环境营商环境",
    "",
]
KEYS = [["高质量发展"], ["改革开放"], ["钢铁", "煤炭"], ["营商环境营商环境"], ["gdp"], ["6.5%"]]


@pytest.mark.parametrize("keys", KEYS, ids=["+".join(ks) for ks in KEYS])
def test_counts_are_those_of_the_folded_text(keys: list[str]) -> None:
    counter = Counter(keys)
    for text in TEXTS:
        folded = textnorm.fold(text)
        expected = sum(1 for _ in counter.pattern.finditer(folded))
        assert counter.count(text) == expected, (keys, text)
        if len(keys) == 1:
            assert expected == folded.count(keys[0])
        assert len(counter.spans(text)) == expected


def test_spans_point_at_the_stored_text() -> None:
    text = TEXTS[1]
    spans = Counter(["高质量发展"]).spans(text)
    assert [text[a:b] for a, b in spans] == ["高质量发展", "高质量 发展", "高質量發展", "高\u200b质量发展"]


def test_kwic_lines_centre_the_occurrence_with_its_ref() -> None:
    lines = kwic.lines("7:3", TEXTS[2], Counter(["改革开放"]), width=3)
    assert [(ln.left, ln.match, ln.right) for ln in lines] == [
        ("坚持", "改革开放", "，改革"),
        ("开放，", "改革开放", "是强国"),
        ("之路。", "改革 开放", ""),  # a line break inside an occurrence is a space: one line each
    ]
    assert {ln.ref for ln in lines} == {"7:3"}


def test_fold_classes_file_is_what_the_tool_writes() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        gen_fold_classes = importlib.import_module("gen_fold_classes")
    finally:
        sys.path.pop(0)
    assert gen_fold_classes.OUT.read_text(encoding="utf-8") == gen_fold_classes.text()


def test_log_likelihood() -> None:
    assert g2(10, 10, 1000, 1000) == 0.0  # the same rate: no keyness
    assert g2(5, 20, 1000, 1000) == pytest.approx(g2(20, 5, 1000, 1000))
    # Dunning's G2 by hand: a=20 in 1000, b=5 in 1000, expected 12.5 each
    assert g2(20, 5, 1000, 1000) == pytest.approx(2 * (20 * math.log(20 / 12.5) + 5 * math.log(5 / 12.5)))
    assert g2(0, 6, 1000, 1000) > 3.84 > g2(0, 2, 1000, 1000)  # appearing 6 times is significant, twice is not
    assert g2(10, 20, 1000, 2000) == pytest.approx(0.0)  # sizes are accounted for


def _section(path: str, title: str, opening: str = "") -> plans.Section:
    return plans.Section(path, path, title, 1, opening)


@pytest.mark.parametrize(
    ("title", "opening", "year", "kind"),
    [
        ("2015年工作回顾", "", 2016, "review"),  # State Council 2016
        ("2016年重点工作", "", 2016, "plan"),
        ("“十三五”时期主要目标任务和重大举措", "", 2016, "long"),
        ("2020年工作建议", "", 2020, "plan"),  # the seed: 二、2020年工作建议
        ("对今年政府工作的建议", "", 2012, "plan"),
        ("１９５５年国家决算", "", 1956, "review"),
        ("履职尽责取得新成效", "", 2020, "review"),
        ("深化改革", "今年是全面深化改革的关键之年", 2015, "plan"),
        ("国内经济形势", "过去一年，我国经济运行", 2000, "review"),
        ("附件", "", 2016, "part"),
    ],
)
def test_sections_classed_by_title_and_opening(title: str, opening: str, year: int, kind: str) -> None:
    assert plans.kind(_section("一", title, opening), year) == kind


def test_what_follows_the_plan_is_the_plan() -> None:
    sections = [
        _section("一", "2014年工作回顾"),
        _section("二", "2015年工作总体部署"),
        _section("三", "把改革开放扎实推向纵深"),  # State Council 2015: no year, no plan word
        _section("四", "附件"),
    ]
    assert plans.parts(sections, 2015) == {"一": "review", "二": "plan", "三": "plan", "四": "part"}


def test_plan_items_leave_out_addresses_and_announcements() -> None:
    items = [
        plans.Item(1, 10, "二", "各位代表", "各位代表！"),
        plans.Item(2, 11, "二", "今年要重点做好八个方面工作", "今年要重点做好八个方面工作。"),
        plans.Item(
            3,
            12,
            "二(一)",
            "着力化解过剩产能和降本增效",
            "着力化解过剩产能和降本增效。重点抓好钢铁、煤炭等困难行业去产能。",
        ),
        plans.Item(4, 13, "二", "让我们", "让我们更加紧密地团结在以习近平同志为核心的党中央周围，为实现目标而奋斗！"),
        plans.Item(
            5, 3, "一", "过去一年", "过去一年，我国经济运行总体平稳，稳中有进，稳中有好，结构调整出现积极变化。"
        ),
    ]
    kinds = {"一": "review", "二": "plan"}
    assert [i.pid for i in plans.plan_items(items, kinds)] == [3]
    assert plans.review_items(items, kinds) == ([items[4]], "sections")
