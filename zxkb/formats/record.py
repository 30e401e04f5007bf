"""What every format reader returns, and the options they share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Record:
    """One report found in a file: its text (with `\\n` line endings, headings
    marked the markdown way), where it came from, and the file's metadata.

    A record of a multi-report file that cannot be read (a broken JSON line, a
    CSV row with bad quoting) is a Record too, with `error` (and `hint`) set and
    no text: it keeps its place, so that `path#N` is always the N-th record."""

    text: str
    source: str  # the file's path; `path#N` for the N-th record (1-based) of a multi-report file
    meta: dict[str, str] = field(default_factory=dict)  # title, year, date, region, url (+ congress, type, ...)
    encoding: str | None = None
    pages: int | None = None  # a PDF's page count: its text is paged (zxkb.parse.pages), else None
    warnings: tuple[str, ...] = ()  # what was repaired while reading (a damaged byte replaced, ...)
    error: str | None = None  # why this record cannot be read (then text is "")
    hint: str | None = None

    @classmethod
    def failed(cls, source: str, error: str, hint: str | None = None) -> Record:
        return cls("", source, error=error, hint=hint)


MiB = 1024 * 1024  # what --max-size calls a MB
DEFAULT_MAX_BYTES = 50 * MiB  # the largest file accepted as one report (--max-size)


def megabytes(size: int) -> str:
    """A size in the unit of --max-size: `52.4` for 52.4 MB, `0.0244` below one."""
    mb = size / MiB
    return f"{mb:,.1f}".removesuffix(".0") if mb >= 1 else f"{mb:.3g}"


@dataclass(frozen=True)
class ReadOptions:
    encoding: str | None = None  # force this encoding instead of detecting it
    text_field: str | None = None  # CSV column / JSON key holding the report's text
    title_field: str | None = None  # CSV column / JSON key holding its title
    max_bytes: int = DEFAULT_MAX_BYTES  # the largest file accepted; bounds what a .docx may expand to


_SURROGATE = re.compile("[\ud800-\udfff]")


def _escaped(m: re.Match[str]) -> str:
    code = ord(m.group())
    # 0xDC80-0xDCFF: a byte that was not UTF-8, as os.fsdecode gives it
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def has_surrogates(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def replace_surrogates(text: str) -> str:
    """Lone surrogates (no characters: a JSON escape such as `\\ud800`) as U+FFFD."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def path_text(path: object) -> str:
    """A path as text that can be stored and printed: a file name holding bytes
    that are not UTF-8 (which Python gives as lone surrogates, and which SQLite
    and JSON cannot take) shows them as `\\xff`."""
    text = str(path)
    return _SURROGATE.sub(_escaped, text) if _SURROGATE.search(text) else text


def source_of(path: object, index: int, total: int) -> str:
    """`path` for a file holding one record, `path#N` (1-based) for the N-th of several."""
    return path_text(path) if total == 1 else f"{path_text(path)}#{index + 1}"
