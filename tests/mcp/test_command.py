"""The `zxkb mcp` command around the server: the SDK is loaded by it alone (the
CLI's other paths start as before), a missing SDK is a user's error with the
install hint, and --http serves the same tools on 127.0.0.1 behind the SDK's
Host and Origin checks."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import anyio
import httpx
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamablehttp_client

from tests.mcp.conftest import ROOT, Case, cli_json, server_command
from zxkb.mcp.tools import TOOLS

# What `zxkb mcp` needs and no other command may load: the SDK and what it pulls in.
SDK = ("mcp", "pydantic", "pydantic_core", "anyio", "starlette", "uvicorn", "httpx", "jsonschema", "sse_starlette")


def _loaded_after(argv: list[str], db: Path) -> list[str]:
    code = (
        "import sys\n"
        f"sys.argv = ['zxkb', *{argv!r}]\n"
        "from zxkb.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "top = {m.split('.')[0] for m in sys.modules}\n"
        f"print(sorted(top & set({SDK!r}) | ({{'zxkb.mcp'}} & set(sys.modules))), file=sys.stderr)\n"
    )
    env = {"ZXKB_DB": str(db), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    return result.stderr.strip().splitlines()[-1:]


def test_the_sdk_loads_only_for_zxkb_mcp(seeded_db: Path) -> None:
    for argv in (
        ["search", "远程协商", "--json"],
        ["search", "远程协商"],
        ["--help"],
        ["docs", "--json"],
        ["mcp", "-h"],
    ):
        assert _loaded_after(argv, seeded_db) == ["[]"], argv
    # and the check can fail: the server itself loads them (stdin at its end: it stops at once)
    loaded = _loaded_after(["mcp"], seeded_db)
    assert loaded and all(f"'{m}'" in loaded[0] for m in ("mcp", "pydantic", "anyio", "zxkb.mcp")), loaded


def test_without_the_sdk_it_says_how_to_install_it(seeded_db: Path) -> None:
    code = "import sys\nsys.modules['mcp'] = None\nsys.argv = ['zxkb', 'mcp']\nfrom zxkb.cli import main\nmain()\n"
    env = {"ZXKB_DB": str(seeded_db), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "Error: zxkb mcp needs the MCP SDK, which is not installed (no module 'mcp')",
        "Hint: pip install 'zxkb[mcp]'",
    ]


def test_a_missing_database_is_said_at_start_and_on_every_call(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    lines = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": _init_params()},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "documents", "arguments": {}}},
    ]
    with (tmp_path / "stderr.txt").open("w") as err:
        proc = subprocess.Popen(
            server_command(missing), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, cwd=ROOT
        )
    assert proc.stdin and proc.stdout
    for line in lines:
        proc.stdin.write(json.dumps(line).encode() + b"\n")
    proc.stdin.flush()
    responses = [json.loads(proc.stdout.readline()) for _ in range(2)]
    proc.stdin.close()
    assert proc.wait(timeout=60) == 0 and not missing.exists()
    result = responses[1]["result"]
    assert result["isError"] is True and result["content"][0]["text"].startswith(f"Error: no database at {missing}")
    assert f"zxkb mcp: Error: no database at {missing}" in (tmp_path / "stderr.txt").read_text()


def _init_params() -> dict[str, object]:
    return {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "zxkb-test", "version": "1"}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.mark.filterwarnings("ignore:Use `streamable_http_client`:DeprecationWarning")  # the new name is in 1.24+
def test_http_serves_the_same_tools_on_localhost_only(seeded_db: Path, tmp_path: Path) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/mcp"
    with (tmp_path / "stderr.txt").open("w") as err:
        proc = subprocess.Popen(server_command(seeded_db, "--http", "--port", str(port)), stderr=err, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)

        async def session() -> dict[str, object] | None:
            async with streamablehttp_client(url) as (read, write, _), ClientSession(read, write) as s:
                await s.initialize()
                assert len((await s.list_tools()).tools) == len(TOOLS)
                result = await s.call_tool("search", {"query": "远程协商", "limit": 2})
                return result.structuredContent

        got = anyio.run(session)
        assert got == cli_json(seeded_db, Case("search", {}, ("search", "远程协商", "-n", "2")))

        body = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": _init_params()}
        headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
        assert httpx.post(url, json=body, headers=headers).status_code == 200
        evil = httpx.post(url, json=body, headers={**headers, "Origin": "http://evil.example"})
        assert evil.status_code == 403
        rebound = httpx.post(url, json=body, headers={**headers, "Host": f"evil.example:{port}"})
        assert rebound.status_code == 421
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert f"serving {seeded_db} on {url}" in (tmp_path / "stderr.txt").read_text()


@pytest.mark.parametrize("argv", [["mcp", "--port", "0"], ["mcp", "--json"]])
def test_usage_errors(argv: list[str], seeded_db: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "zxkb", *argv, "--db", str(seeded_db)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 2 and result.stdout == "" and "Error:" in result.stderr
