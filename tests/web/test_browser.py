"""In a real browser (Debian's headless Chromium driven by Playwright): type a
query, see the highlighted hit, click it, land at the paragraph in the reader
with its outline; use a facet; draw the chart and follow a bar; the same at a
phone's width; a hostile report runs nothing; nothing is fetched from outside.

Each page is photographed at 1280 and 390 pixels wide: into a temporary folder,
or, with ZXKB_SCREENSHOTS=docs, into docs/ for the README (on the whole corpus
when ../shared/corpus is there)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest

from tests.conftest import CORPUS, ROOT
from tests.web.conftest import REPORTS, Server, ingest, start_server, stop_server

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install -e '.[dev]'")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="no Chromium here: apt-get install chromium fonts-noto-cjk (.ci/run installs them)",
)
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDE, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """zxkb serve on the whole corpus (else on the test reports)."""
    db = tmp_path_factory.mktemp("browser") / "site.db"
    ingest(db, *([CORPUS] if CORPUS.is_dir() else REPORTS))
    running = start_server(db)
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, chromium_sandbox=False, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("ZXKB_SCREENSHOTS")
    folder = (ROOT / chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Watched:
    """A page, with what it said on its console and everything it asked for outside the server."""

    def __init__(self, browser: Any, site: Server, viewport: dict[str, int]) -> None:
        self.context = browser.new_context(viewport=viewport, locale="zh-CN")
        self.outside: list[str] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.site = site

    def _route(self, route: Any) -> None:
        if route.request.url.startswith(self.site.url):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def go(self, path: str) -> Any:
        self.page.goto(self.site.url + quote(path.lstrip("/"), safe="/?=&#"))
        return self.page

    def check(self) -> None:
        """Nothing fetched from outside, no script error, no CSP violation, no dialog."""
        assert self.outside == [] and self.errors == [] and self.dialogs == []
        assert not [m for m in self.console if "Content Security Policy" in m or m.startswith("error")], self.console
        self.context.close()


@pytest.fixture
def wide(browser: Any, site: Server) -> Iterator[Watched]:
    watched = Watched(browser, site, WIDE)
    yield watched
    watched.check()


@pytest.fixture
def phone(browser: Any, site: Server) -> Iterator[Watched]:
    watched = Watched(browser, site, PHONE)
    yield watched
    watched.check()


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def test_search_then_the_hit_in_the_reader(wide: Watched, shots: Path) -> None:
    page = wide.go("/")
    page.fill("input[name=q]", "远程协商")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector(".hit")
    first = page.locator(".hit").first
    assert first.locator(".snippet mark").first.inner_text() == "远程协商"
    assert "共" in page.locator(".summary").inner_text()
    first.locator(".hit-title a").click()
    page.wait_for_load_state()
    assert "/doc/" in page.url and "hl=" in page.url
    fragment = page.url.rsplit("#", 1)[1]
    target = page.locator(":target")
    assert target.get_attribute("id") == fragment
    assert target.locator("mark").first.inner_text() == "远程协商"
    assert target.is_visible() and page.evaluate("document.querySelector(':target').getBoundingClientRect().top") < 400
    toc = page.locator("nav.toc")
    assert toc.is_visible() and toc.locator("a").count() > 3
    page.screenshot(path=str(shots / "reader.png"))
    # the outline's links are the paragraphs' anchors
    link = toc.locator("a").nth(2)
    href = link.get_attribute("href")
    link.click()
    assert page.url.endswith(href) and page.locator(href).is_visible()
    no_sideways_scroll(page)


def test_a_facet_narrows_the_hits(wide: Watched, shots: Path) -> None:
    page = wide.go("/?q=协商")
    page.screenshot(path=str(shots / "search.png"))
    before = int(page.locator(".summary strong").inner_text())
    region = page.locator(".facet-region li a").first
    name = region.inner_text()
    region.click()
    page.wait_for_load_state()
    assert "region=" in page.url and unquote(page.url).count(name) >= 1
    after = int(page.locator(".summary strong").inner_text())
    assert 0 < after <= before
    assert page.locator(".facet-region li.chosen a").inner_text() == name
    assert page.locator(".chips a").first.is_visible()
    api = wide.context.request.get(wide.site.url + "api/search?" + "q=%E5%8D%8F%E5%95%86&region=" + quote(name))
    assert api.json()["total"] == after
    page.locator(".chips a").first.click()  # and back
    page.wait_for_load_state()
    assert int(page.locator(".summary strong").inner_text()) == before


def test_the_chart_draws_offline_and_a_bar_opens_its_reports(wide: Watched, shots: Path) -> None:
    page = wide.go("/docs")
    page.wait_for_selector(".chart[data-drawn=true] canvas")
    page.screenshot(path=str(shots / "docs.png"))
    point = page.evaluate(
        """() => {
          const el = document.querySelector('.chart');
          const data = JSON.parse(document.getElementById(el.dataset.source).textContent);
          const values = data.series[0].values;
          const i = values.indexOf(Math.max(...values));
          const [x, y] = echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 0}, [data.labels[i], values[i] / 2]);
          const box = el.getBoundingClientRect();
          return {x: box.left + x, y: box.top + y, year: data.labels[i]};
        }"""
    )
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(f"**/docs?year={point['year']}")
    years = {cell.strip() for cell in page.locator("table.docs tbody td:nth-child(5)").all_inner_texts()}
    assert years == {point["year"]}


def test_at_a_phones_width(phone: Watched, shots: Path) -> None:
    page = phone.go("/?q=协商")
    facets = page.locator("aside.facets")
    assert not facets.is_visible()
    no_sideways_scroll(page)
    page.screenshot(path=str(shots / "search-phone.png"))
    page.click("label[for=facets-toggle]")
    assert facets.is_visible()
    page.locator(".hit-title a").first.click()
    page.wait_for_load_state()
    toc = page.locator("nav.toc")
    assert not toc.is_visible() and page.locator(":target mark").first.is_visible()
    no_sideways_scroll(page)
    page.screenshot(path=str(shots / "reader-phone.png"))
    page.click("label[for=toc-toggle]")
    assert toc.is_visible()
    page = phone.go("/docs")
    page.wait_for_selector(".chart[data-drawn=true] canvas")
    no_sideways_scroll(page)
    page.screenshot(path=str(shots / "docs-phone.png"))


def test_a_hostile_report_runs_nothing(browser: Any, server: Server) -> None:
    """On the test reports and the hostile one (tests/web/conftest.py): its title, paragraphs
    and file name hold script, event handlers and attribute-breaking quotes."""
    wide = Watched(browser, server, WIDE)
    page = wide.go("/docs")
    hostile = page.locator("table.docs a", has_text="<b onmouseover")
    assert hostile.count() == 1
    hostile.hover()
    hostile.click()
    page.wait_for_load_state()
    doc = page.url.rsplit("/", 1)[1]
    for path in (f"/doc/{doc}?hl=远程协商&all=1", "/?q=远程协商&all=1", "/?q=window.__pwned&all=1", f"/doc/{doc}"):
        page = wide.go(path)
        page.wait_for_load_state()
        for el in page.locator(".para, .hit, h1").all():
            el.hover()
        assert page.evaluate("typeof window.__pwned") == "undefined", path
    assert "<script>window.__pwned=4</script>" in page.locator(".paras").inner_text()
    assert page.evaluate("document.querySelectorAll('.paras script, .paras img, .paras svg, h1 b').length") == 0
    wide.check()


def bar_point(page: Any, series: int) -> dict[str, Any]:
    """Where the chart draws the highest bar of `series`, and that bar's bucket and link."""
    return dict(
        page.evaluate(
            """(series) => {
              const el = document.querySelector('.chart');
              const data = JSON.parse(document.getElementById(el.dataset.source).textContent);
              const values = data.series[series].values;
              const i = values.indexOf(Math.max(...values));
              const chart = echarts.getInstanceByDom(el);
              const bar = chart.getModel().getSeriesByIndex(series).getData().getItemLayout(i);
              const box = el.getBoundingClientRect();
              return {x: box.left + bar.x + bar.width / 2, y: box.top + bar.y + bar.height / 2,
                      label: data.labels[i], link: data.series[series].links[i],
                      count: data.series.length};
            }""",
            series,
        )
    )


def test_trend_of_two_terms_and_a_bar_opens_its_paragraphs(wide: Watched, shots: Path) -> None:
    page = wide.go("/trend")
    page.fill("input[name=terms]", "脱贫攻坚 乡村振兴")
    page.press("input[name=terms]", "Enter")
    page.wait_for_selector(".chart[data-drawn=true] canvas")
    assert [t.strip() for t in page.locator("th.term-head").all_inner_texts()] == ["脱贫攻坚", "乡村振兴"]
    page.screenshot(path=str(shots / "trend.png"))
    point = bar_point(page, 1)
    assert point["count"] == 2 and point["link"]
    row = page.locator("table.trend-table tbody tr", has=page.locator("th", has_text=point["label"]))
    paragraphs = int(row.locator("td").nth(6).inner_text())  # the second term's paragraphs
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(f"**/?q=*&year={point['label']}")
    assert unquote(page.url).split("?", 1)[1] == f"q=乡村振兴&year={point['label']}"
    assert int(page.locator(".summary strong").inner_text()) == paragraphs
    assert page.locator(".facet-year li.chosen a").inner_text() == point["label"]
    page.go_back()
    page.wait_for_selector("table.trend-table")
    link = page.locator("table.trend-table tbody td a").first
    href = link.get_attribute("href")
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith(href) and "year=" in href and page.locator(".hit").count() > 0
    no_sideways_scroll(page)


def _first_reports(page: Any, select: str = "select") -> list[str]:
    """The reports of the largest group of the form's first <select> of reports, newest first."""
    options = page.locator(f"{select} optgroup").first.locator("option")
    return list(options.evaluate_all("os => os.map(o => o.value)"))


def test_compare_two_reports_chosen_in_the_form(wide: Watched, shots: Path) -> None:
    page = wide.go("/compare")
    newer, older = _first_reports(page)[:2]
    page.select_option("select[name=left]", older)
    page.select_option("select[name=right]", newer)
    page.click("button.go")
    page.wait_for_selector(".term-lists")
    assert f"left={older}" in page.url and f"right={newer}" in page.url
    assert page.locator(".side-a h2 a").get_attribute("href") == f"/doc/{older}"
    assert page.locator(".term-list table").count() >= 1
    page.screenshot(path=str(shots / "compare.png"))
    kept = page.locator("table.kept a.ref")
    if kept.count():
        href = kept.nth(1).get_attribute("href")
        kept.nth(1).click()
        page.wait_for_load_state()
        assert page.url.endswith(href) and page.locator(":target").is_visible()
    no_sideways_scroll(page)


def test_track_a_report_chosen_in_the_form(wide: Watched, shots: Path) -> None:
    page = wide.go("/track")
    reports = _first_reports(page)
    page.select_option("select[name=doc]", reports[1])  # the one before the newest: its successor is stored
    page.click("button.go")
    page.wait_for_selector(".sides-result")
    assert page.locator(".error-box").count() == 0 and page.locator(".side-b h2 a").is_visible()
    if CORPUS.is_dir():  # the whole reports have a plan; the test reports are cut short
        assert page.locator(".plan").count() > 3
        statuses = {c.split()[-1] for c in page.locator(".plan").evaluate_all("ps => ps.map(p => p.className)")}
        assert statuses <= {"status-reported", "status-mentioned", "status-not_found"} and statuses
        page.screenshot(path=str(shots / "track.png"))
        evidence = page.locator(".evidence-list a.ref").first
        href = evidence.get_attribute("href")
        evidence.click()
        page.wait_for_load_state()
        assert page.url.endswith(href) and page.locator(":target").is_visible()
    page = wide.go(f"/track?doc={reports[0]}")  # the newest: no successor, the CLI's message
    assert "is not in the knowledge base" in page.locator(".error-box").inner_text()


def test_trend_compare_and_track_at_a_phones_width(phone: Watched, shots: Path) -> None:
    page = phone.go("/trend?term=脱贫攻坚&term=乡村振兴")
    page.wait_for_selector(".chart[data-drawn=true] canvas")
    no_sideways_scroll(page)
    page.screenshot(path=str(shots / "trend-phone.png"))
    reports = _first_reports(phone.go("/compare"))
    page = phone.go(f"/compare?left={reports[1]}&right={reports[0]}")
    no_sideways_scroll(page)
    page.screenshot(path=str(shots / "compare-phone.png"))
    page = phone.go(f"/track?doc={reports[1]}")
    no_sideways_scroll(page)
    page.screenshot(path=str(shots / "track-phone.png"))
