"""The query language -> an FTS5 MATCH expression (pure).

    远程 协商        both terms (AND)
    远程 OR 视频     either term; OR binds tighter than AND: a b OR c = a AND (b OR c)
    协商 -监督       exclude a term (a query that starts with - goes after --)
    "会议 现场"      an exact phrase; whitespace inside it is ignored like everywhere

Every term is folded by zxkb.textnorm and becomes a phrase of one token per
character, so any string a user can type is a literal: `(`, `*`, `NEAR`, quotes
and SQL are searched for, never interpreted by FTS5.
"""

from __future__ import annotations

from typing import NamedTuple

from zxkb import textnorm
from zxkb.errors import QueryError


class Query(NamedTuple):
    text: str
    groups: tuple[tuple[str, ...], ...]  # AND of groups, each an OR of folded keys
    excluded: tuple[str, ...]  # folded keys that must not occur

    @property
    def keys(self) -> tuple[str, ...]:
        """Every key that a hit may contain (for highlighting)."""
        return tuple(key for group in self.groups for key in group)

    def match_expression(self) -> str:
        def phrase(key: str) -> str:
            return f'"{textnorm.tokens(key)}"'

        parts = []
        for group in self.groups:
            alts = [phrase(k) for k in group]
            parts.append(alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")")
        expr = " AND ".join(parts)
        for key in self.excluded:
            expr = f"({expr}) NOT {phrase(key)}"
        return expr


class _Item(NamedTuple):
    text: str
    negated: bool = False
    quoted: bool = False

    @property
    def is_or(self) -> bool:
        return self.text == "OR" and not self.quoted and not self.negated


def _split(text: str) -> list[_Item]:
    items: list[_Item] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negated = text[i] == "-" and i + 1 < n and not text[i + 1].isspace()
        j = i + 1 if negated else i
        if text[j] == '"' and '"' in text[j + 1 :]:
            end = text.index('"', j + 1)
            items.append(_Item(text[j + 1 : end], negated, quoted=True))
            i = end + 1
            continue
        end = j
        while end < n and not text[end].isspace():
            end += 1
        items.append(_Item(text[j:end], negated))
        i = end
    return items


def parse_query(text: str) -> Query:
    items = _split(text)
    groups: list[list[str]] = []
    excluded: list[str] = []
    join_next = False
    for pos, item in enumerate(items):
        if item.is_or and 0 < pos < len(items) - 1 and groups and not items[pos + 1].negated:
            join_next = True
            continue
        key = textnorm.fold(item.text)
        if not key:
            continue
        if item.negated:
            excluded.append(key)
        elif join_next:
            groups[-1].append(key)
        else:
            groups.append([key])
        join_next = False
    if not groups:
        if excluded:
            raise QueryError(
                "the query only excludes terms; it needs at least one term to find",
                "for example: zxkb search -- 协商 -监督",
            )
        raise QueryError("the query is empty", "give a term to find, for example: zxkb search 远程协商")
    return Query(text, tuple(tuple(g) for g in groups), tuple(excluded))
