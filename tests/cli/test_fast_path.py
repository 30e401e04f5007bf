"""zxkb.cli.fast reads `zxkb search` without Typer; it must read exactly what
the Typer command reads (the same implementation, the same arguments), and
leave everything else to it."""

from __future__ import annotations

import sys
from functools import partial

import pytest

from tests.conftest import Cli
from zxkb.cli import app, fast

ANSWERED = [
    ["search", "远程协商"],
    ["search", "远程协商", "--json"],
    ["search", "--json", "远程", "协商", "-n", "2"],
    ["search", "协商", "--limit=0", "--json", "--section", "二"],
    ["search", "协商", "-s", "2.1", "--doc", "株洲", "--json"],
    ["search", "-d", "1", "--json", "--", "协商", "-监督"],
    ["search", "手机银行", "--json"],  # exit 1
    ["search", "手机银行", "--all", "--json"],
    ["search", "远成协商", "--fuzzy", "--json"],
    ["search", "远成协商", "-f"],
    ["search", "", "--json"],  # empty query: exit 2 with Error/Hint
    ["search", "协商", "--section", "九", "--json"],  # no such section: exit 2
    ["search", "协商", "--doc", "上海", "--json"],  # no such document: exit 2
    ["search", "-", "--json"],
    ["search", "协商", "--json", "--limit", "3", "--limit", "1"],  # the last value wins
    ["search", "协商", "--doc", "1", "--doc", "株洲", "--json"],  # --doc repeats
    ["search", "协商", "--year", "2020", "--region", "株洲", "--type", "cppcc", "--level", "city", "--json"],
    ["search", "协商", "--speaker", "蔡溪", "--year=2016-2020", "--copies", "--json"],
    ["search", "协商", "--region", "湖南", "--json"],  # no such region: exit 2
    ["search", "协商", "--type", "goverment"],  # unknown type: exit 2
    ["search", "远程协商", "清水塘", "市委书记", "--json"],  # partial hits: exit 1
    ["search", "远程协商", "清水塘", "--exact", "--json"],
    ["search", "远程协商", "--explain"],
    ["search", "--explain", "--exact", "--json", "--", "(远程 OR 视频) 协商"],
    ["search", "协商", "--count-by", "year", "--type", "cppcc", "--json"],
    ["search", "协商", "--count-by", "colour", "--json"],  # unknown bucket: exit 2
]

DECLINED = [
    ["search"],
    ["search", "--json"],
    ["search", "协商", "-n5"],
    ["search", "协商", "--limit", "x"],
    ["search", "协商", "--limit", "-1"],
    ["search", "协商", "--help"],
    ["search", "协商", "-h"],
    ["search", "协商", "--unknown"],
    ["search", "协商", "--json=yes"],
    ["search", "协商", "--explain=1"],
    ["search", "协商", "--limit"],
    ["docs", "--json"],
    [],
]


@pytest.mark.parametrize("argv", ANSWERED, ids=" ".join)
def test_fast_path_reads_what_typer_reads(argv: list[str]) -> None:
    fast_command = fast.parse(argv)
    typer_command = app.parse(argv)
    assert isinstance(fast_command, partial) and isinstance(typer_command, partial)
    assert fast_command.func is typer_command.func
    assert fast_command.keywords == typer_command.keywords


def test_fast_path_answers_as_typer_would(seeded: Cli) -> None:
    """The whole command through zxkb.cli.run, on the fast path: the same output."""
    result = seeded("search", "远程协商", "--json", "-n", "2")
    command = app.parse(["search", "远程协商", "--json", "-n", "2"])
    assert not isinstance(command, int)
    with seeded.runner.isolation() as (out, _, _):
        assert command() == 0
        sys.stdout.flush()
        assert out.getvalue().decode() == result.stdout


@pytest.mark.parametrize("argv", DECLINED, ids=lambda a: " ".join(a) or "(none)")
def test_fast_path_leaves_the_rest_to_typer(argv: list[str]) -> None:
    assert fast.parse(argv) is None
