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
  is a content word or one of 之, 与, 和. Text that rjieba cuts in two ways
  takes the count and words of the more frequent cut, else of the shorter;
- quoted terms: the text inside “…” (and each part of a list “…、…”), and
  titles inside 《…》, up to MAX_QUOTED characters, with two Chinese characters;
- section and initiative titles, whole and cut at their commas, where a piece
  is a phrase and not a clause: at most MAX_TITLE_TERM characters, without a
  clause mark inside and without a pronoun of its own (我们以开展远程协商为重点
  is a clause; 打造一流营商环境 a phrase). Quoted terms and 《…》 titles may be
  longer: the report marks them as units.

Which terms are words as rjieba cut them (not phrases, quotes or titles) is
kept too (DocumentTerms.words): a query can then be cut into words without
loading the segmenter (zxkb.search.partial).

Identical paragraphs in one document (pages that repeat the report, a repeated
opening) are read once: they are layout, not usage.

Each term has a count: how often it occurs in the document (segmented words and
phrases as rjieba cuts them; quoted terms and titles as strings in the text),
and the words it is made of, from which ingest derives its pinyin.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import chain, compress, pairwise

from zxkb import pinyin

VERSION = 2  # stored in the database; a change rebuilds the vocabulary (2: words marked, titles as phrases)

MIN_RECURRENCE = 2
MAX_PHRASE_CHARS = 8
MAX_QUOTED = 40
MAX_TITLE_TERM = 12
# A title piece with one of these has a subject of its own: a clause, not a phrase.
PRONOUNS = frozenset("我 我们 你 你们 他 他们 她 她们 它 它们 咱们 大家 自己 本届政府".split())
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

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_QUOTED = re.compile(rf"“([^“”\n]{{2,{MAX_QUOTED}}})”")
_BOOK_TITLE = re.compile(rf"《([^《》\n]{{2,{MAX_QUOTED}}})》")
_LIST_SEP = re.compile(r"[、,;:]")
_CLAUSE_SEP = re.compile(r"[,;:。!?]")

Cut = Callable[[str], list[str]]

VOCAB_KINDS = ("body", "heading")  # the paragraphs whose words make the vocabulary


@dataclass(frozen=True, slots=True)
class Term:
    text: str  # folded
    count: int  # occurrences in the document
    words: tuple[str, ...]  # how it is made of words (for pinyin); (text,) when not segmented


class DocumentTerms(Mapping[str, Term]):
    """The terms of one document, text -> Term, held as two dicts: a document
    has thousands of terms, and writing them to the vocabulary needs only their
    counts (and the words of the few that are new), so a Term is made only when
    one is asked for."""

    __slots__ = ("counts", "cuts", "words")

    def __init__(
        self, counts: dict[str, int], cuts: dict[str, tuple[str, ...]], words: frozenset[str] = frozenset()
    ) -> None:
        self.counts = counts  # text -> occurrences in the document
        self.cuts = cuts  # text -> its words, for a term that is not one word
        self.words = words  # the terms rjieba gave as words in this document

    def __getitem__(self, text: str) -> Term:
        return Term(text, self.counts[text], self.cuts.get(text, (text,)))

    def __contains__(self, text: object) -> bool:
        return text in self.counts

    def __iter__(self) -> Iterator[str]:
        return iter(self.counts)

    def __len__(self) -> int:
        return len(self.counts)


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


# A word's roles in a phrase, as bits. EDGE: the first or last word of a
# three-word phrase (a content word); LONG_EDGE: the first or last word of a
# two-word phrase (a content word of 2+ characters), and a term on its own;
# MIDDLE: the middle word of a three-word phrase (a content word, or 之, 与, 和).
EDGE, LONG_EDGE, MIDDLE = 1, 2, 4


class _Roles(dict):  # type: ignore[type-arg]
    """word -> its role bits, computed once per word."""

    def __missing__(self, word: str) -> int:
        content = _is_content_word(word)
        value = self[word] = (
            (EDGE if content else 0)
            | (LONG_EDGE if content and len(word) >= 2 else 0)
            | (MIDDLE if content or word in PHRASE_GLUE else 0)
        )
        return value


_ROLES = _Roles()

# Between two paragraphs' words: no role, so no phrase spans it (folded text
# has no whitespace, so rjieba never returns it).
_PARAGRAPH_BREAK = "\n"


def _count_phrases(words: list[str]) -> tuple[Counter[tuple[str, ...]], Counter[tuple[str, ...]]]:
    """Count the two- and the three-word phrases among a document's words. The
    words' roles are one byte each, read as one integer: a shift lines each
    word up with the next ones, so that an AND tests every position at once,
    in C, and itertools.compress keeps the n-grams whose words may form a phrase."""
    n = len(words)
    roles = int.from_bytes(bytes(map(_ROLES.__getitem__, words)), "little")  # bits 8i.. : word i
    ones = int.from_bytes(b"\x01" * n, "little")
    # byte i is 1 where words i and i+1 are both LONG_EDGE (bit 1 of bytes i and i+1) ...
    two = (roles >> 1) & (roles >> 9) & ones
    # ... and where word i is EDGE, word i+1 MIDDLE (bit 2 of byte i+1) and word i+2 EDGE
    three = roles & (roles >> 10) & (roles >> 16) & ones
    pairs: Counter[tuple[str, ...]] = Counter(compress(pairwise(words), two.to_bytes(n, "little")))
    triples: Counter[tuple[str, ...]] = Counter(
        compress(zip(words, words[1:], words[2:], strict=False), three.to_bytes(n, "little"))
    )
    return pairs, triples


def extract(paragraphs: Iterable[str], titles: Iterable[str], cut: Cut) -> DocumentTerms:
    """The terms of one document. `paragraphs`: the folded text of its body
    paragraphs and headings; `titles`: its folded section and initiative titles;
    `cut`: a word segmenter (rjieba.cut)."""
    texts = list(dict.fromkeys(p for p in paragraphs if p))
    # the document's words, paragraph by paragraph, in one call: the segmenter
    # cuts text between non-word characters on its own, so a line break yields
    # itself and the words on either side are those of each paragraph alone
    words: list[str] = [*cut(_PARAGRAPH_BREAK.join(texts)), _PARAGRAPH_BREAK] if texts else []
    word_counts = Counter(words)
    counts = dict(compress(word_counts.items(), map(LONG_EDGE.__and__, map(_ROLES.__getitem__, word_counts))))
    single = frozenset(counts)
    cuts: dict[str, tuple[str, ...]] = {}
    pairs, triples = _count_phrases(words)
    # the same text cut in two ways: the more frequent, then the fewer words, then the first
    for gram, count in chain(pairs.items(), triples.items()):
        if count >= MIN_RECURRENCE:
            text = "".join(gram)
            if len(text) <= MAX_PHRASE_CHARS and counts.get(text, 0) < count:
                counts[text] = count
                cuts[text] = gram

    whole = "\n".join(texts)
    quoted: set[str] = set()
    for text in texts:
        for match in _QUOTED.finditer(text):
            quoted.add(match.group(1))
            quoted.update(_LIST_SEP.split(match.group(1)))
        quoted.update(m.group(1) for m in _BOOK_TITLE.finditer(text))
    for title in titles:
        quoted.update(piece for piece in {title, *_CLAUSE_SEP.split(title)} if _is_phrase(piece, cut))
    keys = [key for key in dict.fromkeys(map(_clean, sorted(quoted))) if key is not None]
    found = occurrences(whole, keys)
    for key in keys:
        count = max(found[key], 1)  # a title is a term even where the text spells it otherwise
        if counts.get(key, 0) < count:
            counts[key] = count  # made of the words it had as a phrase, else one
    return DocumentTerms(counts, cuts, single)


def _is_phrase(title: str, cut: Cut) -> bool:
    """Whether a title (or a piece of one) is a phrase: short, one clause at
    most, no subject of its own."""
    text = title.strip(" ,.;:、。“”《》()")
    return 0 < len(text) <= MAX_TITLE_TERM and not _CLAUSE_SEP.search(text) and PRONOUNS.isdisjoint(cut(text))


# Up to this many characters compared (keys x text), str.count per key is the
# fastest way to count; past it (a document of thousands of distinct quoted
# terms) that is quadratic, and one scan of the text counts them all.
COUNT_BY_KEY_MAX = 50_000_000


def occurrences(text: str, keys: Iterable[str]) -> dict[str, int]:
    """How often each key (2+ characters) occurs in `text`, counted as
    str.count counts: from the left, without overlaps. Linear in the text
    (times the number of distinct key lengths), whatever the number of keys."""
    keys = list(dict.fromkeys(keys))
    if not keys or len(keys) * len(text) <= COUNT_BY_KEY_MAX:
        return {key: text.count(key) for key in keys}
    lengths: dict[str, list[int]] = {}  # a key's first two characters -> the lengths of keys so starting
    for key in keys:
        lengths.setdefault(key[:2], []).append(len(key))
    starts = {head: sorted(set(ns)) for head, ns in lengths.items()}
    wanted = set(keys)
    counts = dict.fromkeys(keys, 0)
    free = dict.fromkeys(keys, 0)  # where the next occurrence of a key may start (no overlaps)
    first = re.compile("[" + "".join(sorted({re.escape(head[0]) for head in starts})) + "]")
    for m in first.finditer(text):  # the places where a key may start, found in C
        i = m.start()
        heads = starts.get(text[i : i + 2])
        if heads is None:
            continue
        for n in heads:
            piece = text[i : i + n]
            if piece in wanted and free[piece] <= i and len(piece) == n:
                counts[piece] += 1
                free[piece] = i + n
    return counts


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


MAX_PINYIN_PHRASE = 8  # characters of the longest pypinyin phrase looked up


@lru_cache(maxsize=1)
def _phrases() -> tuple[dict[str, list[list[str]]], frozenset[str]]:
    """pypinyin's phrase readings, and every prefix (2+ characters) of a phrase."""
    import gc

    from pypinyin import lazy_pinyin  # noqa: F401  (loads the character table too)
    from pypinyin.constants import PHRASES_DICT

    prefixes = frozenset(p[:n] for p in PHRASES_DICT for n in range(2, min(len(p), MAX_PINYIN_PHRASE) + 1))
    # pypinyin's tables are ~190,000 lists that live as long as the process:
    # frozen, the garbage collector stops walking them at every full collection
    # (0.3 s of the 0.6 s it took in an ingest of the corpus's 170 reports).
    gc.freeze()
    return PHRASES_DICT, prefixes


@cache
def _toneless(syllable: str) -> str:
    return pinyin.normalize(syllable) or syllable


@lru_cache(maxsize=200_000)
def word_pinyin(word: str) -> tuple[str, ...]:
    """Toneless syllables of a word, `ü` as `v`; a run of letters and digits is
    one item (`5g`), punctuation is dropped. Readings come from pypinyin's phrase
    dictionary, longest phrase first (as its own segmenter does: 银行 is yin hang),
    else character by character. Calling lazy_pinyin once per word instead costs
    ~25 µs a word, seconds for a corpus; the phrases' prefixes stop the search
    for a phrase at the first piece that starts none."""
    phrases, prefixes = _phrases()
    out: list[str] = []
    i, n = 0, len(word)
    while i < n:
        if word[i].isascii():
            run = _ASCII_RUN.match(word, i)
            if run:
                out.append(run.group())
                i = run.end()
            else:  # punctuation
                i += 1
            continue
        end = 0
        j, last = i + 2, min(n, i + MAX_PINYIN_PHRASE)
        while j <= last and word[i:j] in prefixes:
            if word[i:j] in phrases:
                end = j  # the longest phrase so far
            j += 1
        if end:
            out.extend(_toneless(p[0]) for p in phrases[word[i:end]])
            i = end
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
