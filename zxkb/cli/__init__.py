"""The command line: zxkb.cli.app declares the commands for Typer,
zxkb.cli.fast reads search's arguments without Typer, zxkb.cli.commands runs
them, and zxkb.cli.failures maps whatever goes wrong to an exit code, once, here."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence


def main() -> None:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    sys.exit(run(sys.argv[1:]))


def run(argv: Sequence[str]) -> int:
    """Run the command `argv` names and return its exit code; nothing raises out
    of here but SystemExit from shell completion."""
    try:
        command = parse(list(argv))
        return command if isinstance(command, int) else command()
    except BaseException as exc:
        from zxkb.cli import failures

        return failures.exit_code(exc)


def parse(argv: list[str]) -> Callable[[], int] | int:
    """The command to run, or an exit code when parsing already answered
    (help, version, a usage error)."""
    from zxkb.cli import fast

    command = fast.parse(argv)
    if command is not None:
        return command
    from zxkb.cli import app

    return app.parse(argv)
