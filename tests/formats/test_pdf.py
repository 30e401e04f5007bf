"""PDF reports: made here from the seed and from two reports of ../shared/corpus
(tests/pdfmaker.py: reportlab's built-in CJK font, running headers, page
numbers, lines broken at the column's width), each reads to the same outline
as its text original and to (at least 95% of) the same paragraphs after
folding; PDFs without a text layer, encrypted or cut short are that file's
error, with a hint."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT, SEED, Cli
from tests.pdfmaker import Layout, blocks_of, page_of_total, report_pdf, slash_number
from zxkb import textnorm
from zxkb.errors import InputError
from zxkb.formats import read_records
from zxkb.formats.decode import decode
from zxkb.models import ParsedDocument
from zxkb.parse.report import parse_report

SEED_TEXT = SEED.read_text(encoding="utf-8")
LAYOUTS = {
    # A4, 12 pt, indented by position, one running header (not on page 1), `- 3 -`
    "a4": Layout(headers=("政协株洲市委员会常务委员会工作报告",)),
    # 16 pt (28 characters a line), indented with U+3000, odd and even headers, `第 3 页 共 12 页`
    "official": Layout(
        size=16, indent="ideographic", headers=("株洲市政协", "2020年工作报告"), page_number=page_of_total
    ),
    # a newspaper page: two columns, the headline across them, header and `3/6` at the top
    "newspaper": Layout(
        size=9.5, columns=2, headers=("株洲日报 2020年1月7日 星期二",), page_number=slash_number, number_at_top=True
    ),
    # ragged right, no first-line indent: paragraphs apart by a blank line's height
    "blocks": Layout(indent="none", justify=False, paragraph_space=0.8, headers=("工作报告",)),
}


def _pdf_doc(data: bytes, tmp_path: Path) -> ParsedDocument:
    (record,) = read_records(tmp_path / "r.pdf", data)
    assert record.pages and record.encoding is None
    return parse_report(record.text, pages=record.pages)


def _paragraphs(doc: ParsedDocument) -> list[str]:
    return [textnorm.fold(b.text) for b in doc.blocks if b.kind in ("body", "heading")]


def _same_report(text: str, pdf: ParsedDocument) -> float:
    """The outline must be equal; returns the share of the text's paragraphs that the PDF has too."""
    original = parse_report(text)
    assert [(s.path, s.title) for s in pdf.sections] == [(s.path, s.title) for s in original.sections]
    assert pdf.title == original.title
    mine, theirs = Counter(_paragraphs(original)), Counter(_paragraphs(pdf))
    return sum((mine & theirs).values()) / sum(mine.values())


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_the_seed_as_pdf_is_the_same_report(layout: str, tmp_path: Path) -> None:
    doc = _pdf_doc(report_pdf(blocks_of(SEED_TEXT), LAYOUTS[layout]), tmp_path)
    assert _same_report(SEED_TEXT, doc) >= 0.95
    original = parse_report(SEED_TEXT)
    # the advertisement after the report is still noise: its bold lines and bullets survive
    assert sum(b.kind == "noise" for b in doc.blocks) == sum(b.kind == "noise" for b in original.blocks)
    chrome = [b.text for b in doc.blocks if b.kind == "chrome"]
    assert doc.pages and len(chrome) >= 2 * doc.pages - 2  # a header on every page but the first, a number on each
    headers = set(LAYOUTS[layout].headers)
    assert headers and headers <= set(chrome)
    numbers = re.compile(r"第 \d+ 页|- \d+ -|\d+/\d+")
    assert not [b.text for b in doc.blocks if b.kind != "chrome" and (b.text in headers or numbers.search(b.text))]
    pages = [b.page for b in doc.blocks]
    assert pages[0] == 1 and pages[-1] == doc.pages and pages == sorted(pages)  # type: ignore[type-var]


def _corpus_text(name: str) -> str:
    path = CORPUS / name
    if path.suffix == ".csv":
        (row,) = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
        return row["full_text"]
    return decode(path.read_bytes())[0]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")
@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("state-council-gbk/2016.txt", "a4"),
        ("state-council-gbk/2016.txt", "newspaper"),
        ("provincial-2026/2026_河北省_政府工作报告.csv", "official"),
        ("provincial-2026/2026_河北省_政府工作报告.csv", "blocks"),
    ],
)
def test_corpus_reports_as_pdf_are_the_same_reports(name: str, layout: str, tmp_path: Path) -> None:
    text = _corpus_text(name)
    doc = _pdf_doc(report_pdf(blocks_of(text), LAYOUTS[layout]), tmp_path)
    assert _same_report(text, doc) >= 0.95


def test_cjk_text_has_no_spurious_spaces_and_keeps_its_order(tmp_path: Path) -> None:
    lines = ["各位委员：我代表常务委员会向大会报告工作，请予审议。" * 3, "株洲日报记者 谭清云 摄"]
    (record,) = read_records(tmp_path / "r.pdf", report_pdf([("body", t) for t in lines]))
    paragraphs = [p for p in record.text.split("\n\n") if not p.startswith("\x1c")]
    assert paragraphs == lines  # joined across line breaks without a space; the real space kept


def _scanned_pdf() -> bytes:
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    page = Image.new("L", (200, 280), 255)
    for _ in range(2):
        c.drawImage(ImageReader(page), 0, 0, *A4)
        c.showPage()
    c.save()
    return out.getvalue()


def _encrypted_pdf() -> bytes:
    from reportlab.lib import pdfencrypt

    layout = Layout(extra={"encrypt": pdfencrypt.StandardEncryption("secret", canPrint=0)})
    return report_pdf(blocks_of(SEED_TEXT[:2000]), layout)


def test_pdfs_that_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no text layer") as exc:
        read_records(tmp_path / "scan.pdf", _scanned_pdf())
    assert exc.value.hint and "ocrmypdf -l chi_sim" in exc.value.hint
    with pytest.raises(InputError, match="encrypted") as exc:
        read_records(tmp_path / "locked.pdf", _encrypted_pdf())
    assert exc.value.hint and "qpdf --decrypt" in exc.value.hint
    good = report_pdf(blocks_of(SEED_TEXT))
    with pytest.raises(InputError, match="truncated"):
        read_records(tmp_path / "cut.pdf", good[: len(good) // 2])
    with pytest.raises(InputError, match="not a PDF"):
        read_records(tmp_path / "fake.pdf", b"just text, renamed")
    damaged = good.replace(b"/Pages", b"/Pagez").replace(b"startxref", b"startxrex")
    with pytest.raises(InputError, match=r"damaged|no text"):
        read_records(tmp_path / "damaged.pdf", damaged)


def test_a_pdf_that_forbids_copying_is_read(tmp_path: Path) -> None:
    from reportlab.lib import pdfencrypt

    encrypt = pdfencrypt.StandardEncryption("", ownerPassword="owner", canCopy=0)
    data = report_pdf(blocks_of(SEED_TEXT), Layout(extra={"encrypt": encrypt}))
    assert _same_report(SEED_TEXT, _pdf_doc(data, tmp_path)) == 1.0


def test_cli_ingests_pdfs_with_pages_and_isolates_bad_ones(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    good = report_pdf(blocks_of(SEED_TEXT), LAYOUTS["a4"])
    (folder / "a-seed.pdf").write_bytes(good)
    (folder / "b-cut.pdf").write_bytes(good[: len(good) * 2 // 3])
    (folder / "c-scan.pdf").write_bytes(_scanned_pdf())
    (folder / "d-other.txt").write_text(SEED_TEXT.replace("2019年", "1999年"), encoding="utf-8")
    result = cli("ingest", "--json", str(folder), code=2)
    out = json.loads(result.stdout)
    assert [i["source"].rsplit("/", 1)[1] for i in out["ingested"]] == ["a-seed.pdf", "d-other.txt"]
    assert [e["source"].rsplit("/", 1)[1] for e in out["errors"]] == ["b-cut.pdf", "c-scan.pdf"]
    assert all(e["hint"] for e in out["errors"]) and "Traceback" not in result.stderr
    assert "Error: " in result.stderr and "ocrmypdf" in result.stderr
    pdf = out["ingested"][0]
    assert pdf["encoding"] is None and pdf["set_aside"]["chrome"] >= 10
    docs = cli.json("docs")
    assert [d["pages"] for d in docs] == [8, None]
    hit = cli.json("search", "远程协商", "--doc", "1")["hits"][0]
    assert isinstance(hit["page"], int) and 1 <= hit["page"] <= 8
    shown = cli.json("show", hit["ref"])
    assert shown["page"] == hit["page"] and all(isinstance(p["page"], int) for p in shown["context"])
    assert f"¶{hit['paragraph']} · p. {hit['page']}" in cli("show", hit["ref"]).stdout
    assert "p. " not in cli("show", "2:12").stdout.split("\n")[0]  # a text file's citation has no page
    assert cli.json("show", "2:12")["page"] is None
    rows = [json.loads(line) for line in cli("export", "--doc", "1").stdout.splitlines()]
    assert {r["kind"] for r in rows if r["page"] is None} == set()
    assert "8 pages" in cli("docs").stdout


def test_a_pdf_over_the_size_limit_is_refused_before_it_is_read(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "big.pdf"
    path.write_bytes(report_pdf(blocks_of(SEED_TEXT)) + b"\n%" + b"x" * 1_100_000 + b"\n%%EOF\n")
    (error,) = cli.json("ingest", str(path), "--max-size", "1", code=2)["errors"]
    assert "limit" in error["error"]


def test_pdf_reader_is_imported_only_for_pdfs(tmp_path: Path) -> None:
    """Ingesting a text file loads no PDF library; a PDF loads it."""
    (tmp_path / "r.pdf").write_bytes(report_pdf(blocks_of(SEED_TEXT[:3000])))
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from zxkb.formats import read_records\n"
        f"read_records(Path('seed.txt'), {SEED_TEXT[:300].encode()!r})\n"
        "print(sorted(m for m in sys.modules if m.startswith(('pypdfium2', 'zxkb.formats.pdf'))))\n"
        f"read_records(Path({str(tmp_path / 'r.pdf')!r}), Path({str(tmp_path / 'r.pdf')!r}).read_bytes())\n"
        "print('pypdfium2' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.split() == ["[]", "True"]
