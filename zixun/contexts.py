"""Builders of the page contexts: each reads the store (and rank) once and returns one schema object,
which the portal renders as HTML, /api/ returns as JSON, and the commands print (zixun search, hot, related).

The builders read through a Reader: the command line uses one as it is; the portal's (web/portal.py)
keeps the shared lists (hot, categories, sources) cached. The article page is built from parts
(ArticleState, ArticleContent, the hot list, the age note) that the API composes into an ArticlePage and
web/fragments.py caches and renders as HTML."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from zixun.models import Article
from zixun.rank.hot import hot_articles
from zixun.rank.related import related_articles
from zixun.rank.trending import WINDOWS, trending
from zixun.schemas import (
    ENTITY_KINDS,
    ArticleDetail,
    ArticleItem,
    ArticlePage,
    CategorySection,
    CopyLink,
    Counters,
    DayCount,
    EntitiesPage,
    EntityGroup,
    EntityLink,
    EntityPage,
    EntityTrend,
    HomePage,
    HotEntry,
    HotPage,
    ListPage,
    PageCacheStatus,
    Pager,
    RelatedEntry,
    RelatedPage,
    SearchEntry,
    SearchPage,
    SourcesPage,
    SourceStatus,
    StatusPage,
    StoriesPage,
    StoryDay,
    StoryItem,
    StoryLink,
    StoryPage,
    category_path,
    hot_path,
    list_path,
)
from zixun.search.query import Filters, search
from zixun.settings import Settings
from zixun.store import articles, duplicates, engagement, facets, feeds, mentions, related_lists, stories
from zixun.text.entities import names_of
from zixun.text.segment import Segmenter, segmenter

Clock = Callable[[], datetime]
T = TypeVar("T")
RELATED_LIMIT, HOT_LIMIT, SECTION_LIMIT = 6, 10, 6
ENTITY_STORIES = 5  # stories an entity page lists above its articles
ENTITY_DAYS = 30  # days with articles an entity page's timeline shows
ENTITY_STORY_ARTICLES = 200  # of the newest articles naming an entity, whose stories it lists
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# below this many items in 24 hours, pages show the 7-day hot list instead
HOT_MIN_ITEMS = 3
_LIST_TITLES = {"all": "最新资讯", "category": "{}", "author": "作者 {}", "source": "来源 {}"}


def utc_now() -> datetime:
    """The real clock (tests pass a fake one to create_app)."""
    return datetime.now(UTC)


class Reader:
    """What the builders read besides the store: settings, clock, tokenizer, and the lists many pages share.

    This one reads them afresh (the command line); the portal's keeps them cached (web/portal.py)."""

    def __init__(self, settings: Settings, clock: Clock | None = None):
        self.settings = settings
        self.clock = clock or utc_now
        self.zone = ZoneInfo(settings.display_timezone)

    def segmenter(self) -> Segmenter:
        """The tokenizer for search queries (loaded once per process, ~130 ms)."""
        return segmenter(self.settings.user_dict)

    def cached(self, connection: sa.Connection, key: tuple, build: Callable[[sa.Connection], T]) -> T:
        """build(connection); the portal keeps the answer for a while under key."""
        return build(connection)

    def hot(self, connection: sa.Connection, window: str, category: str | None, limit: int) -> list[HotEntry]:
        """The hot list of a window ending now (ranked at most once per cache period by the portal)."""

        def rank(on: sa.Connection) -> list[HotEntry]:
            found = hot_articles(on, window=window, category=category, limit=limit, now=self.clock())
            return [HotEntry.of(i, item) for i, item in enumerate(found, start=1)]

        return self.cached(connection, ("hot", window, category, limit), rank)

    def related(self, connection: sa.Connection, article: Article, limit: int) -> list[RelatedEntry]:
        """The article's related list, precomputed by rank (the article page caches it rendered)."""
        return [RelatedEntry.of(r) for r in related_articles(connection, article, limit=limit)]

    def categories(self, connection: sa.Connection) -> list[tuple[str, int]]:
        """(category, count) of the stored articles, largest first."""
        return self.cached(connection, ("categories",), facets.categories)

    def sources(self, connection: sa.Connection) -> list[tuple[str, int]]:
        """(source, count) of the stored articles, largest first."""
        return self.cached(connection, ("sources",), facets.sources)


class NotFound(LookupError):
    """What a page asks for does not exist (an unknown id, an empty category, a page past the end)."""


@dataclass(frozen=True)
class Paging:
    """The page asked for, and the path and other query parameters its neighbours' links keep."""

    page: int
    size: int
    path: str
    query: dict = field(default_factory=dict)

    def pager(self, has_next: bool, total: int | None = None) -> Pager:
        """The Pager of this page."""

        def link(page: int) -> str:
            params = {k: v for k, v in self.query.items() if v not in (None, "")}
            return f"{self.path}?{urlencode({**params, 'page': page})}"

        return Pager(
            page=self.page,
            page_size=self.size,
            total=total,
            prev_url=link(self.page - 1) if self.page > 1 else None,
            next_url=link(self.page + 1) if has_next else None,
        )


def age_note(published: datetime | None, now: datetime, min_days: int) -> str | None:
    """本文发布于 N 天/个月/年前, for an article at least min_days old; None for a recent one."""
    if published is None:
        return None
    days = (now - published).days
    if days < max(min_days, 1):
        return None
    if days < 60:
        return f"本文发布于 {days} 天前"
    if days < 365:
        return f"本文发布于 {days // 30} 个月前"
    return f"本文发布于 {days // 365} 年前"


def hot_list(reader: Reader, connection: sa.Connection, category: str | None = None) -> tuple[str, list]:
    """(window, entries) of the hot list pages show: 24 hours, or 7 days when 24 hours has too few."""
    items = reader.hot(connection, "24h", category, HOT_LIMIT)
    if len(items) >= HOT_MIN_ITEMS:
        return "24h", items
    return "7d", reader.hot(connection, "7d", category, HOT_LIMIT)


def _article(connection: sa.Connection, key: str):
    article = articles.get(connection, key)
    if article is None:
        raise NotFound(f"没有 id 为 {key!r} 的文章")
    return article


# An article page is made of parts that change at different rates, each read by one builder below:
# its state (counters, and the version of the rest: one query, on every page view whose page expired),
# its content (the article and 相关内容: read again only for a new version), the hot list and the age note.
# article_page() composes them for the API; web/fragments.py caches the same parts and renders them.


@dataclass(frozen=True)
class ArticleState:
    """What an article page shows that changes often (its counters), and the version of the rest."""

    id: str
    # the article's update time and its related list's (ids, scores, their update times); compared by
    # the page cache to tell content versions apart, never shown
    version: tuple = field(compare=False)
    published_at: datetime | None
    views: int
    comments: int
    shares: int

    @classmethod
    def of(cls, found: tuple[sa.Row, tuple]) -> ArticleState:
        """The state of a related.page_state() answer."""
        row, related = found
        return cls(
            id=row.id,
            version=(row.updated_at, related, row.original_id, row.reposts),
            published_at=row.published_at,
            views=row.views,
            comments=row.comments,
            shares=row.shares,
        )


@dataclass(frozen=True)
class ArticleContent:
    """What an article page shows of one version of the article: the article and its 相关内容."""

    version: tuple
    article: ArticleDetail
    related: list[RelatedEntry]


def article_state(connection: sa.Connection, key: str) -> ArticleState:
    """The state of the article whose id (else guid) is key; NotFound if none."""
    found = related_lists.page_state(connection, key, RELATED_LIMIT)
    if found is None:
        raise NotFound(f"没有 id 为 {key!r} 的文章")
    return ArticleState.of(found)


def article_states(connection: sa.Connection, keys: list[str]) -> dict[str, ArticleState]:
    """article_state() of many ids or guids, ids in one query: {key: state}; unknown keys are left out."""
    states = {
        key: ArticleState.of(found) for key, found in related_lists.page_states(connection, keys, RELATED_LIMIT).items()
    }
    for key in keys:
        if key not in states and (found := related_lists.page_state(connection, key, RELATED_LIMIT)) is not None:
            states[key] = ArticleState.of(found)  # a guid, found after no id matched it
    return states


def article_content(reader: Reader, connection: sa.Connection, state: ArticleState) -> ArticleContent:
    """The content of the article of state, at state's version; NotFound if it was deleted meanwhile."""
    article = _article(connection, state.id)
    return ArticleContent(
        version=state.version,
        article=ArticleDetail.of(article, _copies(connection, article.id), stories.of_article(connection, article.id)),
        related=reader.related(connection, article, RELATED_LIMIT),
    )


def _copies(connection: sa.Connection, article_id: str) -> dict:
    """What an article page says of the article's copies: 首发于 (the original it copies), or 另有 N 家转载
    (its reposts) and a verified 原创."""
    decision = duplicates.decision_of(connection, article_id)
    reposts = [] if decision else duplicates.reposts_of(connection, article_id)
    shares = dict(reposts) | dict([decision] if decision else [])
    found = articles.many(connection, list(shares), body=False)
    shown = [CopyLink.of(found[i], shares[i]) for i, _ in reposts if i in found]
    shown.sort(key=lambda link: (link.published_at is None, link.published_at or datetime.min.replace(tzinfo=UTC)))
    first = CopyLink.of(found[decision[0]], decision[1]) if decision and decision[0] in found else None
    return {"duplicate_of": first, "reposts": shown, "verified_original": bool(shown)}


def article_age_note(reader: Reader, state: ArticleState, now: datetime) -> str | None:
    """The 本文发布于 note of an article page shown at now."""
    return age_note(state.published_at, now, reader.settings.old_article_days)


def newest_article_ids(connection: sa.Connection, limit: int) -> list[str]:
    """Ids of the newest articles, newest first (the pages a worker warms)."""
    return articles.newest_ids(connection, limit)


def article_page_of(
    reader: Reader, state: ArticleState, content: ArticleContent, hot: tuple[str, list[HotEntry]]
) -> ArticlePage:
    """The ArticlePage of an article's parts, its counters taken from state."""
    counters = {"views": state.views, "comments": state.comments, "shares": state.shares}
    return ArticlePage(
        article=content.article.model_copy(update=counters),
        related=content.related,
        age_note=article_age_note(reader, state, reader.clock()),
        hot_window=hot[0],
        hot=hot[1],
    )


def article_page(reader: Reader, connection: sa.Connection, key: str) -> ArticlePage:
    """The article page: the article, an old-article note, what is related, and the hot list."""
    state = article_state(connection, key)
    return article_page_of(reader, state, article_content(reader, connection, state), hot_list(reader, connection))


def related_page(reader: Reader, connection: sa.Connection, key: str, limit: int = RELATED_LIMIT) -> RelatedPage:
    """An article and the articles related to it, at most limit."""
    article = _article(connection, key)
    return RelatedPage(article=ArticleItem.of(article), related=reader.related(connection, article, limit))


def hot_page(reader: Reader, connection: sa.Connection, window: str, category: str | None, limit: int) -> HotPage:
    """The hot list of one window, over all categories or one."""
    return HotPage(window=window, category=category, items=reader.hot(connection, window, category, limit))


def home_page(reader: Reader, connection: sa.Connection) -> HomePage:
    """The home page: the hot list, then the newest articles of each category."""

    def sections(on: sa.Connection) -> list[CategorySection]:
        return [
            CategorySection(
                name=name,
                url=category_path(name),
                count=count,
                items=[ArticleItem.of(a) for a in articles.recent(on, SECTION_LIMIT, category=name)],
            )
            for name, count in reader.categories(on)
        ]

    window, hot = hot_list(reader, connection)
    return HomePage(hot_window=window, hot=hot, sections=reader.cached(connection, ("sections",), sections))


def _list_title(where: dict[str, str]) -> str:
    parts = [_LIST_TITLES[kind].format(name) for kind, name in where.items()]
    return " · ".join(parts) or _LIST_TITLES["all"]


def list_page(
    reader: Reader, connection: sa.Connection, where: dict[str, str | None], paging: Paging, must_exist: bool = False
) -> ListPage:
    """A page of articles, newest first, of a category, source and/or author; NotFound past the end.

    must_exist: a category, author or source page with no articles at all is NotFound too.
    """
    where = {kind: name for kind, name in where.items() if name is not None}
    # one more than a page tells whether a next page exists without counting
    own = "source" in where or "author" in where  # a source's or author's own list shows its reposts too
    found = articles.recent(connection, paging.size + 1, (paging.page - 1) * paging.size, reposts=own, **where)
    title = _list_title(where)
    if not found and (paging.page > 1 or must_exist):
        raise NotFound(f"{title}：没有第 {paging.page} 页" if paging.page > 1 else f"{title}：没有文章")
    return ListPage(
        title=title,
        category=where.get("category"),
        source=where.get("source"),
        author=where.get("author"),
        items=[ArticleItem.of(a) for a in found[: paging.size]],
        pager=paging.pager(len(found) > paging.size),
    )


def entity_page(reader: Reader, connection: sa.Connection, kind: str, name: str, paging: Paging) -> EntityPage:
    """A person's, place's or organisation's articles (under any of its names), newest first; NotFound when
    no article names it or past the last page."""
    label = ENTITY_KINDS.get(kind)
    if label is None:
        raise NotFound(f"没有 {kind!r} 这类名称（可用 people、places、orgs）")
    forms, names = names_of(name)
    shown = forms[0]
    total = mentions.count_articles(connection, kind, names)
    if not total:
        raise NotFound(f"没有提到{label}“{name}”的文章")
    found = mentions.articles_naming(connection, kind, names, paging.size, (paging.page - 1) * paging.size)
    if not found:
        raise NotFound(f"{label}“{shown}”：没有第 {paging.page} 页")
    return EntityPage(
        kind=kind,
        kind_label=label,
        name=shown,
        names=forms,
        total=total,
        other_kinds=[EntityLink.of(k, shown) for k, _ in mentions.kinds_of(connection, names) if k != kind],
        stories=[StoryLink.of(s) for s in _stories_naming(connection, kind, names)] if paging.page == 1 else [],
        timeline=_days(reader, mentions.publish_times(connection, kind, names)) if paging.page == 1 else [],
        items=[ArticleItem.of(a) for a in found],
        pager=paging.pager(paging.page * paging.size < total, total),
    )


def _days(reader: Reader, times: list[datetime | None]) -> list[DayCount]:
    """Articles per day (in the portal's time zone) of the latest ENTITY_DAYS days with any, oldest first."""
    counts: dict[date, int] = {}
    for moment in times:
        if moment is not None:
            day = moment.astimezone(reader.zone).date()
            counts[day] = counts.get(day, 0) + 1
    return [DayCount(day=day, count=counts[day]) for day in sorted(counts)[-ENTITY_DAYS:]]


def _stories_naming(connection: sa.Connection, kind: str, names: list[str]):
    """The latest stories (latest development first) among the newest articles naming an entity."""
    ids = mentions.ids_naming(connection, kind, names, ENTITY_STORY_ARTICLES)
    found = {story.id: story for story in stories.of_articles(connection, ids).values()}
    latest = sorted(found.values(), key=lambda s: (s.updated_at is None, -(s.updated_at or _EPOCH).timestamp(), s.id))
    return latest[:ENTITY_STORIES]


def story_page(reader: Reader, connection: sa.Connection, story_id: int, paging: Paging) -> StoryPage:
    """A story: its facts, its first publisher, its sources and a page of its coverage as a timeline of days
    (in the portal's time zone), oldest first; NotFound for an unknown story or past the last page."""
    story = stories.get(connection, story_id)
    if story is None:
        raise NotFound(f"没有编号为 {story_id} 的事件")
    found = stories.members(connection, story_id, paging.size, (paging.page - 1) * paging.size)
    if not found:
        raise NotFound(f"事件“{story.title}”：没有第 {paging.page} 页")
    originals = duplicates.original_of(connection, [a.id for a in found])
    days: list[StoryDay] = []
    for article in found:
        day = article.published_at.astimezone(reader.zone).date() if article.published_at else None
        if not days or days[-1].day != day:
            days.append(StoryDay(day=day, items=[]))
        original = originals.get(article.id)
        copy_of = original if original != article.id else None
        days[-1].items.append(StoryItem(article=ArticleItem.of(article), copy_of=copy_of))
    first = articles.get(connection, story.first_article_id)
    return StoryPage(
        story=StoryLink.of(story),
        first=ArticleItem.of(first) if first else None,
        sources=stories.sources_of(connection, story_id),
        days=days,
        pager=paging.pager(paging.page * paging.size < story.size, story.size),
    )


def stories_index_page(
    reader: Reader, connection: sa.Connection, window: str, sort: str, paging: Paging
) -> StoriesPage:
    """The stories developed in a window ending now (their latest article this recent), latest development first
    or most sources first; NotFound past the last page."""
    since = reader.clock() - WINDOWS[window]
    total = stories.count_recent(connection, since)
    found = stories.recent(connection, since, sort, paging.size, (paging.page - 1) * paging.size)
    if not found and paging.page > 1:
        raise NotFound(f"事件：没有第 {paging.page} 页")
    return StoriesPage(
        window=window,
        sort=sort,
        since=since,
        items=[StoryLink.of(story) for story in found],
        pager=paging.pager(paging.page * paging.size < total, total),
    )


def entities_index_page(reader: Reader, connection: sa.Connection, window: str, sort: str = "most") -> EntitiesPage:
    """The people, places and organisations most named in a window ending now (or rising in it), each with its
    count in the window before (counted at most once per cache period by the portal)."""
    now = reader.clock()

    def build(on: sa.Connection) -> list[EntityGroup]:
        return [
            EntityGroup(
                kind=kind,
                kind_label=ENTITY_KINDS[kind],
                items=[
                    EntityTrend(
                        **EntityLink.of(kind, t.name).model_dump(),
                        articles=t.articles,
                        before=t.before,
                        change=t.change,
                    )
                    for t in found
                ],
            )
            for kind, found in trending(on, now, window, sort).items()
        ]

    groups = reader.cached(connection, ("entities", window, sort), build)
    return EntitiesPage(window=window, sort=sort, since=now - WINDOWS[window], groups=groups)


@dataclass(frozen=True)
class SearchQuery:
    """A search as asked: words, filters (dates are days in the display time zone), sort and page."""

    q: str
    category: str | None = None
    source: str | None = None
    since: date | None = None
    until: date | None = None
    sort: str = "relevance"


def search_page(reader: Reader, connection: sa.Connection, asked: SearchQuery, paging: Paging) -> SearchPage:
    """Search results with highlights' words, filter choices and paging; no query gives an empty page."""
    found = None
    if asked.q.strip():
        found = search(
            connection,
            reader.segmenter(),
            asked.q,
            limit=paging.size,
            offset=(paging.page - 1) * paging.size,
            filters=_filters(reader, asked),
            sort=asked.sort,
        )
    total = found.total if found else 0
    return SearchPage(
        q=asked.q,
        words=found.words if found else [],
        sort=asked.sort,
        category=asked.category,
        source=asked.source,
        since=asked.since,
        until=asked.until,
        total=total,
        hits=[SearchEntry.of(hit) for hit in (found.hits if found else [])],
        pager=paging.pager(paging.page * paging.size < total, total),
        categories=[name for name, _ in reader.categories(connection)],
        sources=[name for name, _ in reader.sources(connection)],
    )


# dates outside these bounds cannot be converted to UTC everywhere (year 1, year 9999); they filter nothing
_EARLIEST, _LATEST = date(1000, 1, 1), date(9000, 1, 1)


def _filters(reader: Reader, asked: SearchQuery) -> Filters:
    def start_of(day: date | None) -> datetime | None:
        return datetime.combine(day, time(0), reader.zone) if day and _EARLIEST <= day <= _LATEST else None

    until = start_of(asked.until + timedelta(days=1)) if asked.until and asked.until < _LATEST else None
    return Filters(category=asked.category, source=asked.source, since=start_of(asked.since), until=until)


def status_page(reader: Reader, connection: sa.Connection, cache) -> StatusPage:
    """The store's size and the answering worker's page cache (cache: its fragments.ArticlePages)."""
    return StatusPage(
        articles=articles.count(connection),
        page_cache=PageCacheStatus(entries=len(cache.parts), capacity=cache.parts.max_entries, warming=cache.warming),
    )


def sources_page(reader: Reader, connection: sa.Connection) -> SourcesPage:
    """Every feed the crawler polls with its status: what `zixun feeds list` prints and /sources shows."""
    return SourcesPage(feeds=[SourceStatus.model_validate(s, from_attributes=True) for s in feeds.listing(connection)])


def public_sources_page(reader: Reader, connection: sa.Connection) -> SourcesPage:
    """/sources, which anyone may read: each feed's error coarsely (refused, timed out, HTTP 404...), never its
    detail nor the fetch notes, which can name the internal address a refused name resolved to (those stay
    for the operator's `zixun feeds list`)."""
    shown = []
    for feed in sources_page(reader, connection).feeds:
        public = feed.public_error or ("fetch failed" if feed.last_error else None)
        shown.append(feed.model_copy(update={"last_error": None, "last_note": None, "public_error": public}))
    return SourcesPage(feeds=shown)


def share(reader: Reader, connection: sa.Connection, key: str, client: str) -> Counters:
    """Record a share of an article by client (counted once a day per client and article, within the
    client's hourly budget: engagement.record_share); its counters after it, and whether it counted."""
    article_id = _article(connection, key).id
    counted = engagement.record_share(connection, article_id, reader.clock(), client)
    article = _article(connection, article_id)
    return Counters(
        id=article.id, views=article.views, comments=article.comments, shares=article.shares, counted=counted
    )


# Feeds out (RSS 2.0 and Atom, web/syndication.py): the same lists as the pages, as feed contexts


@dataclass(frozen=True)
class FeedEntry:
    """An article in a feed: its list item, when it last counts as changed (its publish time, else when
    it was stored), and for the hot list why it is there."""

    item: ArticleItem
    updated: datetime
    note: str | None = None


@dataclass(frozen=True)
class Feed:
    """A feed's title, the path of the page it mirrors, and its entries, newest first (URLs are paths)."""

    key: tuple
    title: str
    page: str
    entries: list[FeedEntry]


def _feed_entry(article: Article, note: str | None = None) -> FeedEntry:
    updated = article.published_at or article.ingested_at or datetime(1970, 1, 1, tzinfo=UTC)
    return FeedEntry(item=ArticleItem.of(article), updated=updated, note=note)


def list_feed(reader: Reader, connection: sa.Connection, kind: str | None, name: str | None) -> Feed:
    """The newest settings.feed_items articles of the site (kind None) or of a category, author or source
    (kind: category, author or source; NotFound when it has none), kept a while by the portal like the other lists."""
    where = {kind: name} if kind else {}

    def build(on: sa.Connection) -> Feed:
        found = articles.recent(on, reader.settings.feed_items, reposts=kind in ("source", "author"), **where)
        if kind and not found:
            raise NotFound(f"{_list_title(where)}：没有文章")
        page = list_path(kind, name) if kind else "/articles"
        return Feed(("list", kind, name), _list_title(where), page, [_feed_entry(a) for a in found])

    return reader.cached(connection, ("feed", kind, name), build)


def hot_feed(reader: Reader, connection: sa.Connection, window: str, category: str | None) -> Feed:
    """The hot list of a window (as on /hot), newest first as feed readers show it; each entry's note
    gives its rank and why it is hot."""

    def build(on: sa.Connection) -> Feed:
        entries = []
        for hot in reader.hot(on, window, category, reader.settings.feed_items):
            article = articles.get(on, hot.article.id)
            if article is not None:  # deleted since the list was ranked
                entries.append(_feed_entry(article, f"热门第 {hot.rank} 名：{hot.explanation}"))
        entries.sort(key=lambda e: e.item.published_at or e.updated, reverse=True)
        title = "热门资讯" + (f" · {category}" if category else "") + (" · 24 小时" if window == "24h" else " · 7 天")
        return Feed(("hot", window, category), title, hot_path(window, category), entries)

    return reader.cached(connection, ("hot-feed", window, category), build)
