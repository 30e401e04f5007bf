"""Report text -> ParsedDocument. PURE: no I/O, no database.

The steps, in order:
1. lines -> raw paragraphs, markdown markup stripped but remembered;
2. front matter (title, meeting line, speaker, date, photo caption and credit,
   salutation) is set apart from the body;
3. trailing advertisements and other markup-only blocks after the report are noise;
4. paragraphs cut by page breaks are joined again;
5. headings: `一、…` top level, `(一)…` second level, as heading lines or run in
   as the first sentence of a body paragraph;
6. each body paragraph gets an initiative title.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from zxkb.models import Block, Kind, ParsedDocument, ParsedSection
from zxkb.numbering import NUMERAL_CHARS, digits_to_int, make_path

# --- characters ------------------------------------------------------------

SENTENCE_END = "。！？!?…；;：:"
CLOSERS = "”’\"'」』）)】》〕"
CLAUSE_END = "，,；;：:。！？!?"
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))

_HAN = re.compile(r"[\u3400-\u9fff]")

SHORT_LEAD = 20  # a lead sentence this short is the paragraph's initiative title
TITLE_MAX = 30  # longer titles are cut with …
HEADING_MAX = 60  # a heading line is at most this long


def ends_sentence(text: str) -> bool:
    stripped = text.rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_END


def clean_line(line: str) -> str:
    return line.translate(_ZERO_WIDTH).strip()


# --- raw paragraphs ----------------------------------------------------------


@dataclass
class _Para:
    text: str
    md_level: int = 0  # markdown heading level (# count), 0 if none
    bold: bool = False  # the whole line was **bold**
    bullet: bool = False  # a `- ` / `* ` / `• ` list item


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
_BOLD = re.compile(r"^(\*\*|__)(.+)\1$")
_BULLET = re.compile(r"^[-*•·]\s+(.*)$")


def _raw_paragraphs(text: str) -> list[_Para]:
    paras: list[_Para] = []
    for line in text.splitlines():
        line = clean_line(line)
        if not line:
            continue
        para = _Para(line)
        m = _MD_HEADING.match(line)
        if m:
            para.md_level, line = len(m.group(1)), m.group(2)
        m = _BOLD.match(line)
        if m:
            para.bold, line = True, m.group(2).strip()
        elif para.md_level == 0:
            m = _BULLET.match(line)
            if m:
                para.bullet, line = True, m.group(1)
        para.text = line
        if line:
            paras.append(para)
    return paras


# --- metadata ----------------------------------------------------------------

_DATE = re.compile(
    r"([0-9〇零一二三四五六七八九]{4})\s*年\s*([0-9一二三四五六七八九十]{1,3})\s*月\s*([0-9一二三四五六七八九十]{1,3})\s*日"
)
_SALUTATION = re.compile(r"^(各位|同志们|代表们|委员们)[^。！？]{0,30}[:：]$")
_CREDIT = re.compile(r"(记者|摄影|通讯员|供图|图片)[^。]{0,20}\s*摄$|^[^。]{0,25}\s摄$")


def find_date(text: str) -> str | None:
    """The first `2020年1月6日` (or `二〇二〇年一月六日`) in text, as ISO."""
    m = _DATE.search(unicodedata.normalize("NFKC", text))
    if not m:
        return None
    try:
        year, month, day = (digits_to_int(g) for g in m.groups())
    except (KeyError, ValueError):
        return None
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _is_date_line(text: str) -> bool:
    m = _DATE.search(unicodedata.normalize("NFKC", text))
    return m is not None and len(text) <= len(m.group(0)) + 2


def _is_subtitle(text: str) -> bool:
    return text.startswith(("——", "－－", "--", "—"))


def _is_author(text: str) -> bool:
    """A speaker line: a name, or a title and a name (`国务院总理 李克强`)."""
    return 2 <= len(text) <= 20 and not any(ch in text for ch in CLAUSE_END + "“”《》")


def _front_matter(paras: list[_Para]) -> tuple[int, list[str | None], dict[str, str]]:
    """How many leading paragraphs are front matter, the role of each, and metadata."""
    limit = min(len(paras), 20)
    end = 0
    # The salutation closes the front matter when there is one.
    for i in range(limit):
        if _SALUTATION.match(paras[i].text):
            end = i + 1
            break
        if _heading_number(paras[i].text)[0] and i > 0:
            break
    if not end:
        # Without a salutation: the title, then whatever looks like metadata.
        end = 1 if paras else 0
        while end < limit:
            t = paras[end].text
            metadata_like = _is_subtitle(t) or _is_date_line(t) or _CREDIT.search(t)
            if not (metadata_like or (_is_author(t) and not _heading_number(t)[0])):
                break
            end += 1
    roles: list[str | None] = [None] * end
    meta: dict[str, str] = {}
    for i in range(end):
        p, t = paras[i], paras[i].text
        if i == 0 or (p.md_level == 1 and "title" not in meta):
            role = "title"
            meta.setdefault("title", t)
        elif _is_subtitle(t):
            role = "subtitle"
            meta.setdefault("subtitle", t.lstrip("—－- "))
        elif _is_date_line(t):
            role = "date"
        elif _CREDIT.search(t):
            role = "credit"
            if i > 0 and roles[i - 1] is None:
                roles[i - 1] = "caption"
        elif _SALUTATION.match(t):
            role = "salutation"
        elif _is_author(t) and "author" not in meta:
            role = "author"
            meta["author"] = t
        else:
            role = None
        roles[i] = role
    for i, role in enumerate(roles):
        if role == "author" and i + 1 < end and roles[i + 1] == "credit":
            roles[i] = "caption"  # a short caption right before a photo credit
            meta.pop("author", None)
    date = next((find_date(paras[i].text) for i in range(end) if roles[i] == "date"), None)
    date = date or find_date(meta.get("subtitle", ""))
    if date:
        meta["date"] = date
    return end, [r or "other" for r in roles], meta


# --- noise -------------------------------------------------------------------


_URL = re.compile(r"(https?://|www\.)\S+", re.I)


def _trailing_noise(paras: list[_Para], start: int) -> int:
    """Index where trailing noise begins. After the report's last paragraph,
    newspapers and sites append advertisements and link lists: bold lines, bullet
    lists, short lines and addresses. The tail made only of such lines is noise
    when it holds markup (a bold or bullet line); it starts at its first markup line."""
    i = len(paras)
    while i > start:
        p = paras[i - 1]
        short_line = len(p.text) <= 40 and not ends_sentence(p.text)
        if not (p.bold or p.bullet or short_line or _URL.search(p.text)):
            break
        i -= 1
    for j in range(i, len(paras)):
        if paras[j].bold or paras[j].bullet:
            return j
    return len(paras)


# --- headings ----------------------------------------------------------------

_TOP = re.compile(rf"^([{NUMERAL_CHARS}]+)、\s*(.*)$")
_SUB = re.compile(rf"^[(（]([{NUMERAL_CHARS}]+)[)）]\s*(.*)$")


def _heading_number(text: str) -> tuple[int, str, str]:
    """(level, number, rest) when the paragraph opens with a section number."""
    m = _TOP.match(text)
    if m:
        return 1, m.group(1), m.group(2)
    m = _SUB.match(text)
    if m:
        return 2, m.group(1), m.group(2)
    return 0, "", text


def _first_sentence(text: str) -> tuple[str, str]:
    """(sentence without its end mark, rest) split at the first 。！？."""
    m = re.search(r"[。！？!?]", text)
    if not m:
        return text, ""
    return text[: m.start()], text[m.end() :]


@dataclass(frozen=True)
class _Heading:
    level: int
    number: str
    title: str
    run_in: bool


def _classify_heading(p: _Para) -> _Heading | None:
    level, number, rest = _heading_number(p.text)
    if not level:
        return None
    rest = rest.strip()
    is_line = p.md_level > 0 or (len(p.text) <= HEADING_MAX and not re.search(r"[。！？!?]", p.text[:-1]))
    if is_line:
        return _Heading(level, number, rest.rstrip("。"), run_in=False)
    sentence, body = _first_sentence(rest)
    if level == 2 and body.strip() and len(sentence) <= HEADING_MAX:
        return _Heading(level, number, sentence, run_in=True)
    return None  # a numbered list item inside a section, not a heading


# --- initiative titles ---------------------------------------------------------


def initiative_title(text: str) -> str:
    """The lead sentence when short (`更好发挥专门协商机构作用。…`), else the first clause."""
    sentence, rest = _first_sentence(text)
    if len(sentence) <= SHORT_LEAD and rest:
        return sentence
    clause = ""
    for part in re.split(rf"(?<=[{CLAUSE_END}])", sentence):
        clause += part
        if len(_HAN.findall(clause)) >= 4:  # `2019年,` alone says nothing
            break
    clause = clause.rstrip(CLAUSE_END)
    return clause if len(clause) <= TITLE_MAX else clause[: TITLE_MAX - 1] + "…"


# --- the parser ----------------------------------------------------------------


def _join_page_breaks(paras: list[_Para]) -> tuple[list[_Para], int]:
    """Join a paragraph that does not end a sentence with the next one, unless that
    one is a heading or markup."""
    out: list[_Para] = []
    joined = 0
    for p in paras:
        prev = out[-1] if out else None
        if (
            prev is not None
            and not prev.md_level
            and not prev.bold
            and not prev.bullet
            and not p.md_level
            and not p.bold
            and not p.bullet
            and _classify_heading(prev) is None
            and _classify_heading(p) is None
            and not ends_sentence(prev.text)
        ):
            sep = " " if prev.text[-1].isascii() and p.text[0].isascii() else ""
            prev.text = prev.text + sep + p.text
            joined += 1
            continue
        out.append(_Para(p.text, p.md_level, p.bold, p.bullet))
    return out, joined


def parse_report(text: str) -> ParsedDocument:
    """Parse a report's text (any line endings) into a ParsedDocument."""
    paras = _raw_paragraphs(text)
    front_end, roles, meta = _front_matter(paras)
    noise_start = _trailing_noise(paras, front_end)
    body, joined = _join_page_breaks(paras[front_end:noise_start])

    blocks: list[Block] = [Block("front", p.text, role=r) for p, r in zip(paras[:front_end], roles, strict=True)]
    sections: list[ParsedSection] = []
    seen: set[str] = set()
    top: ParsedSection | None = None
    current: ParsedSection | None = None

    for p in body:
        h = _classify_heading(p)
        if h is not None:
            parent = top.path if (h.level == 2 and top) else None
            path = make_path(parent, h.number) if h.level == 2 else h.number
            base, n = path, 2
            while path in seen:  # numbering restarts (appendices): keep paths unique
                path, n = f"{base}~{n}", n + 1
            seen.add(path)
            number = f"({h.number})" if h.level == 2 else h.number
            sec = ParsedSection(path, number, h.title, h.level if parent or h.level == 1 else 1, parent, len(blocks))
            sections.append(sec)
            current = sec
            if h.level == 1:
                top = sec
            kind: Kind = "body" if h.run_in else "heading"
            blocks.append(Block(kind, p.text, section=sec.path, title=h.title))
            continue
        section = current.path if current else None
        blocks.append(Block("body", p.text, section=section, title=initiative_title(p.text)))

    blocks.extend(Block("noise", p.text) for p in paras[noise_start:])
    title = meta.get("title") or (blocks[0].text if blocks else "")
    return ParsedDocument(
        title=title,
        subtitle=meta.get("subtitle"),
        author=meta.get("author"),
        date=meta.get("date"),
        blocks=tuple(blocks),
        sections=tuple(sections),
        joined_breaks=joined,
    )
