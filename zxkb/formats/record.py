"""What every format reader returns, and the options they share."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Record:
    """One report found in a file: its text (with `\\n` line endings, headings
    marked the markdown way), where it came from, and the file's metadata."""

    text: str
    source: str  # the file's path; `path#N` for the N-th record (1-based) of a multi-report file
    meta: dict[str, str] = field(default_factory=dict)  # title, year, date, region, url (+ congress, type, ...)
    encoding: str | None = None
    pages: int | None = None  # a PDF's page count: its text is paged (zxkb.parse.pages), else None


@dataclass(frozen=True)
class ReadOptions:
    encoding: str | None = None  # force this encoding instead of detecting it
    text_field: str | None = None  # CSV column / JSON key holding the report's text
    title_field: str | None = None  # CSV column / JSON key holding its title


def source_of(path: object, index: int, total: int) -> str:
    """`path` for a file holding one record, `path#N` (1-based) for the N-th of several."""
    return str(path) if total == 1 else f"{path}#{index + 1}"
