"""The CLI through CliRunner: exit codes, stdout JSON contracts, stderr messages."""

from __future__ import annotations

import gc
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEED, Cli


def test_ingest_reports_and_is_idempotent(cli: Cli) -> None:
    out = cli.json("ingest", str(SEED))
    assert out["errors"] == [] and out["skipped"] == []
    (item,) = out["ingested"]
    assert item["doc"] == 1 and item["paragraphs"] == 46
    assert item["title"] == "中国人民政治协商会议株洲市委员会常务委员会工作报告"
    assert item["source"].endswith("zhuzhou-cppcc-2020.txt")
    again = cli.json("ingest", str(SEED.parent))  # a folder, recursively; same content
    assert again["ingested"] == []
    assert again["skipped"] == [{"source": str(SEED), "reason": "already ingested as document 1"}]
    assert len(cli.json("docs")) == 1


def test_ingest_bad_files_fail_alone(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00")
    (tmp_path / "ok.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    result = cli("ingest", "--json", str(tmp_path), str(tmp_path / "missing.txt"), code=2)
    out = json.loads(result.stdout)
    assert [i["source"].rsplit("/", 1)[-1] for i in out["ingested"]] == ["ok.txt"]
    errors = {e["source"].rsplit("/", 1)[-1]: e["error"] for e in out["errors"]}
    assert set(errors) == {"missing.txt", "binary.txt", "empty.txt"}
    assert "binary" in errors["binary.txt"] and "empty" in errors["empty.txt"]
    assert "Error: " in result.stderr and "binary.txt" in result.stderr


def test_gbk_file_is_decoded(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "seed-gbk.txt"
    path.write_bytes(SEED.read_text(encoding="utf-8").replace("\n", "\r\n").encode("gb18030"))
    out = cli.json("ingest", str(path))
    assert out["ingested"][0]["paragraphs"] == 46
    assert out["ingested"][0]["encoding"] == "gbk"  # GB18030 bytes that strict GBK decodes


def test_list_section_two(seeded: Cli) -> None:
    (entry,) = seeded.json("list", "--section", "二")
    assert entry["doc"] == {
        "id": 1,
        "title": "中国人民政治协商会议株洲市委员会常务委员会工作报告",
        "date": "2020-01-06",
    }
    (sec,) = entry["sections"]
    assert sec["path"] == "二" and sec["number"] == "二"
    assert [c["title"] for c in sec["children"]] == [
        "立足基本职能,围绕“两个加快”忠诚履职",
        "紧扣中心环节,围绕“两个加快”团结奋进",
        "强化大局意识,围绕“两个加快”担当作为",
    ]
    first, _, third = sec["children"]
    assert first["path"] == "二(一)" and first["number"] == "(一)"
    assert [i["title"] for i in first["initiatives"]] == [
        "更好发挥专门协商机构作用",
        "更加有力推动党政决策落实",
        "更为精准服务经济社会发展",
    ]
    assert [i["title"] for i in third["initiatives"]] == [
        "坚决落实市委部署",
        "积极投身中心工作",
        "充分发挥委员作用",
    ]
    assert first["initiatives"][0]["ref"] == "1:45"


def test_list_whole_outline_and_subsection(seeded: Cli) -> None:
    (entry,) = seeded.json("list")
    assert [s["path"] for s in entry["sections"]] == ["一", "二", "三"]
    assert [len(s["children"]) for s in entry["sections"]] == [5, 3, 3]
    (sub,) = seeded.json("list", "--section", "2.3")[0]["sections"]
    assert sub["path"] == "二(三)" and sub["children"] == []


def test_list_unknown_section(seeded: Cli) -> None:
    result = seeded("list", "--section", "九", code=2)
    assert result.stderr.startswith("Error: no section 九")


def test_docs_metadata(seeded: Cli) -> None:
    (doc,) = seeded.json("docs")
    evidence = doc.pop("evidence")
    assert set(evidence) >= {"type", "region", "year", "speaker"}
    assert doc == {
        "id": 1,
        "title": "中国人民政治协商会议株洲市委员会常务委员会工作报告",
        "subtitle": "在政协株洲市第九届委员会第四次会议上",
        "author": "蔡溪",
        "date": "2020-01-06",
        "source": str(SEED),
        "paragraphs": 46,
        "sections": 14,
        "year": 2020,
        "region": "株洲市",
        "pages": None,
        # the archive's keys (added, none renamed)
        "type": "cppcc",
        "level": "city",
        "key": "cppcc/株洲市/2020",
        "meeting": "在政协株洲市第九届委员会第四次会议上",
        "speaker": "蔡溪",
        "speaker_role": None,
        "copy_of": None,
        "copies": [],
        "sources": [{"doc": 1, "source": str(SEED)}],
    }


def test_show_with_context(seeded: Cli) -> None:
    out = seeded.json("show", "1:12", "--context", "2")
    assert out["ref"] == "1:12" and out["paragraph"] == 12 and out["section"] == "一"
    assert out["text"].startswith("我们以开展远程协商为重点")
    assert [p["paragraph"] for p in out["context"]] == [10, 11, 13, 14]
    edge = seeded.json("show", "1:1", "--context", "1")
    assert edge["kind"] == "front" and [p["paragraph"] for p in edge["context"]] == [2]


def test_show_bad_refs(seeded: Cli) -> None:
    assert seeded("show", "1-12", code=2).stderr.startswith("Error: not a paragraph reference")
    assert seeded("show", "1:999", code=2).stderr.startswith("Error: no paragraph 1:999")


def test_export_every_paragraph(seeded: Cli) -> None:
    rows = [json.loads(line) for line in seeded("export").stdout.splitlines()]
    assert [r["paragraph"] for r in rows] == list(range(1, len(rows) + 1))
    kinds = {k: sum(r["kind"] == k for r in rows) for k in ("body", "heading", "front", "noise", "chrome", "duplicate")}
    assert kinds == {"body": 46, "heading": 12, "front": 7, "noise": 10, "chrome": 0, "duplicate": 0}
    assert set(rows[0]) == {"ref", "doc", "section", "paragraph", "kind", "title", "text", "page"}
    assert {r["page"] for r in rows} == {None}  # a text file has no pages
    only_noise = seeded("export", "--kind", "noise").stdout.splitlines()
    assert len(only_noise) == 10


def test_missing_database_is_an_error_not_a_new_file(cli: Cli, _isolated_db: Path) -> None:
    result = cli("search", "远程", code=2)
    assert result.stderr.startswith("Error: no database at")
    assert "Hint: " in result.stderr
    assert not _isolated_db.exists()


def test_newer_schema_is_refused_and_untouched(seeded: Cli, _isolated_db: Path) -> None:
    # The commands run in this process and leave their connections to the garbage
    # collector; one closed later checkpoints the WAL into the file. Close them now.
    gc.collect()
    conn = sqlite3.connect(_isolated_db)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = _isolated_db.read_bytes()
    result = seeded("search", "远程", code=2)
    assert "schema version 99" in result.stderr
    assert _isolated_db.read_bytes() == before


def test_a_file_that_is_not_a_database(cli: Cli, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("hello" * 200)
    result = cli("docs", "--db", str(bogus), code=2)
    assert result.stderr.startswith("Error: cannot read")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t(x)").connection.commit()
    assert "not a zxkb one" in cli("docs", "--db", str(other), code=2).stderr


def test_db_option_beats_environment(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "elsewhere.db"
    cli("ingest", "--db", str(db), str(SEED))
    assert db.exists()
    assert cli.json("docs", "--db", str(db))[0]["id"] == 1
    cli("docs", code=2)  # $ZXKB_DB still points at an empty place


def test_human_output_has_citations(seeded: Cli) -> None:
    out = seeded("search", "远程协商").stdout
    assert "[1:12]" in out and "¶12" in out and "2020-01-06" in out
    assert "\x1b[" not in out  # not a terminal: no colour codes
    tree = seeded("list", "--section", "二").stdout
    assert "更好发挥专门协商机构作用" in tree and "(一)立足基本职能" in tree
    assert "蔡溪" in seeded("docs").stdout


def test_outline_lines_are_whole_in_a_pipe(seeded: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "30")  # narrower than most lines: nothing may be cut or wrapped
    lines = seeded("list").stdout.splitlines()
    assert lines[0].endswith("[doc 1]") and lines[1].startswith("├── 一、适应新形势")
    assert all(line.endswith("]") for line in lines)

    def nodes(sections: list[dict[str, Any]]) -> int:
        return sum(1 + len(s["initiatives"]) + nodes(s["children"]) for s in sections)

    (entry,) = seeded.json("list")
    assert len(lines) == 1 + nodes(entry["sections"])  # one line per document, section and initiative


def test_no_hits_message_goes_to_stderr(seeded: Cli) -> None:
    result = seeded("search", "手机银行", code=1)
    assert result.stdout == ""
    assert "手机银行" in result.stderr
