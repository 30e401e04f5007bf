"""PDF ingest against text ingest of the same report: the seed and two reports of
../shared/corpus typeset as PDFs (tests/pdfmaker.py, as the tests make them),
each ingested as a whole process (`zxkb ingest --json --jobs 1`, a new database
each run), best of N, with the PDF reader alone (bytes -> paged text) beside it.

    .venv/bin/python bench/bench_pdf.py [N]
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pdfmaker import Layout, blocks_of, page_of_total, report_pdf  # noqa: E402
from zxkb.formats import read_records  # noqa: E402
from zxkb.formats.decode import decode  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def reports() -> list[tuple[str, str]]:
    out = [("seed (株洲 2020)", (ROOT / "db" / "zhuzhou-cppcc-2020.txt").read_text(encoding="utf-8"))]
    sc = CORPUS / "state-council-gbk" / "2016.txt"
    if sc.exists():
        out.append(("国务院 2016", decode(sc.read_bytes())[0]))
    hb = CORPUS / "provincial-2026" / "2026_河北省_政府工作报告.csv"
    if hb.exists():
        (row,) = csv.DictReader(io.StringIO(hb.read_text(encoding="utf-8-sig")))
        out.append(("河北 2026", row["full_text"]))
    return out


def ingest_seconds(path: Path, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "zxkb", "ingest", "--json", "--jobs", "1", "--db", f"{tmp}/z.db", str(path)],
                check=True,
                capture_output=True,
                cwd=ROOT,
            )
            best = min(best, time.perf_counter() - start)
    return best


def reader_seconds(path: Path, runs: int) -> float:
    data = path.read_bytes()
    read_records(path, data)  # the library and its CMaps loaded once, as in an ingest of many files
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        read_records(path, data)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print(f"best of {runs}; whole process `zxkb ingest --jobs 1`, a new database each run; {sys.executable}")
    head = ("report", "chars", "pages", "PDF KB", "txt s", "pdf s", "ratio", "reader s")
    print(f"{head[0]:18} " + " ".join(f"{h:>7}" for h in head[1:]))
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in reports():
            txt, pdf = Path(tmp) / "r.txt", Path(tmp) / "r.pdf"
            txt.write_text(text, encoding="utf-8")
            layout = Layout(size=16, indent="ideographic", headers=("工作报告", "政府"), page_number=page_of_total)
            pdf.write_bytes(report_pdf(blocks_of(text), layout))
            (record,) = read_records(pdf, pdf.read_bytes())
            t_txt, t_pdf = ingest_seconds(txt, runs), ingest_seconds(pdf, runs)
            t_read = reader_seconds(pdf, runs)
            chars = len(text)
            size = pdf.stat().st_size / 1024
            print(
                f"{name:18} {chars:7d} {record.pages or 0:7d} {size:7.0f} {t_txt:7.2f} {t_pdf:7.2f}"
                f" {t_pdf / t_txt:7.2f} {t_read:7.3f}  ({chars / t_read / 1e6:.2f} M chars/s read)"
            )


if __name__ == "__main__":
    main()
