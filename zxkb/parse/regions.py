"""Regions (pure): the official names of China's provincial-level divisions, the
short forms people type (`湖南` for `湖南省`, `广西` for `广西壮族自治区`, `株洲` for
`株洲市`), and the level a region's name gives (national, province, city,
county). Used at ingest to name a report's region and by the filters to read
what a user typed."""

from __future__ import annotations

import re
import unicodedata

NATIONAL = "全国"
PROVINCES: tuple[str, ...] = tuple(
    (
        "北京市 天津市 上海市 重庆市 河北省 山西省 辽宁省 吉林省 黑龙江省 江苏省 浙江省 安徽省 福建省 江西省 山东省 "
        "河南省 湖北省 湖南省 广东省 海南省 四川省 贵州省 云南省 陕西省 甘肃省 青海省 台湾省 内蒙古自治区 "
        "广西壮族自治区 西藏自治区 宁夏回族自治区 新疆维吾尔自治区 香港特别行政区 澳门特别行政区"
    ).split()
)
LEVELS: tuple[str, ...] = ("national", "province", "city", "county")

_SUFFIX = re.compile(r"(壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|自治州|自治县|地区|省|市|县|区|州|盟|旗)$")


def short_name(region: str) -> str:
    """`湖南省` -> `湖南`, `广西壮族自治区` -> `广西`, `株洲市` -> `株洲`; `全国` stays."""
    if region == NATIONAL:
        return region
    short = _SUFFIX.sub("", region)
    return short if len(short) >= 2 else region


_SHORT_PROVINCES = {short_name(name): name for name in PROVINCES}


def province_named(text: str) -> str | None:
    """The province `text` names, in full or short form (`湖南`, `湖南省`), else None."""
    text = unicodedata.normalize("NFKC", text).strip()
    if text in PROVINCES:
        return text
    return _SHORT_PROVINCES.get(text)


def find_province(text: str) -> str | None:
    """The first province named in `text`: its full name if written, else a
    short form (`2026年湖南政府工作报告`)."""
    full = [(text.find(name), name) for name in PROVINCES if name in text]
    if full:
        return min(full)[1]
    short = [(text.find(s), name) for s, name in _SHORT_PROVINCES.items() if s in text]
    return min(short)[1] if short else None


def level_of(region: str | None) -> str | None:
    """The level a region's name gives: `全国` national; a province, autonomous
    region or municipality province; a prefecture (`…市`, `…州`, `…盟`, `…地区`)
    city; a county or district (`…县`, `…区`, `…旗`) county. A county-level
    city (`醴陵市`) reads as a city: its name does not say otherwise."""
    if not region:
        return None
    if region == NATIONAL:
        return "national"
    if region in PROVINCES:
        return "province"
    if region.endswith(("市", "州", "盟", "地区")):
        return "city"
    if region.endswith(("县", "区", "旗")):
        return "county"
    return None


def normalise_region(text: str) -> str:
    """A region as a file's field or a user gives it, in its official form where
    known (`湖南` -> `湖南省`); other names are kept as they are."""
    text = unicodedata.normalize("NFKC", text).strip()
    return province_named(text) or text


def region_matches(typed: str, region: str) -> bool:
    """Does what the user typed (`湖南`, `湖南省`, `株洲`) name `region`?"""
    typed = unicodedata.normalize("NFKC", typed).strip()
    return bool(typed) and (typed == region or typed == short_name(region))
