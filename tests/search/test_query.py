from __future__ import annotations

import pytest

from zxkb.errors import QueryError
from zxkb.search.query import parse_query


def test_terms_are_anded_and_or_binds_tighter() -> None:
    q = parse_query("远程 OR 视频 协商")
    assert q.groups == (("远程", "视频"), ("协商",))
    assert q.match_expression() == '("远 程" OR "视 频") AND "协 商"'


def test_exclusion_and_phrase() -> None:
    q = parse_query('协商 -监督 "会议 现场"')
    assert q.groups == (("协商",), ("会议现场",))
    assert q.excluded == ("监督",)
    assert q.match_expression() == '("协 商" AND "会 议 现 场") NOT "监 督"'


def test_terms_are_folded() -> None:
    assert parse_query("遠程協商").groups == (("远程协商",),)
    assert parse_query("２０１９").groups == (("2019",),)


@pytest.mark.parametrize("hostile", ['"', "(", ")", "*", "NEAR", "'; DROP TABLE x; --", "a:b", "^", "OR", "AND NOT"])
def test_any_string_is_a_literal(hostile: str) -> None:
    q = parse_query(hostile)
    # every phrase is made of our own tokens: no FTS5 syntax from the user survives
    expr = q.match_expression()
    inner = expr.replace('"', " ").replace("(", " ").replace(")", " ").split()
    assert all(t in ("AND", "OR", "NOT") or t.isalnum() for t in inner)


def test_unbalanced_quote_is_a_character() -> None:
    assert parse_query('"远程').groups == (('"远程',),)


@pytest.mark.parametrize("empty", ["", "   ", "\u200b"])
def test_empty_query(empty: str) -> None:
    with pytest.raises(QueryError, match="empty"):
        parse_query(empty)


def test_only_exclusions() -> None:
    with pytest.raises(QueryError, match="only excludes"):
        parse_query("-监督")
