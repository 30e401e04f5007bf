"""zxkb against its peers on a scale corpus of real reports: speed at every size.

    .venv/bin/python bench/run.py --size 10MB      # a few minutes
    .venv/bin/python bench/run.py --size 100MB     # ~20 minutes
    .venv/bin/python bench/run.py --size 1GB

Builds the corpus (bench/corpus.py), times `zxkb ingest`, whole-process queries
against rg, grep and sqlite-utils, the engine in process against a scan, start-up,
`zxkb list` (and `zxkb fuzzy` when the command exists), and writes
bench/out/results-SIZE.json and .md. Run it with the venv's interpreter: zxkb and
the Python baselines are taken from sys.executable's environment.
Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any, cast

import corpus
from measure import run_process, run_with_usage, time_call

from zxkb.models import ReportFilter, SearchResult

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PY = sys.executable
BIN = Path(PY).parent
ZXKB = str(BIN / "zxkb")
SQLITE_UTILS = str(BIN / "sqlite-utils")

# The fixed query mix: (class, zxkb query, regex for rg/grep -E when it is not the literal query).
QUERIES: tuple[tuple[str, str, str | None], ...] = (
    ("1 char, common", "政", None),
    ("1 char, rare", "镍", None),
    ("2 chars, common", "发展", None),
    ("2 chars, rare", "芯片", None),
    ("3-4 chars, common", "经济建设", None),
    ("3-4 chars, rare", "远程协商", None),
    ("5-10 chars, common", "高质量发展", None),
    ("5-10 chars, rare", "政协委员之家", None),
    ("two-term AND", "乡村振兴 农民", "乡村振兴.*农民|农民.*乡村振兴"),
    ("ASCII+digits phrase", "5G网络", None),
)
STARTUP_QUERY = "协商"


def parse_size(text: str) -> int:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?)B?\s*", text.upper())
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 10MB, 100MB, 1GB)")
    return int(float(m.group(1)) * {"": 1, "K": 10**3, "M": 10**6, "G": 10**9}[m.group(2)])


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def ensure_tools() -> dict[str, object]:
    """ripgrep from Debian's packages and sqlite-utils into this venv, when missing."""
    if not shutil.which("rg"):
        log("installing ripgrep (apt-get)")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "ripgrep"], check=True)
    if not Path(SQLITE_UTILS).exists():
        log("installing sqlite-utils into the venv (pip)")
        subprocess.run([PY, "-m", "pip", "install", "--quiet", "sqlite-utils"], check=True)

    def version(argv: list[str]) -> str:
        out = subprocess.run(argv, capture_output=True, text=True, check=False).stdout
        return out.splitlines()[0] if out else "?"

    return {
        "zxkb_editable_install": _editable(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "zxkb": version([ZXKB, "--version"]),
        "rg": version(["rg", "--version"]),
        "grep": version(["grep", "--version"]),
        "sqlite-utils": version([SQLITE_UTILS, "--version"]),
    }


def _editable() -> bool:
    """True when zxkb is installed with pip -e: every Python start in the venv (the baselines too)
    then imports the editable finder, ~10 ms here."""
    from importlib import metadata

    text = metadata.distribution("zxkb").read_text("direct_url.json") or "{}"
    return bool(json.loads(text).get("dir_info", {}).get("editable"))


# --- ingest ------------------------------------------------------------------------------------


def db_size(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def ingest(corpus_dir: Path, db: Path, text_bytes: int, timeout_s: float, work: Path) -> dict[str, Any]:
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        p.unlink(missing_ok=True)
    log(f"zxkb ingest {corpus_dir} ({text_bytes / 1e6:.1f} MB); timeout {timeout_s:.0f} s")
    usage = run_with_usage(
        [ZXKB, "ingest", str(corpus_dir), "--db", str(db), "--json"],
        timeout_s,
        stdout_path=str(work / "ingest.stdout.json"),
        stderr_path=str(work / "ingest.stderr.txt"),
    )
    size_before_checkpoint = db_size(db)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    docs, paras, body, stored = conn.execute(
        "SELECT (SELECT count(*) FROM documents), count(*), sum(kind = 'body'), sum(length(CAST(text AS BLOB)))"
        " FROM paragraphs"
    ).fetchone()
    sources = [row[0] for row in conn.execute("SELECT source FROM documents")]
    try:
        by_table = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"))
    except sqlite3.OperationalError:
        by_table = {}
    conn.close()
    done_bytes = text_bytes
    if usage.returncode is None:  # killed: what got in, from the stored sources
        done_bytes = sum(Path(s).stat().st_size for s in sources if Path(s).exists())
    size = db_size(db)
    result: dict[str, Any] = {
        "seconds": round(usage.seconds, 2),
        "completed": usage.returncode is not None,
        "returncode": usage.returncode,
        "text_mb": round(done_bytes / 1e6, 2),
        "mb_per_s": round(done_bytes / 1e6 / usage.seconds, 2),
        "peak_rss_mb": round(max(usage.max_rss_mb, usage.tree_rss_mb), 1),  # all processes together
        "main_rss_mb": round(usage.max_rss_mb, 1),
        "documents": docs,
        "paragraphs": paras,
        "body_paragraphs": body,
        "stored_text_mb": round((stored or 0) / 1e6, 2),
        "db_mb": round(size / 1e6, 2),
        "db_mb_before_checkpoint": round(size_before_checkpoint / 1e6, 2),
        "db_over_text": round(size / done_bytes, 2) if done_bytes else None,
        "db_over_stored_text": round(size / stored, 2) if stored else None,
        "db_mb_by_table": {k: round(v / 1e6, 2) for k, v in by_table.items()},
    }
    try:
        report = json.loads(usage.stdout)
        result["reports"] = {k: len(report[k]) for k in ("ingested", "skipped", "errors")}
    except (ValueError, KeyError):
        pass
    if usage.returncode not in (0, None):
        result["stderr_tail"] = usage.stderr.decode("utf-8", "replace")[-2000:]
    return result


# --- peers: sqlite-utils' default FTS5 table ---------------------------------------------------


def build_sqlite_utils(zxkb_db: Path, out: Path) -> dict[str, Any]:
    """The same body paragraphs in a plain table with sqlite-utils' default FTS5 index."""
    import sqlite_utils  # type: ignore[import-not-found,unused-ignore]  # the bench extra, installed on demand

    for p in (out, Path(f"{out}-wal"), Path(f"{out}-shm")):
        p.unlink(missing_ok=True)
    src = sqlite3.connect(zxkb_db)
    rows = ({"id": i, "doc_id": d, "text": t} for i, d, t in src.execute(_BODY_SQL))
    start = time.perf_counter()
    db = sqlite_utils.Database(out)
    db.table("paragraphs").insert_all(rows, pk="id", batch_size=5000)  # table(): a Table, never a View
    db.table("paragraphs").enable_fts(["text"])
    seconds = time.perf_counter() - start
    db.close()
    src.close()
    return {"seconds": round(seconds, 2), "db_mb": round(out.stat().st_size / 1e6, 2)}


def sqlite_utils_ids(db_path: Path, query: str) -> set[int]:
    import sqlite_utils  # type: ignore[import-not-found,unused-ignore]  # the bench extra, installed on demand

    db = sqlite_utils.Database(db_path)
    try:
        return {row["id"] for row in db.table("paragraphs").search(query, columns=["id"])}
    except sqlite3.OperationalError:
        return set()
    finally:
        db.close()


_BODY_SQL = "SELECT id, doc_id, text FROM paragraphs WHERE kind = 'body' ORDER BY id"


# --- queries -------------------------------------------------------------------------------------


def count_lines_output(stdout: bytes) -> int:
    """Sum of `path:count` lines (rg -c, grep -rc)."""
    total = 0
    for line in stdout.decode("utf-8", "replace").splitlines():
        head, _, count = line.rpartition(":")
        if head and count.isdigit():
            total += int(count)
    return total


def json_total(stdout: bytes) -> int | None:
    try:
        return int(json.loads(stdout)["total"])
    except (ValueError, KeyError, TypeError):
        return None


def whole_process_queries(
    db: Path,
    tiny: Path,
    su_db: Path,
    corpus_dir: Path,
    runs: int,
    exact: dict[str, set[int]],
    *,
    limit0_runs: int,
    limit0_max_hits: int | None,
) -> list[dict[str, Any]]:
    results = []
    for cls, q, regex in QUERIES:
        log(f"whole process: {cls}: {q}")
        terms = q.split()
        # --copies: a report stored from two sources counts twice, as in the files rg and the scan read
        z20 = run_process([ZXKB, "search", *terms, "--copies", "--json", "--limit", "20", "--db", str(db)], runs)
        truth = exact[q]
        z0 = None
        if limit0_max_hits is None or len(truth) <= limit0_max_hits:
            z0 = run_process(
                [ZXKB, "search", *terms, "--copies", "--json", "--limit", "0", "--db", str(db)], limit0_runs
            )
        ztiny = run_process([ZXKB, "search", *terms, "--copies", "--json", "--limit", "20", "--db", str(tiny)], runs)
        rg_args = ["rg", "-c", "--no-ignore", *(["-e", regex] if regex else ["-F", q]), str(corpus_dir)]
        grep_args = ["grep", "-r", "-c", *(["-E", regex] if regex else ["-F", q]), str(corpus_dir)]
        rg = run_process(rg_args, runs)
        grep = run_process(grep_args, runs)
        su = run_process([SQLITE_UTILS, "search", str(su_db), "paragraphs", q, "--limit", "20"], runs)
        su_hits = sqlite_utils_ids(su_db, q)
        results.append(
            {
                "class": cls,
                "query": q,
                "exact_hits": len(truth),
                "zxkb_total": json_total(z20.stdout),
                "zxkb_limit0_hits": len(json.loads(z0.stdout)["hits"]) if z0 and z0.returncode == 0 else None,
                "rg_lines": count_lines_output(rg.stdout),
                "grep_lines": count_lines_output(grep.stdout),
                "sqlite_utils_hits": len(su_hits),
                "sqlite_utils_recall": round(len(su_hits & truth) / len(truth), 4) if truth else None,
                "ms": {
                    "zxkb_limit20": z20.as_dict(),
                    "zxkb_limit0": z0.as_dict() if z0 else None,
                    "zxkb_limit20_tiny_db": ztiny.as_dict(),
                    "rg": rg.as_dict(),
                    "grep": grep.as_dict(),
                    "sqlite_utils_limit20": su.as_dict(),
                },
            }
        )
    return results


def _scan(folded: list[tuple[int, str]], keys: list[str]) -> list[int]:
    """The ids of the folded paragraphs that hold every key (Python's `in`)."""
    return [pid for pid, p in folded if all(k in p for k in keys)]


def engine_vs_scan(db: Path, runs: int) -> tuple[list[dict[str, Any]], dict[str, set[int]]]:
    """In this process: zxkb.search.search (warm) against a scan of the same folded paragraphs."""
    from zxkb import textnorm
    from zxkb.search import engine
    from zxkb.store import connection

    conn = connection.connect(db)
    rows = conn.execute(_BODY_SQL).fetchall()
    start = time.perf_counter()
    folded = [(pid, textnorm.fold(text)) for pid, _, text in rows]
    fold_s = time.perf_counter() - start
    log(f"engine vs scan: {len(folded)} body paragraphs folded in {fold_s:.1f} s")
    results = []
    exact: dict[str, set[int]] = {}
    for cls, q, _ in QUERIES:
        keys = [textnorm.fold(t) for t in q.split()]
        every = ReportFilter(copies=True)  # the scan reads every copy
        top_ms, res = time_call(partial(engine.search, conn, q, limit=20, where=every), runs)
        count_ms, _ = time_call(partial(engine.search, conn, q, limit=0, where=every), runs)
        scan_ms, hits = time_call(partial(_scan, folded, keys), runs)
        exact[q] = set(cast(list[int], hits))
        total = cast(SearchResult, res).total
        results.append(
            {
                "class": cls,
                "query": q,
                "engine_top20_ms": round(top_ms, 2),
                "engine_count_only_ms": round(count_ms, 2),
                "scan_ms": round(scan_ms, 2),
                "scan_over_engine": round(scan_ms / top_ms, 1),
                "engine_total": total,
                "scan_hits": len(exact[q]),
                "exact": total == len(exact[q]),
            }
        )
    conn.close()
    return results, exact


# --- start-up, list, fuzzy -----------------------------------------------------------------------


def startup(tiny: Path, runs: int) -> dict[str, Any]:
    log("start-up")
    cmds = {
        "python -c pass": [PY, "-c", "pass"],
        "python -c 'import sqlite3'": [PY, "-c", "import sqlite3"],
        "python -c 'import sqlite3, rich.console, rich.table'": [PY, "-c", "import sqlite3, rich.console, rich.table"],
        "zxkb --help": [ZXKB, "--help"],
        "zxkb search Q --json (tiny db)": [ZXKB, "search", STARTUP_QUERY, "--json", "--db", str(tiny)],
        "zxkb search Q (Rich, to a pipe; tiny db)": [ZXKB, "search", STARTUP_QUERY, "--db", str(tiny)],
    }
    return {name: run_process(argv, runs).as_dict() for name, argv in cmds.items()}


def has_command(name: str) -> bool:
    out = subprocess.run([ZXKB, "--help"], capture_output=True, text=True, check=False).stdout
    return re.search(rf"^\s*│?\s*{name}\b", out, re.MULTILINE) is not None


def other_commands(db: Path, runs: int) -> dict[str, Any]:
    log("list / fuzzy")
    cmds = {
        "zxkb list --json": [ZXKB, "list", "--json", "--db", str(db)],
        "zxkb list (Rich, to a pipe)": [ZXKB, "list", "--db", str(db)],
    }
    if has_command("fuzzy"):
        for term in ("协商", "高质量发屐", "乡村振兴"):
            cmds[f"zxkb fuzzy {term} --json"] = [ZXKB, "fuzzy", term, "--json", "--db", str(db)]
    else:
        log("zxkb has no fuzzy command yet: skipped")
    out: dict[str, Any] = {}
    for name, argv in cmds.items():
        t = run_process(argv, runs)
        out[name] = {**t.as_dict(), "stdout_kb": round(len(t.stdout) / 1024, 1)}
        if t.returncode not in (0, 1):
            out[name]["stderr"] = t.stderr.decode("utf-8", "replace")[-500:]
    return out


# --- report --------------------------------------------------------------------------------------


def ms(d: dict[str, Any]) -> float:
    return float(d["median_ms"])


def ms_or_none(d: dict[str, Any] | None) -> float | None:
    """A measurement that may have been skipped (--limit0-max-hits)."""
    return None if d is None else ms(d)


def fmt(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def markdown(res: dict[str, Any]) -> str:
    lines = [f"## zxkb bench at {res['size']} ({res['machine']})", ""]
    c = res["corpus"]
    lines.append(
        f"Corpus: {c['bytes'] / 1e6:.1f} MB in {c['files']} files ({c['real_files']} real, "
        f"{c['variant_files']} variants); medians of {res['runs']} runs; {res['versions']['rg']}, "
        f"{res['versions']['sqlite-utils']}, SQLite {res['versions']['sqlite']}, Python {res['versions']['python']}; "
        f"load average {res['loadavg_at_start'][0]} at the start."
    )
    if res["versions"].get("zxkb_editable_install"):
        lines += [
            "",
            "zxkb is an editable install (pip -e): every Python start in this venv, the baselines included, "
            "imports the editable finder (~10 ms here); `pip install .` avoids it.",
        ]
    ing = res["ingest"]
    if "seconds" not in ing:  # --reuse-db without an earlier result: the database only
        lines += ["", "### Ingest", "", f"Not timed in this run (a database reused): {_db_line(ing)}."]
        ing = {**ing, "completed": True}
    else:
        lines += _ingest_table(res, ing)
    if not ing["completed"]:
        lines += ["", "**Ingest was stopped at the timeout; the rest of the run was skipped.**"]
        return "\n".join(lines) + "\n"
    lines += _query_tables(res)
    return "\n".join(lines) + "\n"


def _db_line(ing: dict[str, Any]) -> str:
    return f"{ing.get('db_mb')} MB, {ing.get('db_over_text')}× the text"


def _ingest_table(res: dict[str, Any], ing: dict[str, Any]) -> list[str]:
    lines = [
        "",
        "### Ingest",
        "",
        "| text MB | s | MB/s | peak RSS MB (all processes) | paragraphs | DB MB | DB / text | DB / stored text "
        "| sqlite-utils build s |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| {ing['text_mb']} | {ing['seconds']} | {ing['mb_per_s']} | {ing['peak_rss_mb']} | {ing['paragraphs']} "
        f"| {ing['db_mb']} | {ing['db_over_text']} | {ing['db_over_stored_text']} "
        f"| {res.get('sqlite_utils', {}).get('seconds', '–')} |",
    ]
    if ing.get("reports"):
        r = ing["reports"]
        lines += ["", f"Reports: {r['ingested']} ingested, {r['skipped']} skipped, {r['errors']} failed."]
    if ing.get("db_mb_by_table"):
        parts = ", ".join(f"{k} {v}" for k, v in list(ing["db_mb_by_table"].items())[:6])
        lines += ["", f"DB MB by table/index: {parts}."]
    return lines


def _query_tables(res: dict[str, Any]) -> list[str]:
    lines = [
        "",
        "### Queries, whole process (ms, median)",
        "",
        "| class | query | hits | zxkb -n 20 | zxkb -n 0 | rg -c | grep -c | sqlite-utils (recall) "
        "| zxkb / rg | zxkb / sqlite-utils |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for q in res["queries"]:
        t = q["ms"]
        z = ms(t["zxkb_limit20"])
        lines.append(
            f"| {q['class']} | {q['query']} | {q['exact_hits']} | {fmt(z)} | {fmt(ms_or_none(t['zxkb_limit0']))} "
            f"| {fmt(ms(t['rg']))} | {fmt(ms(t['grep']))} | {fmt(ms(t['sqlite_utils_limit20']))} "
            f"({fmt(q['sqlite_utils_recall'] * 100 if q['sqlite_utils_recall'] is not None else None, 0)}%) "
            f"| {z / ms(t['rg']):.2f} | {z / ms(t['sqlite_utils_limit20']):.2f} |"
        )
    lines += [
        "",
        "hits: paragraphs that contain the query (scan); rg/grep count lines of the files, which are "
        "the paragraphs plus headings and page chrome, case- and width-sensitive.",
        "",
        "### Engine in process, warm (ms, median)",
        "",
        "| class | query | hits | search(limit=20) | total only | scan | scan / engine | exact |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for e in res["engine"]:
        lines.append(
            f"| {e['class']} | {e['query']} | {e['scan_hits']} | {fmt(e['engine_top20_ms'], 2)} "
            f"| {fmt(e['engine_count_only_ms'], 2)} | {fmt(e['scan_ms'], 1)} | {e['scan_over_engine']}× "
            f"| {'yes' if e['exact'] else 'NO'} |"
        )
    s = res["startup"]
    base = {
        "python -c pass": None,
        "python -c 'import sqlite3'": None,
        "python -c 'import sqlite3, rich.console, rich.table'": None,
        "zxkb --help": "python -c pass",
        "zxkb search Q --json (tiny db)": "python -c 'import sqlite3'",
        "zxkb search Q (Rich, to a pipe; tiny db)": "python -c 'import sqlite3, rich.console, rich.table'",
    }
    lines += ["", "### Start-up (ms, median)", "", "| command | ms | ratio |", "|---|---|---|"]
    for name, ref in base.items():
        ratio = f"{ms(s[name]) / ms(s[ref]):.2f}× {ref}" if ref else ""
        lines.append(f"| `{name}` | {fmt(ms(s[name]))} | {ratio} |")
    big = statistics.median(ms(q["ms"]["zxkb_limit20"]) for q in res["queries"])
    tiny = statistics.median(ms(q["ms"]["zxkb_limit20_tiny_db"]) for q in res["queries"])
    lines += [
        "",
        f"`zxkb search Q --json -n 20`, median over the query mix: {big:.1f} ms at {res['size']} vs {tiny:.1f} ms "
        f"on the tiny database ({big / tiny:.2f}×).",
        "",
        "### Other commands (ms, median)",
        "",
        "| command | ms | output KB |",
        "|---|---|---|",
    ]
    for name, t in res["other"].items():
        lines.append(f"| `{name}` | {fmt(ms(t))} | {t['stdout_kb']} |")
    lines += ["", "### Targets", "", "| target | measured | met |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {'yes' if ok else 'no'} |" for name, value, ok in targets(res)]
    return lines


def targets(res: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """The issue's targets, as far as one run at one size can tell."""
    out: list[tuple[str, str, bool]] = []
    eng = res["engine"]
    long_q = [e for e in eng if not e["class"].startswith(("1 char", "2 chars"))]
    short_common = [e for e in eng if e["class"] in ("1 char, common", "2 chars, common")]
    worst_long = max(e["engine_top20_ms"] for e in long_q)
    worst_short = max(e["engine_top20_ms"] for e in short_common)
    least_gain = min(e["scan_over_engine"] for e in eng)
    out.append(("engine top-20, 3+ characters ≤ 10 ms (worst)", f"{worst_long:.1f} ms", worst_long <= 10))
    out.append(("engine top-20, commonest 1-2 characters ≤ 50 ms (worst)", f"{worst_short:.1f} ms", worst_short <= 50))
    out.append(("engine ≥ 10× the scan (least)", f"{least_gain}×", least_gain >= 10))
    s = res["startup"]
    r = ms(s["zxkb search Q --json (tiny db)"]) / ms(s["python -c 'import sqlite3'"])
    out.append(("search --json, tiny db ≤ 3× import sqlite3", f"{r:.2f}×", r <= 3))
    worst = max(ms(q["ms"]["zxkb_limit20"]) / ms(q["ms"]["zxkb_limit20_tiny_db"]) for q in res["queries"])
    out.append((f"search --json at {res['size']} ≤ 1.3× tiny db (worst query)", f"{worst:.2f}×", worst <= 1.3))
    r = ms(s["zxkb --help"]) / ms(s["python -c pass"])
    out.append(("--help ≤ 8× python -c pass", f"{r:.2f}×", r <= 8))
    rich_base = ms(s["python -c 'import sqlite3, rich.console, rich.table'"])
    r = ms(s["zxkb search Q (Rich, to a pipe; tiny db)"]) / rich_base
    out.append(("Rich search ≤ 1.3× import rich", f"{r:.2f}×", r <= 1.3))
    worst = max(ms(q["ms"]["zxkb_limit20"]) / ms(q["ms"]["sqlite_utils_limit20"]) for q in res["queries"])
    out.append(("faster than sqlite-utils search, every query (worst ratio)", f"{worst:.2f}×", worst < 1))
    worst = max(ms(q["ms"]["zxkb_limit20"]) / ms(q["ms"]["rg"]) for q in res["queries"])
    out.append(("below rg -c (1 GB target; worst ratio at this size)", f"{worst:.2f}×", worst < 1))
    ing = res["ingest"]
    if "seconds" in ing:  # else a database reused without an earlier result: not timed
        out.append(("ingest ≥ 5 MB/s", f"{ing['mb_per_s']} MB/s", ing["mb_per_s"] >= 5))
        out.append(("ingest peak memory < 1 GB", f"{ing['peak_rss_mb']} MB", ing["peak_rss_mb"] < 1024))
    if ing.get("db_over_text") is not None:
        out.append(("database ≤ 2.5× text", f"{ing['db_over_text']}×", ing["db_over_text"] <= 2.5))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=parse_size, default=parse_size("10MB"), help="corpus size: 10MB, 100MB, 1GB")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per command (median), after one warm-up")
    ap.add_argument("--startup-runs", type=int, default=15)
    ap.add_argument(
        "--limit0-runs", type=int, default=0, help="timed runs of --limit 0 (every hit; slow at 1GB); default --runs"
    )
    ap.add_argument(
        "--limit0-max-hits", type=int, default=None, help="skip --limit 0 for queries with more hits (1GB: 100000)"
    )
    ap.add_argument("--source", type=Path, default=REPO.parent / "shared" / "corpus", help="the real corpus")
    ap.add_argument("--work", type=Path, default=HERE / "out", help="corpus, databases and results go here")
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("--ingest-timeout", type=float, default=25 * 60, help="seconds; ingest is stopped after it")
    ap.add_argument("--reuse-db", action="store_true", help="skip ingest when the database is there already")
    args = ap.parse_args()

    label = _label(args.size)
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    versions = ensure_tools()
    log(f"corpus {label} from {args.source}")
    manifest = corpus.build(args.source, work / f"corpus-{label}", args.size, args.seed)
    corpus_dir = work / f"corpus-{label}"
    db = work / f"zxkb-{label}.db"
    tiny = work / "tiny.db"
    su_db = work / f"sqlite-utils-{label}.db"
    res: dict[str, Any] = {
        "size": label,
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, {platform.system()} {platform.release()}",
        "runs": args.runs,
        "versions": versions,
        "corpus": manifest,
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    if args.reuse_db and db.exists():
        prev = work / f"results-{label}.json"
        res["ingest"] = json.loads(prev.read_text(encoding="utf-8"))["ingest"] if prev.exists() else {}
        res["ingest"]["reused"] = True
        if not prev.exists():  # its size, at least
            size, text = db_size(db), int(cast(int, manifest["bytes"]))
            res["ingest"].update(db_mb=round(size / 1e6, 2), db_over_text=round(size / text, 2))
    else:
        res["ingest"] = ingest(corpus_dir, db, int(cast(int, manifest["bytes"])), args.ingest_timeout, work)
        log(f"ingest: {res['ingest']['mb_per_s']} MB/s, {res['ingest']['seconds']} s")
    if res["ingest"].get("completed", True):
        for old in tiny.parent.glob(tiny.name + "*"):  # made afresh: an old one may be of another schema
            old.unlink()
        seed = sorted((args.source / "seed").glob("*.txt"))
        subprocess.run([ZXKB, "ingest", *map(str, seed), "--db", str(tiny), "--json"], capture_output=True, check=True)
        log("sqlite-utils table")
        res["sqlite_utils"] = build_sqlite_utils(db, su_db)
        res["engine"], exact = engine_vs_scan(db, max(args.runs, 5))
        limit0_runs = args.limit0_runs or args.runs
        res["queries"] = whole_process_queries(
            db,
            tiny,
            su_db,
            corpus_dir,
            args.runs,
            exact,
            limit0_runs=limit0_runs,
            limit0_max_hits=args.limit0_max_hits,
        )
        res["startup"] = startup(tiny, args.startup_runs)
        res["other"] = other_commands(db, args.runs)
    res["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    res["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    (work / f"results-{label}.json").write_text(json.dumps(res, ensure_ascii=False, indent=2) + "\n", "utf-8")
    md = markdown(res)
    if res.get("queries"):
        md += "\n" + crossover(work)
    (work / f"results-{label}.md").write_text(md, encoding="utf-8")
    print(md)


def crossover(work: Path) -> str:
    """zxkb -n 20 against rg -c per query class over every results-SIZE.json in `work`, with the
    corpus size where zxkb gets below rg (linear between the two measured sizes around it)."""
    runs = []
    for path in work.glob("results-*.json"):
        res = json.loads(path.read_text(encoding="utf-8"))
        if res.get("queries"):
            runs.append((int(res["corpus"]["bytes"]), res["size"], {q["class"]: q["ms"] for q in res["queries"]}))
    runs.sort()
    if len(runs) < 2:
        return ""
    head = " | ".join(f"zxkb / rg at {label}" for _, label, _ in runs)
    lines = ["### zxkb against rg across sizes", "", f"| class | {head} | crossover |", "|---" * (len(runs) + 2) + "|"]
    for cls, _, _ in QUERIES:
        if not all(cls in r[2] for r in runs):
            continue
        diffs = [(size, ms(r[cls]["zxkb_limit20"]) - ms(r[cls]["rg"])) for size, _, r in runs]
        ratios = " | ".join(f"{ms(r[cls]['zxkb_limit20']) / ms(r[cls]['rg']):.2f}" for _, _, r in runs)
        cross = "not within the sizes measured"
        if diffs[0][1] <= 0:
            cross = f"below {_label(diffs[0][0])}"
        for (s0, d0), (s1, d1) in itertools.pairwise(diffs):
            if d0 > 0 >= d1:
                cross = f"≈ {(s0 + (s1 - s0) * d0 / (d0 - d1)) / 1e6:.0f} MB"
                break
        lines.append(f"| {cls} | {ratios} | {cross} |")
    return "\n".join(lines) + "\n"


def _label(size: int) -> str:
    for unit, n in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if size >= n and size % n == 0:
            return f"{size // n}{unit}"
    return f"{size}B"


if __name__ == "__main__":
    main()
