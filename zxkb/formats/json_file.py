"""JSON Lines (.jsonl, .ndjson) and JSON (.json): one report per object. A
.json file holds an array of objects, one object, or an object whose only list
holds them (`{"data": [...]}`); a .json file that is really JSON Lines is read
as such. Fields as in CSV (zxkb.formats.fields)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from zxkb.errors import InputError
from zxkb.formats.decode import decode
from zxkb.formats.fields import TEXT_NAMES, find_fields, make_record, no_text_error
from zxkb.formats.record import ReadOptions, Record, source_of


def read(path: Path, data: bytes, options: ReadOptions) -> list[Record]:
    text, used = decode(data, options.encoding)
    items = _json(text, options) if path.suffix.lower() == ".json" else _json_lines(text)
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise InputError(
                f"record {n} is a JSON {type(item).__name__}, not an object",
                "each report must be a JSON object with its text in a field such as content or text",
            )
    keys = list(dict.fromkeys(key for item in items for key in item))
    fields = find_fields(keys, options, "the JSON records")
    records = []
    for i, item in enumerate(items):
        record = make_record(item, fields, source_of(path, i, len(items)), used)
        if record is not None:
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
    items = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InputError(
                f"line {n} is not valid JSON: {exc.msg}", "each line of a JSON Lines file must be one JSON object"
            ) from exc
    if not items:
        raise InputError("the file has no JSON records", "nothing to ingest")
    return items
