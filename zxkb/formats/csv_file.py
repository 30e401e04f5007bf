"""CSV and TSV: one report per row. The header names the columns; the text
column and the metadata columns are found by name (zxkb.formats.fields) or
given with --text-field / --title-field. A UTF-8 BOM is allowed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from zxkb.errors import InputError
from zxkb.formats.decode import decode
from zxkb.formats.fields import find_fields, make_record, no_text_error
from zxkb.formats.record import ReadOptions, Record, source_of

# A report is one field: tens of thousands of characters, far past csv's
# default limit of 131,072. 2**31 - 1 fits a C long on every platform.
FIELD_LIMIT = 2**31 - 1


def read(path: Path, data: bytes, options: ReadOptions) -> list[Record]:
    text, used = decode(data, options.encoding)
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise InputError(f"not a valid CSV file: line {reader.line_num}: {exc}", "check the file's quoting") from exc
    if not rows:
        raise InputError("the CSV file has no rows", "nothing to ingest")
    header, body = [name.strip() for name in rows[0]], rows[1:]
    fields = find_fields(header, options, "the CSV header")
    if not body:
        raise InputError("the CSV file has a header but no rows", "nothing to ingest")
    records = []
    for i, row in enumerate(body):
        record = make_record(dict(zip(header, row, strict=False)), fields, source_of(path, i, len(body)), used)
        if record is not None:
            records.append(record)
    if not records:
        raise no_text_error(fields, "row")
    return records
