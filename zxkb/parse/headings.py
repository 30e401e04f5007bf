"""Section headings (pure).

- Top level `一、…` as a heading line; the numbers must run in order (一, 二, 三…),
  so `一、…` list items inside a section (1955) are not sections.
- Second level `(一)…`/`（一）…` as a heading line or run in as the first sentence
  of a body paragraph; numbered in order within their section.
- Parts: an appendix (`附件1`), a glossary or notes (`名词解释`, `注释`, `附注`, `注`)
  or a closing part (`结束语`) is a top-level part of its own wherever it
  stands; numbered lines inside it are its text, not sections.
- Top-level headings that lost their numbers (甘肃) are found where the evidence is
  clear: a document with numbered subsections and no numbered top level, whose
  short title-like lines stand between sentences.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from zxkb.numbering import NUMERAL_CHARS, cn_to_int, int_to_cn

HEADING_MAX = 60  # a heading line is at most this long
UNNUMBERED_MAX = 30

_TOP = re.compile(rf"^([{NUMERAL_CHARS}]+)、\s*(.*)$")
_BARE = re.compile(rf"^([{NUMERAL_CHARS}]{{1,3}})$")  # a section number alone, its section untitled (1960)
_SUB = re.compile(rf"^[(（]([{NUMERAL_CHARS}]+)[)）]\s*(.*)$")
_PART = re.compile(
    r"^(附件\s*[0-9一二三四五六七八九十]*|附录\s*[0-9一二三四五六七八九十]*|附表\s*\d*|名词解释|名词注释"
    r"|[\u4e00-\u9fff]{0,6}注释|注解|附注|注|结束语|结语)\s*[:：]?$"
)
_SENTENCE_MARK = re.compile(r"[。！？!?]")
_TITLE_LIKE = re.compile(r"^[^，,。！？!?；;：:—]+$")


@dataclass(frozen=True)
class Heading:
    level: int  # 1 top level or part, 2 subsection
    number: str  # `二`, `(一)`, `附件1`
    title: str
    run_in: bool = False  # the heading is the first sentence of a body paragraph
    inferred: bool = False  # the number was not written (unnumbered heading)


def heading_number(text: str) -> tuple[int, str, str]:
    """(level, numeral, rest) when the paragraph opens with a section number."""
    m = _TOP.match(text)
    if m:
        return 1, m.group(1), m.group(2)
    m = _SUB.match(text)
    if m:
        return 2, m.group(1), m.group(2)
    return 0, "", text


def is_part(text: str) -> bool:
    """`附件1`, `名词解释`, `注释`: the start of an appendix or glossary."""
    return len(text) <= 12 and _PART.match(text) is not None


def _first_sentence(text: str) -> tuple[str, str]:
    m = _SENTENCE_MARK.search(text)
    if not m:
        return text, ""
    return text[: m.start()], text[m.end() :]


def _is_line(text: str, md_level: int) -> bool:
    return md_level > 0 or (len(text) <= HEADING_MAX and not _SENTENCE_MARK.search(text[:-1]))


def _unnumbered(texts: Sequence[str], md_levels: Sequence[int]) -> set[int]:
    """Indexes of top-level headings without numbers, where the evidence is clear."""
    subs = sum(1 for t in texts if heading_number(t)[0] == 2)
    tops = sum(1 for t, md in zip(texts, md_levels, strict=True) if heading_number(t)[0] == 1 and _is_line(t, md))
    if tops or subs < 2:
        return set()
    found = set()
    for i, text in enumerate(texts):
        if heading_number(text)[0] or _PART.match(text) or len(text) > UNNUMBERED_MAX or len(text) < 4:
            continue
        prev_ok = i == 0 or _SENTENCE_MARK.search(texts[i - 1][-2:]) or texts[i - 1].endswith(("：", ":"))
        nxt = texts[i + 1] if i + 1 < len(texts) else ""
        if _TITLE_LIKE.match(text) and prev_ok and len(nxt) > len(text):
            found.add(i)
    return found if len(found) >= 2 else set()


def find_headings(texts: Sequence[str], md_levels: Sequence[int]) -> list[Heading | None]:
    """For each body paragraph, the heading it is (or opens), else None."""
    out: list[Heading | None] = []
    unnumbered = _unnumbered(texts, md_levels)
    top = sub = 0
    in_part = False
    for i, (text, md) in enumerate(zip(texts, md_levels, strict=True)):
        heading: Heading | None = None
        if is_part(text):
            in_part, sub = True, 0
            heading = Heading(1, re.sub(r"[\s:：]", "", text), re.sub(r"[\s:：]", "", text))
        elif in_part:
            heading = None
        elif i in unnumbered:
            top, sub = top + 1, 0
            heading = Heading(1, int_to_cn(top), text, inferred=True)
        else:
            level, number, rest = heading_number(text)
            n = cn_to_int(number) if level else None
            rest = rest.strip()
            if level == 1 and n == top + 1 and rest and _is_line(text, md):
                top, sub = n, 0
                heading = Heading(1, number, rest.rstrip("。"))
            elif _BARE.match(text) and cn_to_int(text) == top + 1:
                top, sub = top + 1, 0
                heading = Heading(1, text, "")
            elif level == 2 and n == sub + 1 and rest:
                if _is_line(text, md):
                    sub = n
                    heading = Heading(2, number, rest.rstrip("。"))
                else:
                    sentence, body = _first_sentence(rest)
                    if body.strip() and len(sentence) <= HEADING_MAX:
                        sub = n
                        heading = Heading(2, number, sentence, run_in=True)
        out.append(heading)
    return out
