"""A black-box hostile-input harness for zxkb: hundreds of hostile arguments, files,
damaged databases, concurrent runs and re-ingests, each run through the `zxkb`
command as a subprocess, with what came back classified.

    .venv/bin/python bench/hostile/run.py              # everything, ~5-10 minutes on 2 cores
    .venv/bin/python bench/hostile/run.py --quick      # a subset, ~1 minute
    .venv/bin/python bench/hostile/run.py --only db --only files --timeout 10

What a hardened zxkb must do, and what is checked:
  bad input      -> `Error: …` and `Hint: …` on stderr, exit 2; never a traceback or "internal error"
  success        -> exit 0; a search without hits exits 1
  one bad file   -> the good ones stored, the bad one in the JSON `errors`, exit 2, JSON still printed
  nothing stored is lost (documents before/after, PRAGMA integrity_check, every record of a re-ingested file)
  read commands never write (the db file is hashed before and after; no new -wal/-shm beside it)
  no command takes more than a few seconds (--slow) or hangs (--timeout), or peaks over 1 GB of RSS
  no raw terminal escape from a report or a query reaches the terminal; Rich markup in reports is shown literally

Only the standard library; nothing under zxkb/ is imported, so it works whatever the
package's layout. Results: a table on stdout and bench/out/hostile-results.json
(every failing case, with its command, exit code, stderr and why).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import inputs_concurrency
import inputs_db
import inputs_files
import inputs_queries
import inputs_replace
from harness import (
    DATA_LOST,
    HANG,
    INTERNAL,
    MAIN_KINDS,
    SETUP,
    TRACEBACK,
    WRONG_EXIT,
    Case,
    Ctx,
    Harness,
    Result,
    umount,
)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
FAMILIES = {
    "queries": inputs_queries.cases,
    "files": inputs_files.cases,
    "db": inputs_db.cases,
    "concurrency": inputs_concurrency.cases,
    "replace": inputs_replace.cases,
}
ORDER = ("files", "db", "replace", "queries", "concurrency")  # long cases first, so the pool ends together


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "--zxkb",
        default=str(Path(sys.executable).parent / "zxkb"),
        help="the zxkb command (default: the one next to this Python)",
    )
    p.add_argument("--timeout", type=float, default=20.0, help="seconds before a command counts as a hang (20)")
    p.add_argument(
        "--slow", type=float, default=5.0, help="seconds after which a finished command is reported as slow (5)"
    )
    p.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="FAMILY",
        help=f"only this family (repeatable, or comma-separated): {', '.join(ORDER)}",
    )
    p.add_argument("--quick", action="store_true", help="a representative subset, for a fast smoke run")
    p.add_argument(
        "--workers",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="cases run at once (default: 2); concurrency cases always run alone",
    )
    p.add_argument(
        "--mem-limit-mb",
        type=int,
        default=4096,
        help="address-space cap put on each zxkb process, so a bomb cannot take the machine (4096)",
    )
    p.add_argument("--out", default=str(REPO / "bench" / "out" / "hostile-results.json"), help="the JSON results")
    p.add_argument("--keep", action="store_true", help="keep the temp folder (its path is printed)")
    p.add_argument("--list", action="store_true", help="list the cases and exit")
    p.add_argument("--match", default="", help="only cases whose name contains this (for reruns)")
    return p.parse_args(argv)


def select(args: argparse.Namespace) -> list[Case]:
    only = {f.strip() for item in args.only for f in item.split(",") if f.strip()}
    unknown = only - set(FAMILIES)
    if unknown:
        raise SystemExit(f"unknown family: {', '.join(sorted(unknown))} (families: {', '.join(ORDER)})")
    chosen: list[Case] = []
    for fam in ORDER:
        if only and fam not in only:
            continue
        for case in FAMILIES[fam]():
            if args.quick and not case.quick:
                continue
            if args.match and args.match not in case.name:
                continue
            chosen.append(case)
    return chosen


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text)[:40].strip("-") or "case"


def rmtree(path: Path) -> None:
    def fix(func: Any, p: str, _exc: Any) -> None:
        try:
            os.chmod(os.path.dirname(p), stat.S_IRWXU)
            os.chmod(p, stat.S_IRWXU)
            func(p)
        except OSError:
            pass

    shutil.rmtree(path, onerror=fix)


def execute(h: Harness, case: Case, keep: bool) -> Result:
    workdir = Path(tempfile.mkdtemp(prefix=slug(case.name) + "-", dir=h.tmp / "cases"))
    ctx = Ctx(h, case, workdir)
    started = time.monotonic()
    try:
        case.fn(ctx)
    except Exception as exc:  # the harness's own bug: reported apart from zxkb's failures
        ctx.fail(SETUP, f"harness error: {type(exc).__name__}: {exc}")
        ctx.note(traceback.format_exc()[-1500:])
    finally:
        for where in list(h.mounts):
            if where.is_relative_to(workdir):
                umount(where)
                h.mounts.remove(where)
        if not keep:
            rmtree(workdir)
    ctx.result.seconds = time.monotonic() - started
    return ctx.result


def run_all(h: Harness, cases: list[Case], workers: int, keep: bool) -> list[Result]:
    results: list[Result] = []
    lock = threading.Lock()
    total = len(cases)
    t0 = time.monotonic()

    def one(case: Case) -> Result:
        r = execute(h, case, keep)
        with lock:
            results.append(r)
            n = len(results)
            if n % 25 == 0 or n == total:
                print(f"  [{n}/{total}] {time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)
        return r

    shared = [c for c in cases if not c.exclusive]
    alone = [c for c in cases if c.exclusive]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        list(pool.map(one, shared))
    for case in alone:
        one(case)
    order = {id(c): i for i, c in enumerate(cases)}
    by_name = {(c.family, c.name): order[id(c)] for c in cases}
    results.sort(key=lambda r: by_name.get((r.family, r.name), 0))
    return results


COLUMNS = (
    ("inputs", None),
    ("failing", None),
    ("tracebacks", TRACEBACK),
    ("hangs", HANG),
    ("wrong exit", WRONG_EXIT),
    ("data lost", DATA_LOST),
    ("internal err", INTERNAL),
    ("other", "other"),
    ("skipped", None),
)


def tally(results: list[Result]) -> dict[str, dict[str, int]]:
    rows: dict[str, dict[str, int]] = {}
    for r in results:
        for fam in (r.family, "TOTAL"):
            row = rows.setdefault(fam, {name: 0 for name, _ in COLUMNS})
            row["inputs"] += 1
            if r.skipped:
                row["skipped"] += 1
            kinds = {f.kind for f in r.failures if f.kind != SETUP}
            if kinds:
                row["failing"] += 1
            for name, kind in COLUMNS:
                if kind == "other":
                    row[name] += bool(kinds - set(MAIN_KINDS))
                elif kind is not None:
                    row[name] += kind in kinds
    return rows


def table(rows: dict[str, dict[str, int]]) -> str:
    fams = [f for f in ORDER if f in rows] + ["TOTAL"]
    head = ["family"] + [name for name, _ in COLUMNS]
    body = [[f] + [str(rows[f][name]) for name, _ in COLUMNS] for f in fams if f in rows]
    widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    out = [line(head), line(["-" * w for w in widths])]
    for row in body:
        if row[0] == "TOTAL":
            out.append(line(["-" * w for w in widths]))
        out.append(line(row))
    return "\n".join(out)


def kinds_table(results: list[Result]) -> str:
    counts: Counter[str] = Counter()
    example: dict[str, str] = {}
    for r in results:
        for kind in sorted({f.kind for f in r.failures}):
            counts[kind] += 1
            if kind not in example:
                f = next(f for f in r.failures if f.kind == kind)
                example[kind] = f"{r.family}/{r.name}: {f.why}"
    if not counts:
        return "no failures"
    w = max(len(k) for k in counts)
    return "\n".join(f"{k.ljust(w)}  {n:4d}  e.g. {example[k][:150]}" for k, n in counts.most_common())


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    zxkb = shutil.which(args.zxkb) or args.zxkb
    if not os.access(zxkb, os.X_OK):
        raise SystemExit(f"no zxkb command at {zxkb} (pass --zxkb PATH)")
    cases = select(args)
    if args.list:
        for c in cases:
            print(f"{c.family:12} {c.name}")
        print(f"{len(cases)} cases", file=sys.stderr)
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="zxkb-hostile-"))
    (tmp / "cases").mkdir()
    h = Harness(zxkb, args.timeout, tmp, args.slow, args.mem_limit_mb)
    started = time.monotonic()
    print(
        f"zxkb hostile harness: {len(cases)} inputs, {zxkb}, timeout {args.timeout:g} s, temp {tmp}"
        + (" (root: chmod-based cases are skipped)" if h.is_root else ""),
        file=sys.stderr,
        flush=True,
    )
    try:
        results = run_all(h, cases, args.workers, args.keep)
    finally:
        for where in list(h.mounts):
            umount(where)
        if not args.keep:
            rmtree(tmp)
    seconds = time.monotonic() - started

    rows = tally(results)
    print()
    print(table(rows))
    print()
    print("failure kinds (cases):")
    print(kinds_table(results))
    skipped = [r for r in results if r.skipped]
    if skipped:
        print()
        print(f"skipped ({len(skipped)}):")
        for reason, n in Counter(r.skipped for r in skipped).most_common():
            print(f"  {n:3d} × {reason}")
    harness_errors = [r for r in results if any(f.kind == SETUP for f in r.failures)]
    if harness_errors:
        print()
        print(f"harness errors ({len(harness_errors)}; not counted above):")
        for r in harness_errors[:10]:
            print(f"  {r.family}/{r.name}: " + "; ".join(f.why for f in r.failures if f.kind == SETUP))
    print()
    print(f"{len(results)} inputs in {seconds:.0f} s" + (f"; temp kept in {tmp}" if args.keep else ""))

    failing = [r for r in results if r.failures]
    report = {
        "zxkb": zxkb,
        "timeout": args.timeout,
        "slow": args.slow,
        "quick": args.quick,
        "families": sorted({c.family for c in cases}),
        "root": h.is_root,
        "seconds": round(seconds, 1),
        "summary": rows,
        "skipped": [{"family": r.family, "name": r.name, "reason": r.skipped} for r in skipped],
        "failures": [
            {
                "family": r.family,
                "name": r.name,
                "kinds": sorted({f.kind for f in r.failures}),
                "command": r.failures[0].command,
                "exit_code": r.failures[0].exit_code,
                "stderr": r.failures[0].stderr[:500],
                "why": "; ".join(dict.fromkeys(f.why for f in r.failures)),
                "details": [
                    {
                        "kind": f.kind,
                        "why": f.why,
                        "command": f.command,
                        "exit_code": f.exit_code,
                        "stderr": f.stderr[:500],
                    }
                    for f in r.failures
                ],
                "notes": r.notes,
            }
            for r in failing
        ],
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"results: {out}")
    return 1 if failing else 0


if __name__ == "__main__":
    raise SystemExit(main())
