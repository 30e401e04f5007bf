"""Where the database lives: --db PATH, else $ZXKB_DB, else a per-user data folder.

The per-user folder follows each platform's convention (what platformdirs'
user_data_dir gives) without importing platformdirs, which costs ~18 ms of
start-up on every command.

`database_file` is the same path as text, without pathlib on POSIX: pathlib
imports urllib.parse and ipaddress, ~6 ms of every `zxkb search`.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from zxkb.errors import UsageError

if TYPE_CHECKING:
    from pathlib import Path

StrPath = str | os.PathLike[str]  # what the store opens: the text of a path, or a Path
ENV_DB = "ZXKB_DB"
DB_NAME = "zxkb.db"


def user_data_dir() -> Path:
    from pathlib import Path

    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "zxkb"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "zxkb"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "zxkb"


def database_path(option: StrPath | None) -> Path:
    from pathlib import Path

    if option:
        return _expand(Path(option), "--db")
    env = os.environ.get(ENV_DB)
    if env:
        return _expand(Path(env), ENV_DB)
    return user_data_dir() / DB_NAME


def _expand(path: Path, where: str) -> Path:
    try:
        return path.expanduser()
    except RuntimeError as exc:  # ~user where there is no such user
        raise UsageError(f"cannot find the home folder in {where} {path}: {exc}", "write the path in full") from exc


def database_file(option: StrPath | None) -> str:
    """str(database_path(option)), on POSIX without importing pathlib."""
    if os.name != "posix" or sys.platform == "darwin":
        return str(database_path(option))
    text = os.fspath(option) if option else os.environ.get(ENV_DB) or ""
    if not text:
        base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
        if base.startswith("~"):  # no home folder: database_path says so
            return str(database_path(option))
        return posix_text(os.path.join(posix_text(base), "zxkb", DB_NAME))
    text = posix_text(text)
    if text.startswith("~"):
        home = os.path.expanduser(text.split("/", 1)[0])
        if home.startswith("~"):  # no such user: database_path says so
            return str(database_path(option))
        text = posix_text(os.path.join(home, *text.split("/")[1:]))
    return text


def posix_text(path: str) -> str:
    """str(PurePosixPath(path)): no empty or `.` parts, no trailing slash, and a
    leading `//` kept (POSIX leaves its meaning to the system) where three or
    more are one."""
    root = ""
    if path.startswith("/"):
        root = "//" if path.startswith("//") and not path.startswith("///") else "/"
    return root + "/".join(part for part in path.split("/") if part and part != ".") or "."
