"""How a command ends when something goes wrong: one table from the kind of
exception to the exit code and what the user is told, applied once, in
zxkb.cli.run, around every command (CONVENTIONS §4: exit codes as grep).

    a closed pipe (| head)         0, nothing said (as ripgrep)
    Ctrl-C                         130, nothing stored is lost
    a user's mistake (ZxkbError)   its exit code (2), `Error: …` and `Hint: …`
    a file or folder that fails    2, with the path and the system's reason
    anything else: a bug           2, `Error: internal error …` and how to report it

ZXKB_DEBUG=1 adds the traceback on stderr; the exit code stays the same.
"""

from __future__ import annotations

import os
import sys

from zxkb.errors import user_error
from zxkb.render.output import error

INTERRUPTED = 130


def exit_code(exc: BaseException) -> int:
    """Say what `exc` means on stderr and return the exit code for it."""
    if isinstance(exc, SystemExit):
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    if isinstance(exc, BrokenPipeError):
        _silence_stdout()
        return 0
    if os.environ.get("ZXKB_DEBUG"):
        import traceback

        traceback.print_exception(exc)
    if isinstance(exc, KeyboardInterrupt):
        error("interrupted", "what was stored before stays; run the command again to go on")
        return INTERRUPTED
    known = user_error(exc)
    if known is not None:
        error(known.message, known.hint)
        return known.exit_code
    error(
        f"internal error: {type(exc).__name__}: {exc}",
        "this is a bug in zxkb; run again with ZXKB_DEBUG=1 for the traceback and report it",
    )
    return 2


def _silence_stdout() -> None:
    """Whatever is still buffered for the closed pipe goes nowhere: otherwise
    Python's flush at exit fails again and prints a warning."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout without a file descriptor (a test's buffer)
        pass
