"""How many CPU cores this process may use: ingest's worker processes, and the
threads that count a common term's matches (zxkb.search.engine)."""

from __future__ import annotations

import os


def available() -> int:
    """The cores this process may run on (its affinity where the system says)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
