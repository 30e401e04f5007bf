"""The vocabulary, fuzzy ranking, suggestions and approximate hits,
with real terms from the seed report (db/zhuzhou-cppcc-2020.txt)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import SEED, Cli, vocabulary_dump
from zxkb import pinyin, textnorm, vocab
from zxkb.parse.report import parse_report
from zxkb.search import fuzzy
from zxkb.store import connection, documents
from zxkb.store import terms as termstore

# Cut from ../shared/corpus/provincial-2026/2026_湖南省_政府工作报告.csv (full_text):
# the title, the first heading and the start of two paragraphs.
HUNAN = """# 2026年湖南省政府工作报告

各位代表：

一、2025年和“十四五”时期工作回顾

过去的一年，极不寻常、很不容易。面对错综复杂的国际形势和艰巨繁重的改革发展稳定任务，我们坚持以习近平新时代中国特色社会主义思想为指导。

一是全力挖掘内需增长新潜能。把稳增长的重心放在扩大内需上，经济增长内生动力持续增强。主动抢抓政策先机。以“五重百项”任务清单承接国家利好政策。
"""


SEED_FOLDED = textnorm.fold(SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_terms() -> vocab.DocumentTerms:
    doc = parse_report(SEED.read_text(encoding="utf-8"))
    texts = [textnorm.fold(b.text) for b in doc.blocks if b.kind in vocab.VOCAB_KINDS]
    titles = [textnorm.fold(s.title) for s in doc.sections]
    titles += [textnorm.fold(b.title) for b in doc.blocks if b.kind == "body" and b.title]
    return vocab.extract(texts, titles, vocab.segmenter())


# --- the vocabulary (pure extraction) --------------------------------------------


def test_vocabulary_has_words_phrases_quotes_and_titles(seed_terms: vocab.DocumentTerms) -> None:
    assert "协商" in seed_terms  # an rjieba word
    # phrases of adjacent words that recur; rjieba cuts 远程/协商, 委员/之/家, 清水塘/新城/建设
    assert seed_terms["远程协商"].count == 6 and seed_terms["远程协商"].words == ("远程", "协商")
    assert seed_terms["委员之家"].words == ("委员", "之", "家")
    assert "清水塘新城建设" in seed_terms
    # quoted terms, the parts of a quoted list, and 《…》 titles
    assert "两个加快" in seed_terms and "视频远程协商" in seed_terms
    assert "人民政协报" in seed_terms
    # section and initiative titles, whole and cut at their commas, when they are phrases
    assert "更好发挥专门协商机构作用" in seed_terms
    assert "立足基本职能" in seed_terms and "围绕“两个加快”忠诚履职" in seed_terms
    # which terms rjieba gave as words (a query is cut into them without loading it)
    assert {"协商", "远程", "委员"} <= seed_terms.words and not {"远程协商", "两个加快"} & seed_terms.words


def test_a_term_is_a_phrase_not_a_clause(seed_terms: vocab.DocumentTerms) -> None:
    """No title piece longer than MAX_TITLE_TERM, with a comma or with a subject
    of its own; quoted terms and 《…》 titles may be longer."""
    assert "我们以开展远程协商为重点" not in seed_terms  # an initiative title with its subject: a clause
    assert "立足基本职能,围绕“两个加快”忠诚履职" not in seed_terms  # two clauses
    assert "2020年市政协工作的总体要求是" not in seed_terms  # 15 characters
    quoted = [t for t in seed_terms if len(t) > vocab.MAX_TITLE_TERM]
    assert quoted and all(f"“{t}”" in SEED_FOLDED or f"《{t}》" in SEED_FOLDED or "、" in t for t in quoted)
    assert "中共中央关于新时代加强和改进人民政协工作的意见" in seed_terms  # a 《…》 title


def test_a_document_cut_at_once_is_its_paragraphs_cut_one_by_one() -> None:
    """extract cuts a document's paragraphs in one call, joined by line breaks:
    the same words as cutting each paragraph alone, a break between them, so no
    phrase spans two paragraphs (a segmenter that cut across the break would fail)."""
    doc = parse_report(SEED.read_text(encoding="utf-8"))
    texts = list(dict.fromkeys(textnorm.fold(b.text) for b in doc.blocks if b.kind in vocab.VOCAB_KINDS))
    calls: list[str] = []

    def one_by_one(text: str) -> list[str]:
        calls.append(text)
        words: list[str] = []
        for piece in text.split("\n"):
            words += [*vocab.segmenter()(piece), "\n"]
        return words[:-1]

    assert vocab.extract(texts, [], one_by_one).counts == vocab.extract(texts, [], vocab.segmenter()).counts
    assert len(calls) == 1 and len(texts) > 50  # one call for the whole document


def test_vocabulary_leaves_out_noise(seed_terms: vocab.DocumentTerms) -> None:
    assert all(len(t) >= 2 for t in seed_terms)
    assert not set(seed_terms) & {"我们", "以及", "进行", "通过", "的"}
    assert not any(t[0].isdigit() for t in seed_terms if len(t) < 8)  # quantities: 2019年, 410多万
    # a phrase that occurs once is not a unit; one that starts with a function word is none
    assert "首次采用" not in seed_terms and "以开展远程协商" not in seed_terms
    # the bank advertisement after the report is noise, not vocabulary
    assert "手机银行" not in seed_terms


def test_pinyin_is_made_at_ingest_per_word() -> None:
    assert vocab.term_pinyin(vocab.Term("远程协商", 1, ("远程", "协商"))) == ("yuan cheng xie shang", "ycxs")
    # phrase readings for characters with two: 银行 is yin hang, 重庆 chong qing; ü is v
    assert vocab.word_pinyin("银行业") == ("yin", "hang", "ye")
    assert vocab.word_pinyin("重庆市") == ("chong", "qing", "shi")
    assert vocab.word_pinyin("绿色") == ("lv", "se")


def test_typed_pinyin_is_read_without_pypinyin() -> None:
    for typed in ("yuanchengxieshang", "yuan cheng xie shang", "yuán chéng xié shāng", "Yuan2 Cheng2 Xie2 Shang1"):
        letters = pinyin.normalize(typed)
        assert letters == "yuanchengxieshang", typed
        assert pinyin.split(letters) == ("yuan", "cheng", "xie", "shang")
    assert pinyin.normalize("lǜsè") == "lvse" and pinyin.split("luese") == ("lve", "se")
    assert pinyin.split("ycxs") is None  # initials
    assert pinyin.pieces("yuanchngxieshang") == ("yuan", "n", "xie", "shang")  # a slip: read leniently
    assert pinyin.normalize("远程") is None and pinyin.normalize("5g") is None


# --- ranking rules (pure) ----------------------------------------------------------


def _score(query: str, term: str) -> float:
    readings = dict(vocab.char_readings(vocab.Term(query, 1, (query,))))
    term_pinyin, initials = vocab.term_pinyin(vocab.Term(term, 1, (term,)))
    return fuzzy.score(fuzzy.probe(query, readings), term, term_pinyin, initials)


def test_exact_then_containing_then_similar() -> None:
    exact = _score("远程协商", "远程协商")
    containing = _score("远程协商", "视频远程协商")
    longer = _score("远程协商", "会议现场协商、视频远程协商、网络议政协商")
    similar = _score("远程协商", "专门协商")
    assert exact == 100
    assert 100 > containing > longer >= fuzzy.CONTAINS > similar
    assert _score("遠程協商", "远程协商") == 100  # traditional input is folded first


def test_one_wrong_character_still_finds_the_term() -> None:
    # 远成 for 远程: a homophone, scored on the syllables
    assert _score("远成协商", "远程协商") == pytest.approx(fuzzy.CONTAINS * fuzzy.HOMOPHONE)
    # a wrong character that does not sound alike: 1 of 4 characters differs
    assert _score("远程协向", "远程协商") == pytest.approx(fuzzy.CONTAINS * 0.75)
    assert _score("远程协向", "远程协商") >= fuzzy.DEFAULT_MIN_SCORE
    # the variant itself above longer terms that contain it
    assert _score("远成协商", "远程协商") > _score("远成协商", "视频远程协商")
    # a missing character: 委员家 is 委员之家 before 政协委员
    assert _score("委员家", "委员之家") > _score("委员家", "政协委员") > 0


def test_pinyin_and_initials() -> None:
    assert _score("yuanchengxieshang", "远程协商") == 100
    assert _score("yuán chéng xié shāng", "远程协商") == 100
    assert 100 > _score("yuanchengxieshang", "视频远程协商") >= fuzzy.CONTAINS
    assert _score("yuanchenxieshang", "远程协商") > fuzzy.DEFAULT_MIN_SCORE  # a slip in the letters
    assert _score("ycxs", "远程协商") == fuzzy.INITIALS
    assert fuzzy.INITIALS > _score("ycxs", "视频远程协商") >= fuzzy.CONTAINS
    assert _score("xs", "协商") == fuzzy.INITIALS
    assert _score("xs", "远程协商") < fuzzy.CONTAINS  # two letters inside longer initials: chance


def test_ties_go_to_the_more_frequent_then_shorter_term() -> None:
    p = fuzzy.probe("ycxs", {})
    ranked = fuzzy.rank(
        p,
        [("远程协商", "yuan cheng xie shang", "ycxs", 6), ("有持续税", "you chi xu shui", "ycxs", 9)],
    )
    assert [term for _, term, _ in ranked] == ["有持续税", "远程协商"]


# --- the command line -------------------------------------------------------------------


def _terms(out: dict[str, list[dict[str, object]]]) -> list[object]:
    return [m["term"] for m in out["matches"]]


def test_fuzzy_ranks_the_term_first_then_longer_terms(seeded: Cli) -> None:
    out = seeded.json("fuzzy", "远程协商")
    assert out["query"] == "远程协商"
    first = out["matches"][0]
    assert first == {"term": "远程协商", "score": 100.0, "count": 6, "docs": [1]}
    containing = [m for m in out["matches"] if "远程协商" in m["term"] and m["term"] != "远程协商"]
    assert "视频远程协商" in [m["term"] for m in containing]
    scores = [m["score"] for m in out["matches"]]
    assert scores == sorted(scores, reverse=True)
    assert all(m["score"] >= fuzzy.CONTAINS for m in containing)


@pytest.mark.parametrize(
    "query", ["远成协商", "遠程協商", "yuanchengxieshang", "yuan cheng xie shang", "ycxs", "yuanchngxieshang"]
)
def test_fuzzy_finds_the_term_as_people_remember_it(seeded: Cli, query: str) -> None:
    assert "远程协商" in _terms(seeded.json("fuzzy", query))[:3]


def test_fuzzy_missing_character(seeded: Cli) -> None:
    assert _terms(seeded.json("fuzzy", "委员家"))[0] == "委员之家"


def test_fuzzy_options(seeded: Cli, tmp_path: Path) -> None:
    assert len(seeded.json("fuzzy", "协商", "--limit", "3")["matches"]) == 3
    assert all(m["score"] >= 95 for m in seeded.json("fuzzy", "远程协商", "--min-score", "95")["matches"])
    # --doc: terms of that document only, counted there
    path = tmp_path / "hunan.txt"
    path.write_text(HUNAN, encoding="utf-8")
    seeded("ingest", str(path))
    (match,) = [m for m in seeded.json("fuzzy", "五重百项")["matches"] if m["term"] == "五重百项"]
    assert match["docs"] == [2]
    out = seeded.json("fuzzy", "五重百项", "--doc", "株洲", code=None)
    assert "五重百项" not in _terms(out)
    both = seeded.json("fuzzy", "习近平")["matches"][0]
    assert both["term"] == "习近平" and both["docs"] == [1, 2]
    only = seeded.json("fuzzy", "习近平", "--doc", "2")["matches"][0]
    assert only["docs"] == [2] and only["count"] < both["count"]


def test_fuzzy_nothing_close_and_bad_input(seeded: Cli) -> None:
    assert seeded.json("fuzzy", "量子纠缠", code=1) == {"query": "量子纠缠", "matches": []}
    result = seeded("fuzzy", "   ", code=2)
    assert "Error: the query is empty" in result.stderr
    result = seeded("fuzzy", "协商", "--doc", "上海", code=2)
    assert "Error: no document matches" in result.stderr


def test_fuzzy_human_table(seeded: Cli) -> None:
    result = seeded("fuzzy", "远成协商")
    assert "远程协商" in result.stdout and "85.5" in result.stdout


def test_search_without_hits_suggests_terms(seeded: Cli) -> None:
    out = seeded.json("search", "远成协商", "--exact", code=1)
    assert out["total"] == 0 and out["hits"] == []
    assert out["suggestions"][0] == {"term": "远程协商", "score": 85.5, "count": 6}
    result = seeded("search", "远成协商", "--exact", code=1)
    assert result.stdout == ""
    assert "Did you mean: 远程协商 (6)" in result.stderr
    # a search with hits has no suggestions key
    assert "suggestions" not in seeded.json("search", "远程协商")


def test_search_fuzzy_returns_approximate_paragraphs(seeded: Cli) -> None:
    exact = seeded.json("search", "远程协商", "-n", "0")
    out = seeded.json("search", "远成协商", "--fuzzy", "-n", "0")
    assert out["total"] == out["approximate"] == exact["total"] == 3
    assert {h["ref"] for h in out["hits"]} == {h["ref"] for h in exact["hits"]}
    for hit in out["hits"]:
        # as similar as the term `zxkb fuzzy 远成协商` ranks first
        assert hit["approximate"] is True and hit["variant"] == "远程协商" and hit["similarity"] == 85.5
        start, end = hit["highlights"][0]
        assert hit["snippet"][start:end] == "远程协商"
    # exact hits come first and are not marked
    both = seeded.json("search", "委员之家", "--fuzzy", "-n", "0")
    assert both["approximate"] == 0 and all(h["approximate"] is False for h in both["hits"])
    human = seeded("search", "委员家", "--fuzzy")
    assert "≈ 委员之家" in human.stdout


def test_search_in_pinyin(seeded: Cli) -> None:
    assert seeded.json("search", "ycxs", code=1)["suggestions"][0]["term"] == "远程协商"
    # several pinyin words are also tried together
    assert seeded.json("search", "yuan", "cheng", "xie", "shang", code=1)["suggestions"][0]["term"] == "远程协商"
    out = seeded.json("search", "yuanchengxieshang", "--fuzzy", "-n", "0")
    assert {h["variant"] for h in out["hits"]} == {"远程协商"} and out["total"] == 3


def test_search_fuzzy_keeps_filters_and_exclusions(seeded: Cli) -> None:
    refs = {h["ref"] for h in seeded.json("search", "远成协商", "--fuzzy", "-n", "0")["hits"]}
    only = seeded.json("search", "远成协商", "--fuzzy", "--section", "三", "-n", "0")["hits"]
    assert {h["ref"] for h in only} < refs and all(h["section"].startswith("三") for h in only)
    hits = seeded.json("search", "远成协商", "--fuzzy", "-n", "0")["hits"]
    without = seeded.json("search", "--fuzzy", "-n", "0", "--", "远成协商", "-政协云")["hits"]
    assert {h["ref"] for h in without} == {h["ref"] for h in hits if "政协云" not in h["text"]} != refs


# --- the store: incremental, removable, rebuilt when stale ---------------------------------


def _vocabulary(db: Path) -> dict[str, tuple[int, int]]:
    terms, _ = vocabulary_dump(db)
    return {term: (count, ndocs) for term, _, _, count, ndocs in terms}


def test_vocabulary_grows_and_shrinks_with_documents(seeded: Cli, tmp_path: Path, _isolated_db: Path) -> None:
    alone = _vocabulary(_isolated_db)
    path = tmp_path / "hunan.txt"
    path.write_text(HUNAN, encoding="utf-8")
    seeded("ingest", str(path))
    together = _vocabulary(_isolated_db)
    shared = "习近平"
    assert together[shared][1] == 2 and together[shared][0] > alone[shared][0]
    assert "五重百项" in together and "五重百项" not in alone

    conn = connection.connect(_isolated_db, write=True)
    with connection.transaction(conn):
        termstore.remove_document_terms(conn, 2)
    assert _vocabulary(_isolated_db) == alone
    with connection.transaction(conn):
        termstore.add_document_terms(conn, 2, [textnorm.fold(HUNAN)], [])
    documents.remove_documents(conn, [2])  # as zxkb rm: the document and its terms
    assert _vocabulary(_isolated_db) == alone


def test_stale_vocabulary_is_rebuilt_by_upgrade_not_by_a_read(seeded: Cli, _isolated_db: Path) -> None:
    before = _vocabulary(_isolated_db)
    conn = sqlite3.connect(_isolated_db)
    with conn:
        conn.execute("DELETE FROM terms")
        conn.execute("DELETE FROM doc_terms")
        conn.execute("DELETE FROM meta WHERE key = 'vocab_version'")
    conn.close()
    assert _vocabulary(_isolated_db) == {}
    # a close term needs the vocabulary (the string itself would be found in the paragraphs)
    stale = seeded("fuzzy", "远成协商", code=1)
    assert "Warning: the vocabulary was made by another version" in stale.stderr and "zxkb upgrade" in stale.stderr
    assert _vocabulary(_isolated_db) == {}  # a read never writes
    assert seeded.json("upgrade")["vocabulary_updated"] is True
    assert seeded.json("fuzzy", "远成协商")["matches"][0]["term"] == "远程协商"
    assert _vocabulary(_isolated_db) == before


def test_cli_default_min_score_is_the_library_one() -> None:
    import typer

    from zxkb.cli.app import app

    command = typer.main.get_command(app).commands["fuzzy"]  # type: ignore[attr-defined]
    (param,) = [p for p in command.params if p.name == "min_score"]
    assert param.default == fuzzy.DEFAULT_MIN_SCORE


@pytest.mark.parametrize("missing", [None, "TRIGGER documents_delete_terms"])
def test_a_version_2_database_gets_its_vocabulary_rebuilt(cli: Cli, tmp_path: Path, missing: str | None) -> None:
    """Migration 3 replaced the (term, document) rows by blobs and an index of
    term ids; a database written before it keeps its reports and gets the same
    vocabulary as a new one, rebuilt by zxkb upgrade (a read says it is needed
    and changes nothing). Also one made by a draft of migration 2 that lacked a
    trigger (the benchmark had one)."""
    from zxkb.store import schema

    cli("ingest", str(SEED), "--db", str(tmp_path / "new.db"))
    new = vocabulary_dump(tmp_path / "new.db")
    old = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    for script in schema.MIGRATIONS[:2]:
        old.executescript(script)
    old.execute("ATTACH ? AS new", (str(tmp_path / "new.db"),))
    for table in ("documents", "sections", "paragraphs"):  # the columns of version 2 (later ones added some)
        cols = ", ".join(row[1] for row in old.execute(f"PRAGMA main.table_info({table})"))
        old.execute(f"INSERT INTO main.{table} ({cols}) SELECT {cols} FROM new.{table}")
    old.execute("INSERT INTO term_docs VALUES (1, 1, 6)")  # a row of the old layout
    old.execute("INSERT INTO meta VALUES ('vocab_version', 'old'), ('norm_version', '0')")  # index them on open
    old.execute("DETACH new")
    if missing:
        old.execute(f"DROP {missing}")
    old.execute("PRAGMA user_version = 2")
    old.close()
    before = (tmp_path / "old.db").read_bytes()
    refused = cli("fuzzy", "远程协商", "--db", str(tmp_path / "old.db"), code=2)
    assert "made by an older zxkb (schema 2" in refused.stderr and "Hint: run: zxkb upgrade" in refused.stderr
    assert (tmp_path / "old.db").read_bytes() == before
    cli("upgrade", "--db", str(tmp_path / "old.db"))
    out = cli.json("fuzzy", "远程协商", "--db", str(tmp_path / "old.db"))
    assert out["matches"][0] == {"term": "远程协商", "score": 100.0, "count": 6, "docs": [1]}
    assert vocabulary_dump(tmp_path / "old.db") == new
    assert cli.json("search", "远程协商", "--db", str(tmp_path / "old.db"))["total"] > 0
