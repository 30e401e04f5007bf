"""File formats -> records: the seed report saved as GB18030, UTF-16, .docx and
.html reads to the same paragraphs and sections as the UTF-8 original; CSV and
JSON files give one record per row with the file's metadata; the real corpus
reads cleanly."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from tests.conftest import CORPUS, ROOT, SEED, Cli
from zxkb.errors import InputError
from zxkb.formats import SUFFIXES, ReadOptions, Record, read_records
from zxkb.formats.decode import text_stats
from zxkb.ingest.run import collect
from zxkb.parse.report import parse_report

FIXTURES = ROOT / "tests" / "fixtures"
# cut from /work/shared/corpus/state-council-gbk/2016.txt (GBK, \r\r\n), see fixtures/README.md
GBK_2016 = FIXTURES / "state-council-2016-gbk.txt"
# cut from /work/shared/corpus/provincial-2026/2026_海南省_政府工作报告.csv (UTF-8 BOM), see fixtures/README.md
HAINAN_CSV = FIXTURES / "provincial-2026-hainan.csv"
# cut from /work/shared/corpus/wikisource/*.jsonl (2 + 1 records), see fixtures/README.md
WIKISOURCE = FIXTURES / "wikisource-excerpt.jsonl"

SEED_TEXT = SEED.read_text(encoding="utf-8")
_MD = re.compile(r"^(#{1,6}) (.*)$")


def _one(path: Path, data: bytes, encoding: str | None = None) -> Record:
    (record,) = read_records(path, data, ReadOptions(encoding))
    return record


def _shape(text: str) -> tuple[list[tuple[str, str]], object]:
    doc = parse_report(text)
    return [(b.kind, b.text) for b in doc.blocks], doc.sections


# --- the seed in other clothes ------------------------------------------------------


def _seed_lines() -> list[str]:
    return [line.strip() for line in SEED_TEXT.split("\n") if line.strip()]


def seed_as_html_body() -> str:
    """The seed's markdown as HTML: headings, bold paragraphs, a bullet list."""
    out: list[str] = []
    in_list = False
    for line in _seed_lines():
        if line.startswith("- ") != in_list:
            out.append("<ul>" if not in_list else "</ul>")
            in_list = not in_list
        m = _MD.match(line)
        if in_list:
            out.append(f"<li>{html.escape(line[2:])}</li>")
        elif m:
            n = len(m.group(1))
            out.append(f"<h{n}>{html.escape(m.group(2))}</h{n}>")
        elif line.startswith("**") and line.endswith("**"):
            out.append(f"<p><strong>{html.escape(line[2:-2])}</strong></p>")
        else:
            out.append(f"<p>{html.escape(line)}</p>")
    if in_list:
        out.append("</ul>")
    return "\n".join(out)


CHROME = ("株洲政协网", "首页头条", "新闻中心", "当前位置", "版权所有", "湘ICP备", "不要索引", "分享到")
HEAD = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{charset}">
<title>株洲市政协常委会工作报告_株洲政协网</title>
<meta name="PubDate" content="2020-01-08 09:30">
<link rel="canonical" href="http://www.zzzx.gov.cn/report/2020.html">
<style>p {{ text-indent: 2em }} .x:before {{ content: "不要索引" }}</style>
<script>var title = "不要索引";</script></head>"""
NAV = """<header><div class="logo">株洲政协网</div><p>首页头条</p></header>
<nav><ul><li><a href="/">首页</a></li><li><a href="/news">新闻中心</a></li></ul></nav>"""
FOOTER = """<footer><p>版权所有 株洲市政协</p><p>湘ICP备12345678号</p></footer>
<script>document.write("不要索引")</script>"""


def seed_page_with_main(charset: str = "utf-8") -> str:
    return f"""{HEAD.format(charset=charset)}<body>{NAV}
<main><article>{seed_as_html_body()}</article></main>{FOOTER}</body></html>"""


def seed_page_without_main() -> str:
    """Old-style layout: divs, chrome known by its class names, no <main>."""
    return f"""{HEAD.format(charset="gb2312")}<body>{NAV}
<div id="topNav" class="top-nav"><a href="/">首页</a> | <a href="/news">新闻中心</a></div>
<div class="breadcrumb">当前位置：首页 &gt; 工作报告</div>
<div class="wrap"><div class="content">{seed_as_html_body()}</div>
<div class="share-bar">分享到：微信 微博</div><div style="display: none">不要索引</div></div>
<div id="footer">版权所有 株洲市政协 湘ICP备12345678号</div>{FOOTER}</body></html>"""


def seed_as_docx() -> bytes:
    document = docx.Document()
    document.core_properties.title = "株洲市政协常委会工作报告"
    for line in _seed_lines():
        m = _MD.match(line)
        if m and len(m.group(1)) == 1:
            document.add_paragraph(m.group(2), style="Title")
        elif m:
            document.add_heading(m.group(2), level=len(m.group(1)))
        elif line.startswith("- "):
            document.add_paragraph(line[2:], style="List Bullet")
        elif line.startswith("**") and line.endswith("**"):
            document.add_paragraph().add_run(line[2:-2]).bold = True
        else:
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "encoding"),
    [
        ("seed.txt", lambda: SEED_TEXT.replace("\n", "\r\n").encode("gb18030"), "gbk"),
        ("seed.md", lambda: SEED_TEXT.replace("\n", "\r\r\n").encode("gb18030"), "gbk"),
        ("seed.txt", lambda: SEED_TEXT.encode("utf-16"), "utf-16-le"),
        ("seed.docx", seed_as_docx, None),
        ("seed.html", lambda: seed_page_with_main().encode("utf-8"), "utf-8"),
        ("seed.htm", lambda: seed_page_without_main().encode("gbk"), "gbk"),
    ],
    ids=["gb18030-crlf", "gb18030-crcrlf", "utf16", "docx", "html-main", "html-gbk-divs"],
)
def test_seed_reads_to_the_same_report(name: str, make: object, encoding: str | None, tmp_path: Path) -> None:
    record = _one(tmp_path / name, make())  # type: ignore[operator]
    assert record.source == str(tmp_path / name) and record.encoding == encoding
    assert "\r" not in record.text
    blocks, sections = _shape(record.text)
    original_blocks, original_sections = _shape(SEED_TEXT)
    assert blocks == original_blocks
    assert sections == original_sections
    for chrome in CHROME:
        assert chrome not in record.text


def test_html_metadata(tmp_path: Path) -> None:
    record = _one(tmp_path / "p.html", seed_page_with_main().encode())
    assert record.meta == {
        "title": "株洲市政协常委会工作报告_株洲政协网",
        "date": "2020-01-08",
        "url": "http://www.zzzx.gov.cn/report/2020.html",
    }


def test_html_text_layout(tmp_path: Path) -> None:
    page = """<html><body><div>
    <h2>一、过去一年工作回顾</h2>
    <p>过去一年，我们坚持稳中求进，
       经济运行总体平稳。</p>
    <p>第一行<br>第二行</p>
    <table><tr><th>指标</th><th>2019年</th></tr><tr><td>地区生产总值</td><td>3003亿元</td></tr></table>
    <table><tr><td><p>布局表格里的第一段。</p><p>第二段。</p></td></tr></table>
    <ol><li>第一项</li><li>第二项</li></ol>
    <pre>  保留  空格</pre>
    <p>English words
       keep one space</p></div></body></html>"""
    assert _one(tmp_path / "t.html", page.encode()).text.split("\n\n") == [
        "## 一、过去一年工作回顾",
        "过去一年，我们坚持稳中求进，经济运行总体平稳。",  # a source line break between CJK is no space
        "第一行\n第二行",
        "指标\t2019年",
        "地区生产总值\t3003亿元",
        "布局表格里的第一段。",
        "第二段。",
        "1. 第一项",
        "2. 第二项",
        "  保留  空格",
        "English words keep one space\n",
    ]


def test_html_with_no_text(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no text in the page"):
        read_records(tmp_path / "app.html", b"<html><body><div id='app'></div><script>render()</script></body></html>")


def test_docx_tables_and_metadata(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("政府工作报告", level=0)  # the Title style
    document.add_heading("一、2019年工作回顾", level=2)
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate([("指标", "2019年"), ("地区生产总值", "3003亿元")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    record = _one(tmp_path / "r.docx", buffer.getvalue())
    assert record.text == "# 政府工作报告\n\n## 一、2019年工作回顾\n\n指标\t2019年\n\n地区生产总值\t3003亿元\n"
    assert record.meta == {}  # python-docx leaves the core title empty


def test_docx_that_is_not_one(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"not a Word \.docx file"):
        read_records(tmp_path / "x.docx", b"just text, renamed")
    with pytest.raises(InputError, match=r"old Word \(\.doc\) file") as exc:
        read_records(tmp_path / "x.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    assert exc.value.hint and "save it as .docx" in exc.value.hint


# --- CSV ------------------------------------------------------------------------


def test_provincial_csv_with_bom() -> None:
    record = _one(HAINAN_CSV, HAINAN_CSV.read_bytes())
    assert record.source == str(HAINAN_CSV)  # one row: the file is the report
    assert record.encoding == "utf-8-sig"
    assert record.meta == {
        "title": "2026年海南省政府工作报告",
        "year": "2026",
        "date": "2026-02-02",
        "region": "海南省",
        "url": "https://agri.hainan.gov.cn/hnsnytywdt/zwdt/202602/t20260202_4021318.html",
    }
    lines = record.text.split("\n")
    assert lines[:4] == [
        "政府工作报告",
        "——2026年1月27日在海南省第七届人民代表大会第五次会议上",
        "海南省省长 刘小明",
        "各位代表：",
    ]
    assert len(lines) == 14


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_csv_rows_fields_and_options(tmp_path: Path) -> None:
    path = tmp_path / "dump.csv"
    long_text = "各位代表：\r\n" + "我们坚持稳中求进。" * 20_000  # 180,000 characters: past csv's default field limit
    data = _csv(
        [
            ["id", "name", "report", "Year"],
            ["1", "甲市政府工作报告", long_text, "2024"],
            ["2", "空行", "", "2024"],
            ["3", "乙市政府工作报告", "乙市的报告。", ""],
        ]
    )
    with pytest.raises(InputError, match="no text field in the CSV header") as exc:
        read_records(path, data)
    assert "id, name, report, Year" in exc.value.message
    assert exc.value.hint and "--text-field" in exc.value.hint
    first, third = read_records(path, data, ReadOptions(text_field="REPORT", title_field="name"))
    assert (first.source, third.source) == (f"{path}#1", f"{path}#3")  # the empty row 2 is skipped
    assert first.text == long_text.replace("\r\n", "\n")
    assert first.meta == {"title": "甲市政府工作报告", "year": "2024"}
    assert third.meta == {"title": "乙市政府工作报告"}
    with pytest.raises(InputError, match="no field 'body_text' in the CSV header"):
        read_records(path, data, ReadOptions(text_field="body_text"))


# --- JSON -----------------------------------------------------------------------------


def test_wikisource_jsonl() -> None:
    records = read_records(WIKISOURCE, WIKISOURCE.read_bytes())
    lines = [json.loads(line) for line in WIKISOURCE.read_text(encoding="utf-8").splitlines()]
    assert [r.source for r in records] == [f"{WIKISOURCE}#{n}" for n in (1, 2, 3)]
    assert [r.text for r in records] == [line["content"] for line in lines]
    assert records[0].meta["year"] == "2025" and records[0].meta["title"] == "2025年中华人民共和国国务院政府工作报告"
    assert "year" not in records[1].meta  # null in the file
    assert records[2].meta["congress"] == "1" and records[2].meta["type"] == "cpc_congress_report"
    assert all(r.meta["url"].startswith("https://zh.wikisource.org/wiki/") for r in records)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("array.json", '[{"title": "甲", "text": "甲的报告。"}, {"title": "乙", "text": "乙的报告。"}]'),
        (
            "wrapped.json",
            '{"count": 2, "data": [{"title": "甲", "text": "甲的报告。"}, {"title": "乙", "text": "乙的报告。"}]}',
        ),
        ("lines.json", '{"title": "甲", "text": "甲的报告。"}\n\n{"title": "乙", "text": "乙的报告。"}\n'),
        ("lines.ndjson", '{"title": "甲", "text": "甲的报告。"}\n{"title": "乙", "text": "乙的报告。"}'),
    ],
)
def test_json_shapes(name: str, content: str, tmp_path: Path) -> None:
    records = read_records(tmp_path / name, content.encode())
    assert [(r.text, r.meta, r.source[-2:]) for r in records] == [
        ("甲的报告。", {"title": "甲"}, "#1"),
        ("乙的报告。", {"title": "乙"}, "#2"),
    ]


def test_json_single_object_and_errors(tmp_path: Path) -> None:
    one = _one(tmp_path / "one.json", json.dumps({"content": ["第一段。", "第二段。"], "year": 2024.0}).encode())
    assert (one.source, one.text, one.meta) == (str(tmp_path / "one.json"), "第一段。\n第二段。", {"year": "2024"})
    # a broken record is that record's error, in its place (path#2); the others are read
    good, broken = read_records(tmp_path / "bad.jsonl", b'{"text": "a"}\n{"text": \n')
    assert (good.text, good.error, broken.source, broken.text) == ("a", None, f"{tmp_path / 'bad.jsonl'}#2", "")
    assert broken.error and broken.error.startswith("line 2 is not valid JSON")
    good, broken = read_records(tmp_path / "bad.jsonl", b'{"text": "a"}\n[1, 2]\n')
    assert good.text == "a" and broken.error == "record 2 is a JSON list, not an object"
    with pytest.raises(InputError, match="line 1 is not valid JSON"):  # nothing to read: the file's error
        read_records(tmp_path / "bad.jsonl", b'{"text": \n')
    with pytest.raises(InputError, match="record 1 is a JSON list, not an object"):
        read_records(tmp_path / "bad.jsonl", b"[1]\n[1, 2]\n")
    with pytest.raises(InputError, match="every record's 'text' is empty"):
        read_records(tmp_path / "empty.jsonl", b'{"text": ""}\n{"text": null}\n')


# --- ingest and the CLI -----------------------------------------------------------------


def test_folder_ingest_picks_up_every_format(tmp_path: Path) -> None:
    for name in ("a.txt", "b.md", "c.csv", "d.jsonl", "e.json", "f.html", "g.htm", "h.docx", "i.pdf", "j.doc"):
        (tmp_path / name).write_bytes(b"x")
    files, errors = collect([tmp_path])
    assert [f.name for f in files] == [
        "a.txt",
        "b.md",
        "c.csv",
        "d.jsonl",
        "e.json",
        "f.html",
        "g.htm",
        "h.docx",
        "i.pdf",
    ]
    assert errors == [] and {".csv", ".jsonl", ".json", ".html", ".htm", ".docx", ".pdf"} <= set(SUFFIXES)


def test_cli_text_field(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "scraped.csv"
    path.write_bytes(_csv([["name", "report"], ["株洲", SEED_TEXT], ["空", ""]]))
    result = cli("ingest", "--json", str(path), code=2)
    (error,) = json.loads(result.stdout)["errors"]
    assert "no text field" in error["error"] and "Error: " in result.stderr
    out = cli.json("ingest", str(path), "--text-field", "report", "--title-field", "name")
    (item,) = out["ingested"]
    assert item["source"] == f"{path}#1" and item["paragraphs"] == 46 and item["encoding"] == "utf-8"


def test_cli_ingests_html_and_docx(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "seed.html").write_text(seed_page_with_main(), encoding="utf-8")
    (tmp_path / "seed.docx").write_bytes(seed_as_docx())
    out = cli.json("ingest", str(tmp_path))
    # both readers give the very same text, so the second file is a duplicate
    assert [i["paragraphs"] for i in out["ingested"]] == [46]
    assert len(out["skipped"]) == 1 and out["skipped"][0]["reason"] == "already ingested as document 1"


def test_formats_are_imported_lazily() -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from zxkb.formats import read_records\n"
        f"read_records(Path('seed.txt'), {SEED_TEXT[:100].encode()!r})\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('lxml', 'docx', 'pypdfium2', 'pypdfium2_raw')"
        " or m.startswith('zxkb.formats.')]\n"
        "print(sorted(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "['zxkb.formats.decode', 'zxkb.formats.record', 'zxkb.formats.text_file']"


# --- the real corpus ----------------------------------------------------------------------


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")
def test_every_corpus_file_reads_cleanly() -> None:
    files = [p for p in sorted(CORPUS.rglob("*")) if p.suffix.lower() in SUFFIXES and p.name != "README.md"]
    assert len(files) > 10
    for path in files:
        records = read_records(path, path.read_bytes())
        if path.suffix == ".jsonl":
            assert len(records) == len(path.read_bytes().strip().split(b"\n")), path
        assert records, path
        for record in records:
            assert "\ufffd" not in record.text, record.source
            stats = text_stats(record.text)
            assert stats.hanzi >= 0.5 * len("".join(record.text.split())), record.source
            assert stats.bad == 0, record.source
