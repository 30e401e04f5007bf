"""What each command does: call one library function, render, return the exit
code. No Typer here: zxkb.cli.app declares the options for Typer, and
zxkb.cli.fast answers the hot path (search) without importing it.

Heavy modules are imported inside the commands that need them: the query path
needs only sqlite3, and --json never imports Rich.
"""

from __future__ import annotations

import errno
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from zxkb.errors import ZxkbError

F = TypeVar("F", bound=Callable[..., int])

_OPEN: list[Any] = []  # connections a command opened; closed when it ends


def fail(message: str, hint: str | None, code: int = 2) -> int:
    """`Error: …` and `Hint: …` on stderr; returns the exit code."""
    print(f"Error: {message}", file=sys.stderr)
    if hint:
        print(f"Hint: {hint}", file=sys.stderr)
    return code


def errors(fn: F) -> F:
    """Turn ZxkbError into `Error: …` + hint on stderr and exit 2; no tracebacks
    unless ZXKB_DEBUG is set. Connections the command opened are closed."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> int:
        debug = bool(os.environ.get("ZXKB_DEBUG"))
        try:
            return fn(*args, **kwargs)
        except ZxkbError as exc:
            if debug:
                raise
            return fail(exc.message, exc.hint, exc.exit_code)
        except OSError as exc:
            if exc.errno == errno.EPIPE or debug:
                raise
            return fail(str(exc), "check the path and its permissions")
        except Exception as exc:  # a bug: say so plainly, without a traceback
            if debug:
                raise
            return fail(
                f"internal error: {type(exc).__name__}: {exc}",
                "this is a bug in zxkb; run again with ZXKB_DEBUG=1 for the traceback and report it",
            )
        finally:
            while _OPEN:
                _OPEN.pop().close()

    return wrapper  # type: ignore[return-value]


def render(as_json: bool, view: str, result: object) -> None:
    """Write `result` with the JSON view of that name, or the Rich one (imported only then)."""
    if as_json:
        from zxkb.render import json as render_json

        render_json.dump(getattr(render_json, view)(result))
    else:
        from zxkb.render import human

        getattr(human, view)(result)


def connect(db: Path | None, *, create: bool = False) -> Any:
    from zxkb.paths import database_path
    from zxkb.store import connection

    conn = connection.connect(database_path(db), create=create)
    _OPEN.append(conn)
    return conn


@errors
def ingest(
    paths: list[Path],
    encoding: str | None,
    max_size: float,
    replace: bool,
    text_field: str | None,
    title_field: str | None,
    jobs: int | None,
    db: Path | None,
    json: bool,
) -> int:
    """Add reports to the knowledge base, each stored whole or not at all: .txt, .md, .html, .docx
    (one report a file), .csv and .jsonl/.json (one report per row or record). Unchanged reports are
    skipped; a file that fails is reported and the others still go in."""
    from zxkb.formats import ReadOptions
    from zxkb.ingest.run import IngestOptions, ingest_paths
    from zxkb.ingest.workers import default_jobs

    conn = connect(db, create=True)
    options = IngestOptions(
        read=ReadOptions(encoding, text_field, title_field),
        max_bytes=int(max_size * 1024 * 1024),
        replace=replace,
    )
    if sys.stderr.isatty():
        from zxkb.render import human

        with human.progress("Ingesting") as on_file:
            report = ingest_paths(conn, paths, options, on_file=on_file, jobs=jobs or default_jobs())
    else:
        report = ingest_paths(conn, paths, options, jobs=jobs or default_jobs())
    if json:
        from zxkb.render import json as render_json

        render_json.dump(render_json.ingest(report))
        for item in report.errors:
            print(f"Error: {item['source']}: {item['error']}", file=sys.stderr)
            if item.get("hint"):
                print(f"Hint: {item['hint']}", file=sys.stderr)
    else:
        from zxkb.render import human

        human.ingest(report)
    print(_ingest_summary(report), file=sys.stderr)
    if report.errors:
        return 2
    return 0


@errors
def rm(docs: list[int], db: Path | None, json: bool) -> int:
    """Remove documents, with their sections, paragraphs and index entries."""
    from zxkb.store import documents

    conn = connect(db)
    removed = [{"doc": d.id, "title": d.title, "source": d.source} for d in documents.remove_documents(conn, docs)]
    if json:
        from zxkb.render import json as render_json

        render_json.dump({"removed": removed})
    else:
        for item in removed:
            print(f"removed document {item['doc']}: {item['title']}")
    return 0


@errors
def search(
    query: list[str],
    doc: str | None,
    section: str | None,
    limit: int,
    all_kinds: bool,
    fuzzy: bool,
    db: Path | None,
    json: bool,
) -> int:
    """Find paragraphs, best first, with snippets and citations. Exit 1 when nothing matches,
    with the closest terms as suggestions."""
    from zxkb.search import engine

    conn = connect(db)
    kinds = engine.ALL_KINDS if all_kinds else engine.DEFAULT_KINDS
    result = engine.search(
        conn, " ".join(query), doc=doc, section=section, limit=limit or None, kinds=kinds, fuzzy=fuzzy
    )
    if json:
        from zxkb.render import json as render_json

        render_json.dump(render_json.search(result))
    else:
        from zxkb.render import human

        if result.total:
            human.search(result)
        else:
            human.no_hits(result)
    if not result.total:
        return 1
    return 0


@errors
def fuzzy(term: str, limit: int, doc: str | None, min_score: float, db: Path | None, json: bool) -> int:
    """The terms of the knowledge base closest to TERM, best first, with how often and
    where they occur. Exit 1 when none is close enough."""
    from zxkb.search.fuzzy import find

    conn = connect(db)
    result = find(conn, term, doc=doc, limit=limit or None, min_score=min_score)
    render(json, "fuzzy", result)
    if not result.matches:
        return 1
    return 0


@errors
def outline(section: str | None, doc: str | None, db: Path | None, json: bool) -> int:
    """The outline: sections, subsections and their initiatives, as a tree."""
    from zxkb.numbering import parse_section_path
    from zxkb.store import outline as outline_store
    from zxkb.store import reads

    conn = connect(db)
    path = parse_section_path(section) if section is not None else None
    outlines = outline_store.outline(conn, reads.resolve_docs(conn, doc), path)
    render(json, "outline", outlines)
    return 0


@errors
def show(ref: str, context: int, db: Path | None, json: bool) -> int:
    """One paragraph in full with its citation, and its neighbours."""
    from zxkb.search.show import show as show_paragraph

    conn = connect(db)
    result = show_paragraph(conn, ref, context)
    render(json, "show", result)
    return 0


@errors
def docs(db: Path | None, json: bool) -> int:
    """The documents with their metadata and counts."""
    from zxkb.store import reads

    infos = reads.documents(connect(db))
    render(json, "docs", infos)
    return 0


@errors
def export(doc: str | None, kind: list[str] | None, db: Path | None, json: bool) -> int:
    """Every paragraph as JSON Lines (one object a line), for jq and pandas."""
    from zxkb.models import KINDS
    from zxkb.render import json as render_json
    from zxkb.store import reads

    unknown = [k for k in kind or () if k not in KINDS]
    if unknown:
        return fail(f"unknown kind {unknown[0]!r}", f"kinds are {', '.join(KINDS)}")
    kinds = tuple(k for k in KINDS if not kind or k in kind)
    conn = connect(db)
    rows = reads.iter_paragraphs(conn, reads.resolve_docs(conn, doc), kinds)
    render_json.dump_lines(map(render_json.export_line, rows))
    return 0


def _ingest_summary(report: Any) -> str:
    kept = sum(int(item["paragraphs"]) for item in report.ingested)
    aside = sum(sum(item["set_aside"].values()) for item in report.ingested)
    n = len(report.ingested)
    return (
        f"{n} document{'' if n == 1 else 's'} ingested ({kept} paragraphs kept, {aside} set aside), "
        f"{len(report.skipped)} skipped, {len(report.errors)} failed"
    )
