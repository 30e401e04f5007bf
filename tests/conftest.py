"""Every test gets its own database through $ZXKB_DB: no test touches real data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from zxkb.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "db" / "zhuzhou-cppcc-2020.txt"
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(autouse=True)
def _isolated_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "zxkb.db"
    monkeypatch.setenv("ZXKB_DB", str(db))
    monkeypatch.delenv("ZXKB_DEBUG", raising=False)
    return db


class Cli:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, code: int | None = 0) -> Any:
        result = self.runner.invoke(app, list(args))
        if code is not None:
            assert result.exit_code == code, (
                result.exit_code,
                result.stdout,
                result.stderr,
                result.exception,
            )
        return result

    def json(self, *args: str, code: int | None = 0) -> Any:
        result = self(args[0], "--json", *args[1:], code=code)
        return json.loads(result.stdout)


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture
def seeded(cli: Cli) -> Cli:
    cli("ingest", str(SEED))
    return cli
