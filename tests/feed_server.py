"""The outside network for fetch and crawl tests: a loopback HTTP server with programmable routes, and a
stub resolver (names → addresses). Both stand in for the internet; nothing else is faked."""

from __future__ import annotations

import contextlib
import ssl
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address


@dataclass
class Reply:
    """A canned response: status, headers, body; etag/last_modified make it answer conditional GETs with 304."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None


Route = Callable[[BaseHTTPRequestHandler], None] | Reply


class FeedServer:
    """ThreadingHTTPServer on host:0; routes[path] answers; hits counts requests per path."""

    def __init__(self, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None):
        self.routes: dict[str, Route] = {}
        self.hits: Counter = Counter()
        self.requests: list[tuple[str, dict]] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args):
                pass

            def do_GET(self):
                path = self.path.split("?", 1)[0]
                with server.lock:
                    server.hits[path] += 1
                    server.requests.append((path, dict(self.headers)))
                route = server.routes.get(path)
                if route is None:
                    self._send(Reply(b"not found", 404))
                elif isinstance(route, Reply):
                    self._send(route)
                else:
                    route(self)

            def _send(self, reply: Reply):
                fresh = (reply.etag and self.headers.get("If-None-Match") == reply.etag) or (
                    reply.last_modified and self.headers.get("If-Modified-Since") == reply.last_modified
                )
                self.send_response(304 if fresh else reply.status)
                headers = dict(reply.headers)
                if reply.etag:
                    headers["ETag"] = reply.etag
                if reply.last_modified:
                    headers["Last-Modified"] = reply.last_modified
                body = b"" if fresh else reply.body
                headers.setdefault("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            def process_request(self, request, client_address):
                with server.lock:
                    server.connections += 1
                super().process_request(request, client_address)

            def handle_error(self, request, client_address):
                pass  # a client that hangs up (a refused bomb, a closed keep-alive) is not the server's error

        self.connections = 0
        self.httpd = Server((host, 0), Handler)
        self.httpd.daemon_threads = True
        if tls is not None:  # HTTPS: every accepted connection does the TLS handshake first
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.scheme = "https" if tls is not None else "http"
        self.port = self.httpd.server_address[1]
        self.host = host
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str, host: str | None = None) -> str:
        """The URL of path on this server, under host (a name the stub resolver maps here) or the address."""
        return f"{self.scheme}://{host or self.host}:{self.port}{path}"

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def total_hits(self) -> int:
        """Requests received on any path."""
        return sum(self.hits.values())


class StubResolver:
    """names → addresses, as a DNS server would answer; a list of answers is given out one per lookup
    (the last repeats), which is how a rebinding name behaves. Lookups are counted."""

    def __init__(self, names: dict[str, str | list[str] | list[list[str]]] | None = None):
        self.names = dict(names or {})
        self.lookups: Counter = Counter()

    def __call__(self, host: str):
        answers = self.names.get(host.lower())
        self.lookups[host.lower()] += 1
        if answers is None:
            import httpx

            raise httpx.ConnectError(f"cannot resolve {host}: name unknown to the stub resolver")
        if isinstance(answers, str):
            return [ip_address(answers)]
        if answers and isinstance(answers[0], list):
            turn = min(self.lookups[host.lower()], len(answers)) - 1
            return [ip_address(a) for a in answers[turn]]
        return [ip_address(a) for a in answers]


def trickle(seconds: float = 30.0) -> Callable:
    """A route that sends a feed one byte a second (gives up after seconds or when the client leaves)."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                handler.wfile.write(b"<")
                handler.wfile.flush()
                time.sleep(1.0)
        except (BrokenPipeError, ConnectionResetError):
            pass

    return route


def endless_chunks(seconds: float = 30.0) -> Callable:
    """A route that sends a chunked body that never ends (64 kB chunks, until the client leaves)."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        chunk = b"<!-- " + b"x" * 65_000 + b" -->"
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except (BrokenPipeError, ConnectionResetError):
            pass

    return route
