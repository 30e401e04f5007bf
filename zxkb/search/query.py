"""The query language -> an FTS5 MATCH expression (pure).

    远程 协商            both terms (AND; `远程 AND 协商` says the same)
    远程 OR 视频         either term; OR binds tighter than AND: a b OR c = a AND (b OR c)
    协商 -监督           exclude a term (`协商 NOT 监督` says the same; a query
                         that starts with - goes after --)
    (远程 OR 视频) 协商   parentheses group
    "会议 现场"          an exact phrase; whitespace inside it is ignored like everywhere

AND, OR and NOT are operators only in capitals and between terms; a bracket
groups only at the edge of a word and with its partner. Everything else is a
literal: a lower-case `or`, a stray `(`, `*`, `NEAR`, quotes and SQL are
searched for, never interpreted by FTS5, and the first two get a hint (Query.hints).
Every term is folded by zxkb.textnorm and becomes a phrase of one token per
character.
"""

from __future__ import annotations

from typing import NamedTuple

from zxkb import textnorm
from zxkb.errors import QueryError

OPERATORS = ("AND", "OR", "NOT")
MAX_DEPTH = 32  # brackets inside brackets (FTS5's parser has a stack of its own)


class Term(NamedTuple):
    key: str  # folded


class All(NamedTuple):
    """Every item, and none of the excluded."""

    items: tuple[Node, ...]
    excluded: tuple[Node, ...] = ()


class Any(NamedTuple):
    items: tuple[Node, ...]


Node = Term | All | Any


def phrase(key: str) -> str:
    return f'"{textnorm.tokens(key)}"'


def fts(node: Node, *, top: bool = False) -> str:
    """The FTS5 expression of a node; below the top, compound ones are parenthesized."""
    if isinstance(node, Term):
        return phrase(node.key)
    if isinstance(node, Any):
        return "(" + " OR ".join(fts(item) for item in node.items) + ")"
    expr = " AND ".join(fts(item) for item in node.items)
    for item in node.excluded:
        expr = f"({expr}) NOT {fts(item)}"
    return expr if top or (len(node.items) == 1 and not node.excluded) else f"({expr})"


def holds(node: Node, folded: str) -> bool:
    """Whether a paragraph's folded text matches the node (as the index would say)."""
    if isinstance(node, Term):
        return node.key in folded
    if isinstance(node, Any):
        return any(holds(item, folded) for item in node.items)
    return all(holds(item, folded) for item in node.items) and not any(holds(x, folded) for x in node.excluded)


def label(node: Node) -> str:
    """A node as a person would type it (folded keys)."""
    if isinstance(node, Term):
        return node.key
    if isinstance(node, Any):
        return " OR ".join(label(item) for item in node.items)
    inner = " ".join(label(item) for item in node.items) + "".join(f" -{label(x)}" for x in node.excluded)
    return f"({inner})"


def keys_of(node: Node) -> list[str]:
    """The keys a match of the node may contain (not those it excludes)."""
    if isinstance(node, Term):
        return [node.key]
    return [key for item in node.items for key in keys_of(item)]


class Query(NamedTuple):
    text: str
    root: All
    hints: tuple[str, ...] = ()
    # the lower-case and, or, not searched for as words beside other terms (a
    # hint says so): a partial match does not count them (zxkb.search.partial)
    connectors: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        """Every key that a hit may contain (for highlighting), in order."""
        return tuple(dict.fromkeys(keys_of(self.root)))

    @property
    def operands(self) -> tuple[Node, ...]:
        """The parts that must all match: what a partial match counts."""
        return self.root.items

    @property
    def groups(self) -> tuple[tuple[str, ...], ...]:
        """The query as an AND of groups, each an OR of keys: exact for queries
        without nested parentheses, a loosening of the others (for approximate
        hits and suggestions)."""
        return tuple(tuple(dict.fromkeys(keys_of(item))) for item in self.root.items)

    @property
    def excluded(self) -> tuple[str, ...]:
        """Keys excluded from the whole query."""
        return tuple(x.key for x in self.root.excluded if isinstance(x, Term))

    def match_expression(self) -> str:
        return fts(self.root, top=True)


# --- reading the text ---------------------------------------------------------------


class _Token(NamedTuple):
    kind: str  # "term", "op", "(", ")", "-"
    text: str
    word: int  # the whitespace-separated word it came from
    quoted: bool = False


def _lex(text: str) -> list[_Token]:
    """Tokens: "quoted phrases"; a `-` in front of a word or phrase; brackets at a
    word's edges that do not pair with each other or with brackets inside it:
    `(远程` and `视频)` give brackets, `(一)` and `二(一)` are words. Whether they
    are operators is for _balance and _operators to say. A quote without its
    partner is a character."""
    tokens: list[_Token] = []
    i, n, word = 0, len(text), 0
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        word += 1
        j = i
        while j < n and text[j] in "(-":
            j += 1
        if j < n and text[j] == '"' and '"' in text[j + 1 :]:
            tokens.extend(_Token(ch, ch, word) for ch in text[i:j])
            end = text.index('"', j + 1)
            tokens.append(_Token("term", text[j + 1 : end], word, quoted=True))
            i = end + 1
            while i < n and text[i] == ")":
                tokens.append(_Token(")", ")", word))
                i += 1
            continue
        end = i
        while end < n and not text[end].isspace():
            end += 1
        tokens.extend(_word(text[i:end], word))
        i = end
    return tokens


def _word(word: str, n: int) -> list[_Token]:
    tokens = []
    start = 0
    if len(word) > 1 and word[0] == "-":
        tokens.append(_Token("-", "-", n))
        start = 1
    opens = len(word) - start - len(word[start:].lstrip("("))
    closes = len(word) - len(word.rstrip(")"))
    if opens == len(word) - start:  # brackets only
        closes = 0
    core = word[start + opens : len(word) - closes]
    inside = max(0, core.count("(") - core.count(")"))  # opened inside, closed by the run at the end
    peel_open = opens - min(opens, max(0, closes - inside))
    peel_close = max(0, closes - inside - opens)
    tokens.extend(_Token("(", "(", n) for _ in range(peel_open))
    core = word[start + peel_open : len(word) - peel_close]
    if peel_open and len(core) > 1 and core[0] == "-":  # (-监督 ...
        tokens.append(_Token("-", "-", n))
        core = core[1:]
    if core:
        tokens.append(_Token("op" if core in OPERATORS else "term", core, n))
    tokens.extend(_Token(")", ")", n) for _ in range(peel_close))
    return tokens


def _balance(tokens: list[_Token], hints: list[str]) -> list[_Token]:
    """Brackets that have no partner, or hold nothing, become text again, joined
    to the rest of their word; each kind gets one hint."""
    open_at: list[int] = []
    literal: set[int] = set()
    for i, tok in enumerate(tokens):
        if tok.kind == "(":
            open_at.append(i)
            if len(open_at) > MAX_DEPTH:
                raise QueryError(
                    f"the query's brackets are nested more than {MAX_DEPTH} deep",
                    "group fewer terms inside each other: (远程 OR 视频) 协商",
                )
        elif tok.kind == ")":
            if not open_at:
                literal.add(i)
            elif open_at[-1] == i - 1:  # () holds nothing
                literal.update((open_at.pop(), i))
            else:
                open_at.pop()
    literal.update(open_at)
    for shown in sorted({tokens[i].text for i in literal}):
        hints.append(
            f"{shown!r} has no partner, so it was searched for as text; brackets group terms in pairs:"
            " (远程 OR 视频) 协商"
        )
    out: list[_Token] = []
    for i, tok in enumerate(tokens):
        if i not in literal:
            out.append(tok)
            continue
        prev = out[-1] if out else None
        if prev is not None and prev.word == tok.word and prev.kind == "term" and not prev.quoted:
            out[-1] = prev._replace(text=prev.text + tok.text)
        else:
            out.append(_Token("term", tok.text, tok.word))
    # a literal `(` before its word's core: join forwards
    merged: list[_Token] = []
    for tok in out:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.kind == "term"
            and prev.text.strip("()") == ""
            and prev.word == tok.word
            and tok.kind in ("term", "op")
            and not tok.quoted
        ):
            merged[-1] = _Token("term", prev.text + tok.text, tok.word)
        else:
            merged.append(tok)
    return merged


def _operators(tokens: list[_Token], hints: list[str], connectors: list[str] | None = None) -> list[_Token]:
    """AND, OR and NOT stay operators where they join something: a term (or a
    group) before and one after (`协商 NOT 监督`: NOT excludes from what comes
    before it); elsewhere they are text, with a hint. A lower-case one is text
    and gets a hint too."""
    out: list[_Token] = []
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok.kind == "term" and not tok.quoted and tok.text.lower() in ("and", "or", "not") and len(tokens) > 1:
            hints.append(f"{tok.text!r} was searched for as a word; as an operator it is written {tok.text.upper()}")
            if connectors is not None:
                connectors.append(tok.text.lower())
        if tok.kind != "op":
            out.append(tok)
            continue
        before = bool(out) and out[-1].kind in ("term", ")")
        after = nxt is not None and nxt.kind in ("term", "(")
        if tok.text == "AND":
            after = after or (nxt is not None and (nxt.kind == "-" or (nxt.kind, nxt.text) == ("op", "NOT")))
        elif tok.text == "NOT":
            before = before or (bool(out) and (out[-1].kind, out[-1].text) == ("op", "AND"))
        joins = before and after
        if joins:
            out.append(tok)
        else:
            hints.append(f"{tok.text} joins nothing there; it was searched for as text")
            out.append(tok._replace(kind="term"))
    return out


class _Parser:
    """conj := item*;  item := [AND] [NOT | -] disj;  disj := unit (OR unit)*;
    unit := term | ( conj ).  Tokens come from _balance and _operators, so every
    bracket has its partner and every operator joins something."""

    def __init__(self, tokens: list[_Token], hints: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.hints = hints

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, kind: str, text: str | None = None) -> bool:
        tok = self.peek()
        if tok is not None and tok.kind == kind and (text is None or tok.text == text):
            self.pos += 1
            return True
        return False

    def conj(self) -> All:
        items: list[Node] = []
        excluded: list[Node] = []
        while (tok := self.peek()) is not None and tok.kind != ")":
            if self.take("op", "AND"):
                continue
            negate = self.take("-") or self.take("op", "NOT")
            node = self.disj()
            if node is None:
                continue
            if isinstance(node, All):  # a group: its items join ours, unless negated as a whole
                if negate and node.items:
                    excluded.append(node)
                else:
                    items.extend(() if negate else node.items)
                    excluded.extend(node.excluded)
            elif negate:
                excluded.append(node)
            else:
                items.append(node)
        return All(tuple(dict.fromkeys(items)), tuple(dict.fromkeys(excluded)))

    def disj(self) -> Node | None:
        alternatives = [self.unit()]
        while self.take("op", "OR"):
            alternatives.append(self.unit())
        flat: list[Node] = []
        for node in alternatives:
            if node is None:
                continue
            if isinstance(node, All) and not node.items:
                if len(alternatives) > 1:
                    raise QueryError(
                        "an alternative of OR only excludes terms",
                        "exclude them from the whole query instead, for example: zxkb search -- 远程 OR 视频 -监督",
                    )
                return node
            flat.extend(node.items if isinstance(node, Any) else [node])
        flat = list(dict.fromkeys(flat))
        if not flat:
            return None
        return flat[0] if len(flat) == 1 else Any(tuple(flat))

    def unit(self) -> Node | None:
        tok = self.peek()
        if tok is None:
            return None
        self.pos += 1
        if tok.kind == "(":
            inner = self.conj()
            self.take(")")
            return inner.items[0] if len(inner.items) == 1 and not inner.excluded else inner
        key = textnorm.fold(tok.text)
        return Term(key) if key else None


def parse_query(text: str) -> Query:
    hints: list[str] = []
    connectors: list[str] = []
    tokens = _operators(_balance(_lex(text), hints), hints, connectors)
    root = _Parser(tokens, hints).conj()
    if not root.items:
        if root.excluded:
            raise QueryError(
                "the query only excludes terms; it needs at least one term to find",
                "for example: zxkb search -- 协商 -监督",
            )
        raise QueryError("the query is empty", "give a term to find, for example: zxkb search 远程协商")
    return Query(text, root, tuple(dict.fromkeys(hints)), tuple(dict.fromkeys(connectors)))
