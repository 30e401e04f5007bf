from __future__ import annotations

import subprocess
import sys

import pytest

from zxkb import textnorm
from zxkb.textnorm import fold, fold_map, index_text, tokens


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("遠程協商", "远程协商"),  # traditional -> simplified
        ("２０１９年", "2019年"),  # full-width digits
        ("（一）", "(一)"),  # full-width brackets
        ("㈠", "(一)"),  # parenthesised ideograph
        ("GDP增长", "gdp增长"),  # case
        ("远\u200b程", "远程"),  # zero-width space
        ("手机 银行\u3000服务", "手机银行服务"),  # layout spaces, ideographic space
        ("政協委員之家", "政协委员之家"),
    ],
)
def test_fold(raw: str, key: str) -> None:
    assert fold(raw) == key


def test_fold_map_agrees_with_fold_and_points_into_the_original() -> None:
    text = "２０１９年，遠程協商㈠ GDP\u200b增长"
    folded, starts, ends = fold_map(text)
    assert folded == fold(text)
    assert len(starts) == len(ends) == len(folded)
    i = folded.index("远程协商")
    assert text[starts[i] : ends[i + 3]] == "遠程協商"
    j = folded.index("(一)")
    assert text[starts[j] : ends[j + 2]] == "㈠"


def test_fold_map_on_the_seed_agrees_with_fold() -> None:
    from tests.conftest import SEED

    for line in SEED.read_text(encoding="utf-8").splitlines():
        assert fold_map(line)[0] == fold(line)


def test_tokens_one_per_character_and_punctuation_kept() -> None:
    assert tokens("远程") == "远 程"
    assert tokens("2019年") == "2 0 1 9 年"
    # punctuation becomes an ASCII token of its own; no token is ever dropped
    assert tokens("“两个”").split() == ["x201c", "两", "个", "x201d"]
    assert index_text("遠程 協商") == "远 程 协 商"


@pytest.mark.parametrize(
    "key", ["", "发", "发展", "a1", "发\U00020000展", "\ud800发", "发\udfff", "“两个”,2019年 x", "é" * 3]
)
def test_tokens_are_the_characters_joined_by_spaces(key: str) -> None:
    """tokens builds the spaced text from code units: the same as joining the
    characters one by one, beyond the BMP and with a lone surrogate (which a
    query may hold) too."""
    assert tokens(key) == textnorm._NOT_PLAIN.sub(textnorm._encode, " ".join(key))


def test_t2s_table_matches_opencc() -> None:
    opencc = pytest.importorskip("opencc")
    conv = opencc.OpenCC("t2s")
    table = textnorm._t2s_table()
    assert len(table) > 4000
    for cp, target in table.items():
        assert conv.convert(chr(cp)) == chr(target)


def test_the_fast_path_characters_fold_one_to_one() -> None:
    """fold_map skips its per-character loop for texts made only of these."""
    fast = [chr(cp) for cp in range(0x10000) if not textnorm._ONE_TO_ONE.search(chr(cp))]
    assert len(fast) > 27000
    assert [ch for ch in fast if len(fold(ch)) != 1] == []
    text = "２０１９年，ＧＤＰ增长（一）“两个加快”"
    assert not textnorm._ONE_TO_ONE.search(text)
    folded, starts, ends = fold_map(text)
    assert folded == fold(text) and starts == list(range(len(text))) and ends == list(range(1, len(text) + 1))


def test_the_t2s_table_is_filled_by_the_first_text_that_needs_it() -> None:
    """A search of simplified text never makes the table (~0.6 ms); a traditional text
    is translated by exactly the table's pairs."""
    code = (
        "from zxkb import textnorm\n"
        "table, traditional = textnorm._t2s()\n"
        "print(textnorm.fold('远程协商'), len(table))\n"
        "print(textnorm.fold('遠程協商，臺灣'), len(table) >= len(textnorm._t2s_table()) > 4000)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["远程协商 0", "远程协商,台湾 True"]
    real = textnorm._t2s_table()
    sample = "".join(chr(cp) for cp in list(real)[::7]) + "远程协商 GDP 增长"
    assert textnorm.fold(sample) == textnorm.fold(sample.translate(real))
    assert sample.translate(textnorm._t2s()[0]) == sample.translate(real)


def test_a_short_text_is_checked_for_traditional_characters_as_a_long_one() -> None:
    """A query (up to SHORT_TEXT characters) is looked up in the string of
    traditional characters, a longer text in their set: the same answer, the
    same key."""
    traditional = textnorm._t2s_pairs()[0]
    for n in (1, 2, textnorm.SHORT_TEXT - 1, textnorm.SHORT_TEXT, textnorm.SHORT_TEXT + 1, 100):
        simplified = ("远程协商发展" * 40)[:n]
        for text in (simplified, traditional[:n], simplified[:-1] + "遠", "遠" + simplified[1:]):
            assert textnorm._traditional_in(text) == (not frozenset(traditional).isdisjoint(text)), (n, text)
            assert fold(text) == text.translate(textnorm._t2s_table()).casefold(), (n, text)
