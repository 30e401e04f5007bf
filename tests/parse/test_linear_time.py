"""Every step from bytes to terms is linear in its input: adversarial inputs of
about 1 MB, each aimed at one step (decode, the format readers, raw paragraphs,
chrome flags, front matter, headings, the whole parse, the vocabulary), must
each take at most RATIO times what preparing a plain report of the same size
takes (read, parse, fold, segment, extract terms), measured in the same process
just before. A quadratic step takes hundreds of times longer at this size, and
each case runs under a deadline, so a regression fails instead of hanging.

The budget is a ratio, never a wall-clock constant: the machine may be slow or
busy, the plain report is slow with it."""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import time
import zipfile
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEED
from zxkb import vocab
from zxkb.errors import ZxkbError
from zxkb.formats import read_records
from zxkb.formats.decode import decode_text
from zxkb.ingest.prepare import prepare_document
from zxkb.parse import chrome, frontmatter, headings, lines
from zxkb.parse.report import parse_report

SIZE = 1_000_000  # characters
RATIO = 10
SLACK = 3  # the deadline after which a case is killed: SLACK times its budget
LIST = 15  # the slowest steps printed (pytest -s)

SEED_TEXT = SEED.read_text(encoding="utf-8")


def plain_report(size: int = SIZE) -> str:
    """A real report of `size` characters: the seed's paragraphs, over and over,
    each long one marked with the number of its copy (so that no paragraph
    repeats another: a repeated copy is set aside, and costs nothing)."""
    out: list[str] = []
    total, copy = 0, 0
    paragraphs = SEED_TEXT.split("\n")
    while total < size:
        for line in paragraphs:
            line = line if line.startswith("#") or len(line) < 40 else f"{line[:20]}第{copy}次{line[20:]}"
            out.append(line)
            total += len(line) + 1
        copy += 1
    return "\n".join(out)[:size]


def _repeat(unit: str, size: int = SIZE) -> str:
    return unit * (size // len(unit))


def _numbered(make: Callable[[int], str], size: int = SIZE) -> str:
    out: list[str] = []
    total = i = 0
    while total < size:
        piece = make(i)
        out.append(piece)
        total += len(piece)
        i += 1
    return "".join(out)


# --- the steps, each timed on its own ------------------------------------------------------


def _text_steps(text: str) -> Iterator[tuple[str, Callable[[], object]]]:
    """(step, its run) for each step of parsing and preparing `text`, each run on
    what the step before it made (so each is timed alone)."""
    made: dict[str, Any] = {}

    def raw() -> None:
        made["paras"] = lines.raw_paragraphs(text)
        made["texts"] = [p.text for p in made["paras"]]
        made["levels"] = [p.md_level for p in made["paras"]]

    def parse() -> None:
        made["doc"] = parse_report(text, {"name": "x"})

    yield "raw_paragraphs", raw
    yield "chrome_flags", lambda: chrome.chrome_flags(made["texts"])
    yield "duplicate_flags", lambda: chrome.duplicate_flags(made["texts"], 0)
    yield "front_matter", lambda: frontmatter.front_matter(made["texts"], [False] * len(made["texts"]), made["levels"])
    yield "find_headings", lambda: headings.find_headings(made["texts"], made["levels"])
    yield "parse_report", parse
    yield "fold, tokens and vocab.extract", lambda: prepare_document(made["doc"])


def _prepare(text: str) -> None:
    prepare_document(parse_report(text, {"name": "x"}))


def _read(name: str, data: bytes) -> None:
    with contextlib.suppress(ZxkbError):  # refusing a file is an answer too: it must come as fast
        read_records(Path(name), data)


def _decode(data: bytes, encoding: str | None = None) -> None:
    with contextlib.suppress(ZxkbError):
        decode_text(data, encoding)


# Text aimed at the parser and the vocabulary: each known to have been superlinear, or built
# against a regular expression with adjacent quantifiers, a loop over growing text, or a count
# repeated per item.
TEXTS: dict[str, Callable[[], str]] = {
    "unclosed <!--": lambda: _repeat("<!--"),
    "<!-- … --> pairs": lambda: _repeat("<!--" * 50 + "中-->\n"),
    "作品 on one line": lambda: _repeat("作品"),
    "公有领域 then 作品": lambda: "公有领域" + _repeat("作品"),
    "# then a run of #": lambda: "# " + _repeat("#") + "x",
    "a line of #": lambda: _repeat("#") + "\n\n" + SEED_TEXT,
    "**bold never closed": lambda: "**" + _repeat("a"),
    "numerals": lambda: _repeat("一"),
    "numerals then 、": lambda: _repeat("一") + "、标题",
    "届 numerals": lambda: _repeat("十") + "届人",
    "commas without Chinese": lambda: _repeat("1,"),
    "lines that never end a sentence": lambda: _numbered(
        lambda i: f"第{i}段内容没有句号而且很长很长很长很长很长很长很长很长很长\n"
    ),
    "one block of many lines": lambda: "甲\n\n乙\n\n丙\n\n" + _numbered(lambda i: f"第{i}行\n"),
    "short lines": lambda: _repeat("中国\n"),
    "separators": lambda: _repeat(">\n"),
    "来源 lines": lambda: _repeat("来源：\n"),
    "distinct quoted terms": lambda: _numbered(lambda i: f"“第{i}项重点工作”"),
    "distinct book titles": lambda: _numbered(lambda i: f"《第{i}号文件》"),
    "quote lists": lambda: _numbered(lambda i: f"“第{i}甲、第{i}乙、第{i}丙”"),
    "open quotes": lambda: _repeat("“"),
    "numbered headings": lambda: _numbered(lambda i: f"一、第{i}部分工作\n\n正文内容。\n\n"),
    "numbered subheadings": lambda: _numbered(lambda i: f"（{'一二三'[i % 3]}）第{i}部分\n"),
    "one long line with boundaries": lambda: _repeat("各位代表：一、" + "中" * 50 + "。"),
    "spaces between characters": lambda: _repeat("中     "),
    "在 … 会议": lambda: _repeat("在" + "中" * 50 + "会议"),
    "<U+ literals": lambda: _repeat("<U+"),
    "openings after the end marker": lambda: (
        plain_report(SIZE // 2)
        + "\n相关报道\n"
        + _numbered(lambda i: f"第{i}条没有出现过的开头的段落内容\n", SIZE // 2)
    ),
    "zero-width characters": lambda: _repeat("中\u200b"),
    "dates": lambda: _repeat("2019年"),
    "brackets never closed": lambda: _repeat("（"),
}


def _html(body: str) -> bytes:
    return f"<html><head><title>t</title></head><body>{body}</body></html>".encode()


def _docx(paragraphs: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    ooxml = "http://schemas.openxmlformats.org"
    types = (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{ooxml}/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ooxml}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{ooxml}/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("word/document.xml", xml)
    return buffer.getvalue()


def _gbk_damaged_every(n: int) -> bytes:
    data = bytearray(plain_report().encode("gbk"))
    for i in range(0, len(data), n):
        data[i] = 0xFF
    return bytes(data)


# Bytes aimed at decoding and at each format reader.
FILES: dict[str, Callable[[], None]] = {
    "decode: plain UTF-8": lambda: _decode(plain_report().encode()),
    "decode: binary": lambda: _decode(bytes(range(256)) * (SIZE // 256)),
    "decode: GBK, a damaged byte every 1000": lambda: _decode(_gbk_damaged_every(1000)),
    "decode: forced gbk, damaged bytes": lambda: _decode(_gbk_damaged_every(1000), "gbk"),
    "decode: UTF-16 without BOM": lambda: _decode(plain_report(SIZE // 2).encode("utf-16-le")),
    "decode: carriage returns": lambda: _decode(_repeat("中\r\r\n").encode()),
    "text reader: plain": lambda: _read("x.txt", plain_report().encode()),
    "markdown reader: # runs": lambda: _read("x.md", ("# " + _repeat("#", SIZE // 2) + "\n").encode()),
    "html: unclosed <p><font>": lambda: _read("x.html", _html(_repeat("<p><font>中文", SIZE // 3))),
    "html: closed nesting": lambda: _read("x.html", _html("<div>" * 30_000 + "中文" + "</div>" * 30_000)),
    "html: <p>中 and newlines": lambda: _read("x.html", ("<p>中" + "\n" * SIZE).encode()),
    "html: unclosed <!--": lambda: _read("x.html", _repeat("<!--").encode()),
    "html: <ol> of many <li>": lambda: _read(
        "x.html", _html("<ol>" + _numbered(lambda i: f"<li>第{i}项工作</li>", SIZE // 3) + "</ol>")
    ),
    "html: nested chrome names": lambda: _read(
        "x.html", _html('<div class="nav">' * 20_000 + "中文内容" + "</div>" * 20_000)
    ),
    "html: nested headers": lambda: _read("x.html", _html("<header>中" * 20_000 + "</header>" * 20_000)),
    "html: tags never closed with >": lambda: _read("x.html", _html(_repeat("<div ", SIZE // 2))),
    "csv: many rows": lambda: _read("x.csv", ("title,text\n" + _numbered(lambda i: f"t{i},第{i}行的内容\n")).encode()),
    "jsonl: many broken lines": lambda: _read("x.jsonl", _repeat('{"text": "中\n').encode()),
    "json: deep nesting": lambda: _read("x.json", ("[" * (SIZE // 2) + "]" * (SIZE // 2)).encode()),
    "json: many records": lambda: _read(
        "x.json", json.dumps([{"text": f"第{i}条"} for i in range(SIZE // 20)], ensure_ascii=False).encode()
    ),
    "docx: many paragraphs": lambda: _read("x.docx", _docx([f"第{i}段" for i in range(SIZE // 30)])),
}


# --- the measurement -------------------------------------------------------------------------


def _child(conn: Connection) -> None:
    """In a forked process: time the plain report, then each case, one message each."""

    def timed(run: Callable[[], object]) -> float:
        start = time.perf_counter()
        run()
        return time.perf_counter() - start

    plain = plain_report()
    data = plain.encode()
    vocab.segmenter()  # loaded before anything is timed
    reference = min(timed(lambda: _prepare(read_records(Path("x.txt"), data)[0].text)) for _ in range(2))
    conn.send(("reference", reference))

    def measure(name: str, run: Callable[[], object]) -> None:
        conn.send(("start", name))
        seconds = timed(run)
        if seconds > RATIO * reference:  # once more, the best of two: the machine may have been busy
            seconds = min(seconds, timed(run))
        conn.send(("done", seconds))

    for name, make in TEXTS.items():
        for step, run in _text_steps(make()):
            measure(f"{step} on {name}", run)
    for name, run_file in FILES.items():
        measure(name, run_file)
    conn.send(("end", None))


def test_every_step_is_linear() -> None:
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("needs fork to put a deadline on each case")
    ours, theirs = multiprocessing.get_context("fork").Pipe()
    child = multiprocessing.get_context("fork").Process(target=_child, args=(theirs,), daemon=True)
    child.start()
    theirs.close()  # so that a child that dies is an end of file here, not a wait
    try:
        assert ours.poll(300), "the plain report took more than 5 minutes"
        kind, reference = ours.recv()
        assert kind == "reference"
        budget = RATIO * reference
        slow: list[str] = []
        ratios: list[tuple[float, str]] = []
        while True:
            assert ours.poll(300), "no case started"
            kind, name = ours.recv()
            if kind == "end":
                break
            if not ours.poll(2 * SLACK * budget):  # (over budget, a case is timed twice)
                pytest.fail(f"{name} took more than {SLACK * budget:.1f} s ({SLACK * RATIO}x the plain report): killed")
            _, seconds = ours.recv()
            ratios.append((seconds / reference, name))
            if seconds > budget:
                slow.append(f"{name}: {seconds:.2f} s = {seconds / reference:.1f}x the plain report")
        print(f"\nplain report: {reference:.2f} s; the slowest steps (pytest -s shows this):")
        for ratio, name in sorted(ratios, reverse=True)[:LIST]:
            print(f"  {ratio:6.2f}x  {name}")
        assert not slow, f"over {RATIO}x the {reference:.2f} s of a plain {SIZE:,}-character report:\n" + "\n".join(
            slow
        )
    finally:
        child.kill()
        child.join()
