"""Where the database lives: --db PATH, else $ZXKB_DB, else a per-user data folder.

The per-user folder follows each platform's convention (what platformdirs'
user_data_dir gives) without importing platformdirs, which costs ~18 ms of
start-up on every command.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from zxkb.errors import UsageError

ENV_DB = "ZXKB_DB"
DB_NAME = "zxkb.db"


def user_data_dir() -> Path:
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "zxkb"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "zxkb"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "zxkb"


def database_path(option: str | Path | None) -> Path:
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
