"""Generate zxkb/data/fold_classes.txt: the characters that zxkb.textnorm.fold
does not leave as they are, in four classes, as ranges of code points.

Why: counting a term across reports (zxkb trend, compare, track) must count its
occurrences in the folded text of each paragraph, as search matches it, but
folding a paragraph (NFKC above all) costs ~0.2 ms: 10 s for the 48,000
paragraphs of a common term at 1 GB. A term's occurrences in a paragraph's
stored text are those in its folded text whenever the text holds none of the
characters that could fold into, out of or across an occurrence
(zxkb.analysis.occurrences); these classes let a count find those characters
with one regular expression instead of folding.

    dropped    fold(c) == ''             (whitespace, format and control characters)
    changed    fold(c) not in ('', c)    (NFKC, case folding; not the t2s table's
                                          own pairs, which zxkb reads from t2s.txt)
    composing  combining marks, the second character of a canonical composition,
               Hangul vowel and final jamo: NFKC may join them to what precedes
    composes   characters a composition may start with or give (so that a term
               holding one must look for the composing ones)

Run it again when zxkb.textnorm or Python's Unicode data changes:

    .venv/bin/python tools/gen_fold_classes.py

tests/test_occurrences.py checks that the file is what this script writes.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zxkb import textnorm  # noqa: E402

OUT = ROOT / "zxkb" / "data" / "fold_classes.txt"
CLASSES = ("dropped", "changed", "composing", "composes")


def _codepoints() -> Iterable[int]:
    return (cp for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF)


def classes() -> dict[str, list[int]]:
    """Each class's code points, ascending."""
    table, _ = textnorm._t2s()
    out: dict[str, set[int]] = {name: set() for name in CLASSES}
    for cp in _codepoints():
        c = chr(cp)
        folded = textnorm.fold(c)
        if folded == "":
            out["dropped"].add(cp)
        elif folded != c and not (cp in table and folded == chr(table[cp])):
            out["changed"].add(cp)
        if unicodedata.combining(c):
            out["composing"].add(cp)
        decomposition = unicodedata.decomposition(c)
        if decomposition and not decomposition.startswith("<"):
            parts = [int(part, 16) for part in decomposition.split()]
            out["composes"].update([cp, parts[0]])
            out["composing"].update(parts[1:])
    out["composing"].update([*range(0x1161, 0x1176), *range(0x11A8, 0x11C3)])  # Hangul V and T jamo
    out["composes"].update([*range(0x1100, 0x1113), *range(0xAC00, 0xD7A4)])  # Hangul L jamo, syllables
    return {name: sorted(cps) for name, cps in out.items()}


def ranges(cps: list[int]) -> str:
    spans: list[list[int]] = []
    for cp in cps:
        if spans and spans[-1][1] == cp - 1:
            spans[-1][1] = cp
        else:
            spans.append([cp, cp])
    return " ".join(f"{lo:X}" if lo == hi else f"{lo:X}-{hi:X}" for lo, hi in spans)


def text() -> str:
    lines = [
        f"# zxkb.textnorm VERSION {textnorm.VERSION}, Unicode {unicodedata.unidata_version}:"
        " made by tools/gen_fold_classes.py, do not edit"
    ]
    lines += [f"{name} {ranges(cps)}" for name, cps in classes().items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    OUT.write_text(text(), encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
