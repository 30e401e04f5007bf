"""What is not the report (pure): page chrome, toolbars, breadcrumbs, editor and
source lines, licence footers, photo captions, link lists, repeated copies.

General rules, not file names: each rule names a kind of web-page furniture
that real report files carry (see ../shared/corpus/README.md). Nothing is
deleted: the parser keeps these paragraphs with the kind `chrome` or `duplicate`.
"""

from __future__ import annotations

import re
import unicodedata

# A paragraph that is exactly one of these is a toolbar or widget label.
TOOLBAR = frozenset(
    "下载|打印|全屏|收藏|加大|还原|减小|大|中|小|默认|分享|分享到|分享：|分享:|】|【|【字号：|【字体：|字号|字体|"
    "打印本页|关闭窗口|关闭|返回顶部|返回|顶部|收起|展开|扫一扫|微信|微博|QQ空间|来源|来源：|来源:|纠错|我要纠错|"
    "保存|复制链接|【打印】|【关闭】|[打印]|[关闭]|上一篇|下一篇|Public domain|false|true|首页|>|>>|＞|»|/".split("|")
)

_CHROME_PATTERNS = [
    r"【\s*(字体|字号)[^】]{0,20}】?",  # 【字体：大 中 小】
    r"^(当前位置|您现在的位置|您的位置|所在位置)[:：]?",
    r"^[^。，]{0,30}(>>|＞＞|>|＞|»|/)\s*[^。，]{0,20}(>>|＞＞|>|＞|»)",  # breadcrumbs
    r"^(来源|时间|发布时间|发表时间|发布日期|信息来源|稿源|编辑|责任编辑|作者|字数|浏览次数|点击数|阅读量|浏览量|阅读)\s*[:：]",
    r"^[(（【\[]?\s*(责任编辑|编辑|校对|审核)\s*[:：]",
    r"^(相关报道|相关链接|相关附件|相关新闻|相关阅读|延伸阅读|相关文章|推荐阅读)",
    r"^(分享到|分享至|扫一扫|打开微信)",
    r"点击(图片|进入|查看|这里)|相关文档[:：]",
    r"^[0-9a-f]{16,}[:：]?$",  # hash ids left by a scraper
    r"^新华社[\u4e00-\u9fff]{2,4}\d{1,2}月\d{1,2}日电$",  # dateline
    r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*\d{1,2}\s*[时:：]\s*\d{1,2}",  # publication time stamp
    r"^\d{4}-\d{1,2}-\d{1,2}(\s+\d{1,2}:\d{2}(:\d{2})?)?$",
    r"(公有领域|维基文库|Public domain)",  # Wikisource licence footer
    r"(门户网站|www\.|https?://)[^。]{0,80}$",
    r"^<!--|^-->$|-->$",
    r"^(上一页|下一页)|(上一页|下一页)$",  # a paginated page's links: `上一页  1   2   3   4   下一页`
]
_CHROME = re.compile("|".join(f"(?:{p})" for p in _CHROME_PATTERNS), re.I)
_SPACE = re.compile(r"\s+")
_SYMBOLS_ONLY = re.compile(r"^[\W_]+$")
_SEPARATORS = frozenset((">", ">>", "＞", "＞＞", "»", "/", "|"))
# A licence footer: "public domain" followed by a word for works, copyright or the
# wiki, or preceded by one for works or copyright; or one of _LICENCE. Found with
# str.find: a regex `公有领域.*作品|作品.*公有领域` backtracks over the whole
# paragraph from every 作品 in it.
_PUBLIC_DOMAIN = ("公有领域", "公有領域")
_AFTER_PD = ("作品", "著作", "版权", "版權", "维基", "維基")
_BEFORE_PD = ("作品", "著作", "版权", "版權")
_LICENCE = re.compile(r"维基文库社群|^本模板所指|本作品.{0,80}(著作权法|版权法)")
_CAPTION_CREDIT = re.compile(r"(记者|摄影|通讯员|供图|图片来源)[^。]{0,20}\s*摄\s*$|新华社记者[^。]{0,12}摄")
END_MARKER = re.compile(
    r"^(相关报道|相关链接|相关附件|相关新闻|相关阅读|延伸阅读|打印本页|关闭窗口|[(（【]?\s*责任编辑)"
)

SHORT_CHROME = 120  # chrome lines are short; a long paragraph is never chrome by pattern alone


def is_chrome(text: str) -> bool:
    if text in TOOLBAR or _SYMBOLS_ONLY.match(text) or is_licence(text):
        return True
    return len(text) <= SHORT_CHROME and _CHROME.search(text) is not None


def is_licence(text: str) -> bool:
    """A licence footer (Wikisource's, mostly)."""
    found = [(i, pd) for pd in _PUBLIC_DOMAIN if (i := text.find(pd)) >= 0]
    if found:
        first_end = min(i + len(pd) for i, pd in found)
        last_start = max(text.rfind(pd) for pd in _PUBLIC_DOMAIN)
        if any(text.find(word, first_end) >= 0 for word in _AFTER_PD):
            return True
        if any((i := text.find(word)) >= 0 and i + len(word) <= last_start for word in _BEFORE_PD):
            return True
    return _LICENCE.search(text) is not None


def chrome_flags(texts: list[str]) -> list[bool]:
    """is_chrome for each paragraph, and the neighbours chrome gives away: the
    items of a breadcrumb laid out one per line around `>`, the source's name
    on the line after a bare `来源：`."""
    flags = [is_chrome(t) for t in texts]
    for i, text in enumerate(texts):
        if text in _SEPARATORS:
            for j in (i - 1, i + 1):
                if 0 <= j < len(texts) and len(texts[j]) <= 16:
                    flags[j] = True
        elif re.match(r"^(来源|稿源|信息来源)\s*[:：]?$", text) and i + 1 < len(texts) and len(texts[i + 1]) <= 20:
            flags[i + 1] = True
    return flags


def is_photo_credit(text: str) -> bool:
    """`株洲日报记者 谭清云 摄`, `…开幕。国务院总理李克强作政府工作报告。新华社记者 姚大伟 摄`"""
    return len(text) <= 160 and _CAPTION_CREDIT.search(text) is not None


_CAPTION_DATE = re.compile(r"^\d{1,2}月\d{1,2}日[，,]")
_CAPTION_EVENT = re.compile(r"作[《“]?[^。]{0,12}报告|开幕|召开|举行|主持")


def is_caption(text: str) -> bool:
    """A news photo's caption without its credit, inside the text: who made the
    report, when and where, in the third person
    (`3月5日，第十二届全国人民代表大会第五次会议在北京人民大会堂开幕。国务院总理李克强作政府工作报告。`)."""
    if len(text) > 160 or re.search(r"我们|我代表|我受|我国", text):
        return False
    dated = _CAPTION_DATE.match(unicodedata.normalize("NFKC", text)) is not None
    return dated and _CAPTION_EVENT.search(text) is not None


def is_end_marker(text: str) -> bool:
    return END_MARKER.match(text) is not None


def duplicate_flags(
    texts: list[str], end: int | None, *, headings: list[bool] | None = None, min_len: int = 20
) -> list[bool]:
    """Which paragraphs repeat earlier text: exact repeats of at least `min_len`
    folded characters anywhere, headings excepted (a table of contents names them
    first); after `end` (the index of the page's end marker), any repeat, or a
    paragraph whose opening is already in the document (a repeated opening glued
    to its salutation)."""
    seen: set[str] = set()
    corpus: list[str] = []
    document = ""  # the text before the end marker, joined (no key holds a newline)
    checks = MAX_OPENING_CHECKS
    flags = []
    repeat = []  # the text came before (however short)
    for i, text in enumerate(texts):
        key = _SPACE.sub("", text)  # a repeated copy is the same text, byte for byte
        repeat.append(key in seen)
        after = end is not None and i > end
        opening = re.sub(r"^各位代表[:：!！]", "", key)[:20]
        dup = key in seen and (after or (len(key) >= min_len and not (headings and headings[i])))
        if after and not dup and len(opening) >= 10 and checks:
            document = document or "\n".join(corpus)
            dup, checks = opening in document, checks - 1
        flags.append(dup)
        seen.add(key)
        if not after:
            corpus.append(key)
    return _repeated_runs(repeat, flags)


def _repeated_runs(repeat: list[bool], flags: list[bool]) -> list[bool]:
    """Inside a repeated copy, its short lines too (`各位代表：`, a heading): a
    paragraph that repeats earlier text exactly, next to a paragraph already
    set aside as a repeat."""
    for i in range(1, len(flags)):  # a run that follows a repeat
        flags[i] = flags[i] or (repeat[i] and flags[i - 1])
    for i in range(len(flags) - 2, -1, -1):  # and one that leads into it
        flags[i] = flags[i] or (repeat[i] and flags[i + 1])
    return flags


# Paragraphs after the end marker whose opening is looked for in the document's
# text: each look reads the whole text, so they are bounded (a page has a few;
# the corpus at most 9). Past them, what follows the end marker is chrome anyway.
MAX_OPENING_CHECKS = 200
