"""What a person sees: a closed pipe ends a command quietly, with 0; on an
80-column terminal every line fits, follows the rules of Chinese line breaking
and keeps references whole; report text never reaches the terminal raw."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import ROOT, Cli, seed_variants
from zxkb.render.wrap import NO_END, NO_START, wrap

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Three reports made from the seed: enough output to fill a pipe's buffer."""
    path = tmp_path / "z.db"
    paths = seed_variants(tmp_path / "in", 3)
    subprocess.run([sys.executable, "-m", "zxkb", "ingest", *map(str, paths), "--db", str(path)], cwd=ROOT, check=True)
    return path


def _closed_early(args: list[str], db: Path) -> tuple[int, str]:
    """Run zxkb with stdout into a 4 KiB pipe, read a little, close the pipe:
    (exit code, stderr)."""
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)
    proc = subprocess.Popen(
        [sys.executable, "-m", "zxkb", *args, "--db", str(db)],
        stdout=write_end,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    os.close(write_end)
    os.read(read_end, 100)
    os.close(read_end)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err.decode()


@pytest.mark.parametrize(
    "args",
    [
        ["search", "的", "--limit", "0"],
        ["search", "的", "--limit", "0", "--json"],
        ["list"],
        ["export"],
        ["docs"],
        ["show", "1:12", "--context", "40"],
        ["fuzzy", "发展", "--limit", "0"],
    ],
    ids=" ".join,
)
def test_a_closed_pipe_is_not_an_error(db: Path, args: list[str]) -> None:
    code, err = _closed_early(args, db)
    assert (code, err) == (0, "")


def _cells(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _on_terminal(args: list[str], db: Path, columns: int = 80) -> list[str]:
    """The lines `zxkb ARGS` shows on a pseudo-terminal of `columns` columns, colours stripped."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")} | {"TERM": "xterm-256color"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "zxkb", *args, "--db", str(db)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=ROOT,
    )
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal's other side is gone
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert proc.wait(timeout=60) in (0, 1)
    return ANSI.sub("", out.decode("utf-8")).replace("\r", "").splitlines()


@pytest.mark.parametrize(
    "args",
    [["search", "协商", "-n", "8"], ["show", "1:11", "-C", "2"], ["list"], ["docs"], ["fuzzy", "协商"]],
    ids=" ".join,
)
def test_eighty_columns_and_chinese_line_breaking(db: Path, args: list[str]) -> None:
    lines = _on_terminal(args, db)
    assert len(lines) > 3
    for before, line in zip(["", *lines], lines, strict=False):
        assert _cells(line) <= 80, line
        text = line.lstrip(" │├└─")
        if before.endswith("]") and text.startswith("…"):  # a snippet cut at its start, not a line break
            text = text[1:]
        assert text or not line.strip(), f"a tree branch alone: {line!r}"
        assert not text or text[0] not in NO_START, f"starts with closing punctuation: {line!r}"
        assert not line.rstrip() or line.rstrip()[-1] not in NO_END, f"ends with opening punctuation: {line!r}"
        assert line.count("[") == line.count("]"), f"a reference cut: {line!r}"


def test_docs_keep_each_title_whole_on_a_terminal(db: Path, seeded: Cli) -> None:
    lines = _on_terminal(["docs"], db)
    title = "中国人民政治协商会议株洲市委员会常务委员会工作报告"
    assert sum(title in line for line in lines) == 3  # one line per document names it whole


def test_wrap_rules_on_a_real_sentence() -> None:
    text = (
        "我们以开展远程协商为重点,推进履职方式新探索。"
        "首次采用“会议现场协商、视频远程协商、网络议政协商”相结合的形式，GDP增长6.5%左右。"
    )
    for width in range(12, 60):
        lines = ["".join(part for part, _ in line) for line in wrap([(text, "", True), ("  [1:12]", "", False)], width)]
        assert "".join(lines).replace("  [", "[") == text + "[1:12]"
        for line in lines:
            assert _cells(line) <= width
            assert line[0] not in NO_START and line[-1] not in NO_END
        assert sum("6.5%" in line for line in lines) == 1 and sum("[1:12]" in line for line in lines) == 1


def test_report_text_cannot_drive_the_terminal(cli: Cli, tmp_path: Path) -> None:
    """A title and a paragraph holding escape sequences and Rich markup are shown, not obeyed."""
    report = tmp_path / "evil\x1b]0;pwned\x07.txt"
    body = "远程协商工作扎实推进，\x1b[2J成效明显[bold red]x[/]。" + "各项工作扎实推进，成效明显。" * 200
    report.write_text(f"# 政府工作报告\x1b]0;title\x07\n\n{body}\n", encoding="utf-8")
    cli("ingest", str(report))
    for args in (["search", "远程协商"], ["show", "1:2"], ["docs"], ["list"]):
        out = cli(*args).stdout
        assert "\x1b" not in out and "\x07" not in out, args
    out = cli("search", "远程协商").stdout
    assert "\\x1b[2J" in out and "[bold red]x[/]" in out


def test_text_that_isprintable_passes_holds_nothing_to_escape() -> None:
    """zxkb.render.safe.printable skips its expression for a text str.isprintable passes:
    right only while every character it escapes is one isprintable refuses."""
    from zxkb.render import safe

    unsafe = re.compile(safe.UNSAFE)
    escaped = [chr(cp) for cp in range(0x110000) if unsafe.match(chr(cp))]
    assert len(escaped) > 2000  # the controls, the bidirectional marks and the surrogates
    assert [c for c in escaped if c.isprintable()] == []
    assert safe.printable("远程协商\x1b[2J\u202e，\udce9") == "远程协商\\x1b[2J\\u202e，\\xe9"
    assert safe.printable("远程协商 (2020)\t") == "远程协商 (2020)\t"


def test_an_unwrapped_line_is_the_wrapped_line_of_unbounded_width() -> None:
    """wrap(…, None) joins whole pieces (to a pipe); it must say what the character-by-character
    path says when no line is ever full."""
    pieces: list[tuple[str, str, bool]] = [
        (" 1. ", "bold", False),
        ("远程协商", "", True),
        ("", "dim", True),
        (" · 二(一)", "cyan", False),
        (" 立足  ", "cyan", True),
        ("  ", "dim", True),
        (" ", "", True),
    ]
    cases = [pieces[:n] for n in range(len(pieces) + 1)] + [
        pieces[::-1],
        [("  ", "", True)] * 3,
        [("a", "x", True)] * 3,
    ]
    for case in cases:
        for indent in ("", "    "):
            assert wrap(case, None, indent=indent) == wrap(case, 10**9, indent=indent), (case, indent)
