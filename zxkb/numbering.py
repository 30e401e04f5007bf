"""Chinese numerals, section numbers and section paths (pure functions).

A section path names a section in its document: `二` for the second top-level
section, `二(一)` for its first subsection. Users may also write `2`, `2.1`,
`二（一）` or `二、`; `parse_section_path` accepts all of them.
"""

from __future__ import annotations

import re
import unicodedata

from zxkb.errors import ZxkbError

DIGITS = "〇一二三四五六七八九"
_VALUES = {ch: i for i, ch in enumerate(DIGITS)} | {"零": 0, "两": 2}
NUMERAL_CHARS = "一二三四五六七八九十百〇零"


MAX_NUMERAL = 12  # characters; a longer run is no section number (and its value would cost quadratic time)


def cn_to_int(text: str) -> int | None:
    """`三` -> 3, `十二` -> 12, `二十一` -> 21, `一百零五` -> 105; None if not a numeral."""
    if not text or len(text) > MAX_NUMERAL or any(ch not in NUMERAL_CHARS + "两" for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _VALUES[ch] if current else _VALUES[ch]
    return total + current


def int_to_cn(n: int) -> str:
    """3 -> `三`, 12 -> `十二`, 21 -> `二十一` (1..999)."""
    if n <= 0 or n >= 1000:
        raise ValueError(n)
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += DIGITS[hundreds] + "百"
        if tens == 0 and ones:
            return out + "零" + DIGITS[ones]
    if tens:
        out += ("" if tens == 1 and not hundreds else DIGITS[tens]) + "十"
    if ones:
        out += DIGITS[ones]
    return out


def digits_to_int(text: str) -> int:
    """Arabic or Chinese digit strings, digit by digit: `2020`, `二〇二〇`."""
    text = unicodedata.normalize("NFKC", text)
    if text.isdigit():
        return int(text)
    value = cn_to_int(text) if any(c in "十百" for c in text) else None
    if value is not None:
        return value
    return int("".join(str(_VALUES[ch]) for ch in text))


_PATH_ARABIC = re.compile(r"^(\d+)(?:\.(\d+))?$")
MAX_SECTION = 999  # int_to_cn's range
_PATH_PART = re.compile(
    r"^(附件|附录|附表|名词解释|名词注释|[\u4e00-\u9fff]{0,6}注释|注解|附注|注|结束语|结语)[0-9一二三四五六七八九十]*$"
)
_PATH_CN = re.compile(rf"^([{NUMERAL_CHARS}]+)?、?(?:\(([{NUMERAL_CHARS}]+)\))?$")


def make_path(top: str | None, sub: str | None) -> str:
    return (top or "") + (f"({sub})" if sub else "")


def parse_section_path(text: str) -> str:
    """Normalise what a user typed into a section path: `2.1` -> `二(一)`."""
    raw = unicodedata.normalize("NFKC", text).replace(" ", "")
    m = _PATH_ARABIC.match(raw)
    if m:
        numbers = [g for g in m.groups() if g is not None]
        if all(len(g) <= 3 and 1 <= int(g) <= MAX_SECTION for g in numbers):
            return make_path(int_to_cn(int(numbers[0])), int_to_cn(int(numbers[1])) if len(numbers) > 1 else None)
        raise ZxkbError(
            f"not a section number: {text!r}",
            f"sections are numbered from 1 to {MAX_SECTION}: 2 or 2.1 (or 二, 二(一))",
        )
    m = _PATH_CN.match(raw)
    if raw and m and (m.group(1) or m.group(2)):
        return make_path(m.group(1), m.group(2))
    if _PATH_PART.match(raw):
        return raw
    raise ZxkbError(
        f"not a section path: {text!r}",
        "write a section as 二 or 二(一), or as 2 or 2.1",
    )
