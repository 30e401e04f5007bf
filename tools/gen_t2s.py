"""Generate zxkb/data/t2s.txt: OpenCC's traditional->simplified mapping, character by character.

Why a generated table instead of calling OpenCC at run time:
- the normaliser must keep a character-to-character correspondence so that
  snippets and highlights can be cut from the original text;
- importing OpenCC costs ~15 ms on every query; a str.translate table costs ~1 ms.

The table is data, not code: zxkb/data/t2s.txt holds two lines, the
traditional characters and their simplified forms, position by position.

Run:  python tools/gen_t2s.py   (needs `pip install opencc`, a dev dependency)
tests/test_textnorm.py checks the table against OpenCC when OpenCC is installed.
"""

from __future__ import annotations

import pathlib

import opencc

# Blocks that hold Han characters and CJK punctuation.
RANGES = [
    (0x2E80, 0x2FDF),
    (0x3000, 0x303F),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0x20000, 0x2FA1F),
]


def build() -> dict[str, str]:
    conv = opencc.OpenCC("t2s")
    table: dict[str, str] = {}
    for lo, hi in RANGES:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            out = conv.convert(ch)
            if out != ch and len(out) == 1:
                table[ch] = out
    return table


def main() -> None:
    table = build()
    path = pathlib.Path(__file__).resolve().parent.parent / "zxkb" / "data" / "t2s.txt"
    path.parent.mkdir(exist_ok=True)
    body = "".join(table) + "\n" + "".join(table.values()) + "\n"
    path.write_text(body, encoding="utf-8")
    print(f"wrote {path} ({len(table)} characters, OpenCC {opencc.__version__})")


if __name__ == "__main__":
    main()
