"""The pages across the archive without a browser (/trend, /compare, /track):
what they show is what the API answers, zeros for empty years, every count and
reference a link to the paragraphs it counts, report text escaped, the CLI's
message for a report without a successor."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from tests.conftest import SEED, Cli, seed_variants
from tests.web.conftest import ingest
from zxkb.web.across import box_text, split_terms
from zxkb.web.guard import CHART_CSP, CSP


def chart_data(page: str) -> Any:
    found = re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', page, re.S)
    assert found, "no chart data"
    return json.loads(found.group(1))


def visible(page: str) -> str:
    return re.sub(r'<script type="application/json"[^>]*>.*?</script>', "", page, flags=re.S)


def test_the_box_reads_as_the_command_line() -> None:
    assert split_terms("脱贫攻坚 乡村振兴") == ["脱贫攻坚", "乡村振兴"]
    assert split_terms('脱贫攻坚，乡村振兴、"远程  协商"；委员') == ["脱贫攻坚", "乡村振兴", "远程 协商", "委员"]
    assert split_terms("“远程 协商” 协商") == ["远程 协商", "协商"]
    for terms in (["远程 协商", "协商"], ["a,b", "委员"], ["脱贫攻坚"]):
        assert split_terms(box_text(terms)) == terms


def test_the_trend_table_is_the_apis_with_zeros_and_links(client: Any) -> None:
    params = [("term", "协商"), ("term", "发展"), ("year", "2015-2020")]
    api = client.get(f"/api/trend?{urlencode(params)}").json()
    response = client.get(f"/trend?{urlencode(params)}")
    assert response.headers["content-security-policy"] == CHART_CSP
    page = response.text
    data = chart_data(page)
    assert data["labels"] == [b["label"] for b in api["buckets"]] == [str(y) for y in range(2015, 2021)]
    assert [s["name"] for s in data["series"]] == ["协商", "发展"]
    empty = [b for b in api["buckets"] if b["reports"] == 0]
    assert empty, "the range should hold a year without a report"
    for i, term in enumerate(("协商", "发展")):
        assert data["series"][i]["values"] == [b["counts"][i]["per_10k"] for b in api["buckets"]]
        for b, link in zip(api["buckets"], data["series"][i]["links"], strict=True):
            count = b["counts"][i]
            if count["paragraphs"]:
                assert link == f"/?q={quote(term)}&year={b['key']}"
                assert f'href="{html.escape(link)}">{count["paragraphs"]}</a>' in page
                # the link's search finds the paragraphs the table counts
                assert (
                    client.get(f"/api/search?q={quote(term)}&year={b['key']}&limit=0").json()["total"]
                    == count["paragraphs"]
                )
            else:
                assert link is None
    row = re.search(rf"<th scope=\"row\" class=\"bucket\">{empty[0]['key']}</th>(.*?)</tr>", page, re.S)
    assert row and re.findall(r">(\d+(?:\.\d+)?)</td>", row.group(1)) == ["0"] + ["0", "0", "0", "0.00"] * 2


def test_trend_links_keep_the_filters_and_name_the_bucket(client: Any) -> None:
    page = client.get("/trend?terms=发展&by=region&type=government").text
    api = client.get("/api/trend?term=发展&by=region&type=government").json()
    for b in api["buckets"]:
        if b["counts"][0]["paragraphs"]:
            assert html.escape(f"/?q={quote('发展')}&type=government&region={quote(b['key'])}") in page
    measured = chart_data(client.get("/trend?terms=发展&by=region&measure=occurrences").text)
    assert measured["series"][0]["values"] == [
        b["counts"][0]["occurrences"] for b in client.get("/api/trend?term=发展&by=region").json()["buckets"]
    ]
    assert client.get("/trend?terms=发展&measure=foo").status_code == 400
    assert client.get("/trend?terms=发展&by=foo").status_code == 400
    empty = client.get("/trend")
    assert (
        empty.status_code == 200 and "chart-data" not in empty.text and empty.headers["content-security-policy"] == CSP
    )


def test_the_pages_are_in_the_navigation(client: Any) -> None:
    page = client.get("/").text
    for path in ("/trend", "/compare", "/track"):
        assert f'<a href="{path}">' in page
        assert f'<a href="{path}" aria-current="page">' in client.get(path).text


def test_compare_of_two_reports_links_terms_and_initiatives(client: Any) -> None:
    api = client.get("/api/compare?left=2&right=3").json()
    response = client.get("/compare?left=2&right=3")
    assert response.status_code == 200 and response.headers["content-security-policy"] == CSP
    page = response.text
    for name in ("rising", "falling", "new", "gone"):
        for t in api["terms"][name]:
            assert f'<th scope="row" class="term">{html.escape(t["term"])}</th>' in page
            if t["right"]["count"]:
                assert html.escape(f"/?q={quote(t['term'])}&doc=3") in page
    initiatives = api["initiatives"]
    refs = [*(k["left"] for k in initiatives["kept"]), *(k["right"] for k in initiatives["kept"])]
    for ref in [*refs, *initiatives["new"], *initiatives["dropped"]]:
        doc, n = ref.split(":")
        assert f'href="/doc/{doc}#p{n}">[{ref}]</a>' in page
    assert initiatives["kept"] or initiatives["new"] or initiatives["dropped"]


def test_compare_of_two_year_ranges(client: Any) -> None:
    params = "left-year=2016-2017&right-year=2018-2026&type=government"
    api = client.get(f"/api/compare?{params}").json()
    page = client.get(f"/compare?{params}").text
    assert api["initiatives"] is None and 'table class="docs kept"' not in page
    for t in api["terms"]["rising"]:
        assert html.escape(f"/?q={quote(t['term'])}&year=2018-2026&type=government") in page
    assert client.get("/compare?left=1").status_code == 400  # side B names no report, as the CLI says


@pytest.mark.parametrize("path", ["/trend?term=远程协商&by=doc", "/compare?left={doc}&right=1", "/track"])
def test_report_text_is_escaped(client: Any, hostile_doc: int, path: str) -> None:
    page = client.get(path.format(doc=hostile_doc)).text
    body = visible(page)
    assert all('src="/static/' in tag for tag in re.findall(r"<script[^>]*>", body)), path
    for raw in ("<script>window.__pwned", "<img src=x", "<svg onload", "<b onmouseover", "' onfocus='"):
        assert raw not in page, (raw, path)
    assert "&lt;b onmouseover=&#34;" in body, path


def test_a_report_without_successor_says_what_the_cli_says(client: Any, web_db: Path) -> None:
    result = Cli()("track", "7", "--db", str(web_db), code=1)
    error = re.search(r"^Error: (.*)$", result.stderr, re.M)
    hint = re.search(r"^Hint: (.*)$", result.stderr, re.M)
    assert error and hint
    page = html.unescape(client.get("/track?doc=7").text)
    assert f"Error: {error.group(1)}" in page and f"Hint: {hint.group(1)}" in page
    assert client.get("/track?doc=999999").status_code == 404


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The seed (2020, with its 2020 work plan) and a report made from it delivered in
    2021, its successor (as tests/cli/test_analysis.py makes them)."""
    from starlette.testclient import TestClient

    from zxkb.web.app import create_app

    folder = tmp_path_factory.mktemp("track")
    (variant,) = seed_variants(folder / "in", 1)
    variant.write_text(SEED.read_text(encoding="utf-8").replace("2020年1月6日", "2021年1月6日"), encoding="utf-8")
    ingest(folder / "track.db", SEED, variant)
    with TestClient(create_app(folder / "track.db"), base_url="http://127.0.0.1:8765") as c:
        yield c


def test_track_marks_each_plan_item_and_links_its_evidence(planned: Any) -> None:
    api = planned.get("/api/track?doc=1").json()
    assert api["next"] == 2 and api["plans"]
    page = planned.get("/track?doc=1").text
    items = re.findall(r'<li class="plan status-(\w+)">\s*<p class="plan-head"><span class="status status-\1">', page)
    assert items == [p["status"] for p in api["plans"]]
    for p in api["plans"]:
        doc, n = p["ref"].split(":")
        assert f'href="/doc/{doc}#p{n}">[{p["ref"]}]</a>' in page
        for e in p["evidence"]:
            doc, n = e["ref"].split(":")
            assert f'href="/doc/{doc}#p{n}">[{e["ref"]}]</a>' in page
    for status, label in (("reported", "已报告"), ("mentioned", "有提及"), ("not_found", "未见报告")):
        n = sum(1 for p in api["plans"] if p["status"] == status)
        assert f'<li class="status status-{status}">{label} <strong>{n}</strong></li>' in page
    assert len(re.findall(r"吻合 \d+%", page)) == sum(len(p["evidence"]) for p in api["plans"])
    assert planned.get("/track?doc=1&evidence=0").status_code == 400
