"""Bytes -> text: encodings, byte-order marks, line endings, and files that are
not text at all."""

from __future__ import annotations

import codecs

from zxkb.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Tried in order on files without a BOM. GB18030 is a superset of GBK and
# GB2312 and decodes them all; Big5 comes last.
FALLBACKS = ("utf-8", "gb18030", "big5")


def normalise_newlines(text: str) -> str:
    """`\\r\\n`, `\\r\\r\\n` and lone `\\r` -> `\\n`."""
    return text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode a report file; returns (text with \\n line endings, encoding used)."""
    if not data.strip():
        raise InputError("the file is empty", "nothing to ingest; check that the file was saved")
    if encoding:
        try:
            return normalise_newlines(data.decode(encoding)), encoding
        except (LookupError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot decode as {encoding}: {exc}", "try without --encoding") from exc
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return normalise_newlines(data[len(bom) :].decode(name)), name
            except UnicodeDecodeError as exc:
                raise InputError(f"the file starts with a {name} byte-order mark but is not {name}: {exc}") from exc
    if b"\x00" in data:
        raise InputError("this looks like a binary file, not a report", "zxkb ingests .txt and .md text files")
    for name in FALLBACKS:
        try:
            return normalise_newlines(data.decode(name)), name
        except UnicodeDecodeError:
            continue
    raise InputError(
        "cannot decode the file as UTF-8, GB18030 or Big5",
        "pass --encoding NAME if you know the file's encoding",
    )
