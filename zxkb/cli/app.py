"""The command line as Typer declares it: each command's options and help.
Typer only parses: each command returns its implementation in
zxkb.cli.commands with the parsed arguments, and zxkb.cli.run runs it, so that
one table (zxkb.cli.failures) decides every exit code. A command's help is its
docstring here, and only here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from zxkb import __version__
from zxkb.cli import analysis, commands
from zxkb.cli.options import (
    CopiesOption,
    DbOption,
    DocOption,
    JsonOption,
    LevelOption,
    RegionOption,
    SectionOption,
    SpeakerOption,
    TypeOption,
    YearOption,
)

Command = Callable[[], int]

app = typer.Typer(
    name="zxkb",
    help="A knowledge base for Chinese work reports: ingest them; search, read and export them; count terms across"
    " years and regions, compare reports, track plans; serve them as a web page or to AI assistants.",
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Report files or folders (searched recursively).", metavar="PATH...")
    ],
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="Decode every file with this encoding (default: detect).")
    ] = None,
    max_size: Annotated[
        float,
        typer.Option(
            "--max-size", help="Largest file to accept, in MB of 1,048,576 bytes; a .docx may expand to 10 times it."
        ),
    ] = 50,
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
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            help="Processes that read and parse files (default: one per CPU core; 1: none; at most twice the cores).",
        ),
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> Command:
    """Add reports to the knowledge base, each stored whole or not at all: .txt, .md, .html, .docx,
    .pdf (one report a file; a PDF's text layer), .csv and .jsonl/.json (one report per row or
    record). Unchanged reports are skipped; a file that fails is reported and the others still go in."""
    return partial(
        commands.ingest,
        paths=paths,
        encoding=encoding,
        max_size=max_size,
        replace=replace,
        text_field=text_field,
        title_field=title_field,
        jobs=jobs,
        db=db,
        json=json,
    )


@app.command()
def rm(
    docs: Annotated[
        list[int], typer.Argument(help="Ids of the documents to remove (zxkb docs lists them).", metavar="DOC...")
    ],
    db: DbOption = None,
    json: JsonOption = False,
) -> Command:
    """Remove documents, with their sections, paragraphs and index entries."""
    return partial(commands.rm, docs=docs, db=db, json=json)


@app.command()
def search(
    query: Annotated[
        list[str],
        typer.Argument(
            help="Terms that must all occur (AND); OR between alternatives; -term or NOT term excludes; "
            '( ) group; "..." is a phrase. Put a query that starts with - after --.',
            show_default=False,
            metavar="QUERY...",
        ),
    ],
    doc: DocOption = None,
    year: YearOption = None,
    region: RegionOption = None,
    type_: TypeOption = None,
    level: LevelOption = None,
    speaker: SpeakerOption = None,
    copies: CopiesOption = False,
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
    exact: Annotated[
        bool,
        typer.Option(
            "--exact", help="No partial hits: when nothing holds the whole query, show nothing but suggestions."
        ),
    ] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show how each hit's score is made: each signal's part.")
    ] = False,
    count_by: Annotated[
        str | None,
        typer.Option(
            "--count-by", help="Instead of hits, how many paragraphs each year (or region, type, speaker, doc) holds."
        ),
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> Command:
    """Find paragraphs, best first, with snippets and citations, in every report once (or in the reports
    the filters name). When no paragraph holds the whole query, those holding most of its terms follow,
    marked partial (not with --exact). Exit 1 when nothing matches the whole query, with the closest
    terms as suggestions."""
    return partial(
        commands.search,
        query=query,
        where=commands.Where(doc, year, region, type_, level, speaker, copies),
        section=section,
        limit=limit,
        all_kinds=all_kinds,
        fuzzy=fuzzy,
        exact=exact,
        explain=explain,
        db=db,
        json=json,
        count_by=count_by,
    )


@app.command("fuzzy")
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
    year: YearOption = None,
    region: RegionOption = None,
    type_: TypeOption = None,
    level: LevelOption = None,
    speaker: SpeakerOption = None,
    copies: CopiesOption = False,
    min_score: Annotated[
        float, typer.Option("--min-score", min=0, max=100, help="Leave out terms that score less (0-100).")
    ] = 60,
    db: DbOption = None,
    json: JsonOption = False,
) -> Command:
    """The terms of the knowledge base closest to TERM, best first, with how often and
    where they occur. Exit 1 when none is close enough."""
    where = commands.Where(doc, year, region, type_, level, speaker, copies)
    return partial(commands.fuzzy, term=term, limit=limit, where=where, min_score=min_score, db=db, json=json)


@app.command("list")
def list_(
    section: SectionOption = None,
    doc: DocOption = None,
    year: YearOption = None,
    region: RegionOption = None,
    type_: TypeOption = None,
    level: LevelOption = None,
    speaker: SpeakerOption = None,
    copies: CopiesOption = False,
    db: DbOption = None,
    json: JsonOption = False,
) -> Command:
    """The outline: sections, subsections and their initiatives, as a tree."""
    where = commands.Where(doc, year, region, type_, level, speaker, copies)
    return partial(commands.outline, section=section, where=where, db=db, json=json)


@app.command()
def show(
    ref: Annotated[str, typer.Argument(help="DOC:PARAGRAPH, as printed by search (e.g. 1:27).")],
    context: Annotated[int, typer.Option("--context", "-C", min=0, help="Neighbours to show on each side.")] = 1,
    db: DbOption = None,
    json: JsonOption = False,
) -> Command:
    """One paragraph in full with its citation, and its neighbours."""
    return partial(commands.show, ref=ref, context=context, db=db, json=json)


@app.command()
def docs(
    doc: DocOption = None,
    year: YearOption = None,
    region: RegionOption = None,
    type_: TypeOption = None,
    level: LevelOption = None,
    speaker: SpeakerOption = None,
    copies: Annotated[
        bool, typer.Option("--copies", help="Accepted for symmetry: docs always lists every copy of a report.")
    ] = False,
    db: DbOption = None,
    json: JsonOption = False,
) -> Command:
    """The documents with what report each is (type, level, region, year, speaker), their copies
    from other sources and their counts."""
    where = commands.Where(doc, year, region, type_, level, speaker, copies)
    return partial(commands.docs, where=where, db=db, json=json)


@app.command()
def export(
    doc: DocOption = None,
    year: YearOption = None,
    region: RegionOption = None,
    type_: TypeOption = None,
    level: LevelOption = None,
    speaker: SpeakerOption = None,
    copies: CopiesOption = False,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind", "-k", help="Only these kinds (repeatable): body, heading, front, noise, chrome, duplicate."
        ),
    ] = None,
    db: DbOption = None,
    json: Annotated[
        bool, typer.Option("--json", help="Accepted for symmetry: export always writes JSON Lines.")
    ] = True,
) -> Command:
    """Every paragraph as JSON Lines (one object a line), for jq and pandas: of every report once,
    or of the reports the filters name."""
    where = commands.Where(doc, year, region, type_, level, speaker, copies)
    return partial(commands.export, where=where, kind=kind, db=db)


@app.command()
def upgrade(db: DbOption = None, json: JsonOption = False) -> Command:
    """Bring a database made by an older zxkb up to date: migrate its schema, rebuild its index
    for this version's text normaliser, and add the terms an interrupted ingest left out of the
    vocabulary. Read commands never write, so they ask for this when it is needed."""
    return partial(commands.upgrade, db=db, json=json)


@app.command("mcp")
def mcp_(
    http: Annotated[
        bool,
        typer.Option("--http", help="Serve streamable HTTP on http://127.0.0.1:PORT/mcp instead of stdio."),
    ] = False,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="The port for --http.")] = 8765,
    db: DbOption = None,
) -> Command:
    """Serve the knowledge base to AI assistants over the Model Context Protocol (MCP): tools to
    search, show, outline, list documents and find terms, each answer with its citations, read-only.
    JSON-RPC on stdout (stdio: what desktop assistants start), logs on stderr. Needs the extra:
    pip install 'zxkb[mcp]'."""
    return partial(commands.mcp, http=http, port=port, db=db)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (not loopback: a warning).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535, help="Port; 0 takes a free one.")] = 8765,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the page in the web browser.")] = False,
    cache_mb: Annotated[float, typer.Option("--cache-mb", min=0, help="MB of answers kept; 0: none.")] = 64,
    db: DbOption = None,
    json: Annotated[bool, typer.Option("--json", help='Print the address as JSON: {"url", "db"}.')] = False,
) -> Command:
    """A local web page over the knowledge base, read-only, until Ctrl-C: search with facets, the reader,
    the documents, and a JSON API equal to --json (/api/search?q=…). Needs: pip install 'zxkb[web]'."""
    return partial(commands.serve, host=host, port=port, open_browser=open_browser, cache_mb=cache_mb, db=db, json=json)


app.command()(analysis.trend)
app.command()(analysis.compare)
app.command()(analysis.track)

SHELLS = ("bash", "zsh", "fish")


@app.command()
def completion(
    shell: Annotated[str, typer.Argument(help="The shell: bash, zsh or fish.", show_default=False)],
) -> Command:
    """Print the shell completion script for SHELL: eval it in your shell's start-up file, e.g.
    eval "$(zxkb completion bash)" in ~/.bashrc (zxkb --install-completion does this for the shell you run)."""
    return partial(_completion_script, shell)


def _completion_script(shell: str) -> int:
    from typer._completion_shared import get_completion_script

    from zxkb.errors import UsageError

    if shell not in SHELLS:
        raise UsageError(f"no completion for {shell!r}", f"shells: {', '.join(SHELLS)}")
    print(get_completion_script(prog_name="zxkb", complete_var="_ZXKB_COMPLETE", shell=shell))
    return 0


def parse(argv: list[str]) -> Command | int:
    """The command argv names, with its arguments; or the exit code when Typer
    answered already: help, --version, a usage error (shown on stderr, 2)."""
    try:
        command = app(args=argv, prog_name="zxkb", standalone_mode=False)
    except Exception as exc:
        if type(exc).__name__ == "Abort":
            return 1
        if not isinstance(exc, _click_exception()):
            raise
        _usage_error(exc)
        return int(exc.exit_code)  # type: ignore[attr-defined]
    return command if callable(command) else int(command or 0)


def _usage_error(exc: Exception) -> None:
    """A usage error as every other error: the usage line, `Error: …`, `Hint: …` (on stderr)."""
    from zxkb.render.output import error, message

    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        message(ctx.get_usage())
    path = ctx.command_path if ctx is not None else "zxkb"
    hint = f"{path} --help shows every option"
    option = getattr(exc, "option_name", None) or ""
    if path.endswith("search") and option.startswith("-") and not option.isascii():
        hint = "a query with -term exclusions goes after --: zxkb search -- 协商 -监督"
    error(exc.format_message(), hint)  # type: ignore[attr-defined]


def _click_exception() -> type[Exception]:
    """Click's ClickException, whether Typer vendors Click or depends on it."""
    return next(cls for cls in typer.BadParameter.__mro__ if cls.__name__ == "ClickException")
