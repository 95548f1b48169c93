"""The app factory: one Portal (store, clock, caches) behind the HTML pages, the JSON API and /docs."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from zixun.contexts import Clock
from zixun.settings import Settings
from zixun.web import api, docs, errors, pages, syndication
from zixun.web.fragments import ArticlePages
from zixun.web.guard import HeaderLimit, SameOrigin, SlashRedirect
from zixun.web.headers import HeadAsGet, SecurityHeaders
from zixun.web.portal import Portal
from zixun.web.render import Renderer

_STATIC = Path(__file__).with_name("static")


def create_app(settings: Settings, clock: Clock | None = None) -> FastAPI:
    """The portal for settings; clock (default: the real UTC time) dates views, hot lists and age notes."""
    portal = Portal(settings, clock)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        portal.views.start()
        portal.segmenter()  # load the dictionary before the first search, not during it
        if settings.warm_pages:
            app.state.article_pages.start_warming(portal)
        yield
        app.state.article_pages.stop()
        portal.close()

    # /docs is our own page (docs.py): FastAPI's Swagger UI and ReDoc load their scripts from a CDN
    # redirect_slashes off: Starlette builds its redirect from the Host header; SlashRedirect's is relative
    app = FastAPI(
        title="zixun 资讯",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,
        description="A Chinese news portal: articles, related content, hot news and search.",
    )
    app.state.portal = portal
    app.state.renderer = Renderer(portal.zone, settings.demo_note)
    app.state.article_pages = ArticlePages(app.state.renderer, settings.page_cache_entries, settings.hot_cache_seconds)
    app.mount("/static", StaticFiles(directory=_STATIC), name="static")
    # pages first: a request is matched against the routes in order, and article pages are most requests
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(syndication.router)
    docs.install(app)
    errors.install(app)
    # the last added runs first: oversized headers are refused before anything, cross-site posts next
    app.add_middleware(SlashRedirect, routes=app.router.routes)
    app.add_middleware(SameOrigin, site=settings.site_url)
    app.add_middleware(HeaderLimit, max_bytes=settings.max_header_bytes)
    # around everything, Starlette's own error middleware included (add_middleware would put them inside it,
    # and its 500 page would go out without them): every response's security headers, HEAD answered as GET
    inner = app.build_middleware_stack
    app.build_middleware_stack = lambda: SecurityHeaders(HeadAsGet(inner()))
    return app


def app_from_environment() -> FastAPI:
    """create_app(Settings()) for `uvicorn --factory` (each worker process of `zixun serve --workers N`)."""
    return create_app(Settings())
