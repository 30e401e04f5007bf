"""What a report is (pure): its type, level, region, year, date, meeting, speaker
and the speaker's role, decided from the text, the file's own fields and the
source's metadata, each with the evidence it came from.

Rules, in the order they are tried:
- type: a title that is a resolution (`…关于政府工作报告的决议`) is npc_resolution;
  a CPC congress (the source's field, `中国共产党第十九次全国代表大会`, `(十二大)`)
  party_congress; a CPPCC body's report (`政协…`, `中国人民政治协商会议…`) cppcc;
  `政府工作报告` in a title line, or a report made at a people's congress on
  behalf of the State Council or a people's government (`我代表国务院…`),
  government; else other;
- region: the file's field, else the meeting line, else the title: a city or
  county named before its congress or committee (`在政协株洲市第九届委员会…`), a
  province, or the national bodies (`全国人民代表大会`, `国务院`); level follows from
  the name (zxkb.parse.regions);
- year: the date of delivery, the file's field, the people's congress session
  (`第十四届全国人民代表大会第三次会议`: 2025), the party congress (`十二大`: 1982),
  a year in the title;
- speaker: the byline (`国务院总理　温家宝`, `省长 王予波`, `上海市市长 龚 正`, any
  spacing, a `?` a scraper left for a no-break space, or none), the speaker after
  the meeting line, a photo caption that says who made the report
  (`省长毛伟明作政府工作报告`), a title such as `温家宝所作政府工作报告`. A name the
  report's text merely mentions is never taken: only those lines are read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

from zxkb.models import REPORT_TYPES, Identity
from zxkb.numbering import cn_to_int
from zxkb.parse.frontmatter import find_date
from zxkb.parse.regions import NATIONAL, PROVINCES, find_province, level_of, normalise_region

TYPES = REPORT_TYPES

# First year of each National People's Congress; its n-th session sat in year
# first + n - 1, except where the table below says otherwise.
NPC_TERMS = {1: 1954, 2: 1959, 3: 1964, 4: 1975, 5: 1978, 6: 1983, 7: 1988, 8: 1993, 9: 1998, 10: 2003,
             11: 2008, 12: 2013, 13: 2018, 14: 2023, 15: 2028}  # fmt: skip
NPC_SESSIONS = {(2, 3): 1962, (2, 4): 1963}
CPC_CONGRESSES = {1: 1921, 2: 1922, 3: 1923, 4: 1925, 5: 1927, 6: 1928, 7: 1945, 8: 1956, 9: 1969, 10: 1973,
                  11: 1977, 12: 1982, 13: 1987, 14: 1992, 15: 1997, 16: 2002, 17: 2007, 18: 2012, 19: 2017,
                  20: 2022, 21: 2027}  # fmt: skip

_CN = "一二三四五六七八九十"
_RESOLUTION = re.compile(r"决议$|关于.{0,40}的决议")
_CONGRESS = re.compile(
    rf"中国共产党[^，。]{{0,12}}?第([{_CN}]+)次(?:全国)?代表大会|[(（]([{_CN}]{{1,3}})大[)）]|党代会|党的代表大会"
)
_CPPCC = re.compile(r"政协|政治协商会议")
_GOV_OPENING = re.compile(r"(代表|受|根据)[^。]{0,8}(国务院|人民政府)|国务院[^。]{0,4}(委托|决定)")
_PLAN = re.compile(r"(国民经济|计划|预算|决算)[^。]{0,30}报告")
_NPC_SESSION = re.compile(rf"第([{_CN}]+)届全国人民代表大会第([{_CN}]+)次会议")
_ADOPTED = re.compile(r"[（(]\s*([0-9０-９〇一二三四五六七八九]{4}\s*年[^）)]{2,12}?日)\s*([^）)]{0,40}?)通过\s*[）)]")
_TITLE_YEAR = re.compile(r"(1[89]\d\d|20\d\d)\s*年")
_MEETING_END = re.compile(r"(会议上|大会上|全会上|开幕式上)")
_NATIONAL = re.compile(
    r"国务院|全国人民代表大会|全国人大|中华人民共和国|全国委员会|全国代表大会"
    r"|(?<![省市县区州])[一二三四五六七八九十]+届(全国)?人大"
)
_LOCAL = (
    re.compile(
        r"(?:政协|中国人民政治协商会议|在)([\u4e00-\u9fff]{2,12}?[市县区州盟旗])(?:第[一二三四五六七八九十]+届|委员会)"
    ),
    re.compile(
        r"^(?:[0-9]{4}年)?(?:中国人民政治协商会议|政协)?([\u4e00-\u9fff]{2,12}?[市县区州盟旗])(?:人民政府|政府工作报告|委员会)"
    ),
)

_NAME = r"(?:[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff·]{1,12}|[\u4e00-\u9fff]{2,4})"
_NAME_LAZY = r"(?:[\u4e00-\u9fff]{1,6}?·[\u4e00-\u9fff·]{1,12}?|[\u4e00-\u9fff]{2,4}?)"
_ROLE_WORD = r"(?:代|副)?(?:总理|省长|市长|主席|州长|县长|区长|盟长|旗长)"
_BYLINE = re.compile(rf"^(?P<role>[\u4e00-\u9fff]{{0,14}}?{_ROLE_WORD})?(?P<name>{_NAME})$")
_CAPTION = re.compile(
    rf"(?P<role>(?:国务院|[\u4e00-\u9fff]{{0,10}}?){_ROLE_WORD})?(?P<name>{_NAME_LAZY})(?:同志)?"
    r"(?:[，,]?(?:代表[^。，]{0,14}?|在[^。]{0,40}?上)){0,2}[，,]?(?:向大会)?作[《“]?"
    r"(?:政府|政协常委会|政协常务委员会|常委会|常务委员会)?工作报告"
)
_TITLE_SPEAKER = re.compile(
    rf"^(?P<name>{_NAME_LAZY})(?:同志)?(?:在[^。]{{2,40}}?上(?:所作|作)?的?|所作的?)[^。]{{0,12}}报告"
)
_NOT_NAME = re.compile(
    r"政府|委员|会议|大会|报告|代表|人民|记者|国务院|中央|工作|要闻|新闻|讲话|全文|摘要|目录|开幕|通讯|日报|本报"
)
_SEPARATORS = re.compile(r"[\s\u3000\u00a0?？]+")


def _clean(text: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))


def _is_name(name: str) -> bool:
    return bool(name) and not _NOT_NAME.search(name) and not name.startswith(("在", "关于", "中国", "第"))


def parse_byline(text: str) -> tuple[str, str | None] | None:
    """(name, role as written) of a byline such as `国务院总理　温家宝`,
    `自治区人民政府主席 包钢`, `国务院总理?李克强` or a bare `蔡溪`; None otherwise."""
    m = _BYLINE.match(_clean(text))
    if not m or not _is_name(m.group("name")):
        return None
    return m.group("name"), m.group("role")


def normalise_role(role: str | None) -> str | None:
    """The speaker's office as the issue names it: `国务院总理` for any premier
    (`总理`, `国务院总理`), `国务院代总理`; otherwise the office word alone
    (`四川省人民政府省长` -> `省长`, `自治区人民政府主席` -> `主席`)."""
    if not role:
        return None
    m = re.search(rf"{_ROLE_WORD}$", role)
    word = m.group(0) if m else role
    return "国务院" + word if word.endswith("总理") else word


def report_key(type_: str, region: str | None, year: int | None) -> str | None:
    """`government/全国/2016`: the same whichever file the report came from;
    None while the region or the year is unknown."""
    return f"{type_}/{region}/{year}" if region and year else None


def identify(
    title: str,
    subtitle: str | None,
    author: str | None,
    date: str | None,
    blocks: Sequence[tuple[str, str | None, str]],
    meta: Mapping[str, str],
) -> Identity:
    """The identity of a parsed report. `blocks` are its paragraphs as (kind,
    role, text); `meta` what the file says (title, year, region, type, congress)."""
    evidence: dict[str, str] = {}
    front = [(role, text) for kind, role, text in blocks if kind == "front"]
    body = [text for kind, _, text in blocks if kind == "body"][:5]
    titles = list(dict.fromkeys([title, *(t for r, t in front if r == "title")]))
    lines = [*titles, *(t for r, t in front if r == "other")]

    if not subtitle:  # a meeting line the front matter did not reach (run in, or after the text's start)
        for _, _, text in blocks[:15]:
            end = _MEETING_END.search(text[:90])
            if text.startswith(("——", "－－")) and end:
                subtitle = text[: end.end()]
                break
    type_ = _type(titles, subtitle, lines, body, meta, evidence)
    meeting = _meeting(subtitle, titles, body, evidence)
    if date:
        evidence["date"] = "meeting line or date line"
    else:
        date = _adopted_date(body, evidence)
    if not date and meeting and find_date(meeting):
        date, evidence["date"] = find_date(meeting), f"meeting line: {meeting}"
    region = _region(type_, titles, subtitle, meta, evidence)
    year = _year(type_, date, titles, subtitle, body, meta, evidence)
    speaker = role = byline = None
    if type_ != "npc_resolution":
        speaker, role, byline = _speaker(author, titles, front, evidence)
    if region is None and role and role.endswith("总理"):
        region, evidence["region"] = NATIONAL, f"speaker's office: {role}"
    return Identity(
        type=type_,
        level=level_of(region),
        region=region,
        year=year,
        date=date,
        meeting=meeting,
        speaker=speaker,
        speaker_role=normalise_role(role),
        byline=byline,
        evidence=tuple(evidence.items()),
    )


def _type(
    titles: list[str],
    meeting: str | None,
    lines: list[str],
    body: list[str],
    meta: Mapping[str, str],
    evidence: dict[str, str],
) -> str:
    for t in titles:
        if _RESOLUTION.search(t) and not _CPPCC.search(t):
            evidence["type"] = f"title: {t}"
            return "npc_resolution"
    if "congress" in meta.get("type", "").lower() or meta.get("congress"):
        evidence["type"] = f"field: {meta.get('type') or 'congress ' + meta['congress']}"
        return "party_congress"
    for t in [*titles, meeting or ""]:
        if _CONGRESS.search(t):
            evidence["type"] = f"title or meeting line: {t}"
            return "party_congress"
    for t in titles:
        if _CPPCC.search(t) and "报告" in t:
            evidence["type"] = f"title: {t}"
            return "cppcc"
    if meeting and _CPPCC.search(meeting) and "委员会" in meeting:
        evidence["type"] = f"meeting line: {meeting}"
        return "cppcc"
    for t in lines:
        if "政府工作报告" in t:
            evidence["type"] = f"title: {t}"
            return "government"
    if meeting and "人民代表大会" in meeting:
        opening = next((b for b in body[:3] if _GOV_OPENING.search(b[:120])), None)
        plan = next((t for t in titles if _PLAN.search(t)), None)
        if opening or plan:
            evidence["type"] = f"made at a people's congress on the government's behalf: {(opening or plan or '')[:60]}"
            return "government"
    evidence["type"] = "no title or meeting line names the kind of report"
    return "other"


def _adopted_date(body: list[str], evidence: dict[str, str]) -> str | None:
    """The date in an adoption line: `（2020年5月28日第十三届全国人民代表大会第三次会议通过）`."""
    for text in body[:2]:
        m = _ADOPTED.search(text[:80])
        if m and find_date(m.group(1)):
            evidence["date"] = f"adoption line: {m.group(0)}"
            return find_date(m.group(1))
    return None


def _local(text: str) -> str | None:
    for pattern in _LOCAL:
        m = pattern.search(text)
        if m:
            name = re.sub(r"^(政协|中国人民政治协商会议)", "", m.group(1))
            for province in PROVINCES:
                if name.startswith(province) and len(name) > len(province) + 1:
                    name = name[len(province) :]
            return name
    return None


def _region(
    type_: str, titles: list[str], meeting: str | None, meta: Mapping[str, str], evidence: dict[str, str]
) -> str | None:
    if meta.get("region"):
        evidence["region"] = f"field: {meta['region']}"
        return normalise_region(meta["region"])
    joined = " ".join([*titles, meeting or ""])
    national_congress = re.search(r"全国代表大会|[(（][一二三四五六七八九十]{1,3}大[)）]", joined)
    if type_ == "party_congress" and (meta.get("congress") or national_congress):
        evidence["region"] = "a national congress of the CPC"
        return NATIONAL
    for label, text in [("meeting line", meeting), *(("title", t) for t in titles)]:
        if not text:
            continue
        text = unicodedata.normalize("NFKC", text)
        found = _local(text) or find_province(text)
        if found is None and _NATIONAL.search(text):
            found = NATIONAL
        if found:
            evidence["region"] = f"{label}: {text}"
            return found
    return None


def _congress_number(titles: list[str], meeting: str | None, meta: Mapping[str, str]) -> int | None:
    if meta.get("congress", "").isdigit():
        return int(meta["congress"])
    for text in [*titles, meeting or ""]:
        m = _CONGRESS.search(text)
        if m and (m.group(1) or m.group(2)):
            return cn_to_int(m.group(1) or m.group(2))
    return None


def _year(
    type_: str,
    date: str | None,
    titles: list[str],
    meeting: str | None,
    body: list[str],
    meta: Mapping[str, str],
    evidence: dict[str, str],
) -> int | None:
    if date:
        evidence["year"] = f"date: {date}"
        return int(date[:4])
    if re.match(r"^\d{4}", meta.get("year", "")):
        evidence["year"] = f"field: {meta['year']}"
        return int(meta["year"][:4])
    for text in [*titles, meeting or "", *body[:1]]:
        m = _NPC_SESSION.search(text)
        if m:
            term, session = cn_to_int(m.group(1)), cn_to_int(m.group(2))
            if term in NPC_TERMS and session:
                evidence["year"] = f"people's congress session: {m.group(0)}"
                return NPC_SESSIONS.get((term, session), NPC_TERMS[term] + session - 1)
    if type_ == "party_congress":
        number = _congress_number(titles, meeting, meta)
        if number in CPC_CONGRESSES:
            evidence["year"] = f"party congress: the {number}th"
            return CPC_CONGRESSES[number]
    for text in titles:
        m = _TITLE_YEAR.search(unicodedata.normalize("NFKC", text))
        if m:
            evidence["year"] = f"title: {text}"
            return int(m.group(1))
    return None


def _meeting(subtitle: str | None, titles: list[str], body: list[str], evidence: dict[str, str]) -> str | None:
    """The meeting line without its dashes, a title run into it or the speaker after it."""
    if subtitle:
        text = _clean(subtitle)
        parts = [p for p in re.split(r"——|－－|--", text) if re.search(r"会议|大会|全会", p)]
        text = (parts[-1] if parts else text).strip("—－-―()（） ")
        ends = list(_MEETING_END.finditer(text))
        if ends:
            text = text[: ends[-1].end()]
        if re.search(r"会议|大会|全会", text):
            evidence["meeting"] = "meeting line"
            return text
    for t in titles:
        m = re.match(r"^(第[一二三四五六七八九十]+届[^，。]{2,30}?(?:会议|大会))关于", t)
        if m:
            evidence["meeting"] = f"title: {t}"
            return m.group(1)
    for text in body[:1]:
        m = _ADOPTED.search(text[:80])
        if m and m.group(2):
            evidence["meeting"] = f"adoption line: {m.group(0)}"
            return _clean(m.group(2))
    return None


def _speaker(
    author: str | None, titles: list[str], front: list[tuple[str | None, str]], evidence: dict[str, str]
) -> tuple[str | None, str | None, str | None]:
    """(name, role as written, the byline line) from the lines that say who speaks."""
    after_title = False
    candidates: list[tuple[str, str]] = []  # (where, text): bylines, in order of trust
    if author:
        candidates.append(("byline", author))
    for role, text in front:
        if role == "subtitle":
            ends = list(_MEETING_END.finditer(text))
            if ends and text[ends[-1].end() :].strip():
                candidates.append(("after the meeting line", text[ends[-1].end() :]))
        elif role in ("author", "other") and after_title and len(_clean(text)) <= 24:
            candidates.append(("byline", text))
        after_title = after_title or role in ("title", "subtitle", "date")
    for where, text in candidates:
        parsed = parse_byline(text)
        if parsed:
            evidence["speaker"] = f"{where}: {text.strip()}"
            return parsed[0], parsed[1], text.strip()
    for role, text in front:
        m = _CAPTION.search(_clean(text)) if role in ("caption", "credit", "other") else None
        if m and _is_name(m.group("name")):
            evidence["speaker"] = f"photo caption: {text.strip()}"
            return m.group("name"), m.group("role"), None
    for text in titles:
        m = _TITLE_SPEAKER.match(_clean(text))
        if m and _is_name(m.group("name")):
            evidence["speaker"] = f"title: {text}"
            return m.group("name"), None, None
    return None, None, None
