"""Which parts of a report look ahead and which look back (pure): the rules
zxkb track reads a report's plan and its successor's review by.

A report of year N (the year it is delivered) reviews the year before and
plans the year ahead, each in top-level sections of its own. Each top-level
section is classed by its title, then by its opening (its first body
paragraph's first clause), in this order:

1. a part (附件, 名词解释, 注释, 附注, 结束语): neither;
2. a review: its title says 回顾, 总结, 成就, 成效, 执行情况, 决算, 过去…, 一年来,
   or 取得…进展 (`2015年工作回顾`, `履职尽责取得新成效`, `１９５５年国家决算`);
3. the plan: its title names year N or N+1 or 今年 (`2016年重点工作`,
   `对今年政府工作的建议`, `二、１９８１年国民经济计划的任务`), or its opening
   starts with one (`2020年市政协工作的总体要求是`, `今年是…开局之年`);
4. a review again: its title names year N-1 only, or its opening starts with it
   or with 过去一年, 一年来, 去年;
5. long-term: its title speaks of five years or a plan period (`“十三五”时期主要
   目标任务`, 规划, 五年): neither;
6. the plan: its title says 任务, 重点工作, 主要工作, 工作安排, 部署, 建议, 总体要求,
   政策取向 or 计划;
7. otherwise (a) it is the plan when it follows a section of the plan or of
   the review (2015: `三、把改革开放扎实推向纵深` after `二、2015年工作总体部署`;
   1992: the sections after `一、１９９１年国内工作的回顾`); (b) in a report with no
   plan section after that, the long-term sections and those after them are
   the plan (1986, 2001: the five-year plan is all it plans); (c) in a report
   with neither plan nor review sections (one by themes: 1984, 2002), every
   numbered section is.

Rule 4 reads a section's opening only for the first section (a later one
that opens with last year, as 2002's `八、…外交工作`: `２００１年，国际形势…`, is
no review). A report without a section classed review is reviewed by its
preamble, the paragraphs before its first section, when it has a few (2002),
else whole (older reports mix both); one without a plan has none to track.

Plan items are the initiatives of the plan's sections and subsections (zxkb
list): body paragraphs, without an address alone (`各位代表！`), the closing
appeal (`让我们…`) or a line that only announces a list (fewer than
MIN_ITEM_CHARS characters, `今年要重点做好八个方面工作。`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from zxkb import textnorm
from zxkb.numbering import cn_to_int

MIN_ITEM_CHARS = 20
REVIEW_PREAMBLE = 3

PARTS = ("附件", "名词解释", "注释", "附注", "结束语", "注")
REVIEW = re.compile(r"回顾|总结|成就|成效|执行情况|决算|过去|[一二三四五六七八九十几]年来|取得.{0,6}进展")
LONG_TERM = re.compile(r"五年|十[一二三四五六七八九]?五|规划|时期|十年")
PLAN = re.compile(r"任务|重点工作|主要工作|工作安排|部署|建议|总体要求|政策取向|计划|今年|本年")
REVIEW_OPENING = re.compile(r"^(过去一年|一年来|去年|过去的一年)")
APPEAL = re.compile(r"^(?:[^。！]{0,30}[。！])?[^。]{0,12}(让我们|我们要更加紧密地团结在)")  # as zxkb.parse.ends
ADDRESS_ONLY = re.compile(r"^(各位代表|各位委员|同志们|代表们|委员们)[、,!:\s]*(同志们|朋友们)?[!:]?$")
_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")


class Section(NamedTuple):
    path: str
    number: str
    title: str
    level: int
    opening: str  # the first clause of its first body paragraph (or of its run-in heading)


class Item(NamedTuple):
    """A body paragraph as the rules see it."""

    pid: int
    seq: int
    section: str | None  # path of its section
    title: str | None
    text: str


def years_in(text: str) -> list[int]:
    """The years a folded text names, in order: 2016年, １９９１年 (folded), 一九九○年."""
    text = text.translate(_CN_DIGITS)
    return [int(y) for y in re.findall(r"(?<!\d)(1[89]\d\d|20\d\d)(?=年)", text)]


def kind(section: Section, year: int | None, *, first: bool = True) -> str:
    """`part`, `review`, `plan`, `long` or `unknown` (rules 1 to 6 of the module docstring)."""
    title = textnorm.fold(section.title)
    opening = textnorm.fold(section.opening)[:24]
    if section.level != 1:
        return "unknown"
    if not cn_to_int(section.number.strip("()（）")) or title in PARTS:
        return "part"
    if REVIEW.search(title):
        return "review"
    named = years_in(title)
    ahead = year is not None and any(y in (year, year + 1) for y in named)
    opens = years_in(opening)[:1]
    if ahead or "今年" in title or (year is not None and opens and opens[0] in (year, year + 1)):
        return "plan"
    if opening.startswith("今年") or opening.startswith("本年"):
        return "plan"
    if year is not None and named and all(y == year - 1 for y in named):
        return "review"
    if first and (REVIEW_OPENING.match(opening) or (year is not None and opens and opens[0] == year - 1)):
        return "review"
    if LONG_TERM.search(title):
        return "long"
    if PLAN.search(title):
        return "plan"
    return "unknown"


def parts(sections: Sequence[Section], year: int | None) -> dict[str, str]:
    """Each top-level section's path -> `plan`, `review` or another kind (rule 7 included)."""
    tops = [sec for sec in sections if sec.level == 1]
    kinds = {sec.path: kind(sec, year, first=i == 0) for i, sec in enumerate(tops)}
    order = list(kinds)
    last = None
    for path in order:  # 7a: what follows the plan or the review, not said otherwise, is the plan
        if kinds[path] == "unknown" and last in ("plan", "review"):
            kinds[path] = "plan"
        if kinds[path] != "unknown":
            last = kinds[path]
    if "plan" not in kinds.values():  # 7b: a report that plans for years only: that is its plan
        after_long = False
        for path in order:
            after_long = after_long or kinds[path] == "long"
            if kinds[path] == "long" or (kinds[path] == "unknown" and after_long):
                kinds[path] = "plan"
    if not {"plan", "review"} & set(kinds.values()):  # 7c: a report by themes: each looks ahead
        kinds = {path: "plan" if k == "unknown" else k for path, k in kinds.items()}
    return kinds


def top(path: str | None, tops: Iterable[str]) -> str | None:
    """The top-level section (of the paths `tops`) a section path lies in: `三`
    for `三(二)`, `(二)` for `(二)(1)`."""
    if not path:
        return None
    inside = [t for t in tops if path == t or path.startswith(t + "(")]
    return max(inside, key=len) if inside else None


def plan_items(items: Sequence[Item], kinds: dict[str, str]) -> list[Item]:
    """The plan's initiatives, in reading order."""
    return [
        item
        for item in items
        if kinds.get(top(item.section, kinds) or "") == "plan"
        and len(textnorm.fold(item.text)) >= MIN_ITEM_CHARS
        and not ADDRESS_ONLY.match(textnorm.fold(item.text))
        and not APPEAL.match(item.text)
    ]


def review_items(items: Sequence[Item], kinds: dict[str, str]) -> tuple[list[Item], str]:
    """The review part's paragraphs, and where they were found: `sections` (the
    sections classed review), `preamble` (a report without one that opens with
    REVIEW_PREAMBLE or more paragraphs before its first section, as 2002's
    `首先报告２００１年的工作…`) or `report` (every body paragraph: the report is
    reviewed whole)."""
    chosen = [item for item in items if kinds.get(top(item.section, kinds) or "") == "review"]
    if chosen:
        return chosen, "sections"
    preamble = list(itertools.takewhile(lambda item: item.section is None, items))
    if len(preamble) >= REVIEW_PREAMBLE:
        return preamble, "preamble"
    return list(items), "report"
