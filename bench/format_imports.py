"""Import time of each file-format reader and the library behind it, as whole
processes (median and minimum wall time of N runs), against `python -c pass`
measured in the same run.

    .venv/bin/python bench/format_imports.py [N]

The readers are imported only when a file of their type is ingested; the query
path imports none of them (tests/test_formats.py checks sys.modules).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

CASES = {
    "python -c pass": "pass",
    "html.parser (stdlib, the alternative)": "import html.parser",
    "lxml.html": "import lxml.html",
    "docx (python-docx)": "import docx",
    "zxkb.formats (the seam)": "import zxkb.formats",
    "zxkb.formats.csv_file": "import zxkb.formats.csv_file",
    "zxkb.formats.json_file": "import zxkb.formats.json_file",
    "zxkb.formats.html_file + lxml.html": "import zxkb.formats.html_file, lxml.html",
    "zxkb.formats.docx_file + docx": "import zxkb.formats.docx_file, docx",
}


def wall(code: str, runs: int) -> tuple[float, float]:
    """(median, minimum) wall time of a process running `code`."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    base, base_min = wall("pass", runs)
    print(f"{runs} runs each, {sys.executable}; import = process - `python -c pass`")
    print(f"{'what':40} {'median ms':>10} {'import ms':>10} {'min ms':>8} {'import ms':>10}")
    for name, code in CASES.items():
        t, t_min = wall(code, runs)
        median, import_median = t * 1000, (t - base) * 1000
        minimum, import_min = t_min * 1000, (t_min - base_min) * 1000
        print(f"{name:40} {median:10.1f} {import_median:10.1f} {minimum:8.1f} {import_min:10.1f}")


if __name__ == "__main__":
    main()
