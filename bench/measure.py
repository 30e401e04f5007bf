"""Timing helpers: whole-process wall time (median of several runs), one process's
peak memory, and in-process timings."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Timed:
    median_ms: float
    runs_ms: list[float]
    returncode: int
    stdout: bytes
    stderr: bytes

    def as_dict(self) -> dict[str, object]:
        return {
            "median_ms": round(self.median_ms, 2),
            "min_ms": round(min(self.runs_ms), 2),
            "runs": len(self.runs_ms),
            "returncode": self.returncode,
        }


# The start of a script run with `python -c` that times phases of an ingest in
# process: `timed(name, fn)` wraps a function, `spent[name]` sums its seconds.
PHASE_TIMER = """
import sys, time
from collections import Counter

spent = Counter()

def timed(name, fn):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - start
    return wrapper
"""


def run_process(
    argv: Sequence[str], runs: int, *, warmup: int = 1, env: dict[str, str] | None = None, ok: tuple[int, ...] = (0, 1)
) -> Timed:
    """Run `argv` `warmup` + `runs` times, stdout and stderr to pipes; median wall time of the timed runs.
    The output kept is the last run's. An exit code outside `ok` (0, and 1 for no match) stops the
    benchmark: timing a command that fails would measure its error path."""
    times: list[float] = []
    proc: subprocess.CompletedProcess[bytes] | None = None
    for i in range(warmup + runs):
        start = time.perf_counter()
        proc = subprocess.run(argv, capture_output=True, env=env, check=False)
        elapsed = (time.perf_counter() - start) * 1000
        if proc.returncode not in ok:
            raise SystemExit(
                f"bench: {' '.join(map(str, argv))} exited {proc.returncode}:\n{proc.stderr.decode(errors='replace')}"
            )
        if i >= warmup:
            times.append(elapsed)
    assert proc is not None
    return Timed(statistics.median(times), times, proc.returncode, proc.stdout, proc.stderr)


@dataclass
class Usage:
    seconds: float
    max_rss_mb: float  # the process itself
    returncode: int | None  # None: killed at the timeout
    stdout: bytes
    stderr: bytes
    tree_rss_mb: float = 0.0  # the process and its descendants together (ingest's workers), sampled


def _tree_rss_mb(root: int) -> float:
    """Resident memory of `root` and every process below it, from /proc (0 elsewhere)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    total = 0
    for pid in tree:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def run_with_usage(argv: Sequence[str], timeout_s: float, *, stdout_path: str, stderr_path: str) -> Usage:
    """Run `argv` once; wall time, this process's own peak RSS (os.wait4) and the peak of
    its whole process tree (sampled every 50 ms: ingest's worker processes count).
    Killed after `timeout_s` seconds. Output goes to files (it can be large)."""
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err)
        deadline = start + timeout_s
        returncode: int | None = None
        tree_peak = 0.0
        while True:
            tree_peak = max(tree_peak, _tree_rss_mb(proc.pid))
            pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                returncode = os.waitstatus_to_exitcode(status)
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, rusage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        proc.returncode = returncode if returncode is not None else -9  # already reaped
    with open(stdout_path, "rb") as out, open(stderr_path, "rb") as err:
        return Usage(elapsed, rusage.ru_maxrss / 1024, returncode, out.read(), err.read(), tree_peak)


def time_call(fn: Callable[[], object], runs: int, *, warmup: int = 1) -> tuple[float, object]:
    """Median milliseconds of `fn()` over `runs` calls after `warmup`; and its last result."""
    result: object = None
    for _ in range(warmup):
        result = fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


Checkout = tuple[Path, str]  # a checkout's folder and the Python of its .venv


def checkouts(base: Path | None) -> dict[str, Checkout]:
    """This checkout (run by this Python), and `base` (by its own .venv) when given:
    the sides of a benchmark that measures two versions in turns."""
    sides = {"this checkout": (Path(__file__).resolve().parent.parent, sys.executable)}
    if base:
        sides["base"] = (base.resolve(), str(base / ".venv" / "bin" / "python"))
    return sides
