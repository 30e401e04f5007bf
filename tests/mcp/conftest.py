"""The MCP tests' database (the seed and two distinct reports made from it) and
the cases every transport is checked on: a tool's arguments, the CLI command
that takes the same ones, and where its --json object sits in the tool's
structured answer (under a key for the views that are lists)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from tests.conftest import ROOT, SEED, Cli, seed_variants


class Case(NamedTuple):
    tool: str
    arguments: dict[str, Any]
    argv: tuple[str, ...]  # the CLI command, without --json and --db
    key: str | None = None  # where the CLI's JSON is in the structured answer; None: it is the answer


CASES = [
    Case("search", {"query": "远程协商", "limit": 2}, ("search", "远程协商", "--limit", "2")),
    Case(
        "search",
        {"query": "协商 OR 监督", "year": ["2020"], "type": ["cppcc"], "section": "二", "limit": 3},
        ("search", "协商", "OR", "监督", "--year", "2020", "--type", "cppcc", "--section", "二", "-n", "3"),
    ),
    Case("search", {"query": "远成协商", "fuzzy": True}, ("search", "远成协商", "--fuzzy")),
    Case("search", {"query": "手机银行"}, ("search", "手机银行")),  # no hit: suggestions (CLI exit 1)
    # no paragraph holds both: partial hits, each score in parts
    Case("search", {"query": "远程协商 手机银行", "explain": True}, ("search", "远程协商", "手机银行", "--explain")),
    Case("search", {"query": "远程协商 手机银行", "exact": True}, ("search", "远程协商", "手机银行", "--exact")),
    Case("search", {"query": "手机银行", "all": True, "copies": True}, ("search", "手机银行", "--all", "--copies")),
    Case("show", {"ref": "1:12", "context": 2}, ("show", "1:12", "--context", "2")),
    Case("show", {"ref": "2:5"}, ("show", "2:5")),
    Case("outline", {"section": "二", "doc": ["1"]}, ("list", "--section", "二", "--doc", "1"), "outline"),
    Case(
        "outline",
        {"region": ["株洲"], "year": ["1900-2020"]},
        ("list", "--region", "株洲", "--year", "1900-2020"),
        "outline",
    ),
    Case("documents", {}, ("docs",), "documents"),
    Case(
        "documents",
        {"speaker": ["蔡溪"], "level": ["city"]},
        ("docs", "--speaker", "蔡溪", "--level", "city"),
        "documents",
    ),
    Case("fuzzy", {"term": "ycxs", "limit": 3}, ("fuzzy", "ycxs", "-n", "3")),
    Case(
        "fuzzy",
        {"term": "委员家", "doc": ["2"], "min_score": 70},
        ("fuzzy", "委员家", "--doc", "2", "--min-score", "70"),
    ),
    Case(
        "trend",
        {"terms": ["协商", "远程协商"], "by": "doc", "refs": 2},
        ("trend", "协商", "远程协商", "--by", "doc", "--refs", "2"),
    ),
    Case("trend", {"terms": ["委员之家"], "kwic": True, "width": 5}, ("trend", "委员之家", "--kwic", "--width", "5")),
    Case(
        "compare",
        {"left": {"doc": ["1"]}, "right": {"doc": ["2"]}, "limit": 5},
        ("compare", "1", "2", "--limit", "5"),
    ),
    Case("track", {"doc": "1"}, ("track", "1")),  # its successor is not stored: next is null (CLI exit 1)
]

# Mistakes a model makes: each is an error result with the CLI's own message and hint.
BAD = [
    Case("show", {"ref": "1:99999"}, ("show", "1:99999")),  # an unknown ref
    Case("show", {"ref": "第一段"}, ("show", "第一段")),  # not a ref
    Case("search", {"query": ""}, ("search", "")),  # an empty query
    # a filter that matches nothing
    Case("search", {"query": "协商", "year": ["1700"]}, ("search", "协商", "--year", "1700")),
    Case("documents", {"region": ["火星"]}, ("docs", "--region", "火星")),
    Case("outline", {"section": "九"}, ("list", "--section", "九")),
    Case("fuzzy", {"term": "协商", "year": ["20x8"]}, ("fuzzy", "协商", "--year", "20x8")),
    Case("trend", {"terms": ["协商"], "year": ["1700"]}, ("trend", "协商", "--year", "1700")),
    Case("compare", {"left": {}, "right": {"doc": ["1"]}}, ("compare", "--right-doc", "1")),
]


def cli_json(db: Path, case: Case) -> Any:
    """What `zxkb ARGV --json --db DB` prints (exit 0, or 1 for nothing found)."""
    result = Cli()(*case.argv, "--json", "--db", str(db), code=None)
    assert result.exit_code in (0, 1), result
    return json.loads(result.stdout)


def cli_error(db: Path, case: Case) -> str:
    """What the CLI says on stderr for the same mistake (exit 2)."""
    result = Cli()(*case.argv, "--json", "--db", str(db), code=2)
    return result.stderr.rstrip("\n")


def structured_part(case: Case, structured: dict[str, Any]) -> Any:
    return structured if case.key is None else structured[case.key]


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mcp")
    db = folder / "zxkb.db"
    paths = [SEED, *seed_variants(folder / "in", 2)]
    Cli()("ingest", *map(str, paths), "--db", str(db), "--json")
    return db


def server_command(db: Path, *more: str) -> list[str]:
    return [sys.executable, "-m", "zxkb", "mcp", "--db", str(db), *more]


__all__ = ["BAD", "CASES", "ROOT", "Case", "cli_error", "cli_json", "seeded_db", "server_command", "structured_part"]
