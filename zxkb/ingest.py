"""Files and folders -> documents in the store, one transaction per file.
A file that fails is reported and the others still go in."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

from zxkb import store
from zxkb.errors import InputError, ZxkbError
from zxkb.formats import SUFFIXES, Record, read_records
from zxkb.models import IngestReport
from zxkb.parse import parse_report

MAX_BYTES = 50 * 1024 * 1024


def collect(paths: Iterable[Path]) -> tuple[list[Path], list[dict[str, object]]]:
    """Report files under `paths` (folders recursively, sorted), and errors for
    paths that cannot be ingested at all."""
    files: list[Path] = []
    errors: list[dict[str, object]] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
                )
            )
        elif path.is_file():
            if path.suffix.lower() in SUFFIXES:
                files.append(path)
            else:
                errors.append({"source": str(path), "error": f"not a report file type ({path.suffix or 'no suffix'})"})
        else:
            errors.append({"source": str(path), "error": "no such file or folder"})
    return files, errors


def ingest_file(
    conn: sqlite3.Connection,
    path: Path,
    *,
    encoding: str | None = None,
    max_bytes: int = MAX_BYTES,
    text_field: str | None = None,
    title_field: str | None = None,
) -> list[dict[str, object]]:
    """Ingest the reports in one file. Returns, per report, what was stored or
    {"source", "skipped": reason}."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"the file is {size / 1e6:.1f} MB, more than the {max_bytes / 1e6:.0f} MB limit for one report",
                "raise the limit with --max-size MB if this really is one report",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}") from exc
    records = read_records(path.resolve(), data, encoding=encoding, text_field=text_field, title_field=title_field)
    return [ingest_record(conn, record) for record in records]


def ingest_record(conn: sqlite3.Connection, record: Record) -> dict[str, object]:
    content_hash = hashlib.sha256(record.text.encode("utf-8")).hexdigest()
    existing = store.find_by_hash(conn, content_hash)
    if existing is not None:
        return {"source": record.source, "skipped": f"already ingested as document {existing}"}
    doc = parse_report(record.text)
    if not any(b.kind == "body" for b in doc.blocks):
        raise InputError("no report text found in the file", "is this a work report?")
    doc_id = store.add_document(conn, doc, record.source, content_hash)
    counts = {kind: sum(1 for b in doc.blocks if b.kind == kind) for kind in ("body", "heading", "front", "noise")}
    return {
        "doc": doc_id,
        "source": record.source,
        "title": doc.title,
        "paragraphs": counts["body"],
        "sections": len(doc.sections),
        "set_aside": {"front": counts["front"], "noise": counts["noise"]},
        "encoding": record.encoding,
    }


def ingest_paths(
    conn: sqlite3.Connection,
    paths: Iterable[Path],
    *,
    encoding: str | None = None,
    max_bytes: int = MAX_BYTES,
    on_file: Callable[[Path], None] | None = None,
    text_field: str | None = None,
    title_field: str | None = None,
) -> IngestReport:
    files, errors = collect(paths)
    ingested: list[dict[str, object]] = []
    skipped: list[dict[str, object]] = []
    for path in files:
        if on_file:
            on_file(path)
        try:
            results = ingest_file(
                conn, path, encoding=encoding, max_bytes=max_bytes, text_field=text_field, title_field=title_field
            )
        except ZxkbError as exc:
            errors.append({"source": str(path), "error": exc.message})
            continue
        for result in results:
            if "skipped" in result:
                skipped.append({"source": result["source"], "reason": result["skipped"]})
            else:
                ingested.append(result)
    return IngestReport(tuple(ingested), tuple(skipped), tuple(errors))
