"""Family `files`: hostile report files, each ingested alone (into a copy of the seed
database: what was stored must stay) and as the one bad file in a folder of 19 good
copies of the seed (the 19 must be stored, the bad one reported, exit 2 if it failed).
Then terminal escapes and Rich markup in titles, file names and text."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import builders as b
from harness import BAD_JSON, DATA_LOST, INCONSISTENT, MARKUP_SHOWN, SETUP, WRONG_EXIT, Case, Ctx, han

FAMILY = "files"
GOOD = 19


@dataclass
class BadFile:
    name: str
    make: Callable[[Ctx, Path], Path]  # writes the bad file into the folder; returns its path
    expect: tuple[int, ...] = (0, 2)
    options: list[str] = field(default_factory=list)
    text: Callable[[], str] | None = None  # the text that must be there in full if it is stored
    markers: list[str] = field(default_factory=list)  # terms of reports in the file that must be stored
    quick: bool = False
    root_skip: str | None = None  # why the case means nothing when run as root
    folder: bool = True
    must_report: bool = True  # False for what is not a regular file (FIFO, symlinks): skipping it silently is fine


def _write(name: str | bytes, data: bytes | str | Callable[[], bytes | str]) -> Callable[[Ctx, Path], Path]:
    def make(ctx: Ctx, folder: Path) -> Path:
        payload = data() if callable(data) else data
        raw = payload.encode("utf-8") if isinstance(payload, str) else payload
        path = Path(os.fsdecode(name)) if isinstance(name, bytes) else Path(name)
        dest = folder / path
        dest.write_bytes(raw)
        return dest

    return make


def _from_fixture(name: str, key: str, build: Callable[[Path], None]) -> Callable[[Ctx, Path], Path]:
    """A file that is costly to make (the zip bombs): made once, copied where needed."""

    def make(ctx: Ctx, folder: Path) -> Path:
        def once() -> Path:
            where = ctx.h.tmp / "fixtures" / key
            where.parent.mkdir(parents=True, exist_ok=True)
            build(where)
            return where

        src: Path = ctx.h.fixture(key, once)
        dest = folder / name
        shutil.copyfile(src, dest)
        return dest

    return make


def _special(name: str, kind: str) -> Callable[[Ctx, Path], Path]:
    def make(ctx: Ctx, folder: Path) -> Path:
        dest = folder / name
        if kind == "fifo":
            os.mkfifo(dest)
        elif kind == "devzero":
            os.symlink("/dev/zero", dest)
        elif kind == "dangling":
            os.symlink(folder / "no-such-file.txt", dest)
        elif kind == "loop":
            os.symlink(".", dest)
        elif kind == "sparse":
            with dest.open("wb") as f:
                f.write(b.variant(501).encode("utf-8"))
                f.truncate(60 * 1024 * 1024)
        elif kind == "unreadable-file":
            dest.write_text(b.variant(502), encoding="utf-8")
            dest.chmod(0)
        elif kind == "unreadable-folder":
            dest.mkdir()
            (dest / "inner.txt").write_text(b.variant(503), encoding="utf-8")
            dest.chmod(0)
        return dest

    return make


def _marked_records(prefix: str, n: int) -> list[tuple[str, str, str]]:
    """(title, text, marker) for n reports, each with a unique searchable marker."""
    digits = "零一二三四五六七八九"
    out = []
    for i in range(n):
        marker = f"{prefix}标记{digits[i % 10]}{digits[i // 10 % 10]}号"
        out.append((f"第{i + 1}份报告", b.with_marker(marker, 600 + i), marker))
    return out


def _jsonl_broken() -> tuple[bytes, list[str]]:
    recs = _marked_records("断行", 5)
    lines = [json.dumps({"title": t, "content": c}, ensure_ascii=False) for t, c, _ in recs]
    lines.insert(3, '{"title": "坏行", "content": "未闭合')
    return ("\n".join(lines) + "\n").encode("utf-8"), [m for _, _, m in recs]


def _jsonl_surrogate() -> tuple[bytes, list[str]]:
    recs = _marked_records("代理", 3)
    lines = [json.dumps({"title": t, "content": c}, ensure_ascii=False) for t, c, _ in recs]
    lines[1] = lines[1].replace("。", "\\ud800。", 1)
    return ("\n".join(lines) + "\n").encode("utf-8"), [recs[0][2], recs[2][2]]


def _gbk_damaged() -> bytes:
    src = b.gbk_file()
    if src is None:
        return b""
    raw = bytearray(src.read_bytes())
    raw[len(raw) // 2] = 0xFF
    return bytes(raw)


def _gbk_text() -> str:
    return _gbk_damaged().decode("gbk", "replace")


def _docx_truncated(keep: float | int) -> Callable[[], bytes]:
    def make() -> bytes:
        whole = b.docx_bytes(b.body_lines())
        n = int(len(whole) * keep) if isinstance(keep, float) else len(whole) - keep
        return whole[:n]

    return make


def _lines_text() -> str:
    return "\n".join(b.body_lines())


def _ol() -> str:
    items = "".join(f"<li>第{i}项工作任务已经全面完成</li>" for i in range(20_000))
    return b.html_page(f"<h1>工作报告</h1><ol>{items}</ol>")


def _ol_text() -> str:
    return "".join(f"第{i}项工作任务已经全面完成" for i in range(20_000))


def bad_files() -> list[BadFile]:
    jsonl_broken, broken_markers = _jsonl_broken()
    jsonl_sur, sur_markers = _jsonl_surrogate()
    huge_csv_marker = b.CSV_MARKER
    surrogate_json = json.dumps({"title": "孤立代理", "content": b.variant(510)}, ensure_ascii=False)
    surrogate_json = surrogate_json.replace("。", "\\ud800。", 1)
    return [
        BadFile("json nested 100000 deep", _write("bad-deep.json", "[" * 100_000 + "]" * 100_000), quick=True),
        BadFile("json object nested 100000 deep", _write("bad-deep-obj.json", '{"a":' * 100_000 + "1" + "}" * 100_000)),
        BadFile("json lone surrogate \\ud800", _write("bad-surrogate.json", surrogate_json), quick=True),
        BadFile(
            "json lone surrogate in title",
            _write("bad-surrogate-title.json", surrogate_json.replace("孤立代理", "孤立\\udfff代理")),
        ),
        BadFile("jsonl lone surrogate in one record", _write("bad-surrogate.jsonl", jsonl_sur), markers=sur_markers),
        BadFile(
            "jsonl one broken line",
            _write("bad-broken.jsonl", jsonl_broken),
            expect=(2,),
            markers=broken_markers,
            quick=True,
        ),
        BadFile(
            "json 10000 tiny records",
            _write("bad-many.json", json.dumps([{"content": f"短记录{i}"} for i in range(10_000)])),
        ),
        BadFile("json top-level string", _write("bad-string.json", '"只是一个字符串"')),
        BadFile(
            "docx good (control)",
            _write("control.docx", lambda: b.docx_bytes(b.body_lines())),
            expect=(0,),
            text=_lines_text,
            folder=False,
        ),
        BadFile("docx truncated at half", _write("bad-half.docx", _docx_truncated(0.5)), expect=(2,), quick=True),
        BadFile("docx without its last 100 bytes", _write("bad-tail.docx", _docx_truncated(100)), expect=(2,)),
        BadFile("docx that is not a zip", _write("bad-text.docx", b.seed_text()), expect=(2,)),
        BadFile(
            "docx zip bomb: 1 GB member",
            _from_fixture("bad-bomb-member.docx", "bomb-member.docx", lambda p: b.zip_bomb_docx(p, "member")),
        ),
        BadFile(
            "docx zip bomb: 1 GB of document.xml",
            _from_fixture("bad-bomb-doc.docx", "bomb-doc.docx", lambda p: b.zip_bomb_docx(p, "document")),
            quick=True,
        ),
        *[
            BadFile(
                f"html meta charset {cs}",
                _write(f"bad-charset-{i}.html", b.html_page(b.seed_as_html_paragraphs(), head=head)),
                text=_lines_text,
                quick=cs == "undefined",
            )
            for i, (cs, head) in enumerate(
                (
                    ("undefined", '<meta charset="undefined">'),
                    ("rot13", '<meta charset="rot13">'),
                    ("base64 (http-equiv)", '<meta http-equiv="Content-Type" content="text/html; charset=base64">'),
                    ("x-nonsense", '<meta charset="x-nonsense">'),
                    ("utf-16 on utf-8 bytes", '<meta charset="utf-16">'),
                )
            )
        ],
        BadFile(
            "html 300 unclosed <p><font>",
            _write("bad-unclosed.html", b.html_page("<p><font>" * 300 + b.seed_as_br_text())),
            text=_lines_text,
            quick=True,
        ),
        BadFile(
            "html 1000 unclosed <div><span>",
            _write("bad-unclosed-1000.html", b.html_page("<div><span>" * 1000 + b.seed_as_br_text())),
            text=_lines_text,
        ),
        BadFile(
            "html <div> nested 5000 deep (closed)",
            _write("bad-div.html", b.html_page("<div>" * 5000 + b.seed_as_br_text() + "</div>" * 5000)),
            text=_lines_text,
        ),
        BadFile("html <p>中 + 100000 newlines", _write("bad-newlines.html", "<p>中" + "\n" * 100_000)),
        BadFile(
            "html seed then <p>中 + 100000 newlines",
            _write("bad-newlines2.html", b.html_page(b.seed_as_html_paragraphs()) + "<p>中" + "\n" * 100_000),
            text=_lines_text,
        ),
        BadFile("html 225 KB of <!--", _write("bad-comments.html", "<!--" * 57_600), quick=True),
        BadFile(
            "txt seed then 225 KB of <!--",
            _write("bad-comments.txt", b.variant(520) + "\n" + "<!--" * 57_600 + "\n"),
            text=lambda: b.variant(520),
        ),
        BadFile("txt 1.5 MB of 作品 on one line", _write("bad-zuopin.txt", "作品" * 262_144), quick=True),
        BadFile("txt 1 MB ascii on one line", _write("bad-ascii.txt", "a" * 1_000_000)),
        BadFile(
            "md line of 100000 #",
            _write("bad-hashes.md", "#" * 100_000 + "\n\n" + b.variant(521)),
            text=lambda: b.variant(521),
        ),
        BadFile("html <ol> of 20000 <li>", _write("bad-ol.html", _ol), text=_ol_text),
        BadFile(
            "txt 50000 distinct quoted terms",
            _write("bad-quoted.txt", lambda: b.distinct_quoted_terms(50_000)),
            text=lambda: b.distinct_quoted_terms(50_000),
            quick=True,
        ),
        BadFile(
            "txt 20000 numbered headings",
            _write(
                "bad-headings.txt",
                "# 报告\n\n" + "".join(f"一、第{i}部分工作\n\n正文内容。\n\n" for i in range(20_000)),
            ),
        ),
        BadFile(
            "csv with one 1 MB field",
            _write("bad-huge.csv", lambda: b.csv_huge_field(1.0)),
            markers=[huge_csv_marker],
            quick=True,
        ),
        BadFile("csv with a NUL byte", _write("bad-nul.csv", "title,full_text\n坏,\x00" + b.variant(530) + "\n")),
        BadFile(
            "gbk with one damaged byte, --encoding gbk",
            _write("bad-gbk.txt", _gbk_damaged),
            options=["--encoding", "gbk"],
            text=_gbk_text,
            quick=True,
        ),
        BadFile("gbk with one damaged byte, detected", _write("bad-gbk2.txt", _gbk_damaged), text=_gbk_text),
        BadFile("gbk forced --encoding utf-8", _write("bad-gbk3.txt", _gbk_damaged), options=["--encoding", "utf-8"]),
        BadFile(
            "file name with byte \\xff",
            _write(b"bad-\xff.txt", b.variant(540)),
            expect=(0,),
            text=lambda: b.variant(540),
            quick=True,
        ),
        BadFile("file name with a newline", _write("bad-new\nline.txt", b.variant(541)), expect=(0,)),
        BadFile(
            "file name with terminal escapes", _write("bad-\x1b]0;pwned\x07-\x1b[2J.txt", b.variant(542)), expect=(0,)
        ),
        BadFile("empty file", _write("bad-empty.txt", b"")),
        BadFile("binary file as .txt", _write("bad-binary.txt", bytes(range(256)) * 256)),
        BadFile("NUL bytes inside a report", _write("bad-nul.txt", b.variant(543).replace("。", "。\x00", 5))),
        BadFile(
            "utf-16 without BOM",
            _write("bad-utf16.txt", b.variant(544).encode("utf-16-le")),
            text=lambda: b.variant(544),
        ),
        BadFile("FIFO named .txt", _special("bad-fifo.txt", "fifo"), quick=True, must_report=False),
        BadFile("symlink to /dev/zero named .txt", _special("bad-zero.txt", "devzero"), must_report=False),
        BadFile("dangling symlink", _special("bad-dangling.txt", "dangling"), must_report=False),
        BadFile("symlink loop (folder -> .)", _special("bad-loop", "loop"), must_report=False),
        BadFile("sparse 60 MB file (over --max-size)", _special("bad-sparse.txt", "sparse")),
        BadFile(
            "unreadable file (chmod 000)",
            _special("bad-unreadable.txt", "unreadable-file"),
            root_skip="running as root: chmod 000 does not stop root from reading",
        ),
        BadFile(
            "unreadable subfolder (chmod 000)",
            _special("bad-unreadable-dir", "unreadable-folder"),
            root_skip="running as root: chmod 000 does not stop root from reading",
        ),
    ]


def _report(out: Any) -> dict[str, Any] | None:
    try:
        data = out.json()
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _sources(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (key, str(item.get("source", "")))
        for key in ("ingested", "skipped", "errors")
        for item in report.get(key) or []
    ]


def _consistent(ctx: Ctx, out: Any, report: dict[str, Any] | None) -> None:
    if out.code not in (0, 2):
        return
    if report is None:
        if out.code == 2:
            ctx.fail(INCONSISTENT, "exit 2 with no JSON on stdout: the run stopped instead of reporting the file", out)
        return
    errors = report.get("errors") or []
    if errors and out.code == 0:
        ctx.fail(WRONG_EXIT, f"{len(errors)} file(s) in errors yet exit 0", out)
    if not errors and out.code == 2:
        ctx.fail(INCONSISTENT, "exit 2 with an empty errors list", out)


def _check_text(ctx: Ctx, db: Path, report: dict[str, Any] | None, spec: BadFile) -> None:
    """Stored documents are readable; with spec.text, the stored text is all there."""
    if report is None:
        return
    for item in report.get("ingested") or []:
        doc = item.get("doc")
        rows = ctx.export(db, doc)
        if rows is None:
            continue
        if spec.text is not None:
            want = han(spec.text())
            got = han("".join(str(r.get("text", "")) for r in rows))
            if want and got < 0.98 * want:
                ctx.fail(DATA_LOST, f"stored text of doc {doc} holds {got} of the file's {want} Han characters")


def _check_markers(ctx: Ctx, db: Path, markers: list[str]) -> None:
    for marker in markers:
        out = ctx.h.run(["search", "--db", str(db), marker, "--json", "--copies"], cwd=ctx.dir)
        if out.code != 0:
            ctx.fail(DATA_LOST, f"a good report in the file is not stored (search {marker} exits {out.code})", out)


def solo_case(spec: BadFile) -> Case:
    def fn(ctx: Ctx) -> None:
        if spec.root_skip and ctx.h.is_root:
            ctx.skip(spec.root_skip)
            return
        folder = ctx.dir / "in"
        folder.mkdir()
        db = ctx.base_db()
        before = ctx.docs(db) or []
        try:
            bad = spec.make(ctx, folder)
        except OSError as exc:
            ctx.fail(SETUP, f"could not make the input: {exc}")
            return
        out = ctx.run(["ingest", "--db", str(db), *spec.options, str(bad), "--json"], spec.expect)
        report = _report(out)
        _consistent(ctx, out, report)
        if not out.hung:
            ctx.check_base_kept(db, before)
            _check_text(ctx, db, report, spec)
            _check_markers(ctx, db, spec.markers)
            ctx.run(["docs", "--db", str(db)], (0,))
            ctx.check_integrity(db)
        _restore(folder)

    return Case(FAMILY, f"{spec.name} (alone)", fn, quick=spec.quick)


def _good_name(i: int) -> str:
    return f"{'a' if i <= 10 else 'z'}-good-{i:02d}.txt"


def folder_case(spec: BadFile) -> Case:
    def fn(ctx: Ctx) -> None:
        if spec.root_skip and ctx.h.is_root:
            ctx.skip(spec.root_skip)
            return
        folder = ctx.dir / "in"
        folder.mkdir()
        # the good copies in the encoding the case forces on every file (else UTF-8)
        encoding = spec.options[spec.options.index("--encoding") + 1] if "--encoding" in spec.options else "utf-8"
        for i in range(1, GOOD + 1):  # ten sort before the bad file, nine after
            (folder / _good_name(i)).write_bytes(b.variant(i).encode(encoding, "replace"))
        try:
            spec.make(ctx, folder)
        except OSError as exc:
            ctx.fail(SETUP, f"could not make the input: {exc}")
            return
        db = ctx.dir / "new.db"
        out = ctx.run(["ingest", "--db", str(db), *spec.options, str(folder), "--json"], spec.expect, slow=8)
        report = _report(out)
        _consistent(ctx, out, report)
        docs = ctx.docs(db) if db.exists() else []
        if docs is not None:
            good = {os.path.basename(str(d.get("source", ""))) for d in docs}
            n = sum(1 for i in range(1, GOOD + 1) if _good_name(i) in good)
            if n < GOOD:
                ctx.fail(DATA_LOST, f"only {n} of the {GOOD} good files were stored alongside the bad one", out)
            bodies = [d.get("source") for d in docs]
            if len(bodies) > len(set(bodies)):
                ctx.fail(DATA_LOST, "the same source stored twice", out)
        if report is not None:
            sources = _sources(report)
            if spec.must_report and not any("bad" in os.path.basename(s) or "/bad" in s for _, s in sources):
                ctx.fail(INCONSISTENT, "the bad file is in none of ingested / skipped / errors", out)
            if out.code == 0 and not report.get("ingested"):
                ctx.fail(BAD_JSON, "exit 0 but nothing ingested", out)
            _check_markers(ctx, db, spec.markers)
        ctx.check_integrity(db)
        _restore(folder)

    return Case(FAMILY, f"{spec.name} (in a folder of {GOOD} good)", fn, quick=spec.quick)


def _restore(folder: Path) -> None:
    """Give unreadable things their modes back so the temp folder can be removed."""
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            p = Path(root) / name
            if not p.is_symlink():
                with contextlib.suppress(OSError):
                    p.chmod(stat.S_IRWXU)
    try:
        for p in folder.iterdir():
            if p.is_dir() and not p.is_symlink():
                p.chmod(stat.S_IRWXU)
    except OSError:
        pass


# -- terminal escapes and Rich markup in what zxkb prints -----------------------------------------

ESC_TITLE = "中国人民政治协商会议\x1b]0;pwned\x07株洲市\x1b[2J委员会工作报告\u009b2J"
ESC_MARK = "独特标记"
MARKUP_MARK = "丙丁标记"
MARKUP = "[bold red]x[/]"
LINK = "[link=https://evil.example/]点此[/link]"
SGR = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


SEED_TITLE = "# 中国人民政治协商会议株洲市委员会常务委员会工作报告"


def _fixture_db(ctx: Ctx, which: str) -> tuple[Path, str]:
    """The seed db plus one report: `escapes` (escapes in its title, file name and text) or
    `markup` (Rich markup in its title, file name and text). Made once; each case copies it.
    Returns the db and the reference of the marked paragraph."""

    def build() -> tuple[Path, str]:
        folder = ctx.h.tmp / "fixtures" / which
        (folder / "in").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ctx.h.seed_db(), folder / "kb.db")
        if which == "escapes":
            mark = ESC_MARK
            text = b.with_marker(f"{ESC_MARK}\x1b]0;pwned\x07甲\x1b[2J乙\u009b2J丙", 801)
            text = text.replace(SEED_TITLE, f"# {ESC_TITLE}", 1)
            name = "esc-\x1b]0;pwned\x07-\x1b[2J.txt"
        else:
            mark = MARKUP_MARK
            text = b.with_marker(f"{MARKUP_MARK}{MARKUP}{LINK}", 802)
            text = text.replace(SEED_TITLE, f"# 报告{MARKUP}标题", 1)
            name = "markup[bold]x.txt"
        (folder / "in" / name).write_text(text, encoding="utf-8")
        out = ctx.h.run(["ingest", "--db", str(folder / "kb.db"), str(folder / "in"), "--json"], cwd=folder)
        if out.code != 0:
            ctx.note(f"{which} fixture ingest exited {out.code}")
        s = ctx.h.run(["search", "--db", str(folder / "kb.db"), mark, "--json"], cwd=folder)
        try:
            ref = str(s.json()["hits"][0]["ref"])
        except (ValueError, KeyError, IndexError, TypeError):
            ref = "2:1"
        return folder / "kb.db", ref

    result: tuple[Path, str] = ctx.h.fixture(f"{which}-db", build)
    return result


def _flat(data: bytes) -> str:
    return re.sub(r"\s+", "", SGR.sub(b"", data).decode("utf-8", "replace"))


def escape_cases() -> list[Case]:
    out: list[Case] = []

    def case(
        name: str,
        which: str,
        argv: Callable[[str], list[str]],
        use_pty: bool,
        *,
        expect: tuple[int, ...] = (0,),
        quick: bool = False,
    ) -> None:
        def fn(ctx: Ctx) -> None:
            src, ref = _fixture_db(ctx, which)
            db = ctx.dir / "kb.db"
            shutil.copyfile(src, db)
            args = argv(ref)
            res = ctx.run([args[0], "--db", str(db), *args[1:]], expect, use_pty=use_pty)
            if which == "markup" and not res.hung and "[boldred]x[/]" not in _flat(res.stdout):
                ctx.fail(MARKUP_SHOWN, f"Rich markup {MARKUP} in the report is not shown literally (interpreted)", res)

        out.append(Case(FAMILY, name, fn, quick=quick))

    for mode, use_pty in (("pty", True), ("pipe", False)):
        case(f"escapes: search ({mode})", "escapes", lambda r: ["search", ESC_MARK], use_pty, quick=use_pty)
        case(f"escapes: search --all ({mode})", "escapes", lambda r: ["search", "株洲市", "--all"], use_pty)
        case(f"escapes: show ({mode})", "escapes", lambda r: ["show", r], use_pty, quick=use_pty)
        case(f"escapes: docs ({mode})", "escapes", lambda r: ["docs"], use_pty, quick=use_pty)
        case(f"escapes: list ({mode})", "escapes", lambda r: ["list"], use_pty)
        case(f"escapes: fuzzy ({mode})", "escapes", lambda r: ["fuzzy", ESC_MARK], use_pty)
        case(
            f"escapes: a search without hits echoes the query ({mode})",
            "escapes",
            lambda r: ["search", "不存在的词\x1b]0;pwned\x07"],
            use_pty,
            expect=(1,),
        )
        case(f"markup: search ({mode})", "markup", lambda r: ["search", MARKUP_MARK], use_pty, quick=use_pty)
        case(f"markup: show ({mode})", "markup", lambda r: ["show", r], use_pty)
        case(f"markup: docs ({mode})", "markup", lambda r: ["docs"], use_pty)
        case(f"markup: list ({mode})", "markup", lambda r: ["list"], use_pty)
    case("escapes: search --json", "escapes", lambda r: ["search", ESC_MARK, "--json"], False)
    case("escapes: docs --json", "escapes", lambda r: ["docs", "--json"], False)
    case("escapes: export", "escapes", lambda r: ["export"], False)

    def ingest_case(name: str, use_pty: bool, as_json: bool) -> None:
        def fn(ctx: Ctx) -> None:
            src, _ = _fixture_db(ctx, "escapes")
            db = ctx.dir / "kb.db"
            shutil.copyfile(src, db)
            folder = src.parent / "in"
            # again (skipped: names printed), and a fresh file whose name and title hold escapes
            fresh = ctx.dir / "new-\x1b]0;pwned\x07-\x1b[2J.txt"
            fresh.write_text(b.variant(803).replace(SEED_TITLE, f"# {ESC_TITLE}", 1), encoding="utf-8")
            argv = ["ingest", "--db", str(db), str(folder), str(fresh)] + (["--json"] if as_json else [])
            ctx.run(argv, (0,), use_pty=use_pty)

        out.append(Case(FAMILY, name, fn, quick=use_pty and not as_json))

    ingest_case("escapes: ingest (pty)", True, False)
    ingest_case("escapes: ingest (pipe)", False, False)
    ingest_case("escapes: ingest --json (pipe)", False, True)
    return out


def cases() -> list[Case]:
    out: list[Case] = []
    for spec in bad_files():
        out.append(solo_case(spec))
        if spec.folder:
            out.append(folder_case(spec))
    out.extend(escape_cases())
    return out


__all__ = ["DATA_LOST", "cases"]
