"""The pages without a browser: what they show is what the library answers
(paging, facets, the reader's paragraphs, highlights, copies)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote


def refs(page: str) -> list[str]:
    return re.findall(r'<a class="ref" href="[^"]*">\[(\d+:\d+)\]</a>', page)


def test_paging_shows_the_next_hits_in_order(client: Any) -> None:
    every = [h["ref"] for h in client.get("/api/search?q=发展&limit=0").json()["hits"]]
    assert len(every) > 20
    assert refs(client.get("/?q=发展").text) == every[:10]
    second = client.get("/?q=发展&page=2").text
    assert refs(second) == every[10:20]
    assert 'rel="prev"' in second and 'aria-current="page">2<' in second
    assert refs(client.get("/?q=发展&limit=5&page=3").text) == every[10:15]
    assert client.get("/?q=发展&page=0").status_code == 400


def test_hits_link_to_their_paragraph_with_the_query(client: Any) -> None:
    page = client.get("/?q=远程协商").text
    hit = client.get("/api/search?q=远程协商").json()["hits"][0]
    doc, n = hit["ref"].split(":")
    assert f'href="/doc/{doc}?hl={quote("远程协商")}#p{n}"' in page
    assert "<mark>远程协商</mark>" in page


def test_no_hit_suggests_terms(client: Any) -> None:
    page = client.get("/?q=远成协商").text
    suggestions = client.get("/api/search?q=远成协商").json()["suggestions"]
    assert suggestions and f"?q={quote(suggestions[0]['term'])}" in page and "您是不是要找" in page


def test_approximate_hits_are_marked(client: Any) -> None:
    page = client.get("/?q=远成协商&fuzzy=1").text
    assert "match-approximate" in page and "≈ 远程协商" in page


def test_facets_count_the_reports(client: Any) -> None:
    docs = client.get("/api/docs").json()
    reports = [d for d in docs if d["copy_of"] is None]
    page = client.get("/docs").text
    for year in {d["year"] for d in reports if d["year"]}:
        n = sum(1 for d in reports if d["year"] == year)
        assert re.search(rf"year={year}\"[^>]*>{year}</a>\s*<span class=\"count\">{n}</span>", page), year
    chosen = client.get("/docs?region=北京").text
    assert 'class="chosen"' in chosen and chosen.count("<tr>") + chosen.count('<tr class="copy">') == 1 + 1


def test_the_reader_has_every_paragraph_at_its_anchor(client: Any) -> None:
    export = client.get("/api/show?ref=1:1&context=100000").json()
    paragraphs = [export, *export["context"]]
    page = client.get("/doc/1").text
    hidden = [p for p in paragraphs if p["kind"] in ("noise", "chrome", "duplicate")]
    shown = [p for p in paragraphs if p not in hidden]
    for p in shown:
        assert f'id="p{p["paragraph"]}"' in page
    for p in hidden:
        assert f'id="p{p["paragraph"]}"' not in page
    assert hidden and f"已隐藏 {len(hidden)} 段" in page
    every = client.get("/doc/1?all=1").text
    assert all(f'id="p{p["paragraph"]}"' in every for p in paragraphs)
    outline = client.get("/api/list?doc=1").json()[0]["sections"]
    for section in outline:
        assert f'href="#p{section["ref"].split(":")[1]}"' in page


def test_the_reader_highlights_the_query(client: Any) -> None:
    page = client.get("/doc/1?hl=远程协商").text
    hits = [h["paragraph"] for h in client.get("/api/search?q=远程协商&doc=1&limit=0").json()["hits"]]
    for n in hits:
        assert re.search(rf'id="p{n}" class="para kind-body has-mark"', page)
    assert page.count("<mark>远程协商</mark>") >= len(hits)
    assert "出现在" in page
    odd = client.get("/doc/1?hl=%22")  # a query of nothing but a quote: the text, nothing marked
    assert odd.status_code == 200 and "has-mark" not in odd.text and "不在本文显示的段落中" in odd.text


def test_the_reader_shows_copies_and_sources(client: Any) -> None:
    docs = client.get("/api/docs").json()
    (copy,) = [d for d in docs if d["source"].endswith("copy-of-seed.txt")]
    assert copy["copy_of"] is not None
    canonical = client.get(f"/doc/{copy['copy_of']}").text
    assert f'href="/doc/{copy["id"]}"' in canonical and "copy-of-seed.txt" in canonical
    page = client.get(f"/doc/{copy['id']}").text
    assert f'<a href="/doc/{copy["copy_of"]}">文档 {copy["copy_of"]}</a> 的副本' in page


def test_docs_page_pages(client: Any) -> None:
    assert client.get("/docs?page=1").status_code == 200
    assert client.get("/docs?page=x").status_code == 400
