"""Start-up discipline and documentation: checked, not timed."""

from __future__ import annotations

import subprocess
import sys

import typer

from tests.conftest import ROOT, SEED
from zxkb.cli.app import app

HEAVY = ("rich", "opencc", "sqlite_utils", "platformdirs", "rjieba", "pypinyin", "rapidfuzz")


def _modules_after(args: list[str], env_db: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    code = (
        "import sys\n"
        f"sys.argv = ['zxkb', *{args!r}]\n"
        "from zxkb.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r})), file=sys.stderr)\n"
    )
    env = {"ZXKB_DB": env_db, "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    return result.stderr.strip().splitlines()[-1:]


def test_json_paths_never_import_rich(tmp_path: object) -> None:
    db = str(tmp_path) + "/z.db"  # type: ignore[operator]
    # ingest builds the vocabulary: the segmenter and pypinyin, never Rich or rapidfuzz
    assert _modules_after(["ingest", "--json", str(SEED)], db) == ["['pypinyin', 'rjieba']"]
    for args in (["search", "远程协商", "--json"], ["list", "--json"], ["docs", "--json"], ["export"]):
        assert _modules_after(args, db) == ["[]"], args
    # and the human path does use Rich, so the check above can fail
    assert _modules_after(["search", "远程协商"], db) == ["['rich']"]


def test_search_does_not_import_typer(tmp_path: object) -> None:
    """The hot path (zxkb.cli.fast) answers search without Typer's ~45 ms import."""
    db = str(tmp_path) + "/z.db"  # type: ignore[operator]
    _modules_after(["ingest", "--json", str(SEED)], db)
    assert _modules_after(["search", "远程协商", "--json"], db, heavy=("typer", "click")) == ["[]"]
    assert _modules_after(["search", "远程协商"], db, heavy=("typer",)) == ["[]"]
    assert _modules_after(["docs", "--json"], db, heavy=("typer",)) == ["['typer']"]


def test_fuzzy_paths_load_rapidfuzz_only_when_needed(tmp_path: object) -> None:
    db = str(tmp_path) + "/z.db"  # type: ignore[operator]
    _modules_after(["ingest", "--json", str(SEED)], db)
    # pinyin was computed at ingest: no query imports pypinyin or the segmenter
    assert _modules_after(["fuzzy", "yuanchengxieshang", "--json"], db) == ["['rapidfuzz']"]
    assert _modules_after(["fuzzy", "遠程協商", "--json"], db) == ["['rapidfuzz']"]
    # a search with hits needs no fuzzy matching; one without hits suggests terms
    assert _modules_after(["search", "远程协商", "--json"], db) == ["[]"]
    assert _modules_after(["search", "远成协商", "--json"], db) == ["['rapidfuzz']"]
    assert _modules_after(["search", "远程协商", "--fuzzy", "--json"], db) == ["['rapidfuzz']"]


def _commands() -> dict[str, typer.core.TyperCommand]:
    group = typer.main.get_command(app)
    return dict(group.commands)  # type: ignore[attr-defined]


def test_every_command_has_help_json_and_db() -> None:
    commands = _commands()
    assert set(commands) == {"ingest", "search", "fuzzy", "list", "show", "docs", "export", "rm"}
    for name, command in commands.items():
        assert command.help, name
        options = {opt for param in command.params for opt in getattr(param, "opts", [])}
        assert {"--json", "--db"} <= options, name
        for param in command.params:
            assert getattr(param, "help", None), (name, param.name)


def test_readme_documents_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in _commands():
        assert f"zxkb {name}" in readme, name
    first_lines = readme.split("\n## ")[0]
    assert "pip install" in first_lines and "scripts/test" in first_lines
