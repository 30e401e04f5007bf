"""Family `queries`: hostile arguments and option values for the read commands
(and ingest's options), against a copy of the seed database. Every read command
must leave the database as it was."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from harness import DATA_LOST, Arg, Case, Ctx, listing, sha

FAMILY = "queries"
BIG = str(2**64)
BIGGER = str(2**70)
DIGITS_5000 = "9" * 5000
ANY = (0, 1, 2)


def _pos(argv: Sequence[Arg]) -> list[Arg]:
    """Positional arguments after `--` when one starts with '-'."""
    starts = any((a[:1] == b"-") if isinstance(a, bytes) else a.startswith("-") for a in argv)
    return ["--", *argv] if starts else list(argv)


def read_case(
    name: str,
    command: str,
    positional: Sequence[Arg] = (),
    options: Sequence[Arg] = (),
    expect: Iterable[int] = ANY,
    *,
    quick: bool = False,
) -> Case:
    expect_t = tuple(expect)

    def fn(ctx: Ctx) -> None:
        db = ctx.base_db()
        before, files = sha(db), listing(ctx.dir)
        out = ctx.run([command, "--db", str(db), *options, *_pos(positional)], expect_t)
        if not out.hung:  # a killed reader leaves -wal/-shm: that is the hang, not a write
            ctx.read_only_check(db, before, files, out)

    return Case(FAMILY, name, fn, quick=quick)


def rm_case(name: str, ref: Arg, expect: Iterable[int] = (2,)) -> Case:
    expect_t = tuple(expect)

    def fn(ctx: Ctx) -> None:
        db = ctx.base_db()
        out = ctx.run(["rm", "--db", str(db), *_pos([ref])], expect_t)
        docs = ctx.docs(db)
        if out.code != 0 and docs is not None and not any(d.get("id") == 1 for d in docs):
            ctx.fail(DATA_LOST, "rm failed yet the seed document is gone", out)
        elif out.code == 0 and docs is not None and not docs:
            ctx.fail(DATA_LOST, f"rm {ref!r} (not a document id) removed every document", out)

    return Case(FAMILY, name, fn)


def ingest_option_case(
    name: str, options: Sequence[Arg], expect: Iterable[int], *, quick: bool = False, what: str = "seed"
) -> Case:
    """ingest with a hostile option value into a copy of the seed db: nothing stored may be lost."""
    expect_t = tuple(expect)

    def fn(ctx: Ctx) -> None:
        from builders import gbk_folder_files, variant

        db = ctx.base_db()
        before = ctx.docs(db) or []
        if what == "gbk-folder":  # enough text (> 2 MB) for zxkb to use worker processes
            folder = ctx.dir / "gbk"
            folder.mkdir()
            files = gbk_folder_files(2_600_000)
            if not files:
                ctx.skip("no /work/shared/corpus/state-council-gbk")
                return
            for p in files:
                (folder / p.name).write_bytes(p.read_bytes())
            target = folder
        else:
            target = ctx.dir / "report.txt"
            target.write_text(variant(7), encoding="utf-8")
        out = ctx.run(
            ["ingest", "--db", str(db), *options, str(target), "--json"],
            expect_t,
            slow=15 if what == "gbk-folder" else None,
        )
        ctx.check_base_kept(db, before)
        ctx.check_integrity(db)
        del out

    return Case(FAMILY, name, fn, quick=quick)


def cases() -> list[Case]:
    out: list[Case] = []
    add = out.append

    # -- the query strings: each to search (human and --json) and to fuzzy; some also to search --fuzzy
    hostile: list[tuple[str, Arg]] = []
    for label, raw in (
        ("xff", b"\xff"),
        ("c3-28", b"\xc3\x28"),
        ("encoded-surrogate", b"\xed\xa0\x80"),
        ("cut-multibyte", "协".encode()[:2]),
        ("term-then-xfe", "协商".encode() + b"\xfe"),
        ("overlong-slash", b"\xc0\xaf"),
        ("x80-run", b"\x80\x81\x82"),
    ):
        hostile.append((f"invalid-utf8-{label}", os.fsdecode(raw).encode("utf-8", "surrogateescape")))
    for c in [*range(1, 32), 127]:
        hostile.append((f"ctrl-{c:02x}", f"协{chr(c)}商"))
    hostile.append(("ctrl-alone-01", "\x01"))
    hostile.append(("ctrl-esc-title", "\x1b]0;pwned\x07"))
    hostile.append(("ctrl-esc-clear", "协商\x1b[2J"))
    hostile.append(("c1-csi", "协商\u009b2J"))
    for label, ch in (
        ("rlo", "\u202e"),
        ("lro", "\u202d"),
        ("rlm", "\u200f"),
        ("lrm", "\u200e"),
        ("zwsp", "\u200b"),
        ("zwnj", "\u200c"),
        ("zwj", "\u200d"),
        ("wj", "\u2060"),
        ("bom", "\ufeff"),
        ("lri", "\u2066"),
        ("pdi", "\u2069"),
        ("alm", "\u061c"),
        ("shy", "\u00ad"),
        ("ideographic-space", "\u3000"),
    ):
        hostile.append((f"bidi-{label}-alone", ch))
        hostile.append((f"bidi-{label}-inside", f"协{ch}商"))
    for label, q in (
        ("empty", ""),
        ("space", " "),
        ("tab", "\t"),
        ("newline", "\n"),
        ("spaces", "   "),
        ("op-OR", "OR"),
        ("op-dash", "-"),
        ("op-dashdash", "--"),
        ("op-dash-OR", "-OR"),
        ("op-OR-OR", "OR OR"),
        ("op-trailing-OR", "协商 OR"),
        ("op-leading-OR", "OR 协商"),
        ("op-NOT", "NOT"),
        ("op-AND", "AND"),
        ("op-NEAR", "NEAR"),
        ("op-NEAR-call", "NEAR(协商 监督)"),
        ("op-star", "*"),
        ("op-prefix-star", "协商*"),
        ("op-caret", "^协商"),
        ("op-plus", "+"),
        ("op-pipe", "|"),
        ("op-colon", ":"),
        ("op-column", "{body}:协商"),
        ("op-colon-term", "body:协商"),
        ("op-only-exclusion", "-协商"),
        ("op-double-dash-term", "--协商"),
        ("op-dashes", "---"),
        ("op-dash-space", "- -"),
        ("op-trailing-dash", "协商 -"),
        ("op-OR-exclusion", "协商 OR -监督"),
        ("op-exclude-phrase", '协商 -"监督"'),
        ("quote-lone", '"'),
        ("quote-empty", '""'),
        ("quote-triple", '"""'),
        ("quote-open", '"协商'),
        ("quote-close", '协商"'),
        ("quote-space", '" "'),
        ("apostrophe", "'"),
        ("apostrophes", "''"),
        ("paren-open", "("),
        ("paren-close", ")"),
        ("parens", "()"),
        ("paren-term", "(协商"),
        ("term-paren", "协商)"),
        ("bracket-open", "["),
        ("bracket-close", "]"),
        ("rich-tag", "[bold]"),
        ("rich-close", "[/]"),
        ("rich-markup", "[bold red]协商[/]"),
        ("brace-open", "{"),
        ("brace-close", "}"),
        ("fullwidth-quote", "“协商"),
        ("book-title", "《"),
        ("corner", "」"),
        ("backslash", "\\"),
        ("backslash-quote", '\\"'),
        ("percent", "%"),
        ("underscore", "_"),
        ("like", "%协商%"),
        ("sql", "'; DROP TABLE paragraphs; --"),
        ("sql-or", "1' OR '1'='1"),
        ("number-5000-digits", DIGITS_5000),
        ("number-2-64", BIG),
        ("emoji", "🀄️👨‍👩‍👧"),
        ("combining", "协\u0301\u0302\u0303商"),
        ("private-use", "\ue000\uf8ff"),
        ("nonchar", "\ufffe\uffff"),
        ("astral-han", "𠀀𪚥"),
    ):
        hostile.append((label, q))

    fuzzy_also = {
        "invalid-utf8-xff",
        "invalid-utf8-term-then-xfe",
        "ctrl-1b",
        "ctrl-esc-title",
        "bidi-zwsp-inside",
        "bidi-rlo-alone",
        "empty",
        "space",
        "op-OR",
        "quote-lone",
        "rich-markup",
        "sql",
        "number-5000-digits",
        "emoji",
        "nonchar",
    }
    quick_names = {"invalid-utf8-xff", "ctrl-esc-title", "empty", "op-OR", "quote-open", "bidi-zwsp-inside"}
    for label, arg in hostile:
        add(read_case(f"search {label}", "search", [arg], quick=label in quick_names))
        add(read_case(f"search --json {label}", "search", [arg], ["--json"]))
        add(read_case(f"fuzzy {label}", "fuzzy", [arg], quick=label in quick_names))
        if label in fuzzy_also:
            add(read_case(f"search --fuzzy {label}", "search", [arg], ["--fuzzy", "--json"]))
    # a zero-width or bidi character inside a term is folded away: the term is still found
    add(read_case("search zwsp-inside finds", "search", ["协\u200b商"], ["--json"], (0,)))
    add(read_case("search fullwidth finds", "search", ["２０１９年"], ["--json"], (0, 1)))

    # -- too long, too many
    long_han = ("远程协商" * 9000)[:33_000]  # ~100 KB of UTF-8
    long_ascii = "a" * 100_000
    pinyin = ("yuanchengxieshang" * 6000)[:100_000]
    add(read_case("search 100KB han", "search", [long_han], expect=(2,), quick=True))
    add(read_case("search --fuzzy 100KB han", "search", [long_han], ["--fuzzy"], expect=(2,), quick=True))
    add(read_case("search --json 100KB ascii", "search", [long_ascii], ["--json"], expect=(2,)))
    add(read_case("search --fuzzy 100KB ascii", "search", [long_ascii], ["--fuzzy"], expect=(2,)))
    add(read_case("fuzzy 100KB pinyin", "fuzzy", [pinyin], expect=(2,), quick=True))
    add(read_case("fuzzy 100KB han", "fuzzy", [long_han], expect=(2,)))
    add(read_case("search 100KB pinyin", "search", [pinyin], expect=(2,)))
    words = [a + b for a in "政协委员会工作报告民主监督" for b in "发展改革开放创新协调绿色共享"]
    for n in (95, 120, 150, 200):
        add(
            read_case(
                f"search {n} exclusions", "search", ["协商", *(f"-{w}" for w in words[:n])], ["--json"], quick=n == 200
            )
        )
    add(read_case("search 200 OR", "search", [" OR ".join(words[:200])], ["--json"]))
    add(read_case("search 200 OR args", "search", [x for w in words[:200] for x in (w, "OR")][:-1], ["--json"]))
    add(read_case("search 1000 terms", "search", [w + str(i) for i, w in enumerate(words * 6)][:1000], ["--json"]))
    add(read_case("search 300 phrases", "search", [f'"{w}"' for w in (words * 3)[:300]], ["--json"]))
    many = [f"词{i}" for i in range(10_000)]
    add(read_case("search 10000 args", "search", many, expect=(2,), quick=True))
    add(read_case("search --fuzzy 10000 args", "search", many, ["--fuzzy"], expect=(2,)))
    add(read_case("fuzzy 10000 args", "fuzzy", many, expect=(2,)))
    add(read_case("show 10000 args", "show", many, expect=(2,)))
    add(read_case("search 10000 exclusions", "search", ["协商", *(f"-{w}" for w in many[:9999])], expect=(2,)))

    # -- numbers past 64 bits and other odd option values
    for value, label, exp in (
        (BIG, "2^64", (0, 2)),
        (BIGGER, "2^70", (0, 2)),
        (str(2**63), "2^63", (0, 2)),
        ("-1", "-1", (2,)),
        (DIGITS_5000, "5000 digits", (0, 2)),
        ("1e3", "1e3", (0, 2)),
        ("0x10", "0x10", (0, 2)),
        ("nan", "nan", (2,)),
        ("", "empty", (2,)),
        (" 5", "space 5", (0, 2)),
        ("٣", "arabic digit", (0, 2)),
    ):
        add(read_case(f"search --limit {label}", "search", ["协商"], ["--limit", value], exp, quick=label == "2^64"))
        add(read_case(f"fuzzy --limit {label}", "fuzzy", ["ycxs"], ["--limit", value], exp))
    for value, label in (
        (BIG, "2^64"),
        (DIGITS_5000, "5000 digits"),
        ("0", "0"),
        ("-1", "-1"),
        ("", "empty"),
        ("%", "percent"),
        ("_", "underscore"),
        ("1 OR 1=1", "sql"),
        (os.fsdecode(b"\xff"), "xff"),
        ("\x1b]0;pwned\x07", "escape"),
        ("1e3", "1e3"),
        ("１", "fullwidth 1"),
    ):
        add(read_case(f"search --doc {label}", "search", ["协商"], ["--doc", value], ANY, quick=label == "2^64"))
        add(read_case(f"fuzzy --doc {label}", "fuzzy", ["ycxs"], ["--doc", value], ANY))
        add(read_case(f"list --doc {label}", "list", [], ["--doc", value], (0, 2)))
        add(read_case(f"export --doc {label}", "export", [], ["--doc", value], (0, 2)))
    for value, label in (
        ("1.0", "1.0"),
        ("0.0", "0.0"),
        ("1000", "1000"),
        ("0", "0"),
        ("-1", "-1"),
        ("1.1.1", "1.1.1"),
        (DIGITS_5000, "5000 digits"),
        (BIG, "2^64"),
        (BIG + "." + BIG, "2^64.2^64"),
        ("二(", "open paren"),
        ("(一)", "sub only"),
        ("二(一百)", "sub 100"),
        ("一百", "一百"),
        ("", "empty"),
        (os.fsdecode(b"\xff"), "xff"),
        ("1e3", "1e3"),
        ("2.1", "2.1 (valid)"),
        ("二(一)", "二(一) (valid)"),
        ("１.１", "fullwidth"),
        ("..", "dots"),
    ):
        add(
            read_case(
                f"search --section {label}",
                "search",
                ["协商"],
                ["--section", value],
                ANY,
                quick=label in ("1.0", "2^64"),
            )
        )
        add(read_case(f"list --section {label}", "list", [], ["--section", value], (0, 2)))
    for ref, label in (
        ("1:" + BIG, "1:2^64"),
        (BIG + ":1", "2^64:1"),
        (DIGITS_5000 + ":1", "5000digits:1"),
        ("1:" + DIGITS_5000, "1:5000digits"),
        ("1:0", "1:0"),
        ("0:0", "0:0"),
        ("-1:1", "-1:1"),
        ("1:-1", "1:-1"),
        ("1", "no colon"),
        (":", "colon"),
        ("", "empty"),
        ("1:1:1", "1:1:1"),
        ("a:b", "a:b"),
        ("1:1.5", "1:1.5"),
        ("１:１２", "fullwidth"),
        ("1：12", "fullwidth colon"),
        (os.fsdecode(b"\xff:1"), "xff"),
        ("\x1b[2J", "escape"),
        ("1:12 ", "trailing space"),
        ("株洲:12", "title:12"),
    ):
        add(read_case(f"show {label}", "show", [ref], [], (0, 2), quick=label == "1:2^64"))
    for value, label in (
        (BIG, "2^64"),
        (DIGITS_5000, "5000 digits"),
        ("-1", "-1"),
        ("1000000", "10^6"),
        ("nan", "nan"),
    ):
        add(read_case(f"show -C {label}", "show", ["1:12"], ["-C", value], (0, 2), quick=label == "2^64"))
    for value, label in (
        ("", "empty"),
        ("bogus", "bogus"),
        ("BODY", "BODY"),
        (os.fsdecode(b"\xff"), "xff"),
        ("chrome", "chrome"),
        ("duplicate", "duplicate"),
        ("body,front", "comma list"),
    ):
        add(read_case(f"export --kind {label}", "export", [], ["--kind", value], (0, 2)))
    for value, label in (
        ("nan", "nan"),
        ("inf", "inf"),
        ("-1", "-1"),
        ("101", "101"),
        (DIGITS_5000, "5000 digits"),
        ("1e309", "1e309"),
    ):
        add(read_case(f"fuzzy --min-score {label}", "fuzzy", ["ycxs"], ["--min-score", value], (2,)))
    for ref, label in (
        (BIG, "2^64"),
        (DIGITS_5000, "5000 digits"),
        ("", "empty"),
        ("%", "percent"),
        (os.fsdecode(b"\xff"), "xff"),
        ("0", "0"),
        ("-1", "-1"),
        ("1.0", "1.0"),
    ):
        add(rm_case(f"rm {label}", ref, (2,) if label not in ("1.0",) else (0, 2)))

    # -- --db values
    for value, label in (
        ("~nouser/x.db", "~nouser"),
        ("", "empty"),
        ("/", "root folder"),
        (".", "dot"),
        ("/dev/null", "/dev/null"),
        ("no/such/folder/x.db", "missing folder"),
        (os.fsdecode(b"\xff.db"), "xff name"),
        ("x" * 5000 + ".db", "5000-char name"),
        ("file:x.db?mode=rwc", "sqlite URI"),
        (":memory:", ":memory:"),
    ):
        for cmd, pos in (
            ("search", ["协商"]),
            ("docs", []),
            ("list", []),
            ("fuzzy", ["ycxs"]),
            ("show", ["1:1"]),
            ("export", []),
        ):
            add(db_value_case(f"{cmd} --db {label}", cmd, value, pos, quick=cmd == "search" and label == "~nouser"))
        add(db_ingest_case(f"ingest --db {label}", value))

    # -- ingest's options
    for enc, exp in (
        ("rot13", (2,)),
        ("base64", (2,)),
        ("zlib", (2,)),
        ("nonsense", (2,)),
        ("hex", (2,)),
        ("bz2", (2,)),
        ("uu", (2,)),
        ("undefined", (2,)),
        ("", (0, 2)),
        ("utf-16", (0, 2)),
        ("idna", (0, 2)),
        ("punycode", (0, 2)),
        ("unicode_escape", (0, 2)),
        ("utf-8-sig", (0,)),
        ("gbk", (0, 2)),
        ("UTF8", (0,)),
        ("mbcs", (2,)),
        ("quopri", (2,)),
    ):
        add(
            ingest_option_case(
                f"ingest --encoding {enc or 'empty'}", ["--encoding", enc], exp, quick=enc in ("rot13", "base64")
            )
        )
    for size, exp in (
        ("nan", (2,)),
        ("inf", (0, 2)),
        ("-inf", (2,)),
        ("-1", (2,)),
        ("0", (2,)),
        ("1e309", (0, 2)),
        ("-0", (2,)),
        ("1e-9", (2,)),
        ("abc", (2,)),
        (DIGITS_5000, (0, 2)),
    ):
        label = "5000 digits" if size == DIGITS_5000 else size
        add(ingest_option_case(f"ingest --max-size {label}", ["--max-size", size], exp, quick=size == "nan"))
    for jobs, exp in (("0", (2,)), ("-1", (2,)), (BIG, (0, 2)), (DIGITS_5000, (0, 2))):
        label = "5000 digits" if jobs == DIGITS_5000 else jobs
        add(ingest_option_case(f"ingest --jobs {label}", ["--jobs", jobs], exp))
    add(ingest_option_case("ingest --jobs 10000 (pool)", ["--jobs", "10000"], (0, 2), what="gbk-folder"))
    for opt, value in (
        ("--text-field", ""),
        ("--text-field", os.fsdecode(b"\xff")),
        ("--title-field", ""),
        ("--text-field", "__proto__"),
    ):
        add(ingest_option_case(f"ingest {opt} {value!r}", [opt, value], (0, 2)))
    return out


def db_value_case(name: str, command: str, value: str, positional: Sequence[Arg], *, quick: bool = False) -> Case:
    def fn(ctx: Ctx) -> None:
        files = listing(ctx.dir)
        out = ctx.run([command, "--db", value, *_pos(positional)], (2,))
        new = listing(ctx.dir) - files
        if new:
            ctx.fail("read_wrote_db", "a read command created files: " + ", ".join(sorted(new)[:5]), out)

    return Case(FAMILY, name, fn, quick=quick)


def db_ingest_case(name: str, value: str) -> Case:
    def fn(ctx: Ctx) -> None:
        from builders import variant

        src = ctx.dir / "r.txt"
        src.write_text(variant(3), encoding="utf-8")
        # a path zxkb may create (relative, so inside the case's folder): 0 or 2; the others 2
        creatable = ("~nouser/x.db", os.fsdecode(b"\xff.db"), ":memory:", "no/such/folder/x.db", "file:x.db?mode=rwc")
        expect = (0, 2) if value in creatable else (2,)
        ctx.run(["ingest", "--db", value, str(src), "--json"], expect)

    return Case(FAMILY, name, fn)
