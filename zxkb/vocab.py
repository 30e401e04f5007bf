"""The term vocabulary of a document (pure extraction; the segmenter and the
pinyin converter are loaded only when ingesting).

A document's terms come from its body paragraphs and headings, folded by
zxkb.textnorm (the same keys that search uses):

- words: rjieba's words of two or more characters, without function words
  (STOPWORDS) and quantities (words that start with a digit);
- phrases: two or three adjacent words inside one clause that recur in the
  document (MIN_RECURRENCE times or more), such as 远程协商, 委员之家 and
  清水塘新城建设. A phrase starts and ends with a content word; a one-character
  word may start or end only a three-word phrase (委员·之·家), whose middle word
  is a content word or one of 之, 与, 和;
- quoted terms: the text inside “…” (and each part of a list “…、…”), and
  titles inside 《…》, up to MAX_QUOTED characters, with two Chinese characters;
- section and initiative titles, whole and cut at their commas.

Identical paragraphs in one document (pages that repeat the report, a repeated
opening) are read once: they are layout, not usage.

Each term has a count: how often it occurs in the document (segmented words and
phrases as rjieba cuts them; quoted terms and titles as strings in the text),
and the words it is made of, from which ingest derives its pinyin.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import compress, pairwise
from operator import and_

from zxkb import pinyin

VERSION = 1  # stored in the database; a change rebuilds the vocabulary

MIN_RECURRENCE = 2
MAX_PHRASE_CHARS = 8
MAX_QUOTED = 40
PHRASE_GLUE = frozenset("之与和")

# Function words: pronouns, prepositions, conjunctions, particles, auxiliaries,
# and the commonest adverbs of degree and manner. They carry no subject.
STOPWORDS = frozenset(
    """
    的 地 得 了 着 过 之 与 和 及 或 而 且 并 也 都 又 就 才 还 再 很 最 更 太 已 曾 将 要 会 能 可 应 须
    在 为 以 对 把 被 从 向 于 由 给 让 使 比 跟 同 至 到 自 按 据 经 等 是 有 无 不 没 其 此 这 那 该
    各 每 某 本 上 中 下 内 外 里 间 前 后 来 去 个 些 们 所 者 乃 即 则 但 若 如 虽 因 故 啊 吗 呢 吧
    我 你 他 她 它 我们 你们 他们 她们 它们 我国 咱们 自己 大家 这些 那些 这个 那个 这样 那样 这种 那种
    这里 那里 这次 此次 其中 其他 其它 其余 之一 之间 之中 之后 之前 以上 以下 以来 以后 以前 以及 以便
    以免 并且 而且 而是 因此 因为 所以 但是 可是 然而 同时 此外 另外 或者 还是 不仅 不但 只有 只要 除了
    如果 虽然 尽管 即使 无论 不论 于是 从而 进而 以至 以致 通过 经过 按照 根据 依照 依据 关于 对于 由于
    为了 随着 围绕 针对 有关 相关 一切 一些 一个 一种 一批 一系列 一次 一年 一方面 另一方面 已经 正在
    曾经 将要 必须 应当 应该 可以 能够 可能 需要 不断 更加 更好 更为 进一步 十分 非常 特别 比较 越来越
    积极 认真 切实 努力 充分 广泛 大力 全面 深入 不断 主要 重要 一定 一样 一起 一直 继续 各项 各级 各种
    各类 所有 有些 什么 怎么 怎样 如何 为什么 哪些 哪个 多少 就是 还有 并不 不是 没有 进行 加以 予以
    给予 作为 成为 具有 实行 实施 开展 做好 做到 取得 得到 提出 坚持 加强 推进 推动 加快 提高 实现
    促进 确保 保持 注重 着力 进入 今年 去年 明年 当前 目前 现在 今后 过去 近年来 一年来 五年来 等等
    """.split()
)

_WORDLIKE = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_QUOTED = re.compile(rf"“([^“”\n]{{2,{MAX_QUOTED}}})”")
_BOOK_TITLE = re.compile(rf"《([^《》\n]{{2,{MAX_QUOTED}}})》")
_LIST_SEP = re.compile(r"[、,;:]")
_CLAUSE_SEP = re.compile(r"[,;:。!?]")

Cut = Callable[[str], list[str]]


@dataclass(frozen=True)
class Term:
    text: str  # folded
    count: int  # occurrences in the document
    words: tuple[str, ...]  # how it is made of words (for pinyin); (text,) when not segmented


def _is_content_word(word: str) -> bool:
    """A word a phrase may start or end with, and a term on its own when it has 2+ characters."""
    return word not in STOPWORDS and not word[0].isdigit() and _HAN.search(word) is not None


def _clean(text: str) -> str | None:
    """A quoted or title string as a term: trimmed, at most MAX_QUOTED characters,
    two of them Chinese (so not a bare quantity such as 2019年)."""
    text = text.strip(" ,.;:、。“”《》()")
    if len(text) <= MAX_QUOTED and len(_HAN.findall(text)) >= 2:
        return text
    return None


class _WordTest(dict):  # type: ignore[type-arg]
    """word -> bool, computed once per word, so that whole paragraphs are tested
    with C-level map() calls."""

    def __init__(self, test: Callable[[str], bool]) -> None:
        super().__init__()
        self.test = test

    def __missing__(self, word: str) -> bool:
        value = self[word] = self.test(word)
        return value


# A phrase's first and last word: a content word (of 2+ characters in a two-word phrase).
_EDGE = _WordTest(_is_content_word)
_LONG_EDGE = _WordTest(lambda w: len(w) >= 2 and _is_content_word(w))
# A three-word phrase's middle word: a content word or 之, 与, 和.
_MIDDLE = _WordTest(lambda w: w in PHRASE_GLUE or _is_content_word(w))


def _count_phrases(words: list[str], counts: Counter[tuple[str, ...]]) -> None:
    """Count the two- and three-word phrases among one paragraph's words (in C:
    itertools.compress keeps the n-grams whose words may form a phrase)."""
    edge = list(map(_EDGE.__getitem__, words))
    long_edge = list(map(_LONG_EDGE.__getitem__, words))
    middle = list(map(_MIDDLE.__getitem__, words))
    counts.update(compress(pairwise(words), map(and_, long_edge, long_edge[1:])))
    counts.update(
        compress(zip(words, words[1:], words[2:], strict=False), map(and_, map(and_, edge, edge[2:]), middle[1:]))
    )


def extract(paragraphs: Iterable[str], titles: Iterable[str], cut: Cut) -> dict[str, Term]:
    """The terms of one document. `paragraphs`: the folded text of its body
    paragraphs and headings; `titles`: its folded section and initiative titles;
    `cut`: a word segmenter (rjieba.cut)."""
    texts = list(dict.fromkeys(p for p in paragraphs if p))
    word_counts: Counter[str] = Counter()
    gram_counts: Counter[tuple[str, ...]] = Counter()
    for text in texts:
        words = cut(text)
        word_counts.update(words)
        _count_phrases(words, gram_counts)

    terms: dict[str, Term] = {}
    for word, count in word_counts.items():
        if _LONG_EDGE[word]:
            terms[word] = Term(word, count, (word,))
    for gram, count in gram_counts.items():
        if count >= MIN_RECURRENCE:
            text = "".join(gram)
            if len(text) <= MAX_PHRASE_CHARS and (text not in terms or terms[text].count < count):
                terms[text] = Term(text, count, gram)

    whole = "\n".join(texts)
    quoted: set[str] = set()
    for text in texts:
        for match in _QUOTED.finditer(text):
            quoted.add(match.group(1))
            quoted.update(_LIST_SEP.split(match.group(1)))
        quoted.update(m.group(1) for m in _BOOK_TITLE.finditer(text))
    for title in titles:
        quoted.add(title)
        quoted.update(_CLAUSE_SEP.split(title))
    for raw in sorted(quoted):
        key = _clean(raw)
        if key is None:
            continue
        count = max(whole.count(key), 1)  # a title is a term even where the text spells it otherwise
        if key not in terms or terms[key].count < count:
            terms[key] = Term(key, count, terms[key].words if key in terms else (key,))
    return terms


# --- ingest-time tools: rjieba and pypinyin are imported only here ----------------


@lru_cache(maxsize=1)
def segmenter() -> Cut:
    """rjieba's cut (imported on first use: ~0.1 s to load its dictionary)."""
    import rjieba

    return rjieba.cut  # type: ignore[no-any-return]


_ASCII_RUN = re.compile(r"[0-9a-z]+")


@cache
def _char_pinyin(char: str) -> str | None:
    from pypinyin import lazy_pinyin

    reading = lazy_pinyin(char)[0]
    return reading if reading.isascii() and reading.isalpha() else None


@lru_cache(maxsize=1)
def _phrases() -> dict[str, list[list[str]]]:
    from pypinyin.constants import PHRASES_DICT

    return PHRASES_DICT  # type: ignore[no-any-return]


@cache
def _toneless(syllable: str) -> str:
    return pinyin.normalize(syllable) or syllable


@lru_cache(maxsize=200_000)
def word_pinyin(word: str) -> tuple[str, ...]:
    """Toneless syllables of a word, `ü` as `v`; a run of letters and digits is
    one item (`5g`), punctuation is dropped. Readings come from pypinyin's phrase
    dictionary, longest phrase first (as its own segmenter does: 银行 is yin hang),
    else character by character. Calling lazy_pinyin once per word instead costs
    ~25 µs a word, seconds for a corpus."""
    phrases = _phrases()
    out: list[str] = []
    i, n = 0, len(word)
    while i < n:
        run = _ASCII_RUN.match(word, i)
        if run:
            out.append(run.group())
            i = run.end()
            continue
        for j in range(min(n, i + 8), i + 1, -1):
            phrase = phrases.get(word[i:j])
            if phrase:
                out.extend(_toneless(p[0]) for p in phrase)
                i = j
                break
        else:
            reading = _char_pinyin(word[i])
            if reading:
                out.append(reading)
            i += 1
    return tuple(out)


def term_pinyin(term: Term) -> tuple[str, str]:
    """(syllables separated by spaces, initials) of a term: `yuan cheng xie shang`, `ycxs`."""
    syllables = [s for word in term.words for s in word_pinyin(word)]
    return " ".join(syllables), "".join(s[0] for s in syllables)


def char_readings(term: Term) -> Iterable[tuple[str, str]]:
    """(character, syllable) pairs of a term's words, where the reading is one syllable per character."""
    for word in term.words:
        syllables = word_pinyin(word)
        if len(syllables) == len(word) and _HAN.fullmatch(word[0]):
            yield from zip(word, syllables, strict=True)
