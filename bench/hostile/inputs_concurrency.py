"""Family `concurrency`: several zxkb processes on one database at once. Each must
succeed (no "database is locked"), and every report must be stored exactly once.
These cases run alone, one after another."""

from __future__ import annotations

import os
import time
from pathlib import Path

import builders as b
from harness import DATA_LOST, DUPLICATE, SETUP, Case, Ctx, Outcome

FAMILY = "concurrency"


def _stored(ctx: Ctx, db: Path, names: list[str], expect_docs: int, failed: frozenset[str] = frozenset()) -> None:
    """Each file stored once; a file whose ingest failed (exit != 0, reported above) may be missing."""
    docs = ctx.docs(db)
    if docs is None:
        return
    have = [os.path.basename(str(d.get("source", ""))) for d in docs]
    for name in names:
        n = have.count(name)
        if n == 0 and name not in failed:
            ctx.fail(DATA_LOST, f"{name} is not stored after the concurrent run, though its ingest exited 0")
        elif n > 1:
            ctx.fail(DUPLICATE, f"{name} is stored {n} times")
    if not failed and len(docs) != expect_docs and all(have.count(n) == 1 for n in names):
        ctx.fail(DATA_LOST, f"{len(docs)} documents, expected {expect_docs}")
    ctx.check_integrity(db)


def parallel_ingests(n: int, round_: int, *, fresh: bool) -> Case:
    def fn(ctx: Ctx) -> None:
        db = ctx.dir / "new.db" if fresh else ctx.base_db()
        names = []
        for i in range(n):
            name = f"r{round_}-{i}.txt"
            (ctx.dir / name).write_text(b.variant(100 + round_ * 10 + i), encoding="utf-8")
            names.append(name)
        running = [ctx.start(["ingest", "--db", str(db), str(ctx.dir / name), "--json"]) for name in names]
        failed = set()
        for name, r in zip(names, running, strict=True):
            out = r.wait()
            ctx.check(out, (0,), slow=15)
            if out.code != 0:
                failed.add(name)
        _stored(ctx, db, names, n + (0 if fresh else 1), frozenset(failed))

    what = f"{n} ingests at once into a new db" if fresh else f"{n} ingests at once into one db"
    if n == 2 and fresh:
        what = "two processes create a new db at the same instant"
    return Case(FAMILY, f"{what} (round {round_})", fn, quick=round_ == 1, exclusive=True)


def same_file_twice() -> Case:
    def fn(ctx: Ctx) -> None:
        db = ctx.base_db()
        src = ctx.dir / "same.txt"
        src.write_text(b.variant(150), encoding="utf-8")
        running = [ctx.start(["ingest", "--db", str(db), str(src), "--json"]) for _ in range(2)]
        for r in running:
            ctx.check(r.wait(), (0,), slow=15)
        _stored(ctx, db, ["same.txt"], 2)

    return Case(FAMILY, "the same file ingested by two processes at once", fn, exclusive=True)


def read_during_ingest(label: str, argv: list[str]) -> Case:
    def fn(ctx: Ctx) -> None:
        db = ctx.base_db()
        folder = ctx.dir / "in"
        folder.mkdir()
        files = b.gbk_folder_files(2_600_000)
        names = []
        for p in files:
            (folder / p.name).write_bytes(p.read_bytes())
            names.append(p.name)
        for i in range(1, 20):
            (folder / f"v{i:02d}.txt").write_text(b.variant(200 + i), encoding="utf-8")
            names.append(f"v{i:02d}.txt")
        if not files:
            ctx.note("no GBK corpus: the ingest is short")
        ingest = ctx.start(["ingest", "--db", str(db), str(folder), "--json"])
        reads: list[Outcome] = []
        deadline = time.monotonic() + ctx.h.timeout
        while ingest.running() and time.monotonic() < deadline and len(reads) < 40:
            out = ctx.h.run([argv[0], "--db", str(db), *argv[1:]], cwd=ctx.dir)
            reads.append(out)
            time.sleep(0.1)
        done = ingest.wait()
        ctx.check(done, (0,), slow=ctx.h.timeout)
        if done.code != 0:
            return
        if not reads:
            ctx.fail(SETUP, "the ingest ended before a read could start")
        for out in reads:
            ctx.check(out, (0,))
        ctx.note(f"{len(reads)} {label} commands ran during the ingest")
        _stored(ctx, db, names, len(names) + 1)

    return Case(FAMILY, f"{label} during an ingest", fn, quick=label == "search", exclusive=True)


def cases() -> list[Case]:
    out: list[Case] = []
    for r in (1, 2, 3):
        out.append(parallel_ingests(4, r, fresh=False))
    for r in (1, 2, 3):
        out.append(parallel_ingests(4, r, fresh=True))
    for r in (1, 2, 3, 4, 5):  # a race: more rounds, more chances to see it
        out.append(parallel_ingests(2, r, fresh=True))
    out.append(same_file_twice())
    out.append(read_during_ingest("search", ["search", "协商", "--json"]))
    out.append(read_during_ingest("fuzzy", ["fuzzy", "ycxs", "--json"]))
    out.append(read_during_ingest("docs", ["docs", "--json"]))
    return out
