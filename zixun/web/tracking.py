"""Page views, queued by the page path and written in batches by one thread, so serving never waits on a write."""
from __future__ import annotations

import hashlib
import logging
import queue
import threading
from datetime import datetime

import sqlalchemy as sa

from zixun.store import engagement, writing
from zixun.web.cache import LRUCache

log = logging.getLogger(__name__)
_STOP = object()
_MAX_BATCH = 2000
_REMEMBERED_VIEWS = 100_000  # counted (article, client) pairs a worker remembers, to drop their repeats early


def client_key(ip: str | None, user_agent: str) -> str:
    """One reader's identity for repeat-view filtering: a hash of address and user agent (neither is stored)."""
    return hashlib.sha256(f"{ip or '-'}\x1f{user_agent}".encode("utf-8", "replace")).hexdigest()[:24]


class ViewRecorder:
    """A background writer of page views: record() only enqueues; a thread flushes every few tenths of a second."""

    def __init__(self, engine: sa.Engine, flush_seconds: float):
        self.engine, self.flush_seconds = engine, flush_seconds
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        # (article, client) -> time of a view this worker saw counted: the store refuses repeats within the hour
        self._counted = LRUCache(_REMEMBERED_VIEWS)

    def start(self) -> None:
        """Start the writer thread."""
        self._thread = threading.Thread(target=self._run, name="zixun-views", daemon=True)
        self._thread.start()

    def record(self, article_id: str, client: str, user_agent: str, at: datetime) -> None:
        """Queue one page view (counted or not by engagement.record_views when it is written)."""
        if engagement.is_bot(user_agent):
            return  # never counted: not worth a place in the queue
        counted_at = self._counted.get((article_id, client))
        if counted_at is not None and at - counted_at < engagement.REPEAT_WINDOW:
            return  # the store would refuse it too: the client's last counted view is at least this recent
        self._queue.put((article_id, client, user_agent, at))

    def stop(self) -> None:
        """Write what is queued and stop the thread."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout=30)
            self._thread = None

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch = [self._queue.get()]
            stopping = self._drain(batch)
            views = [v for v in batch if v is not _STOP]
            if views:
                self._write(views)
            if not stopping:
                # waiting lets the next batch gather: one transaction per interval, not per view
                threading.Event().wait(self.flush_seconds)

    def _drain(self, batch: list) -> bool:
        while len(batch) < _MAX_BATCH:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return any(v is _STOP for v in batch)

    def _write(self, views: list[tuple]) -> None:
        try:
            with writing(self.engine) as connection:
                counted = engagement.record_views(connection, views)
        except Exception:  # noqa: BLE001 - a lost batch of views must not stop the writer
            log.exception("could not record %d page views", len(views))
            return
        for (article_id, client, _agent, at), ok in zip(views, counted, strict=True):
            if ok:
                self._counted.put((article_id, client), at)
