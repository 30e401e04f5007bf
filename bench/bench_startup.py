"""Start-up of `zxkb search` in a `pip install .` venv, against Python importing what it must.

    .venv/bin/python bench/bench_startup.py                    # makes bench/out/venv-install first
    .venv/bin/python bench/bench_startup.py --venv /tmp/v-main --repo /path/to/main   # another checkout

The editable install of .venv (pip -e) adds its finder to every Python start there, the
baselines' too, which flatters the ratios of bench/run.py; here zxkb is installed as a user
installs it. The commands run in turns, round after round (so the machine's load falls on all
alike), on a tiny database of ../shared/corpus/seed; medians of the rounds:

- `python -c "import sqlite3, rich.console, rich.table"` against `zxkb search Q` (Rich, to a pipe);
- `python -c "import sqlite3"` against `zxkb search Q --json`.

Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
QUERY = "协商"


def make_venv(venv: Path, repo: Path) -> None:
    """`pip install repo` into `venv` (made when missing); zxkb itself again each time."""
    pip = str(venv / "bin" / "pip")
    if (venv / "bin" / "zxkb").exists():
        subprocess.run([pip, "install", "--quiet", "--no-deps", "--force-reinstall", str(repo)], check=True)
        return
    subprocess.run(["python3", "-m", "venv", str(venv)], check=True)
    subprocess.run([pip, "install", "--quiet", str(repo)], check=True)


def once(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd="/")
    return (time.perf_counter() - start) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--venv", type=Path, default=HERE / "out" / "venv-install")
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--repo", type=Path, default=REPO, help="the checkout to install (another one: its start-up)")
    ap.add_argument("--source", type=Path, default=REPO.parent / "shared" / "corpus" / "seed")
    args = ap.parse_args()
    make_venv(args.venv, args.repo)
    py, zxkb = str(args.venv / "bin" / "python"), str(args.venv / "bin" / "zxkb")
    db = args.venv / "tiny.db"
    for old in db.parent.glob(db.name + "*"):
        old.unlink()
    subprocess.run([zxkb, "ingest", str(args.source), "--db", str(db)], capture_output=True, check=True)
    cmds = {
        "python -c 'import sqlite3, rich.console, rich.table'": [py, "-c", "import sqlite3, rich.console, rich.table"],
        "zxkb search Q (Rich, to a pipe)": [zxkb, "search", QUERY, "--db", str(db)],
        "python -c 'import sqlite3'": [py, "-c", "import sqlite3"],
        "zxkb search Q --json": [zxkb, "search", QUERY, "--json", "--db", str(db)],
    }
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for argv in cmds.values():
        once(argv)  # warm the page cache
    for _ in range(args.rounds):
        for name, argv in cmds.items():
            times[name].append(once(argv))
    med = {name: statistics.median(t) for name, t in times.items()}
    print(f"| command | ms (median of {args.rounds}) | ratio |\n|---|---|---|")
    names = list(cmds)
    for i, name in enumerate(names):
        ratio = f"{med[name] / med[names[i - 1]]:.2f}× the line above" if i % 2 else ""
        print(f"| `{name}` | {med[name]:.1f} | {ratio} |")


if __name__ == "__main__":
    main()
