"""Plain text and markdown (.txt, .md): one report per file."""

from __future__ import annotations

from pathlib import Path

from zxkb.formats.decode import decode
from zxkb.formats.record import ReadOptions, Record


def read(path: Path, data: bytes, options: ReadOptions) -> list[Record]:
    text, used = decode(data, options.encoding)
    return [Record(text, str(path), {}, used)]
