"""Hostile files, made here: what each reader does with them. Nothing is cut
short silently (deeply nested HTML is read whole, or refused), one broken
record of a multi-record file is that record's error, a .docx is refused
before it inflates past its limit, damaged bytes in a forced encoding are
replaced and said, and only text encodings are taken."""

from __future__ import annotations

import csv
import io
import json
import re
import struct
import zipfile
from pathlib import Path

import docx
import pytest

from tests.conftest import SEED
from zxkb.errors import InputError, UsageError
from zxkb.formats import ReadOptions, Record, csv_file, html_tree, read_records
from zxkb.formats.decode import decode_text, text_encoding
from zxkb.ingest.prepare import prepare_record

SEED_TEXT = SEED.read_text(encoding="utf-8")
BODY = [line.lstrip("#* -").strip() for line in SEED_TEXT.splitlines() if line.strip()]
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _han(text: str) -> int:
    return len(_HAN.findall(text))


def _page(body: str, head: str = "") -> bytes:
    return f"<html><head>{head}<title>报告</title></head><body>{body}</body></html>".encode()


def _one(path: Path, data: bytes, options: ReadOptions | None = None) -> Record:
    (record,) = read_records(path, data, options)
    return record


# --- HTML: read whole, or refused -----------------------------------------------------------


SEED_AS_BR = "<br>".join(BODY)


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("300 unclosed <p><font>", "<p><font>" * 300 + SEED_AS_BR),
        ("1,000 unclosed <div><span>", "<div><span>" * 1000 + SEED_AS_BR),
        ("5,000 nested and closed", "<div>" * 5000 + SEED_AS_BR + "</div>" * 5000),
        ("100,000 nested and closed", "<div>" * 100_000 + SEED_AS_BR + "</div>" * 100_000),
        ("100,000 nested, then more text", "<p>" + "<span>" * 100_000 + SEED_AS_BR + "</span>" * 100_000 + "之后"),
    ],
)
def test_deep_html_is_read_whole(name: str, body: str, tmp_path: Path) -> None:
    """libxml2 stops at 256 levels (2,048 with huge_tree) and keeps what it has:
    every character of the report must be there, in order."""
    record = _one(tmp_path / "deep.html", _page(body))
    assert _han(record.text) >= _han("".join(BODY)), name
    first, last = BODY[1], BODY[-1]
    assert record.text.index(first) < record.text.index(last)
    if "之后" in body:
        assert record.text.rstrip().endswith("之后")


def test_flattening_is_said() -> None:
    deep = "<div>" * 3000 + "中文" + "</div>" * 3000
    document, warnings = html_tree.parse_page(deep)
    assert document.text_content() == "中文"
    assert warnings and "3000" not in warnings[0] and "nests elements more than 1024 deep" in warnings[0]


def test_a_page_the_parser_cannot_read_whole_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Should flattening not help, the parser's fatal error is the file's error, not a short text."""
    monkeypatch.setattr(html_tree, "flatten", lambda source, depth: (source, 1))
    with pytest.raises(InputError, match="could not read the page whole: Excessive depth") as exc:
        html_tree.parse_page("<p>前文</p>" + "<div>" * 3000 + "中文" + "</div>" * 3000)
    assert exc.value.hint


def test_flatten_keeps_the_text_and_bounds_the_depth() -> None:
    source = "<p>甲" + "<div><b>" * 10 + "乙<br>丙" + "</b></div>" * 10 + "<!-- <div> --><script><div></script>丁</p>"
    flat, dropped = html_tree.flatten(source, 4)
    assert dropped == 2 * (2 * 10 - 3)  # 17 start tags below the depth, and their end tags
    assert re.sub(r"<[^>]*>", "", flat.replace("<!-- <div> -->", "")) == "甲乙丙丁"
    assert "<!-- <div> -->" in flat and "<script><div></script>" in flat  # comments and scripts untouched
    assert html_tree.flatten("<p>no deep nesting</p>", 4) == ("<p>no deep nesting</p>", 0)
    assert html_tree.flatten("<div>" * 100 + "<div", 10)[0].endswith("<div")  # a tag never closed: left as it is


def test_ordered_lists_are_numbered_in_order(tmp_path: Path) -> None:
    items = "".join(f"<li>第{i}项</li><!-- c -->" for i in range(1, 2001))
    text = _one(
        tmp_path / "ol.html", _page(f"<ol>{items}</ol><ol><li>另一</li><li>列表</li></ol><ul><li>无序</li></ul>")
    ).text
    lines = text.split("\n\n")
    assert lines[:3] == ["1. 第1项", "2. 第2项", "3. 第3项"] and lines[1999] == "2000. 第2000项"
    assert lines[2000:] == ["1. 另一", "2. 列表", "- 无序\n"]


def test_nested_chrome_is_linear_and_right(tmp_path: Path) -> None:
    """Chrome found by class name, with each element's size counted once (not its subtree again at every level)."""
    nested = '<div class="nav">' * 3000 + "导航" + "</div>" * 3000
    text = _one(tmp_path / "n.html", _page(f"{nested}<div class='content'>{SEED_AS_BR}</div>")).text
    assert "导航" not in text and _han(text) >= _han("".join(BODY))


@pytest.mark.parametrize("charset", ["undefined", "rot13", "base64", "x-nonsense", "utf-16", "zlib"])
def test_a_declared_charset_that_is_no_text_encoding(charset: str, tmp_path: Path) -> None:
    """A page that is not UTF-8, GB18030 or Big5 falls back on its declared charset: one that
    cannot decode text is an InputError, never a crash."""
    data = _page("<p>" + SEED_AS_BR + "</p>", f'<meta charset="{charset}">').replace(b"<p>", b"<p>\x81\xff", 1)
    with pytest.raises(InputError, match="its declared charset"):
        read_records(tmp_path / "p.html", data)
    assert _one(tmp_path / "p.html", _page("<p>远程协商</p>", f'<meta charset="{charset}">')).text == "远程协商\n"


# --- JSON, JSON Lines and CSV: one broken record is that record's error ---------------------


def test_json_nested_too_deep_is_the_files_error(tmp_path: Path) -> None:
    for data in ("[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000):
        with pytest.raises(InputError, match="nests arrays or objects deeper"):
            read_records(tmp_path / "deep.json", data.encode())


def test_jsonl_records_fail_alone(tmp_path: Path) -> None:
    lines = [
        json.dumps({"title": "甲", "content": "甲的报告。"}, ensure_ascii=False),
        '{"title": "坏", "content": "未闭合',
        "[" * 100_000 + "]" * 100_000,
        '"只是一个字符串"',
        json.dumps({"title": "乙", "content": {"not": "text"}}, ensure_ascii=False),
        json.dumps({"title": "丙", "content": "丙的报告。"}, ensure_ascii=False),
    ]
    path = tmp_path / "r.jsonl"
    records = read_records(path, "\n\n".join(lines).encode())  # blank lines do not count
    assert [r.source for r in records] == [f"{path}#{n}" for n in range(1, 7)]  # path#N is the N-th record
    assert [r.text for r in records] == ["甲的报告。", "", "", "", "", "丙的报告。"]
    errors = [r.error for r in records]
    assert errors[0] is None and errors[5] is None
    assert errors[1] and errors[1].startswith("line 3 is not valid JSON")  # the line of the file
    assert errors[2] and "nests" in errors[2]
    assert errors[3] == "record 4 is a JSON str, not an object"
    assert errors[4] == "field 'content' holds dict, not text"
    assert all(r.hint for r in records[1:5])


def test_a_lone_surrogate_is_replaced_and_said(tmp_path: Path) -> None:
    """`\\ud800` is a valid JSON escape but no character: SQLite and UTF-8 cannot take it."""
    data = json.dumps({"title": "孤立\\udfff代理", "content": "远程协商\\ud800。" + SEED_TEXT}, ensure_ascii=False)
    record = _one(tmp_path / "s.json", data.replace("\\\\", "\\").encode())
    assert "\ud800" in record.text
    prepared = prepare_record(record)
    assert prepared.failure is None and prepared.prepared is not None
    assert prepared.prepared.doc.title == "孤立\ufffd代理"
    assert "远程协商\ufffd。" in prepared.prepared.doc.blocks[0].text + "".join(
        b.text for b in prepared.prepared.doc.blocks
    )
    (warning,) = prepared.warnings
    assert "lone surrogate" in warning and "text, title" in warning


def test_csv_rows_fail_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    limit = csv.field_size_limit()
    monkeypatch.setattr(csv_file, "FIELD_LIMIT", 100)
    csv.field_size_limit(50)
    try:
        rows = ["title,text", "甲,甲的报告。", f"乙,{'长' * 200}", "丙,丙的报告。"]
        path = tmp_path / "r.csv"
        records = read_records(path, "\n".join(rows).encode())
    finally:
        csv.field_size_limit(limit)
    assert [(r.source[-2:], r.text, r.error is not None) for r in records] == [
        ("#1", "甲的报告。", False),
        ("#2", "", True),
        ("#3", "丙的报告。", False),
    ]
    assert records[1].error and "line 3" in records[1].error and "field larger than field limit" in records[1].error


# --- DOCX: bounded before inflating -----------------------------------------------------------


def _docx_bytes(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _rezip(data: bytes, change: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change.get(info.filename, src.read(info.filename)))
        for name in change.keys() - set(src.namelist()):
            dst.writestr(name, change[name])
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_inflating(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The members' declared sizes are summed from the zip directory; python-docx never sees the file."""
    bomb = _rezip(_docx_bytes(["远程协商"]), {"word/media/zeros.bin": bytes(5_000_000)})
    assert len(bomb) < 50_000
    monkeypatch.setattr(docx, "Document", lambda *a: pytest.fail("inflated"))
    with pytest.raises(
        InputError, match=r"would expand to 5\.6 MB, more than the 0\.954 MB allowed for a \.docx"
    ) as exc:
        read_records(tmp_path / "bomb.docx", bomb, ReadOptions(max_bytes=100_000))  # 10 x 0.1 MB
    assert exc.value.hint and "--max-size" in exc.value.hint


def test_a_docx_whose_zip_header_lies_is_not_inflated_past_it(tmp_path: Path) -> None:
    """A member declared small but inflating to 10 MB: zipfile stops at the declared size and the
    CRC check fails (so the declared sizes bound the memory): the file's error."""
    data = bytearray(_rezip(_docx_bytes(["远程协商"]), {"word/document.xml": b"<a>" + b" " * 10_000_000 + b"</a>"}))
    name = b"word/document.xml"
    # the uncompressed size, in the central directory (offset 24; the name at 46) and the local header (22; 30)
    for signature, size_at, name_at in ((b"PK\x01\x02", 24, 46), (b"PK\x03\x04", 22, 30)):
        at = data.find(signature)
        while data[at + name_at : at + name_at + len(name)] != name:
            at = data.find(signature, at + 4)
        struct.pack_into("<I", data, at + size_at, 1000)
    with pytest.raises(InputError, match=r"not a Word \.docx file: Bad CRC-32"):
        read_records(tmp_path / "lies.docx", bytes(data))


def test_a_docx_with_damaged_xml(tmp_path: Path) -> None:
    whole = _docx_bytes(["远程协商"] * 50)
    with zipfile.ZipFile(io.BytesIO(whole)) as archive:
        xml = archive.read("word/document.xml")
    cut = _rezip(whole, {"word/document.xml": xml[: len(xml) // 2]})
    with pytest.raises(InputError, match="the Word file is damaged: its XML is not well formed") as exc:
        read_records(tmp_path / "cut.docx", cut)
    assert exc.value.hint and "save it again" in exc.value.hint


# --- decoding -----------------------------------------------------------------------------------


def test_a_forced_encoding_replaces_a_damaged_byte_and_says_where() -> None:
    data = bytearray(SEED_TEXT.encode("gbk"))
    at = data.index(b"2020")  # an ASCII byte damaged: one character lost
    data[at] = 0xFF
    line = data[:at].count(b"\n") + 1
    decoded = decode_text(bytes(data), "gbk")
    assert decoded.encoding == "gbk" and decoded.text.count("\ufffd") == 1
    assert len(decoded.text) >= len(SEED_TEXT) - 1
    (warning,) = decoded.warnings
    assert f"byte 0xFF at line {line} " in warning and "is not valid gbk: replaced by U+FFFD" in warning
    with pytest.raises(InputError, match=r"cannot decode as gbk: .* is not valid gbk \(\d+ bytes in all\)"):
        decode_text(SEED_TEXT.encode("utf-16-le")[1:], "gbk")  # not a damaged file: the wrong encoding
    assert decode_text(SEED_TEXT.encode("gbk"), "gbk").warnings == ()


@pytest.mark.parametrize(
    "name", ["rot13", "base64", "zlib", "hex", "uu", "bz2", "quopri", "undefined", "klingon", "a\0b"]
)
def test_only_text_encodings_are_taken(name: str) -> None:
    with pytest.raises(UsageError, match=f"{re.escape(repr(name))} is not a text encoding|unknown encoding") as exc:
        text_encoding(name)
    assert exc.value.hint and "utf-8" in exc.value.hint


def test_text_encodings_are_taken() -> None:
    assert [text_encoding(n) for n in ("GBK", "utf8", "big5", "UTF-16")] == ["gbk", "utf-8", "big5", "utf-16"]
