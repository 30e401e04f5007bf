"""The hot path: `zxkb search …` without importing Typer.

Importing Typer costs ~45 ms, three times a whole query on a small database.
This parser reads the plain forms of search's arguments (those the README
shows) and returns the same implementation as the Typer command does, with the
same arguments (but --db, given as its text, which commands.knowledge_base
reads as it reads Typer's Path: pathlib is ~6 ms of start-up); anything else
(help, unknown options, option clusters, bad values) returns None and the
Typer app takes over, so its usage errors and help are unchanged.
tests/test_fast_path.py runs both on the same arguments and compares.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

# option -> (keyword, takes a value); the filters (zxkb.cli.commands.Where) are repeatable
FILTERS: dict[str, str] = {
    "--doc": "doc",
    "-d": "doc",
    "--year": "year",
    "--region": "region",
    "--type": "type",
    "--level": "level",
    "--speaker": "speaker",
}
SEARCH_OPTIONS: dict[str, tuple[str, bool]] = {
    **{name: (key, True) for name, key in FILTERS.items()},
    "--copies": ("copies", False),
    "--section": ("section", True),
    "-s": ("section", True),
    "--limit": ("limit", True),
    "-n": ("limit", True),
    "--db": ("db", True),
    "--all": ("all_kinds", False),
    "--fuzzy": ("fuzzy", False),
    "-f": ("fuzzy", False),
    "--exact": ("exact", False),
    "--explain": ("explain", False),
    "--json": ("json", False),
    "--count-by": ("count_by", True),
}


def parse_search(args: list[str]) -> dict[str, Any] | None:
    """search's keyword arguments from argv, or None when this parser is not sure."""
    kwargs: dict[str, Any] = {
        "query": [],
        "section": None,
        "limit": 10,
        "all_kinds": False,
        "fuzzy": False,
        "exact": False,
        "explain": False,
        "db": None,
        "json": False,
        "count_by": None,
    }
    where: dict[str, Any] = {"copies": False}
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            kwargs["query"].extend(args[i + 1 :])
            break
        if arg.startswith("-") and arg != "-":
            name, eq, inline = arg.partition("=")
            if name not in SEARCH_OPTIONS:
                return None
            key, takes_value = SEARCH_OPTIONS[name]
            if not takes_value:
                if eq:
                    return None
                (where if key == "copies" else kwargs)[key] = True
            else:
                if eq and name.startswith("--"):
                    value = inline
                elif not eq and i + 1 < len(args):
                    i += 1
                    value = args[i]
                else:
                    return None
                if name in FILTERS:
                    where.setdefault(key, []).append(value)
                else:
                    kwargs[key] = value
        else:
            kwargs["query"].append(arg)
        i += 1
    if not kwargs["query"]:
        return None
    try:
        kwargs["limit"] = int(kwargs["limit"])
    except ValueError:
        return None
    if kwargs["limit"] < 0:
        return None
    from zxkb.cli.commands import Where

    kwargs["where"] = Where(**where)
    return kwargs


def parse(argv: list[str]) -> Callable[[], int] | None:
    """The search command argv gives, when this path can read it; else None."""
    if not argv or argv[0] != "search":
        return None
    kwargs = parse_search(argv[1:])
    if kwargs is None:
        return None
    from zxkb.cli import commands

    return partial(commands.search, **kwargs)
