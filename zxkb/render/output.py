"""The one way out: a command's result goes to stdout, as JSON (zxkb.render.json,
stdlib only) or as the human view (zxkb.render.human, which imports Rich, loaded
only then); every message (errors, hints, summaries) goes to stderr."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

# The human views that live in a module of their own in zxkb.render.human (they
# draw on its console, so its __init__ does not import them); the others are its own.
HUMAN_MODULES = {"trend": ".charts", "facets": ".charts", "compare": ".analysis", "track": ".analysis"}


class Output:
    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def result(self, view: str, result: Any) -> None:
        """`result` through the JSON view or the human view called `view`."""
        if self.as_json:
            from zxkb.render import json as render_json

            render_json.dump(getattr(render_json, view)(result))
        else:
            from importlib import import_module

            module = import_module(f"zxkb.render.human{HUMAN_MODULES.get(view, '')}")
            getattr(module, view)(result)

    def json_lines(self, view: str, results: Iterable[Any]) -> None:
        """One JSON object a line (export: always JSON)."""
        from zxkb.render import json as render_json

        render_json.dump_lines(map(getattr(render_json, view), results))

    def message(self, text: str) -> None:
        message(text)


def message(text: str) -> None:
    """A line on stderr, control characters shown escaped (zxkb.render.safe)."""
    from zxkb.render.safe import printable

    print(printable(text), file=sys.stderr)


def error(text: str, hint: str | None) -> None:
    """`Error: …` and `Hint: …` on stderr."""
    message(f"Error: {text}")
    if hint:
        message(f"Hint: {hint}")
