"""The portal's shared state: the store, the clock, caches, and the page-view writer."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool

from zixun.models import Article
from zixun.rank.hot import hot_articles
from zixun.rank.related import related_articles
from zixun.settings import Settings
from zixun.store import facets, open_store, writing
from zixun.text.segment import Segmenter, segmenter
from zixun.web.cache import TTLCache
from zixun.web.schemas import ArticleItem, HotEntry, RelatedEntry
from zixun.web.tracking import ViewRecorder, trusted_networks

Clock = Callable[[], datetime]
T = TypeVar("T")


def utc_now() -> datetime:
    """The real clock (tests pass a fake one to create_app)."""
    return datetime.now(timezone.utc)


class Portal:
    """What every handler shares; blocking store work runs in the thread pool through read()/write()."""

    def __init__(self, settings: Settings, clock: Clock | None = None):
        self.settings = settings
        self.clock = clock or utc_now
        self.zone = ZoneInfo(settings.display_timezone)
        self.engine = open_store(settings.database_url)
        self.shared = TTLCache(settings.hot_cache_seconds)
        self.views = ViewRecorder(self.engine, settings.view_flush_seconds, self.clock)
        self.proxies = trusted_networks(settings.trusted_proxies)

    def segmenter(self) -> Segmenter:
        """The tokenizer for search queries (loaded once per process, ~130 ms)."""
        return segmenter(self.settings.user_dict)

    async def read(self, build: Callable[..., T], *args: Any) -> T:
        """build(portal, connection, *args) on a pooled connection, in a worker thread."""
        return await run_in_threadpool(self._read, build, *args)

    async def read_quick(self, build: Callable[..., T], *args: Any) -> T:
        """read() for work that is short on SQLite (a few indexed lookups): there it runs on the event loop,
        since handing it to a thread costs more than the lookups; a network database still gets a thread."""
        if self.engine.dialect.name == "sqlite":
            return self._read(build, *args)
        return await self.read(build, *args)

    def _read(self, build: Callable[..., T], *args: Any) -> T:
        with self.engine.connect() as connection:
            return build(self, connection, *args)

    async def write(self, change: Callable[..., T], *args: Any) -> T:
        """change(portal, connection, *args) in one transaction, in a worker thread."""
        return await run_in_threadpool(self._write, change, *args)

    def _write(self, change: Callable[..., T], *args: Any) -> T:
        with writing(self.engine) as connection:
            return change(self, connection, *args)

    def cached(self, connection: sa.Connection, key: tuple, build: Callable[[sa.Connection], T]) -> T:
        """build(connection), kept hot_cache_seconds; for as long again after that, readers get the old
        value while a background thread rebuilds it (on its own connection), so none waits for it."""
        def rebuild() -> T:
            with self.engine.connect() as fresh:
                return build(fresh)
        return self.shared.get(key, lambda: build(connection), rebuild)

    def hot(self, connection: sa.Connection, window: str, category: str | None, limit: int) -> list[HotEntry]:
        """The hot list, ranked at most once per hot_cache_seconds for each window, category and length."""
        def rank(on: sa.Connection) -> list[HotEntry]:
            found = hot_articles(on, window=window, category=category, limit=limit, now=self.clock())
            return [HotEntry(rank=i, article=ArticleItem.of(h.article), score=h.score, views=h.views,
                             comments=h.comments, shares=h.shares, age_hours=h.age_hours,
                             explanation=h.explanation) for i, h in enumerate(found, start=1)]
        return self.cached(connection, ("hot", window, category, limit), rank)

    def related(self, connection: sa.Connection, article: Article, limit: int) -> list[RelatedEntry]:
        """The article's related list, precomputed by rank (the article page caches it rendered)."""
        return [RelatedEntry(article=ArticleItem.of(r.article), score=r.score, reasons=r.reasons)
                for r in related_articles(connection, article, limit=limit)]

    def categories(self, connection: sa.Connection) -> list[tuple[str, int]]:
        """(category, count) of the stored articles, largest first (cached like the hot list)."""
        return self.cached(connection, ("categories",), facets.categories)

    def sources(self, connection: sa.Connection) -> list[tuple[str, int]]:
        """(source, count) of the stored articles, largest first (cached like the hot list)."""
        return self.cached(connection, ("sources",), facets.sources)

    def close(self) -> None:
        """Write the queued page views and release the database connections."""
        self.views.stop()
        self.engine.dispose()
