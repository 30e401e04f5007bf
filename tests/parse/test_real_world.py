"""The parser on real excerpts with their noise (tests/fixtures/README.md says
where each comes from). Each test is one trap from ../shared/corpus/README.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zxkb.formats.decode import decode
from zxkb.models import ParsedDocument
from zxkb.parse.report import parse_report

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CHROME_WORDS = ("打印本页", "【字体", "<U+00A0>", "公有领域", "责任编辑", "分享到", "当前位置")
CHROME_STARTS = ("相关报道", "来源：", "时间：")  # 相关报道 also occurs in prose (广东: 相关报道总点击量…)
TOOLBAR = {"下载", "打印", "全屏", "收藏", "加大", "还原", "减小"}


def parsed(name: str) -> ParsedDocument:
    text, _ = decode((FIXTURES / name).read_bytes())
    return parse_report(text)


def body(doc: ParsedDocument) -> list[str]:
    return [b.text for b in doc.blocks if b.kind == "body"]


def kinds(doc: ParsedDocument, kind: str) -> list[str]:
    return [b.text for b in doc.blocks if b.kind == kind]


ALL = sorted(p.name for p in FIXTURES.glob("*.txt"))


@pytest.mark.parametrize("name", ALL)
def test_no_page_chrome_in_the_body(name: str) -> None:
    doc = parsed(name)
    text = "\n".join(body(doc))
    assert not [w for w in CHROME_WORDS if w in text]
    assert not [t for t in body(doc) if t.startswith(CHROME_STARTS)]
    assert not [t for t in body(doc) if t in TOOLBAR]
    assert "\u200b" not in text and "<!--" not in text


@pytest.mark.parametrize("name", ALL)
def test_nothing_is_lost(name: str) -> None:
    """Every non-blank character of the file is in some paragraph (of any kind),
    except the literal code points and comments that stand for nothing."""
    doc = parsed(name)
    raw = re.sub(r"<U\+[0-9A-F]+>|<!--.*?-->|\s|\u200b", "", decode((FIXTURES / name).read_bytes())[0], flags=re.S)
    kept = re.sub(r"\s", "", "".join(b.text for b in doc.blocks))
    assert sorted(kept) == sorted(raw)


def test_repeated_body_is_stored_once() -> None:
    doc = parsed("sc-1954-gbk.txt")  # GBK, the report repeated after its （责任编辑…） line
    opening = "我们第一届全国人民代表大会第一次会议，在听了刘少奇同志关于宪法草案的报告"
    assert sum(opening in t for t in body(doc)) == 1
    assert sum(opening in t for t in kinds(doc, "duplicate")) == 1
    assert doc.date == "1954-05-23" and doc.author and "周恩来" in doc.author
    assert doc.title == "1954年国务院政府工作报告" and doc.region == "全国"
    assert any("责任编辑" in t for t in kinds(doc, "chrome"))


def test_one_line_report_is_split() -> None:
    doc = parsed("sc-2014-oneline.txt")  # the 2014 report is one 17,463-character line
    assert len(body(doc)) >= 8
    assert doc.title == "政府工作报告" and doc.date == "2014-03-05"
    assert doc.author and "李克强" in doc.author
    assert "各位代表：" in [b.text for b in doc.blocks if b.role == "salutation"]
    assert any(t == "新华社北京3月14日电" for t in kinds(doc, "chrome"))


def test_glued_title_meeting_line_and_speaker() -> None:
    doc = parsed("sc-2018-head.txt")  # 政府工作报告——2018年3月5日在…会议上国务院总理 李克强
    assert doc.title == "政府工作报告"
    assert doc.subtitle == "2018年3月5日在第十三届全国人民代表大会第一次会议上"
    assert doc.date == "2018-03-05" and doc.author == "国务院总理 李克强"
    assert [s.path for s in doc.sections] == ["一"]


def test_wiki_link_breaks_are_joined() -> None:
    doc = parsed("wiki-2017.txt")  # 政府工作报\n告, “\n十三五\n”, zero-width spaces
    assert doc.title == "政府工作报告"
    assert not [t for t in body(doc) if len(t) <= 2]
    assert any("“十三五”实现了良好开局" in t for t in body(doc))
    assert any("党的十八届六中全会正式明确习近平总书记的核心地位" in t for t in body(doc))
    assert doc.author == "国务院总理 李克强" and doc.date == "2017-03-05"
    assert any("公有领域" in t for t in kinds(doc, "chrome"))


def test_toolbar_source_lines_and_link_list() -> None:
    doc = parsed("prov-beijing.txt")  # 下载/打印/全屏/收藏 toolbar, 来源：/时间：, 相关报道：
    assert set(kinds(doc, "chrome")) >= {
        "下载",
        "打印",
        "全屏",
        "收藏",
        "来源：北京日报",
        "时间：2026-02-02",
        "相关报道：",
    }
    assert doc.date == "2026-01-25" and doc.author and "殷勇" in doc.author
    assert doc.region == "北京市" and doc.year == 2026


def test_breadcrumb_laid_out_one_item_a_line() -> None:
    doc = parsed("prov-yunnan.txt")  # 您的位置: / 首页 / > / 云南要闻
    assert {"首页", ">", "云南要闻"} <= set(kinds(doc, "chrome"))
    assert doc.title == "2026年政府工作报告"
    assert doc.author == "省长\u3000王予波"


def test_link_list_hash_ids_and_repeated_opening() -> None:
    doc = parsed("prov-sichuan.txt")
    chrome = kinds(doc, "chrome")
    assert "abcd39f1fb7f426d9dfb6bd0fa1f2146:" in chrome and "关闭窗口" in chrome
    assert kinds(doc, "duplicate")[-1].startswith("各位代表：现在，我代表省人民政府")
    assert doc.subtitle == "2026年2月3日在四川省第十四届人民代表大会第五次会议上"  # no dashes in the file
    assert doc.author == "四川省人民政府省长 施小琳"


def test_headings_without_numbers() -> None:
    doc = parsed("prov-gansu.txt")  # top-level headings lost their numbers; (一)…(八) kept theirs
    tops = [s.title for s in doc.sections if s.level == 1]
    assert tops == ["“十四五”时期工作回顾", "“十五五”时期的主要目标任务", "2026年重点工作"]
    assert [s.path for s in doc.sections if s.parent == "三"][:2] == ["三(一)", "三(二)"]
    assert len([s for s in doc.sections if s.level == 2]) == 8
    assert doc.date == "2026-01-27"  # 二〇二六年一月二十七日


def test_appendix_list_is_not_top_level_sections() -> None:
    doc = parsed("prov-guangdong.txt")
    tops = [s.path for s in doc.sections if s.level == 1]
    assert tops == ["一", "二", "三", "附件1", "附件2", "名词解释"]
    appendix = [b.text for b in doc.blocks if b.section == "附件1" and b.kind == "body"]
    assert appendix[0] == "2026年省十件民生实事"
    assert any(t.startswith("一、提高低保") for t in appendix) and any(t.startswith("十、") for t in appendix)
    assert doc.subtitle == "2026年1月26日在广东省第十四届人民代表大会第五次会议上"  # broken over two lines


def test_glossary_is_a_part_of_its_own() -> None:
    doc = parsed("prov-hainan.txt")
    assert [s.path for s in doc.sections if s.level == 1] == ["一", "二", "三", "四", "注释"]
    notes = [b.text for b in doc.blocks if b.section == "注释" and b.kind == "body"]
    assert notes and notes[0].startswith("［1］")


def test_numbered_list_items_inside_a_section_are_not_sections() -> None:
    doc = parsed("sc-1955-lists.txt")  # 一、…四、 list items inside section 三, then heading 四、
    assert [s.path for s in doc.sections] == ["一", "二", "三", "三(一)", "四"]
    items = [b.text for b in doc.blocks if b.section == "三(一)" and b.kind == "body"]
    assert [t[:2] for t in items] == ["一、", "二、", "三、"]
    toc = [b.text for b in doc.blocks if b.kind == "front"]
    assert "目录" in toc  # the table of contents stays front matter, and its headings are not duplicates
