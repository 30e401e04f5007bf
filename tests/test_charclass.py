"""zxkb.charclass answers as its expression would, before and after compiling it."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import ROOT, SEED
from zxkb import charclass, textnorm
from zxkb.charclass import CharClass

TEXTNORM = {name: getattr(textnorm, name) for name in ("_FULL_WIDTH", "_ONE_TO_ONE", "_NOT_PLAIN")}
PATTERNS = {name: value.pattern for name, value in TEXTNORM.items()}


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_the_ranges_read_match_what_the_expression_matches(name: str) -> None:
    """Every code point: the class's own reading of its ranges against re's."""
    pattern = PATTERNS[name]
    expression = re.compile(pattern.removesuffix("+"))
    cls = CharClass(pattern, {}, "x")
    differ = [cp for cp in range(0x110000) if cls._matched(chr(cp)) != bool(expression.fullmatch(chr(cp)))]
    assert differ == []


def test_what_the_reader_refuses() -> None:
    for pattern in (r"\d+", "[a-z]*", r"[\w]", "[z-a]", "[a[b]"):
        with pytest.raises(ValueError):
            charclass.ranges(pattern)
    assert charclass.ranges(r"[^a-c\-x]+") == (True, ((ord("-"), ord("-")), (97, 99), (120, 120)))
    assert charclass.ranges("[a-zc-fA-Z0-9_]") == (False, ((48, 57), (65, 90), (95, 95), (97, 122)))
    overlapping = CharClass("[\u4e00-\u9fffa-z\u5000-\u5001b]", {}, "x")
    assert [ch for ch in "一中A鿿丿b" if overlapping._matched(ch)] == ["一", "中", "鿿", "丿", "b"]


def _encode(m: re.Match[str]) -> str:
    return "<" + ",".join(f"{ord(c):x}" for c in m.group()) + ">"


TEXTS = [
    "远程协商",
    "",
    "协商 民主",
    "远程协商，视频会议（二〇二〇）",
    "ａｂｃ１２３",
    "e\u0301té…",
    "x\ud800y",
    "GDP 增长 6.5%",
]


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_search_finditer_and_sub_before_and_after_compiling(name: str) -> None:
    pattern = PATTERNS[name]
    expression = re.compile(pattern)
    module: dict[str, Any] = {}
    cls = CharClass(pattern, module, "g")
    for text in TEXTS:
        found = cls.search(text)
        expected = expression.search(text)
        assert (found and found.span()) == (expected and expected.span()), text
        assert [m.span() for m in cls.finditer(text)] == [m.span() for m in expression.finditer(text)], text
        assert cls.sub(_encode, text) == expression.sub(_encode, text), text
    # a text it matches compiled it, and the module's name now names the expression
    assert module == {"g": cls._compiled} and cls._compiled is not None and cls._compiled.pattern == pattern


def test_texts_it_does_not_match_are_answered_until_the_limit() -> None:
    module: dict[str, Any] = {}
    cls = CharClass("[^\u4e00-\u9fff]", module, "g")
    for _ in range(charclass.ANSWERED_BEFORE_COMPILING):
        assert cls.search("远程协商") is None
    assert module == {} and cls._compiled is None
    assert cls.search("远程协商") is None  # the next one compiles: the expression is faster from here on
    assert isinstance(module["g"], re.Pattern)


def test_a_search_for_han_characters_compiles_none_of_textnorm_s_classes(tmp_path: object) -> None:
    """What the CharClasses are for: `zxkb search 协商` on the seed compiles none of them
    (each ~2 ms), and ingest, whose paragraphs hold punctuation, compiles them."""
    db = f"{tmp_path}/z.db"
    code = (
        "import sys, contextlib, io\n"
        "from zxkb.cli import run\n"
        "from zxkb import textnorm\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert run(sys.argv[1:] + ['--db', {db!r}]) == 0\n"
        "print(sorted(n for n in ('_FULL_WIDTH', '_ONE_TO_ONE', '_NOT_PLAIN')"
        " if isinstance(getattr(textnorm, n), textnorm.re.Pattern)))\n"
    )

    def compiled(*args: str) -> str:
        run = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT)
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    assert compiled("ingest", "--jobs", "1", str(SEED)) == "['_FULL_WIDTH', '_NOT_PLAIN']"
    assert compiled("search", "协商") == "[]"
