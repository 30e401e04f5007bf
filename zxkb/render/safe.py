"""Report text, titles and file names are untrusted: before they reach a
terminal, control characters (an escape sequence can retitle the window, clear
the screen or hide text) are shown as escapes (`\\x1b`), never sent as they are.
Stdlib only: error messages use it too."""

from __future__ import annotations

import re
from functools import lru_cache

# C0 and C1 controls and DEL, but for tab and newline; the bidirectional
# overrides and isolates, which reorder what the eye sees; lone surrogates
# (a file name's bytes that are not UTF-8, as Python gives them), which no
# terminal encoding can take.
# Each is a control (Cc), format (Cf) or surrogate (Cs) character, so a text that
# str.isprintable() passes holds none: most do, and the expression (~1 ms to
# compile, for its surrogate range) is compiled only for a text that does not.
UNSAFE = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"


@lru_cache(maxsize=1)
def _unsafe() -> re.Pattern[str]:
    return re.compile(UNSAFE)


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    if 0xDC80 <= code <= 0xDCFF:  # the byte os.fsdecode could not decode
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with its control characters written as escapes."""
    if text.isprintable():
        return text
    unsafe = _unsafe()
    return unsafe.sub(_escape, text) if unsafe.search(text) else text
