"""What each command does: open the knowledge base, call one library method
(zxkb.api), render the result (zxkb.render.output), return the exit code.

No Typer here: zxkb.cli.app declares the options and their help for Typer, and
zxkb.cli.fast reads search's arguments without it. No error handling either:
zxkb.cli.run maps every exception to its exit code and message, once
(zxkb.cli.failures). Modules beyond the query path are imported by the commands
that need them, so --json never imports Rich.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NamedTuple

from zxkb.api import ALL_KINDS, DEFAULT_KINDS, KnowledgeBase, report_filter
from zxkb.models import ReportFilter
from zxkb.render.output import Output, message

if TYPE_CHECKING:
    from pathlib import Path

    from zxkb.paths import StrPath


class Where(NamedTuple):
    """The filter options of a command as Typer (or zxkb.cli.fast) read them."""

    doc: list[str] | None = None
    year: list[str] | None = None
    region: list[str] | None = None
    type: list[str] | None = None
    level: list[str] | None = None
    speaker: list[str] | None = None
    copies: bool = False

    def report_filter(self) -> ReportFilter:
        return report_filter(
            docs=self.doc or (),
            years=self.year or (),
            regions=self.region or (),
            types=self.type or (),
            levels=self.level or (),
            speakers=self.speaker or (),
            copies=self.copies,
        )


@contextmanager
def knowledge_base(db: StrPath | None, *, write: bool = False, create: bool = False) -> Iterator[KnowledgeBase]:
    """The database --db names, open to read, or to write (waiting, and saying
    so, while another process writes). Its path as text: no pathlib on the query path."""
    from zxkb.paths import database_file

    path = database_file(db)

    def waiting() -> None:
        message(f"waiting for another zxkb process to finish writing to {path} (Ctrl-C stops)")

    with KnowledgeBase(path, write=write, create=create, on_wait=waiting) as kb:
        yield kb


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
    from zxkb.ingest.run import IngestOptions, summary
    from zxkb.ingest.workers import capped_jobs

    out = Output(json)
    options = IngestOptions.from_user(
        encoding=encoding, max_size_mb=max_size, replace=replace, text_field=text_field, title_field=title_field
    )
    jobs, note = capped_jobs(jobs)
    if note:
        out.message(f"Note: {note}")
    with knowledge_base(db, write=True, create=True) as kb:
        if sys.stderr.isatty():
            from zxkb.render import human

            with human.progress("Ingesting") as on_file:
                report = kb.ingest(paths, options, jobs=jobs, on_file=on_file)
        else:
            report = kb.ingest(paths, options, jobs=jobs)
    out.result("ingest", report)
    if json:  # the human view says them itself
        for item in report.ingested:
            for warning in item.get("warnings") or ():  # type: ignore[attr-defined]
                out.message(f"Warning: {item['source']}: {warning}")
        for item in report.errors:
            out.message(f"Error: {item['source']}: {item['error']}")
            if item.get("hint"):
                out.message(f"Hint: {item['hint']}")
    out.message(summary(report))
    return 2 if report.errors else 0


def rm(docs: list[int], db: Path | None, json: bool) -> int:
    with knowledge_base(db, write=True) as kb:
        removed = kb.remove(docs)
    Output(json).result("removed", removed)
    return 0


def search(
    query: list[str],
    where: Where,
    section: str | None,
    limit: int,
    all_kinds: bool,
    fuzzy: bool,
    exact: bool,
    explain: bool,
    db: StrPath | None,  # the text of --db from zxkb.cli.fast, a Path from Typer
    json: bool,
    count_by: str | None = None,
) -> int:
    chosen = where.report_filter()
    if count_by is not None:
        return _facets(" ".join(query), count_by, chosen, section, all_kinds, fuzzy, db, json)
    with knowledge_base(db) as kb:
        kinds = ALL_KINDS if all_kinds else DEFAULT_KINDS
        text = " ".join(query)
        result = kb.search(
            text,
            where=chosen,
            section=section,
            limit=limit or None,
            kinds=kinds,
            fuzzy=fuzzy,
            exact=exact,
            explain=explain,
        )
    out = Output(json)
    for hint in result.hints:
        out.message(f"Hint: {hint}")
    out.result("search", result)
    return 0 if result.total else 1  # partial hits alone: nothing found


def _facets(
    text: str,
    by: str,
    chosen: ReportFilter,
    section: str | None,
    all_kinds: bool,
    fuzzy: bool,
    db: StrPath | None,
    json: bool,
) -> int:
    from zxkb.errors import UsageError

    for given, name in ((section is not None, "--section"), (all_kinds, "--all"), (fuzzy, "--fuzzy")):
        if given:
            raise UsageError(f"--count-by counts the body paragraphs of whole reports: not with {name}", "leave it out")
    with knowledge_base(db) as kb:
        result = kb.facets(text, by=by, where=chosen)
    Output(json).result("facets", result)
    return 0 if result.total else 1


def fuzzy(term: str, limit: int, where: Where, min_score: float, db: Path | None, json: bool) -> int:
    chosen = where.report_filter()
    with knowledge_base(db) as kb:
        result = kb.fuzzy(term, where=chosen, limit=limit or None, min_score=min_score)
    out = Output(json)
    for warning in result.warnings:
        out.message(f"Warning: {warning}")
    out.result("fuzzy", result)
    return 0 if result.matches else 1


def outline(section: str | None, where: Where, db: Path | None, json: bool) -> int:
    chosen = where.report_filter()
    with knowledge_base(db) as kb:
        outlines = kb.outline(section=section, where=chosen)
    Output(json).result("outline", outlines)
    return 0


def show(ref: str, context: int, db: Path | None, json: bool) -> int:
    with knowledge_base(db) as kb:
        result = kb.show(ref, context=context)
    Output(json).result("show", result)
    return 0


def docs(where: Where, db: Path | None, json: bool) -> int:
    chosen = where.report_filter()
    with knowledge_base(db) as kb:
        infos = kb.documents(where=chosen)
    Output(json).result("docs", infos)
    return 0


def upgrade(db: Path | None, json: bool) -> int:
    with knowledge_base(db, write=True) as kb:
        report = kb.upgrade()
    Output(json).result("upgrade", report)
    return 0


def export(where: Where, kind: list[str] | None, db: Path | None) -> int:
    chosen = where.report_filter()
    with knowledge_base(db) as kb:
        Output(True).json_lines("export_line", kb.export(where=chosen, kinds=kind))
    return 0


def mcp(http: bool, port: int, db: Path | None) -> int:
    """The MCP server (zxkb.mcp.server), with the SDK: the optional extra, imported only here."""
    from zxkb.errors import ZxkbError
    from zxkb.paths import database_path

    path = database_path(db)
    try:
        from zxkb.mcp import server
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").split(".")[0]
        if missing == "zxkb":
            raise
        raise ZxkbError(
            f"zxkb mcp needs the MCP SDK, which is not installed (no module {missing!r})",
            "pip install 'zxkb[mcp]'",
        ) from exc
    return server.run(path, http=http, port=port)


WEB_STACK = ("starlette", "uvicorn", "jinja2")


def serve(host: str, port: int, open_browser: bool, cache_mb: float, db: Path | None, json: bool) -> int:
    """The web stack is imported here only: no other command pays for it."""
    from zxkb.errors import UsageError
    from zxkb.paths import database_path

    try:
        from zxkb.web import server
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").split(".")[0]
        if not missing or missing == "zxkb":
            raise
        raise UsageError(
            f"zxkb serve needs the web extra ({', '.join(WEB_STACK)}): {missing} is not installed",
            "pip install 'zxkb[web]'",
        ) from None
    return server.serve(database_path(db), host, port, open_browser, json, cache_mb)


# --- across the archive ----------------------------------------------------------


def trend(
    terms: list[str],
    by: str,
    where: Where,
    refs: int,
    kwic: bool,
    width: int,
    csv: bool,
    db: Path | None,
    json: bool,
) -> int:
    from zxkb.errors import UsageError

    if csv and json:
        raise UsageError("--csv and --json are two formats: choose one", "zxkb trend TERM --csv > counts.csv")
    chosen = where.report_filter()
    with knowledge_base(db) as kb:
        result = kb.trend(terms, by=by, where=chosen, refs=refs, kwic=kwic, width=width)
    if csv:
        from zxkb.render import tabular

        tabular.trend(result)
    else:
        Output(json).result("trend", result)
    return 0 if any(c.occurrences for b in result.buckets for c in b.counts) else 1


def _merged(shared: Where, side: Where) -> Where:
    """One side of compare: its own filters and the shared ones."""

    def both(a: list[str] | None, b: list[str] | None) -> list[str] | None:
        return [*(a or []), *(b or [])] or None

    return Where(
        both(shared.doc, side.doc),
        both(shared.year, side.year),
        both(shared.region, side.region),
        both(shared.type, side.type),
        both(shared.level, side.level),
        both(shared.speaker, side.speaker),
        shared.copies,
    )


def compare(where: Where, left: Where, right: Where, limit: int, db: Path | None, json: bool) -> int:
    a, b = _merged(where, left).report_filter(), _merged(where, right).report_filter()
    with knowledge_base(db) as kb:
        result = kb.compare(a, b, limit=limit)
    Output(json).result("compare", result)
    return 0 if result.rising or result.falling or result.new or result.gone or result.kept else 1


def track(doc: str, evidence: int, db: Path | None, json: bool) -> int:
    with knowledge_base(db) as kb:
        result = kb.track(doc, evidence=evidence)
    out = Output(json)
    out.result("track", result)
    if result.next is None:
        from zxkb.errors import NoSuccessor

        raise NoSuccessor(
            f"the next report after {result.doc} ({result.expected}: same type and region, the year after)"
            " is not in the knowledge base",
            "ingest it, then run zxkb track again (zxkb docs lists what is stored)",
        )
    return 0 if any(p.status != "not_found" for p in result.plans) else 1
