"""CSV and TSV: one report per row. The header names the columns; the text
column and the metadata columns are found by name (zxkb.formats.fields) or
given with --text-field / --title-field. A UTF-8 BOM is allowed. A row the csv
module cannot read (a field past its size limit, bad quoting) is that row's
error (`path#N`); the other rows are read."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from zxkb.errors import InputError
from zxkb.formats.decode import decode_text
from zxkb.formats.fields import find_fields, make_record, no_text_error
from zxkb.formats.record import ReadOptions, Record, source_of

# A report is one field: tens of thousands of characters, far past csv's
# default limit of 131,072. 2**31 - 1 fits a C long on every platform.
FIELD_LIMIT = 2**31 - 1


def read(path: Path, data: bytes, options: ReadOptions) -> list[Record]:
    decoded = decode_text(data, options.encoding)
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    rows = list(_rows(csv.reader(io.StringIO(decoded.text, newline=""), delimiter=delimiter)))
    if not rows:
        raise InputError("the CSV file has no rows", "nothing to ingest")
    first = rows[0]
    if isinstance(first, InputError):
        raise first
    header, body = [name.strip() for name in first], rows[1:]
    fields = find_fields(header, options, "the CSV header")
    if not body:
        raise InputError("the CSV file has a header but no rows", "nothing to ingest")
    broken = [row for row in body if isinstance(row, InputError)]
    if len(broken) == len(body):  # nothing to read: the file's error
        raise broken[0]
    records = []
    for i, row in enumerate(body):
        source = source_of(path, i, len(body))
        if isinstance(row, InputError):
            records.append(Record.failed(source, row.message, row.hint))
        elif record := make_record(
            dict(zip(header, row, strict=False)), fields, source, decoded.encoding, decoded.warnings
        ):
            records.append(record)
    if not records:
        raise no_text_error(fields, "row")
    return records


def _rows(reader: Iterator[list[str]]) -> Iterator[list[str] | InputError]:
    """The rows that are not blank, and an InputError in the place of a row
    that cannot be read (the reader goes on at the next line)."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = getattr(reader, "line_num", 0)
            yield InputError(f"not a valid CSV row: line {line}: {exc}", "check the file's quoting")
            continue
        if any(cell.strip() for cell in row):
            yield row
