"""The command line: parse options, call one library function, render.

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
from typing import Annotated, Any, TypeVar

import typer

from zxkb import __version__
from zxkb.errors import ZxkbError

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="zxkb",
    help="A knowledge base for Chinese work reports: ingest reports, then search, list, show and export them.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Database file. Default: $ZXKB_DB, else the per-user data folder.", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Write JSON to stdout (the README documents it).")]
DocOption = Annotated[str | None, typer.Option("--doc", "-d", help="Only this document: its id, or part of its title.")]
SectionOption = Annotated[
    str | None,
    typer.Option("--section", "-s", help="Only this section and its subsections: 二, 二(一), 2 or 2.1."),
]


def _fail(message: str, hint: str | None, code: int = 2) -> None:
    print(f"Error: {message}", file=sys.stderr)
    if hint:
        print(f"Hint: {hint}", file=sys.stderr)
    raise typer.Exit(code)


def errors(fn: F) -> F:
    """Turn ZxkbError into `Error: …` + hint on stderr and exit 2; no tracebacks
    unless ZXKB_DEBUG is set."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except ZxkbError as exc:
            if os.environ.get("ZXKB_DEBUG"):
                raise
            _fail(exc.message, exc.hint, exc.exit_code)
        except OSError as exc:
            if exc.errno == errno.EPIPE or os.environ.get("ZXKB_DEBUG"):
                raise
            _fail(str(exc), "check the path and its permissions")
        except Exception as exc:  # a bug: say so plainly, without a traceback
            if os.environ.get("ZXKB_DEBUG"):
                raise
            _fail(
                f"internal error: {type(exc).__name__}: {exc}",
                "this is a bug in zxkb; run again with ZXKB_DEBUG=1 for the traceback and report it",
            )
        finally:
            while _OPEN:
                _OPEN.pop().close()

    return wrapper  # type: ignore[return-value]


def _render(as_json: bool, view: str, result: object) -> None:
    """Write `result` with the JSON view of that name, or the Rich one (imported only then)."""
    if as_json:
        from zxkb.render import json as render

        render.dump(getattr(render, view)(result))
    else:
        from zxkb.render import human

        getattr(human, view)(result)


_OPEN: list[Any] = []  # connections a command opened; closed when it ends


def _connect(db: Path | None, *, create: bool = False) -> Any:
    from zxkb import store
    from zxkb.paths import database_path

    conn = store.connect(database_path(db), create=create)
    _OPEN.append(conn)
    return conn


def _version(value: bool) -> None:
    if value:
        print(f"zxkb {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """A knowledge base for Chinese work reports."""


@app.command()
@errors
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Report files or folders (searched recursively).", metavar="PATH...")
    ],
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="Decode every file with this encoding (default: detect).")
    ] = None,
    max_size: Annotated[float, typer.Option("--max-size", help="Largest file to accept, in MB.")] = 50,
    replace: Annotated[
        bool, typer.Option("--replace", help="A changed file replaces the document ingested from the same path.")
    ] = False,
    text_field: Annotated[
        str | None,
        typer.Option(
            "--text-field", help="CSV column / JSON key with the report's text (default: full_text, content, text)."
        ),
    ] = None,
    title_field: Annotated[
        str | None,
        typer.Option("--title-field", help="CSV column / JSON key with the report's title (default: title)."),
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Add reports to the knowledge base, one transaction each: .txt, .md, .html, .docx (one report a file),
    .csv and .jsonl/.json (one report per row or record). Unchanged reports are skipped; a file that fails
    is reported and the others still go in."""
    from zxkb.formats import ReadOptions
    from zxkb.ingest import IngestOptions, ingest_paths

    conn = _connect(db, create=True)
    options = IngestOptions(
        read=ReadOptions(encoding, text_field, title_field),
        max_bytes=int(max_size * 1024 * 1024),
        replace=replace,
    )
    if sys.stderr.isatty():
        from zxkb.render import human

        with human.progress("Ingesting") as on_file:
            report = ingest_paths(conn, paths, options, on_file=on_file)
    else:
        report = ingest_paths(conn, paths, options)
    if json:
        from zxkb.render import json as render

        render.dump(render.ingest(report))
        for item in report.errors:
            print(f"Error: {item['source']}: {item['error']}", file=sys.stderr)
    else:
        from zxkb.render import human

        human.ingest(report)
    print(_ingest_summary(report), file=sys.stderr)
    if report.errors:
        raise typer.Exit(2)


def _ingest_summary(report: Any) -> str:
    kept = sum(int(item["paragraphs"]) for item in report.ingested)
    aside = sum(sum(item["set_aside"].values()) for item in report.ingested)
    return (
        f"{len(report.ingested)} documents ingested ({kept} paragraphs kept, {aside} set aside), "
        f"{len(report.skipped)} skipped, {len(report.errors)} failed"
    )


@app.command()
@errors
def rm(
    docs: Annotated[
        list[int], typer.Argument(help="Ids of the documents to remove (zxkb docs lists them).", metavar="DOC...")
    ],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Remove documents, with their sections, paragraphs and index entries."""
    from zxkb import store
    from zxkb.errors import NotFound

    conn = _connect(db)
    known = {d.id: d for d in store.documents(conn)}
    missing = [d for d in docs if d not in known]
    if missing:
        raise NotFound(f"no document {missing[0]}", "zxkb docs lists the documents with their ids; nothing was removed")
    removed = []
    for doc_id in dict.fromkeys(docs):
        store.remove_document(conn, doc_id)
        removed.append({"doc": doc_id, "title": known[doc_id].title, "source": known[doc_id].source})
    if json:
        from zxkb.render import json as render

        render.dump({"removed": removed})
    else:
        for item in removed:
            print(f"removed document {item['doc']}: {item['title']}")


@app.command()
@errors
def search(
    query: Annotated[
        list[str],
        typer.Argument(
            help='Terms that must all occur; OR between alternatives; -term excludes; "..." is a phrase. '
            "Put a query that starts with - after --.",
            show_default=False,
            metavar="QUERY...",
        ),
    ],
    doc: DocOption = None,
    section: SectionOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, help="Hits to show; 0 shows all.")] = 10,
    all_kinds: Annotated[
        bool, typer.Option("--all", help="Also search headings, front matter and noise (advertisements).")
    ] = False,
    fuzzy: Annotated[
        bool,
        typer.Option(
            "--fuzzy", "-f", help="Also find paragraphs with a close variant of the query (marked approximate)."
        ),
    ] = False,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Find paragraphs, best first, with snippets and citations. Exit 1 when nothing matches,
    with the closest terms as suggestions."""
    from zxkb import search as engine

    conn = _connect(db)
    kinds = engine.ALL_KINDS if all_kinds else engine.DEFAULT_KINDS
    result = engine.search(
        conn, " ".join(query), doc=doc, section=section, limit=limit or None, kinds=kinds, fuzzy=fuzzy
    )
    if json:
        from zxkb.render import json as render

        render.dump(render.search(result))
    else:
        from zxkb.render import human

        if result.total:
            human.search(result)
        else:
            human.no_hits(result)
    if not result.total:
        raise typer.Exit(1)


@app.command("fuzzy")
@errors
def fuzzy_(
    term: Annotated[
        str,
        typer.Argument(
            help="A term as you remember it: characters (simplified or traditional), pinyin or its initials.",
            show_default=False,
            metavar="TERM",
        ),
    ],
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, help="Terms to show; 0 shows all.")] = 10,
    doc: DocOption = None,
    min_score: Annotated[
        float, typer.Option("--min-score", min=0, max=100, help="Leave out terms that score less (0-100).")
    ] = 60,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """The terms of the knowledge base closest to TERM, best first, with how often and
    where they occur. Exit 1 when none is close enough."""
    from zxkb.fuzzy import find

    conn = _connect(db)
    result = find(conn, term, doc=doc, limit=limit or None, min_score=min_score)
    _render(json, "fuzzy", result)
    if not result.matches:
        raise typer.Exit(1)


@app.command("list")
@errors
def list_(
    section: SectionOption = None,
    doc: DocOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """The outline: sections, subsections and their initiatives, as a tree."""
    from zxkb import store
    from zxkb.numbering import parse_section_path

    conn = _connect(db)
    path = parse_section_path(section) if section is not None else None
    doc_ids = store.resolve_docs(conn, doc)
    outlines = store.outline(conn, doc_ids, path)
    if path is not None and not outlines:
        _fail(f"no section {path}", "zxkb list shows the sections and their paths")
    _render(json, "outline", outlines)


@app.command()
@errors
def show(
    ref: Annotated[str, typer.Argument(help="DOC:PARAGRAPH, as printed by search (e.g. 1:27).")],
    context: Annotated[int, typer.Option("--context", "-C", min=0, help="Neighbours to show on each side.")] = 1,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """One paragraph in full with its citation, and its neighbours."""
    from zxkb.show import show as show_paragraph

    conn = _connect(db)
    result = show_paragraph(conn, ref, context)
    _render(json, "show", result)


@app.command()
@errors
def docs(db: DbOption = None, json: JsonOption = False) -> None:
    """The documents with their metadata and counts."""
    from zxkb import store

    infos = store.documents(_connect(db))
    _render(json, "docs", infos)


@app.command()
@errors
def export(
    doc: DocOption = None,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", "-k", help="Only these kinds: body, heading, front, noise (repeatable)."),
    ] = None,
    db: DbOption = None,
    json: Annotated[
        bool, typer.Option("--json", help="Accepted for symmetry: export always writes JSON Lines.")
    ] = True,
) -> None:
    """Every paragraph as JSON Lines (one object a line), for jq and pandas."""
    from zxkb import store
    from zxkb.models import KINDS
    from zxkb.render import json as render

    kinds = tuple(kind or KINDS)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        _fail(f"unknown kind {unknown[0]!r}", f"kinds are {', '.join(KINDS)}")
    conn = _connect(db)
    render.dump_lines(map(render.export_line, store.iter_paragraphs(conn, store.resolve_docs(conn, doc), kinds)))  # type: ignore[arg-type]


def main() -> None:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    app(prog_name="zxkb")
