"""Word files (.docx), read with python-docx: one report per file.

Paragraphs in document order, tables included. Paragraph styles Title and
Heading N (or a paragraph outline level) become markdown `#` lines (Title and
Heading 1 `#`, Heading 2 `##`, ...); list paragraphs `- ` lines; a wholly bold
paragraph `**…**`; a table row one line with its cells separated by tabs (a
cell holding several paragraphs, as in layout tables, gives them one by one).
Word's automatic numbering is not text in the file and is not added.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from zxkb.errors import InputError
from zxkb.formats.decode import normalise_newlines
from zxkb.formats.record import ReadOptions, Record, megabytes, path_text

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.I)
_TITLE_STYLES = frozenset(("title", "标题"))


# A .docx may expand to this many times --max-size. Word's XML compresses 5-10
# times and its images not at all, so a real report stays far below it; a zip
# bomb (a thousand times and more) is refused before anything is inflated.
# zipfile never inflates a member past the size its header declares (the CRC
# check fails), so the declared sizes bound the memory even when they lie.
UNPACKED_RATIO = 10


def read(path: Path, data: bytes, options: ReadOptions) -> list[Record]:
    document = _open(data, options.max_bytes * UNPACKED_RATIO)
    lines = list(_blocks(document, _Styles()))
    text = normalise_newlines("\n\n".join(lines))
    if not text.strip():
        raise InputError("the Word file has no text", "nothing to ingest")
    meta = {}
    title = (document.core_properties.title or "").strip()
    if title:
        meta["title"] = title
    return [Record(text + "\n", path_text(path), meta, None)]


_DOCX_HINT = "zxkb reads .docx files saved by Word, WPS or LibreOffice"
_DAMAGED_HINT = "the file is damaged or cut short; open it in Word or WPS and save it again"


def _open(data: bytes, max_unpacked: int) -> Document:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError("this is an old Word (.doc) file renamed .docx", "open it in Word or WPS and save it as .docx")
    _check_unpacked_size(data, max_unpacked)
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"not a Word .docx file: {exc}", _DOCX_HINT) from exc
    except etree.XMLSyntaxError as exc:
        raise InputError(f"the Word file is damaged: its XML is not well formed ({exc})", _DAMAGED_HINT) from exc
    except (zlib.error, EOFError) as exc:
        raise InputError(f"the Word file is damaged: its compressed data is corrupt ({exc})", _DAMAGED_HINT) from exc
    except (NotImplementedError, RuntimeError) as exc:  # an unknown compression method; encrypted members
        raise InputError(f"cannot open the Word file: {exc}", "save it again without a password") from exc


def _check_unpacked_size(data: bytes, limit: int) -> None:
    """Refuse a .docx whose members would inflate past `limit` bytes, from the
    sizes its zip directory declares, before inflating anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise InputError(f"not a Word .docx file: {exc}", _DOCX_HINT) from exc
    if total > limit:
        raise InputError(
            f"the Word file would expand to {megabytes(total)} MB, more than the {megabytes(limit)} MB allowed "
            f"for a .docx ({UNPACKED_RATIO} times --max-size): it is not a report, or a zip bomb",
            "if it really is one report, raise --max-size",
        )


class _Styles:
    """The name and boldness of each paragraph and run style, looked up once per
    style: python-docx finds a style by scanning the document's styles at every
    access (a long document read twice as slowly for it)."""

    def __init__(self) -> None:
        self.paragraph: dict[str | None, tuple[str, bool]] = {}
        self.run: dict[str | None, bool] = {}

    def of(self, paragraph: Paragraph) -> tuple[str, bool]:
        """(style name, whether the style is bold) of a paragraph."""
        key = paragraph._p.style
        if key not in self.paragraph:
            style = paragraph.style
            name = (style.name or "").strip() if style is not None else ""
            self.paragraph[key] = (name, bool(style is not None and style.font.bold))
        return self.paragraph[key]

    def run_bold(self, run: Run) -> bool:
        key = run._r.style
        if key not in self.run:
            style = run.style
            self.run[key] = bool(style is not None and style.font.bold)
        return self.run[key]


def _blocks(container: Document | _Cell, styles: _Styles) -> Iterator[str]:
    from docx.table import Table

    for item in container.iter_inner_content():
        if isinstance(item, Table):
            yield from _table(item, styles)
        else:
            line = _paragraph(item, styles)
            if line:
                yield line


def _table(table: Table, styles: _Styles) -> Iterator[str]:
    for row in table.rows:
        cells: list[_Cell] = []
        for cell in row.cells:  # a merged cell is listed once per grid column it spans
            if not any(cell._tc is c._tc for c in cells):
                cells.append(cell)
        if any(len(cell.paragraphs) > 1 or cell.tables for cell in cells):
            for cell in cells:
                yield from _blocks(cell, styles)
        else:
            line = "\t".join(" ".join(cell.text.split()) for cell in cells).strip("\t")
            if line:
                yield line


def _paragraph(paragraph: Paragraph, styles: _Styles) -> str:
    text = paragraph.text.strip()
    if not text:
        return ""
    name, bold = styles.of(paragraph)
    level = _heading_level(paragraph, name)
    if level:
        return "\n".join(f"{'#' * level} {line.strip()}" for line in text.splitlines() if line.strip())
    if _is_list(paragraph, name):
        return f"- {text}"
    if _is_bold(paragraph, bold, styles):
        return "\n".join(f"**{line.strip()}**" for line in text.splitlines() if line.strip())
    return text


def _heading_level(paragraph: Paragraph, style_name: str) -> int:
    if style_name.casefold() in _TITLE_STYLES:
        return 1
    m = _HEADING_STYLE.match(style_name)
    if m:
        return min(int(m.group(1)), 6)
    from docx.oxml.ns import qn

    ppr = paragraph._p.pPr
    outline = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
    if outline is not None:
        value = outline.get(qn("w:val"))
        if value is not None and value.isdigit() and int(value) < 6:
            return int(value) + 1
    return 0


def _is_list(paragraph: Paragraph, style_name: str) -> bool:
    if style_name.casefold().startswith("list"):
        return True
    ppr = paragraph._p.pPr
    return ppr is not None and ppr.numPr is not None


def _is_bold(paragraph: Paragraph, paragraph_bold: bool, styles: _Styles) -> bool:
    """Every run with text is bold (directly, or through its style or the paragraph's)."""
    from docx.text.hyperlink import Hyperlink

    runs = []
    for item in paragraph.iter_inner_content():
        runs.extend(item.runs if isinstance(item, Hyperlink) else [item])
    with_text = [run for run in runs if run.text.strip()]
    if not with_text:
        return False
    for run in with_text:
        bold = run.bold
        if bold is None:
            bold = styles.run_bold(run) or paragraph_bold
        if not bold:
            return False
    return True
