"""A URL's query parameters -> the arguments the CLI's options give, with the
CLI's errors (README, "zxkb serve").

Each parameter is named as the command's option without its dashes (`limit`,
`min-score`, `year`; `q` for search's QUERY, `ref` and `term` for the other
arguments) and read as Typer reads the option: the same types, ranges, defaults
and repetition (a repeatable option may be given many times; of any other the
last value counts), and a bad value gives the same `Error:` message and `Hint:`
as the command line (tests/web/test_api.py compares them). An empty value is
no value, as a form sends an empty field. Stdlib only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal, NamedTuple

from zxkb.errors import UsageError

Type = Literal["text", "texts", "int", "float", "flag"]

TRUE = ("1", "true", "yes", "on", "y", "t")
FALSE = ("0", "false", "no", "off", "n", "f")


class Param(NamedTuple):
    name: str  # in the URL
    opts: tuple[str, ...]  # the CLI's option names, for messages; () for an argument
    type: Type = "text"
    default: Any = None
    low: int | None = None  # the range Typer checks (min=, max=)
    high: int | None = None
    required: bool = False
    metavar: str | None = None  # an argument's name in "Missing argument 'QUERY...'."
    aliases: tuple[str, ...] = ()  # other spellings accepted (min_score for min-score)


def usage(command: str, message: str) -> UsageError:
    """A usage error as the CLI words it (zxkb.cli.app._usage_error)."""
    return UsageError(message, f"zxkb {command} --help shows every option")


def _hint(param: Param) -> str:
    return " / ".join(f"'{opt}'" for opt in param.opts) if param.opts else f"'{param.metavar or param.name}'"


def _range(param: Param) -> str:
    if param.low is not None and param.high is not None:
        return f"{param.low}<=x<={param.high}"
    return f"x>={param.low}" if param.low is not None else f"x<={param.high}"


def _number(command: str, param: Param, raw: str) -> int | float:
    name = "int range" if param.type == "int" else "float range"
    try:
        value: int | float = int(raw) if param.type == "int" else float(raw)
    except ValueError:
        raise usage(command, f"Invalid value for {_hint(param)}: {raw!r} is not a valid {name}.") from None
    low_ok = param.low is None or value >= param.low
    high_ok = param.high is None or value <= param.high
    if not (low_ok and high_ok):  # nan fails both, as in Click
        raise usage(command, f"Invalid value for {_hint(param)}: {value} is not in the range {_range(param)}.")
    return value


def _flag(command: str, param: Param, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise usage(command, f"Invalid value for {_hint(param)}: {raw!r} is not a valid boolean.")


def parse(
    command: str, params: Sequence[Param], items: Iterable[tuple[str, str]], extra: Sequence[str] = ()
) -> dict[str, Any]:
    """The arguments `items` (the URL's query, in order) give to `command`,
    keyed by Param.name; the names in `extra` (a page's own: `page`) are passed
    through as text. Any other name is an unknown option, as on the command line."""
    by_name = {alias: p for p in params for alias in (p.name, *p.aliases)}
    values: dict[str, list[str]] = {}
    passed: dict[str, Any] = {}
    for name, raw in items:
        if name in extra:
            passed[name] = raw
            continue
        param = by_name.get(name)
        if param is None:
            raise usage(command, f"No such option: --{name}")
        values.setdefault(param.name, []).append(raw)
    out: dict[str, Any] = {}
    for param in params:
        given = values.get(param.name, [])
        if param.type == "texts":
            out[param.name] = given
        else:
            present = [v for v in given if v.strip()] if param.type != "text" else given
            if not present:
                out[param.name] = param.default
            elif param.type == "text":
                out[param.name] = present[-1]
            elif param.type == "flag":
                out[param.name] = _flag(command, param, present[-1])
            else:
                out[param.name] = _number(command, param, present[-1])
        if param.required and not out[param.name]:
            raise usage(command, f"Missing argument {_hint(param)}.")
    return {**out, **passed}


def positive(command: str, name: str, raw: str | None, default: int) -> int:
    """A page's own whole number (page=3): 1 or more; `default` when absent."""
    if raw is None or not raw.strip():
        return default
    return int(_number(command, Param(name, (), "int", low=1, metavar=name), raw))
