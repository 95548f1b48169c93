"""Engagement: page views (bots and a client's repeat views within an hour not counted), comments, shares.

Counts go to hourly buckets per article, so the hot list can sum any window; the article's total
counters (views, comments, shares) go up with them.
"""
from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

import sqlalchemy as sa

from zixun.store.dialect import add_counts, replace_if
from zixun.store.schema import UTCDateTime, articles, metadata

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
    return bool(BOT_AGENTS.search((user_agent or "").strip()))


def record_view(connection: sa.Connection, article_id: str, client: str, user_agent: str, at: datetime) -> bool:
    """Count a page view; False when not counted (a bot, or this client viewed it less than an hour ago)."""
    if is_bot(user_agent):
        return False
    _require(connection, article_id)
    # the client (address + agent, say) is kept only as a hash
    row = {"article_id": article_id, "client": hashlib.sha1(client.encode("utf-8")).hexdigest(), "counted_at": at}
    if not replace_if(connection, view_clients, ["article_id", "client"], row,
                      view_clients.c.counted_at <= at - REPEAT_WINDOW):
        return False
    _count(connection, article_id, "views", at)
    return True


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
    row = {"article_id": article_id, "hour": _hour(at), "views": 0, "comments": 0, "shares": 0, column: 1}
    add_counts(connection, engagement_hourly, ["article_id", "hour"], column, [row])
    connection.execute(articles.update().where(articles.c.id == article_id)
                       .values({column: articles.c[column] + 1}))


def _hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def seed_from_counters(connection: sa.Connection) -> int:
    """Count ingested counters (views, comments of a feed or the sample) as engagement at publish time.

    Only for dated articles with no engagement recorded yet, so it runs once per article.
    """
    seen = sa.select(engagement_hourly.c.article_id).where(engagement_hourly.c.article_id == articles.c.id)
    source = sa.select(articles.c.id, articles.c.published_at, articles.c.views, articles.c.comments,
                       articles.c.shares).where(
        articles.c.published_at.is_not(None), articles.c.views + articles.c.comments + articles.c.shares > 0,
        ~seen.exists())
    columns = ["article_id", "hour", "views", "comments", "shares"]
    return connection.execute(engagement_hourly.insert().from_select(columns, source)).rowcount


def window_totals(connection: sa.Connection, since: datetime, until: datetime, category: str | None,
                  pool: int) -> list[sa.Row]:
    """(id, views, comments, shares) summed over [since, until] per article, the pool most engaged."""
    e = engagement_hourly.c
    views, comments, shares = sa.func.sum(e.views), sa.func.sum(e.comments), sa.func.sum(e.shares)
    query = (sa.select(e.article_id.label("id"), views.label("views"), comments.label("comments"),
                       shares.label("shares"))
             .join(articles, articles.c.id == e.article_id)
             .where(e.hour >= since, e.hour <= until).group_by(e.article_id)
             .order_by((views + 10 * comments + 20 * shares).desc(), e.article_id).limit(pool))
    if category is not None:
        query = query.where(articles.c.category == category)
    return connection.execute(query).all()
