"""Counts across reports for people, drawn with Rich (zxkb trend, search
--count-by): a bar per bucket, one colour and one fill per term (so that a
chart printed without colour still tells them apart), the figures beside, in
the terminal's width (80 columns to a pipe); occurrences in context as aligned
lines. Report text is shown escaped (zxkb.render.safe), as everywhere."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from zxkb.models import Concordance, FacetResult, TermCount, TrendBucket, TrendResult
from zxkb.render.human import MATCH_STYLE, _err, _out, _print, _text
from zxkb.render.safe import printable
from zxkb.render.wrap import wrap

COLOURS = ("cyan", "magenta", "yellow", "green", "blue", "red")
FILLS = ("█", "▓", "▒", "░")  # the first is drawn to an eighth of a cell, the others to a cell
EIGHTHS = " ▏▎▍▌▋▊▉"
PIPE_WIDTH = 80
MAX_KEY_CELLS = 16
FIGURES = 25  # cells: `12345 ¶ 123456 ×  123.45`


def _width(console: Console) -> int:
    return console.width if console.is_terminal else PIPE_WIDTH


def note(out: Console, text: str, width: int, style: str = "dim", hang: str = "") -> None:
    """A line of prose under a chart, wrapped to the chart's width (a pipe's too)."""
    for line in wrap([(printable(text), style, True)], width, hang=hang, width_of=cell_len):
        out.print(Text("".join(part for part, _ in line), style=style), soft_wrap=True)


def fit(text: str, cells: int) -> str:
    """`text` cut to `cells` display cells (with … when cut)."""
    if cell_len(text) <= cells:
        return text
    out = ""
    for ch in text:
        if cell_len(out + ch) > cells - 1:
            break
        out += ch
    return out + "…"


def pad(text: str, cells: int, *, right: bool = False) -> str:
    gap = " " * max(0, cells - cell_len(text))
    return gap + text if right else text + gap


def bar(value: float, top: float, cells: int, term: int) -> str:
    """A bar of `cells` at most for value/top, in the term's fill."""
    if top <= 0 or value <= 0:
        return ""
    fill = FILLS[term % len(FILLS)]
    if term % len(FILLS):
        return fill * max(1, round(value / top * cells))
    eighths = max(1, round(value / top * cells * 8))
    return fill * (eighths // 8) + (EIGHTHS[eighths % 8] if eighths % 8 else "")


def _figures(c: TermCount) -> str:
    return f"{c.paragraphs:>5} ¶ {c.occurrences:>6} × {c.per_10k:>7.2f}"


def _legend(result: TrendResult) -> Text:
    line = Text()
    for i, term in enumerate(result.terms):
        line.append(FILLS[i % len(FILLS)] * 2 + " ", style=COLOURS[i % len(COLOURS)])
        line.append(printable(term) + "   ", style="bold")
    return line


def _kind(b: TrendBucket) -> str:
    if not b.reports:
        return "none"
    return "data" if any(c.occurrences for c in b.counts) else "zero"


def _runs(buckets: Sequence[TrendBucket], by: str) -> list[list[TrendBucket]]:
    """Buckets, with consecutive years without a report, or without an
    occurrence, as one run each."""
    out: list[list[TrendBucket]] = []
    for b in buckets:
        kind = _kind(b)
        if by == "year" and kind != "data" and out and _kind(out[-1][-1]) == kind:
            out[-1].append(b)
        else:
            out.append([b])
    return out


def trend(result: TrendResult) -> None:
    if result.kwic:
        concordance(result)
        return
    out = _out()
    width = _width(out)
    keys = [printable(b.label if result.by == "doc" else b.key) for b in result.buckets]
    key_cells = min(MAX_KEY_CELLS, max([cell_len(k) for k in keys] + [4]))
    if result.by == "year":
        key_cells = max(key_cells, 9)  # `1922–1953`
    cells = max(10, width - key_cells - 2 - FIGURES - 1)
    top = max((c.per_10k for b in result.buckets for c in b.counts), default=0.0)
    out.print(_legend(result), soft_wrap=True)
    within = f" · {result.filters.described()}" if result.filters.filtered else ""
    said = f"by {result.by}{within} · ¶ paragraphs · × occurrences · per 10,000 characters of body text"
    note(out, said, width)
    label = {b.key: k for b, k in zip(result.buckets, keys, strict=True)}
    for run in _runs(result.buckets, result.by):
        first = run[0]
        name = label[first.key] if len(run) == 1 else f"{first.key}–{run[-1].key}"
        head = pad(fit(name, key_cells), key_cells) + "  "
        kind = _kind(first)
        if kind != "data":
            reports = sum(b.reports for b in run)
            said = "no report" if kind == "none" else f"0 in {reports} report{'s' if reports != 1 else ''}"
            out.print(Text(head + said, style="dim"), soft_wrap=True)
            continue
        for i, c in enumerate(first.counts):
            line = Text(head if i == 0 else " " * cell_len(head))
            line.append(pad(bar(c.per_10k, top, cells, i), cells), style=COLOURS[i % len(COLOURS)])
            line.append(" " + _figures(c), style="" if c.occurrences else "dim")
            out.print(line, soft_wrap=True)
            if c.refs:
                refs = Text(" " * (key_cells + 2)) + Text("refs " + " ".join(c.refs), style="magenta dim")
                out.print(refs, soft_wrap=True)
    _summary(out, result, width)


def _summary(out: Console, result: TrendResult, width: int) -> None:
    reports = sum(b.reports for b in result.buckets)
    for i, term in enumerate(result.terms):
        counts = [b.counts[i] for b in result.buckets]
        with_it = sum(c.reports for c in counts)
        text = (
            f"{term}: {sum(c.occurrences for c in counts)} occurrences in {sum(c.paragraphs for c in counts)}"
            f" paragraphs of {with_it} of {reports} reports"
        )
        note(out, f"{FILLS[i % len(FILLS)]} {text}", width, COLOURS[i % len(COLOURS)], hang="  ")
    note(out, "--refs N lists the paragraphs behind each figure; --kwic shows every occurrence", width)


def concordance(result: TrendResult) -> None:
    """Every occurrence as one line, the term in a column of its own, grouped
    by bucket (and term), each with its paragraph's reference."""
    out = _out()
    width = _width(out)
    lines = [line for b in result.buckets for c in b.counts for line in c.kwic]
    if not lines:
        _print(_err(), [_text("No occurrence in the reports chosen.")])
        return
    ref_cells = max(cell_len(line.ref) for line in lines) + 2
    match_cells = max(cell_len(printable(line.match)) for line in lines)
    side = max(4, min(result.width * 2, (width - ref_cells - match_cells - 2) // 2))
    for b in result.buckets:
        for i, c in enumerate(b.counts):
            if not c.kwic:
                continue
            head = f"── {printable(b.label)}" + (f" · {printable(c.term)}" if len(b.counts) > 1 else "")
            out.print(Text(f"{head} ({c.occurrences})", style=f"bold {COLOURS[i % len(COLOURS)]}"), soft_wrap=True)
            for line in c.kwic:
                out.print(_kwic_line(line, side, match_cells), soft_wrap=True)


def _kwic_line(line: Concordance, side: int, match_cells: int) -> Text:
    left = printable(line.left)
    while cell_len(left) > side:
        left = left[1:]
    right = fit(printable(line.right), side) if cell_len(printable(line.right)) > side else printable(line.right)
    text = Text(pad(left, side, right=True) + " ")
    text.append(printable(line.match), style=MATCH_STYLE)
    text.append(" " * (match_cells - cell_len(printable(line.match)) + 1) + pad(right, side))
    text.append(f"  [{line.ref}]", style="magenta")
    return text


def facets(result: FacetResult) -> None:
    """Hits per bucket (search --count-by), as bars."""
    out = _out()
    if not result.total:
        _print(_err(), [_text(f"No paragraph contains {result.query!r}.")])
        return
    width = _width(out)
    keys = [printable(b.label if result.by == "doc" else b.key) for b in result.buckets]
    key_cells = min(MAX_KEY_CELLS * 2, max([cell_len(k) for k in keys] + [4]))
    cells = max(10, width - key_cells - 2 - 8)
    top = max((b.count for b in result.buckets), default=0)
    for b, key in zip(result.buckets, keys, strict=True):
        line = Text(pad(fit(key, key_cells), key_cells) + "  ")
        line.append(pad(bar(b.count, top, cells, 0), cells), style=COLOURS[0])
        line.append(f" {b.count:>7}")
        out.print(line, soft_wrap=True)
    note(out, f"{result.total} paragraphs in {len(result.buckets)} buckets, by {result.by}", width)
