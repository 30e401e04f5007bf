"""What a user may type that the engine cannot take: every case is `Error: …`
and `Hint: …` with exit 2 (or a sensible answer), never an internal error."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, Cli

BIG = str(2**64)


def _clean_error(result: object, code: int = 2) -> str:
    stderr: str = result.stderr  # type: ignore[attr-defined]
    assert result.exit_code == code, result  # type: ignore[attr-defined]
    assert "internal error" not in stderr and "Traceback" not in stderr
    if code == 2:
        assert stderr.count("Error: ") == 1 and "Hint: " in stderr, stderr
    return stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["search", "远" * 1001], "the limit is 1,000"),
        (["search", *[f"词{i}" for i in range(65)]], "the limit is 64"),
        (["fuzzy", "y" * 101], "the limit is 100"),
        (["show", f"1:{BIG}"], "no paragraph"),
        (["show", f"{BIG}:1"], "no paragraph"),
        (["search", "协商", "--doc", BIG], "no document matches"),
        (["search", "协商", "--doc", "9" * 5000], "no document matches"),
        (["search", "协商", "--section", "1.0"], "not a section number"),
        (["search", "协商", "--section", "0.0"], "not a section number"),
        (["search", "协商", "--section", "1000"], "not a section number"),
        (["search", "协商", "--section", "9" * 5000], "not a section number"),
        (["list", "--section", BIG], "not a section number"),
        (["fuzzy", "协商", "--min-score", "nan"], "--min-score"),
        (["search", "协商", "--limit", "-1"], "Invalid value"),
        (["search", "协商", "--db", "~nosuchuser1234/x.db"], "home folder"),
    ],
    ids=lambda v: " ".join(v)[:40] if isinstance(v, list) else v,
)
def test_out_of_range_input_is_a_clear_error(seeded: Cli, args: list[str], says: str) -> None:
    assert says in _clean_error(seeded(*args, code=None))


@pytest.mark.parametrize(
    "args",
    [
        ["search", "协商", "--limit", BIG, "--json"],
        ["show", "1:12", "-C", BIG, "--json"],
        ["search", "--json", "--", "协商", *[f"-监督{i}" for i in range(63)]],
        ["fuzzy", "协商", "--limit", BIG, "--json"],
    ],
    ids=lambda a: " ".join(a)[:40],
)
def test_huge_but_harmless_values_just_work(seeded: Cli, args: list[str]) -> None:
    _clean_error(seeded(*args, code=None), code=0)


def test_bytes_that_are_not_utf8_in_a_query(seeded: Cli, _isolated_db: object) -> None:
    """An argument with invalid UTF-8 reaches Python as lone surrogates."""
    for command in ("search", "fuzzy"):
        result = subprocess.run(
            [sys.executable, "-m", "zxkb", command, os.fsdecode(b"\xff\xfe\xe8")],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "ZXKB_DB": str(_isolated_db)},
        )
        assert result.returncode == 2, result.stderr
        assert "not valid text" in result.stderr and "Hint: " in result.stderr


def test_usage_errors_have_a_hint(cli: Cli) -> None:
    result = cli("search", "协商", "--no-such-option", code=2)
    assert "Error: No such option: --no-such-option" in result.stderr
    assert "Hint: zxkb search --help shows every option" in result.stderr
    excluded = cli("search", "协商", "-监督", code=2)  # an exclusion before --: the commonest slip
    assert "Hint: a query with -term exclusions goes after --: zxkb search -- 协商 -监督" in excluded.stderr


def test_debug_adds_the_traceback_and_keeps_exit_2(seeded: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from zxkb.search import engine

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(engine, "search", broken)
    plain = seeded("search", "协商", code=2)
    assert "internal error: RuntimeError: a bug" in plain.stderr and "Traceback" not in plain.stderr
    debug = seeded("search", "协商", code=2, env={"ZXKB_DEBUG": "1"})
    assert "Traceback (most recent call last)" in debug.stderr and "internal error" in debug.stderr


def test_a_query_that_isprintable_passes_holds_no_surrogate() -> None:
    """zxkb.search.limits looks for surrogates only in a query that is not printable."""
    from zxkb.errors import QueryError
    from zxkb.search.limits import check_query

    assert not [cp for cp in range(0xD800, 0xE000) if chr(cp).isprintable()]
    check_query("远程 协商\t")
    with pytest.raises(QueryError, match="not valid text"):
        check_query("远程\udce9协商")
