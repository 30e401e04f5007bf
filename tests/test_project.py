"""Start-up discipline and documentation: checked, not timed."""

from __future__ import annotations

import ast
import subprocess
import sys
import sysconfig
from pathlib import Path

import typer

from tests.conftest import ROOT, SEED
from zxkb.cli.app import app

HEAVY = ("rich", "opencc", "sqlite_utils", "platformdirs", "rjieba", "pypinyin", "rapidfuzz", "pypdfium2", "reportlab")


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


def test_search_does_not_import_pathlib(tmp_path: Path) -> None:
    """pathlib imports urllib.parse and ipaddress (~6 ms of start-up): the query path
    works on the text of the database's path (zxkb.paths.database_file). Run without
    site (-S), whose finder of the editable install imports pathlib itself."""
    db = str(tmp_path / "z.db")
    _modules_after(["ingest", "--json", str(SEED)], db)
    purelib = sysconfig.get_paths()["purelib"]

    def loaded(*args: str) -> list[str]:
        code = (
            f"import sys\nsys.path.append({purelib!r})\nsys.argv = ['zxkb', *{list(args)!r}, '--db', {db!r}]\n"
            "from zxkb.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m in ('pathlib', 'urllib.parse', 'ipaddress')), file=sys.stderr)"
        )
        result = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, cwd=ROOT)
        found: list[str] = ast.literal_eval(result.stderr.strip().splitlines()[-1])
        return found

    assert loaded("search", "远程协商") == []
    assert loaded("search", "远程协商", "--json") == []
    assert loaded("search", "远成协商") == []  # no hit: partial hits and suggestions
    assert loaded("docs") == ["ipaddress", "pathlib", "urllib.parse"]  # Typer's commands do: the check can fail


def test_fuzzy_paths_load_rapidfuzz_only_when_needed(tmp_path: object) -> None:
    db = str(tmp_path) + "/z.db"  # type: ignore[operator]
    _modules_after(["ingest", "--json", str(SEED)], db)
    # pinyin was computed at ingest: no query imports pypinyin or the segmenter
    assert _modules_after(["fuzzy", "yuanchengxieshang", "--json"], db) == ["['rapidfuzz']"]
    assert _modules_after(["fuzzy", "遠程協商", "--json"], db) == ["['rapidfuzz']"]
    # a search with hits needs no fuzzy matching; one without hits suggests terms
    assert _modules_after(["search", "远程协商", "--json"], db) == ["[]"]
    assert _modules_after(["search", "远成协商", "--json"], db) == ["['rapidfuzz']"]
    # a sentence no paragraph holds is cut into words without the segmenter (zxkb.search.partial)
    assert _modules_after(["search", "株洲政协怎么开展远程协商", "--json"], db) == ["['rapidfuzz']"]
    assert _modules_after(["search", "远程协商", "--explain", "--json"], db) == ["[]"]
    assert _modules_after(["search", "远程协商", "--fuzzy", "--json"], db) == ["['rapidfuzz']"]


WEB_STACK = ("starlette", "uvicorn", "jinja2", "markupsafe", "anyio", "h11", "httpx")


def test_no_other_command_imports_the_web_stack(tmp_path: object) -> None:
    """zxkb serve imports Starlette, uvicorn and Jinja2 inside its function: nothing else pays for them."""
    db = str(tmp_path) + "/z.db"  # type: ignore[operator]
    _modules_after(["ingest", "--json", str(SEED)], db)
    for args in (
        ["search", "远程协商", "--json"],
        ["search", "远程协商"],
        ["--help"],
        ["docs", "--json"],
        ["serve", "--help"],
    ):
        assert _modules_after(args, db, heavy=WEB_STACK) == ["[]"], args
    # and serve does import them, so the check above can fail
    code = (
        "import sys\nfrom zxkb.web import app\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({WEB_STACK!r})))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert {"starlette", "jinja2", "markupsafe"} <= set(ast.literal_eval(result.stdout)), result.stderr


def _commands() -> dict[str, typer.core.TyperCommand]:
    group = typer.main.get_command(app)
    return dict(group.commands)  # type: ignore[attr-defined]


def test_every_command_has_help_json_and_db() -> None:
    commands = _commands()
    assert set(commands) == {
        "ingest",
        "search",
        "fuzzy",
        "list",
        "show",
        "docs",
        "export",
        "rm",
        "upgrade",
        "completion",
        "mcp",
        "serve",
        "trend",
        "compare",
        "track",
    }
    for name, command in commands.items():
        assert command.help, name
        options = {opt for param in command.params for opt in getattr(param, "opts", [])}
        if name == "mcp":  # it speaks JSON-RPC, always
            assert "--db" in options and "--json" not in options
        elif name != "completion":  # it prints a shell script and reads no database
            assert {"--json", "--db"} <= options, name
        for param in command.params:
            assert getattr(param, "help", None), (name, param.name)


def test_readme_documents_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in _commands():
        assert f"zxkb {name}" in readme, name
    first_lines = readme.split("\n## ")[0]
    assert "pip install" in first_lines and "scripts/test" in first_lines


# --- the layout: the pipeline in folders, no import circle -------------------------

PACKAGE = ROOT / "zxkb"
MAX_MODULE_LINES = 400


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The zxkb modules `path` imports, anywhere in it (inside functions too),
    except under `if TYPE_CHECKING:`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    package = _module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else _module_name(path)
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("zxkb"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            if not base.startswith("zxkb"):
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in modules else base)
    return {m for m in found if m in modules and m != _module_name(path)}


def _graph() -> dict[str, set[str]]:
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(f) for f in files}
    return {_module_name(f): _imports(f, modules) for f in files}


def test_no_import_circle() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1 on the path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            assert state.get(nxt) != 1, " -> ".join([*path, node, nxt])
            if nxt not in state:
                visit(nxt, [*path, node])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert "zxkb.store.terms" in graph["zxkb.store.documents"]  # the graph is real: it has edges


def test_parsing_is_pure() -> None:
    """parse/ reads text only: nothing of the database, search, the CLI or rendering."""
    graph = _graph()
    forbidden = ("zxkb.store", "zxkb.search", "zxkb.cli", "zxkb.render", "zxkb.ingest", "zxkb.api")
    for module, imports in graph.items():
        if module.startswith("zxkb.parse"):
            assert not [m for m in imports if m.startswith(forbidden)], module


def test_front_ends_hold_no_sql() -> None:
    front_ends = ("cli", "render", "mcp", "web")
    for path in [p for folder in front_ends for p in (PACKAGE / folder).rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        assert "import sqlite3" not in text and ".execute(" not in text, path


def test_rich_is_imported_by_the_human_renderer_only() -> None:
    human = PACKAGE / "render" / "human"
    importers = {
        p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*.py")
        if any(
            isinstance(node, (ast.Import, ast.ImportFrom))
            and any(
                name == "rich" or name.startswith("rich.")
                for name in ([node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names])
            )
            for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        )
    }
    assert importers, "the walk finds Rich's importers"
    outside = {p for p in importers if not (PACKAGE / p).is_relative_to(human)}
    assert not outside, outside


def test_no_module_is_long() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert not long


def test_shell_completion() -> None:
    for shell, marker in (("bash", "complete -o default"), ("zsh", "compdef"), ("fish", "complete --command zxkb")):
        result = subprocess.run(
            [sys.executable, "-m", "zxkb", "completion", shell], capture_output=True, text=True, cwd=ROOT
        )
        assert result.returncode == 0 and "_ZXKB_COMPLETE" in result.stdout and marker in result.stdout, shell
    env = {"PATH": "/usr/bin:/bin", "_ZXKB_COMPLETE": "complete_bash", "COMP_WORDS": "zxkb sea", "COMP_CWORD": "1"}
    words = subprocess.run([sys.executable, "-m", "zxkb"], capture_output=True, text=True, cwd=ROOT, env=env)
    assert words.stdout.split() == ["search"]
    env["COMP_WORDS"], env["COMP_CWORD"] = "zxkb search 协商 --d", "3"
    words = subprocess.run([sys.executable, "-m", "zxkb"], capture_output=True, text=True, cwd=ROOT, env=env)
    assert set(words.stdout.split()) == {"--doc", "--db"}


def test_a_clone_without_the_corpus_says_so_in_the_summary(tmp_path: Path) -> None:
    clone = tmp_path / "clone" / "tests"
    clone.mkdir(parents=True)
    (clone / "conftest.py").write_text((ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"), encoding="utf-8")
    (clone / "test_needs_corpus.py").write_text(
        "import pytest\nfrom conftest import CORPUS\n\n"
        "@pytest.mark.skipif(not CORPUS.is_dir(), reason='../shared/corpus is not here')\n"
        "def test_corpus() -> None:\n    pass\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(clone)],
        capture_output=True,
        text=True,
        cwd=clone.parent,
    )
    lines = [line for line in result.stdout.splitlines() if "on the real corpus skipped" in line]
    assert len(lines) == 1 and lines[0].startswith("1 test on") and "../shared/corpus" in lines[0], result.stdout
