"""The HTML pages: each handler reads one context (plus the category menu) and renders its template."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from zixun import contexts
from zixun.schemas import article_path
from zixun.web.headers import is_head
from zixun.web.params import (
    NO_NUL,
    EntitySort,
    FormDay,
    Name,
    NewsWindow,
    Page,
    Sort,
    StoryId,
    StorySort,
    Window,
    form_day,
    paging,
    search_query,
)
from zixun.web.portal import Portal
from zixun.web.render import Renderer
from zixun.web.tracking import request_client

router = APIRouter(include_in_schema=False)
ArticleKey = Annotated[str, Path(min_length=1, max_length=300, pattern=NO_NUL)]
PathName = Annotated[str, Path(min_length=1, max_length=200, pattern=NO_NUL)]
EntityKind = Annotated[str, Path(pattern="^(people|places|orgs)$")]


def _with_menu(build: Callable) -> Callable:
    """build, also returning the category menu read on the same connection."""

    def both(portal: Portal, connection, *args):
        return build(portal, connection, *args), portal.categories(connection)

    return both


async def _show(request: Request, template: str, build: Callable, *args, **extra) -> HTMLResponse:
    portal: Portal = request.app.state.portal
    page, menu = await portal.read(_with_menu(build), *args)
    renderer: Renderer = request.app.state.renderer
    return renderer.page(template, page, menu, **extra)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    """The home page."""
    return await _show(request, "home.html", contexts.home_page)


@router.get("/articles", response_class=HTMLResponse)
async def article_list(request: Request, page: Page = 1) -> HTMLResponse:
    """All articles, newest first."""
    at = paging(request, page, request.app.state.portal.settings.page_size)
    return await _show(request, "list.html", contexts.list_page, {}, at)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
async def article(request: Request, article_id: ArticleKey) -> HTMLResponse:
    """The article page (assembled from cached fragments, web/fragments.py); serving it queues a page view."""
    portal: Portal = request.app.state.portal
    found_id, html = await request.app.state.article_pages.page(portal, article_id)
    if not is_head(request):  # a HEAD (a link checker, a feed reader's probe) is no reader
        agent = request.headers.get("user-agent", "")
        portal.views.record(found_id, request_client(request, portal.proxies), agent, portal.clock())
    return HTMLResponse(html)


@router.post("/articles/{article_id}/share")
async def share(request: Request, article_id: ArticleKey) -> Response:
    """The page's share button (works without JavaScript): count it (once a day per reader), then back to
    the article (a relative Location: never built from the request's Host)."""
    portal: Portal = request.app.state.portal
    counters = await portal.write(contexts.share, article_id, request_client(request, portal.proxies))
    if counters.counted:
        request.app.state.article_pages.forget(counters.id)
    return RedirectResponse(article_path(counters.id) + "?shared=1", status_code=303)


async def _named(request: Request, kind: str, name: str, page: int) -> HTMLResponse:
    at = paging(request, page, request.app.state.portal.settings.page_size)
    return await _show(request, "list.html", contexts.list_page, {kind: name}, at, True)


@router.get("/categories/{name:path}", response_class=HTMLResponse)
async def category(request: Request, name: PathName, page: Page = 1) -> HTMLResponse:
    """A category's articles."""
    return await _named(request, "category", name, page)


@router.get("/authors/{name:path}", response_class=HTMLResponse)
async def author(request: Request, name: PathName, page: Page = 1) -> HTMLResponse:
    """An author's articles."""
    return await _named(request, "author", name, page)


@router.get("/sources/{name:path}", response_class=HTMLResponse)
async def source(request: Request, name: PathName, page: Page = 1) -> HTMLResponse:
    """A source's articles."""
    return await _named(request, "source", name, page)


@router.get("/entities/{kind}/{name:path}", response_class=HTMLResponse)
async def entity(request: Request, kind: EntityKind, name: PathName, page: Page = 1) -> HTMLResponse:
    """A person's, place's or organisation's articles, newest first (aliases merged)."""
    at = paging(request, page, request.app.state.portal.settings.page_size)
    return await _show(request, "entity.html", contexts.entity_page, kind, name, at)


@router.get("/stories", response_class=HTMLResponse)
async def stories(
    request: Request, window: NewsWindow = "7d", sort: StorySort = "latest", page: Page = 1
) -> HTMLResponse:
    """The stories developed in a window, latest development (or most sources) first."""
    at = paging(request, page, request.app.state.portal.settings.page_size)
    return await _show(request, "stories.html", contexts.stories_index_page, window, sort, at)


@router.get("/entities", response_class=HTMLResponse)
async def entities(request: Request, window: NewsWindow = "7d", sort: EntitySort = "most") -> HTMLResponse:
    """The people, places and organisations most named in a window (or rising in it)."""
    return await _show(request, "entities.html", contexts.entities_index_page, window, sort)


@router.get("/stories/{story_id}", response_class=HTMLResponse)
async def story(request: Request, story_id: StoryId, page: Page = 1) -> HTMLResponse:
    """A story: its timeline of coverage, first publisher and sources."""
    at = paging(request, page, request.app.state.portal.settings.page_size)
    return await _show(request, "story.html", contexts.story_page, story_id, at)


@router.get("/sources", response_class=HTMLResponse)
async def sources(request: Request) -> HTMLResponse:
    """The feeds the crawler polls and how their last fetch went (read-only)."""
    return await _show(request, "sources.html", contexts.public_sources_page)


@router.get("/hot", response_class=HTMLResponse)
async def hot(request: Request, window: Window = "24h", category: Name = None) -> HTMLResponse:
    """The hot list of a window (24h, 7d), over all categories or one."""
    return await _show(request, "hot.html", contexts.hot_page, window, category or None, 30)


@router.get("/search", response_class=HTMLResponse)
async def search(
    request: Request,
    q: Annotated[str, Query(max_length=200, pattern=NO_NUL)] = "",
    category: Name = None,
    source: Name = None,
    since: FormDay = "",
    until: FormDay = "",
    sort: Sort = "relevance",
    page: Page = 1,
) -> HTMLResponse:
    """The search page: the form, and results with highlighted snippets when q is given."""
    asked = search_query(q, category, source, form_day("since", since), form_day("until", until), sort)
    at = paging(request, page, request.app.state.portal.settings.page_size)
    return await _show(request, "search.html", contexts.search_page, asked, at)
