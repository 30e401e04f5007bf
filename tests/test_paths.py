"""zxkb.paths.database_file: the text of database_path's path, on POSIX without pathlib."""

from __future__ import annotations

import os
import random
from pathlib import Path, PurePosixPath

import pytest

from zxkb.errors import UsageError
from zxkb.paths import ENV_DB, database_file, database_path, posix_text

TRICKY = ["", ".", "./x.db", "a//b", "/", "//", "///", "//x", "///x/", "x/", "./", "a/./b/../c", ".."]
TRICKY += ["~", "~/x.db", "~root/x", "~/", "~//a/./b", "é/ü.db", " x ", "x/.", "/.", "//./a", "a/~/b", "-"]


def test_posix_text_is_what_pure_posix_path_prints() -> None:
    for text in TRICKY:
        assert posix_text(text) == str(PurePosixPath(text)), text
    rng = random.Random(14)
    for _ in range(20_000):
        text = "".join(rng.choice("/./a~") for _ in range(rng.randint(0, 9)))
        assert posix_text(text) == str(PurePosixPath(text)), text


@pytest.mark.parametrize("option", [*TRICKY, None, Path("./a//b.db")])
def test_database_file_names_the_database_path(option: str | Path | None) -> None:
    assert database_file(option) == str(database_path(option))


def test_the_environment_and_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_DB, "~//dbs/./z.db")
    assert database_file(None) == str(database_path(None)) == os.path.expanduser("~/dbs/z.db")
    monkeypatch.delenv(ENV_DB)
    for xdg in (f"{tmp_path}//data/", "relative/./x", None):
        if xdg is None:
            monkeypatch.delenv("XDG_DATA_HOME", raising=False)
        else:
            monkeypatch.setenv("XDG_DATA_HOME", xdg)
        assert database_file(None) == str(database_path(None)), xdg


def test_an_unknown_user_is_the_same_error() -> None:
    with pytest.raises(UsageError) as by_path:
        database_path("~no_such_user_zxkb/z.db")
    with pytest.raises(UsageError) as by_text:
        database_file("~no_such_user_zxkb/z.db")
    assert str(by_text.value) == str(by_path.value) and by_text.value.hint == by_path.value.hint
