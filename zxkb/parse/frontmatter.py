"""Front matter and metadata (pure): title, meeting line, speaker, date, photo
caption and credit, salutation; year and region.

Handles the shapes real reports come in: a markdown title and a `——` meeting
line on their own lines (the seed); a meeting line broken across two lines
(广东); title, meeting line and speaker glued on one line
(`政府工作报告——2018年3月5日在第十三届全国人民代表大会第一次会议上国务院总理 李克强`);
a meeting line without its dashes (四川); dates in Chinese numerals (甘肃).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from zxkb.numbering import digits_to_int
from zxkb.parse.chrome import is_photo_credit

_DATE = re.compile(
    r"([0-9〇零一二三四五六七八九]{4})\s*年\s*([0-9一二三四五六七八九十]{1,3})\s*月\s*([0-9一二三四五六七八九十]{1,3})\s*日"
)
_SALUTATION = re.compile(r"^(各位|同志们|代表们|委员们)[^。！？]{0,30}[:：！!]$")
_MEETING_END = re.compile(r"(会议上|大会上|全会上|开幕式上|会议开幕时)")
_REPORTISH = re.compile(r"报告|决议|讲话|纲要|公报")
_NOT_NAMES = frozenset("目录 首页 摘要 全文 正文 前言 附件 说明 简介 导读 要闻 原文 下载 打印".split())
_MEETING = re.compile(r"在.{2,60}?(会议|大会|全会)(上|开幕式上)?$")
_SPEAKER_TITLE = r"(国务院总理|国务院代总理|总理|[\u4e00-\u9fff]{0,12}?(省长|市长|主席|州长|县长|区长|书记|代表))"
_SPEAKER = re.compile(rf"^{_SPEAKER_TITLE}\s*[\u4e00-\u9fff·]{{2,5}}$")
_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_PROVINCES = (
    "北京市 天津市 上海市 重庆市 河北省 山西省 辽宁省 吉林省 黑龙江省 江苏省 浙江省 安徽省 福建省 江西省 山东省 "
    "河南省 湖北省 湖南省 广东省 海南省 四川省 贵州省 云南省 陕西省 甘肃省 青海省 台湾省 内蒙古自治区 "
    "广西壮族自治区 西藏自治区 宁夏回族自治区 新疆维吾尔自治区 香港特别行政区 澳门特别行政区"
).split()
_LOCAL = re.compile(r"(?:政协|中国人民政治协商会议)([\u4e00-\u9fff]{2,8}?[省市县区州])(?:第|委员会)")
_LOCAL_GOV = re.compile(r"([\u4e00-\u9fff]{2,8}?[省市县区州])(?:人民政府|第[一二三四五六七八九十]+届人民代表大会)")


def find_date(text: str) -> str | None:
    """The first `2020年1月6日` (or `二〇二〇年一月六日`) in text, as ISO."""
    m = _DATE.search(unicodedata.normalize("NFKC", text))
    if not m:
        return None
    try:
        year, month, day = (digits_to_int(g) for g in m.groups())
    except (KeyError, ValueError):
        return None
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1900 <= year <= 2100):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def is_title_like(text: str) -> bool:
    """A line that can be a title: short, and not a sentence."""
    return len(text) <= 80 and not re.search(r"[。！？!?]$", text)


def is_date_line(text: str) -> bool:
    m = _DATE.search(unicodedata.normalize("NFKC", text))
    return m is not None and len(text) <= len(m.group(0)) + 2


def is_salutation(text: str) -> bool:
    return _SALUTATION.match(text) is not None


def is_meeting_line(text: str) -> bool:
    """`——2018年3月5日在第十三届全国人民代表大会第一次会议上`, with or without the
    dashes or brackets, and perhaps with the speaker after it."""
    if text.startswith(("——", "－－", "--", "—")):
        return True
    meeting, _ = split_meeting(text)
    return len(meeting) <= 80 and _MEETING.search(meeting) is not None


def split_meeting(text: str) -> tuple[str, str | None]:
    """`2026年1月27日在陕西省…会议上 陕西省省长 赵刚` -> meeting line, speaker."""
    body = text.strip("—－-―()（） ")
    matches = list(_MEETING_END.finditer(body))
    if not matches:
        return body, None
    m = matches[-1]
    rest = body[m.end() :].strip("()（） ")
    if rest and is_speaker(rest):
        return body[: m.end()], rest
    return body, None


def is_speaker(text: str) -> bool:
    """`蔡溪`, `国务院总理周恩来`, `北京市市长 殷勇`."""
    if len(text) > 24 or text in _NOT_NAMES or "的" in text or text.endswith(("报告", "会议", "讲话")):
        return False
    return _SPEAKER.match(text) is not None or _NAME.match(text) is not None


def _split_glued(text: str) -> tuple[str, str | None, str | None]:
    """`政府工作报告——2018年…会议上国务院总理 李克强` -> title, meeting line, speaker."""
    if "——" not in text:
        return text, None, None
    title, _, rest = text.partition("——")
    m = re.search(r"(会议上|大会上|全会上)", rest)
    if not m:
        return title.strip(), rest.strip() or None, None
    meeting, speaker = rest[: m.end()].strip(), rest[m.end() :].strip()
    return title.strip(), meeting, speaker if speaker and is_speaker(speaker) else None


@dataclass
class FrontMatter:
    end: int  # paragraphs[:end] are the front matter (chrome among them keeps its kind)
    roles: dict[int, str] = field(default_factory=dict)  # index -> role
    title: str | None = None
    subtitle: str | None = None
    author: str | None = None
    date: str | None = None


def front_matter(texts: Sequence[str], chrome: Sequence[bool], md_levels: Sequence[int]) -> FrontMatter:
    """Where the front matter ends, the role of each of its paragraphs, and the metadata in it."""
    limit = min(len(texts), 30)
    end = 0
    for i in range(limit):
        if not chrome[i] and is_salutation(texts[i]):
            end = i + 1
            break
    if not end:
        # Without a salutation: the title, then whatever looks like metadata.
        i = 0
        while i < limit and chrome[i]:
            i += 1
        end = i + 1 if i < limit and is_title_like(texts[i]) else i
        while end < limit and (
            chrome[end]
            or is_meeting_line(texts[end])
            or is_date_line(texts[end])
            or is_speaker(texts[end])
            or is_photo_credit(texts[end])
        ):
            end += 1
    fm = FrontMatter(end)
    for i in range(end):
        if chrome[i]:
            continue
        text = texts[i]
        role = _role(fm, text, md_levels[i])
        prev = fm.roles.get(i - 1)
        if (
            role == "credit"
            and "。" not in text
            and (prev == "other" or (prev == "author" and not _SPEAKER.match(texts[i - 1])))
        ):
            fm.roles[i - 1] = "caption"  # the line right before a bare photo credit is its caption
            if fm.author == texts[i - 1]:
                fm.author = None
        fm.roles[i] = role
    # A meeting line broken across two lines (`——2026年1月26日在广东省第十四届` / `人民代表大会第五次会议上`).
    for i, role in sorted(fm.roles.items()):
        nxt = fm.roles.get(i + 1)
        broken = role == "subtitle" and fm.subtitle and not fm.subtitle.endswith("上")
        if broken and nxt in ("other", "author") and texts[i + 1].endswith("上") and len(texts[i + 1]) <= 40:
            fm.subtitle = (fm.subtitle or "") + texts[i + 1]
            fm.roles[i + 1] = "subtitle"
    if fm.title and not _REPORTISH.search(fm.title):
        # a section label left above the title (`云南要闻`): prefer a line that names a report
        for i, role in sorted(fm.roles.items()):
            if role == "other" and _REPORTISH.search(texts[i]) and len(texts[i]) <= 60:
                title_at = next(j for j, r in fm.roles.items() if r == "title")
                fm.roles[title_at], fm.roles[i], fm.title = "other", "title", texts[i]
                break
    if fm.subtitle and not fm.date:
        fm.date = find_date(fm.subtitle)
    if not fm.date:  # a meeting line run into the text (`——1964年12月21日和22日在…会议上国务院总理周恩来五年来…`)
        for text in texts[end : end + 10]:
            if text.startswith("——") and find_date(text[:20]):
                fm.date = find_date(text[:20])
                break
    return fm


def _role(fm: FrontMatter, text: str, md_level: int) -> str:
    if is_salutation(text):
        return "salutation"
    if is_photo_credit(text):
        return "credit"
    if is_date_line(text):
        fm.date = fm.date or find_date(text)
        return "date"
    if is_meeting_line(text) and not (fm.title is None and "——" in text[2:]):
        if fm.subtitle:
            return "other"
        fm.subtitle, speaker = split_meeting(text)
        fm.author = fm.author or speaker
        return "subtitle"
    if (fm.title is None and is_title_like(text)) or (md_level == 1 and "title" not in fm.roles.values()):
        title, meeting, speaker = _split_glued(text)
        fm.title = title
        if meeting and not fm.subtitle:
            fm.subtitle = meeting
        if speaker and not fm.author:
            fm.author = speaker
        return "title"
    if is_speaker(text) and not fm.author:
        fm.author = text
        return "author"
    return "other"


def year_of(date: str | None, meta: Mapping[str, str], title: str) -> int | None:
    for candidate in (date, meta.get("year"), meta.get("date")):
        if candidate and re.match(r"^\d{4}", str(candidate)):
            return int(str(candidate)[:4])
    m = re.search(r"(1[89]\d\d|20\d\d)\s*年", unicodedata.normalize("NFKC", title))
    return int(m.group(1)) if m else None


def region_of(meta: Mapping[str, str], title: str, subtitle: str | None) -> str | None:
    """The region a report speaks for: the file's own field, else from its title and meeting line."""
    if meta.get("region"):
        return meta["region"]
    text = title + (subtitle or "")
    for name in _PROVINCES:
        if re.sub(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$", "", name) in text:
            return name
    # `十三届全国人大`: one numeral before 届 is enough (`[一…十]+届` backtracks through a run of numerals)
    if re.search(r"国务院|全国人民代表大会|中华人民共和国|[一二三四五六七八九十]届(全国)?人大", text):
        return "全国"
    for pattern in (_LOCAL, _LOCAL_GOV):
        m = pattern.search(text)
        if m:
            return m.group(1)
    return None
