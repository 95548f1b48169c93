"""When a feed is polled next: adaptive intervals (a feed that rarely changes is polled less) and
exponential backoff with jitter after failures."""

from __future__ import annotations

import random
from datetime import datetime
from email.utils import parsedate_to_datetime


def next_interval(interval: int, new_items: int, least: int, most: int) -> int:
    """The polling interval after a successful fetch: halved when it brought new items, else 1.5 times longer."""
    interval = interval or least
    changed = interval // 2 if new_items else int(interval * 1.5)
    return max(least, min(most, changed))


def failure_delay(failures: int, least: int, most: int, rand: random.Random | None = None) -> int:
    """Seconds until a feed that failed failures times in a row is tried again: least × 2^(failures-1),
    capped at most, with ±25% jitter so that feeds that failed together do not return together."""
    rand = rand or random
    base = min(most, least * 2 ** max(0, failures - 1))
    return max(1, int(base * rand.uniform(0.75, 1.25)))


def retry_pause(attempt: int, base: float = 0.5, rand: random.Random | None = None) -> float:
    """Seconds to wait before retry attempt (1, 2, ...) of a transient failure within one crawl: full jitter."""
    rand = rand or random
    return rand.uniform(0, base * 2 ** (attempt - 1))


def retry_after_delay(value: str | None, now: datetime, most: int) -> int | None:
    """Seconds a Retry-After header (delta-seconds or an HTTP date) asks to wait from now, capped at most;
    None when there is no header or it is neither form."""
    value = (value or "").strip()
    if value.isdigit():
        return min(most, int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP date is GMT
        when = when.replace(tzinfo=now.tzinfo)
    return max(0, min(most, int((when - now).total_seconds())))
