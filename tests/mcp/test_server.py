"""`zxkb mcp` driven by the MCP SDK's own client over stdio: one server process
for the module, started as an assistant starts it (`python -m zxkb mcp --db …`).
Every tool's structured answer equals the CLI's --json for the same arguments;
a model's mistakes come back as error results with the CLI's message and hint,
and the session goes on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import McpError
from mcp.types import CallToolResult, TextContent, TextResourceContents
from pydantic import AnyUrl

from tests.mcp.conftest import BAD, CASES, ROOT, Case, cli_error, cli_json, server_command, structured_part
from zxkb.mcp import tools


class Client:
    """The SDK's ClientSession, called from these synchronous tests through an anyio portal."""

    def __init__(self, portal: BlockingPortal, session: ClientSession, init: Any, errlog: Path) -> None:
        self.portal, self.session, self.init, self.errlog = portal, session, init, errlog

    def call(self, name: str, arguments: dict[str, Any]) -> CallToolResult:
        result: CallToolResult = self.portal.call(self.session.call_tool, name, arguments)
        return result

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.session, name)
        return lambda *args: self.portal.call(method, *args)


@pytest.fixture(scope="module")
def client(seeded_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    command, *args = server_command(seeded_db)
    params = StdioServerParameters(command=command, args=args, cwd=ROOT)
    errlog = tmp_path_factory.mktemp("mcp-log") / "stderr.txt"
    with errlog.open("w") as err, start_blocking_portal() as portal:
        transport = portal.wrap_async_context_manager(stdio_client(params, errlog=err))
        with transport as (read, write), portal.wrap_async_context_manager(ClientSession(read, write)) as session:
            init = portal.call(session.initialize)
            yield Client(portal, session, init, errlog)


def _text(result: CallToolResult) -> str:
    assert len(result.content) == 1 and isinstance(result.content[0], TextContent)
    return result.content[0].text


def test_initialise_says_what_the_server_is(client: Client) -> None:
    assert client.init.serverInfo.name == "zxkb"
    assert client.init.capabilities.tools is not None and client.init.capabilities.resources is not None
    assert "cite" in (client.init.instructions or "")


def test_every_tool_is_listed_read_only_with_description_and_schemas(client: Client) -> None:
    listed = {t.name: t for t in client.list_tools().tools}
    assert (
        set(listed)
        == {"search", "show", "outline", "documents", "fuzzy", "trend", "compare", "track"}
        == set(tools.TOOLS)
    )
    for name, tool in listed.items():
        assert tool.description and len(tool.description) > 200, name
        assert tool.inputSchema["type"] == "object" and tool.inputSchema["additionalProperties"] is False, name
        assert tool.outputSchema is not None and tool.outputSchema["type"] == "object", name
        assert tool.annotations is not None and tool.annotations.readOnlyHint is True, name
        assert tool.annotations.destructiveHint is False, name
    assert listed["search"].inputSchema["required"] == ["query"]
    assert listed["search"].inputSchema["properties"]["limit"] | {"description": ""} == {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "default": 10,
        "description": "",
    }
    assert listed["show"].inputSchema["properties"]["context"]["maximum"] == tools.CONTEXT_MAX


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.tool} {json.dumps(c.arguments, ensure_ascii=False)}")
def test_structured_answer_equals_the_cli_json(client: Client, seeded_db: Path, case: Case) -> None:
    # the SDK's client checks structuredContent against the tool's outputSchema on the way
    result = client.call(case.tool, case.arguments)
    assert not result.isError, _text(result)
    assert result.structuredContent is not None
    assert structured_part(case, result.structuredContent) == cli_json(seeded_db, case)


def test_search_text_cites_every_hit(client: Client) -> None:
    result = client.call("search", {"query": "协商", "limit": 4})
    hits, text = result.structuredContent["hits"], _text(result)  # type: ignore[index]
    assert len(hits) == 4 and result.structuredContent["total"] > 4  # type: ignore[index]
    for hit in hits:
        line = f"[{hit['ref']}] {hit['doc_title']} ({hit['date']}) · {hit['section']}"
        assert line in text, hit["ref"]
    assert f"Showing 4 of {result.structuredContent['total']} paragraphs" in text  # type: ignore[index]
    assert "raise limit (at most 100)" in text


def test_approximate_hits_are_marked_in_the_text(client: Client) -> None:
    result = client.call("search", {"query": "远成协商", "fuzzy": True})
    assert result.structuredContent and result.structuredContent["approximate"] > 0
    assert "(approximate: ≈ 远程协商" in _text(result)


def test_lists_are_bounded_with_a_note(client: Client, seeded_db: Path) -> None:
    every = cli_json(seeded_db, Case("documents", {}, ("docs",)))
    assert len(every) == 3
    result = client.call("documents", {"limit": 2})
    assert result.structuredContent == {"documents": every[:2], "total": 3, "truncated": True}
    assert "Showing 2 of 3 documents" in _text(result)
    result = client.call("outline", {"limit": 1})
    assert result.structuredContent and result.structuredContent["truncated"] is True
    assert len(result.structuredContent["outline"]) == 1 and result.structuredContent["total"] == 3
    assert "Showing 1 of 3 documents" in _text(result)
    untouched = client.call("documents", {})
    assert untouched.structuredContent and untouched.structuredContent["truncated"] is False


@pytest.mark.parametrize("case", BAD, ids=lambda c: f"{c.tool} {json.dumps(c.arguments, ensure_ascii=False)}")
def test_a_mistake_is_an_error_result_with_the_cli_message_and_the_session_goes_on(
    client: Client, seeded_db: Path, case: Case
) -> None:
    result = client.call(case.tool, case.arguments)
    assert result.isError and result.structuredContent is None
    assert _text(result) == cli_error(seeded_db, case)
    assert _text(result).startswith("Error: ") and "\nHint: " in _text(result)
    after = client.call("show", {"ref": "1:12", "context": 0})
    assert not after.isError and after.structuredContent and after.structuredContent["ref"] == "1:12"


def test_arguments_outside_the_schema_are_error_results(client: Client) -> None:
    for arguments, says in (
        ({"query": "协商", "limit": 500}, "search: limit: 500 is greater than the maximum of 100"),
        ({"query": "协商", "limit": 0}, "search: limit: 0 is less than the minimum of 1"),
        ({"query": "协商", "year": "2020"}, "search: year: '2020' is not of type 'array'"),
        ({"query": "协商", "type": ["goverment"]}, "search: type.0: 'goverment' is not one of"),
        ({"query": "协商", "texts": True}, "Additional properties are not allowed ('texts' was unexpected)"),
        ({}, "search: 'query' is a required property"),
    ):
        result = client.call("search", arguments)
        assert result.isError and _text(result).startswith(f"Error: {says}" if says.startswith("search") else "Error:")
        assert says in _text(result) and "Hint: the search tool's inputSchema" in _text(result)
    assert not client.call("search", {"query": "协商", "limit": 100}).isError


def test_an_unknown_tool_is_the_protocols_error(client: Client) -> None:
    with pytest.raises(McpError) as caught:
        client.call("delete_everything", {})
    assert caught.value.error.code == -32602 and "search, show, outline, documents, fuzzy" in caught.value.error.message
    assert not client.call("documents", {"limit": 1}).isError


def test_documents_and_paragraphs_are_resources(client: Client, seeded_db: Path) -> None:
    listed = client.list_resources().resources
    assert [str(r.uri) for r in listed] == ["zxkb://doc/1", "zxkb://doc/2", "zxkb://doc/3"]
    assert listed[0].title and "株洲" in listed[0].title
    templates = {t.uriTemplate for t in client.list_resource_templates().resourceTemplates}
    assert templates == {"zxkb://doc/{id}", "zxkb://p/{ref}"}

    (doc,) = client.read_resource(AnyUrl("zxkb://doc/1")).contents
    assert isinstance(doc, TextResourceContents) and doc.mimeType == "application/json"
    card = json.loads(doc.text)
    assert card["document"] == cli_json(seeded_db, Case("documents", {}, ("docs",)))[0]
    assert card["sections"] == cli_json(seeded_db, Case("outline", {}, ("list", "--doc", "1")))[0]["sections"]

    (para,) = client.read_resource(AnyUrl("zxkb://p/1:12")).contents
    shown = cli_json(seeded_db, Case("show", {}, ("show", "1:12")))
    assert isinstance(para, TextResourceContents) and para.mimeType == "text/plain"
    head, text = para.text.split("\n\n", 1)
    assert text == shown["text"] and head.startswith(f"[1:12] {shown['doc_title']} ({shown['date']}) · 一")

    for uri, code in (("zxkb://p/1:99999", -32002), ("zxkb://doc/42", -32002), ("zxkb://q/1", -32602)):
        with pytest.raises(McpError) as caught:
            client.read_resource(AnyUrl(uri))
        assert caught.value.error.code == code and caught.value.error.message.startswith("Error: "), uri
    assert client.read_resource(AnyUrl("zxkb://doc/2")).contents


def test_logs_go_to_stderr(client: Client, seeded_db: Path) -> None:
    client.call("documents", {"limit": 1})
    assert f"zxkb mcp: serving {seeded_db} on stdio (read-only)" in client.errlog.read_text(encoding="utf-8")
