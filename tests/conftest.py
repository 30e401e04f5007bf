"""Every test gets its own database through $ZXKB_DB: no test touches real data."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from typer.testing import CliRunner

from zxkb.cli import run

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "db" / "zhuzhou-cppcc-2020.txt"
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(autouse=True)
def _isolated_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "zxkb.db"
    monkeypatch.setenv("ZXKB_DB", str(db))
    monkeypatch.delenv("ZXKB_DEBUG", raising=False)
    return db


class Result(NamedTuple):
    exit_code: int
    stdout: str
    stderr: str


class Cli:
    """Runs `zxkb ARGS` in this process as the console script does (zxkb.cli.run:
    the fast path, Typer, the one table of exit codes), with stdout and stderr
    captured apart, through Typer's test isolation."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, code: int | None = 0, env: dict[str, str] | None = None) -> Result:
        with self.runner.isolation(env=env) as (out, err, _):
            exit_code = run(list(args))
            sys.stdout.flush()
            sys.stderr.flush()
            result = Result(exit_code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8"))
        if code is not None:
            assert result.exit_code == code, result
        return result

    def json(self, *args: str, code: int | None = 0) -> Any:
        result = self(args[0], "--json", *args[1:], code=code)
        return json.loads(result.stdout)


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture
def seeded(cli: Cli) -> Cli:
    cli("ingest", str(SEED))
    return cli


CITIES = ("株洲", "湘潭", "衡阳", "岳阳", "常德")


def distinct_report(text: str, i: int) -> str:
    """The seed's text as the i-th report of its own: another year in its text,
    and another city in its meeting line (its title still names 株洲) or another
    delivery year, so that zxkb does not take it for a copy of the seed from
    another source (zxkb.store.reports: a copy has the same sentences and no
    other region or year)."""
    delivered = f"{1900 + i // len(CITIES)}年1月6日"
    return (
        text.replace("2019年", f"{1800 + i}年")
        .replace("2020年1月6日", delivered)
        .replace("在政协株洲市", f"在政协{CITIES[i % len(CITIES)]}市")
    )


def seed_variants(folder: Path, n: int) -> list[Path]:
    """n different reports made from the seed (distinct_report)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = SEED.read_text(encoding="utf-8")
    paths = []
    for i in range(n):
        path = folder / f"report-{i:03d}.txt"
        path.write_text(distinct_report(text, i), encoding="utf-8")
        paths.append(path)
    return paths


def vocabulary_dump(db: Path) -> tuple[set[tuple[Any, ...]], set[tuple[str, int, int]]]:
    """Every term (term, pinyin, initials, count, ndocs) and every (term, document,
    count), after checking that the vocabulary's tables agree with each other:
    totals = the sums of the documents' counts, no pair without its term or
    document, term_docs finds each term in exactly its documents, terms_fts finds
    each term by its characters."""
    import sqlite3

    from zxkb import textnorm
    from zxkb.store import terms as termstore

    conn = sqlite3.connect(db)
    try:
        terms = {row[0]: row[1:] for row in conn.execute("SELECT id, term, pinyin, initials, count, ndocs FROM terms")}
        docs = {doc_id for (doc_id,) in conn.execute("SELECT id FROM documents")}
        pairs: dict[int, dict[int, int]] = {}  # term id -> document -> count
        for doc_id, blob in conn.execute("SELECT doc_id, terms FROM doc_terms"):
            assert doc_id in docs
            for term_id, count in termstore.unpack_terms(blob).items():
                pairs.setdefault(term_id, {})[doc_id] = count
        assert set(pairs) == set(terms)
        for term_id, (term, _, _, count, ndocs) in terms.items():
            assert (count, ndocs) == (sum(pairs[term_id].values()), len(pairs[term_id])), term
            found = conn.execute("SELECT rowid FROM term_docs WHERE term_docs MATCH ?", (f'"{term_id}"',)).fetchall()
            assert [d for (d,) in found] == sorted(pairs[term_id]), term
            every = " AND ".join(f'"{token}"' for token in textnorm.tokens(term).split())
            indexed = conn.execute("SELECT rowid FROM terms_fts WHERE terms_fts MATCH ?", (f"chars: ({every})",))
            assert term_id in {r for (r,) in indexed}, term
        rows = {(terms[t][0], d, n) for t, by_doc in pairs.items() for d, n in by_doc.items()}
        return set(terms.values()), rows
    finally:
        conn.close()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line when the tests on the real corpus could not run (README, "Tests")."""
    if CORPUS.is_dir():
        return
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "shared/corpus" in str(r.longrepr)]
    if skipped:
        terminalreporter.write_line(
            f"{len(skipped)} test{'' if len(skipped) == 1 else 's'} on the real corpus skipped: {CORPUS} is not here"
            " (put the shared corpus beside this clone, as ../shared/corpus, to run them)"
        )
