"""Errors a user can cause. Each carries a message and a hint; the CLI prints
`Error: <message>` and `Hint: <hint>` on stderr and exits with 2
(zxkb.cli.failures), the web page and the MCP server show the same two lines.

`user_error` turns the exceptions that come from outside zxkb's own checks (a
file that cannot be read, a database that is damaged or locked) into the same
kind of error, so that every front end says the same thing about them."""

from __future__ import annotations


class ZxkbError(Exception):
    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class DatabaseMissing(ZxkbError):
    """The database file does not exist (read commands never create it)."""


class DatabaseTooNew(ZxkbError):
    """The database was written by a newer zxkb schema."""


class DatabaseUnreadable(ZxkbError):
    """The file is not a zxkb database, or is corrupt."""


class NeedsUpgrade(ZxkbError):
    """The database was made by an older zxkb: a write command (zxkb upgrade) must migrate it first."""


class QueryError(ZxkbError):
    """The search query cannot be understood."""


class NotFound(ZxkbError):
    """A document, section or paragraph named by the user does not exist."""


class NoSuccessor(NotFound):
    """zxkb track: the next report from the same issuer is not stored (exit 1: nothing found, as grep)."""

    exit_code = 1


class InputError(ZxkbError):
    """A file given to ingest cannot be read or decoded."""


class IngestError(ZxkbError):
    """An ingest cannot go on (what was stored before stays)."""


class UsageError(ZxkbError):
    """An option or argument has a value zxkb cannot use."""


def user_error(exc: BaseException) -> ZxkbError | None:
    """The ZxkbError that `exc` is, or stands for; None for a bug."""
    if isinstance(exc, ZxkbError):
        return exc
    if isinstance(exc, OSError):
        name = f"{exc.filename}: " if exc.filename else ""
        return ZxkbError(f"{name}{exc.strerror or exc}", "check the path and its permissions")
    if isinstance(exc, OverflowError):
        return UsageError(f"a number is out of range: {exc}", "give a smaller number")
    if isinstance(exc, UnicodeError):
        return UsageError(f"a text holds bytes that are not UTF-8 ({exc})", "give text in UTF-8 (check your terminal)")
    if isinstance(exc, RecursionError):
        return UsageError("the input is nested too deeply to read", "check the input")
    if isinstance(exc, MemoryError):
        return ZxkbError("out of memory", "close other programs, or give smaller inputs")
    return None
