"""`zxkb serve`: the web application (zxkb.web.app) under uvicorn, until
Ctrl-C. The database is checked before anything listens (a missing or old
database is the CLI's error, exit 2); the port is bound here, so that a port
in use is an error with a hint and `--port 0` takes a free one, whose address
is printed."""

from __future__ import annotations

import contextlib
import ipaddress
import signal
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import uvicorn

from zxkb.api import KnowledgeBase
from zxkb.errors import UsageError, ZxkbError
from zxkb.render.output import message
from zxkb.web.app import create_app

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: a free one)."""
    if not 0 <= port <= 65535:
        raise UsageError(f"not a port: {port}", "give a port from 1 to 65535, or 0 for a free one")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except (OSError, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ZxkbError(
            f"cannot listen on {host}:{port}: {reason}",
            "another program may use the port: give --port N, or --port 0 for a free one",
        ) from None
    sock.setblocking(False)
    return sock


def address(host: str, sock: socket.socket) -> str:
    port = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    return f"http://{shown}:{port}/"


class _Server(uvicorn.Server):
    """uvicorn's server, stopping on Ctrl-C or SIGTERM without raising the
    signal again afterwards: stopping is how `zxkb serve` ends, not an error."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        original = {sig: signal.signal(sig, self.handle_exit) for sig in STOP_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)


def serve(db: Path, host: str, port: int, open_browser: bool, as_json: bool, cache_mb: float = 64) -> int:
    with KnowledgeBase(db):  # the CLI's errors for a missing, damaged or old database, before listening
        pass
    loopback = is_loopback(host)
    if not loopback:
        message(
            f"Warning: listening on {host}: anyone who can reach this machine on port {port} can read"
            " the knowledge base (the default, 127.0.0.1, is this machine only)"
        )
    sock = listen(host, port)
    url = address(host, sock)
    app = create_app(db, loopback_only=loopback, cache_mb=cache_mb)
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off", server_header=False, timeout_graceful_shutdown=3
    )
    server = _Server(config)
    # from here on Ctrl-C (or SIGTERM) stops the server, even before it has started
    original = {sig: signal.signal(sig, server.handle_exit) for sig in STOP_SIGNALS}
    if as_json:
        import json

        print(json.dumps({"url": url, "db": str(db)}, ensure_ascii=False), flush=True)
    else:
        print(url, flush=True)
        message(f"zxkb serve: {db} at {url} (read-only; Ctrl-C stops)")
    if open_browser:
        threading.Thread(target=_open_when_ready, args=(server, url), daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        for sig, handler in original.items():
            signal.signal(sig, handler)
    message("zxkb serve: stopped")
    sys.stdout.flush()
    return 0


def _open_when_ready(server: uvicorn.Server, url: str) -> None:
    import time
    import webbrowser

    for _ in range(100):
        if server.started:
            webbrowser.open(url)
            return
        time.sleep(0.05)
