from __future__ import annotations

import pytest

from zxkb.errors import ZxkbError
from zxkb.numbering import cn_to_int, digits_to_int, int_to_cn, parse_section_path


@pytest.mark.parametrize(
    ("cn", "n"), [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十一", 21), ("一百零五", 105)]
)
def test_chinese_numerals_round_trip(cn: str, n: int) -> None:
    assert cn_to_int(cn) == n
    assert int_to_cn(n) == cn


def test_digit_strings() -> None:
    assert digits_to_int("二〇二〇") == 2020
    assert digits_to_int("２０２０") == 2020


@pytest.mark.parametrize(
    ("typed", "path"),
    [
        ("二", "二"),
        ("2", "二"),
        ("2.1", "二(一)"),
        ("二(一)", "二(一)"),
        ("二（一）", "二(一)"),
        ("12.3", "十二(三)"),
    ],
)
def test_section_paths(typed: str, path: str) -> None:
    assert parse_section_path(typed) == path


@pytest.mark.parametrize("bad", ["", "abc", "2.x", "0"])
def test_bad_section_paths(bad: str) -> None:
    with pytest.raises(ZxkbError):
        parse_section_path(bad)
