"""Results -> views for people, drawn with Rich. The only module that imports Rich.

Colour only when stdout is a terminal (Rich decides); messages go to stderr.
On a terminal every line is wrapped to its width here (zxkb.render.wrap: the
rules of Chinese line breaking, references never cut), so Rich only styles;
to a pipe each line is written whole, for grep. Text from reports, titles and
file names is untrusted: its control characters are shown escaped
(zxkb.render.safe), and Rich markup in it is never interpreted (only Text
objects carry report text).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from zxkb.models import Hit, Paragraph, SearchResult
from zxkb.render.safe import printable
from zxkb.render.wrap import Piece, wrap

if TYPE_CHECKING:  # records search does not need: created when used (zxkb.models)
    from pathlib import Path

    from zxkb.models import DocInfo, FuzzyResult, IngestReport, Outline, OutlineSection, ShowResult, UpgradeReport

MATCH_STYLE = "bold black on yellow"
PRINTED_HITS = 50  # search's hits go to Rich in one print this many at a time (a print costs ~0.15 ms)
Pieces = list[Piece]


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """A closed pipe (| head) ends the command as done (zxkb.cli.failures),
        not with Rich's exit code 1."""
        self.quiet = True
        raise BrokenPipeError


def _out() -> Console:
    console = _Console(highlight=False)
    console.soft_wrap = not console.is_terminal  # piped output keeps whole lines for grep
    return console


def _err() -> Console:
    return _Console(stderr=True, highlight=False)


def _width(console: Console) -> int | None:
    """Cells to wrap to: the terminal's width; None (no wrapping) to a pipe."""
    return console.width if console.is_terminal else None


def _char_cells(ch: str) -> int:
    return cell_len(ch)


def _lines(console: Console, pieces: Pieces, *, indent: str = "", hang: str = "") -> list[Text]:
    """Styled pieces as wrapped lines: (text, style, breakable) with report text
    made printable."""
    safe = [(printable(text), style, breakable) for text, style, breakable in pieces]
    lines = []
    for line in wrap(safe, _width(console), indent=indent, hang=hang, width_of=_char_cells):
        text = Text()
        for part, style in line:
            text.append(part, style=style or None)
        lines.append(text)
    return lines


def _print_lines(console: Console, lines: list[Text]) -> None:
    """Lines in one call of Rich's print (each call costs ~0.15 ms): the same
    output as a call for each."""
    console.print(*lines, sep="\n", soft_wrap=True)  # wrapped already: Rich must not wrap again


def _print(console: Console, pieces: Pieces, *, indent: str = "", hang: str = "") -> None:
    _print_lines(console, _lines(console, pieces, indent=indent, hang=hang))


def _text(text: str, style: str = "") -> Piece:
    return (text, style, True)


def _ref(text: str, style: str = "magenta") -> Piece:
    """A reference: never cut across lines."""
    return (text, style, False)


def citation(p: Paragraph) -> Pieces:
    """`中国人民政治协商会议…工作报告 (2020-01-06) · 二(一) 立足基本职能… · ¶45  [1:45]`,
    with ` · p. 3` before the reference when the paragraph's page is known (a PDF)."""
    pieces = [_text(p.doc_title, "bold")]
    if p.date:
        pieces.append(_ref(f" ({p.date})", "dim"))
    if p.section:
        pieces.append(_ref(f" · {p.section}", "cyan"))
        if p.section_title:
            pieces.append(_text(f" {p.section_title}", "cyan dim"))
    pieces.append(_ref(f" · ¶{p.paragraph}", "green"))
    if p.page is not None:
        pieces.append(_ref(f" · p. {p.page}", "green"))
    pieces.append(_ref(f"  [{p.ref}]"))
    return pieces


def _highlighted(text: str, spans: Iterable[tuple[int, int]]) -> Pieces:
    pieces: Pieces = []
    at = 0
    for start, end in spans:
        if start > at:
            pieces.append(_text(text[at:start]))
        pieces.append(_text(text[start:end], MATCH_STYLE))
        at = end
    if at < len(text):
        pieces.append(_text(text[at:]))
    return pieces


def search(result: SearchResult) -> None:
    if not result.total:
        no_hits(result)
        if not result.hits:
            return
    out = _out()
    lines: list[Text] = []  # printed PRINTED_HITS hits at a time
    for rank, hit in enumerate(result.hits, 1):
        head = [_ref(f"{rank:>2}. ", "bold"), *citation(hit.para)]
        if hit.variant is not None:
            head.append(_ref(f"  ≈ {hit.variant} ({hit.similarity:g}%)", "yellow"))
        lines += _lines(out, head, hang="    ")
        if hit.missing is not None:
            lines += _lines(out, _partial(hit), indent="    ", hang="    ")
        lines += _lines(out, _highlighted(hit.snippet, hit.highlights), indent="    ", hang="    ")
        if hit.explain is not None:
            lines += _lines(out, [_text(_explained(hit.score, hit.explain), "dim")], indent="    ", hang="      ")
        lines.append(Text())  # a blank line
        if rank % PRINTED_HITS == 0:
            _print_lines(out, lines)
            lines = []
    shown, total = len(result.hits), result.total or result.partial
    noun = "paragraphs" if result.total else "partial hits"
    approx = f" ({result.approximate} approximate, marked ≈)" if result.approximate else ""
    within = f" in the reports of {result.filters.described()}" if result.filters and result.filters.filtered else ""
    if shown < total:
        summary = f"{shown} of {total} {noun}{approx}{within}; --limit 0 shows all, zxkb show REF shows one"
    else:
        summary = f"{total} {noun if total != 1 else noun[:-1]}{approx}{within}"
    _print_lines(out, lines + _lines(out, [_text(summary, "dim")]))


def _partial(hit: Hit) -> Pieces:
    """`partial: holds 远程协商, 清水塘 · misses 市委书记`"""
    pieces = [_ref("partial", "yellow"), _text(": holds " + ", ".join(hit.matched or ()), "yellow")]
    if hit.missing:
        pieces.append(_text(" · misses " + ", ".join(hit.missing), "yellow dim"))
    return pieces


def _explained(score: float, parts: tuple[tuple[str, float], ...]) -> str:
    """`score 6.2 = bm25 7.1 + title 0.5 − length 1.4`"""
    terms = []
    for i, (name, value) in enumerate(parts):
        if i and not value:
            continue
        sign = "" if i == 0 else ("− " if value < 0 else "+ ")
        terms.append(f"{sign}{name} {abs(value) if i else value:.4g}")
    return f"score {score:.4g} = " + " ".join(terms)


def no_hits(result: SearchResult) -> None:
    err = _err()
    within = ""
    if result.filters and result.filters.filtered:
        within = f" in the reports of {result.filters.described()}"
    _print(err, [_text(f"No paragraph contains {result.query!r}{within}.")])
    if result.partial:
        holds = f"{result.partial} paragraph{'s hold' if result.partial != 1 else ' holds'} some of its terms"
        _print(err, [_text(f"{holds}: the partial hits below (--exact leaves them out).")])
    if result.suggestions:
        terms = ", ".join(f"{m.term} ({m.count})" for m in result.suggestions)
        _print(err, [_text(f"Did you mean: {terms}?")])
        _print(err, [_text("search --fuzzy also finds close variants; zxkb fuzzy TERM lists close terms", "dim")])


def fuzzy(result: FuzzyResult) -> None:
    if not result.matches:
        _print(_err(), [_text(f"No term is close to {result.query!r}; try --min-score with a lower value.")])
        return
    table = Table(show_lines=False)
    table.add_column("term", overflow="fold", ratio=3)
    table.add_column("score", justify="right")
    table.add_column("count", justify="right")
    table.add_column("documents", style="magenta", overflow="fold", ratio=1)
    for m in result.matches:
        docs = ", ".join(map(str, m.docs[:8])) + (f" … ({len(m.docs)})" if len(m.docs) > 8 else "")
        table.add_row(Text(printable(m.term)), f"{m.score:.1f}", str(m.count), docs)
    out = _out()
    out.print(table)
    _print(out, [_text("zxkb search TERM shows where a term occurs", "dim")])


# --- the outline ---------------------------------------------------------------

_BRANCH, _LAST, _PIPE, _SPACE = "├── ", "└── ", "│   ", "    "
_Item = tuple[Pieces, list["_Item"]]  # a tree node: its label and its children


def _section_item(sec: OutlineSection) -> _Item:
    label: Pieces = [_ref(sec.number if sec.number.startswith("(") else f"{sec.number}、", "bold cyan")]
    label.append(_text(sec.title, "bold"))
    if sec.ref:
        label.append(_ref(f"  [{sec.ref}]", "magenta dim"))
    # in reading order: a section's paragraphs after its last subsection come after that subsection
    placed: list[tuple[int, _Item]] = [
        (_seq(item.ref), ([_text(item.title), _ref(f"  [{item.ref}]", "magenta dim")], [])) for item in sec.initiatives
    ]
    placed.extend((_seq(child.ref), _section_item(child)) for child in sec.children)
    placed.sort(key=lambda pair: pair[0])
    return label, [item for _, item in placed]


def _seq(ref: str | None) -> int:
    return int(ref.rsplit(":", 1)[1]) if ref and ":" in ref else 0


def _tree(console: Console, items: list[_Item], prefix: str = "") -> None:
    """Each node on its own line(s): a label that does not fit goes on under its
    own branch, indented, never starting a line with the branch alone."""
    for i, (label, children) in enumerate(items):
        last = i == len(items) - 1
        below = prefix + (_SPACE if last else _PIPE)
        hang = below + (_PIPE if children else _SPACE)
        _print(console, label, indent=prefix + (_LAST if last else _BRANCH), hang=hang)
        _tree(console, children, below)


def outline(outlines: list[Outline]) -> None:
    """Each document's sections and initiatives as a tree, drawn here rather than
    with rich.tree.Tree, which measures and wraps every node (and cut lines at 80
    columns in a pipe). The outline of 1,831 reports (10 MB) took 6.7 s with Tree."""
    out = _out()
    for o in outlines:
        root = [_text(o.doc_title, "bold")]
        if o.date:
            root.append(_ref(f" ({o.date})", "dim"))
        root.append(_ref(f"  [doc {o.doc_id}]", "magenta dim"))
        _print(out, root, hang="  ")
        items = [_section_item(sec) for sec in o.sections] or [([_text("(no numbered sections)", "dim")], [])]
        _tree(out, items)


# --- documents, paragraphs, removals ---------------------------------------------


def docs(infos: list[DocInfo]) -> None:
    """Two lines a document: id, title, date and speaker; then what report it
    is, its counts and source; a copy says of which document, the canonical
    copy lists the others."""
    from pathlib import Path  # not on a search's path

    out = _out()
    for d in infos:
        head = [_ref(f"{d.id:>4}  ", "magenta"), _text(d.title, "bold")]
        if d.date:
            head.append(_ref(f" · {d.date}", "dim"))
        if d.speaker:
            head.append(_text(f" · {' '.join(x for x in (d.speaker_role, d.speaker) if x)}"))
        _print(out, head, hang="      ")
        pages = f", {d.pages} pages" if d.pages is not None else ""
        report = " · ".join(str(x) for x in (d.type, d.region, d.year) if x)
        detail = f"{report} · {d.paragraphs} paragraphs, {d.sections} sections{pages} · "
        _print(out, [_ref(detail, "dim"), _text(Path(d.source).name, "dim")], indent="      ", hang="      ")
        if d.copy_of is not None:
            _print(out, [_ref(f"copy of {d.copy_of}", "yellow")], indent="      ")
        elif d.copies:
            _print(out, [_ref(f"copies: {', '.join(map(str, d.copies))}", "yellow")], indent="      ")
    copies = sum(1 for d in infos if d.copy_of is not None)
    if copies:
        _print(out, [_text(f"{len(infos)} documents, {len(infos) - copies} reports ({copies} copies)", "dim")])


def upgrade(report: UpgradeReport) -> None:
    done = []
    if report.migrated_from is not None:
        done.append(f"schema {report.migrated_from} -> {report.schema_version}")
    if report.index_rebuilt:
        done.append("index rebuilt")
    if report.vocabulary_updated:
        done.append("vocabulary brought up to date")
    if report.reports_placed:
        done.append("reports identified and their copies found")
    _print(_out(), [_text(f"{report.path}: " + (", ".join(done) if done else "up to date, nothing to do"))])


def removed(infos: list[DocInfo]) -> None:
    out = _out()
    for d in infos:
        _print(out, [_ref(f"removed document {d.id}: "), _text(d.title)])


def show(result: ShowResult) -> None:
    out = _out()
    target = result.para
    for p in result.context:
        if p.paragraph < target.paragraph:
            _neighbour(out, p)
    _print(out, citation(target))
    _print(out, [_text(target.text)])
    for p in result.context:
        if p.paragraph > target.paragraph:
            _neighbour(out, p)


def _neighbour(console: Console, p: Paragraph) -> None:
    label = [_ref(f"¶{p.paragraph} ", "dim green")]
    if p.kind != "body":
        label.append(_ref(f"[{p.kind}] ", "dim"))
    _print(console, [*label, _text(p.text, "dim")])


# --- ingest ------------------------------------------------------------------------


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
        bar.update(task, completed=done, total=total, description=printable(path.name).replace("[", "\\["))

    with bar:
        yield advance


def ingest(report: IngestReport) -> None:
    from pathlib import Path

    out = _out()
    for item in report.ingested:
        aside: dict[str, int] = item.get("set_aside") or {}  # type: ignore[assignment]
        counts = f": {item['paragraphs']} paragraphs, {item.get('sections', 0)} sections"
        if any(aside.values()):
            counts += f" (set aside: {', '.join(f'{k} {v}' for k, v in aside.items() if v)})"
        pieces = [_ref("ingested ", "green"), _ref(f"doc {item['doc']} ", "magenta"), _text(str(item["title"]))]
        pieces += [_text(counts), _text(f"  {Path(str(item['source'])).name}", "dim")]
        _print(out, pieces, hang="    ")
    for item in report.skipped:
        _print(out, [_ref("skipped ", "yellow"), _text(f"{item['source']}: {item['reason']}")], hang="    ")
    for item in report.missing:
        what = "removed" if item["removed"] else "kept; --replace removes it"
        note = f"{item['title']}: no longer in {item['source']} ({what})"
        _print(out, [_ref("missing ", "yellow"), _ref(f"doc {item['doc']} ", "magenta"), _text(note)], hang="    ")
    err = _err()
    for item in report.ingested:
        for warning in item.get("warnings") or ():  # type: ignore[attr-defined]
            _print(err, [_ref("Warning: ", "yellow"), _text(f"{item['source']}: {warning}")], hang="    ")
    for item in report.errors:
        _print(err, [_ref("Error: ", "red"), _text(f"{item['source']}: {item['error']}")], hang="    ")
        if item.get("hint"):
            _print(err, [_text(f"Hint: {item['hint']}")], hang="    ")
