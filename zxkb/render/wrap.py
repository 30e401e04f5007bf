"""Lines for a terminal: styled text wrapped to a width in display cells, by the
rules of Chinese line breaking (W3C "Requirements for Chinese Text Layout",
after GB/T 15834): a line may break between any two Chinese characters, but
never before closing punctuation (`。，、）》”`…), never after opening
punctuation (`（《“`…), never inside a run of Latin letters or digits
(`6.5%`, `GDP`), inside `——` or `……`, or inside a piece marked unbreakable
(a reference such as `[1:85]`). Pure and stdlib-only: the human view
(zxkb.render.human) gives it Rich's measure of a character's width.

A piece is (text, style, breakable); a line is a list of (text, style).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence

# Never at the start of a line: closing brackets and quotes, sentence and
# clause marks, the interpunct, iteration and prolonged-sound marks.
NO_START = frozenset("。．，、；：？！）］｝〕〗〙〛》」』】〉”’»›…‥·・%‰℃°′″,.;:?!)]}>ー々〻")
# Never at the end of a line: opening brackets and quotes.
NO_END = frozenset("（［｛〔〖〘〚《「『【〈“‘«‹([{<")
_INSEPARABLE = frozenset("—…")  # ―― and …… are one mark


def char_width(ch: str) -> int:
    """Display cells of one character: 2 for wide and full-width, 0 for combining."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def text_width(text: str, width_of: Callable[[str], int] = char_width) -> int:
    return sum(map(width_of, text))


def _is_wordlike(ch: str) -> bool:
    """Part of a Latin word or a number: a line never breaks between two of these."""
    return not ch.isspace() and char_width(ch) == 1 and ch not in NO_END and ch not in "—…"


def _break_allowed(prev: str, nxt: str) -> bool:
    """May a line end after `prev` and the next start with `nxt`?"""
    if nxt.isspace() or prev.isspace():
        return True
    if nxt in NO_START or prev in NO_END:
        return False
    if prev == nxt and prev in _INSEPARABLE:
        return False
    return not (_is_wordlike(prev) and _is_wordlike(nxt))


Piece = tuple[str, str, bool]  # text, style, breakable
Line = list[tuple[str, str]]


def wrap(
    pieces: Sequence[Piece],
    width: int | None,
    *,
    indent: str = "",
    hang: str = "",
    width_of: Callable[[str], int] = char_width,
) -> list[Line]:
    """`pieces` as lines of at most `width` cells (None: one line, unwrapped),
    the first starting with `indent`, the others with `hang`. Spaces where a line
    breaks are dropped; a piece too long for any line is cut where it must be."""
    if width is None:
        return [_unwrapped(indent, pieces)]
    chars: list[tuple[str, str, bool]] = []  # char, style, may a line break before it
    for text, style, breakable in pieces:
        chars.extend((ch, style, breakable or i == 0) for i, ch in enumerate(text))
    lines: list[Line] = []
    start, prefix = 0, indent
    while start < len(chars):
        room = max(1, width - text_width(prefix, width_of))
        end = _line_end(chars, start, room, width_of)
        lines.append(_line(prefix, chars[start:end]))
        start, prefix = end, hang
        while start < len(chars) and chars[start][0] == " ":  # no line starts with a space
            start += 1
    return lines or [_line(indent, [])]


def _line_end(chars: list[tuple[str, str, bool]], start: int, room: int, width_of: Callable[[str], int]) -> int:
    """Where the line that starts at chars[start] ends: as far as `room` allows,
    then back to the last place a line may break (if there is one)."""
    used, end, last_break = 0, start, None
    while end < len(chars):
        if end > start and _can_break(chars, end):
            last_break = end
        w = width_of(chars[end][0])
        if used + w > room and end > start:
            return end if last_break == end or last_break is None else last_break
        used += w
        end += 1
    return end


def _can_break(chars: list[tuple[str, str, bool]], at: int) -> bool:
    """May a line break before chars[at]?"""
    ch, _, breakable = chars[at]
    prev = chars[at - 1][0]
    if not breakable and not ch.isspace() and not prev.isspace():
        return False
    return _break_allowed(prev, ch)


def _unwrapped(prefix: str, pieces: Sequence[Piece]) -> Line:
    """`_line(prefix, every character of pieces)`, piece by piece rather than
    character by character (a pipe's lines: most of what is shown)."""
    runs: Line = []
    for text, style, _ in pieces:
        if not text:
            continue
        if runs and runs[-1][1] == style:
            runs[-1] = (runs[-1][0] + text, style)
        else:
            runs.append((text, style))
    while runs and runs[-1][0].endswith(" "):  # without trailing spaces
        text, style = runs.pop()
        if text := text.rstrip(" "):
            runs.append((text, style))
            break
    return ([(prefix, "")] if prefix else []) + runs


def _line(prefix: str, chars: Sequence[tuple[str, str, bool]]) -> Line:
    """The prefix (unstyled), then the characters in runs of one style, without trailing spaces."""
    text = list(chars)
    while text and text[-1][0] == " ":
        text.pop()
    line: Line = [(prefix, "")] if prefix else []
    runs: Line = []
    for ch, style, _ in text:
        if runs and runs[-1][1] == style:
            runs[-1] = (runs[-1][0] + ch, style)
        else:
            runs.append((ch, style))
    return line + runs
