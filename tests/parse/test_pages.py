"""zxkb.parse.pages on hand-made lines: page numbers in their forms, running
headers on odd and even pages, chrome kept after the paragraph a page break
cuts, lines joined into paragraphs; and the paged text read back by the parser
with each paragraph's page."""

from __future__ import annotations

import pytest

from zxkb.parse.lines import CHROME_MARK, PAGE_BREAK
from zxkb.parse.pages import PAGE_NUMBER, PageLine, paged_text, running_chrome
from zxkb.parse.report import parse_report

HEIGHT = 842.0


def line(text: str, page: int, top: float, indent: float = 0.0, room: float = 0.0, **kw: object) -> PageLine:
    fields: dict[str, object] = {"size": 12.0, "centred": False, "gap": 1.0, "region": 0}
    fields.update(kw)
    return PageLine(text, page, top, HEIGHT - top - 12, indent=indent, room=room, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text", ["- 3 -", "—3—", "3", "· 12 ·", "第3页", "第 3 页 共 12 页", "第三页", "3/12", "Page 3 of 12"]
)
def test_page_number_forms(text: str) -> None:
    assert PAGE_NUMBER.match(text)


@pytest.mark.parametrize("text", ["2019年", "3月5日", "一、总体要求", "第三章", "共同努力"])
def test_not_page_numbers(text: str) -> None:
    assert not PAGE_NUMBER.match(text)


def _page(page: int, header: str | None, body: list[str], number: str | None) -> list[PageLine]:
    out = [line(header, page, 40, indent=15, room=15, centred=True, size=9.0)] if header else []
    out += [
        line(t.lstrip("　"), page, 100 + 20 * i, indent=2.0 if t.startswith("　") else 0.0) for i, t in enumerate(body)
    ]
    if number:
        out.append(line(number, page, 800, indent=18, room=18, centred=True, size=9.0))
    return out


def test_running_headers_differ_on_odd_and_even_pages() -> None:
    lines: list[PageLine] = []
    for p in range(1, 7):
        header = None if p == 1 else ("株洲市政协" if p % 2 else "2020年工作报告")
        lines += _page(p, header, [f"第{p}页的正文，说的是第{p}件事情。"], f"第 {p} 页 共 6 页")
    chrome = running_chrome(lines, 6)
    assert {lines[i].text for i in chrome} == {
        *(f"第 {p} 页 共 6 页" for p in range(1, 7)),
        "株洲市政协",
        "2020年工作报告",
    }
    # the same words in the body, on one page only, are text
    assert not any("正文" in lines[i].text for i in chrome)


def test_a_title_that_repeats_as_the_running_header_stays_the_title() -> None:
    title = "政府工作报告"
    lines = [line(title, 1, 90, indent=10, room=10, centred=True, size=22.0)]
    for p in range(1, 5):
        lines += _page(p, title if p > 1 else None, ["正文。"], str(p))
    assert 0 not in running_chrome(lines, 4)


def test_paragraphs_join_across_lines_and_pages_and_chrome_follows() -> None:
    full = "这一行写满了整行文字还没有说完"
    lines = [
        *_page(1, "报告", ["　　第一段开头，" + full, full, "第一段结束。", "　　第二段" + full], "- 1 -"),
        *_page(2, "报告", ["接着写第二段，直到" + full, "第二段结束。"], "- 2 -"),
    ]
    # the first line of page 2 continues: not indented, after a full line
    lines = [ln._replace(room=3.0) if ln.text in ("第一段结束。", "第二段结束。") else ln for ln in lines]
    text = paged_text(lines, 2)
    blocks = text.strip("\n").split("\n\n")
    assert blocks[0] == CHROME_MARK + "报告"
    assert blocks[1] == "第一段开头，" + full + full + "第一段结束。"
    assert blocks[2] == "第二段" + full + "接着写第二段，直到" + full + "第二段结束。"
    assert blocks[3:] == [CHROME_MARK + "- 1 -", PAGE_BREAK, CHROME_MARK + "报告", CHROME_MARK + "- 2 -"]
    doc = parse_report(text, pages=2)
    assert [(b.kind, b.page) for b in doc.blocks] == [
        ("chrome", 1),
        ("body", 1),
        ("body", 1),  # it starts on page 1, though it ends on page 2
        ("chrome", 1),
        ("chrome", 2),
        ("chrome", 2),
    ]
    assert doc.pages == 2


def test_breaks_the_layout_shows() -> None:
    full = "一行写满的文字但句子没有完"
    lines = [
        line("2019年工作回顾", 1, 100, indent=10, room=10, centred=True, size=16.0),
        line(full, 1, 130, indent=2.0),
        line("说完了。", 1, 150, room=20.0),  # short: the paragraph ends
        line("一、总体要求", 1, 170, room=25.0),
        line("• 第一项" + full, 1, 190),
        line("的下文。", 1, 210, indent=1.2, room=20.0),  # hanging under its bullet
        line("字号变了" + full, 1, 230, indent=2.0, size=10.0),
        line("继续", 1, 250, size=10.0, room=20.0),
    ]
    blocks = paged_text(lines, 1).strip("\n").split("\n\n")
    assert blocks == [
        "# 2019年工作回顾",  # larger than the text: a heading
        full + "说完了。",
        "一、总体要求",
        "• 第一项" + full + "的下文。",
        "字号变了" + full + "继续",
    ]


def test_paged_markers_mean_nothing_in_other_text() -> None:
    text = "# 报告\n\n各位代表：\n\n\f\n\n一、总体要求\n\n\x1c这一段很长，" + "正文" * 80 + "。\n"
    doc = parse_report(text)
    assert all(b.page is None for b in doc.blocks) and doc.pages is None
    assert [b.kind for b in doc.blocks].count("chrome") == 0
