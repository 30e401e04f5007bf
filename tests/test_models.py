"""zxkb.models names every record, though it creates only the query path's (the others when first named)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import zxkb.models
from tests.conftest import ROOT

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
