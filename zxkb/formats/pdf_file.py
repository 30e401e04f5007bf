"""PDF files (.pdf): the text layer, one report per file, read with pypdfium2
(Google's PDFium, as in Chrome; Apache-2.0/BSD-3-Clause, no dependencies).

Each character comes with its box, font size and whether it is bold (a bold
weight, or fill-and-stroke: how word processors embolden a font without a bold
face); zxkb.formats.pdf_layout puts them in lines in reading order with their
indentation, and zxkb.parse.pages sets running headers, footers and page
numbers apart and joins the lines into paragraphs. Text that is not horizontal
(a diagonal watermark) is page chrome.

Refused, each with a hint: a PDF that needs a password to open; one whose pages
are scanned images (no text layer: it needs OCR first); one whose fonts do not
map to characters; a damaged or truncated file. A PDF that opens without a
password but forbids copying is read (as pdftotext does). Any error of the
library becomes this file's InputError: the other files still go in.
"""

from __future__ import annotations

import ctypes
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zxkb.errors import InputError
from zxkb.formats.decode import text_stats
from zxkb.formats.pdf_layout import Char, PageChars, page_lines
from zxkb.formats.record import ReadOptions, Record
from zxkb.parse.pages import PageLine, paged_text

OCR_HINT = "run OCR on it first, e.g. `ocrmypdf -l chi_sim in.pdf out.pdf`, and ingest out.pdf"
MAX_PAGES = 5000  # more than any report: a PDF that says it has more is refused before its pages are read
MAX_CHARS = 10_000_000  # characters of text in all: more than 50 reports
MAX_BAD = 0.02  # share of characters the fonts do not map (private use, unassigned, replacement)
SCANNED_SHARE = 0.5  # more of the pages than this are images without text: a scan
MIN_PAGE_CHARS = 20  # a page with fewer characters than this and an image is a scanned page

_TITLE_JUNK = re.compile(r"microsoft|word|untitled|无标题|\.(docx?|wps|pdf|txt)$", re.I)
_ERRORS = {
    2: ("cannot open the PDF", "check that the file is readable"),
    3: ("the PDF is damaged or not a PDF", "open it in a PDF reader; if it opens, print it to a new PDF"),
    4: (
        "the PDF is encrypted: it needs a password to open",
        "decrypt it first: qpdf --decrypt --password=PASSWORD in.pdf out.pdf",
    ),
    5: (
        "the PDF uses an encryption that cannot be read",
        "decrypt it first: qpdf --decrypt --password=PASSWORD in.pdf out.pdf",
    ),
}


def read(path: Path, data: bytes, options: ReadOptions) -> list[Record]:
    if not data.lstrip()[:5] == b"%PDF-":
        raise InputError("not a PDF file (it does not start with %PDF-)", "check that the file is a PDF")
    if b"%%EOF" not in data[-4096:]:
        raise InputError(
            "the PDF is truncated: its end-of-file marker is missing",
            "download or copy the file again: it was cut short",
        )
    try:
        import pypdfium2.raw as pdfium

        pages, meta = _read(pdfium, data)
    except InputError:
        raise
    except Exception as exc:  # the library's errors on a hostile file: this file's error, not a traceback
        raise InputError(f"cannot read the PDF: {exc}", "the file may be damaged; open it in a PDF reader") from exc
    lines = page_lines(pages)
    _check_text(pages, lines)
    return [Record(paged_text(lines, len(pages)), str(path), meta, None, pages=len(pages))]


def _read(pdfium: Any, data: bytes) -> tuple[list[PageChars], dict[str, str]]:
    doc = pdfium.FPDF_LoadMemDocument64(data, len(data), None)
    if not doc:
        code = pdfium.FPDF_GetLastError()
        message, hint = _ERRORS.get(code, _ERRORS[3])
        raise InputError(message, hint)
    try:
        count = pdfium.FPDF_GetPageCount(doc)
        if count > MAX_PAGES:
            raise InputError(
                f"the PDF has {count} pages, more than one report", f"zxkb reads PDFs of up to {MAX_PAGES} pages"
            )
        pages: list[PageChars] = []
        images: list[bool] = []
        total = 0
        for number in range(count):
            page = pdfium.FPDF_LoadPage(doc, number)
            if not page:
                raise InputError(f"page {number + 1} of the PDF cannot be read", "the file may be damaged")
            try:
                chars = _page(pdfium, page)
                images.append(len(chars.chars) < MIN_PAGE_CHARS and _has_image(pdfium, page))
            finally:
                pdfium.FPDF_ClosePage(page)
            total += len(chars.chars)
            if total > MAX_CHARS:
                raise InputError(
                    "the PDF holds more text than a report", f"zxkb reads PDFs of up to {MAX_CHARS:,} characters"
                )
            pages.append(chars)
        _check_scanned(pages, images)
        return pages, _meta(pdfium, doc)
    finally:
        pdfium.FPDF_CloseDocument(doc)


def _page(pdfium: Any, page: Any) -> PageChars:
    """The page's displayed size and its characters, in points from its top left."""
    box = pdfium.FS_RECTF()
    if pdfium.FPDF_GetPageBoundingBox(page, box):
        left, bottom, right, top = box.left, box.bottom, box.right, box.top
    else:
        left, bottom, right, top = 0.0, 0.0, pdfium.FPDF_GetPageWidthF(page), pdfium.FPDF_GetPageHeightF(page)
    rotation = pdfium.FPDFPage_GetRotation(page) % 4
    w, h = right - left, top - bottom
    place = _placement(rotation, left, bottom, w, h)
    width, height = (h, w) if rotation % 2 else (w, h)
    text = pdfium.FPDFText_LoadPage(page)
    if not text:
        return PageChars(width, height, [], "", 0)
    try:
        return PageChars(width, height, *_chars(pdfium, text, place, rotation))
    finally:
        pdfium.FPDFText_ClosePage(text)


def _placement(
    rotation: int, left: float, bottom: float, w: float, h: float
) -> Callable[[float, float], tuple[float, float]]:
    """User space (y up) -> the page as displayed (/Rotate clockwise), y down."""
    if rotation == 1:
        return lambda x, y: (y - bottom, x - left)
    if rotation == 2:
        return lambda x, y: (w - (x - left), y - bottom)
    if rotation == 3:
        return lambda x, y: (h - (y - bottom), w - (x - left))
    return lambda x, y: (x - left, h - (y - bottom))


def _chars(
    pdfium: Any, text: Any, place: Callable[[float, float], tuple[float, float]], rotation: int
) -> tuple[list[Char], str, int]:
    """The page's horizontal characters; the text that is not horizontal; how
    many characters the fonts do not map."""
    get_unicode, get_box = pdfium.FPDFText_GetUnicode, pdfium.FPDFText_GetLooseCharBox
    generated = pdfium.FPDFText_IsGenerated
    # the text object as a plain address (a dictionary key), not a new pointer object for each character
    get_object = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(
        ctypes.cast(pdfium.FPDFText_GetTextObject, ctypes.c_void_p).value or 0
    )
    page_text = ctypes.cast(text, ctypes.c_void_p)
    box = pdfium.FS_RECTF()
    style: dict[int | None, tuple[float, bool, bool]] = {}  # text object -> (size, bold, horizontal)
    upright = rotation * math.pi / 2  # the angle of text that reads left to right on the displayed page
    chars: list[Char] = []
    stray: list[str] = []
    unmapped = 0
    for i in range(pdfium.FPDFText_CountChars(text)):
        code = get_unicode(text, i)
        if code < 0x20 or (code == 0x20 and generated(text, i)) or not get_box(text, i, box):
            unmapped += code == 0 and not generated(text, i)
            continue
        obj = get_object(page_text, i)
        if obj not in style:
            size = pdfium.FPDFText_GetFontSize(text, i)
            mode = pdfium.FPDFTextObj_GetTextRenderMode(pdfium.FPDFText_GetTextObject(text, i)) if obj else 0
            bold = pdfium.FPDFText_GetFontWeight(text, i) >= 700 or mode in (2, 6)
            angle = pdfium.FPDFText_GetCharAngle(text, i)
            turn = (angle - upright) % (2 * math.pi)
            style[obj] = (size, bold, min(turn, 2 * math.pi - turn) < 0.03)
        size, bold, horizontal = style[obj]
        ch = chr(code) if code <= 0x10FFFF else "\ufffd"
        if not horizontal:
            stray.append(ch)
            continue
        (x0, y0), (x1, y1) = place(box.left, box.top), place(box.right, box.bottom)
        chars.append(Char(ch, min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1), size or abs(y1 - y0), bold))
    return chars, "".join(stray), unmapped


def _has_image(pdfium: Any, page: Any) -> bool:
    for i in range(pdfium.FPDFPage_CountObjects(page)):
        if pdfium.FPDFPageObj_GetType(pdfium.FPDFPage_GetObject(page, i)) == pdfium.FPDF_PAGEOBJ_IMAGE:
            return True
    return False


def _check_scanned(pages: list[PageChars], images: list[bool]) -> None:
    scanned = sum(images)
    if not any(page.chars for page in pages):
        if scanned:
            raise InputError("the PDF has no text layer: its pages are scanned images", OCR_HINT)
        raise InputError("the PDF has no text", "is it blank? zxkb reads the text of PDF files")
    if scanned > SCANNED_SHARE * len(pages):
        raise InputError(f"{scanned} of the PDF's {len(pages)} pages are scanned images without a text layer", OCR_HINT)


def _check_text(pages: list[PageChars], lines: list[PageLine]) -> None:
    """Text whose fonts do not map their glyphs to characters (none, private-use
    or unassigned code points) is no text."""
    text = "".join(line.text for line in lines)
    stats = text_stats(text)
    bad = stats.bad + text.count("\ufffd") + sum(page.unmapped for page in pages)
    total = stats.chars + sum(page.unmapped for page in pages)
    if total and bad / total > MAX_BAD:
        raise InputError(
            f"the PDF's fonts do not map its text to characters ({bad / total:.0%} unreadable)",
            "run OCR on it to get a text layer, e.g. `ocrmypdf -l chi_sim --force-ocr in.pdf out.pdf`",
        )


def _meta(pdfium: Any, doc: Any) -> dict[str, str]:
    """The document's title, when it names the report (not `Microsoft Word - x.docx`):
    the report's own title line comes first (it is `name`, the fallback)."""
    size = pdfium.FPDF_GetMetaText(doc, b"Title", None, 0)
    if size <= 2:
        return {}
    buf = ctypes.create_string_buffer(size)
    pdfium.FPDF_GetMetaText(doc, b"Title", buf, size)
    title = " ".join(buf.raw[: size - 2].decode("utf-16-le", "replace").split())
    if len(re.findall(r"[\u4e00-\u9fff]", title)) >= 4 and not _TITLE_JUNK.search(title):
        return {"name": title}
    return {}
