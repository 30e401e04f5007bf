"""What every answer of the server goes through, before any route: only GET
and HEAD (anything else is 405), a Host header naming this machine when it
listens on loopback (a page elsewhere cannot read the knowledge base through
DNS rebinding), and the same security headers on every response, static files
and errors included."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# No inline script or style: the pages' JavaScript and CSS are files in /static/.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self';"
    " connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# A page with a chart: ECharts sets style attributes on the elements it draws in
# (setAttribute("style")); style attributes only, never a <style> element or a script.
CHART_CSP = CSP.replace("style-src 'self';", "style-src 'self'; style-src-attr 'unsafe-inline';")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
ALLOWED = ("GET", "HEAD")


def host_name(header: str) -> str:
    """The host of a Host header, without its port: `127.0.0.1`, `[::1]`."""
    if header.startswith("["):
        return header.split("]", 1)[0] + "]"
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class Guard:
    """The ASGI middleware around the app. `loopback_only`: answer only requests
    whose Host is this machine's loopback name (the server listens on 127.0.0.1)."""

    def __init__(self, app: ASGIApp, *, loopback_only: bool = True) -> None:
        self.app = app
        self.loopback_only = loopback_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in HEADERS if h[0] not in names)]
            await send(message)

        if scope["method"] not in ALLOWED:
            await _plain(
                send_with_headers, 405, "Error: only GET and HEAD are answered here\n", [(b"allow", b"GET, HEAD")]
            )
            return
        if self.loopback_only:
            host = dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1")
            if host_name(host).lower() not in LOOPBACK_NAMES:
                body = (
                    f"Error: this server answers requests for 127.0.0.1 only, not for {host!r}\n"
                    "Hint: open the address zxkb serve printed, or start it with --host to listen elsewhere\n"
                )
                await _plain(send_with_headers, 400, body, [])
                return
        await self.app(scope, receive, send_with_headers)


async def _plain(send: Send, status: int, text: str, headers: list[tuple[bytes, bytes]]) -> None:
    body = text.encode("utf-8")
    head = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()), *headers]
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": body})
