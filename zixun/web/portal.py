"""The portal's shared state: the store, the clock, caches, and the page-view writer."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool

from zixun.rank.hot import hot_articles
from zixun.rank.related import related_articles
from zixun.settings import Settings
from zixun.store import facets, open_store
from zixun.text.segment import Segmenter, segmenter
from zixun.web.cache import TTLCache
from zixun.web.schemas import ArticleItem, HotEntry, RelatedEntry
from zixun.web.tracking import ViewRecorder

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
        # related lists change only when articles arrive, so each is kept ten times as long as a hot list
        self.related_lists = TTLCache(settings.hot_cache_seconds * 10, max_entries=50_000)
        # rendered article pages, for as long as the hot list they show: popular pages cost one lookup
        self.pages = TTLCache(settings.hot_cache_seconds, max_entries=5_000)
        self.views = ViewRecorder(self.engine, settings.view_flush_seconds)

    def segmenter(self) -> Segmenter:
        """The tokenizer for search queries (loaded once per process, ~130 ms)."""
        return segmenter(self.settings.user_dict)

    async def read(self, build: Callable[..., T], *args: Any) -> T:
        """build(portal, connection, *args) on a pooled connection, in a worker thread."""
        return await run_in_threadpool(self._read, build, *args)

    def _read(self, build: Callable[..., T], *args: Any) -> T:
        with self.engine.connect() as connection:
            return build(self, connection, *args)

    async def write(self, change: Callable[..., T], *args: Any) -> T:
        """change(portal, connection, *args) in one transaction, in a worker thread."""
        return await run_in_threadpool(self._write, change, *args)

    def _write(self, change: Callable[..., T], *args: Any) -> T:
        with self.engine.begin() as connection:
            return change(self, connection, *args)

    def hot(self, connection: sa.Connection, window: str, category: str | None, limit: int) -> list[HotEntry]:
        """The hot list, ranked at most once per hot_cache_seconds for each window, category and length."""
        def rank() -> list[HotEntry]:
            found = hot_articles(connection, window=window, category=category, limit=limit, now=self.clock())
            return [HotEntry(rank=i, article=ArticleItem.of(h.article), score=h.score, views=h.views,
                             comments=h.comments, shares=h.shares, age_hours=h.age_hours,
                             explanation=h.explanation) for i, h in enumerate(found, start=1)]
        return self.shared.get(("hot", window, category, limit), rank)

    def related(self, connection: sa.Connection, article_id: str, limit: int) -> list[RelatedEntry]:
        """The article's related list from rank (precomputed there), kept related_cache_seconds here."""
        def find() -> list[RelatedEntry]:
            return [RelatedEntry(article=ArticleItem.of(r.article), score=r.score, reasons=r.reasons)
                    for r in related_articles(connection, article_id, limit=limit)]
        return self.related_lists.get((article_id, limit), find)

    def categories(self, connection: sa.Connection) -> list[tuple[str, int]]:
        """(category, count) of the stored articles, largest first (cached like the hot list)."""
        return self.shared.get(("categories",), lambda: facets.categories(connection))

    def sources(self, connection: sa.Connection) -> list[tuple[str, int]]:
        """(source, count) of the stored articles, largest first (cached like the hot list)."""
        return self.shared.get(("sources",), lambda: facets.sources(connection))

    def close(self) -> None:
        """Write the queued page views and release the database connections."""
        self.views.stop()
        self.engine.dispose()
