"""The portal's shared state: the store, the clock, caches, and the page-view writer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool

from zixun.contexts import Clock, Reader
from zixun.settings import Settings
from zixun.store import open_store, writing
from zixun.web.cache import TTLCache
from zixun.web.tracking import ViewRecorder, trusted_networks

T = TypeVar("T")


class Portal(Reader):
    """What every handler shares: a Reader whose shared lists are cached, the store, and the page-view
    writer; blocking store work runs in the thread pool through read()/write()."""

    def __init__(self, settings: Settings, clock: Clock | None = None):
        super().__init__(settings, clock)
        self.engine = open_store(settings.database_url)
        self.shared = TTLCache(settings.hot_cache_seconds)
        self.views = ViewRecorder(self.engine, settings.view_flush_seconds, self.clock)
        self.proxies = trusted_networks(settings.trusted_proxies)

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

    def close(self) -> None:
        """Write the queued page views and release the database connections."""
        self.views.stop()
        self.engine.dispose()
