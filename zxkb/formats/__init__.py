"""File formats -> report records. A file holds one report (.txt, .md, .html,
.docx, .pdf) or many (one per CSV row or JSON record); each becomes a Record, and each
Record becomes its own document.

Readers return text with `\\n` line endings in which headings may be marked the
markdown way (`# title`, `### 一、…`): that is what zxkb.parse reads. A PDF's
record is paged text (zxkb.parse.pages: page breaks and page chrome marked), and
says how many pages it has. Each
format lives in its own module, imported only when a file of that type comes.
"""

from __future__ import annotations

from pathlib import Path

from zxkb.errors import InputError
from zxkb.formats.record import ReadOptions, Record

__all__ = ["MANY_REPORT_SUFFIXES", "SUFFIXES", "ReadOptions", "Record", "read_records"]

TEXT_SUFFIXES = (".txt", ".md")
CSV_SUFFIXES = (".csv", ".tsv")
JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")
HTML_SUFFIXES = (".html", ".htm")
DOCX_SUFFIXES = (".docx",)
PDF_SUFFIXES = (".pdf",)
SUFFIXES = TEXT_SUFFIXES + CSV_SUFFIXES + JSON_SUFFIXES + HTML_SUFFIXES + DOCX_SUFFIXES + PDF_SUFFIXES
MANY_REPORT_SUFFIXES = CSV_SUFFIXES + JSON_SUFFIXES  # files that may hold many reports


def read_records(path: Path, data: bytes, options: ReadOptions | None = None) -> list[Record]:
    """The reports in one file's bytes. options.encoding forces the text encoding;
    options.text_field and title_field name the CSV column or JSON key holding a
    report's text and title (default: found by name, see zxkb.formats.fields)."""
    options = options or ReadOptions()
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        from zxkb.formats import text_file

        return text_file.read(path, data, options)
    if suffix in CSV_SUFFIXES:
        from zxkb.formats import csv_file

        return csv_file.read(path, data, options)
    if suffix in JSON_SUFFIXES:
        from zxkb.formats import json_file

        return json_file.read(path, data, options)
    if suffix in HTML_SUFFIXES:
        from zxkb.formats import html_file

        return html_file.read(path, data, options)
    if suffix in DOCX_SUFFIXES:
        from zxkb.formats import docx_file

        return docx_file.read(path, data, options)
    if suffix in PDF_SUFFIXES:
        from zxkb.formats import pdf_file

        return pdf_file.read(path, data, options)
    raise InputError(
        f"not a report file type ({suffix or 'no suffix'})",
        f"zxkb ingests {', '.join(SUFFIXES)} files",
    )
