"""The feed list as operators edit it: add (URL checked), list, remove, OPML import and export."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa

from zixun.crawl.opml import read_opml, write_opml
from zixun.models import Source
from zixun.settings import Settings
from zixun.store import feeds, writing


def check_url(url: str) -> str:
    """url when it is an absolute http(s) URL with a host; ValueError saying why not."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError as error:
        raise ValueError(f"{url!r} is not a valid URL ({error})") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise ValueError(f"{url!r} is not an http(s) URL")
    if parts.username or parts.password:
        raise ValueError(f"{url!r} carries credentials, which the fetcher refuses to send")
    return url.strip()


def add_feed(engine: sa.Engine, settings: Settings, url: str, category: str | None, now: datetime) -> Source:
    """Add a feed, due at once; ValueError for a bad URL or one already added."""
    with writing(engine) as connection:
        return feeds.add(connection, check_url(url), category or None, now, settings.crawl_min_interval)


def remove_feed(engine: sa.Engine, key: str) -> Source:
    """Remove the feed whose URL or id is key; LookupError when there is none."""
    with writing(engine) as connection:
        found = feeds.find(connection, key)
        if found is None:
            raise LookupError(f"no feed {key!r} (give its URL or id, as `zixun feeds list` shows)")
        feeds.remove(connection, found.id)
    return found


def list_feeds(engine: sa.Engine) -> list[Source]:
    """Every feed with its status."""
    with engine.connect() as connection:
        return feeds.listing(connection)


def import_opml(engine: sa.Engine, settings: Settings, data: bytes, path: str, now: datetime) -> tuple[int, list[str]]:
    """Add the feeds an OPML file lists: (how many were added, why the others were not)."""
    added, skipped = 0, []
    for listed in read_opml(data, path):
        try:
            add_feed(engine, settings, listed.url, listed.category, now)
            added += 1
        except ValueError as error:
            skipped.append(str(error))
    return added, skipped


def export_opml(engine: sa.Engine) -> bytes:
    """Every feed as an OPML 2.0 document."""
    return write_opml(list_feeds(engine))
