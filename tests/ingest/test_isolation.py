"""One bad file costs only itself: whatever goes wrong while reading, decoding
or parsing a file (or one record of it) is that file's `errors` entry, in one
process and in worker processes; the others are stored, the JSON is printed,
and the exit code is 2. Options that cannot work are refused before anything
is read, and what ingest prints cannot drive the terminal."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest

from tests.conftest import SEED, Cli
from zxkb.formats import text_file
from zxkb.ingest import workers

SEED_TEXT = SEED.read_text(encoding="utf-8")


def _variant(n: int) -> str:
    return SEED_TEXT.replace("请予审议。", f"请予审议。本文为第{n}号副本。", 1)


def _good(folder: Path, n: int) -> list[str]:
    names = []
    for i in range(n):
        name = f"good-{i:02d}.txt"
        (folder / name).write_text(_variant(i), encoding="utf-8")
        names.append(name)
    return names


def _truncated_docx() -> bytes:
    document = docx.Document()
    for _ in range(50):
        document.add_paragraph("远程协商")
    buffer = io.BytesIO()
    document.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info.filename, data[: len(data) // 2] if info.filename == "word/document.xml" else data)
    return out.getvalue()


def _bad_files(folder: Path) -> dict[str, str]:
    """Hostile files, each with what its error must say."""
    marked = json.dumps({"title": "孤立代理", "content": _variant(90)}, ensure_ascii=False)
    files: dict[str, tuple[bytes, str]] = {
        "bad-deep.json": (("[" * 100_000 + "]" * 100_000).encode(), "nests arrays or objects deeper"),
        "bad-deep-object.json": (('{"a":' * 100_000 + "1" + "}" * 100_000).encode(), "nests"),
        "bad-cut.docx": (_truncated_docx(), "the Word file is damaged"),
        "bad-charset.html": (
            b'<html><head><meta charset="undefined"></head><body><p>\x81\xff' + "远程协商".encode("gbk") + b"</p>",
            "its declared charset undefined",
        ),
        "bad-empty.txt": (b"", "the file is empty"),
    }
    for name, (data, _) in files.items():
        (folder / name).write_bytes(data)
    # these are stored (a repaired character), not errors
    (folder / "fine-surrogate.json").write_text(marked.replace("。", "\\ud800。", 1), encoding="utf-8")
    (folder / os.fsdecode(b"fine-\xff.txt")).write_text(_variant(91), encoding="utf-8")
    return {name: want for name, (_, want) in files.items()}


def _check_isolated(out: Any, folder: Path, good: list[str], bad: dict[str, str]) -> None:
    stored = {Path(item["source"]).name for item in out["ingested"]}
    assert set(good) <= stored
    assert {"fine-surrogate.json", "fine-\\xff.txt"} <= stored  # the byte shown as \xff: valid UTF-8 text
    errors = {Path(item["source"]).name: item for item in out["errors"]}
    assert set(errors) == set(bad)
    for name, want in bad.items():
        assert want in errors[name]["error"], errors[name]
        assert errors[name].get("hint"), errors[name]
    surrogate = next(item for item in out["ingested"] if item["source"].endswith("fine-surrogate.json"))
    assert any("lone surrogate" in w for w in surrogate["warnings"])


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_bad_files_fail_alone(cli: Cli, tmp_path: Path, jobs: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "PARALLEL_MIN_BYTES", 0)  # worker processes even for a small folder
    folder = tmp_path / "in"
    folder.mkdir()
    good = _good(folder, 4)
    bad = _bad_files(folder)
    result = cli("ingest", str(folder), "--json", "--jobs", jobs, code=2)
    out = json.loads(result.stdout)
    _check_isolated(out, folder, good, bad)
    for name in bad:
        assert f"Error: {folder / name}: " in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    docs = cli.json("docs")
    assert len(docs) == len(out["ingested"])
    assert cli("search", "远程协商").exit_code == 0


def test_records_fail_alone(cli: Cli, tmp_path: Path) -> None:
    lines = [json.dumps({"title": f"第{i}份", "content": _variant(100 + i)}, ensure_ascii=False) for i in range(5)]
    lines.insert(3, '{"title": "坏行", "content": "未闭合')
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = cli.json("ingest", str(path), code=2)
    assert [item["source"] for item in out["errors"]] == [f"{path}#4"]
    assert out["errors"][0]["error"] == "line 4 is not valid JSON: Unterminated string starting at"
    assert sorted(item["source"] for item in out["ingested"]) == [f"{path}#{n}" for n in (1, 2, 3, 5, 6)]


def test_an_unexpected_failure_is_the_files_error(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader's bug or a limit reached inside a library: an errors entry with the exception named;
    ZXKB_DEBUG=1 adds its traceback on stderr; the exit code stays 2."""
    real = text_file.read

    def read(path: Path, data: bytes, options: Any) -> Any:
        if path.name == "boom.txt":
            raise ValueError("a library failed")
        if path.name == "deep.txt":
            raise RecursionError("maximum recursion depth exceeded")
        return real(path, data, options)

    monkeypatch.setattr(text_file, "read", read)
    good = _good(tmp_path, 2)
    for name in ("boom.txt", "deep.txt"):
        (tmp_path / name).write_text(_variant(7), encoding="utf-8")
    for debug in (False, True):
        env = {"ZXKB_DEBUG": "1"} if debug else None
        result = cli(
            "ingest", str(tmp_path), "--json", "--jobs", "1", "--db", str(tmp_path / f"{debug}.db"), env=env, code=2
        )
        out = json.loads(result.stdout)
        assert {Path(item["source"]).name for item in out["ingested"]} == set(good)
        errors = {Path(item["source"]).name: item for item in out["errors"]}
        assert errors["boom.txt"]["error"] == "cannot read the file: ValueError: a library failed"
        assert "ZXKB_DEBUG=1" in errors["boom.txt"]["hint"]
        assert errors["deep.txt"]["error"] == "the file nests too deeply to be read"
        assert ("Traceback" in result.stderr) is debug and "internal error" not in result.stderr


def test_an_unreadable_folder_is_reported_and_skipped(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(chmod 000 does not stop root, who runs these tests in containers: os.scandir refuses instead.)"""
    good = _good(tmp_path, 2)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "inner.txt").write_text(_variant(8), encoding="utf-8")
    scandir = os.scandir

    def refusing(path: Any = ".") -> Any:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    out = cli.json("ingest", str(tmp_path), code=2)
    assert {Path(item["source"]).name for item in out["ingested"]} == set(good)
    assert out["errors"] == [
        {
            "source": str(locked),
            "error": "cannot read the folder: Permission denied",
            "hint": "check its permissions; the other files are ingested",
        }
    ]


# --- options -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-5"])
def test_max_size_must_be_a_positive_number(cli: Cli, tmp_path: Path, value: str) -> None:
    (tmp_path / "a.txt").write_text(SEED_TEXT, encoding="utf-8")
    result = cli("ingest", str(tmp_path), f"--max-size={value}", "--db", str(tmp_path / "x.db"), code=2)
    assert result.stderr.startswith("Error: --max-size must be a positive number of MB")
    assert "Hint: " in result.stderr and not (tmp_path / "x.db").exists()


def test_max_size_messages_use_its_unit(cli: Cli, tmp_path: Path) -> None:
    """--max-size counts MB of 1,048,576 bytes, and says so in the same unit (50 is not 52.4)."""
    path = tmp_path / "a.txt"
    path.write_text(SEED_TEXT, encoding="utf-8")
    size = path.stat().st_size
    out = cli.json("ingest", str(path), "--max-size", "0.01", code=2)
    assert out["errors"][0]["error"] == (
        f"the file is {size / 2**20:.3g} MB, more than the --max-size limit of 0.01 MB for one report"
    )


def test_jobs_are_capped(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(SEED_TEXT, encoding="utf-8")
    result = cli("ingest", str(tmp_path), "--jobs", "100000000000000000000", "--json")
    most = workers.max_jobs()
    assert f"Note: --jobs 100000000000000000000 lowered to {most}: more processes than twice the" in result.stderr
    assert len(json.loads(result.stdout)["ingested"]) == 1
    assert workers.capped_jobs(1) == (1, None) and workers.capped_jobs(most) == (most, None)
    for value in ("0", "-1"):
        refused = cli("ingest", str(tmp_path), "--jobs", value, code=2)
        assert (
            refused.stderr
            == f"Error: --jobs must be 1 or more, not {value}\nHint: --jobs 1 reads the files in this process\n"
        )


@pytest.mark.parametrize("name", ["rot13", "base64", "zlib", "hex", "uu", "bz2", "quopri", "undefined", "klingon"])
def test_encoding_must_be_a_text_encoding(cli: Cli, tmp_path: Path, name: str) -> None:
    (tmp_path / "a.txt").write_text(SEED_TEXT, encoding="utf-8")
    result = cli("ingest", str(tmp_path), "--encoding", name, "--db", str(tmp_path / "x.db"), code=2)
    first, hint = result.stderr.splitlines()
    assert first in (f"Error: {name!r} is not a text encoding", f"Error: unknown encoding {name!r}")
    assert hint.startswith("Hint: name the text encoding of the files, e.g. utf-8, gbk")
    assert not (tmp_path / "x.db").exists()


def test_a_forced_encoding_keeps_a_file_with_one_damaged_byte(cli: Cli, tmp_path: Path) -> None:
    data = bytearray(SEED_TEXT.encode("gbk"))
    at = data.index(b"2020")
    data[at] = 0xFF
    line = data[:at].count(b"\n") + 1
    path = tmp_path / "gbk.txt"
    path.write_bytes(bytes(data))
    result = cli("ingest", str(path), "--encoding", "gbk", "--json")
    (item,) = json.loads(result.stdout)["ingested"]
    assert item["encoding"] == "gbk" and item["paragraphs"] > 40
    (warning,) = item["warnings"]
    assert f"byte 0xFF at line {line} " in warning
    assert f"Warning: {path}: {warning}" in result.stderr
    human = cli("ingest", str(path), "--encoding", "gbk", "--db", str(tmp_path / "h.db"))
    assert "Warning: " in human.stderr and f"line {line}" in human.stderr


# --- what ingest prints ------------------------------------------------------------------------

ESCAPES = "\x1b]0;pwned\x07-\x1b[2J"


def test_file_names_and_titles_cannot_drive_the_terminal(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / f"good{ESCAPES}.txt").write_text(
        SEED_TEXT.replace("# 中国人民政治协商会议", f"# 中国{ESCAPES}人民政治协商会议", 1), encoding="utf-8"
    )
    (tmp_path / f"bad{ESCAPES}.txt").write_bytes(b"")
    (tmp_path / os.fsdecode(b"bad-\xff.json")).write_bytes(b"[")
    for args in ([], ["--json"]):
        result = cli("ingest", str(tmp_path), *args, "--db", str(tmp_path / f"db{len(args)}.db"), code=2)
        for stream in (result.stdout, result.stderr):
            assert "\x1b" not in stream and "\x07" not in stream, (args, stream)
        assert "\\x1b]0;pwned\\x07-\\x1b[2J" in result.stderr  # the bad file's name, shown escaped
        assert "bad-\\xff.json" in result.stderr
        if not args:
            assert "\\x1b[2J" in result.stdout  # the good file's title and name, shown escaped


def test_a_record_that_fails_is_not_taken_for_one_removed(cli: Cli, tmp_path: Path) -> None:
    """With --replace, a document that a file no longer holds is removed; but when a record of
    the file cannot be read, that document may be the record that failed: it is reported, not removed."""
    path = tmp_path / "r.jsonl"
    lines = [json.dumps({"title": f"第{i}份", "content": _variant(200 + i)}, ensure_ascii=False) for i in range(3)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(cli.json("ingest", str(path))["ingested"]) == 3
    lines[1] = lines[1][:-30]  # the second record's line cut short
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = cli.json("ingest", str(path), "--replace", code=2)
    assert [e["source"] for e in out["errors"]] == [f"{path}#2"]
    assert [(m["source"], m["removed"]) for m in out["missing"]] == [(f"{path}#2", False)]
    assert len(cli.json("docs")) == 3


def test_what_is_not_a_regular_file_is_refused_by_name(cli: Cli, tmp_path: Path) -> None:
    """A pipe or a device named on the command line would be read forever: refused, the others ingested."""
    (tmp_path / "a.txt").write_text(SEED_TEXT, encoding="utf-8")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    out = cli.json("ingest", str(tmp_path / "a.txt"), str(fifo), os.devnull, code=2)
    assert len(out["ingested"]) == 1
    assert [(e["source"], e["error"]) for e in out["errors"]] == [
        (str(fifo), "not a regular file (a pipe, device or socket)"),
        (os.devnull, "not a regular file (a pipe, device or socket)"),
    ]
    assert len(cli.json("ingest", str(tmp_path))["skipped"]) == 1  # in a folder, a pipe is passed over
