"""A real HTTP server on 127.0.0.1, in a thread of the test process, for the URL tests.

    with serve({"/p.html": (200, "text/html", b"<p>..</p>")}) as server:
        server.url("/p.html")

A route is ``(status, content type, body)``, or a callable taking the handler (to redirect,
sleep, or send odd headers). ``server.requests`` records (path, User-Agent) of each request.
Nothing leaves the machine.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Route = tuple[int, str, bytes] | Callable[[BaseHTTPRequestHandler], None]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, Route]
    requests: list[tuple[str, str]]

    def url(self, path: str) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}{path}"


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.requests.append((self.path, self.headers.get("User-Agent", "")))
        route = self.server.routes.get(self.path)
        if route is None:
            send(self, 404, "text/html", b"<h1>Not Found</h1>")
        elif callable(route):
            route(self)
        else:
            send(self, *route)

    def log_message(self, format: str, *args: Any) -> None:  # keep the test output quiet
        pass


def send(handler: BaseHTTPRequestHandler, status: int, content_type: str, body: bytes, **headers: str) -> None:
    handler.send_response(status)
    if content_type:
        handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", headers.pop("length", str(len(body))))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    with contextlib.suppress(OSError):  # the client gave up (a size limit, a timeout)
        handler.wfile.write(body)


def redirect(to: str, status: int = 302) -> Callable[[BaseHTTPRequestHandler], None]:
    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Location", to)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return route


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[_Server]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.routes = routes
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
