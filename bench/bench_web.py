"""`zxkb serve` under a bounded load over loopback: 20 concurrent clients, a
fixed number of requests, the query mix of bench/run.py (QUERIES) as search
pages, and the API, the reader and the documents page beside them.

    .venv/bin/python bench/bench_web.py --db bench/out/zxkb-100MB.db
    .venv/bin/python bench/bench_web.py --db bench/out/zxkb-100MB.db --clients 20 --requests 2000

Starts `zxkb serve --port 0` on the database, warms it (each URL once), then
runs the clients (threads with http.client, keep-alive), each taking the next
URL of the mix until the fixed number of requests is sent; reports p50, p90 and
p99 latency and requests per second, for all requests and per kind, and
stops the server. Only 127.0.0.1 is contacted. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from run import QUERIES


def urls(doc_ids: list[int]) -> list[tuple[str, str]]:
    """(kind, path): the query mix as search pages and API calls, and reader and documents pages."""
    out: list[tuple[str, str]] = []
    for _, query, _ in QUERIES:
        out.append(("search page", "/?" + urlencode({"q": query})))
        out.append(("search api", "/api/search?" + urlencode({"q": query, "limit": 20})))
    out.append(("search page", "/?" + urlencode({"q": "协商", "year": "2016-2020"})))
    out.append(("search page", "/?" + urlencode({"q": "发展", "page": 3})))
    for doc in doc_ids:
        out.append(("reader", f"/doc/{doc}?" + urlencode({"hl": "发展"})))
    out.append(("docs page", "/docs"))
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def start(db: Path, cache_mb: float) -> tuple[subprocess.Popen[str], str]:
    zxkb = Path(sys.executable).parent / "zxkb"
    process = subprocess.Popen(
        [str(zxkb), "serve", "--db", str(db), "--port", "0", "--json", "--cache-mb", str(cache_mb)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        raise SystemExit(f"zxkb serve did not start: {process.stderr.read() if process.stderr else ''}")
    return process, json.loads(line)["url"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=2000, help="requests in all (bounded)")
    ap.add_argument("--timeout", type=float, default=60, help="seconds a request may take")
    ap.add_argument("--out", type=Path, default=None, help="write the figures as JSON here")
    ap.add_argument("--cache-mb", type=float, default=64, help="zxkb serve --cache-mb: 0 answers every request afresh")
    ap.add_argument("--no-warm", action="store_true", help="do not ask each URL once before the timed run")
    args = ap.parse_args()

    process, url = start(args.db, args.cache_mb)
    parts = urlsplit(url)
    host = parts.hostname or ""
    assert host == "127.0.0.1", url  # loopback only
    try:
        first = http.client.HTTPConnection(host, parts.port, timeout=args.timeout)
        first.request("GET", "/api/docs")
        docs = json.loads(first.getresponse().read())
        first.close()
        doc_ids = [d["id"] for d in docs if d["copy_of"] is None][:: max(1, len(docs) // 8)][:8]
        mix = [(kind, quote(path, safe="/?=&%")) for kind, path in urls(doc_ids)]
        warm = http.client.HTTPConnection(host, parts.port, timeout=args.timeout)
        for _, path in [] if args.no_warm else mix:  # each URL once, not timed
            warm.request("GET", path)
            warm.getresponse().read()
        warm.close()

        order = itertools.cycle(mix)
        lock = threading.Lock()
        sent = 0
        results: list[tuple[str, float, int]] = []

        def client() -> None:
            nonlocal sent
            conn = http.client.HTTPConnection(host, parts.port, timeout=args.timeout)
            while True:
                with lock:
                    if sent >= args.requests:
                        break
                    sent += 1
                    kind, path = next(order)
                t0 = time.perf_counter()
                try:
                    conn.request("GET", path)
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                except OSError:
                    conn.close()
                    conn = http.client.HTTPConnection(host, parts.port, timeout=args.timeout)
                    status = 0
                elapsed = time.perf_counter() - t0
                with lock:
                    results.append((kind, elapsed, status))
            conn.close()

        load0 = os.getloadavg()[0]
        t0 = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(30)

    def figures(rows: list[tuple[str, float, int]]) -> dict[str, float]:
        ms = [r[1] * 1000 for r in rows]
        return {
            "requests": len(rows),
            "errors": sum(1 for r in rows if r[2] != 200),
            "p50_ms": round(percentile(ms, 50), 1),
            "p90_ms": round(percentile(ms, 90), 1),
            "p99_ms": round(percentile(ms, 99), 1),
            "max_ms": round(max(ms), 1),
            "mean_ms": round(statistics.fmean(ms), 1),
        }

    report = {
        "db": str(args.db),
        "cache_mb": args.cache_mb,
        "warmed": not args.no_warm,
        "db_mb": round(args.db.stat().st_size / 1e6, 1),
        "clients": args.clients,
        "requests": len(results),
        "seconds": round(wall, 2),
        "rps": round(len(results) / wall, 1),
        "cpus": os.cpu_count(),
        "loadavg_at_start": round(load0, 2),
        "all": figures(results),
        "by_kind": {kind: figures([r for r in results if r[0] == kind]) for kind in sorted({r[0] for r in results})},
    }
    print(
        f"{report['requests']} requests, {args.clients} clients, --cache-mb {args.cache_mb}"
        f"{'' if report['warmed'] else ', cold'}: {report['seconds']} s, {report['rps']} requests/s"
        f" (load average {report['loadavg_at_start']} at the start)"
    )
    print(f"{'kind':<12} {'n':>5} {'err':>4} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind, f in [("all", report["all"]), *report["by_kind"].items()]:
        print(
            f"{kind:<12} {f['requests']:>5} {f['errors']:>4} {f['p50_ms']:>8} {f['p90_ms']:>8} {f['p99_ms']:>8}"
            f" {f['max_ms']:>8}"
        )
    if args.out:
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
