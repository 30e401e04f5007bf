"""Bytes -> text: encodings, byte-order marks, line endings, and files that are
not text at all.

The encoding is decided on the WHOLE file, never on a sample: GBK files saved
from gov.cn start with pure ASCII markup, and detectors that look at the first
kilobytes call them iso-8859-1. The order:

1. a byte-order mark (UTF-8, UTF-16, UTF-32) decides;
2. NUL bytes: UTF-16 without a BOM when one byte order decodes to clean text,
   else a binary file;
3. strict UTF-8 (ASCII included);
4. strict GB18030 (named `gbk` when strict GBK decodes it too) and Big5: each
   must decode cleanly to mostly Chinese text (CJK characters and punctuation,
   most of them everyday characters); when both do, the one whose
   characters are the common ones wins (GB2312 level 1 or Big5 level 1, the
   3,755 and 5,401 everyday characters: bytes in the other encoding decode to
   rare characters, kana and private-use code points). Ties go to the GB family.

charset-normalizer is not used: on these files it adds nothing (it finds
GB18030 and Big5 where step 4 does, and gives up on a GBK file with one damaged
byte, as step 4 does), and step 4 is one strict decode per candidate.
"""

from __future__ import annotations

import codecs
import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from zxkb.errors import InputError, UsageError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Tried in this order on files without a BOM or NUL bytes.
CHINESE = ("gb18030", "big5", "cp950", "big5hkscs")

# File signatures of things people drop into a folder of reports by mistake.
_MAGIC = (
    (b"%PDF", "a PDF file", "give it the .pdf suffix: zxkb reads a PDF's text layer"),
    (b"PK\x03\x04", "a ZIP archive (a .docx, .xlsx or .zip)", "a Word file must have the .docx suffix"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.doc/.xls)", "save it as .docx or .txt first"),
    (b"\x89PNG", "a PNG image", "zxkb ingests text, not images"),
    (b"\xff\xd8\xff", "a JPEG image", "zxkb ingests text, not images"),
    (b"GIF8", "a GIF image", "zxkb ingests text, not images"),
)

MAX_BAD = 0.002  # share of control, private-use or unassigned characters a text may have
MIN_CJK = 0.8  # share of CJK characters and punctuation among non-ASCII ones, for GB/Big5
MIN_COMMON = 0.6  # share of everyday characters among the hanzi (real text: > 0.99; mojibake: < 0.6)
BIG5_MARGIN = 0.05  # Big5 must beat GB's common-character share by this much


def normalise_newlines(text: str) -> str:
    """`\\r\\n`, `\\r\\r\\n` and lone `\\r` -> `\\n`."""
    return text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class Decoded:
    text: str  # with \n line endings
    encoding: str  # the encoding used
    warnings: tuple[str, ...] = field(default=())  # what was repaired (damaged bytes replaced)


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode a report file; returns (text with \n line endings, encoding used).
    `encoding` forces one. Raises InputError for empty, binary and undecodable files."""
    decoded = decode_text(data, encoding)
    return decoded.text, decoded.encoding


def decode_text(data: bytes, encoding: str | None = None) -> Decoded:
    """decode, with the warnings of a forced decode that replaced damaged bytes."""
    if not data.strip():
        raise InputError("the file is empty", "nothing to ingest; check that the file was saved")
    warnings: tuple[str, ...] = ()
    if encoding:
        text, used, warnings = _forced(data, encoding)
    else:
        text, used = _detect(data)
    text = normalise_newlines(text.removeprefix("\ufeff"))
    if not text.strip():
        raise InputError("the file is empty", "nothing to ingest; check that the file was saved")
    return Decoded(text, used, warnings)


def text_encoding(name: str) -> str:
    """The codec name of a text encoding given by the user (--encoding, a page's
    charset); UsageError for an unknown name or a codec that is not a text
    encoding (rot13, base64, zlib, hex, uu: Python's bytes-to-bytes and
    str-to-str codecs; `undefined`, which refuses everything)."""
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError) as exc:  # ValueError: a name with a NUL byte
        raise UsageError(f"unknown encoding {name!r}", _ENCODING_HINT) from exc
    if not getattr(info, "_is_text_encoding", True) or info.name == "undefined":
        raise UsageError(f"{name!r} is not a text encoding", _ENCODING_HINT)
    return info.name


_ENCODING_HINT = "name the text encoding of the files, e.g. utf-8, gbk, gb18030, big5, utf-16; or leave --encoding out"


# --- forced -------------------------------------------------------------------

# A forced encoding may replace at most this share of a file's characters (and
# always one): a damaged byte or two, not a wrong guess.
MAX_REPLACED = 0.002

_replaced = threading.local()  # where the error handler notes the damaged bytes of the decode under way


def _note_damage(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _replaced.positions.append(exc.start)
    return "\ufffd", exc.end


codecs.register_error("zxkb-replace", _note_damage)


def _forced(data: bytes, encoding: str) -> tuple[str, str, tuple[str, ...]]:
    name = text_encoding(encoding)
    if name == "utf-8":
        name = "utf-8-sig"  # a BOM is not text
    positions: list[int] = []
    _replaced.positions = positions
    try:
        text = data.decode(name, "zxkb-replace")
    except UnicodeError as exc:  # a codec that fails otherwise than on a byte
        raise InputError(f"cannot decode as {encoding}: {exc}", "try without --encoding to let zxkb detect it") from exc
    finally:
        _replaced.positions = []
    if len(positions) > max(1, len(text) * MAX_REPLACED):
        raise InputError(
            f"cannot decode as {encoding}: {_where(data, positions[0])} is not valid {encoding} "
            f"({len(positions)} bytes in all)",
            "try without --encoding to let zxkb detect it",
        )
    if not is_clean(text):
        raise _binary(data)
    warnings: tuple[str, ...] = ()
    if positions:
        where = _where(data, positions[0])
        warnings = (
            f"{where} is not valid {encoding}: replaced by U+FFFD"
            if len(positions) == 1
            else f"{len(positions)} bytes are not valid {encoding}, replaced by U+FFFD; the first is {where}",
        )
    return text, name.removesuffix("-sig"), warnings


# --- detection ----------------------------------------------------------------


@dataclass(frozen=True)
class TextStats:
    """What a decoded text is made of."""

    chars: int
    bad: int  # control (other than whitespace), private-use, unassigned, surrogate
    non_ascii: int
    cjk: int  # CJK ideographs, CJK and full-width punctuation, general punctuation
    hanzi: int
    common: int  # hanzi among the everyday characters of GB2312 or Big5 level 1

    @property
    def bad_share(self) -> float:
        return self.bad / self.chars if self.chars else 0.0

    @property
    def cjk_share(self) -> float:
        return self.cjk / self.non_ascii if self.non_ascii else 0.0

    @property
    def common_share(self) -> float:
        return self.common / self.hanzi if self.hanzi else 0.0

    @property
    def clean(self) -> bool:
        return self.bad_share <= MAX_BAD


def _detect(data: bytes) -> tuple[str, str]:
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                if name.startswith("utf-32"):
                    continue  # FF FE 00 00 may be a UTF-16 BOM followed by U+0000... try UTF-16
                raise InputError(
                    f"the file starts with a {name} byte-order mark, but {_where(data, 0)} onwards is not {name}",
                    "the file is damaged; open it in an editor and save it again",
                ) from None
    if b"\x00" in data:
        found = _utf16_without_bom(data)
        if found:
            return found
        raise _binary(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        furthest = ("utf-8", exc.start)
    else:
        if not is_clean(text):
            raise _binary(data)
        return text, "utf-8"
    return _chinese(data, furthest)


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM: NUL bytes are the high (or low) half of ASCII
    characters. The byte order whose decode is clean text, and more of it
    the everyday characters, wins; the other order gives unassigned code points."""
    best: tuple[float, str, str] | None = None
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        stats = text_stats(text)
        if not stats.clean or (stats.non_ascii and stats.cjk_share < MIN_CJK):
            continue
        score = stats.common_share + (stats.chars - stats.non_ascii) / stats.chars
        if best is None or score > best[0]:
            best = (score, text, name)
    return (best[1], best[2]) if best else None


def _chinese(data: bytes, furthest: tuple[str, int]) -> tuple[str, str]:
    """GB18030 or Big5, decided by which decodes cleanly to common characters."""
    candidates: list[tuple[str, str, TextStats]] = []
    big5_seen = False
    for name in CHINESE:
        if name != "gb18030" and big5_seen:
            continue  # the first Big5 variant that decodes is enough
        try:
            text = data.decode(name)
        except UnicodeDecodeError as exc:
            if exc.start > furthest[1]:
                furthest = (name, exc.start)
            continue
        big5_seen = big5_seen or name != "gb18030"
        candidates.append((text, name, text_stats(text)))
    good = [c for c in candidates if _chinese_text(c[2])]
    if good:
        gb = next((c for c in good if c[1] == "gb18030"), None)
        big5 = next((c for c in good if c[1] != "gb18030"), None)
        if gb and not (big5 and big5[2].common_share > gb[2].common_share + BIG5_MARGIN):
            return gb[0], _gb_name(data)
        assert big5 is not None
        return big5[0], big5[1]
    if candidates and not any(c[2].clean for c in candidates) and _looks_binary(data):
        raise _binary(data)
    if candidates:
        raise InputError(
            "cannot tell the file's encoding: it is not UTF-8, and as GB18030 or Big5 it is not Chinese text",
            "pass --encoding NAME if you know the file's encoding",
        )
    name, pos = furthest
    raise InputError(
        f"cannot decode the file: {_where(data, pos)} is not valid UTF-8, GB18030 or Big5 "
        f"(the file decodes furthest as {name})",
        "the file may be damaged or mix two encodings; open it in an editor and save it as UTF-8, "
        "or pass --encoding NAME",
    )


def _chinese_text(stats: TextStats) -> bool:
    """Clean, mostly CJK, and mostly everyday characters."""
    return stats.clean and stats.cjk_share >= MIN_CJK and (not stats.hanzi or stats.common_share >= MIN_COMMON)


def _gb_name(data: bytes) -> str:
    """`gbk` when strict GBK decodes the file (it then decodes to the same text
    as GB18030, its superset), else `gb18030`."""
    try:
        data.decode("gbk")
    except UnicodeDecodeError:
        return "gb18030"
    return "gbk"


# --- what a text is made of -----------------------------------------------------

_WHITESPACE_CONTROLS = frozenset("\t\n\r\f\v\x1a")  # \x1a: DOS end-of-file mark
_BAD_CATEGORIES = frozenset(("Cc", "Co", "Cn", "Cs"))


def _is_hanzi(ch: str) -> bool:
    cp = ord(ch)
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3FFFF


def _is_cjk(ch: str) -> bool:
    """Hanzi, or punctuation and symbols that Chinese text uses."""
    cp = ord(ch)
    return (
        _is_hanzi(ch)
        or 0x3000 <= cp <= 0x303F  # CJK symbols and punctuation
        or 0xFF00 <= cp <= 0xFFEF  # full-width forms
        or 0x2000 <= cp <= 0x206F  # general punctuation: “” — …
        or 0x2100 <= cp <= 0x27BF  # letterlike, numbers (Ⅰ ①), arrows, math, shapes (■ ○ ★)
        or 0xFE30 <= cp <= 0xFE4F  # CJK compatibility forms
        or 0x3200 <= cp <= 0x33FF  # enclosed CJK, CJK compatibility (㈠ ㎡)
        or cp in (0xA0, 0xB0, 0xB7, 0xD7, 0xF7)  # nbsp ° · × ÷
    )


@cache  # ~2,000 distinct characters a report, the same ones in every report
def _is_common(ch: str) -> bool:
    """An everyday character: GB2312 level 1 (B0A1–D7F9) or Big5 level 1 (A440–C67E)."""
    try:
        if 0xB0 <= ch.encode("gb2312")[0] <= 0xD7:
            return True
    except UnicodeEncodeError:
        pass
    try:
        code = int.from_bytes(ch.encode("big5"), "big")
    except UnicodeEncodeError:
        return False
    return 0xA440 <= code <= 0xC67E


# Characters that are not printable (str.isprintable) and yet are no sign of a
# binary file: the whitespace controls, and the spaces that reports use.
_PRINTABLE_TOO = re.compile("[" + re.escape("".join(sorted(_WHITESPACE_CONTROLS))) + "\u3000\u00a0]+")


def is_clean(text: str) -> bool:
    """text_stats(text).clean, found in C for the common text: one whose
    characters are all printable but for whitespace holds no control,
    private-use, unassigned or surrogate character at all (counting each
    character costs ~10x as much)."""
    return _PRINTABLE_TOO.sub("", text).isprintable() or text_stats(text).clean


def text_stats(text: str) -> TextStats:
    """What a decoded text is made of."""
    bad = non_ascii = cjk = hanzi = common = 0
    for ch, n in Counter(text).items():
        if ch < "\x80":
            if (ch < " " and ch not in _WHITESPACE_CONTROLS) or ch == "\x7f":
                bad += n
            continue
        non_ascii += n
        if _is_hanzi(ch):
            hanzi += n
            cjk += n
            common += n if _is_common(ch) else 0
        elif _is_cjk(ch):
            cjk += n
        elif unicodedata.category(ch) in _BAD_CATEGORIES:
            bad += n
    return TextStats(len(text), bad, non_ascii, cjk, hanzi, common)


# --- errors ---------------------------------------------------------------------


def _where(data: bytes, pos: int) -> str:
    line = data.count(b"\n", 0, pos) + 1
    return f"byte 0x{data[pos]:02X} at line {line} (offset {pos})" if pos < len(data) else "the end of the file"


def _looks_binary(data: bytes) -> bool:
    controls = sum(data.count(bytes([b])) for b in range(32) if chr(b) not in _WHITESPACE_CONTROLS)
    return controls > len(data) * MAX_BAD


def _binary(data: bytes) -> InputError:
    for magic, what, hint in _MAGIC:
        if data.startswith(magic):
            return InputError(f"this is {what}, not a text file", hint)
    return InputError(
        "this looks like a binary file, not a report",
        "zxkb ingests text (.txt, .md, .csv, .jsonl, .json, .html), Word (.docx) and PDF (.pdf) files",
    )
