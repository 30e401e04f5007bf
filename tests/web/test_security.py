"""Safe by default: the database is never written, report text is escaped
everywhere, every answer has a Content-Security-Policy, only GET and HEAD are
answered, nothing outside the static folder is served, a Host other than
loopback is refused, a bug is a 500 page without a traceback, and the server
keeps answering 20 clients at once."""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from tests.web.conftest import HOSTILE_NAME, Server, start_server, stop_server
from zxkb.web.guard import CHART_CSP, CSP

PAGES = ["/", "/?q=远程协商", "/?q=协商&region=北京&page=1", "/docs", "/doc/1", "/doc/1?hl=协商&all=1", "/?q=远成协商"]


def request(
    server: Server, method: str, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One raw request (the path sent as given, not normalised)."""
    parts = urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_server_never_writes_the_database(tmp_path: Path, hostile_file: Path) -> None:
    """A database of its own (no other connection keeps a -wal beside it): the same bytes
    after a server answered every kind of page, and nothing left beside it."""
    from tests.web.conftest import REPORTS, ingest

    db = tmp_path / "readonly.db"
    ingest(db, *REPORTS, hostile_file)
    before = digest(db)
    files = sorted(p.name for p in tmp_path.iterdir())
    mtime = db.stat().st_mtime_ns
    running = start_server(db)
    try:
        for path in [
            *PAGES,
            "/doc/8?all=1",
            "/api/search?q=协商&limit=0",
            "/api/docs",
            "/api/list",
            "/api/fuzzy?term=ycxs",
        ]:
            status, _, _ = request(running, "GET", quote(path, safe="/?=&"))
            assert status == 200, path
    finally:
        code, err = stop_server(running)
    assert code == 0 and "stopped" in err and "Traceback" not in err
    assert digest(db) == before and db.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == files == ["readonly.db"]  # no journal, no -wal left


def _visible(page: str) -> str:
    return re.sub(r"<script type=\"application/json\"[^>]*>.*?</script>", "", page, flags=re.S)


@pytest.mark.parametrize(
    "path", ["/?q=远程协商", "/?q=远程协商&all=1", "/docs", "/doc/{doc}", "/doc/{doc}?hl=远程协商&all=1"]
)
def test_report_text_is_escaped(client: Any, hostile_doc: int, path: str) -> None:
    page = client.get(path.format(doc=hostile_doc)).text
    body = _visible(page)
    # the page's own scripts come from /static/; none comes from the report
    assert all('src="/static/' in tag for tag in re.findall(r"<script[^>]*>", body)), path
    for raw in ("<script>window.__pwned", "<img src=x", "<svg onload", "<b onmouseover", "</textarea>", "' onfocus='"):
        assert raw not in body, (raw, path)
    # ... and the report's text is there, shown as text
    assert "&lt;script&gt;window.__pwned" in body or "&lt;b onmouseover=&#34;" in body, path


def test_the_hostile_file_name_is_escaped_in_the_reader(client: Any, hostile_doc: int) -> None:
    page = client.get(f"/doc/{hostile_doc}").text
    assert "&lt;img src=x onerror=alert(1)&gt;&#34;报告.txt" in page
    assert HOSTILE_NAME not in page


def test_every_answer_has_the_security_headers(client: Any) -> None:
    for path in ["/", "/doc/1", "/api/docs", "/static/style.css", "/doc/999999", "/nothing", "/?q=协商&limit=x"]:
        response = client.get(path)
        assert response.headers["content-security-policy"] == CSP, path
        assert response.headers["x-content-type-options"] == "nosniff", path
    assert "'unsafe-inline'" not in CSP and "script-src 'self';" in CSP
    # a page with a chart lets ECharts set style attributes, and nothing more
    assert client.get("/docs").headers["content-security-policy"] == CHART_CSP
    assert CHART_CSP.replace(" style-src-attr 'unsafe-inline';", "") == CSP


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"])
def test_only_get_and_head(server: Server, method: str) -> None:
    for path in ["/", "/api/search?q=协商", "/static/style.css", "/nothing"]:
        status, headers, _ = request(server, method, quote(path, safe="/?=&"))
        assert status == 405 and headers["allow"] == "GET, HEAD", (method, path)
        assert headers["content-security-policy"] == CSP


@pytest.mark.parametrize(
    "path",
    [
        "/static/..%2Fapp.py",
        "/static/..%2F..%2Fapi.py",
        "/static/%2e%2e/app.py",
        "/static/../app.py",
        "/static/../../zxkb/api.py",
        "/static//etc/passwd",
        "/static/%2Fetc%2Fpasswd",
        "/static/..%5Capp.py",
        "/static/",
        "/static/templates/../../app.py",
    ],
)
def test_nothing_outside_the_static_folder(server: Server, path: str) -> None:
    status, _, body = request(server, "GET", path)
    assert status in (400, 404), (path, status)
    assert b"create_app" not in body and b"root:" not in body and b"KnowledgeBase" not in body


def test_static_files_are_served(server: Server) -> None:
    status, headers, body = request(server, "GET", "/static/echarts.min.js")
    assert status == 200 and headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert len(body) > 500_000 and b"echarts" in body[:2000]


def test_a_foreign_host_is_refused(server: Server) -> None:
    status, _, body = request(server, "GET", "/api/docs", {"Host": "attacker.example:8765"})
    assert status == 400 and b"127.0.0.1 only" in body
    assert request(server, "GET", "/api/docs", {"Host": "localhost"})[0] == 200


def test_a_bug_is_a_500_page_without_traceback(web_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    from starlette.testclient import TestClient

    from zxkb.api import KnowledgeBase
    from zxkb.web.app import create_app

    client = TestClient(create_app(web_db), base_url="http://127.0.0.1:8765")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(KnowledgeBase, "search", broken)
    for path, kind in (("/?q=协商", "text/html"), ("/api/search?q=协商", "application/json")):
        response = client.get(path)
        assert response.status_code == 500 and response.headers["content-type"].startswith(kind)
        assert "Traceback" not in response.text and "secret internals" not in response.text
        assert "internal error" in response.text
        assert client.get(path).status_code == 500  # a failure is never kept as the answer
    assert "Error: internal error: RuntimeError: secret internals" in capsys.readouterr().err


def test_unknown_documents_and_pages_are_404(client: Any) -> None:
    for path in ["/doc/999999", "/doc/abc", "/doc/99999999999999999999999", "/nothing"]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Traceback" not in response.text
    assert "no document 999999" in client.get("/doc/999999").text


def test_twenty_clients_at_once(server: Server) -> None:
    """20 threads, 10 requests each, pages and API mixed: every answer complete and right."""
    paths = [
        quote(p, safe="/?=&")
        for p in ["/?q=协商", "/api/search?q=远程协商", "/doc/1?hl=协商", "/docs", "/api/show?ref=1:12"]
    ]
    expected = {p: request(server, "GET", p)[2] for p in paths}
    failures: list[str] = []

    def client(i: int) -> None:
        for j in range(10):
            path = paths[(i + j) % len(paths)]
            try:
                status, _, body = request(server, "GET", path)
            except OSError as exc:
                failures.append(f"{path}: {exc}")
                continue
            if status != 200 or body != expected[path]:
                failures.append(f"{path}: {status}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not failures
    assert json.loads(expected[paths[1]])["total"] > 0


def test_answers_follow_the_database(tmp_path: Path) -> None:
    """Kept answers are the database's as it is now: an ingest while the server runs is seen."""
    from starlette.testclient import TestClient

    from tests.conftest import SEED
    from tests.web.conftest import ingest
    from zxkb.web.app import create_app

    db = tmp_path / "live.db"
    ingest(db, SEED)
    client = TestClient(create_app(db), base_url="http://127.0.0.1:8765")
    assert len(client.get("/api/docs").json()) == 1
    assert len(client.get("/api/docs").json()) == 1  # kept
    ingest(db, Path(__file__).parents[1] / "fixtures" / "prov-beijing.txt")
    assert len(client.get("/api/docs").json()) == 2
    assert "2026年北京市政府工作报告" in client.get("/docs").text
