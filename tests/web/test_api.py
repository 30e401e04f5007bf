"""/api/NAME answers with `zxkb NAME --json`'s bytes for the same arguments,
and a bad parameter with the CLI's message and hint (400; 404 for an unknown
paragraph). Every endpoint of zxkb.web.endpoints is compared."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.conftest import Cli
from zxkb.web.endpoints import ENDPOINTS

# (the CLI's arguments, the API's parameters): the same question asked both ways
CASES: list[tuple[list[str], list[tuple[str, str]]]] = [
    (["search", "远程协商"], [("q", "远程协商")]),
    (["search", "协商", "--limit", "3", "--year", "2016-2020"], [("q", "协商"), ("limit", "3"), ("year", "2016-2020")]),
    (["search", "协商", "--limit", "0"], [("q", "协商"), ("limit", "0")]),
    (["search", "远程", "OR", "视频", "协商"], [("q", "远程 OR 视频"), ("q", "协商")]),
    (["search", "--", "协商", "-监督"], [("q", "协商 -监督")]),
    (["search", "远成协商"], [("q", "远成协商")]),  # no hit: suggestions
    (["search", "远成协商", "--fuzzy"], [("q", "远成协商"), ("fuzzy", "1")]),
    (
        ["search", "委员", "--all", "--section", "二", "-n", "5"],
        [("q", "委员"), ("all", "true"), ("section", "二"), ("limit", "5")],
    ),
    (
        ["search", "发展", "--region", "北京", "--region", "广东", "--type", "government"],
        [("q", "发展"), ("region", "北京"), ("region", "广东"), ("type", "government")],
    ),
    (["search", "政府", "--doc", "株洲", "--copies"], [("q", "政府"), ("doc", "株洲"), ("copies", "1")]),
    (["show", "1:12"], [("ref", "1:12")]),
    (["show", "1:12", "--context", "3"], [("ref", "1:12"), ("context", "3")]),
    (["show", "2:1", "-C", "0"], [("ref", "2:1"), ("context", "0")]),
    (["list"], []),
    (["list", "--section", "二"], [("section", "二")]),
    (["list", "--doc", "1"], [("doc", "1")]),
    (["docs"], []),
    (["docs", "--type", "government", "--year", "2016-2017"], [("type", "government"), ("year", "2016-2017")]),
    (["fuzzy", "ycxs"], [("term", "ycxs")]),
    (
        ["fuzzy", "远成协商", "--min-score", "70", "--limit", "3"],
        [("term", "远成协商"), ("min-score", "70"), ("limit", "3")],
    ),
    (["fuzzy", "委员之家", "--region", "株洲"], [("term", "委员之家"), ("region", "株洲")]),
    (["search", "协商", "--count-by", "year"], [("q", "协商"), ("count_by", "year")]),
    (
        ["search", "发展", "--count-by", "region", "--type", "government"],
        [("q", "发展"), ("count-by", "region"), ("type", "government")],
    ),
    (["search", "远成协商", "--count-by", "doc"], [("q", "远成协商"), ("count_by", "doc")]),  # no hit: no bucket
    (["trend", "脱贫攻坚", "乡村振兴"], [("term", "脱贫攻坚"), ("term", "乡村振兴"), ("by", "year")]),
    (["trend", "远程 协商", "协商"], [("term", "远程 协商"), ("term", "协商")]),  # a term of two words
    (
        ["trend", "发展", "--by", "region", "--type", "government"],
        [("term", "发展"), ("by", "region"), ("type", "government")],
    ),
    (["trend", "委员", "--by", "doc", "--copies"], [("term", "委员"), ("by", "doc"), ("copies", "1")]),
    (["trend", "改革", "--year", "2015-2019", "--refs", "2"], [("term", "改革"), ("year", "2015-2019"), ("refs", "2")]),
    (
        ["trend", "协商", "--kwic", "-w", "4", "--region", "株洲"],
        [("term", "协商"), ("kwic", "true"), ("width", "4"), ("region", "株洲")],
    ),
    (["trend", "火星基地"], [("term", "火星基地")]),  # no occurrence: zeros, exit 1
    (["compare", "5", "6"], [("left", "5"), ("right", "6")]),
    (["compare", "2", "3", "-n", "3"], [("left", "2"), ("right", "3"), ("limit", "3")]),
    (
        ["compare", "--left-year", "2016-2017", "--right-year", "2018-2026", "--type", "government", "-n", "0"],
        [("left-year", "2016-2017"), ("right_year", "2018-2026"), ("type", "government"), ("limit", "0")],
    ),
    (
        ["compare", "--left-doc", "北京", "--right-region", "广东", "--right-region", "四川"],
        [("left-doc", "北京"), ("right-region", "广东"), ("right-region", "四川")],
    ),
    (["track", "5"], [("doc", "5")]),
    (["track", "5", "--evidence", "1"], [("doc", "5"), ("evidence", "1")]),
    (["track", "6"], [("doc", "6")]),  # no next report stored: next is null (exit 1)
]

# (the CLI's arguments, the API's parameters, the status): mistakes, said the same way
ERRORS: list[tuple[list[str], list[tuple[str, str]], int]] = [
    (["search", "协商", "--limit", "abc"], [("q", "协商"), ("limit", "abc")], 400),
    (["search", "协商", "--limit", "-1"], [("q", "协商"), ("limit", "-1")], 400),
    (["search", "协商", "--year", "20x"], [("q", "协商"), ("year", "20x")], 400),
    (["search", "协商", "--region", "火星"], [("q", "协商"), ("region", "火星")], 400),
    (["search", "协商", "--type", "foo"], [("q", "协商"), ("type", "foo")], 400),
    (["search", "协商", "--section", "九十"], [("q", "协商"), ("section", "九十")], 400),
    (["search", "协商", "--min-score", "3"], [("q", "协商"), ("min-score", "3")], 400),
    (["search", '""'], [("q", '""')], 400),
    (["search"], [], 400),
    (["show", "abc"], [("ref", "abc")], 400),
    (["show", "1:99999"], [("ref", "1:99999")], 404),
    (["show", "1:2", "--context", "-1"], [("ref", "1:2"), ("context", "-1")], 400),
    (["show"], [], 400),
    (["fuzzy", "ycxs", "--min-score", "200"], [("term", "ycxs"), ("min-score", "200")], 400),
    (["fuzzy", "ycxs", "--min-score", "abc"], [("term", "ycxs"), ("min-score", "abc")], 400),
    (["docs", "--speaker", "某某"], [("speaker", "某某")], 400),
    (["list", "--section", "九十"], [("section", "九十")], 400),
    (["search", "协商", "--count-by", "foo"], [("q", "协商"), ("count-by", "foo")], 400),
    (["search", "协商", "--count-by", "year", "--fuzzy"], [("q", "协商"), ("count_by", "year"), ("fuzzy", "1")], 400),
    (
        ["search", "协商", "--count-by", "year", "--section", "二"],
        [("q", "协商"), ("count_by", "year"), ("section", "二")],
        400,
    ),
    (["trend"], [("by", "year")], 400),
    (["trend", "协商", "--by", "foo"], [("term", "协商"), ("by", "foo")], 400),
    (["trend", "协商", "--refs", "-1"], [("term", "协商"), ("refs", "-1")], 400),
    (["trend", "协商", "--width", "x"], [("term", "协商"), ("width", "x")], 400),
    (["trend", "协商", "--kwic", "--width", "-2"], [("term", "协商"), ("kwic", "1"), ("width", "-2")], 400),
    (["trend", "协商", "--year", "20x"], [("term", "协商"), ("year", "20x")], 400),
    (["trend", "协商", "--speaker", "某某"], [("term", "协商"), ("speaker", "某某")], 400),
    (["trend", '""'], [("term", '""')], 400),
    (["compare"], [], 400),
    (["compare", "1"], [("left", "1")], 400),
    (["compare", "99999", "1"], [("left", "99999"), ("right", "1")], 400),
    (["compare", "1", "2", "--limit", "-1"], [("left", "1"), ("right", "2"), ("limit", "-1")], 400),
    (["compare", "--left-year", "1900", "--right-year", "2016"], [("left-year", "1900"), ("right-year", "2016")], 400),
    (["compare", "1", "2", "--region", "火星"], [("left", "1"), ("right", "2"), ("region", "火星")], 400),
    (["track"], [], 400),
    (["track", "99999"], [("doc", "99999")], 404),
    (["track", "报告"], [("doc", "报告")], 400),  # names many reports
    (["track", "1", "--evidence", "0"], [("doc", "1"), ("evidence", "0")], 400),
]


def cli_json(db: Path, args: list[str]) -> str:
    """What `zxkb … --json` prints (exit 0, or 1 for no hits)."""
    head, *rest = args
    extra = ["--json"] if "--" not in rest else []
    cut = rest.index("--") if "--" in rest else len(rest)
    result = Cli()(
        head, "--db", str(db), *extra, *rest[:cut], *(["--json", *rest[cut:]] if "--" in rest else []), code=None
    )
    assert result.exit_code in (0, 1), result
    return result.stdout


def cli_error(db: Path, args: list[str]) -> tuple[str, str | None]:
    head, *rest = args
    result = Cli()(head, "--db", str(db), "--json", *rest, code=2)
    assert result.stdout == ""
    error = re.search(r"^Error: (.*)$", result.stderr, re.M)
    hint = re.search(r"^Hint: (.*)$", result.stderr, re.M)
    assert error, result.stderr
    return error.group(1), hint.group(1) if hint else None


@pytest.mark.parametrize(("args", "params"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_the_api_is_the_clis_json_byte_for_byte(
    web_db: Path, client: Any, args: list[str], params: list[tuple[str, str]]
) -> None:
    response = client.get(f"/api/{args[0]}?{urlencode(params)}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    expected = cli_json(web_db, args)
    assert response.content == expected.encode("utf-8")
    assert response.content.endswith(b"\n") and json.loads(response.content) is not None


def test_every_endpoint_is_compared() -> None:
    assert {args[0] for args, _ in CASES} == set(ENDPOINTS)


@pytest.mark.parametrize(("args", "params", "status"), ERRORS, ids=[" ".join(a) or "none" for a, _, _ in ERRORS])
def test_a_bad_parameter_is_the_clis_error(
    web_db: Path, client: Any, args: list[str], params: list[tuple[str, str]], status: int
) -> None:
    message, hint = cli_error(web_db, args)
    response = client.get(f"/api/{args[0]}?{urlencode(params)}")
    assert (response.status_code, response.json()) == (status, {"error": message, "hint": hint})
    if args[0] == "search" and params:  # the search page says the same, as a page
        page = client.get(f"/?{urlencode(params)}")
        assert page.status_code == status
        assert "Traceback" not in page.text
        assert f"Error: {message}" in html.unescape(re.sub(r"<[^>]+>", "", page.text))
        assert hint is None or f"Hint: {hint}" in html.unescape(re.sub(r"<[^>]+>", "", page.text))


def test_an_unknown_parameter_is_an_unknown_option(client: Any) -> None:
    response = client.get("/api/show?ref=1:2&contex=3")
    assert response.status_code == 400
    assert response.json() == {"error": "No such option: --contex", "hint": "zxkb show --help shows every option"}


def test_an_unknown_endpoint_is_404(client: Any) -> None:
    response = client.get("/api/export")
    assert response.status_code == 404 and "error" in response.json()


def test_head_answers_as_get_without_a_body(client: Any) -> None:
    get = client.get("/api/docs")
    head = client.head("/api/docs")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]
