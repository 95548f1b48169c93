"""The JSON shapes of the API and the command line: each page renders one of these as HTML, /api/ returns
it as JSON, and the commands print the same (zixun search, hot, related)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Literal
from urllib.parse import quote, urlencode

from pydantic import BaseModel, Field

from zixun.models import Article, Story, named
from zixun.rank.hot import HotFigures, HotItem

if TYPE_CHECKING:  # only named in signatures: the schemas load neither numpy nor the search code
    from zixun.rank.related import Related
    from zixun.search.query import Hit


def _path(prefix: str, name: str | None) -> str | None:
    # names may hold "/" or "?", so every character outside the unreserved set is escaped
    return f"{prefix}/{quote(name, safe='')}" if name else None


def article_path(article_id: str) -> str:
    """The HTML page of an article."""
    return f"/articles/{article_id}"


def story_path(story_id: int) -> str:
    """The HTML page of a story (the coverage of one event)."""
    return f"/stories/{story_id}"


def category_path(name: str | None) -> str | None:
    """The HTML page of a category."""
    return _path("/categories", name)


# the list pages of a category, author or source, under these paths (and their feeds under /feeds/FORMAT)
LIST_PREFIXES = {"category": "/categories", "author": "/authors", "source": "/sources"}
FEED_FORMATS = {"rss": "application/rss+xml", "atom": "application/atom+xml"}


def list_path(kind: str, name: str) -> str:
    """The HTML page of a category, author or source (kind: a key of LIST_PREFIXES)."""
    return _path(LIST_PREFIXES[kind], name)


def feed_path(fmt: str, kind: str | None = None, name: str | None = None) -> str:
    """The feed (fmt: rss or atom) of the whole site, or of a category, author or source."""
    return f"/feeds/{fmt}" + (_path(LIST_PREFIXES[kind], name) if kind else "")


def hot_path(window: str = "24h", category: str | None = None) -> str:
    """The HTML page of a hot list, over all categories or one."""
    return "/hot?" + urlencode({"window": window, **({"category": category} if category else {})})


def hot_feed_path(fmt: str, window: str = "24h", category: str | None = None) -> str:
    """The feed (fmt: rss or atom) of a hot list, over all categories or one."""
    return f"/feeds/{fmt}" + hot_path(window, category)


class ArticleItem(BaseModel):
    """An article in a list: enough to show a card and follow it (url: HTML page, api_url: JSON)."""

    id: str
    guid: str
    title: str
    url: str = Field(description="Path of the article's HTML page.")
    api_url: str = Field(description="Path of the article's JSON.")
    author: str | None = None
    author_url: str | None = None
    source: str | None = None
    source_url: str | None = None
    category: str | None = None
    category_url: str | None = None
    published_at: datetime | None = None
    summary: str = ""
    declared_original: bool = Field(False, description="The author declares the article original (unchecked).")
    views: int = 0
    comments: int = 0
    shares: int = 0

    @classmethod
    def of(cls, article: Article) -> ArticleItem:
        """The list item of a stored article."""
        return cls(**_item_fields(article))


ENTITY_KINDS = {"people": "人物", "places": "地点", "orgs": "机构"}


def entity_path(kind: str, name: str) -> str:
    """The HTML page of a person (kind people), place (places) or organisation (orgs)."""
    return f"/entities/{kind}/{quote(name, safe='')}"


class EntityLink(BaseModel):
    """A person, place or organisation an article names, and its page."""

    kind: Literal["people", "places", "orgs"]
    name: str
    url: str = Field(description="Path of the entity's HTML page.")
    api_url: str = Field(description="Path of the entity's JSON.")

    @classmethod
    def of(cls, kind: str, name: str) -> EntityLink:
        """The link to one entity's page."""
        return cls(kind=kind, name=name, url=entity_path(kind, name), api_url="/api" + entity_path(kind, name))


class CopyLink(BaseModel):
    """Another copy of an article (a near-duplicate): its page, source and publish time, and the share of the
    repost's text found in the original (0-1)."""

    id: str
    guid: str
    title: str
    url: str = Field(description="Path of the copy's HTML page.")
    source: str | None = None
    published_at: datetime | None = None
    share: float = Field(description="Of the repost's text, the share found in the original (0-1).")

    @classmethod
    def of(cls, article: Article, share: float) -> CopyLink:
        """The link to a stored copy."""
        return cls(
            id=article.id,
            guid=article.guid,
            title=article.title,
            url=article_path(article.id),
            source=article.source,
            published_at=article.published_at,
            share=share,
        )


class StoryLink(BaseModel):
    """The story (one event's coverage) an article belongs to: its page and its size."""

    id: int
    title: str
    url: str = Field(description="Path of the story's HTML page.")
    api_url: str = Field(description="Path of the story's JSON.")
    size: int = Field(description="Articles in the story, reposts included.")
    sources: int = Field(description="Distinct sources that covered it.")
    started_at: datetime | None = Field(None, description="When its first article was published.")
    updated_at: datetime | None = Field(None, description="When its latest article was published.")

    @classmethod
    def of(cls, story: Story) -> StoryLink:
        """The link to a stored story."""
        return cls(
            id=story.id,
            title=story.title,
            url=story_path(story.id),
            api_url="/api" + story_path(story.id),
            size=story.size,
            sources=story.sources,
            started_at=story.started_at,
            updated_at=story.updated_at,
        )


class ArticleDetail(ArticleItem):
    """An article with its body, for its own page."""

    body: list[str] = Field(description="Paragraphs of the article text.")
    keywords: list[str] = []
    entities: list[EntityLink] = Field([], description="The people, places and organisations it names.")
    original_url: str | None = Field(None, description="Where the article was published, when known.")
    duplicate_of: CopyLink | None = Field(
        None, description="首发于: the earlier article this one copies (its duplicate group's original)."
    )
    reposts: list[CopyLink] = Field([], description="另有 N 家转载: the later copies of this article.")
    verified_original: bool = Field(
        False, description="原创, checked: the article has later copies and no earlier one (unlike declared_original)."
    )
    story: StoryLink | None = Field(None, description="The event it reports, when other articles report it too.")

    @classmethod
    def of(cls, article: Article, copies: dict | None = None, story: Story | None = None) -> ArticleDetail:
        """The full view of a stored article; copies: its duplicate_of, reposts and verified_original."""
        return cls(
            **_item_fields(article),
            body=article.body,
            keywords=article.keywords,
            entities=_named(article.entities or {}),
            original_url=article.url,
            story=StoryLink.of(story) if story else None,
            **(copies or {}),
        )


def _named(entities: dict) -> list[EntityLink]:
    """The links of the names an article gives, but for those it gives only as credits (their pages do not list
    it: models.named)."""
    found = named(entities)
    return [EntityLink.of(k, n) for k in ENTITY_KINDS for n in found.get(k, [])]


def _item_fields(article: Article) -> dict:
    return dict(
        id=article.id,
        guid=article.guid,
        title=article.title,
        url=article_path(article.id),
        api_url=f"/api/articles/{article.id}",
        author=article.author,
        author_url=_path("/authors", article.author),
        source=article.source,
        source_url=_path("/sources", article.source),
        category=article.category,
        category_url=category_path(article.category),
        published_at=article.published_at,
        summary=article.summary,
        declared_original=article.declared_original,
        views=article.views,
        comments=article.comments,
        shares=article.shares,
    )


class RelatedEntry(BaseModel):
    """A related article and why it is related (shared keywords, names, the same event...)."""

    article: ArticleItem
    score: float
    reasons: list[str] = []

    @classmethod
    def of(cls, related: Related) -> RelatedEntry:
        """The entry of a rank.related result (an article with its score and reasons)."""
        return cls(article=ArticleItem.of(related.article), score=related.score, reasons=related.reasons)


class RelatedList(BaseModel):
    """An article's related list as guids, best first (zixun related --all)."""

    guid: str
    related: list[str]


class HotEntry(HotFigures):
    """A hot article at its rank, with the figures that make it hot (rank.hot.HotFigures); when it reports a
    story other articles report too, the entry stands for the whole story (its figures summed over it)."""

    rank: int
    article: ArticleItem
    story: StoryLink | None = Field(None, description="The story the entry stands for, if any.")

    @classmethod
    def of(cls, rank: int, item: HotItem) -> HotEntry:
        """The entry of the item at rank (from 1)."""
        return cls(
            rank=rank,
            article=ArticleItem.of(item.article),
            story=StoryLink.of(item.story) if item.story else None,
            **item.model_dump(exclude={"article", "story"}),
        )


class Pager(BaseModel):
    """Where a page of results sits; links are paths with the same query and another page number."""

    page: int
    page_size: int
    total: int | None = Field(None, description="Number of results, when it is counted.")
    prev_url: str | None = None
    next_url: str | None = None


class ArticlePage(BaseModel):
    """The article page: the article, an old-article note, related content and the hot list."""

    article: ArticleDetail
    age_note: str | None = Field(None, description="e.g. 本文发布于 3 个月前, for articles older than a month.")
    related: list[RelatedEntry]
    hot_window: Literal["24h", "7d"] = Field(description="Window of the hot list (7d when 24h has too few).")
    hot: list[HotEntry]


class RelatedPage(BaseModel):
    """An article and what is related to it (empty when nothing truly is)."""

    article: ArticleItem
    related: list[RelatedEntry]


class HotPage(BaseModel):
    """The hot list of a time window, over all categories or one."""

    window: Literal["24h", "7d"]
    category: str | None = None
    items: list[HotEntry]


class StoriesPage(BaseModel):
    """The stories index: the stories developed in a window, latest development first or most sources first."""

    window: Literal["24h", "7d", "30d"]
    sort: Literal["latest", "sources"]
    since: datetime = Field(description="The window's start: stories whose latest article is this recent or newer.")
    items: list[StoryLink]
    pager: Pager


class EntityTrend(EntityLink):
    """A name in the news: how many articles of the window named it, and of the window just before."""

    articles: int = Field(description="Original articles of the window naming it (reposts not counted).")
    before: int = Field(description="The same count in the window of equal length just before.")
    change: Literal["new", "up", "down", "same"] = Field(description="new: not named in the window before.")


class EntityGroup(BaseModel):
    """The names of one kind most named in the window, most first."""

    kind: Literal["people", "places", "orgs"]
    kind_label: str = Field(description="人物, 地点 or 机构.")
    items: list[EntityTrend]


class EntitiesPage(BaseModel):
    """人物 · 地点 · 机构: the people, places and organisations most named in a window (or rising in it), per kind."""

    window: Literal["24h", "7d", "30d"]
    sort: Literal["most", "rising"] = Field(
        description="most: the most named first; rising: named more than in the window before, largest growth first."
    )
    since: datetime
    groups: list[EntityGroup]


class SourceStatus(BaseModel):
    """A feed the crawler polls and the outcome of its last fetch."""

    id: int
    url: str
    title: str | None = None
    category: str | None = None
    last_fetch_at: datetime | None = Field(None, description="When it was last fetched (None: never).")
    last_status: int | None = Field(None, description="HTTP status of the last fetch (304: not modified).")
    last_new: int | None = Field(None, description="New items the last fetch found.")
    last_error: str | None = Field(None, description="Why the last fetch failed, if it did.")
    public_error: str | None = Field(
        None, description="Why it failed, coarsely (refused, timed out, HTTP 404...): what the public page shows."
    )
    last_note: str | None = Field(None, description="What the last fetch noted (a page kept its summary...).")
    failures: int = Field(0, description="Failed fetches in a row.")
    next_fetch_at: datetime | None = Field(None, description="When it is due again.")


class SourcesPage(BaseModel):
    """Every feed the crawler polls, with its status (zixun feeds list, /sources)."""

    feeds: list[SourceStatus]


class ListPage(BaseModel):
    """A page of articles, newest first: all, or those of a category, author and/or source."""

    title: str
    category: str | None = None
    source: str | None = None
    author: str | None = None
    items: list[ArticleItem]
    pager: Pager


class DayCount(BaseModel):
    """How many articles of a day (in the portal's time zone)."""

    day: date
    count: int


class EntityPage(BaseModel):
    """A person, place or organisation: the articles naming it (by any of its names), newest first."""

    kind: Literal["people", "places", "orgs"]
    kind_label: str = Field(description="人物, 地点 or 机构.")
    name: str
    names: list[str] = Field(description="Its names: the one shown first, then its aliases.")
    total: int = Field(description="How many articles name it.")
    other_kinds: list[EntityLink] = Field(description="The same name found as another kind.")
    stories: list[StoryLink] = Field([], description="The latest stories of articles naming it, latest first.")
    timeline: list[DayCount] = Field(
        [], description="How many articles named it each day (portal time zone), for its latest days, oldest first."
    )
    items: list[ArticleItem]
    pager: Pager


class StoryItem(BaseModel):
    """One article of a story's timeline; a repost names the article it copies."""

    article: ArticleItem
    copy_of: str | None = Field(None, description="Id of the original this article copies (a repost), else null.")


class StoryDay(BaseModel):
    """A day of a story's timeline (in the portal's time zone) and what was published that day, in order."""

    day: date | None = Field(description="The day; null for articles without a publish time.")
    items: list[StoryItem]


class StoryPage(BaseModel):
    """A story: one event's coverage by every source, as a timeline of dated developments."""

    story: StoryLink
    first: ArticleItem | None = Field(description="The first publisher: the story's earliest original article.")
    sources: list[str] = Field(description="The distinct sources that covered it, first to report first.")
    days: list[StoryDay] = Field(description="This page of its coverage, oldest first, grouped by day.")
    pager: Pager


class CategorySection(BaseModel):
    """The newest articles of one category, for the home page."""

    name: str
    url: str
    count: int
    items: list[ArticleItem]


class HomePage(BaseModel):
    """The home page: the hot list and the newest articles of every category."""

    hot_window: Literal["24h", "7d"] = Field(description="Window of the hot list (7d when 24h has too few).")
    hot: list[HotEntry]
    sections: list[CategorySection]


class SearchEntry(BaseModel):
    """A search result with its score and the passage that matched."""

    article: ArticleItem
    score: float
    snippet: str

    @classmethod
    def of(cls, hit: Hit) -> SearchEntry:
        """The entry of a search.query hit."""
        return cls(article=ArticleItem.of(hit.article), score=hit.score, snippet=hit.snippet)


class SearchPage(BaseModel):
    """Search results with the filters and sort they were asked with, and the words the query became."""

    q: str
    words: list[str] = Field(description="The query cut into index words (what snippets highlight).")
    sort: Literal["relevance", "newest"]
    category: str | None = None
    source: str | None = None
    since: date | None = None
    until: date | None = None
    total: int
    hits: list[SearchEntry]
    pager: Pager
    categories: list[str] = Field(description="Categories to filter by.")
    sources: list[str] = Field(description="Sources to filter by.")


class Counters(BaseModel):
    """An article's engagement counters after a share was recorded."""

    id: str
    views: int
    comments: int
    shares: int
    counted: bool = Field(
        description="Whether this share counted: a client's shares of an article count once "
        "a day, and at most 20 an hour over all articles."
    )


class PageCacheStatus(BaseModel):
    """The rendered article parts one web worker keeps (each worker has its own)."""

    entries: int
    capacity: int
    warming: bool = Field(description="Still rendering the newest articles' parts after start-up.")


class StatusPage(BaseModel):
    """What the answering worker serves: how many articles, and its page cache."""

    articles: int
    page_cache: PageCacheStatus


class ErrorMessage(BaseModel):
    """Why a request failed."""

    detail: str
