"""A file of many reports ingested again: each record is matched by what it is
(its text, its url or title and year), never by its position, so records
inserted, deleted, reordered or changed are neither lost nor doubled."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEED, Cli
from zxkb.ingest import workers

SEED_TEXT = SEED.read_text(encoding="utf-8")


def _record(n: int, *, keyed: bool = True, edit: str = "") -> dict[str, Any]:
    text = SEED_TEXT.replace("2019年", f"{1900 + n}年") + edit
    record: dict[str, Any] = {"content": text}
    if keyed:
        record |= {"url": f"https://example.org/report/{n}", "title": f"工作报告{n}", "year": 1900 + n}
    return record


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _stored(cli: Cli, db: Path) -> dict[str, str]:
    """text hash -> source, for every document (--copies: these records are one
    report to the archive, near-identical texts with no other region or year)."""
    texts: dict[int, list[str]] = {}
    for line in cli("export", "--copies", "--db", str(db)).stdout.splitlines():
        row = json.loads(line)
        texts.setdefault(row["doc"], []).append(row["text"])
    sources = {d["id"]: d["source"] for d in cli.json("docs", "--db", str(db))}
    return {hashlib.sha1("".join(t).encode()).hexdigest(): sources[d] for d, t in texts.items()}


@pytest.fixture(params=["one process", "workers"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "workers":
        monkeypatch.setattr(workers, "PARALLEL_MIN_BYTES", 0)
    return str(request.param)


@pytest.mark.parametrize("keyed", [True, False], ids=["with keys", "text only"])
def test_a_record_inserted_at_the_top_loses_nothing(cli: Cli, tmp_path: Path, mode: str, keyed: bool) -> None:
    path = _write(tmp_path / "reports.jsonl", [_record(n, keyed=keyed) for n in range(1, 5)])
    db = tmp_path / "z.db"
    cli("ingest", str(path), "--db", str(db), "--jobs", "2")
    _write(path, [_record(0, keyed=keyed)] + [_record(n, keyed=keyed) for n in range(1, 5)])
    again = cli.json("ingest", str(path), "--db", str(db), "--replace", "--jobs", "2")
    assert [item["source"].rsplit("#", 1)[1] for item in again["ingested"]] == ["1"]
    assert len(again["skipped"]) == 4 and all("already ingested" in s["reason"] for s in again["skipped"])
    assert again["missing"] == []
    clean = tmp_path / "clean.db"
    cli("ingest", str(path), "--db", str(clean))
    assert _stored(cli, db) == _stored(cli, clean)  # the same reports, each at its new position


def test_reordered_deleted_and_changed_records(cli: Cli, tmp_path: Path, mode: str) -> None:
    path = _write(tmp_path / "reports.jsonl", [_record(n) for n in range(1, 5)])
    db = tmp_path / "z.db"
    cli("ingest", str(path), "--db", str(db), "--jobs", "2")
    ids = {d["source"]: d["id"] for d in cli.json("docs", "--db", str(db))}

    # reordered: nothing changes but where each record is
    _write(path, [_record(n) for n in (4, 2, 3, 1)])
    moved = cli.json("ingest", str(path), "--db", str(db), "--replace")
    assert moved["ingested"] == [] and moved["missing"] == []
    assert {d["source"]: d["id"] for d in cli.json("docs", "--db", str(db))} == {
        f"{path.resolve()}#1": ids[f"{path.resolve()}#4"],
        f"{path.resolve()}#2": ids[f"{path.resolve()}#2"],
        f"{path.resolve()}#3": ids[f"{path.resolve()}#3"],
        f"{path.resolve()}#4": ids[f"{path.resolve()}#1"],
    }

    # one deleted, one changed: reported without --replace, nothing lost
    _write(path, [_record(4), _record(2, edit="\n\n又及：本报告另有附注一则。"), _record(1)])
    told = cli.json("ingest", str(path), "--db", str(db))
    assert [m["doc"] for m in told["missing"]] == [ids[f"{path.resolve()}#3"]] and not told["missing"][0]["removed"]
    assert any("changed since it was ingested" in s["reason"] and "--replace" in s["reason"] for s in told["skipped"])
    assert len(cli.json("docs", "--db", str(db))) == 4

    # with --replace: the changed one replaced, the deleted one removed
    done = cli.json("ingest", str(path), "--db", str(db), "--replace")
    assert [item["replaced"] for item in done["ingested"]] == [ids[f"{path.resolve()}#2"]]
    assert done["missing"][0]["removed"] is True
    clean = tmp_path / "clean.db"
    cli("ingest", str(path), "--db", str(clean))
    assert _stored(cli, db) == _stored(cli, clean)


def test_a_single_report_file_is_still_one_report(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(SEED_TEXT, encoding="utf-8")
    db = tmp_path / "z.db"
    cli("ingest", str(path), "--db", str(db))
    path.write_text(SEED_TEXT + "\n\n又及：本报告另有附注一则。", encoding="utf-8")
    told = cli.json("ingest", str(path), "--db", str(db))
    assert "--replace replaces it" in told["skipped"][0]["reason"] and told["missing"] == []
    done = cli.json("ingest", str(path), "--db", str(db), "--replace")
    assert done["ingested"][0]["replaced"] == 1 and done["missing"] == []
    assert [d["id"] for d in cli.json("docs", "--db", str(db))] == [2]
