"""Where the last numbered subsection of a section ends (pure).

Reports number their subsections, but not what follows the last of them: a
work report's section 三 runs `(一)…(九)` and then, without numbers, turns to
the nation's peoples and religions, defence, Hong Kong, Macao and Taiwan,
foreign affairs and the closing appeal, each opened by `各位代表！`. Those
paragraphs belong to the section, not to `三(九)`. A paragraph belongs to the
subsection before it only while it continues it; from the first paragraph
after the subsection's opening one that
- opens with an address to the audience (`各位代表！`, `各位委员，`, `同志们！`): the
  speaker steps out of the numbered item (to defence, between `(四)` and `(五)`
  of 1983, as after the last one), or
- is the closing appeal (`…让我们更加紧密地团结在…周围`), or,
- after the report's last subsection, takes up one of the themes reports treat
  without a number (peoples and religions, defence, Hong Kong, Macao and
  Taiwan, foreign affairs, the government's own conduct) that the subsection's
  title does not name,
the paragraphs up to the next heading belong to the section itself (or to no
section, where the subsection has none above it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from zxkb.models import Block, ParsedSection
from zxkb.numbering import cn_to_int

_ADDRESS = re.compile(r"^(各位代表|各位委员|同志们|代表们|委员们|女士们、先生们)(、(同志们|朋友们))?[！!，,：:]")
_APPEAL = re.compile(r"^(?:[^。！]{0,30}[。！])?[^。]{0,12}(让我们|我们要更加紧密地团结在)")
THEMES: tuple[tuple[str, ...], ...] = (
    ("民族团结", "民族区域自治", "民族政策", "多民族", "各民族", "中华民族共同体", "民族工作", "宗教", "侨务", "侨胞"),
    ("国防", "军队", "强军", "人民解放军", "武警"),
    ("一国两制", "香港", "澳门", "港澳", "台湾", "两岸关系", "海峡两岸", "对台", "祖国统一"),
    ("外交", "和平发展道路", "国际形势", "和平共处五项原则"),
    ("对政府工作提出",),
)


def _first_sentence(text: str) -> str:
    return re.split(r"[。！？!?]", text, maxsplit=1)[0]


def _new_theme(text: str, title: str) -> bool:
    opening = _first_sentence(text)
    return any(any(word in opening for word in words) and not any(word in title for word in words) for words in THEMES)


def closes_subsection(text: str, title: str, *, last: bool) -> bool:
    """Does this paragraph, after the last subsection `title` of a section, leave it?"""
    if _ADDRESS.match(text) or _APPEAL.match(text):
        return True
    return last and _new_theme(text, title)


def refile_tails(blocks: Sequence[Block], sections: Sequence[ParsedSection]) -> list[Block]:
    """`blocks` with the paragraphs of a subsection that do not continue it
    filed under the section above it (see the module docstring)."""
    out = list(blocks)
    subs = [sec for sec in sections if sec.level == 2]
    final = subs[-1] if subs else None
    if final is not None and any(
        s.level == 1 and s.heading_index > final.heading_index and cn_to_int(s.number) for s in sections
    ):
        final = None  # a numbered section follows: the report's unnumbered themes are not here
    for sub in subs:
        moving = False
        lead = out[sub.heading_index].kind == "heading"  # the paragraph after a heading line opens the subsection
        for i in range(sub.heading_index + 1, len(out)):
            block = out[i]
            if block.kind != "body":
                continue
            if block.section != sub.path:
                break
            if lead:
                lead = False
                continue
            moving = moving or closes_subsection(block.text, sub.title, last=sub is final)
            if moving:
                out[i] = block._replace(section=sub.parent)
    return out
