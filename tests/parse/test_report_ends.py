"""Structure at a report's end and in its body: what follows the last numbered
subsection, glossaries, captions inside the text, a one-line report's sections.
Each rule on an excerpt cut from ../shared/corpus (tests/fixtures/README.md)."""

from __future__ import annotations

from pathlib import Path

from zxkb.models import ParsedDocument
from zxkb.parse.chrome import duplicate_flags, is_caption
from zxkb.parse.ends import closes_subsection
from zxkb.parse.report import parse_report

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def parsed(name: str) -> ParsedDocument:
    return parse_report((FIXTURES / name).read_text(encoding="utf-8"), {"name": Path(name).stem})


def section_of(doc: ParsedDocument, opening: str) -> str | None:
    (block,) = [b for b in doc.blocks if b.kind == "body" and b.text.startswith(opening)]
    return block.section


def test_the_closing_part_after_the_last_subsection_belongs_to_the_section() -> None:
    doc = parsed("sc-2012-end.txt")  # 三(九) 努力提高对外开放的质量和水平, then 各位代表！ and the themes
    assert section_of(doc, "保持对外贸易稳定发展") == "三(九)"  # it continues (九)
    addresses = [b for b in doc.blocks if b.kind == "body" and b.text == "各位代表！"]
    assert len(addresses) == 2 and {b.section for b in addresses} == {"三"}
    assert section_of(doc, "我国是统一的多民族国家") == "三"
    assert section_of(doc, "全面贯彻党的侨务政策") == "三"
    assert section_of(doc, "回顾过去，我们拼搏奋进") == "三"


def test_a_glossary_is_a_part_of_its_own() -> None:
    doc = parsed("sc-2012-end.txt")
    assert [s.path for s in doc.sections if s.level == 1] == ["一", "二", "三", "附注"]
    items = [b for b in doc.blocks if b.kind == "body" and b.text[:2] in ("1、", "2、", "3、")]
    assert len(items) == 3 and {b.section for b in items} == {"附注"}


def test_an_address_between_two_subsections_leaves_the_first() -> None:
    doc = parsed("sc-1983-defence.txt")  # (四)关于政法工作, 各位代表！ defence, (五)关于外交工作
    assert section_of(doc, "为了适应政法工作的需要") == "二(四)"
    assert section_of(doc, "各位代表！") == "二"
    assert section_of(doc, "我们必须继续加强国防现代化建设") == "二"
    assert section_of(doc, "我们的社会主义现代化建设需要一个和平的国际环境") == "二(五)"


def test_unnumbered_themes_after_the_last_subsection_without_an_address() -> None:
    doc = parsed("wiki-2025-end.txt")  # Wikisource 2025 has lost the 各位代表！ lines before each theme
    assert section_of(doc, "更大力度稳定和扩大就业") == "三(十)"
    assert section_of(doc, "我们要以铸牢中华民族共同体意识为主线") == "三"
    assert section_of(doc, "过去一年，国防和军队建设") == "三"
    assert section_of(doc, "我们要坚持贯彻新时代党解决台湾问题") == "三"
    assert section_of(doc, "我们要坚持独立自主的和平外交政策") == "三"
    assert section_of(doc, "各位代表！信心凝聚力量") == "三"


def test_closing_rules_on_single_paragraphs() -> None:
    title = "努力建设生态文明的美好家园"
    # the subsection's own topic, though it names 民族 (2014: 关乎民族未来)
    assert not closes_subsection("生态文明建设关系人民生活，关乎民族未来。", title, last=True)
    assert closes_subsection("各位代表！", title, last=False)
    assert closes_subsection("各位委员、同志们,助推“两个加快”我们责无旁贷。", "在推动政协自身建设上下功夫", last=False)
    assert closes_subsection(
        "奋斗才能赢得未来。让我们更加紧密地团结在以习近平同志为核心的党中央周围", title, last=False
    )
    defence = "过去一年，国防和军队建设取得显著成效。"
    assert closes_subsection(defence, title, last=True)
    assert not closes_subsection(defence, title, last=False)  # themes only after the report's last subsection
    assert not closes_subsection(defence, "加强民主法制建设，维护国家安全，加强国防和军队建设", last=True)


def test_a_caption_inside_the_text_is_front_matter() -> None:
    doc = parsed("sc-2017-caption.txt")
    caption = "3月5日，第十二届全国人民代表大会第五次会议在北京人民大会堂开幕。国务院总理李克强作政府工作报告。"
    (block,) = [b for b in doc.blocks if b.text == caption]
    assert block.kind == "front" and block.role == "caption" and block.section is None
    assert not [b for b in doc.blocks if b.kind == "body" and "人民大会堂开幕" in b.text]
    assert is_caption(caption)
    assert not is_caption("现在，我代表国务院，向大会报告政府工作，请予审议。")


def test_a_one_line_report_gets_its_sections_back() -> None:
    doc = parsed("sc-2014-oneline-sections.txt")  # 一、2013年工作回顾过去一年是… on one line
    tops = [(s.path, s.title) for s in doc.sections if s.level == 1]
    assert tops == [("一", "2013年工作回顾"), ("二", "2014年工作总体部署"), ("三", "2014年重点工作")]
    assert [s.path for s in doc.sections if s.parent == "三"] == ["三(一)", "三(二)"]
    assert section_of(doc, "过去一年是本届政府依法履职的第一年") == "一"
    assert section_of(doc, "2014年，我国面临的形势依然错综复杂") == "二"
    assert section_of(doc, "人民赋予重托，奋斗创造未来") == "三"


def test_the_short_lines_of_a_repeated_copy_are_repeats_too() -> None:
    # the 2014 file holds the report twice: its second copy's 各位代表： and headings repeat too
    opening = "现在，我代表国务院，向大会作政府工作报告，请予审议，并请全国政协各位委员提出意见。"
    review = "过去一年是本届政府依法履职的第一年，任务艰巨而繁重。"
    texts = ["各位代表：", opening, "一、2013年工作回顾", review, "各位代表：", opening, "一、2013年工作回顾", review]
    flags = duplicate_flags(texts, None, headings=[False, False, True, False] * 2)
    assert flags == [False] * 4 + [True] * 4
    # a short line repeated on its own, between paragraphs that are not repeats, stays
    assert duplicate_flags(["各位代表！", opening, "各位代表！", review], None) == [False] * 4
