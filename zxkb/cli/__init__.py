"""The command line: zxkb.cli.app (Typer declarations), zxkb.cli.commands (what
each command does), zxkb.cli.fast (search without importing Typer)."""

from __future__ import annotations

import sys


def main() -> None:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    from zxkb.cli import fast

    code = fast.run(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from zxkb.cli.app import app

    app(prog_name="zxkb")
