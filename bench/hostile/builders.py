"""Hostile files, made in the temp folder at run time (nothing large is committed)."""

from __future__ import annotations

import html
import io
import json
import random
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SEED_CANDIDATES = (
    REPO / "db" / "zhuzhou-cppcc-2020.txt",
    REPO.parent / "shared" / "corpus" / "seed" / "zhuzhou-cppcc-2020.txt",
)
CORPUS = REPO.parent / "shared" / "corpus"
ANCHOR = "请予审议。"  # a line of the seed's opening: variants change it so every copy has its own hash


@cache
def seed_text() -> str:
    for path in SEED_CANDIDATES:
        if path.exists():
            return path.read_text(encoding="utf-8")
    raise SystemExit("the seed report (db/zhuzhou-cppcc-2020.txt) is missing")


def _distinct(text: str, n: int) -> str:
    """The n-th report of its own: one line changed (a different hash) and another
    delivery year (zxkb would take a text that differs by one line, from the
    same year and region, for another copy of the same report and show it once)."""
    delivered = f"{1900 + n % 200}年1月6日"  # a date zxkb reads: 1900-2099
    return text.replace(ANCHOR, f"{ANCHOR}本文为第{n}号副本。", 1).replace("2020年1月6日", delivered, 1)


def variant(n: int, title: str | None = None) -> str:
    """The seed as the n-th report of its own (and optionally another title)."""
    text = _distinct(seed_text(), n)
    if title is not None:
        text = text.replace("# 中国人民政治协商会议株洲市委员会常务委员会工作报告", f"# {title}", 1)
    return text


def body_lines() -> list[str]:
    """The seed's non-empty lines without markdown heading marks."""
    return [line.lstrip("#").strip() for line in seed_text().splitlines() if line.strip()]


def with_marker(marker: str, n: int = 0) -> str:
    """The seed with `marker` put inside its first long body paragraph (so it is indexed and searchable)."""
    lines = seed_text().splitlines()
    for i, line in enumerate(lines):
        if len(line) > 80 and not line.startswith("#"):
            lines[i] = line[:20] + marker + line[20:]
            break
    text = "\n".join(lines)
    return _distinct(text, n) if n else text


def gbk_file() -> Path | None:
    folder = CORPUS / "state-council-gbk"
    files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    small = [p for p in files if 60_000 < p.stat().st_size < 200_000]
    chosen = small or files
    return chosen[0] if chosen else None


def gbk_folder_files(total_bytes: int) -> list[Path]:
    folder = CORPUS / "state-council-gbk"
    out: list[Path] = []
    size = 0
    for p in sorted(folder.glob("*.txt")) if folder.is_dir() else []:
        out.append(p)
        size += p.stat().st_size
        if size >= total_bytes:
            break
    return out


# -- .docx --------------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def docx_bytes(lines: list[str]) -> bytes:
    """A real .docx of these lines (python-docx when it is importable, as in zxkb's venv;
    else a minimal WordprocessingML package written with zipfile)."""
    docx: Any
    try:
        import docx  # type: ignore[import-untyped,import-not-found,unused-ignore,no-redef]
    except ImportError:
        docx = None
    buf = io.BytesIO()
    if docx is not None:
        document = docx.Document()
        for i, line in enumerate(lines):
            if i == 0:
                document.add_heading(line, level=1)
            else:
                document.add_paragraph(line)
        document.save(buf)
        return buf.getvalue()
    paras = "".join(f"<w:p><w:r><w:t>{html.escape(line)}</w:t></w:r></w:p>" for line in lines)
    body = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W_NS}"><w:body>{paras}</w:body></w:document>'
    )
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", body)
    return buf.getvalue()


def zip_bomb_docx(dest: Path, mode: str, gigabytes: float = 1.0) -> None:
    """A valid .docx plus ~1 GB of zeros (deflated to ~1 MB): either an extra member
    (`member`) or whitespace inside word/document.xml (`document`)."""
    good = zipfile.ZipFile(io.BytesIO(docx_bytes(body_lines())))
    chunk = b"\x00" * (1 << 20) if mode == "member" else b" " * (1 << 20)
    n = int(gigabytes * 1024)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for info in good.infolist():
            data = good.read(info.filename)
            if mode == "document" and info.filename == "word/document.xml":
                cut = data.rindex(b"</w:body>")
                with z.open(info.filename, "w", force_zip64=True) as f:
                    f.write(data[:cut])
                    for _ in range(n):
                        f.write(chunk)
                    f.write(data[cut:])
            else:
                z.writestr(info, data)
        if mode == "member":
            with z.open("word/media/image1.png", "w", force_zip64=True) as f:
                for _ in range(n):
                    f.write(chunk)


# -- text-ish hostile files -----------------------------------------------------------------------


def html_page(inner: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>工作报告</title></head><body>{inner}</body></html>"


def seed_as_html_paragraphs() -> str:
    return "".join(f"<p>{html.escape(line)}</p>" for line in body_lines())


def seed_as_br_text() -> str:
    return "<br>\n".join(html.escape(line) for line in body_lines())


def distinct_quoted_terms(n: int) -> str:
    """n distinct “…” terms, 100 to a paragraph, after a real report's opening."""
    chars = "政协委员会工作报告协商监督参政议政民主团结发展经济社会文化生态建设改革开放创新驱动乡村振兴"
    rng = random.Random(7)
    seen: set[str] = set()
    terms: list[str] = []
    while len(terms) < n:
        t = "".join(rng.choice(chars) for _ in range(rng.randint(3, 6)))
        if t not in seen:
            seen.add(t)
            terms.append(t)
    lines = ["# 关于“五万个提法”的工作报告", ""]
    for i in range(0, n, 100):
        lines.append("我们提出了" + "、".join(f"“{t}”" for t in terms[i : i + 100]) + "等工作要求。")
        lines.append("")
    return "\n".join(lines)


CSV_MARKER = "巨字段后标记"


def csv_huge_field(megabytes: float) -> str:
    import csv

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["title", "full_text"])
    big = variant(900)
    reps = int(megabytes * 1024 * 1024 / len(big.encode("utf-8"))) + 1
    w.writerow(["一个巨大字段的报告", (big + "\n") * reps])
    w.writerow(["正常的报告", with_marker(CSV_MARKER, 901)])
    return buf.getvalue()


def jsonl_records(records: list[tuple[str, str]]) -> str:
    return "".join(json.dumps({"title": t, "content": c}, ensure_ascii=False) + "\n" for t, c in records)


def csv_records(records: list[tuple[str, str]]) -> str:
    import csv

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["title", "full_text"])
    for t, c in records:
        w.writerow([t, c])
    return buf.getvalue()
