"""The feeds a crawler polls: adding, listing, removing, and the shared schedule.

Crawlers claim due feeds with a lease: on PostgreSQL `FOR UPDATE SKIP LOCKED`, so two crawlers claiming
at once each get different feeds; on SQLite the claim's write transaction (BEGIN IMMEDIATE) serialises
them. A feed is fetched by its claimant only; its result moves next_fetch_at on and clears the lease. A
claimant extends the leases it holds while it works (extend_leases), so a long round keeps its feeds.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from zixun.models import Source
from zixun.store import schema

_FIELDS = tuple(Source.__dataclass_fields__)


def _source(row) -> Source:
    return Source(**{name: row._mapping[name] for name in _FIELDS})


def add(connection: sa.Connection, url: str, category: str | None, now: datetime, interval: int) -> Source:
    """A new feed, due at once; ValueError when url is already a feed."""
    if find(connection, url) is not None:
        raise ValueError(f"{url} is already a feed")
    connection.execute(
        schema.feeds.insert().values(
            url=url,
            category=category,
            added_at=now,
            next_fetch_at=now,
            interval_seconds=interval,
            failures=0,
            fetches=0,
        )
    )
    return find(connection, url)


def find(connection: sa.Connection, key: str) -> Source | None:
    """The feed whose URL is key, else (key all digits) the one whose id is key."""
    row = connection.execute(sa.select(schema.feeds).where(schema.feeds.c.url == key)).first()
    if row is None and key.isdigit():
        row = connection.execute(sa.select(schema.feeds).where(schema.feeds.c.id == int(key))).first()
    return _source(row) if row is not None else None


def listing(connection: sa.Connection) -> list[Source]:
    """Every feed, in the order they were added."""
    return [_source(row) for row in connection.execute(sa.select(schema.feeds).order_by(schema.feeds.c.id))]


def remove(connection: sa.Connection, feed_id: int) -> None:
    """Forget a feed (its articles stay)."""
    connection.execute(schema.feeds.delete().where(schema.feeds.c.id == feed_id))


def claim_due(connection: sa.Connection, owner: str, now: datetime, limit: int, lease: int) -> list[Source]:
    """Up to limit feeds due at now and not leased to another crawler, leased to owner for lease seconds."""
    feeds = schema.feeds
    free = sa.or_(feeds.c.lease_until.is_(None), feeds.c.lease_until < now)
    due = (
        sa.select(feeds.c.id)
        .where(feeds.c.next_fetch_at <= now, free)
        .order_by(feeds.c.next_fetch_at, feeds.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite renders no lock (its write lock is the claim)
    )
    ids = list(connection.execute(due).scalars())
    if not ids:
        return []
    until = now + timedelta(seconds=lease)
    connection.execute(feeds.update().where(feeds.c.id.in_(ids)).values(lease_owner=owner, lease_until=until))
    rows = connection.execute(sa.select(feeds).where(feeds.c.id.in_(ids)).order_by(feeds.c.next_fetch_at, feeds.c.id))
    return [_source(row) for row in rows]


def extend_leases(connection: sa.Connection, owner: str, until: datetime) -> int:
    """Every lease owner still holds now runs until until (a heartbeat); how many feeds it holds."""
    feeds = schema.feeds
    done = connection.execute(feeds.update().where(feeds.c.lease_owner == owner).values(lease_until=until))
    return done.rowcount


def move(connection: sa.Connection, feed_id: int, owner: str, url: str) -> bool:
    """The feed's URL is url from now on (it moved permanently), if owner holds its lease and no other feed
    has url already; whether it moved."""
    feeds = schema.feeds
    other = feeds.alias("other")
    taken = sa.exists().where(other.c.url == url, other.c.id != feed_id)
    try:
        with connection.begin_nested():  # a feed added with url meanwhile (unique) leaves this one as it was
            done = connection.execute(
                feeds.update().where(feeds.c.id == feed_id, feeds.c.lease_owner == owner, ~taken).values(url=url)
            )
    except sa.exc.IntegrityError:
        return False
    return done.rowcount == 1


def count_due(connection: sa.Connection, now: datetime) -> int:
    """How many feeds are due at now (leased or not)."""
    query = sa.select(sa.func.count()).select_from(schema.feeds).where(schema.feeds.c.next_fetch_at <= now)
    return connection.execute(query).scalar_one()


def record(connection: sa.Connection, feed_id: int, owner: str, values: dict) -> bool:
    """Store a fetch's outcome (status, validators, next_fetch_at...) and release the lease; False when the
    lease was lost to another crawler (the outcome is then dropped)."""
    feeds = schema.feeds
    done = connection.execute(
        feeds.update()
        .where(feeds.c.id == feed_id, feeds.c.lease_owner == owner)
        .values(**values, fetches=feeds.c.fetches + 1, lease_owner=None, lease_until=None)
    )
    return done.rowcount == 1


def set_title(connection: sa.Connection, feed_id: int, title: str) -> None:
    """The feed's own title, as its last fetch gave it."""
    connection.execute(schema.feeds.update().where(schema.feeds.c.id == feed_id).values(title=title))


def make_due(connection: sa.Connection, now: datetime) -> None:
    """Every feed due now (zixun crawl --all)."""
    connection.execute(schema.feeds.update().values(next_fetch_at=now))
