"""Politeness: at most N fetches at once per host and a minimum delay between their starts, and robots.txt
(fetched once per host a day, through the same fetcher; a missing or failing robots.txt allows all).
HostQueue hands a crawler's workers the feeds whose host is ready, so a slow host never holds up the others."""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from zixun.fetch.fetcher import Fetcher, FetchError

T = TypeVar("T")

ROBOTS_AGENT = "zixun"
ROBOTS_MAX_BYTES = 500_000
ROBOTS_TTL = 86_400.0  # seconds robots.txt rules are kept


class HostGate:
    """Per-host slots: at most per_host fetches at once against one host, starts at least delay seconds apart."""

    def __init__(self, per_host: int, delay: float):
        self.per_host, self.delay = per_host, delay
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = defaultdict(lambda: threading.Semaphore(per_host))
        self._next_start: dict[str, float] = {}

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        """Wait for a slot on url's host and for its delay to pass; hold the slot while the block runs."""
        host = _host(url)
        with self._lock:
            slots = self._slots[host]
        with slots:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next_start.get(host, now))
                self._next_start[host] = start + self.delay
            if start > now:
                time.sleep(start - now)
            yield

    def wait_for(self, url: str) -> float:
        """Seconds until url's host may start another fetch, as far as its delay goes (0: now)."""
        with self._lock:
            start = self._next_start.get(_host(url))
        return 0.0 if start is None else max(0.0, start - time.monotonic())


class HostQueue(Generic[T]):
    """Claimed items (feeds) handed out to a crawler's workers host by host: take() gives the first item,
    round-robin over hosts, whose host has fewer than per_host items being crawled and whose delay has
    passed; a worker waits only when no host at all is ready. A slow or busy host therefore never keeps a
    worker from the other hosts' items."""

    def __init__(self, items: list[T], url_of: Callable[[T], str], gate: HostGate):
        self.url_of, self.gate = url_of, gate
        by_host: dict[str, deque[T]] = defaultdict(deque)
        for item in items:
            by_host[_host(url_of(item))].append(item)
        self._pending: list[T] = []
        while by_host:  # round-robin: one item of each host in turn
            for host in list(by_host):
                self._pending.append(by_host[host].popleft())
                if not by_host[host]:
                    del by_host[host]
        self._busy: Counter[str] = Counter()
        self._ready = threading.Condition()

    def take(self) -> T | None:
        """The next item whose host is ready (waiting until one is); None once every item has been taken."""
        with self._ready:
            while self._pending:
                wait = None
                for index, item in enumerate(self._pending):
                    url = self.url_of(item)
                    if self._busy[_host(url)] >= self.gate.per_host:
                        continue
                    delay = self.gate.wait_for(url)
                    if delay <= 0:
                        del self._pending[index]
                        self._busy[_host(url)] += 1
                        return item
                    wait = delay if wait is None else min(wait, delay)
                self._ready.wait(wait)  # until an item is done (notified) or a host's delay has passed
            return None

    def done(self, item: T) -> None:
        """item, taken before, is crawled: its host may have another."""
        with self._ready:
            self._busy[_host(self.url_of(item))] -= 1
            self._ready.notify_all()


class Robots:
    """robots.txt rules per host, fetched on first use and kept for a day (a long-lived crawler re-reads them)."""

    def __init__(self, fetcher: Fetcher, gate: HostGate):
        self.fetcher, self.gate = fetcher, gate
        self._rules: dict[str, tuple[float, RobotFileParser | None]] = {}
        self._locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
        self._lock = threading.Lock()

    def allows(self, url: str) -> bool:
        """Whether robots.txt of url's host lets zixun fetch url."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            origin_lock = self._locks[origin]
        with origin_lock:  # one fetch of robots.txt per origin, however many feeds of it start at once
            read_at, rules = self._rules.get(origin, (-ROBOTS_TTL, None))
            if time.monotonic() - read_at >= ROBOTS_TTL:
                rules = self._fetch(origin)
                self._rules[origin] = (time.monotonic(), rules)
        return rules is None or rules.can_fetch(ROBOTS_AGENT, url)

    def _fetch(self, origin: str) -> RobotFileParser | None:
        try:
            with self.gate.slot(origin):
                fetched = self.fetcher.get(f"{origin}/robots.txt", accept="text/plain")
        except FetchError:
            return None  # no robots.txt (404), or none to be had: allowed, as crawlers conventionally read it
        rules = RobotFileParser()
        rules.parse(fetched.body[:ROBOTS_MAX_BYTES].decode("utf-8", "replace").splitlines())
        return rules


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
