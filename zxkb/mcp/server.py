"""The MCP server: zxkb.mcp.tools and zxkb.mcp.resources served through the
official SDK's low-level server (mcp>=1.22,<2: 2.x renamed this API), on stdio
(newline-delimited JSON-RPC; nothing else ever reaches stdout, logs go to
stderr) or, with --http, streamable HTTP on 127.0.0.1 with the SDK's Host and
Origin checks.

Each request opens the database read-only for its own call (~2 ms: an ingest
or upgrade meanwhile is seen by the next call) in a worker thread, so the
session keeps answering while a query runs.

    a user's mistake in a tool's arguments (ZxkbError)   a tool result with isError and `Error: …` / `Hint: …`
    arguments that do not fit the input schema          the same, naming the argument and the bound
    an unknown tool                                     the protocol's error (-32602)
    a resource that names nothing                       the protocol's error (-32002, resource not found)
    a bug                                               `Error: internal error …`, the traceback on stderr

and the session goes on after each of them.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.to_thread
import mcp.types as types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server
from mcp.shared.exceptions import McpError
from pydantic import AnyUrl

from zxkb import __version__
from zxkb.api import KnowledgeBase
from zxkb.errors import NotFound, ZxkbError, user_error
from zxkb.mcp import resources, tools
from zxkb.render.safe import printable

log = logging.getLogger("zxkb.mcp")
T = TypeVar("T")

RESOURCE_NOT_FOUND = -32002  # the MCP specification's code for a resource that does not exist

INSTRUCTIONS = (
    "zxkb is a knowledge base of Chinese work reports (政府工作报告, 政协常委会工作报告, 党代会报告 and their kin). "
    "Answer questions about them from the reports themselves: search for the terms (in Chinese, as the reports "
    "write them), read the paragraphs you rely on with show, and cite each one by its ref (DOC:PARAGRAPH) with "
    "its document title, date and section. documents tells what the knowledge base holds, outline how a report "
    "is organised, fuzzy which terms the reports use when a search finds nothing."
)


def error_text(exc: BaseException) -> str:
    """`Error: …` and `Hint: …` as the CLI prints them (zxkb.cli.failures)."""
    known = user_error(exc)
    if known is None:
        log.error("internal error", exc_info=exc)
        known = ZxkbError(
            f"internal error: {type(exc).__name__}: {exc}",
            "this is a bug in zxkb; run again with ZXKB_DEBUG=1 for the traceback and report it",
        )
    return printable(f"Error: {known.message}" + (f"\nHint: {known.hint}" if known.hint else ""))


def tool_definition(tool: tools.Tool) -> types.Tool:
    return types.Tool(
        name=tool.name,
        title=tool.title,
        description=tool.description,
        inputSchema=tool.input_schema,
        outputSchema=tool.output_schema,
        annotations=types.ToolAnnotations(
            title=tool.title, readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=False
        ),
    )


def call_tool(path: Path, tool: tools.Tool, arguments: dict[str, Any]) -> types.CallToolResult:
    """One tool call, in a worker thread: its answer, or its error as a result."""
    try:
        with KnowledgeBase(path) as kb:
            got = tools.answer(tool, kb, arguments)
    except Exception as exc:
        log.debug("%s %s: %s", tool.name, arguments, exc)
        return types.CallToolResult(content=[types.TextContent(type="text", text=error_text(exc))], isError=True)
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=got.text)], structuredContent=got.structured
    )


def _with_kb(path: Path, read: Callable[[KnowledgeBase], T]) -> T:
    """`read` on the database; a mistake (a missing database, a resource that
    names nothing) as the protocol's error, with the CLI's message and hint."""
    try:
        with KnowledgeBase(path) as kb:
            return read(kb)
    except Exception as exc:
        code = RESOURCE_NOT_FOUND if isinstance(exc, NotFound) else types.INVALID_PARAMS
        if user_error(exc) is None:
            code = types.INTERNAL_ERROR
        raise McpError(types.ErrorData(code=code, message=error_text(exc))) from exc


def build(path: Path) -> Server[Any, Any]:
    """The server, its handlers registered for the requests it answers."""
    server: Server[Any, Any] = Server("zxkb", __version__, instructions=INSTRUCTIONS)
    listing = [tool_definition(t) for t in tools.TOOLS.values()]
    templates = [
        types.ResourceTemplate(
            uriTemplate=resources.DOC_TEMPLATE,
            name="document",
            title="A document",
            description="A document's metadata (what report it is, its copies, its counts) and its outline, as JSON.",
            mimeType="application/json",
        ),
        types.ResourceTemplate(
            uriTemplate=resources.PARAGRAPH_TEMPLATE,
            name="paragraph",
            title="A paragraph",
            description="A paragraph by its ref (DOC:PARAGRAPH: zxkb://p/1:27): its citation, then its whole text.",
            mimeType="text/plain",
        ),
    ]

    async def list_tools(_: types.ListToolsRequest) -> types.ServerResult:
        return types.ServerResult(types.ListToolsResult(tools=listing))

    async def call(req: types.CallToolRequest) -> types.ServerResult:
        tool = tools.TOOLS.get(req.params.name)
        if tool is None:
            message = f"Unknown tool: {req.params.name!r} (zxkb's tools are {', '.join(tools.TOOLS)})"
            raise McpError(types.ErrorData(code=types.INVALID_PARAMS, message=printable(message)))
        result = await anyio.to_thread.run_sync(partial(call_tool, path, tool, req.params.arguments or {}))
        return types.ServerResult(result)

    async def list_resources(_: types.ListResourcesRequest) -> types.ServerResult:
        listed = await anyio.to_thread.run_sync(partial(_with_kb, path, resources.listed))
        return types.ServerResult(
            types.ListResourcesResult(
                resources=[
                    types.Resource(
                        uri=AnyUrl(r.uri), name=r.name, title=r.title, description=r.description, mimeType=r.mime_type
                    )
                    for r in listed
                ]
            )
        )

    async def list_templates(_: types.ListResourceTemplatesRequest) -> types.ServerResult:
        return types.ServerResult(types.ListResourceTemplatesResult(resourceTemplates=templates))

    async def read_resource(req: types.ReadResourceRequest) -> types.ServerResult:
        uri = str(req.params.uri)
        got = await anyio.to_thread.run_sync(partial(_with_kb, path, partial(resources.read, uri=uri)))
        contents = types.TextResourceContents(uri=req.params.uri, text=got.text, mimeType=got.mime_type)
        return types.ServerResult(types.ReadResourceResult(contents=[contents]))

    server.request_handlers[types.ListToolsRequest] = list_tools
    server.request_handlers[types.CallToolRequest] = call
    server.request_handlers[types.ListResourcesRequest] = list_resources
    server.request_handlers[types.ListResourceTemplatesRequest] = list_templates
    server.request_handlers[types.ReadResourceRequest] = read_resource
    return server


async def serve_stdio(server: Server[Any, Any]) -> None:
    """JSON-RPC on the process's stdout, and only there: the protocol gets its
    own copy of the descriptor, and stdout itself is pointed at stderr, so that
    nothing else (a stray print, a library's warning) can break a message."""
    sys.stdout.flush()
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", newline="\n")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    async with stdio_server(stdout=anyio.wrap_file(protocol)) as (read, write):
        await server.run(read, write, server.create_initialization_options())


async def serve_http(server: Server[Any, Any], port: int) -> None:
    """Streamable HTTP at http://127.0.0.1:PORT/mcp; only requests whose Host and
    Origin name this machine are answered (DNS rebinding protection)."""
    import uvicorn
    from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
    from mcp.server.transport_security import TransportSecuritySettings
    from starlette.applications import Starlette
    from starlette.routing import Route
    from starlette.types import Receive, Scope, Send

    local = ("127.0.0.1", "localhost", "[::1]")
    manager = StreamableHTTPSessionManager(
        app=server,
        security_settings=TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=[f"{host}:{port}" for host in local],
            allowed_origins=[f"http://{host}:{port}" for host in local],
        ),
    )

    class Endpoint:
        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            await manager.handle_request(scope, receive, send)

    app = Starlette(routes=[Route("/mcp", endpoint=Endpoint())], lifespan=lambda _: manager.run())
    level = "info" if os.environ.get("ZXKB_DEBUG") else "warning"
    await uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level=level)).serve()


def run(path: Path, *, http: bool = False, port: int = 8765) -> int:
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG if os.environ.get("ZXKB_DEBUG") else logging.WARNING,
        format="zxkb mcp: %(levelname)s %(name)s: %(message)s",
    )
    try:  # say at once when the database cannot be read; the tools say it too, on every call
        KnowledgeBase(path).close()
    except Exception as exc:
        print(f"zxkb mcp: {error_text(exc)}".replace("\n", "\nzxkb mcp: "), file=sys.stderr)
    server = build(path)
    where = f"http://127.0.0.1:{port}/mcp" if http else "stdio"
    print(printable(f"zxkb mcp: serving {path} on {where} (read-only)"), file=sys.stderr)
    anyio.run(serve_http, server, port) if http else anyio.run(serve_stdio, server)
    return 0
