"""Plain text and markdown (.txt, .md): one report per file."""

from __future__ import annotations

from pathlib import Path

from zxkb.formats.decode import decode_text
from zxkb.formats.record import ReadOptions, Record, path_text


def read(path: Path, data: bytes, options: ReadOptions) -> list[Record]:
    decoded = decode_text(data, options.encoding)
    return [Record(decoded.text, path_text(path), {}, decoded.encoding, warnings=decoded.warnings)]
