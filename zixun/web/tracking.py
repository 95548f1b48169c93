"""Who a reader is (its address), and page views, queued by the page path and written in batches by one
thread, so serving never waits on a write; the same thread prunes the store's old repeat-check rows."""

from __future__ import annotations

import hashlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from datetime import datetime
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

import sqlalchemy as sa
from fastapi import Request

from zixun.store import engagement, writing
from zixun.web.cache import LRUCache

log = logging.getLogger(__name__)
_STOP = object()
_MAX_BATCH = 2000
_REMEMBERED_VIEWS = 100_000  # counted (article, client) pairs a worker remembers, to drop their repeats early
_PRUNE_SECONDS = 600.0  # how often the writer deletes repeat-check rows whose window has passed
_PRUNE_BATCH = 5000  # rows of each table deleted per transaction
_PRUNE_ROUNDS = 20  # batches of engagement.prune_clients per pruning, each its own short transaction
Networks = list[IPv4Network | IPv6Network]


def trusted_networks(proxies: tuple[str, ...]) -> Networks:
    """The networks of ZIXUN_TRUSTED_PROXIES."""
    return [ip_network(proxy, strict=False) for proxy in proxies]


def _within(address: str, networks: Networks) -> bool | None:
    """Whether address is in one of networks; None when it is not an IP address."""
    try:
        parsed = ip_address(address)
    except ValueError:
        return None
    return any(parsed in network for network in networks)


def client_address(peer: str | None, forwarded_for: str | None, trusted: Networks) -> str:
    """The reader's address: the peer's, or, when the peer is a trusted proxy, the rightmost address of
    X-Forwarded-For that is not a trusted proxy (the addresses left of it are whatever the client wrote)."""
    address = peer or "-"
    if not forwarded_for or not trusted or not _within(address, trusted):
        return address
    for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
        inside = _within(hop, trusted)
        if inside is None:
            return address  # not an address: the last one a trusted proxy vouched for
        address = hop
        if not inside:
            return address
    return address


def client_key(address: str) -> str:
    """One reader's identity for repeat rules: a hash of its address alone (a User-Agent is the client's
    to vary at will; the address is not stored)."""
    return hashlib.sha256(address.encode("utf-8", "replace")).hexdigest()[:24]


def request_client(request: Request, trusted: Networks) -> str:
    """The client_key of a request, its address read through the trusted proxies."""
    peer = request.client.host if request.client else None
    forwarded = ", ".join(request.headers.getlist("x-forwarded-for"))
    return client_key(client_address(peer, forwarded, trusted))


class ViewRecorder:
    """A background writer of page views: record() only enqueues; a thread flushes every few tenths of a second."""

    def __init__(self, engine: sa.Engine, flush_seconds: float, clock: Callable[[], datetime]):
        self.engine, self.flush_seconds, self.clock = engine, flush_seconds, clock
        self._next_prune = 0.0  # time.monotonic() of the next pruning: the first flush prunes
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
        # the queue holds no megabyte agent: the bot check reads only its start too
        self._queue.put((article_id, client, user_agent[: engagement.AGENT_CHARS], at))

    def stop(self) -> None:
        """Write what is queued and stop the thread."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout=30)
            self._thread = None

    def _run(self) -> None:
        stopping = False
        while not stopping:
            try:
                batch = [self._queue.get(timeout=_PRUNE_SECONDS)]
            except queue.Empty:
                batch = []
            stopping = self._drain(batch)
            views = [v for v in batch if v is not _STOP]
            if views:
                self._write(views)
            if time.monotonic() >= self._next_prune:
                self._prune()
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
        except Exception:  # logged: a lost batch of views must not stop the writer
            log.exception("could not record %d page views", len(views))
            return
        for (article_id, client, _agent, at), ok in zip(views, counted, strict=True):
            if ok:
                self._counted.put((article_id, client), at)

    def _prune(self) -> None:
        self._next_prune = time.monotonic() + _PRUNE_SECONDS
        now = self.clock()
        try:
            for _ in range(_PRUNE_ROUNDS):
                with writing(self.engine) as connection:
                    if engagement.prune_clients(connection, now, _PRUNE_BATCH) < _PRUNE_BATCH:
                        return
        except Exception:  # logged: pruning is tidying: the next one tries again
            log.exception("could not prune the repeat-check rows")
