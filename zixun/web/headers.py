"""What every response carries (pure ASGI, around everything else): security headers, and HEAD answered.

The pages load nothing but their own stylesheet and run no script, so the Content-Security-Policy allows
only that: no inline script or style (a template that adds one breaks in the browser test), no framing,
forms posting only to the portal. HEAD is answered as the GET of the same URL would be, headers and all,
without the body: FastAPI's routes take GET only, so HEAD used to get 405.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",  # frame-ancestors for browsers that predate it
    # a link out to an article's source does not tell it which page the reader came from
    "referrer-policy": "same-origin",
}
_ENCODED = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in SECURITY_HEADERS.items()]
_HEAD = "zixun.head"  # scope key: the request was a HEAD, answered as its GET


def is_head(request: Request) -> bool:
    """Whether this request was a HEAD (handlers see it as a GET): it counts no page view."""
    return bool(request.scope.get(_HEAD))


class SecurityHeaders:
    """Add SECURITY_HEADERS to every HTTP response, the guards' refusals and static files included;
    a header a handler set itself is kept."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in _ENCODED if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HeadAsGet:
    """Answer HEAD as GET, then drop the body: the status and headers (Content-Length included) are the
    GET's. The server's scope is copied, not changed, so it still knows the request was a HEAD."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the last body message (more_body false) ends the response, empty
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET", _HEAD: True}, receive, send_headers_only)
