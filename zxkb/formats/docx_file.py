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
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from zxkb.errors import InputError
from zxkb.formats.decode import normalise_newlines
from zxkb.formats.record import ReadOptions, Record

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.I)
_TITLE_STYLES = frozenset(("title", "标题"))


def read(path: Path, data: bytes, options: ReadOptions) -> list[Record]:
    document = _open(data)
    lines = list(_blocks(document))
    text = normalise_newlines("\n\n".join(lines))
    if not text.strip():
        raise InputError("the Word file has no text", "nothing to ingest")
    meta = {}
    title = (document.core_properties.title or "").strip()
    if title:
        meta["title"] = title
    return [Record(text + "\n", str(path), meta, None)]


def _open(data: bytes) -> Document:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError("this is an old Word (.doc) file renamed .docx", "open it in Word or WPS and save it as .docx")
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(
            f"not a Word .docx file: {exc}", "zxkb reads .docx files saved by Word, WPS or LibreOffice"
        ) from exc


def _blocks(container: Document | _Cell) -> Iterator[str]:
    from docx.table import Table

    for item in container.iter_inner_content():
        if isinstance(item, Table):
            yield from _table(item)
        else:
            line = _paragraph(item)
            if line:
                yield line


def _table(table: Table) -> Iterator[str]:
    for row in table.rows:
        cells: list[_Cell] = []
        for cell in row.cells:  # a merged cell is listed once per grid column it spans
            if not any(cell._tc is c._tc for c in cells):
                cells.append(cell)
        if any(len(cell.paragraphs) > 1 or cell.tables for cell in cells):
            for cell in cells:
                yield from _blocks(cell)
        else:
            line = "\t".join(" ".join(cell.text.split()) for cell in cells).strip("\t")
            if line:
                yield line


def _paragraph(paragraph: Paragraph) -> str:
    text = paragraph.text.strip()
    if not text:
        return ""
    level = _heading_level(paragraph)
    if level:
        return "\n".join(f"{'#' * level} {line.strip()}" for line in text.splitlines() if line.strip())
    if _is_list(paragraph):
        return f"- {text}"
    if _is_bold(paragraph):
        return "\n".join(f"**{line.strip()}**" for line in text.splitlines() if line.strip())
    return text


def _style_name(paragraph: Paragraph) -> str:
    style = paragraph.style
    return (style.name or "").strip() if style is not None else ""


def _heading_level(paragraph: Paragraph) -> int:
    name = _style_name(paragraph)
    if name.casefold() in _TITLE_STYLES:
        return 1
    m = _HEADING_STYLE.match(name)
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


def _is_list(paragraph: Paragraph) -> bool:
    if _style_name(paragraph).casefold().startswith("list"):
        return True
    ppr = paragraph._p.pPr
    return ppr is not None and ppr.numPr is not None


def _is_bold(paragraph: Paragraph) -> bool:
    """Every run with text is bold (directly, or through its style or the paragraph's)."""
    from docx.text.hyperlink import Hyperlink

    style = paragraph.style
    paragraph_bold = bool(style is not None and style.font.bold)
    runs = []
    for item in paragraph.iter_inner_content():
        runs.extend(item.runs if isinstance(item, Hyperlink) else [item])
    with_text = [run for run in runs if run.text.strip()]
    if not with_text:
        return False
    for run in with_text:
        bold = run.bold
        if bold is None:
            run_style = run.style
            bold = bool(run_style is not None and run_style.font.bold) or paragraph_bold
        if not bold:
            return False
    return True
