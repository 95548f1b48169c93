"""Engagement: page views (bots and a client's repeat views within an hour not counted), comments, shares.

Counts go to hourly buckets per article, so the hot list can sum any window; the article's total
counters (views, comments, shares) go up with them.
"""
from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from datetime import datetime, timedelta

import sqlalchemy as sa

from zixun.store.dialect import add_counts, insert_new
from zixun.store.schema import UTCDateTime, article_counters, articles, metadata

REPEAT_WINDOW = timedelta(hours=1)
# crawlers, link previews, scripts and headless browsers announce themselves in the user agent
BOT_AGENTS = re.compile(
    r"bot|crawl|spider|slurp|scrapy|curl|wget|python-requests|python-urllib|go-http-client|java/|libwww|"
    r"headless|phantomjs|facebookexternalhit|preview|monitor|^$", re.IGNORECASE,
)

view_clients = sa.Table(
    "view_clients", metadata,
    sa.Column("article_id", sa.String(16), primary_key=True),
    sa.Column("client", sa.String(40), primary_key=True),
    sa.Column("counted_at", UTCDateTime(), nullable=False),
)
engagement_hourly = sa.Table(
    "engagement_hourly", metadata,
    sa.Column("article_id", sa.String(16), primary_key=True),
    sa.Column("hour", UTCDateTime(), primary_key=True),
    sa.Column("views", sa.Integer, nullable=False),
    sa.Column("comments", sa.Integer, nullable=False),
    sa.Column("shares", sa.Integer, nullable=False),
)


def is_bot(user_agent: str | None) -> bool:
    """Whether a user agent is a crawler, a script or empty."""
    return _is_bot_agent(user_agent or "")


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
    # the client (address + agent, say) is kept only as a hash
    keyed = [((aid, hashlib.sha1(client.encode("utf-8")).hexdigest()), at, i)
             for i, (aid, client, agent, at) in enumerate(views) if aid in known and not is_bot(agent)]
    keyed.sort(key=lambda view: (view[0], view[1]))
    counted = [False] * len(views)
    rounds: dict[tuple, list] = {}
    for key, at, i in keyed:  # round k holds each key's k-th view: one key at most once per statement
        rounds.setdefault(key, []).append((at, i))
    for k in range(max((len(v) for v in rounds.values()), default=0)):
        batch = {key: seen[k] for key, seen in rounds.items() if len(seen) > k}
        for key in _claim(connection, batch):
            counted[batch[key][1]] = True
    _count_many(connection, "views", [(views[i][0], views[i][3]) for i, ok in enumerate(counted) if ok])
    return counted


def _existing(connection: sa.Connection, ids: set[str]) -> set[str]:
    query = sa.select(articles.c.id).where(articles.c.id.in_(sorted(ids)))
    return set(connection.execute(query).scalars())


def _claim(connection: sa.Connection, batch: dict[tuple, tuple[datetime, int]]) -> list[tuple]:
    """The (article, client) keys whose view at its time counts; their last counted view becomes that time."""
    vc = view_clients.c
    # rows locked until commit (PostgreSQL), so two writers cannot both count one client's repeat view
    last = dict(((r.article_id, r.client), r.counted_at) for r in connection.execute(
        sa.select(vc.article_id, vc.client, vc.counted_at)
        .where(sa.tuple_(vc.article_id, vc.client).in_(list(batch))).with_for_update()))
    due = [key for key in batch if key in last and last[key] <= batch[key][0] - REPEAT_WINDOW]
    if due:
        connection.execute(view_clients.update()
                           .where(vc.article_id == sa.bindparam("key_article"), vc.client == sa.bindparam("key_client"))
                           .values(counted_at=sa.bindparam("at")),
                           [{"key_article": a, "key_client": c, "at": batch[(a, c)][0]} for a, c in due])
    fresh = [{"article_id": a, "client": c, "counted_at": batch[(a, c)][0]} for a, c in batch if (a, c) not in last]
    # a key another writer inserted meanwhile is a repeat view: DO NOTHING returns no row for it
    return due + [tuple(row) for row in insert_new(connection, view_clients, ["article_id", "client"], fresh)]


def record_share(connection: sa.Connection, article_id: str, at: datetime) -> None:
    """Count one share of the article."""
    _require(connection, article_id)
    _count(connection, article_id, "shares", at)


def record_comment(connection: sa.Connection, article_id: str, at: datetime) -> None:
    """Count one comment on the article."""
    _require(connection, article_id)
    _count(connection, article_id, "comments", at)


def _require(connection: sa.Connection, article_id: str) -> None:
    if connection.execute(sa.select(articles.c.n).where(articles.c.id == article_id)).first() is None:
        raise LookupError(f"no article with id {article_id!r}")


def _count(connection: sa.Connection, article_id: str, column: str, at: datetime) -> None:
    _count_many(connection, column, [(article_id, at)])


def _count_many(connection: sa.Connection, column: str, events: list[tuple[str, datetime]]) -> None:
    """Add one to column for each (article id, time): in its hourly bucket and in the article's total."""
    buckets = Counter((article_id, _hour(at)) for article_id, at in events)
    rows = [{"article_id": a, "hour": h, "views": 0, "comments": 0, "shares": 0, column: n}
            for (a, h), n in sorted(buckets.items())]
    add_counts(connection, engagement_hourly, ["article_id", "hour"], column, rows)
    totals = Counter(article_id for article_id, _ in events)
    if totals:
        counters = article_counters.c
        connection.execute(article_counters.update().where(counters.article_id == sa.bindparam("key_id"))
                           .values({column: counters[column] + sa.bindparam("added")}),
                           [{"key_id": a, "added": n} for a, n in sorted(totals.items())])


def _hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def seed_from_counters(connection: sa.Connection) -> int:
    """Count ingested counters (views, comments of a feed or the sample) as engagement at publish time.

    Only for dated articles with no engagement recorded yet, so it runs once per article.
    """
    seen = sa.select(engagement_hourly.c.article_id).where(engagement_hourly.c.article_id == articles.c.id)
    counters = article_counters.c
    source = (sa.select(articles.c.id, articles.c.published_at, counters.views, counters.comments, counters.shares)
              .join(article_counters, counters.article_id == articles.c.id)
              .where(articles.c.published_at.is_not(None), counters.views + counters.comments + counters.shares > 0,
                     ~seen.exists()))
    columns = ["article_id", "hour", "views", "comments", "shares"]
    return connection.execute(engagement_hourly.insert().from_select(columns, source)).rowcount


def window_totals(connection: sa.Connection, since: datetime, until: datetime, category: str | None,
                  pool: int) -> list[sa.Row]:
    """(id, views, comments, shares, published) summed over [since, until] per article, the pool most
    engaged; published is the article's publish time, or its ingest time when it has none."""
    e = engagement_hourly.c
    views, comments, shares = sa.func.sum(e.views), sa.func.sum(e.comments), sa.func.sum(e.shares)
    engaged = (sa.select(e.article_id.label("id"), views.label("views"), comments.label("comments"),
                         shares.label("shares"))
               .join(articles, articles.c.id == e.article_id)
               .where(e.hour >= since, e.hour <= until).group_by(e.article_id)
               .order_by((views + 10 * comments + 20 * shares).desc(), e.article_id).limit(pool))
    if category is not None:
        engaged = engaged.where(articles.c.category == category)
    top = engaged.subquery()
    # publish times are read for the pool only (each is a lookup of the article's row)
    published = sa.func.coalesce(articles.c.published_at, articles.c.ingested_at, type_=UTCDateTime())
    query = sa.select(top, published.label("published")).join(articles, articles.c.id == top.c.id)
    return connection.execute(query).all()
