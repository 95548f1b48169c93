"""Engagement: page views, comments and shares, counted so that no one client can push an article up.

Counts go to hourly buckets per article, so the hot list can sum any window; the article's total
counters (views, comments, shares) go up with them. A client (a hash of its address, given by the web
layer) counts one view of an article an hour and one share of it a day, and at most SHARE_BUDGET
shares an hour over all articles; bots' views are not counted. The rows that remember the last
counted view and share are pruned once their window has passed (prune_clients).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from datetime import datetime, timedelta

import sqlalchemy as sa

from zixun.store import schema
from zixun.store.dialect import add_counts, insert_new
from zixun.store.schema import UTCDateTime

REPEAT_WINDOW = timedelta(hours=1)  # a client's views of one article count once per this window
SHARE_WINDOW = timedelta(hours=24)  # ...and its shares once per this one
SHARE_BUDGET, BUDGET_WINDOW = 20, timedelta(hours=1)  # counted shares of one client over all articles
# crawlers, link previews, scripts and headless browsers announce themselves in the user agent
BOT_AGENTS = re.compile(
    r"bot|crawl|spider|slurp|scrapy|curl|wget|python-requests|python-urllib|go-http-client|java/|libwww|"
    r"headless|phantomjs|facebookexternalhit|preview|monitor|^$",
    re.IGNORECASE,
)
# browsers' agents are a few hundred characters: only this much is looked at (and cached), so a
# megabyte agent costs no more than a short one
AGENT_CHARS = 512


def is_bot(user_agent: str | None) -> bool:
    """Whether a user agent is a crawler, a script or empty."""
    return _is_bot_agent((user_agent or "")[:AGENT_CHARS])


@functools.lru_cache(maxsize=4096)
def _is_bot_agent(user_agent: str) -> bool:
    # a page view asks this of every request, and readers send few distinct agents: remember the answers
    return bool(BOT_AGENTS.search(user_agent.strip()))


def record_view(connection: sa.Connection, article_id: str, client: str, user_agent: str, at: datetime) -> bool:
    """Count a page view; False when not counted (a bot, or this client viewed it less than an hour ago)."""
    _require(connection, article_id)
    return record_views(connection, [(article_id, client, user_agent, at)]) == [True]


def record_views(connection: sa.Connection, views: list[tuple[str, str, str, datetime]]) -> list[bool]:
    """Count many page views (article_id, client, user agent, at) in a few statements; which were counted.

    Views of articles that do not exist are not counted. A client's views of one article are checked
    in time order, so a batch counts exactly what recording them one by one would.
    """
    known = _existing(connection, {view[0] for view in views})
    keyed = [
        ((aid, _hashed(client)), at, i)
        for i, (aid, client, agent, at) in enumerate(views)
        if aid in known and not is_bot(agent)
    ]
    keyed.sort(key=lambda view: (view[0], view[1]))
    counted = [False] * len(views)
    rounds: dict[tuple, list] = {}
    for key, at, i in keyed:  # round k holds each key's k-th view: one key at most once per statement
        rounds.setdefault(key, []).append((at, i))
    for k in range(max((len(v) for v in rounds.values()), default=0)):
        batch = {key: seen[k] for key, seen in rounds.items() if len(seen) > k}
        for key in _claim(connection, schema.view_clients, REPEAT_WINDOW, batch):
            counted[batch[key][1]] = True
    _count_many(connection, "views", [(views[i][0], views[i][3]) for i, ok in enumerate(counted) if ok])
    return counted


def _existing(connection: sa.Connection, ids: set[str]) -> set[str]:
    query = sa.select(schema.articles.c.id).where(schema.articles.c.id.in_(sorted(ids)))
    return set(connection.execute(query).scalars())


def _hashed(client: str) -> str:
    # the client is kept only as a hash
    return hashlib.sha1(client.encode("utf-8")).hexdigest()


def _claim(
    connection: sa.Connection, table: sa.Table, window: timedelta, batch: dict[tuple, tuple[datetime, int]]
) -> list[tuple]:
    """The (article, client) keys of table whose event at its time counts (none counted within window
    before it); their last counted event becomes that time."""
    c = table.c
    # rows locked until commit (PostgreSQL), so two writers cannot both count one client's repeat
    last = {
        (r.article_id, r.client): r.counted_at
        for r in connection.execute(
            sa.select(c.article_id, c.client, c.counted_at)
            .where(sa.tuple_(c.article_id, c.client).in_(list(batch)))
            .with_for_update()
        )
    }
    due = [key for key in batch if key in last and last[key] <= batch[key][0] - window]
    if due:
        connection.execute(
            table.update()
            .where(c.article_id == sa.bindparam("key_article"), c.client == sa.bindparam("key_client"))
            .values(counted_at=sa.bindparam("at")),
            [{"key_article": a, "key_client": k, "at": batch[(a, k)][0]} for a, k in due],
        )
    fresh = [{"article_id": a, "client": k, "counted_at": batch[(a, k)][0]} for a, k in batch if (a, k) not in last]
    # a key another writer inserted meanwhile is a repeat: DO NOTHING returns no row for it
    return due + [tuple(row) for row in insert_new(connection, table, ["article_id", "client"], fresh)]


def record_share(connection: sa.Connection, article_id: str, at: datetime, client: str | None = None) -> bool:
    """Count one share of the article; False when not counted: client (None: a trusted source, always
    counted) shared it within SHARE_WINDOW, or has used its SHARE_BUDGET of the last hour."""
    _require(connection, article_id)
    if client is not None:
        key = _hashed(client)
        if _recent_shares(connection, key, at) >= SHARE_BUDGET:
            return False
        if not _claim(connection, schema.share_clients, SHARE_WINDOW, {(article_id, key): (at, 0)}):
            return False
    _count(connection, article_id, "shares", at)
    return True


def _recent_shares(connection: sa.Connection, key: str, at: datetime) -> int:
    # an article's row is its last counted share, and within a day there is one per article: rows are shares
    c = schema.share_clients.c
    query = sa.select(sa.func.count()).where(c.client == key, c.counted_at > at - BUDGET_WINDOW, c.counted_at <= at)
    return connection.execute(query).scalar_one()


def prune_clients(connection: sa.Connection, now: datetime, limit: int = 5000) -> int:
    """Delete up to limit rows per table of view_clients and share_clients older than their window
    before now (they no longer stop a repeat from counting); how many were deleted."""
    deleted = 0
    for table, window in ((schema.view_clients, REPEAT_WINDOW), (schema.share_clients, SHARE_WINDOW)):
        c = table.c
        old = sa.select(c.article_id, c.client).where(c.counted_at < now - window).limit(limit)
        deleted += connection.execute(table.delete().where(sa.tuple_(c.article_id, c.client).in_(old))).rowcount
    return deleted


def record_comment(connection: sa.Connection, article_id: str, at: datetime) -> None:
    """Count one comment on the article."""
    _require(connection, article_id)
    _count(connection, article_id, "comments", at)


def _require(connection: sa.Connection, article_id: str) -> None:
    if connection.execute(sa.select(schema.articles.c.n).where(schema.articles.c.id == article_id)).first() is None:
        raise LookupError(f"no article with id {article_id!r}")


def _count(connection: sa.Connection, article_id: str, column: str, at: datetime) -> None:
    _count_many(connection, column, [(article_id, at)])


def _count_many(connection: sa.Connection, column: str, events: list[tuple[str, datetime]]) -> None:
    """Add one to column for each (article id, time): in its hourly bucket and in the article's total."""
    buckets = Counter((article_id, _hour(at)) for article_id, at in events)
    rows = [
        {"article_id": a, "hour": h, "views": 0, "comments": 0, "shares": 0, column: n}
        for (a, h), n in sorted(buckets.items())
    ]
    add_counts(connection, schema.engagement_hourly, ["article_id", "hour"], column, rows)
    totals = Counter(article_id for article_id, _ in events)
    if totals:
        counters = schema.article_counters.c
        connection.execute(
            schema.article_counters.update()
            .where(counters.article_id == sa.bindparam("key_id"))
            .values({column: counters[column] + sa.bindparam("added")}),
            [{"key_id": a, "added": n} for a, n in sorted(totals.items())],
        )


def _hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def seed_from_counters(connection: sa.Connection) -> int:
    """Count ingested counters (views, comments of a feed or the sample) as engagement at publish time.

    Only for dated articles with no engagement recorded yet, so it runs once per article.
    """
    seen = sa.select(schema.engagement_hourly.c.article_id).where(
        schema.engagement_hourly.c.article_id == schema.articles.c.id
    )
    counters = schema.article_counters.c
    source = (
        sa.select(
            schema.articles.c.id, schema.articles.c.published_at, counters.views, counters.comments, counters.shares
        )
        .join(schema.article_counters, counters.article_id == schema.articles.c.id)
        .where(
            schema.articles.c.published_at.is_not(None),
            counters.views + counters.comments + counters.shares > 0,
            ~seen.exists(),
        )
    )
    columns = ["article_id", "hour", "views", "comments", "shares"]
    return connection.execute(schema.engagement_hourly.insert().from_select(columns, source)).rowcount


def window_totals(
    connection: sa.Connection, since: datetime, until: datetime, category: str | None, pool: int
) -> list[sa.Row]:
    """(id, views, comments, shares, published, source) summed over [since, until] per duplicate group (a
    repost's engagement counts for its original: store/duplicates.py), the pool most engaged; id is the group's
    original, published its publish time, or its ingest time when it has none, source its source."""
    e = schema.engagement_hourly.c
    views, comments, shares = sa.func.sum(e.views), sa.func.sum(e.comments), sa.func.sum(e.shares)
    group = sa.func.coalesce(schema.duplicates.c.original_id, e.article_id)
    engaged = (
        sa.select(group.label("id"), views.label("views"), comments.label("comments"), shares.label("shares"))
        .select_from(schema.engagement_hourly)
        .outerjoin(schema.duplicates, schema.duplicates.c.article_id == e.article_id)
        .join(schema.articles, schema.articles.c.id == group)
        .where(e.hour >= since, e.hour <= until)
        .group_by(group)
        .order_by((views + 10 * comments + 20 * shares).desc(), group)
        .limit(pool)
    )
    if category is not None:
        engaged = engaged.where(schema.articles.c.category == category)
    top = engaged.subquery()
    # publish times are read for the pool only (each is a lookup of the article's row)
    published = sa.func.coalesce(schema.articles.c.published_at, schema.articles.c.ingested_at, type_=UTCDateTime())
    query = sa.select(top, published.label("published"), schema.articles.c.source).join(
        schema.articles, schema.articles.c.id == top.c.id
    )
    return connection.execute(query).all()
