"""`zxkb serve` as a command: it prints its address, answers, stops on Ctrl-C
with exit 0; its mistakes are the CLI's (exit 2, Error/Hint); without the web
extra it says how to install it; on another host than loopback it warns."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path
from urllib.request import urlopen

from tests.conftest import ROOT, Cli
from tests.web.conftest import start_server, stop_server


def test_it_prints_its_address_answers_and_stops_cleanly(web_db: Path) -> None:
    running = start_server(web_db)
    assert running.url.startswith("http://127.0.0.1:") and running.url.endswith("/")
    with urlopen(running.url + "api/docs", timeout=30) as response:
        assert response.status == 200
    code, err = stop_server(running)
    assert code == 0, err
    assert "stopped" in err and "Traceback" not in err and "Error" not in err


def test_a_missing_database_is_the_clis_error(tmp_path: Path, cli: Cli) -> None:
    result = cli("serve", "--db", str(tmp_path / "none.db"), code=2)
    assert result.stderr.startswith(f"Error: no database at {tmp_path / 'none.db'}")
    assert "Hint: ingest some reports first" in result.stderr and result.stdout == ""


def test_a_port_in_use_is_an_error_with_a_hint(web_db: Path, cli: Cli) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        port = taken.getsockname()[1]
        result = cli("serve", "--db", str(web_db), "--port", str(port), code=2)
    finally:
        taken.close()
    assert f"Error: cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Hint: another program may use the port: give --port N, or --port 0 for a free one" in result.stderr


def test_a_bad_port_is_a_usage_error(cli: Cli) -> None:
    result = cli("serve", "--port", "70000", code=2)
    assert "Error: Invalid value for '--port' / '-p': 70000 is not in the range 0<=x<=65535." in result.stderr


def test_without_the_web_extra_it_says_how_to_install_it(web_db: Path) -> None:
    code = (
        "import sys\n"
        "sys.modules['starlette'] = None  # as if the web extra were not installed\n"
        f"sys.argv = ['zxkb', 'serve', '--db', {str(web_db)!r}]\n"
        "from zxkb.cli import main\n"
        "main()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "Error: zxkb serve needs the web extra (starlette, uvicorn, jinja2): starlette is not installed",
        "Hint: pip install 'zxkb[web]'",
    ]


def test_another_host_than_loopback_warns(web_db: Path) -> None:
    running = start_server(web_db, "--host", "0.0.0.0")
    try:
        assert running.url.startswith("http://0.0.0.0:")
        port = running.url.rsplit(":", 1)[1].strip("/")
        with urlopen(f"http://127.0.0.1:{port}/api/docs", timeout=30) as response:  # any Host is answered then
            assert response.status == 200
    finally:
        code, err = stop_server(running)
    assert code == 0
    assert "Warning: listening on 0.0.0.0: anyone who can reach this machine" in err


def test_loopback_gives_no_warning(web_db: Path) -> None:
    code, err = stop_server(start_server(web_db))
    assert code == 0 and "Warning" not in err
