"""Guards in front of every route (pure ASGI, before routing): headers of bounded size, writes only from
the portal's own pages, and trailing-slash redirects that never name the request's Host."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request
from starlette.datastructures import Headers
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from zixun.web.errors import answer

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Sec-Fetch-Site of a request a page of the same origin made, or the reader typed ("none")
_OWN_FETCH = frozenset({"same-origin", "none"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def netloc(scheme: str, location: str) -> str | None:
    """host[:port] of a URL's authority, lower case, the scheme's default port left out; None if malformed."""
    try:
        parts = urlsplit(f"//{location}")
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not host or parts.username is not None or parts.password is not None:
        return None
    host = f"[{host}]" if ":" in host else host
    return host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"


def _origin(url: str) -> tuple[str, str] | None:
    """(scheme, host[:port]) of an origin such as https://news.example.com; None for 'null' or a non-origin."""
    scheme, _, rest = url.strip().partition("://")
    scheme = scheme.lower()
    if scheme not in _DEFAULT_PORTS or not rest or any(c in rest for c in "/?#"):
        return None
    host = netloc(scheme, rest)
    return (scheme, host) if host else None


def same_origin(site: str | None, origin: str, host: str | None) -> bool:
    """Whether an Origin header names the portal: the configured site (scheme, host and port), or, with no
    site configured, the host and port the request was sent to (its Host header; the scheme is not known
    behind a TLS proxy). A browser cannot choose the Host it sends, so a foreign page's Origin differs."""
    seen = _origin(origin)
    if seen is None:
        return False
    if site is not None:
        return seen == _origin(site)
    return host is not None and seen[1] == netloc(seen[0], host)


class HeaderLimit:
    """Refuse (431) a request whose header names and values total more than max_bytes, before any app work."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and sum(len(n) + len(v) for n, v in scope["headers"]) > self.max_bytes:
            message = f"请求头超过 {self.max_bytes} 字节 (request headers over {self.max_bytes} bytes)"
            await answer(Request(scope), 431, message)(scope, receive, send)
            return
        await self.app(scope, receive, send)


class SameOrigin:
    """Refuse (403) a state-changing request another site's page made: its Sec-Fetch-Site is not
    same-origin (or none), or its Origin is not the portal's (same_origin). A request with neither
    header (curl, an API client, an old browser) passes; engagement's per-client limits apply to it."""

    def __init__(self, app: ASGIApp, site: str | None):
        self.app, self.site = app, site

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            refused = self.refusal(Headers(scope=scope))
            if refused:
                await answer(Request(scope), 403, f"拒绝来自其他网站的提交 (cross-site request refused: {refused})")(
                    scope, receive, send
                )
                return
        await self.app(scope, receive, send)

    def refusal(self, headers: Headers) -> str | None:
        """Why a request with these headers is not the portal's own; None when it may be."""
        fetch_site = headers.get("sec-fetch-site")
        if fetch_site is not None and fetch_site.lower() not in _OWN_FETCH:
            return f"Sec-Fetch-Site: {fetch_site[:40]}"
        origin = headers.get("origin")
        if origin is not None and not same_origin(self.site, origin, headers.get("host")):
            return f"Origin: {origin[:100]}"
        return None


class SlashRedirect:
    """A path with trailing slashes that a route serves without them: 308 to that path, relative, so
    the Host header (anyone's to write) never becomes a Location. Starlette's own redirect_slashes
    builds an absolute URL from it, and is turned off (app.py)."""

    def __init__(self, app: ASGIApp, routes: list[BaseRoute]):
        self.app, self.routes = app, routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and len(path) > 1 and path.endswith("/"):
            # leading slashes and backslashes collapse to one: "//host" would be another site
            target = "/" + path.lstrip("/\\").rstrip("/")
            if any(route.matches({**scope, "path": target})[0] is not Match.NONE for route in self.routes):
                raw = scope.get("raw_path") or path.encode("utf-8")
                location = b"/" + raw.lstrip(b"/\\").rstrip(b"/")
                if scope.get("query_string"):
                    location += b"?" + scope["query_string"]
                await send(
                    {
                        "type": "http.response.start",
                        "status": 308,
                        "headers": [(b"location", location), (b"content-length", b"0")],
                    }
                )
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)
