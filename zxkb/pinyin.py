"""Pinyin typed by a user -> the form stored in the vocabulary (pure, stdlib only).

The vocabulary's pinyin is made at ingest (zxkb.vocab, with pypinyin); a query
never imports pypinyin (0.4 s). This module only reads what a person types:

    yuanchengxieshang, yuan cheng xie shang, yuán chéng xié shāng, yuan2 cheng2,
    Xi'an, lü / lv  ->  syllables ["yuan", "cheng", "xie", "shang"] or None

Stored pinyin is pypinyin's NORMAL style: toneless, `ü` written `v` (lv, nve),
syllables separated by spaces (`yuan cheng xie shang`); initials are the first
letter of each syllable (`ycxs`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Every toneless syllable pypinyin gives for a CJK character (U+4E00..U+9FA5).
SYLLABLES = frozenset(
    """
    a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao ce cen
    ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo ci
    cong cou cu cuan cui cun cuo da dai dan dang dao de den deng di dian diao die ding diu dong dou du duan dui
    dun duo e ei en eng er fa fan fang fei fen feng fiao fo fou fu ga gai gan gang gao ge gei gen geng gong gou
    gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng hm hong hou hu hua huai huan huang
    hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke ken keng
    kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin
    ling liu lo long lou lu luan lun luo lv lve m ma mai man mang mao me mei men meng mi mian miao mie min ming
    miu mo mou mu n na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nun
    nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao
    qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai
    san sang sao se sen seng sha shai shan shang shao she shen sheng shi shou shu shua shuai shuan shuang shui
    shun shuo si song sou su suan sui sun suo ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu
    tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan
    xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha
    zhai zhan zhang zhao zhe zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou
    zu zuan zui zun zuo
    """.split()
)
# Spellings people type for the same syllable (IMEs accept `lue` for lüe).
ALIASES = {"lue": "lve", "nue": "nve"}
_LONGEST = max(map(len, SYLLABLES))

_TONE_DIGIT = re.compile(r"(?<=[a-z])[1-5]")
_SEPARATORS = re.compile(r"[\s'’]+")


def normalize(text: str) -> str | None:
    """The toneless, space-free, lower-case letters of `text` if it reads as
    pinyin (letters, tone marks or tone digits, spaces, apostrophes), else None."""
    text = unicodedata.normalize("NFD", text.strip().lower()).replace("u\u0308", "v")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _SEPARATORS.sub("", _TONE_DIGIT.sub("", text))
    if text and text.isascii() and text.isalpha():
        return text
    return None


@lru_cache(maxsize=256)
def split(letters: str) -> tuple[str, ...] | None:
    """`letters` cut into the fewest valid syllables (`xian` stays one syllable,
    `xianshi` is xian shi), or None when it cannot be read as full pinyin."""
    n = len(letters)
    best: list[tuple[str, ...] | None] = [None] * (n + 1)
    best[0] = ()
    for end in range(1, n + 1):
        for start in range(max(0, end - _LONGEST), end):
            prev = best[start]
            piece = ALIASES.get(letters[start:end], letters[start:end])
            if prev is not None and piece in SYLLABLES:
                candidate = (*prev, piece)
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[n]


def pieces(letters: str) -> tuple[str, ...]:
    """The valid syllables in `letters`, longest first from the left, skipping a
    letter where none starts: a lenient reading of pinyin with a slip in it
    (`yuanchngxieshang` -> yuan, n, xie, shang), used to find candidates."""
    out: list[str] = []
    i, n = 0, len(letters)
    while i < n:
        for j in range(min(n, i + _LONGEST), i, -1):
            piece = ALIASES.get(letters[i:j], letters[i:j])
            if piece in SYLLABLES:
                out.append(piece)
                i = j
                break
        else:
            i += 1
    return tuple(out)
