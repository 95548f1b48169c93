"""Politeness: at most N fetches at once per host and a minimum delay between their starts, and robots.txt
(fetched once per host a day, through the same fetcher; a missing or failing robots.txt allows all)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from zixun.fetch.fetcher import Fetcher, FetchError

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
