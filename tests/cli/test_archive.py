"""The archive through the command line: copies from two sources count once,
filters on every command, and their errors. On real excerpts: the 2017 State
Council report as Wikisource has it (wiki-2017.txt) and as the State Council's
site has it (sc-2017-caption.txt), the 2018 one, Beijing's 2026 one and the seed."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEED, Cli

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SHARED = "过去一年，我国发展面临国内外诸多矛盾叠加、风险隐患交汇的严峻挑战"  # in both 2017 copies


def ingest(cli: Cli, *names: str) -> dict[str, Any]:
    paths = [str(SEED) if name == "seed" else str(FIXTURES / name) for name in names]
    return dict(cli.json("ingest", *paths))


def by_source(docs: list[dict[str, Any]], name: str) -> dict[str, Any]:
    (doc,) = [d for d in docs if d["source"].endswith(name)]
    return doc


@pytest.fixture
def archive(cli: Cli) -> Cli:
    ingest(cli, "wiki-2017.txt", "sc-2017-caption.txt", "sc-2018-head.txt", "prov-beijing.txt", "seed")
    return cli


def test_copies_from_two_sources_are_one_report(cli: Cli) -> None:
    report = ingest(cli, "wiki-2017.txt", "sc-2017-caption.txt")
    wiki, site = (item["doc"] for item in report["ingested"])
    docs = cli.json("docs")
    canonical = [d for d in docs if d["copy_of"] is None]
    (copy,) = [d for d in docs if d["copy_of"] is not None]
    assert [d["id"] for d in canonical] == [copy["copy_of"]] and canonical[0]["copies"] == [copy["id"]]
    assert {d["key"] for d in docs} == {"government/全国/2017"}
    assert (
        [s["doc"] for s in canonical[0]["sources"]]
        == [canonical[0]["id"], copy["id"]]
        == [s["doc"] for s in copy["sources"]]
    )
    assert {d["speaker"] for d in docs} == {"李克强"} and {d["speaker_role"] for d in docs} == {"国务院总理"}
    # the second one ingested was a copy of a stored report: the summary says so
    assert report["ingested"][1]["same_as_stored"] and not report["ingested"][0]["same_as_stored"]
    summary = cli("ingest", str(FIXTURES / "sc-2018-head.txt"), str(FIXTURES / "wiki-2017.txt")).stderr
    assert "copies of reports stored already" not in summary  # 2018 is new, wiki-2017 is skipped as known
    # each report once: the shared paragraph is found in the canonical copy only, unless --copies
    once = cli.json("search", SHARED, "-n", "0")
    assert [h["doc"] for h in once["hits"]] == [canonical[0]["id"]]
    every = cli.json("search", SHARED, "-n", "0", "--copies")
    assert sorted(h["doc"] for h in every["hits"]) == sorted([wiki, site]) and every["filters"]["copies"] is True
    # a copy named by its id is read, as any document
    assert [h["doc"] for h in cli.json("search", SHARED, "--doc", str(copy["id"]))["hits"]] == [copy["id"]]
    listed = {o["doc"]["id"] for o in cli.json("list")}
    assert copy["id"] not in listed and canonical[0]["id"] in listed
    sc2018 = cli.json("search", "2018年3月5日", "--all")["hits"][0]["doc"]
    exported = {json.loads(line)["doc"] for line in cli("export").stdout.splitlines()}
    assert exported == {canonical[0]["id"], sc2018}
    with_copies = {json.loads(line)["doc"] for line in cli("export", "--copies").stdout.splitlines()}
    assert with_copies == {wiki, site, sc2018}


def test_removing_the_canonical_copy_promotes_another(cli: Cli) -> None:
    ingest(cli, "wiki-2017.txt", "sc-2017-caption.txt")
    (canonical,) = [d for d in cli.json("docs") if d["copy_of"] is None]
    cli("rm", str(canonical["id"]))
    (left,) = cli.json("docs")
    assert left["copy_of"] is None and left["copies"] == [] and left["key"] == "government/全国/2017"
    assert [h["doc"] for h in cli.json("search", SHARED)["hits"]] == [left["id"]]
    assert cli.json("search", SHARED, "--copies")["total"] == 1


def refs(cli: Cli, *args: str) -> set[str]:
    return {h["ref"] for h in cli.json("search", "发展", "-n", "0", *args)["hits"]}


def docs_of(cli: Cli, *args: str) -> set[int]:
    return {int(r.split(":")[0]) for r in refs(cli, *args)}


def test_filters_choose_reports(archive: Cli) -> None:
    docs = archive.json("docs")
    sc2017 = by_source(docs, "sc-2017-caption.txt")["copy_of"] or by_source(docs, "sc-2017-caption.txt")["id"]
    sc2018, beijing, seed = (by_source(docs, n)["id"] for n in ("sc-2018-head.txt", "prov-beijing.txt", SEED.name))
    assert docs_of(archive, "--year", "2018") == {sc2018}
    assert docs_of(archive, "--year", "2016-2020") == {sc2017, sc2018, seed}
    assert docs_of(archive, "--year", "2017", "--year", "2026") == {sc2017, beijing}  # one kind: OR
    assert docs_of(archive, "--region", "北京") == docs_of(archive, "--region", "北京市") == {beijing}
    assert docs_of(archive, "--region", "株洲", "--region", "全国") == {seed, sc2017, sc2018}
    assert docs_of(archive, "--type", "cppcc") == docs_of(archive, "--level", "city") == {seed}
    assert docs_of(archive, "--level", "province") == {beijing}
    assert docs_of(archive, "--speaker", "李克强") == {sc2017, sc2018}
    assert docs_of(archive, "--speaker", "李克强", "--year", "2010-2017") == {sc2017}  # kinds: AND
    assert docs_of(archive, "--doc", str(seed), "--doc", str(beijing)) == {seed, beijing}  # --doc repeats
    out = archive.json("search", "发展", "--region", "北京", "--type", "government", "-n", "1")
    assert out["filters"] == {
        "doc": [],
        "year": [],
        "region": ["北京市"],
        "type": ["government"],
        "level": [],
        "speaker": [],
        "copies": False,
    }
    (hit,) = out["hits"]
    assert (hit["year"], hit["region"], hit["type"]) == (2026, "北京市", "government")


def test_every_command_reads_the_same_filters(archive: Cli) -> None:
    beijing = by_source(archive.json("docs"), "prov-beijing.txt")["id"]
    assert [o["doc"]["id"] for o in archive.json("list", "--region", "北京")] == [beijing]
    assert [d["id"] for d in archive.json("docs", "--region", "北京")] == [beijing]
    lines = archive("export", "--region", "北京", "--kind", "body").stdout.splitlines()
    assert lines and {json.loads(line)["doc"] for line in lines} == {beijing}
    assert all(m["docs"] == [beijing] for m in archive.json("fuzzy", "首都", "--region", "北京")["matches"])
    # docs lists every copy of the reports chosen
    assert len(archive.json("docs", "--year", "2017")) == 2


@pytest.mark.parametrize(
    ("args", "error", "hint"),
    [
        (["--region", "火星"], "Error: no report from region '火星'", "Hint: regions: 全国, 北京市, 株洲市"),
        (["--year", "1900"], "Error: no report from 1900", "Hint: the reports stored are from 2017 to 2026"),
        (["--type", "goverment"], "Error: unknown type 'goverment'", "Hint: types are government, cppcc,"),
        (["--type", "party_congress"], "Error: no report of type party_congress", "Hint: the reports stored are"),
        (["--level", "county"], "Error: no report of level county", "Hint: the reports stored are of level"),
        (["--speaker", "李鹏"], "Error: no report by '李鹏'", "Hint: speakers: 李克强, 殷勇, 蔡溪"),
        (["--year", "2018", "--region", "北京"], "Error: no report matches --year 2018 --region 北京市", "Hint: "),
        (["--year", "20x8"], "Error: not a year or a range of years: '20x8'", "Hint: write a year as 2018"),
    ],
)
def test_a_filter_that_matches_nothing_is_an_error(archive: Cli, args: list[str], error: str, hint: str) -> None:
    for command in (["search", "发展"], ["list"], ["docs"], ["export"], ["fuzzy", "发展"]):
        result = archive(*command, *args, code=2)
        lines = result.stderr.splitlines()
        assert lines[0] == error and lines[1].startswith(hint) and result.stdout == "", command


def test_no_hit_under_filters_says_which(archive: Cli) -> None:
    result = archive("search", "手机银行", "--year", "2020", code=1)  # only in the seed's advertisement
    assert "No paragraph contains '手机银行' in the reports of --year 2020." in result.stderr
    assert archive.json("search", "手机银行", "--year", "2020", code=1)["filters"]["year"] == [[2020, 2020]]


def test_a_database_from_before_the_archive_gets_its_reports_from_upgrade(cli: Cli, tmp_path: Path) -> None:
    """Schema version 5 had no identity and no copies: read commands say so,
    and zxkb upgrade (migration 6) gives the stored documents the same as new ones."""
    from zxkb.store import schema

    new, old = tmp_path / "new.db", tmp_path / "old.db"
    for name in ("wiki-2017.txt", "sc-2017-caption.txt"):
        cli("ingest", str(FIXTURES / name), "--db", str(new))
    conn = sqlite3.connect(old, isolation_level=None)
    for script in schema.MIGRATIONS[:5]:
        conn.executescript(script)
    conn.execute("ATTACH ? AS new", (str(new),))
    for table in ("documents", "sections", "paragraphs"):  # the columns of version 5
        cols = ", ".join(row[1] for row in conn.execute(f"PRAGMA main.table_info({table})"))
        conn.execute(f"INSERT INTO main.{table} ({cols}) SELECT {cols} FROM new.{table}")
    conn.execute("INSERT INTO meta VALUES ('norm_version', '1')")
    conn.execute("DETACH new")
    conn.execute("PRAGMA user_version = 5")
    conn.close()
    refused = cli("docs", "--db", str(old), code=2)
    assert "Hint: run: zxkb upgrade --db" in refused.stderr
    report = cli.json("upgrade", "--db", str(old))
    assert report["migrated_from"] == 5 and report["index_rebuilt"] and report["reports_placed"]
    keep = ("id", "type", "level", "region", "year", "key", "speaker", "speaker_role", "copy_of", "copies")
    before = [{k: d[k] for k in keep} for d in cli.json("docs", "--db", str(new))]
    assert [{k: d[k] for k in keep} for d in cli.json("docs", "--db", str(old))] == before
    assert cli.json("search", SHARED, "--db", str(old))["total"] == 1
    assert cli.json("search", SHARED, "--copies", "--db", str(old))["total"] == 2


def test_the_closing_part_in_the_outline(cli: Cli) -> None:
    ingest(cli, "sc-2012-end.txt")
    ((sec,),) = [o["sections"] for o in cli.json("list", "--section", "三")]
    titles = [i["title"] for i in sec["initiatives"]]
    assert titles == ["我国是统一的多民族国家", "认真贯彻党的宗教工作基本方针", "全面贯彻党的侨务政策", "回顾过去"]
    assert not [t for t in titles if t.startswith("各位代表")]  # an address alone is no initiative
    assert [c["number"] for c in sec["children"]][-1] == "(九)"
    lines = cli("list", "--section", "三").stdout.splitlines()
    nine = next(i for i, line in enumerate(lines) if "(九)努力提高对外开放的质量和水平" in line)
    peoples = next(i for i, line in enumerate(lines) if "我国是统一的多民族国家" in line)
    assert nine < peoples  # drawn in reading order: after the last subsection
