"""The JSON API under /api/: the same contexts as the pages, as JSON, with precise response models."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from zixun import contexts
from zixun.schemas import (
    ArticlePage,
    Counters,
    EntitiesPage,
    EntityPage,
    ErrorMessage,
    HomePage,
    HotPage,
    ListPage,
    RelatedPage,
    SearchPage,
    StatusPage,
    StoriesPage,
    StoryPage,
)
from zixun.web.params import (
    NO_NUL,
    Day,
    EntitySort,
    Name,
    NewsWindow,
    Page,
    PageSize,
    Sort,
    StoryId,
    StorySort,
    Window,
    paging,
    search_query,
)
from zixun.web.portal import Portal
from zixun.web.tracking import request_client

_ERRORS = {
    404: {"model": ErrorMessage, "description": "Not found"},
    422: {"model": ErrorMessage, "description": "A parameter is invalid; the message names it"},
}
router = APIRouter(prefix="/api", tags=["api"], responses=_ERRORS)

ArticleKey = Annotated[str, Path(min_length=1, max_length=300, pattern=NO_NUL, description="Article id or guid.")]
PathName = Annotated[str, Path(min_length=1, max_length=200, pattern=NO_NUL)]
EntityKind = Annotated[str, Path(pattern="^(people|places|orgs)$", description="people, places or orgs.")]


def _portal(request: Request) -> Portal:
    return request.app.state.portal


def _shown(request: Request, counters: Counters) -> Counters:
    # this worker's assembled page of the article would show the old counters until it expires
    if counters.counted:
        request.app.state.article_pages.forget(counters.id)
    return counters


@router.get("/home", response_model=HomePage, summary="The home page: hot list and newest per category")
async def home(request: Request) -> HomePage:
    """The home page's context."""
    return await _portal(request).read(contexts.home_page)


@router.get("/articles", response_model=ListPage, summary="Articles, newest first, optionally filtered")
async def article_list(
    request: Request,
    category: Name = None,
    source: Name = None,
    author: Name = None,
    page: Page = 1,
    page_size: PageSize = 20,
) -> ListPage:
    """Articles newest first, of a category, source and/or author when given (an empty list when none match)."""
    where = {"category": category, "source": source, "author": author}
    return await _portal(request).read(contexts.list_page, where, paging(request, page, page_size))


@router.get("/articles/{article_id}", response_model=ArticlePage, summary="An article page's context")
async def article(request: Request, article_id: ArticleKey) -> ArticlePage:
    """The article with its old-article note, related articles and the hot list."""
    return await _portal(request).read(contexts.article_page, article_id)


@router.get("/articles/{article_id}/related", response_model=RelatedPage, summary="Articles related to one")
async def related(request: Request, article_id: ArticleKey) -> RelatedPage:
    """What is truly related to the article, best first; empty rather than filled with unrelated news."""
    return await _portal(request).read(contexts.related_page, article_id)


_REFUSED = {403: {"model": ErrorMessage, "description": "Posted from another site (Origin, Sec-Fetch-Site)"}}


@router.post("/articles/{article_id}/share", response_model=Counters, summary="Count a share", responses=_REFUSED)
async def share(request: Request, article_id: ArticleKey) -> Counters:
    """Record that the article was shared: counted once a day per client and article (a repeat answers
    the unchanged counters with counted false)."""
    portal = _portal(request)
    return _shown(request, await portal.write(contexts.share, article_id, request_client(request, portal.proxies)))


async def _named(request: Request, kind: str, name: str, page: int, page_size: int) -> ListPage:
    at = paging(request, page, page_size)
    return await _portal(request).read(contexts.list_page, {kind: name}, at, True)


@router.get("/categories/{name:path}", response_model=ListPage, summary="A category's articles")
async def category(request: Request, name: PathName, page: Page = 1, page_size: PageSize = 20) -> ListPage:
    """A category's articles, newest first; 404 for a category with none."""
    return await _named(request, "category", name, page, page_size)


@router.get("/authors/{name:path}", response_model=ListPage, summary="An author's articles")
async def author(request: Request, name: PathName, page: Page = 1, page_size: PageSize = 20) -> ListPage:
    """An author's articles, newest first; 404 for an author with none."""
    return await _named(request, "author", name, page, page_size)


@router.get("/sources/{name:path}", response_model=ListPage, summary="A source's articles")
async def source(request: Request, name: PathName, page: Page = 1, page_size: PageSize = 20) -> ListPage:
    """A source's articles, newest first; 404 for a source with none."""
    return await _named(request, "source", name, page, page_size)


@router.get("/entities/{kind}/{name:path}", response_model=EntityPage, summary="A person, place or organisation")
async def entity(
    request: Request, kind: EntityKind, name: PathName, page: Page = 1, page_size: PageSize = 20
) -> EntityPage:
    """The articles naming a person, place or organisation by any of its names, newest first; 404 for a name
    no article gives as that kind."""
    return await _portal(request).read(contexts.entity_page, kind, name, paging(request, page, page_size))


@router.get("/stories", response_model=StoriesPage, summary="The stories of a time window")
async def stories(
    request: Request,
    window: NewsWindow = "7d",
    sort: StorySort = "latest",
    page: Page = 1,
    page_size: PageSize = 20,
) -> StoriesPage:
    """The stories (events covered by two or more articles) whose latest article falls in the window ending now,
    latest development first or most sources first."""
    return await _portal(request).read(contexts.stories_index_page, window, sort, paging(request, page, page_size))


@router.get("/entities", response_model=EntitiesPage, summary="The people, places and organisations in the news")
async def entities(request: Request, window: NewsWindow = "7d", sort: EntitySort = "most") -> EntitiesPage:
    """The people, places and organisations most named by the original articles of the window ending now (reposts
    not counted), or rising in it, per kind, each with its count in the window just before."""
    return await _portal(request).read(contexts.entities_index_page, window, sort)


@router.get("/stories/{story_id}", response_model=StoryPage, summary="A story: one event's coverage")
async def story(request: Request, story_id: StoryId, page: Page = 1, page_size: PageSize = 20) -> StoryPage:
    """A story's facts (size, sources, first publisher) and a page of its coverage, oldest first, by day;
    404 for an unknown story."""
    return await _portal(request).read(contexts.story_page, story_id, paging(request, page, page_size))


@router.get("/hot", response_model=HotPage, summary="Hot articles of a time window")
async def hot(
    request: Request, window: Window = "24h", category: Name = None, limit: Annotated[int, Query(ge=1, le=50)] = 10
) -> HotPage:
    """The hot list with each item's figures and why it is hot."""
    return await _portal(request).read(contexts.hot_page, window, category, limit)


@router.get("/search", response_model=SearchPage, summary="Full-text search")
async def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=200, pattern=NO_NUL)],
    category: Name = None,
    source: Name = None,
    since: Day = None,
    until: Day = None,
    sort: Sort = "relevance",
    page: Page = 1,
    page_size: PageSize = 20,
) -> SearchPage:
    """Articles matching every word of q, with snippets, filters, sort and paging."""
    asked = search_query(q, category, source, since, until, sort)
    return await _portal(request).read(contexts.search_page, asked, paging(request, page, page_size))


@router.get("/status", response_model=StatusPage, summary="The store's size and this worker's page cache")
async def status(request: Request) -> StatusPage:
    """How many articles are stored, and whether the answering worker has finished warming its page cache."""
    return await _portal(request).read(contexts.status_page, request.app.state.article_pages)
