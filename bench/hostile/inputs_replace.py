"""Family `replace`: a file of several reports is ingested, changed (a record
inserted at the top or in the middle, one deleted, the order changed, one edited)
and ingested again. Every report the file now holds must be in the database, once,
with its current text: compared with a clean ingest of the same file."""

from __future__ import annotations

import shutil
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import builders as b
from harness import DATA_LOST, DUPLICATE, Case, Ctx

FAMILY = "replace"
Record = tuple[str, str, str]  # title, text, marker
DIGITS = "零一二三四五六七八九"


def records(n: int, start: int = 0) -> list[Record]:
    out = []
    for i in range(start, start + n):
        marker = f"身份标记{DIGITS[i % 10]}{DIGITS[i // 10 % 10]}号"
        out.append((f"第{i + 1}份报告", b.with_marker(marker, 700 + i), marker))
    return out


BASE = records(6)
NEW = records(1, 6)[0]


def edited(recs: list[Record], k: int) -> list[Record]:
    t, text, m = recs[k]
    out = list(recs)
    out[k] = (t, text.replace("本文为第", "本文经过修改,为第", 1), m)
    return out


SCENARIOS: tuple[tuple[str, Callable[[list[Record]], list[Record]]], ...] = (
    ("a record inserted at the top", lambda r: [NEW, *r]),
    ("a record inserted in the middle", lambda r: [*r[:3], NEW, *r[3:]]),
    ("a record appended (control)", lambda r: [*r, NEW]),
    ("the first record deleted", lambda r: r[1:]),
    ("a middle record deleted", lambda r: [*r[:2], *r[3:]]),
    ("the order reversed", lambda r: r[::-1]),
    ("two records swapped", lambda r: [r[1], r[0], *r[2:]]),
    ("one record edited", lambda r: edited(r, 2)),
    ("top inserted and one edited", lambda r: [NEW, *edited(r, 4)]),
)


def write(path: Path, recs: list[Record]) -> None:
    pairs = [(t, text) for t, text, _ in recs]
    if path.suffix == ".csv":
        path.write_text(b.csv_records(pairs), encoding="utf-8")
    else:
        path.write_text(b.jsonl_records(pairs), encoding="utf-8")


def by_marker(rows: list[dict[str, Any]], markers: list[str]) -> dict[str, list[str]]:
    """marker → the full texts of the documents that hold it."""
    docs: dict[Any, list[str]] = defaultdict(list)
    for row in rows:
        docs[row.get("doc")].append(str(row.get("text", "")))
    texts = ["\n".join(parts) for parts in docs.values()]
    return {m: [t for t in texts if m in t] for m in markers}


def scenario_case(label: str, change: Callable[[list[Record]], list[Record]], suffix: str, replace: bool) -> Case:
    def fn(ctx: Ctx) -> None:
        path = ctx.dir / f"reports{suffix}"
        write(path, BASE)
        db = ctx.dir / "kb.db"
        ctx.run(["ingest", "--db", str(db), str(path), "--json"], (0,))
        now = change(BASE)
        write(path, now)
        ctx.run(["ingest", "--db", str(db), str(path), "--json", *(["--replace"] if replace else [])], (0,))
        clean_dir = ctx.dir / "clean"
        clean_dir.mkdir()
        shutil.copyfile(path, clean_dir / path.name)
        clean_db = clean_dir / "kb.db"
        ctx.run(["ingest", "--db", str(clean_db), str(clean_dir / path.name), "--json"], (0,))
        got, want = ctx.export(db), ctx.export(clean_db)
        if got is None or want is None:
            return
        markers = [m for _, _, m in now]
        have, should = by_marker(got, markers), by_marker(want, markers)
        # without --replace a changed file is skipped (README): only what was stored must still be there
        must = now if replace else [r for r in now if r in BASE]
        for title, _, m in must:
            if not have[m]:
                ctx.fail(DATA_LOST, f"the report '{title}' ({m}) is in the file but not in the database")
            elif should[m] and should[m][0] not in have[m]:
                ctx.fail(DATA_LOST, f"the report '{title}' ({m}) is stored with an old text, not the file's")
            elif len(have[m]) > 1 and replace:
                ctx.fail(DUPLICATE, f"the report '{title}' ({m}) is stored {len(have[m])} times after --replace")

    flag = " --replace" if replace else ""
    return Case(
        FAMILY,
        f"{suffix[1:]}: {label}, ingest{flag}",
        fn,
        quick=suffix == ".jsonl" and label.startswith("a record inserted at the top"),
    )


def cases() -> list[Case]:
    out: list[Case] = []
    for suffix in (".jsonl", ".csv"):
        for label, change in SCENARIOS:
            out.append(scenario_case(label, change, suffix, True))
        out.append(scenario_case(SCENARIOS[0][0], SCENARIOS[0][1], suffix, False))
    return out
