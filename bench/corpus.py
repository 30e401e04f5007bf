"""The scale corpus: the real reports of ../shared/corpus, then seeded variants of
them, written as plain UTF-8 .txt files (one report per file, one paragraph per
line) until a given size is reached, so that zxkb, rg and grep read the same text.

The bench reads the corpus formats itself (GBK text, CSV `full_text`, JSONL
`content`) with a few lines of stdlib code; it does not use zxkb's readers.

Variants, each from one real report:
- body paragraphs (long lines) are replaced, one in two, by paragraphs drawn from
  other reports of the same era (so the vocabulary of each era stays real);
- numbers are changed (same number of digits; years 1900-2099 are kept);
- the year in the text and title moves to another year of the era, and province
  names are swapped for another province.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

GENERATOR_VERSION = 1
BODY_MIN_CHARS = 30  # a line this long is a body paragraph that may be shuffled
SWAP_SHARE = 0.5
ERAS = ((1900, 1977), (1978, 1999), (2000, 2012), (2013, 2030))
_PROVINCE_NAMES = (
    "北京市 天津市 上海市 重庆市 河北省 山西省 辽宁省 吉林省 黑龙江省 江苏省 浙江省 安徽省 福建省 江西省 山东省 "
    "河南省 湖北省 湖南省 广东省 海南省 四川省 贵州省 云南省 陕西省 甘肃省 青海省 内蒙古自治区 广西壮族自治区 "
    "西藏自治区 宁夏回族自治区 新疆维吾尔自治区"
)
PROVINCES = tuple(_PROVINCE_NAMES.split())
# CPC congresses by number -> year (the JSONL gives the number only)
CONGRESS_YEARS = {
    1: 1921, 2: 1922, 3: 1923, 4: 1925, 5: 1927, 6: 1928, 7: 1945, 8: 1956, 9: 1969, 10: 1973,
    11: 1977, 12: 1982, 13: 1987, 14: 1992, 15: 1997, 16: 2002, 17: 2007, 18: 2012, 19: 2017, 20: 2022,
}  # fmt: skip

_DIGITS = re.compile(r"<U\+[0-9A-Fa-f]+>|[0-9]+|[０-９]+")  # `<U+00A0>` is left as it is
_PROVINCE_RE = re.compile("|".join(map(re.escape, sorted(PROVINCES, key=len, reverse=True))))


@dataclass
class BaseDoc:
    name: str  # file stem, ascii-safe
    year: int
    lines: list[str]

    @property
    def era(self) -> int:
        return next(i for i, (lo, hi) in enumerate(ERAS) if lo <= self.year <= hi)


def _dedupe_lines(text: str) -> list[str]:
    """Lines of `text`, each non-blank line kept once: before 2014 the State Council
    files repeat the whole report about six times (nested table cells)."""
    seen: set[str] = set()
    out: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        key = line.strip()
        if key and key in seen:
            continue
        seen.add(key)
        out.append(line.rstrip())
    return out


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def read_sources(root: Path) -> list[BaseDoc]:
    """Every real report under `root` (../shared/corpus), in a fixed order."""
    docs: list[BaseDoc] = []
    for path in sorted((root / "seed").glob("*.txt")):
        docs.append(BaseDoc(f"seed-{path.stem}", 2020, _lines(path.read_text(encoding="utf-8"))))
    for path in sorted((root / "state-council-gbk").glob("*.txt")):
        text = path.read_bytes().decode("gb18030")
        docs.append(BaseDoc(f"gbk-{path.stem}", int(path.stem), _dedupe_lines(text)))
    for path in sorted((root / "provincial-2026").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for n, row in enumerate(csv.DictReader(fh), 1):
                docs.append(BaseDoc(f"prov-{_slug(path.stem)}-{n}", int(row["year"]), _lines(row["full_text"])))
    for path in sorted((root / "wikisource").glob("*.jsonl")):
        last_year = 2000
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                rec = json.loads(line)
                year = rec.get("year") or CONGRESS_YEARS.get(int(rec.get("congress") or 0)) or last_year
                last_year = int(year)
                title = f"# {rec['title']}"
                docs.append(BaseDoc(f"wiki-{path.stem}-{n:03d}", last_year, [title, "", *_lines(rec["content"])]))
    return docs


def _slug(text: str) -> str:
    """An ascii-safe, stable file stem."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def _renumber(line: str, rng: random.Random) -> str:
    def repl(m: re.Match[str]) -> str:
        s = m.group(0)
        if s.startswith("<"):
            return s
        fullwidth = s[0] > "9"
        ascii_digits = s.translate({0xFF10 + i: 0x30 + i for i in range(10)}) if fullwidth else s
        if len(ascii_digits) == 4 and 1900 <= int(ascii_digits) <= 2099:
            return s  # a year: handled by the year shift
        new = "".join(rng.choice("0123456789") for _ in ascii_digits)
        if len(new) > 1 and new[0] == "0":
            new = rng.choice("123456789") + new[1:]
        return new.translate({0x30 + i: 0xFF10 + i for i in range(10)}) if fullwidth else new

    return _DIGITS.sub(repl, line)


def variant(doc: BaseDoc, pools: dict[int, list[str]], rng: random.Random) -> tuple[int, list[str]]:
    """One variant of `doc`: (its new year, its lines)."""
    lo, hi = ERAS[doc.era]
    new_year = rng.randint(max(lo, 1949), min(hi, 2026))
    pool = pools[doc.era]
    province = rng.choice(PROVINCES)
    out = []
    for line in doc.lines:
        if len(line.strip()) >= BODY_MIN_CHARS and rng.random() < SWAP_SHARE:
            line = rng.choice(pool)
        line = _renumber(line, rng)
        line = line.replace(str(doc.year), str(new_year))
        line = _PROVINCE_RE.sub(province, line)
        out.append(line)
    return new_year, out


def build(root: Path, out: Path, size_bytes: int, seed: int = 20260101) -> dict[str, object]:
    """Write the corpus into `out` (reused when its manifest matches) and return the manifest."""
    # beside the corpus, not in it: zxkb ingest reads every .json file it finds
    manifest_path = out.with_name(out.name + ".manifest.json")
    wanted = {"generator": GENERATOR_VERSION, "size_bytes": size_bytes, "seed": seed, "source": str(root.resolve())}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        # reused only if the files are all there (a deleted corpus leaves its manifest)
        present = sum(1 for p in out.rglob("*.txt")) if out.is_dir() else 0
        if {k: manifest.get(k) for k in wanted} == wanted and present == manifest.get("files"):
            return dict(manifest)
    if out.exists():
        for old in sorted(out.rglob("*.txt")):
            old.unlink()
        manifest_path.unlink(missing_ok=True)
    rng = random.Random(seed)
    docs = read_sources(root)
    if not docs:
        raise SystemExit(f"bench: no reports under {root} (seed/, state-council-gbk/, provincial-2026/, wikisource/)")
    pools: dict[int, list[str]] = {}
    for doc in docs:
        pools.setdefault(doc.era, []).extend(line for line in doc.lines if len(line.strip()) >= BODY_MIN_CHARS)

    written = 0
    files = 0
    real = list(docs)
    rng.shuffle(real)
    for doc in real:  # the real reports first, in a seeded order
        if written >= size_bytes:
            break
        written += _write(out / "real" / f"{doc.name}.txt", doc.lines)
        files += 1
    n = 0
    while written < size_bytes:  # then variants, round-robin over the real reports
        doc = docs[n % len(docs)]
        year, lines = variant(doc, pools, rng)
        written += _write(out / "variants" / f"{n // 1000:04d}" / f"v{n:06d}-{year}-{doc.name}.txt", lines)
        files += 1
        n += 1
    manifest = {**wanted, "bytes": written, "files": files, "real_files": files - n, "variant_files": n}
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _write(path: Path, lines: list[str]) -> int:
    data = ("\n".join(lines).strip("\n") + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return len(data)


if __name__ == "__main__":  # python bench/corpus.py OUT SIZE_BYTES
    source = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
    print(json.dumps(build(source, Path(sys.argv[1]), int(sys.argv[2]))))
