"""Report against report (zxkb compare) and plan against delivery (zxkb
track) for people, with Rich: aligned lines cut to the terminal's width (80
columns to a pipe), each figure or match with the ref a reader checks it by.
Report text is shown escaped (zxkb.render.safe), as everywhere."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from zxkb.models import CompareResult, CompareSide, KeyTerm, TrackResult
from zxkb.render.human import _out
from zxkb.render.human.charts import fit, pad
from zxkb.render.safe import printable

PIPE_WIDTH = 80
TERM_CELLS = 18
STATUS_STYLE = {"reported": "green", "mentioned": "yellow", "not_found": "red"}
LIST_NAMES = {"rising": "rising in B", "falling": "falling in B", "new": "new in B", "gone": "gone from A"}


def _width(console: Console) -> int:
    return console.width if console.is_terminal else PIPE_WIDTH


def _line(out: Console, text: str | Text, width: int, style: str = "") -> None:
    if isinstance(text, str):
        text = Text(fit(printable(text), width), style=style)
    out.print(text, soft_wrap=True)


def _side(name: str, side: CompareSide) -> str:
    what = side.title or (side.filters.described() or "every report") + f" ({len(side.docs)} reports)"
    return f"{name}  {what} · {side.paragraphs} ¶ · {side.chars:,} characters"


def _term_row(t: KeyTerm) -> Text:
    row = Text("  " + pad(fit(printable(t.term), TERM_CELLS), TERM_CELLS), style="bold")
    row.append(
        f" {t.left_count:>5} {t.left_per_10k:>8.2f}  {t.right_count:>5} {t.right_per_10k:>8.2f}  {t.score:>8.2f}"
    )
    return row


def compare(result: CompareResult) -> None:
    out = _out()
    width = _width(out)
    _line(out, _side("A", result.left), width, "bold cyan")
    _line(out, _side("B", result.right), width, "bold magenta")
    _line(out, f"terms ranked by {result.statistic}", width, "dim")
    _line(out, "¶ = paragraphs holding the term (as search --count-by doc counts them)", width, "dim")
    _line(out, "/10k = occurrences per 10,000 characters of body text", width, "dim")
    header = "  " + pad("term", TERM_CELLS) + f" {'A ¶':>5} {'A /10k':>8}  {'B ¶':>5} {'B /10k':>8}  {'G2':>8}"
    for name, label in LIST_NAMES.items():
        items = getattr(result, name)
        _line(out, f"{label} ({len(items)})", width, "bold")
        if items:
            _line(out, header, width, "dim")
        for t in items:
            out.print(_term_row(t), soft_wrap=True)
    if not result.paired:
        _line(out, "initiatives are matched between two reports only (A and B each one report)", width, "dim")
        return
    side = max(8, (width - 2 - 5 - 3 - 2 * 9) // 2)
    _line(out, f"sections (§) and initiatives kept ({len(result.kept)}): similarity, A → B", width, "bold")
    for k in result.kept:
        line = Text(f"  {k.similarity:.2f} ")
        line.append(pad(k.left, 8), style="magenta")
        mark = "§ " if k.kind == "section" else ""
        line.append(pad(fit(mark + printable(result.titles.get(k.left, "")), side), side) + " → ")
        line.append(pad(k.right, 8), style="magenta")
        line.append(fit(mark + printable(result.titles.get(k.right, "")), side))
        out.print(line, soft_wrap=True)
    for label, refs in (("new in B", result.new_items), ("dropped from A", result.dropped_items)):
        _line(out, f"{label} ({len(refs)})", width, "bold")
        for ref in refs:
            line = Text("  ")
            line.append(pad(ref, 8), style="magenta")
            line.append(fit(printable(result.titles.get(ref, "")), width - 11))
            out.print(line, soft_wrap=True)


def track(result: TrackResult) -> None:
    if result.next is None:  # zxkb.cli.commands says so on stderr
        return
    out = _out()
    width = _width(out)
    _line(out, f"plan  {result.doc_title} [{result.doc}] · sections {' '.join(result.plan_sections)}", width, "bold")
    review = " ".join(result.review_sections) or "the whole report"
    _line(out, f"next  {result.next_title} [{result.next}] · review {review}", width, "bold")
    counts = {s: sum(1 for p in result.plans if p.status == s) for s in STATUS_STYLE}
    summary = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items())
    _line(out, f"{len(result.plans)} plan items: {summary}", width, "dim")
    for p in result.plans:
        line = Text(pad(p.status.replace("_", " "), 10), style=STATUS_STYLE[p.status])
        line.append(pad(p.ref, 8), style="magenta")
        head = f"{p.section} " if p.section else ""
        line.append(fit(printable(head + p.title), width - 18))
        out.print(line, soft_wrap=True)
        for e in p.evidence:
            proof = Text(" " * 10)
            proof.append(pad(e.ref, 8), style="magenta")
            shared = " ".join(e.shared)
            proof.append(f"{e.score:.2f} ", style="bold")
            proof.append(fit(printable(shared), max(4, width - 18 - 5)), style="dim")
            out.print(proof, soft_wrap=True)
