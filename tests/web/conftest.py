"""The web front end's fixtures: a small database of real reports (the seed and
fixtures cut from ../shared/corpus) plus one hostile report, the app in process
(Starlette's TestClient) and `zxkb serve` as a real process on a free port."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.conftest import ROOT, SEED, Cli

pytest.importorskip("starlette", reason="the web extra is not installed: pip install -e '.[web]'")

FIXTURES = ROOT / "tests" / "fixtures"
REPORTS = (
    SEED,
    FIXTURES / "prov-beijing.txt",
    FIXTURES / "prov-guangdong.txt",
    FIXTURES / "prov-sichuan.txt",
    FIXTURES / "state-council-2016-gbk.txt",
    FIXTURES / "wiki-2017.txt",
    FIXTURES / "sc-2018-head.txt",
)

# Report text is untrusted: a title, paragraphs and a file name made to run script if
# a page ever let them through unescaped (tests/web/test_security.py, test_browser.py).
HOSTILE_NAME = '<img src=x onerror=alert(1)>"报告.txt'
HOSTILE_TEXT = """<script>window.__pwned=1</script>政协"<img src=x onerror="window.__pwned=2">'工作报告

一、<b onmouseover="window.__pwned=3">总体情况</b>

<script>window.__pwned=4</script>一年来，我们开展远程协商"><svg onload="window.__pwned=5">，推动委员履职。\
' onfocus='window.__pwned=6' autofocus x='

二、下一步工作

继续做好远程协商</textarea></title><script>window.__pwned=7</script>{{ 7*7 }}${7*7}。
"""


def ingest(db: Path, *paths: Path) -> None:
    Cli()("ingest", "--db", str(db), "--json", *map(str, paths))


@pytest.fixture(scope="session")
def hostile_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / HOSTILE_NAME
    path.write_text(HOSTILE_TEXT, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory, hostile_file: Path) -> Path:
    """The reports, the hostile one, and a copy of the seed from another source (a web page's
    line before it), which the archive takes for the same report."""
    folder = tmp_path_factory.mktemp("web")
    copy = folder / "copy-of-seed.txt"
    copy.write_text("来源：株洲政协网\n\n" + SEED.read_text(encoding="utf-8"), encoding="utf-8")
    db = folder / "web.db"
    ingest(db, *REPORTS, hostile_file, copy)
    return db


@pytest.fixture(scope="session")
def hostile_doc(web_db: Path) -> int:
    docs = json.loads(Cli()("docs", "--db", str(web_db), "--json").stdout)
    (doc,) = [d["id"] for d in docs if d["source"].endswith(HOSTILE_NAME)]
    return int(doc)


@pytest.fixture(scope="session")
def client(web_db: Path) -> Iterator[object]:
    from starlette.testclient import TestClient

    from zxkb.web.app import create_app

    with TestClient(create_app(web_db), base_url="http://127.0.0.1:8765", raise_server_exceptions=False) as c:
        yield c


class Server(NamedTuple):
    url: str  # http://127.0.0.1:PORT/
    process: subprocess.Popen[str]


def start_server(db: Path, *args: str) -> Server:
    """`zxkb serve --port 0 --json` as a process; its first line on stdout is its address."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "zxkb", "serve", "--db", str(db), "--port", "0", "--json", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        process.wait(10)
        raise AssertionError(f"zxkb serve did not start: {process.stderr.read() if process.stderr else ''}")
    return Server(json.loads(line)["url"], process)


def stop_server(server: Server) -> tuple[int, str]:
    """Ctrl-C, as a person stops it: its exit code and what it said on stderr."""
    server.process.send_signal(signal.SIGINT)
    try:
        _, err = server.process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        _, err = server.process.communicate()
    return server.process.returncode, err


@pytest.fixture(scope="session")
def server(web_db: Path) -> Iterator[Server]:
    running = start_server(web_db)
    yield running
    stop_server(running)
