"""Report text -> ParsedDocument. PURE: no I/O, no database.

The steps, in order (each in a module of its own):
1. zxkb.lines: text -> raw paragraphs (markup stripped, wiki line breaks and
   glued one-line reports undone);
2. zxkb.chrome: page chrome, captions and repeated copies are set aside;
3. zxkb.frontmatter: title, meeting line, speaker, date, caption, salutation;
4. trailing advertisements (markup-only blocks after the report) are noise;
5. paragraphs cut by page breaks are joined again;
6. zxkb.headings: sections and subsections;
7. each body paragraph gets an initiative title;
8. zxkb.parse.ends: what follows a section's last subsection without continuing
   it (the closing parts, unnumbered themes) is filed under the section.
Nothing is dropped: set-aside paragraphs keep a kind that says why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from zxkb.models import Block, Kind, ParsedDocument, ParsedSection
from zxkb.numbering import make_path
from zxkb.parse import chrome, ends, frontmatter
from zxkb.parse.headings import Heading, find_headings, heading_number, is_part
from zxkb.parse.lines import RawPara, raw_paragraphs

SENTENCE_END = "。！？!?…；;：:"
CLOSERS = "”’\"'」』）)】》〕"
OPENERS = "“‘「『（(【《〔"
CLAUSE_END = "，,；;：:。！？!?"
_HAN = re.compile(r"[\u3400-\u9fff]")
_ADDRESS = re.compile(r"^(各位代表|各位委员|同志们|代表们|委员们)[、，,！!：:]?(同志们|朋友们)?[，,！!：:]?")
_URL = re.compile(r"(https?://|www\.)\S+", re.I)
_CREDIT = re.compile(r"[^。]{0,30}(记者|摄影|通讯员|供图)[^。]{0,20}摄?\s*$")

SHORT_LEAD = 20  # a lead sentence this short is the paragraph's initiative title
TITLE_MAX = 30  # longer titles are cut with …
SHORT_LINE = 30  # a line this short that does not end a sentence may be a heading
# A paragraph cut by page breaks is joined from at most this many pieces (real
# reports: two or three; the corpus's most in one document is 45 breaks). A
# longer chain is lines, not page breaks; and each join copies the paragraph.
MAX_PIECES = 64


def ends_sentence(text: str) -> bool:
    stripped = text.rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_END


def _unclosed(text: str) -> bool:
    """An opening bracket or quote without its closing one: the sentence goes on."""
    depth = 0
    for ch in text:
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS and depth:
            depth -= 1
    return depth > 0


def initiative_title(text: str) -> str:
    """The lead sentence when short (`更好发挥专门协商机构作用。…`), else the first
    clause; an address to the audience (`各位代表！`) is not a title."""
    text = _ADDRESS.sub("", text) or text
    m = re.search(r"[。！？!?]", text)
    sentence, rest = (text[: m.start()], text[m.end() :]) if m else (text, "")
    if len(sentence) <= SHORT_LEAD and rest:
        return sentence
    parts: list[str] = []
    han = 0  # Chinese characters in the parts so far (counted part by part, not again and again)
    for part in re.split(rf"(?<=[{CLAUSE_END}])", sentence):
        parts.append(part)
        han += len(_HAN.findall(part))
        if han >= 4:  # `2019年,` alone says nothing
            break
    clause = "".join(parts).rstrip(CLAUSE_END)
    return clause if len(clause) <= TITLE_MAX else clause[: TITLE_MAX - 1] + "…"


def _trailing_noise(paras: list[RawPara], start: int) -> int:
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


def _end_marker(paras: list[RawPara], start: int) -> int | None:
    """The first `相关报道` / `打印本页` / `（责任编辑…` after some report text."""
    long_seen = 0
    for i in range(start, len(paras)):
        text = paras[i].text
        if chrome.is_end_marker(text) and long_seen >= 2:
            return i
        long_seen += len(text) >= 100
    return None


def _continues(prev: RawPara, nxt: RawPara) -> bool:
    """Was one paragraph cut in two here (a newspaper's page break)?"""
    if prev.markup or nxt.markup or ends_sentence(prev.text):
        return False
    if heading_number(nxt.text)[0] or heading_number(prev.text)[0] or is_part(nxt.text) or is_part(prev.text):
        return False
    short_title_like = len(prev.text) <= SHORT_LINE and not _unclosed(prev.text)
    return not short_title_like


def _kinds(paras: list[RawPara], fm: frontmatter.FrontMatter, is_chrome: list[bool]) -> list[Kind]:
    """The kind of each paragraph; a photo caption or credit inside the text is
    front matter (its role: zxkb.parse.chrome.is_caption, is_photo_credit), as
    the caption under the title is."""
    noise_start = _trailing_noise(paras, fm.end)
    end = _end_marker(paras, fm.end)
    dup = chrome.duplicate_flags(
        [p.text for p in paras], end, headings=[bool(p.md_level or heading_number(p.text)[0]) for p in paras]
    )
    kinds: list[Kind] = []
    for i, p in enumerate(paras):
        kind: Kind
        if p.chrome:  # paged text: a running header, footer or page number
            kind = "chrome"
        elif i < fm.end:
            kind = "chrome" if is_chrome[i] else "front"
        elif i >= noise_start:
            kind = "noise"
        elif dup[i]:
            kind = "duplicate"
        elif is_chrome[i] or (end is not None and i >= end):
            kind = "chrome"
        elif chrome.is_photo_credit(p.text) or chrome.is_caption(p.text):
            kind = "front"
            fm.roles[i] = "caption" if len(_HAN.findall(_CREDIT.sub("", p.text))) >= 8 else "credit"
        else:
            kind = "body"
        kinds.append(kind)
    return kinds


def parse_report(text: str, meta: Mapping[str, str] | None = None, pages: int | None = None) -> ParsedDocument:
    """Parse a report's text (`\\n` line endings) into a ParsedDocument. `meta` is
    what the file itself says (title, year, date, region), used where the text is silent.
    `pages`: the text is paged (a PDF's, see zxkb.parse.pages) and has that many pages."""
    meta = meta or {}
    paras = raw_paragraphs(text, paged=pages is not None)
    texts = [p.text for p in paras]
    is_chrome = [(flag or p.chrome) and not p.markup for flag, p in zip(chrome.chrome_flags(texts), paras, strict=True)]
    fm = frontmatter.front_matter(texts, is_chrome, [p.md_level for p in paras])
    kinds = _kinds(paras, fm, is_chrome)

    # Join page breaks among body paragraphs; set-aside paragraphs keep their place.
    entries: list[tuple[Kind, RawPara, str | None]] = []
    joined = 0
    last_body: RawPara | None = None
    pieces = 0  # how many pieces last_body is joined from
    for i, (p, kind) in enumerate(zip(paras, kinds, strict=True)):
        if kind == "body":
            if last_body is not None and pieces < MAX_PIECES and _continues(last_body, p):
                sep = " " if last_body.text[-1].isascii() and p.text[0].isascii() else ""
                last_body.text += sep + p.text
                joined += 1
                pieces += 1
                continue
            p = replace(p)
            last_body, pieces = p, 1
        elif kind not in ("chrome", "duplicate") and not (kind == "front" and i >= fm.end):
            last_body = None  # chrome, repeats and captions inside the text do not end a paragraph cut by a page
        entries.append((kind, p, fm.roles.get(i) if kind == "front" else None))

    body_idx = [i for i, (kind, _, _) in enumerate(entries) if kind == "body"]
    headings = find_headings([entries[i][1].text for i in body_idx], [entries[i][1].md_level for i in body_idx])
    heading_at = dict(zip(body_idx, headings, strict=True))

    blocks: list[Block] = []
    sections: list[ParsedSection] = []
    seen: set[str] = set()
    top: ParsedSection | None = None
    current: ParsedSection | None = None
    for i, (kind, p, role) in enumerate(entries):
        h = heading_at.get(i)
        if h is not None:
            sec = _section(h, top, seen, len(blocks))
            sections.append(sec)
            current = sec
            if h.level == 1:  # a subsection without a section above it does not become one for its siblings
                top = sec
            line_kind: Kind = "body" if h.run_in else "heading"
            blocks.append(Block(line_kind, p.text, section=sec.path, title=h.title, page=p.page))
        elif kind == "body":
            section = current.path if current else None
            blocks.append(Block("body", p.text, section=section, title=initiative_title(p.text), page=p.page))
        else:
            blocks.append(Block(kind, p.text, role=role, page=p.page))

    blocks = ends.refile_tails(blocks, sections)
    title = meta.get("title") or fm.title or meta.get("name") or next((b.text for b in blocks if b.kind == "body"), "")
    date = fm.date
    return ParsedDocument(
        title=title,
        subtitle=fm.subtitle,
        author=fm.author,
        date=date,
        year=frontmatter.year_of(date, meta, title),
        region=frontmatter.region_of(meta, title + (fm.title or ""), fm.subtitle),
        blocks=tuple(blocks),
        sections=tuple(sections),
        joined_breaks=joined,
        pages=pages,
    )


def _section(h: Heading, top: ParsedSection | None, seen: set[str], index: int) -> ParsedSection:
    parent = top.path if (h.level == 2 and top) else None
    number = f"({h.number})" if h.level == 2 else h.number
    base = make_path(parent, h.number) if parent else (number if h.level == 2 else h.number)
    path, n = base, 2
    while path in seen:  # numbering restarts (appendices): keep paths unique
        path, n = f"{base}~{n}", n + 1
    seen.add(path)
    return ParsedSection(path, number, h.title, 2 if parent else 1, parent, index)


def body_chars(doc: ParsedDocument) -> int:
    return sum(len(b.text) for b in doc.blocks if b.kind == "body")
