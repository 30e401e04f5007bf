"""Which CSV column or JSON key holds a report's text and metadata, and how
their values become a Record. Shared by csv_file and json_file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from zxkb.errors import InputError
from zxkb.formats.decode import normalise_newlines
from zxkb.formats.record import ReadOptions, Record

# Names are matched ignoring case; the first one present wins.
TEXT_NAMES = ("full_text", "content", "text", "body", "正文", "全文", "内容")
META_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("title", "标题"),
    "year": ("year", "年份", "年度"),
    "date": ("publish_date", "date", "pub_date", "发布日期", "日期"),
    "region": ("province", "region", "省份", "地区"),
    "url": ("source_url", "url", "链接", "网址"),
    "congress": ("congress",),
    "type": ("type",),
}


@dataclass(frozen=True)
class Fields:
    text: str  # the column/key holding the text
    meta: tuple[tuple[str, str], ...]  # (meta key, column/key)


def find_fields(names: Sequence[str], options: ReadOptions, where: str) -> Fields:
    """Map a header (CSV) or the keys seen (JSON) to the text and metadata fields."""
    folded: dict[str, str] = {}
    for name in names:
        folded.setdefault(name.strip().casefold(), name)
    listing = ", ".join(names) or "nothing"

    def given(name: str, option: str) -> str:
        found = name if name in names else folded.get(name.strip().casefold())
        if found is None:
            raise InputError(f"no field {name!r} in {where}; it has: {listing}", f"check the name given to {option}")
        return found

    def known(candidates: Sequence[str]) -> str | None:
        return next((folded[c] for c in candidates if c in folded), None)

    text = given(options.text_field, "--text-field") if options.text_field else known(TEXT_NAMES)
    if text is None:
        raise InputError(
            f"no text field in {where} (looked for {', '.join(TEXT_NAMES[:3])}); it has: {listing}",
            "name the field that holds the report's text with --text-field NAME",
        )
    meta: list[tuple[str, str]] = []
    for key, candidates in META_NAMES.items():
        if key == "title" and options.title_field:
            column: str | None = given(options.title_field, "--title-field")
        else:
            column = known(candidates)
        if column is not None and column != text:
            meta.append((key, column))
    return Fields(text, tuple(meta))


def text_value(value: object, field: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n".join(value)  # a report stored as a list of paragraphs
    raise InputError(
        f"field {field!r} holds {type(value).__name__}, not text",
        "name the field that holds the report's text with --text-field NAME",
    )


def meta_value(value: object) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    return None


def make_record(
    row: Mapping[str, object], fields: Fields, source: str, encoding: str | None, warnings: tuple[str, ...] = ()
) -> Record | None:
    """The row's report, or None when its text is empty; a failed Record when
    its text field holds something other than text."""
    try:
        text = normalise_newlines(text_value(row.get(fields.text), fields.text)).removeprefix("\ufeff")
    except InputError as exc:
        return Record.failed(source, exc.message, exc.hint)
    if not text.strip():
        return None
    meta = {key: value for key, column in fields.meta if (value := meta_value(row.get(column))) is not None}
    return Record(text, source, meta, encoding, warnings=warnings)


def no_text_error(fields: Fields, what: str) -> InputError:
    return InputError(
        f"no report text in the file: every {what}'s {fields.text!r} is empty",
        "name the field that holds the report's text with --text-field NAME",
    )
