"""Errors as answers: unknown things are 404, bad parameters 422 naming the parameter, never a bare 500."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from zixun.contexts import NotFound
from zixun.web.params import BadParameter
from zixun.web.render import render_error

log = logging.getLogger(__name__)
_TITLES = {
    403: "请求被拒绝",
    404: "找不到页面",
    405: "不支持的请求方法",
    422: "请求参数有误",
    431: "请求头过大",
    500: "服务器出错了",
}


def _where(loc: tuple) -> str:
    kind = {"query": "query parameter", "path": "path parameter", "body": "request body"}.get(loc[0], loc[0])
    name = ".".join(str(part) for part in loc[1:])
    return f"{kind} '{name}'" if name else str(kind)


def validation_message(error: RequestValidationError) -> str:
    """One line per invalid input: where it is, why it is refused, and what was given."""
    lines = []
    for item in error.errors():
        given = f" (got {item['input']!r})" if "input" in item and not isinstance(item["input"], dict) else ""
        lines.append(f"{_where(tuple(item.get('loc', ())))}: {item.get('msg', 'invalid')}{given}")
    return "; ".join(lines) or "invalid request"


def answer(request: Request, status: int, message: str, nav: list[tuple[str, int]] | None = None) -> Response:
    """The error as JSON under /api/ and as a Chinese page elsewhere (with nav, the category menu)."""
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": message}, status_code=status)
    return render_error(request, status, _TITLES.get(status, "出错了"), message, nav)


def _categories(portal, connection) -> list[tuple[str, int]]:
    return portal.categories(connection)


async def _menu(request: Request) -> list[tuple[str, int]] | None:
    """The category menu of a page that is missing: the store answered, so the reader is shown where to go
    (read through the portal's cache, as every page reads it); none under /api/ or when the read fails."""
    portal = getattr(request.app.state, "portal", None)
    if portal is None or request.url.path.startswith("/api/"):
        return None
    try:
        return await portal.read_quick(_categories)
    except Exception:  # logged: the 404 is still answered, without the menu
        log.exception("reading the category menu for a 404 page failed")
        return None


def install(app: FastAPI) -> None:
    """Register the error handlers on app."""

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        return answer(request, 422, validation_message(error))

    @app.exception_handler(BadParameter)
    async def bad_parameter(request: Request, error: BadParameter) -> Response:
        return answer(request, 422, str(error))

    @app.exception_handler(NotFound)
    async def not_found(request: Request, error: NotFound) -> Response:
        return answer(request, 404, str(error), await _menu(request))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        message = error.detail if isinstance(error.detail, str) else _TITLES.get(error.status_code, "error")
        if error.status_code == 404 and message == "Not Found":
            message = f"没有这个页面：{request.url.path}"
        nav = await _menu(request) if error.status_code == 404 else None
        response = answer(request, error.status_code, message, nav)
        response.headers.update(error.headers or {})
        return response

    @app.exception_handler(Exception)
    async def crashed(request: Request, error: Exception) -> Response:
        log.exception("error serving %s", request.url.path)
        return answer(request, 500, "internal error; it has been logged")
