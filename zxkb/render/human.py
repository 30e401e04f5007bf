"""Results -> Rich views for people. The only module that imports Rich.
Colour only when stdout is a terminal (Rich decides); messages go to stderr."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from zxkb.models import (
    DocInfo,
    FuzzyResult,
    IngestReport,
    Outline,
    OutlineSection,
    Paragraph,
    SearchResult,
    ShowResult,
)

MATCH_STYLE = "bold black on yellow"


def escape(text: str) -> str:
    """rich.markup.escape, imported when needed: rich.markup loads Rich's emoji
    table (~3 ms), which printing search hits never uses."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def _out() -> Console:
    console = Console(highlight=False)
    console.soft_wrap = not console.is_terminal  # piped output keeps whole lines for grep
    return console


def _err() -> Console:
    return Console(stderr=True, highlight=False)


def citation(p: Paragraph) -> Text:
    """`中国人民政治协商会议…工作报告 (2020-01-06) · 二(一) 立足基本职能… · ¶45 [1:45]`"""
    text = Text()
    text.append(p.doc_title, style="bold")
    if p.date:
        text.append(f" ({p.date})", style="dim")
    if p.section:
        text.append(f" · {p.section}", style="cyan")
        if p.section_title:
            text.append(f" {p.section_title}", style="cyan dim")
    text.append(f" · ¶{p.paragraph}", style="green")
    text.append(f"  [{p.ref}]", style="magenta")
    return text


def search(result: SearchResult) -> None:
    out = _out()
    for rank, hit in enumerate(result.hits, 1):
        head = Text(f"{rank:>2}. ", style="bold")
        head.append_text(citation(hit.para))
        if hit.variant is not None:
            head.append(f"  ≈ {hit.variant} ({hit.similarity:g}%)", style="yellow")
        out.print(head)
        snip = Text("    " + hit.snippet)
        for start, end in hit.highlights:
            snip.stylize(MATCH_STYLE, start + 4, end + 4)
        out.print(snip)
        out.print()
    shown = len(result.hits)
    approx = f" ({result.approximate} approximate, marked ≈)" if result.approximate else ""
    # Text, not a markup string: markup loads Rich's emoji table (~2 ms of start-up)
    if shown < result.total:
        out.print(
            Text(f"{shown} of {result.total} paragraphs{approx}; --limit 0 shows all, zxkb show REF shows one", "dim")
        )
    else:
        out.print(Text(f"{result.total} paragraph{'s' if result.total != 1 else ''}{approx}", "dim"))


def no_hits(result: SearchResult) -> None:
    err = _err()
    err.print(f"No paragraph contains {escape(result.query)!r}.")
    if result.suggestions:
        terms = ", ".join(f"{escape(m.term)} ({m.count})" for m in result.suggestions)
        err.print(f"Did you mean: {terms}?")
        err.print("[dim]search --fuzzy also finds close variants; zxkb fuzzy TERM lists close terms[/dim]")


def fuzzy(result: FuzzyResult) -> None:
    if not result.matches:
        _err().print(f"No term is close to {escape(result.query)!r}; try --min-score with a lower value.")
        return
    table = Table(show_lines=False)
    table.add_column("term", overflow="fold", ratio=3)
    table.add_column("score", justify="right")
    table.add_column("count", justify="right")
    table.add_column("documents", style="magenta", overflow="fold", ratio=1)
    for m in result.matches:
        docs = ", ".join(map(str, m.docs[:8])) + (f" … ({len(m.docs)})" if len(m.docs) > 8 else "")
        table.add_row(m.term, f"{m.score:.1f}", str(m.count), docs)
    out = _out()
    out.print(table)
    out.print("[dim]zxkb search TERM shows where a term occurs[/dim]")


_BRANCH, _LAST, _PIPE, _SPACE = "├── ", "└── ", "│   ", "    "
Segments = list[tuple[str, str]]  # (text, Rich style) pieces of a line
_Item = tuple[Segments, list["_Item"]]  # a tree node: its label and its children


def _section_item(sec: OutlineSection) -> _Item:
    label: Segments = [(sec.number if sec.number.startswith("(") else f"{sec.number}、", "bold cyan")]
    label.append((sec.title, "bold"))
    if sec.ref:
        label.append((f"  [{sec.ref}]", "magenta dim"))
    children: list[_Item] = [([(item.title, ""), (f"  [{item.ref}]", "magenta dim")], []) for item in sec.initiatives]
    children.extend(_section_item(child) for child in sec.children)
    return label, children


def _tree_lines(items: list[_Item], prefix: str = "") -> Iterator[Segments]:
    for i, (label, children) in enumerate(items):
        last = i == len(items) - 1
        yield [(prefix + (_LAST if last else _BRANCH), "dim"), *label]
        yield from _tree_lines(children, prefix + (_SPACE if last else _PIPE))


def _outline_lines(o: Outline) -> Iterator[Segments]:
    root: Segments = [(o.doc_title, "bold")]
    if o.date:
        root.append((f" ({o.date})", "dim"))
    root.append((f"  [doc {o.doc_id}]", "magenta dim"))
    yield root
    items = [_section_item(sec) for sec in o.sections] or [([("(no numbered sections)", "dim")], [])]
    yield from _tree_lines(items)


def outline(outlines: list[Outline]) -> None:
    """Each document's sections and initiatives as a tree, drawn here rather than
    with rich.tree.Tree, which measures and wraps every node (and cut lines at 80
    columns in a pipe): to a pipe the lines are written as plain text, whole; on
    a terminal each document is one styled Text. The outline of 1,831 reports
    (10 MB) took 6.7 s with Tree."""
    out = _out()
    if not out.is_terminal:
        write = sys.stdout.write
        for o in outlines:
            for line in _outline_lines(o):
                write("".join(text for text, _ in line) + "\n")
        return
    for o in outlines:
        text = Text()
        for line in _outline_lines(o):
            for piece, style in line:
                text.append(piece, style=style or None)
            text.append("\n")
        text.rstrip()
        out.print(text)


def docs(infos: list[DocInfo]) -> None:
    table = Table(show_lines=False)
    for name, kw in (
        ("id", {"justify": "right", "style": "magenta"}),
        ("title", {"overflow": "fold", "min_width": 16, "ratio": 3}),
        ("date", {}),
        ("author", {}),
        ("paragraphs", {"justify": "right"}),
        ("sections", {"justify": "right"}),
        ("source", {"style": "dim", "overflow": "fold", "ratio": 1}),
    ):
        table.add_column(name, **kw)  # type: ignore[arg-type]
    for d in infos:
        table.add_row(
            str(d.id),
            d.title,
            d.date or "",
            d.author or "",
            str(d.paragraphs),
            str(d.sections),
            Path(d.source).name,
        )
    _out().print(table)


def show(result: ShowResult) -> None:
    out = _out()
    target = result.para
    before = [p for p in result.context if p.paragraph < target.paragraph]
    after = [p for p in result.context if p.paragraph > target.paragraph]
    for p in before:
        out.print(_neighbour(p))
    out.print(citation(target))
    out.print(Text(target.text))
    for p in after:
        out.print(_neighbour(p))


def _neighbour(p: Paragraph) -> Text:
    label = Text(f"¶{p.paragraph} ", style="dim green")
    if p.kind != "body":
        label.append(f"[{p.kind}] ", style="dim")
    return label.append(Text(p.text, style="dim"))


@contextmanager
def progress(label: str) -> Iterator[Callable[[int, int, Path], None]]:
    """A progress bar on stderr; yields the callback that advances it."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("[dim]{task.description}"),
        console=_err(),
        transient=True,
    )
    task = bar.add_task("", total=None)

    def advance(done: int, total: int, path: Path) -> None:
        bar.update(task, completed=done, total=total, description=path.name)

    with bar:
        yield advance


def ingest(report: IngestReport) -> None:
    out = _out()
    for item in report.ingested:
        aside: dict[str, int] = item.get("set_aside") or {}  # type: ignore[assignment]
        out.print(
            f"[green]ingested[/green] [magenta]doc {item['doc']}[/magenta] {escape(str(item['title']))}: "
            f"{item['paragraphs']} paragraphs, {item.get('sections', 0)} sections"
            + (f" (set aside: {', '.join(f'{k} {v}' for k, v in aside.items() if v)})" if any(aside.values()) else "")
            + f"  [dim]{escape(Path(str(item['source'])).name)}[/dim]"
        )
    for item in report.skipped:
        out.print(f"[yellow]skipped[/yellow] {escape(str(item['source']))}: {escape(str(item['reason']))}")
    err = _err()
    for item in report.errors:
        err.print(f"[red]Error:[/red] {escape(str(item['source']))}: {escape(str(item['error']))}")
        if item.get("hint"):
            err.print(f"Hint: {escape(str(item['hint']))}")
