"""In-memory caches: entries that expire after a few seconds (hot lists, category lists), and a bounded LRU."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

log = logging.getLogger(__name__)


class TTLCache:
    """Values computed on first use and kept for `seconds`; safe to share between handler threads."""

    def __init__(self, seconds: float, max_entries: int = 512):
        self.seconds, self.max_entries = seconds, max_entries
        self._entries: dict[Hashable, tuple[float, Any]] = {}
        self._refreshing: set[Hashable] = set()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any], refresh: Callable[[], Any] | None = None) -> Any:
        """The cached value of key, or compute() stored under key when missing or expired.

        With refresh, a value expired less than one lifetime ago is returned as it is while refresh()
        computes its successor in a background thread (one per key at a time), so no reader waits for it.
        """
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        if refresh is not None and entry is not None and entry[0] + self.seconds > now:
            self._refresh_later(key, refresh)
            return entry[1]
        # computed outside the lock: two threads may both compute an expired entry, which is harmless
        value = compute()
        self.put(key, value)
        return value

    def _refresh_later(self, key: Hashable, refresh: Callable[[], Any]) -> None:
        with self._lock:
            if key in self._refreshing:
                return
            self._refreshing.add(key)

        def run() -> None:
            try:
                self.put(key, refresh())
            except Exception:  # logged: the stale value stays until it is too old, then readers compute
                log.exception("refreshing the cached %r failed", key)
            finally:
                with self._lock:
                    self._refreshing.discard(key)

        threading.Thread(target=run, name="zixun-refresh", daemon=True).start()

    def peek(self, key: Hashable) -> Any | None:
        """The cached value of key, or None when missing or expired (nothing is computed)."""
        with self._lock:
            entry = self._entries.get(key)
        return entry[1] if entry is not None and entry[0] > time.monotonic() else None

    def put(self, key: Hashable, value: Any) -> None:
        """Store value under key for the cache's lifetime."""
        now = time.monotonic()
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._drop_expired(now)
            self._entries[key] = (now + self.seconds, value)

    def clear(self) -> None:
        """Forget every entry (after a write that changes what they show)."""
        with self._lock:
            self._entries.clear()

    def _drop_expired(self, now: float) -> None:
        for key in [k for k, (expires, _) in self._entries.items() if expires <= now]:
            del self._entries[key]
        if len(self._entries) >= self.max_entries:
            self._entries.clear()


class LRUCache:
    """At most max_entries values, the least recently used dropped first; safe to share between threads."""

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        """The value of key (now the most recently used), or None."""
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        """Store value under key, dropping the least recently used entry when full."""
        if self.max_entries <= 0:
            return
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def pop(self, key: Hashable) -> None:
        """Forget key, if it is there."""
        with self._lock:
            self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)
