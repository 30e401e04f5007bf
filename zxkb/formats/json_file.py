"""JSON Lines (.jsonl, .ndjson) and JSON (.json): one report per object. A
.json file holds an array of objects, one object, or an object whose only list
holds them (`{"data": [...]}`); a .json file that is really JSON Lines is read
as such. Fields as in CSV (zxkb.formats.fields).

One broken record does not cost the others: a line that is not JSON, or a
record that is not an object, is that record's error (`path#N`), and the
others are read. A file nested deeper than Python's JSON parser goes (about
1,000 levels) is the file's error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from zxkb.errors import InputError
from zxkb.formats.decode import decode_text
from zxkb.formats.fields import TEXT_NAMES, find_fields, make_record, no_text_error
from zxkb.formats.record import ReadOptions, Record, source_of

_OBJECT_HINT = "each report must be a JSON object with its text in a field such as content or text"
_DEEP = InputError(
    "the JSON nests arrays or objects deeper than zxkb can read (about 1,000 levels)",
    "a report is one JSON object with its text in a field such as content or text",
)


class _Broken:
    """A record that could not be read, in its place among the others."""

    def __init__(self, error: str, hint: str) -> None:
        self.error, self.hint = error, hint


def read(path: Path, data: bytes, options: ReadOptions) -> list[Record]:
    decoded = decode_text(data, options.encoding)
    items = _json(decoded.text, options) if path.suffix.lower() == ".json" else _json_lines(decoded.text)
    objects = [item for item in items if isinstance(item, dict)]
    if not objects:  # nothing to read: the file's error, not one per record
        broken = [item for item in items if isinstance(item, _Broken)]
        if len(broken) == len(items):
            raise InputError(broken[0].error, broken[0].hint)
        n, item = next((n, item) for n, item in enumerate(items, 1) if not isinstance(item, _Broken))
        raise InputError(f"record {n} is a JSON {type(item).__name__}, not an object", _OBJECT_HINT)
    keys = list(dict.fromkeys(key for item in objects for key in item))
    fields = find_fields(keys, options, "the JSON records")
    records = []
    for i, item in enumerate(items):
        source = source_of(path, i, len(items))
        if isinstance(item, _Broken):
            records.append(Record.failed(source, item.error, item.hint))
        elif not isinstance(item, dict):
            error = f"record {i + 1} is a JSON {type(item).__name__}, not an object"
            records.append(Record.failed(source, error, _OBJECT_HINT))
        elif (record := make_record(item, fields, source, decoded.encoding, decoded.warnings)) is not None:
            records.append(record)
    if not records:
        raise no_text_error(fields, "record")
    return records


def _json(text: str, options: ReadOptions) -> list[Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # JSON Lines saved as .json
            return _json_lines(text)
        raise InputError(f"not valid JSON: {exc.msg} at line {exc.lineno}", "check the file") from exc
    except RecursionError:
        raise _DEEP from None
    if isinstance(value, dict):
        names = {key.casefold() for key in value}
        wanted = {(options.text_field or "").casefold()} if options.text_field else set(TEXT_NAMES)
        lists = [v for v in value.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
        if not names & wanted and len(lists) == 1:
            return lists[0]  # {"data": [...]}
        return [value]
    if isinstance(value, list):
        if not value:
            raise InputError("the JSON array is empty", "nothing to ingest")
        return value
    raise InputError(f"the JSON file holds a {type(value).__name__}, not objects", "nothing to ingest")


def _json_lines(text: str) -> list[Any]:
    """One item per non-blank line: the object, or a _Broken where the line is not JSON."""
    items: list[Any] = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as exc:
            hint = "each line of a JSON Lines file must be one JSON object"
            items.append(_Broken(f"line {n} is not valid JSON: {exc.msg}", hint))
        except RecursionError:
            items.append(_Broken(f"line {n}: {_DEEP.message}", _DEEP.hint or ""))
    if not items:
        raise InputError("the file has no JSON records", "nothing to ingest")
    return items
