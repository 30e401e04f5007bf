"""zxkb.store.tiers.text counts characters and pairs as integers (code units in a
memoryview); here its tokens are compared with a plain count of strings, written
as the module's docstring defines them, on real paragraphs and made-up ones."""

from __future__ import annotations

import random
import re
from bisect import bisect_right

import pytest

from tests.conftest import SEED
from zxkb import textnorm
from zxkb.parse.report import parse_report
from zxkb.store import tiers

_NOT_PLAIN = re.compile(r"[^a-z0-9\u3400-\u4dbf\u4e00-\u9fff]")


def reference(key: str, title_key: str = "") -> str:
    """Every plain character and pair of adjacent plain characters, weighted
    n + TITLE * m (n in the text, m in the title), kept from MIN_TF on:
    characters first, then pairs, each in the order of first occurrence."""
    plain, title = _NOT_PLAIN.sub(" ", key), _NOT_PLAIN.sub(" ", title_key)
    weights: dict[str, float] = {}
    for text, weight in ((plain, 1.0), (title, tiers.TITLE)):
        for part in [*text, *map(str.__add__, text, text[1:])]:
            weights[part] = weights.get(part, 0) + weight
    order = {part: i for i, part in reversed(list(enumerate([*plain, *map(str.__add__, plain, plain[1:])])))}
    kept = [part for part, w in weights.items() if w >= tiers.MIN_TF and " " not in part]
    kept.sort(key=lambda part: (len(part), order.get(part, len(order))))
    length = max(len(key) + len(title_key), tiers.LENGTH) + tiers.OFFSET
    edges = [edge * length for edge in tiers._EDGES]
    return " ".join(part + tiers.BUCKETS[bisect_right(edges, weights[part])] for part in kept)


def _seed_paragraphs() -> list[tuple[str, str]]:
    doc = parse_report(SEED.read_text(encoding="utf-8"))
    out = []
    for block in doc.blocks:
        if block.kind == "body":
            key = textnorm.fold(block.text)
            title = textnorm.fold(block.title) if block.title and textnorm.title_tokens(key, block.title) else ""
            out.append((key, title))
    return out


def test_tiers_of_real_paragraphs() -> None:
    paragraphs = _seed_paragraphs()
    assert sum(1 for _, title in paragraphs if title) > 20 and len(paragraphs) > 40
    for key, title in paragraphs:
        assert tiers.text(key, title) == reference(key, title), key[:40]
        assert tiers.text(key) == reference(key), key[:40]


@pytest.mark.parametrize("seed", range(30))
def test_tiers_of_made_up_text(seed: int) -> None:
    """Few distinct characters, so that parts repeat: CJK, ASCII letters and
    digits, punctuation and spaces (no part), a character beyond the BMP, and
    titles inside the text, at its start, and one that is not in it."""
    rng = random.Random(seed)
    alphabet = list("发展经济建设政协") + list("ab5") + list(",。 、") + ["\U00020000", "\u3400", "\u9fff"]
    key = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300)))
    start = rng.randint(0, len(key))
    for title in ("", key[start : start + rng.randint(1, 30)], key[:12], "发展发展发展" + key[:3]):
        assert tiers.text(key, title) == reference(key, title), (key, title)


def test_the_reference_sees_what_a_paragraph_repeats() -> None:
    """The reference itself, on a text whose parts are known."""
    parts = [token[:-1] for token in reference("发展发展发展,展展").split()]  # 发 3, 展 5, 发展 3, 展发 2, 展展 1
    assert parts == ["发", "展", "发展"]
    assert reference("发展发展", "发展") == ""  # 2 + TITLE: below MIN_TF
    assert [token[:-1] for token in reference("发展发展,展", "展").split()] == ["展"]  # 展 3 + TITLE
