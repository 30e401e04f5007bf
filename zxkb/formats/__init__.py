"""File formats -> report records. A file holds one report (.txt, .md) or many
(one per CSV row or JSON Lines record); each becomes a Record, and each Record
becomes its own document.

Readers return text with `\\n` line endings in which headings may be marked the
markdown way (`# title`, `### 一、…`): that is what zxkb.parse reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from zxkb.decode import decode
from zxkb.errors import InputError


@dataclass(frozen=True)
class Record:
    text: str
    source: str  # the file's path; `path#N` for the N-th record (1-based) of a multi-report file
    meta: dict[str, str] = field(default_factory=dict)  # what the file says: title, year, date, region, url
    encoding: str | None = None


TEXT_SUFFIXES = (".txt", ".md")
SUFFIXES = TEXT_SUFFIXES


def read_records(path: Path, data: bytes, *, encoding: str | None = None) -> list[Record]:
    """The reports in one file's bytes."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        text, used = decode(data, encoding)
        return [Record(text, str(path), {}, used)]
    raise InputError(
        f"not a report file type ({suffix or 'no suffix'})",
        f"zxkb ingests {', '.join(SUFFIXES)} files",
    )
