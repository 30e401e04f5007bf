"""Read every report file of the shared corpus through zxkb.formats.read_records:
records and encodings per folder, and the time taken (decode + format reading,
no parsing or storing).

    .venv/bin/python bench/read_corpus.py [CORPUS_DIR]
"""

from __future__ import annotations

import collections
import sys
import time
from pathlib import Path

from zxkb.formats import SUFFIXES, read_records

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus"
    files = [p for p in sorted(corpus.rglob("*")) if p.suffix.lower() in SUFFIXES and p.name != "README.md"]
    records: collections.Counter[str] = collections.Counter()
    sizes: collections.Counter[str] = collections.Counter()
    encodings: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    start = time.perf_counter()
    for path in files:
        folder = str(path.parent.relative_to(corpus))
        data = path.read_bytes()
        sizes[folder] += len(data)
        for record in read_records(path, data):
            records[folder] += 1
            encodings[folder][str(record.encoding)] += 1
    elapsed = time.perf_counter() - start
    print(f"{'folder':20} {'files':>5} {'MB':>6} {'records':>7}  encodings")
    for folder in sorted(records):
        n_files = sum(1 for p in files if str(p.parent.relative_to(corpus)) == folder)
        print(
            f"{folder:20} {n_files:5} {sizes[folder] / 1e6:6.1f} {records[folder]:7}  "
            + ", ".join(f"{e} {n}" for e, n in encodings[folder].most_common())
        )
    total = sum(sizes.values())
    print(f"{len(files)} files, {total / 1e6:.1f} MB, {sum(records.values())} records in {elapsed:.2f} s")


if __name__ == "__main__":
    main()
