"""`zxkb mcp` over stdio with JSON-RPC lines this test writes itself: the
protocol, not only the SDK's client and server agreeing. Every line on the
server's stdout must be a JSON-RPC 2.0 message; nothing else may reach it."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from tests.mcp.conftest import BAD, CASES, ROOT, Case, cli_error, cli_json, server_command, structured_part

TIMEOUT = 60


class Raw:
    """A server process and the lines it wrote on stdout, each parsed."""

    def __init__(self, db: Path, errlog: IO[str]) -> None:
        self.proc = subprocess.Popen(
            server_command(db),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errlog,
            cwd=ROOT,
        )
        self.lines: queue.Queue[bytes] = queue.Queue()
        self.seen: list[bytes] = []  # every stdout line, for the check that each is JSON-RPC
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def send(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n")
        self.proc.stdin.flush()

    def write_line(self, line: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + b"\n")
        self.proc.stdin.flush()

    def receive(self) -> dict[str, Any]:
        line = self.lines.get(timeout=TIMEOUT)
        self.seen.append(line)
        message: dict[str, Any] = json.loads(line)
        return message

    def request(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """The response to a request (notifications the server sends meanwhile are kept in `seen`)."""
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, **({"params": params} if params else {})})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id and "method" not in message:
                return message

    def call(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        response = self.request("tools/call", {"name": name, "arguments": arguments})
        assert "result" in response, response
        result: dict[str, Any] = response["result"]
        return result


@pytest.fixture(scope="module")
def raw(seeded_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Raw]:
    errlog = tmp_path_factory.mktemp("mcp-raw") / "stderr.txt"
    with errlog.open("w") as err:
        session = Raw(seeded_db, err)
        init = session.request(
            "initialize",
            {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "zxkb-test", "version": "1"}},
        )
        assert init["result"]["serverInfo"]["name"] == "zxkb", init
        assert init["result"]["protocolVersion"] == "2025-06-18"
        assert {"tools", "resources"} <= set(init["result"]["capabilities"])
        session.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        yield session
        if session.proc.poll() is None:
            session.proc.kill()
            session.proc.wait()


def test_tools_list(raw: Raw) -> None:
    listed = raw.request("tools/list")["result"]["tools"]
    assert [t["name"] for t in listed] == [
        "search",
        "show",
        "outline",
        "documents",
        "fuzzy",
        "trend",
        "compare",
        "track",
    ]
    for tool in listed:
        assert tool["description"] and tool["inputSchema"]["type"] == "object" and tool["outputSchema"]
        assert tool["annotations"]["readOnlyHint"] is True


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.tool} {json.dumps(c.arguments, ensure_ascii=False)}")
def test_tools_call_answers_the_cli_json(raw: Raw, seeded_db: Path, case: Case) -> None:
    result = raw.call(case.tool, case.arguments)
    assert result.get("isError") is False
    assert structured_part(case, result["structuredContent"]) == cli_json(seeded_db, case)
    (content,) = result["content"]
    assert content["type"] == "text" and content["text"]


@pytest.mark.parametrize("case", BAD, ids=lambda c: f"{c.tool} {json.dumps(c.arguments, ensure_ascii=False)}")
def test_a_mistake_is_an_error_result(raw: Raw, seeded_db: Path, case: Case) -> None:
    result = raw.call(case.tool, case.arguments)
    assert result["isError"] is True and "structuredContent" not in result
    assert result["content"] == [{"type": "text", "text": cli_error(seeded_db, case)}]
    assert raw.call("search", {"query": "远程协商", "limit": 1})["structuredContent"]["total"] == 9


def test_protocol_errors_and_the_session_goes_on(raw: Raw) -> None:
    unknown = raw.request("tools/call", {"name": "rm", "arguments": {"docs": [1]}})
    assert unknown["error"]["code"] == -32602 and "Unknown tool: 'rm'" in unknown["error"]["message"]
    no_name = raw.request("tools/call", {"arguments": {}})  # not a CallToolRequest at all
    assert no_name["error"]["code"] == -32602
    no_method = raw.request("prompts/list")  # a method this server does not offer
    assert no_method["error"]["code"] == -32601
    raw.write_line(b"{this is not json")  # a broken line is answered by nothing that breaks the stream
    raw.write_line("\u2028协商".encode())
    assert raw.call("show", {"ref": "1:12", "context": 0})["structuredContent"]["ref"] == "1:12"
    assert raw.request("ping") == {"jsonrpc": "2.0", "id": raw.next_id, "result": {}}


def test_resources_read(raw: Raw, seeded_db: Path) -> None:
    read = raw.request("resources/read", {"uri": "zxkb://p/2:5"})["result"]["contents"]
    shown = cli_json(seeded_db, Case("show", {}, ("show", "2:5")))
    assert read[0]["uri"] == "zxkb://p/2:5" and read[0]["text"].endswith("\n\n" + shown["text"])
    missing = raw.request("resources/read", {"uri": "zxkb://doc/99"})
    assert missing["error"]["code"] == -32002
    assert (
        missing["error"]["message"]
        == "Error: no document matches '99'\nHint: zxkb docs lists the documents with their ids"
    )


def test_zz_every_stdout_line_is_json_rpc_and_eof_ends_the_server(raw: Raw) -> None:
    """Last in the module: closing stdin (the client going away) ends the server, exit 0."""
    assert raw.proc.stdin is not None
    raw.proc.stdin.close()
    assert raw.proc.wait(timeout=TIMEOUT) == 0
    while not raw.lines.empty():
        raw.receive()
    assert len(raw.seen) > 30
    for line in raw.seen:
        assert line.endswith(b"\n") and b"\n" not in line[:-1]
        message = json.loads(line)
        assert message["jsonrpc"] == "2.0" and ({"result", "error", "method"} & set(message)), line
