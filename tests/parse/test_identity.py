"""Report identity (zxkb.parse.identity) on real reports and their bylines:
type, level, region, year, meeting, speaker and role, each with its evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SEED
from zxkb.models import Identity
from zxkb.parse.fingerprint import containment, sentence_hashes, sketch
from zxkb.parse.identity import identify, normalise_role, parse_byline, report_key
from zxkb.parse.regions import level_of, normalise_region, region_matches, short_name
from zxkb.parse.report import parse_report

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def identity_of(text: str, meta: dict[str, str] | None = None) -> Identity:
    meta = meta or {}
    doc = parse_report(text, meta)
    blocks = [(b.kind, b.role, b.text) for b in doc.blocks]
    return identify(doc.title, doc.subtitle, doc.author, doc.date, blocks, meta)


def fixture(name: str, meta: dict[str, str] | None = None) -> Identity:
    return identity_of((FIXTURES / name).read_text(encoding="utf-8"), meta)


def test_the_seed_is_a_city_cppcc_report() -> None:
    idt = identity_of(SEED.read_text(encoding="utf-8"))
    assert (idt.type, idt.level, idt.region, idt.year) == ("cppcc", "city", "株洲市", 2020)
    assert idt.speaker == "蔡溪" and idt.date == "2020-01-06"
    assert idt.meeting == "在政协株洲市第九届委员会第四次会议上"
    assert report_key(idt.type, idt.region, idt.year) == "cppcc/株洲市/2020"
    evidence = dict(idt.evidence)
    assert set(evidence) >= {"type", "region", "year", "speaker"} and "株洲" in evidence["region"]


def test_a_state_council_report_with_its_byline_glued_to_the_title() -> None:
    idt = fixture("sc-2018-head.txt")  # 政府工作报告——2018年3月5日在…会议上国务院总理 李克强
    assert (idt.type, idt.level, idt.region, idt.year) == ("government", "national", "全国", 2018)
    assert (idt.speaker, idt.speaker_role) == ("李克强", "国务院总理")
    assert idt.meeting == "2018年3月5日在第十三届全国人民代表大会第一次会议上"


@pytest.mark.parametrize(
    ("name", "meta", "region", "speaker", "role"),
    [
        ("prov-beijing.txt", {"region": "北京市"}, "北京市", "殷勇", "市长"),
        ("prov-yunnan.txt", {"region": "云南"}, "云南省", "王予波", "省长"),  # 省长\u3000王予波
        ("prov-sichuan.txt", {}, "四川省", "施小琳", "省长"),  # 四川省人民政府省长 施小琳
        ("prov-gansu.txt", {}, "甘肃省", "任振鹤", "省长"),
    ],
)
def test_provincial_reports(name: str, meta: dict[str, str], region: str, speaker: str, role: str) -> None:
    idt = fixture(name, meta)
    assert (idt.type, idt.level, idt.region, idt.year) == ("government", "province", region, 2026)
    assert (idt.speaker, idt.speaker_role) == (speaker, role)


@pytest.mark.parametrize(
    ("byline", "name", "role"),
    [
        ("国务院总理　温家宝", "温家宝", "国务院总理"),
        ("国务院总理?李克强", "李克强", "国务院总理"),  # a scraper's ? for a no-break space
        ("国务院总理  温家宝", "温家宝", "国务院总理"),
        ("总理赵紫阳", "赵紫阳", "总理"),
        ("国务院代总理李鹏", "李鹏", "国务院代总理"),
        ("上海市市长 龚 正", "龚正", "上海市市长"),
        ("国务院总理李　强", "李强", "国务院总理"),
        ("自治区主席 艾尔肯·吐尼亚孜", "艾尔肯·吐尼亚孜", "自治区主席"),
        ("习　近　平", "习近平", None),
        ("蔡溪", "蔡溪", None),
    ],
)
def test_bylines_with_any_separator(byline: str, name: str, role: str | None) -> None:
    assert parse_byline(byline) == (name, role)


@pytest.mark.parametrize("line", ["云南要闻", "政府工作报告", "新华社北京2006年3月15日电", "本报记者 韩卿立 摄"])
def test_lines_that_are_not_bylines(line: str) -> None:
    assert parse_byline(line) is None


def test_roles_are_named_by_their_office() -> None:
    assert normalise_role("总理") == "国务院总理"
    assert normalise_role("国务院代总理") == "国务院代总理"
    assert normalise_role("四川省人民政府省长") == "省长"
    assert normalise_role("自治区人民政府主席") == "主席"
    assert normalise_role(None) is None


def test_a_caption_names_the_speaker_and_a_mention_in_the_text_does_not() -> None:
    caption = (
        "2026年湖南省政府工作报告\n——2026年2月3日在湖南省第十四届人民代表大会第四次会议上\n"
        "2月3日，湖南省第十四届人民代表大会第四次会议在省人民会堂开幕。省长毛伟明作政府工作报告。"
        "湖南日报全媒体记者 刘尚文 摄\n各位代表：\n现在，我代表省人民政府，向大会作政府工作报告，请予审议。"
    )  # cut from provincial-2026/2026_湖南省_政府工作报告.csv
    idt = identity_of(caption)
    assert (idt.speaker, idt.speaker_role) == ("毛伟明", "省长")
    assert dict(idt.evidence)["speaker"].startswith("photo caption")
    mention = (  # wikisource 1988 (no byline): the former premier is mentioned, not the speaker
        "各位代表！\n\n我代表国务院，向大会作政府工作报告，请予审议。\n\n"
        "第六届全国人民代表大会期间，国务院在赵紫阳总理主持下，认真执行中国共产党的路线和方针政策。"
    )
    assert identity_of(mention, {"title": "1988年中华人民共和国国务院政府工作报告", "year": "1988"}).speaker is None


def test_a_resolution_gets_its_year_from_the_session_and_no_speaker() -> None:
    text = (
        "第十四届全国人民代表大会第三次会议听取和审议了国务院总理李强所作的政府工作报告。"
        "会议充分肯定国务院过去一年的工作，决定批准这个报告。"
    )  # wikisource government_work_reports.jsonl record 2 (its year field is null)
    idt = identity_of(text, {"title": "第十四届全国人民代表大会第三次会议关于政府工作报告的决议"})
    assert (idt.type, idt.region, idt.year, idt.speaker) == ("npc_resolution", "全国", 2025, None)
    assert idt.meeting == "第十四届全国人民代表大会第三次会议"
    adopted = (  # record 11: the title line, then the adoption line run into the text
        "第十三届全国人民代表大会第三次会议关于政府工作报告的决议\n\n（2020年5月28日第十三届全国人民代表大会第三次会议通过）"
        "第十三届全国人民代表大会第三次会议听取和审议了国务院总理李克强所作的政府工作报告。"
    )
    idt = identity_of(adopted, {"title": "第十三届全国人民代表大会第三次会议关于政府工作报告的决议"})
    assert (idt.date, idt.year) == ("2020-05-28", 2020)
    old = identity_of(
        "会议决定批准周恩来总理所作的政府工作报告。",
        {"title": "第二届全国人民代表大会第三次会议关于政府工作报告的决议"},
    )
    assert old.year == 1962  # the 2nd NPC's third session sat in 1962, not 1961


def test_a_party_congress_report() -> None:
    text = "同志们：\n\n现在，我代表中央委员会向大会作报告。"
    idt = identity_of(text, {"title": "全面开创社会主义现代化建设的新局面 (十二大)", "congress": "12"})
    assert (idt.type, idt.region, idt.year) == ("party_congress", "全国", 1982)
    title_only = identity_of(text, {"title": "陈独秀在中国共产党第三次全国代表大会上的报告"})
    assert (title_only.type, title_only.year, title_only.speaker) == ("party_congress", 1923, "陈独秀")


def test_regions_short_forms_and_levels() -> None:
    assert normalise_region("湖南") == "湖南省" and normalise_region("广西") == "广西壮族自治区"
    assert short_name("内蒙古自治区") == "内蒙古" and short_name("株洲市") == "株洲" and short_name("全国") == "全国"
    assert region_matches("湖南", "湖南省") and region_matches("株洲", "株洲市") and not region_matches("湖", "湖南省")
    assert [level_of(r) for r in ("全国", "重庆市", "株洲市", "浦东新区", None)] == [
        "national",
        "province",
        "city",
        "county",
        None,
    ]


def test_sentences_survive_another_scraper_s_line_breaks_and_digits() -> None:
    gbk = ["国内生产总值达到５６．９万亿元，比上年增长７．７%。居民消费价格涨幅控制在２．６%。"]
    wiki = ["国内生产总值达到56.9万亿元，比上\n年增长7.7%。", "居民消费价格涨幅控制在2.6%。"]
    assert sentence_hashes(gbk) == sentence_hashes(wiki) and len(sentence_hashes(gbk)) == 2
    assert containment(sentence_hashes(gbk), sentence_hashes(["居民消费价格涨幅控制在2.6%。"])) == 1.0
    assert containment(sentence_hashes(gbk), ()) == 0.0
    assert all(h % 4 == 0 for h in sketch(sentence_hashes(gbk)))
