"""zxkb.models names every record, though it creates only the query path's (the others when first named)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import zxkb.models
from tests.conftest import ROOT, SEED

ELSEWHERE = ("models_parse", "models_views", "models_analysis")


def _classes(module: str) -> set[str]:
    tree = ast.parse((ROOT / "zxkb" / f"{module}.py").read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.ClassDef)}


def _typing_imports() -> dict[str, str]:
    """name -> module of the imports under `if TYPE_CHECKING:` in zxkb/models.py (what mypy sees)."""
    tree = ast.parse(Path(zxkb.models.__file__).read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom) and stmt.module
                found.update({alias.name: stmt.module.removeprefix("zxkb.") for alias in stmt.names})
    return found


def test_every_record_elsewhere_is_named_by_models() -> None:
    records = {name: module for module in ELSEWHERE for name in _classes(module)}
    assert len(records) > 20  # the walk finds them
    assert records == zxkb.models._ELSEWHERE
    assert _typing_imports() == records
    for name, module in records.items():
        assert getattr(zxkb.models, name) is getattr(__import__(f"zxkb.{module}", fromlist=[name]), name)
    assert not _classes("models") & set(records)


def test_importing_models_creates_only_its_own_records() -> None:
    code = (
        "import sys, zxkb.models\n"
        "print(sorted(m for m in sys.modules if m.startswith('zxkb.models_')))\n"
        "from zxkb.models import ShowResult\n"
        "print(sorted(m for m in sys.modules if m.startswith('zxkb.models_')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.splitlines() == ["[]", "['zxkb.models_views']"]


def test_a_name_models_does_not_have_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchRecord"):
        zxkb.models.NoSuchRecord  # noqa: B018


@pytest.mark.parametrize(
    ("args", "created"),
    [
        (["search", "协商"], []),
        (["search", "协商", "--json"], []),
        (["search", "远成协商"], ["zxkb.models_views"]),  # no exact hit: suggestions (FuzzyMatch)
    ],
)
def test_a_search_creates_none_of_the_other_records(tmp_path: Path, args: list[str], created: list[str]) -> None:
    """A module of the query path that named another command's record at its top (not
    under TYPE_CHECKING) would create them at every search; ingest does, to store documents."""
    db = str(tmp_path / "z.db")
    code = (
        "import sys, contextlib, io\n"
        "from zxkb.cli import run\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = run(sys.argv[1:] + ['--db', {db!r}])\n"
        "print(code, sorted(m for m in sys.modules if m.startswith('zxkb.models_')))\n"
    )

    def modules(*argv: str) -> str:
        run = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, cwd=ROOT)
        return run.stdout.strip()

    assert modules("ingest", str(SEED)).startswith("0 ['zxkb.models_parse'")
    code_, loaded = modules(*args).split(" ", 1)
    assert code_ in ("0", "1") and loaded == repr(created)  # 1: no exact hit
