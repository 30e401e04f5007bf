"""Text -> raw paragraphs (pure). Undoes what web pages and scrapers did to the
lines of a report, before anything is classified:

- HTML comments, literal `<U+00A0>` strings and zero-width characters go;
- markdown markup (`#` headings, `**bold**`, `- ` bullets) is stripped but remembered;
- in files whose paragraphs are separated by blank lines, the lines of one block
  are one paragraph (Wikisource breaks lines wherever the wiki had a link:
  `政府工作报\\n告`, `“\\n十三五\\n”`), unless a line is indented as a new paragraph;
- an orphan section number (`一、` alone on a line) joins the text that follows;
- a whole report on one line is split at paragraph marks and headings.

Paged text (a PDF's, made by zxkb.parse.pages) is read as it is written:
paragraphs separated by blank lines, a PAGE_BREAK line between pages (each
paragraph knows the page it starts on), chrome lines opening with CHROME_MARK.
In other text these characters mean nothing (they are whitespace).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zxkb.numbering import NUMERAL_CHARS

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_LITERAL_CODEPOINT = re.compile(r"<U\+([0-9A-F]{4,6})>", re.I)  # `<U+00A0>` left by a converter
_INDENT = re.compile(r"^(\u3000{2,}|[ \t\u00a0]{2,}|\t)")
_MD_HEADING = re.compile(r"#{1,6}\s")  # then the title, then optional closing #s (stripped, not matched)
_BOLD = re.compile(r"^(\*\*|__)(.+)\1$")
_BULLET = re.compile(r"^[-*•·]\s+(.*)$")
_MARKUP_LINE = re.compile(r"^([-*•·]\s|#{1,6}\s|\*\*)")  # a markdown list item or heading is a line of its own
_SALUTATION = re.compile(r"(?<=[^\s。！？!?])(?=各位代表[：:！!])")  # glued to the line before it
_ORPHAN_NUMBER = re.compile(rf"^([{NUMERAL_CHARS}]+、|[(（][{NUMERAL_CHARS}]+[)）]|第[{NUMERAL_CHARS}]+[章部分节])$")

PAGE_BREAK = "\f"  # a line of its own in paged text: the next page starts
CHROME_MARK = "\x1c"  # opens a line of paged text that is page chrome (running header, page number)

LONG_LINE = 2000  # a line this long holds many paragraphs
BLANK_MODE_RATIO = 0.2  # blocks per non-empty line above which blank lines separate paragraphs
BLANK_MODE_BLOCKS = 3


@dataclass
class RawPara:
    text: str
    md_level: int = 0  # markdown heading level (# count), 0 if none
    bold: bool = False  # the whole line was **bold**
    bullet: bool = False  # a `- ` / `* ` / `• ` list item
    page: int | None = None  # paged text: the page the paragraph starts on
    chrome: bool = False  # paged text: a running header, footer or page number

    @property
    def markup(self) -> bool:
        return bool(self.md_level or self.bold or self.bullet)


def _drop_comments(text: str) -> str:
    """HTML comments (`<!--…-->`) become line breaks. str.find, not a regex: a
    lazy `<!--.*?-->` rescans the rest of the text from every unclosed `<!--`."""
    start = text.find("<!--")
    if start < 0:
        return text
    out: list[str] = []
    pos = 0
    while start >= 0:
        end = text.find("-->", start + 4)
        if end < 0:  # unclosed: it and everything after it stay text
            break
        out += (text[pos:start], "\n")
        pos = end + 3
        start = text.find("<!--", pos)
    out.append(text[pos:])
    return "".join(out)


def _strip_markup(line: str) -> RawPara:
    para = RawPara(line)
    m = _MD_HEADING.match(line)
    if m:
        # `## title ##`: the closing #s and the spaces before them go; stripped, not
        # matched with `(.*?)\s*#*$`, which backtracks through a long run of #s
        para.md_level, line = m.end() - 1, line[m.end() :].rstrip("#").strip()
    m = _BOLD.match(line)
    if m:
        para.bold, line = True, m.group(2).strip()
    elif para.md_level == 0:
        m = _BULLET.match(line)
        if m:
            para.bullet, line = True, m.group(1)
    para.text = line.strip()
    return para


def _blocks(text: str) -> list[list[str]]:
    """Blank-line separated blocks of raw lines (a line of only zero-width
    characters is no line at all, and no blank either)."""
    blocks: list[list[str]] = [[]]
    for line in text.split("\n"):
        if not line.strip():
            if not _ZERO_WIDTH.search(line) and blocks[-1]:
                blocks.append([])
            continue
        blocks[-1].append(line)
    return [b for b in blocks if b]


def _drop_zero_width(text: str) -> str:
    # a regex, not str.translate: translate looks every character up in a dict
    # (0.26 s per 10 MB of reports), the regex scans in C and rarely matches
    return _ZERO_WIDTH.sub("", text) if _ZERO_WIDTH.search(text) else text


def _codepoint(m: re.Match[str]) -> str:
    ch = chr(int(m.group(1), 16))
    return " " if ch.isspace() else ch


def _split_long(text: str) -> list[str]:
    """A report glued into one line: split at indentation marks, before
    salutations and headings that follow a sentence end."""
    parts = re.split(r"\u3000{2,}|\s{4,}", text)
    out: list[str] = []
    boundary = re.compile(
        rf"(?<=[。！？!?：:])(?=[{NUMERAL_CHARS}]{{1,3}}、|[（(][{NUMERAL_CHARS}]{{1,3}}[）)]|——)"
        r"|(?=各位代表[：:！!])|(?<=各位代表[：:！!])"  # the salutation is a paragraph of its own
        r"|(?<=摄)\s+|(?<=日电)"  # after a photo credit, after a news agency's dateline
    )
    for part in parts:
        for piece in boundary.split(part):
            if piece.strip():
                out.extend(_unglue_heading(piece.strip()))
    return out


_GLUED_TOP = re.compile(rf"^([{NUMERAL_CHARS}]{{1,3}}、)\s*(\S.*)$")
# Words a report's section title ends with, and how the first sentence after it opens
_HEADING_END = re.compile(
    r"(回顾|部署|工作|任务|要求|取向|目标|建设|改革|政策|举措|成就|情况|问题|经验|形势|方针|总结|展望|思路|安排)"
)
_SENTENCE_OPENING = re.compile(
    r"^(\d{4}年|过去|今年|去年|明年|一年来|五年来|几年来|当前|目前|我们|在|今后|未来|新的一年)"
)


def _unglue_heading(text: str) -> list[str]:
    """A top-level heading run into its first sentence in a one-line report
    (`一、2013年工作回顾过去一年是…`, `三、2014年重点工作 做好今年…`): the heading ends
    at a space, or at the last word a section title ends with (回顾, 部署, 工作…)
    that is followed by the opening of a sentence (a year, 过去, 今年, 我们…)."""
    m = _GLUED_TOP.match(text)
    if not m:
        return [text]
    number, rest = m.groups()
    spaced = re.match(r"^([^\s。，,；;：:！？!?]{2,30})\s+(\S.*)$", rest)
    if spaced:
        return [number + spaced.group(1), spaced.group(2)]
    clause = re.split(r"[，,。；;：:！？!?]", rest, maxsplit=1)[0]
    for end in sorted((h.end() for h in _HEADING_END.finditer(clause[:30])), reverse=True):
        if end >= 4 and _SENTENCE_OPENING.match(rest[end:]):
            return [number + rest[:end], rest[end:]]
    return [text]


def _pieces(text: str) -> list[str]:
    blocks = _blocks(text)
    lines = sum(len(b) for b in blocks)
    blank_mode = len(blocks) >= BLANK_MODE_BLOCKS and len(blocks) / lines >= BLANK_MODE_RATIO
    pieces: list[str] = []
    for block in blocks:
        if not blank_mode:
            pieces.extend(block)
            continue
        # One block, one paragraph; a line indented as a paragraph, or a markdown
        # list item or heading, starts another.
        # (The lines are gathered and joined once: `+=` would copy the paragraph at every line.)
        current: list[str] = []  # the lines' texts, and a space before an indented one
        for i, line in enumerate(block):
            if i and (_INDENT.match(line) or _MARKUP_LINE.match(line)) and current:
                pieces.append("".join(current))
                current = []
            if current and line[:1].isspace():
                current.append(" ")
            text = _drop_zero_width(line).strip()
            if text:
                current.append(text)
        pieces.append("".join(current))
    return pieces


def _paged_pieces(text: str) -> list[tuple[str, int, bool]]:
    """(paragraph, page, chrome) of paged text."""
    pieces: list[tuple[str, int, bool]] = []
    page = 1
    current: list[str] = []

    def flush() -> None:
        if current:
            pieces.append(("".join(part.strip() for part in current), page, False))
            current.clear()

    for line in text.split("\n"):
        if line == PAGE_BREAK:
            flush()
            page += 1
        elif line.startswith(CHROME_MARK):
            flush()
            pieces.append((line[len(CHROME_MARK) :].strip(), page, True))
        elif not line.strip():
            flush()
        else:
            current.append(line)
    flush()
    return pieces


def raw_paragraphs(text: str, paged: bool = False) -> list[RawPara]:
    text = _LITERAL_CODEPOINT.sub(_codepoint, _drop_comments(text))
    pieces: list[tuple[str, int | None, bool]] = []
    pieces.extend(_paged_pieces(text) if paged else ((piece, None, False) for piece in _pieces(text)))
    paras: list[RawPara] = []
    for piece, page, chrome in pieces:
        piece = _drop_zero_width(piece).strip()
        if not piece:
            continue
        if chrome:
            paras.append(RawPara(piece, page=page, chrome=True))
            continue
        for part in _split_long(piece) if len(piece) > LONG_LINE else _SALUTATION.split(piece):
            para = _strip_markup(part.strip())
            para.page = page
            if not para.text:
                continue
            if paras and _ORPHAN_NUMBER.match(paras[-1].text) and not para.markup and not paras[-1].chrome:
                paras[-1].text += para.text
                continue
            paras.append(para)
    return paras
