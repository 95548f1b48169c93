"""Which articles name which people, places and organisations: rows of entity_mentions, written with the
articles (a changed article's rows replaced) and read by entity pages."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from zixun.models import Article, named
from zixun.store import schema
from zixun.store.articles import not_a_repost, select_articles, to_article
from zixun.store.dialect import among, chunks, unindexed


def rows_of(article_id: str, entities: dict) -> list[dict]:
    """The entity_mentions rows of an article's entities ({"people": [...], "places": [...], "orgs": [...]}), but
    for the names it gives only as credits ("credited": its outlet's dateline, its bylines): an entity's page and
    the trending lists are of the articles about it, not of those it wrote or published."""
    found = {(kind, name) for kind, names in named(entities).items() for name in names}
    return [{"kind": kind, "name": name, "article_id": article_id} for kind, name in sorted(found)]


def replace(connection: sa.Connection, articles: list[dict]) -> None:
    """Make the stored mentions of these articles ({id, entities} each) what their entities say."""
    ids = [a["id"] for a in articles]
    for chunk in chunks(ids):
        connection.execute(
            schema.entity_mentions.delete().where(among(connection, schema.entity_mentions.c.article_id, chunk))
        )
    rows = [row for a in articles for row in rows_of(a["id"], a["entities"])]
    if rows:
        connection.execute(schema.entity_mentions.insert(), rows)


def _of(kind: str, names: list[str]) -> sa.ColumnElement:
    mentions = schema.entity_mentions.c
    return sa.and_(mentions.kind == kind, mentions.name.in_(names))


def _originals_naming(kind: str, names: list[str]) -> sa.Select:
    """Ids of the articles that name any of names as kind, one per duplicate group (its original: an entity's page
    lists a text copied to five sites once, as every list does). A repost is looked up among the decisions, a
    narrow table, not by the articles' repost marker: reading it from the wide rows takes the count 8 times as
    long (an entity of 2,700 articles, 0.8 against 6.7 ms on SQLite)."""
    mentions = schema.entity_mentions.c
    return sa.select(mentions.article_id).where(_of(kind, names), not_a_repost(mentions.article_id))


def count_articles(connection: sa.Connection, kind: str, names: list[str]) -> int:
    """How many articles (reposts left out) name any of names (one entity's forms) as kind."""
    query = sa.select(sa.func.count()).select_from(_originals_naming(kind, names).subquery())
    return connection.execute(query).scalar_one()


def articles_naming(connection: sa.Connection, kind: str, names: list[str], limit: int, offset: int) -> list[Article]:
    """The articles (reposts left out) that name any of names as kind, newest first (bodies left empty)."""
    order = (schema.articles.c.published_at.desc().nulls_last(), schema.articles.c.n.desc())
    query = select_articles(body=False).where(schema.articles.c.id.in_(_originals_naming(kind, names))).order_by(*order)
    return [to_article(row) for row in connection.execute(query.limit(limit).offset(offset))]


def ids_naming(connection: sa.Connection, kind: str, names: list[str], limit: int) -> list[str]:
    """Ids of the newest articles (at most limit) that name any of names as kind."""
    mentions = schema.entity_mentions.c
    ids = sa.select(mentions.article_id).where(_of(kind, names))
    order = (schema.articles.c.published_at.desc().nulls_last(), schema.articles.c.n.desc())
    query = sa.select(schema.articles.c.id).where(schema.articles.c.id.in_(ids)).order_by(*order).limit(limit)
    return list(connection.execute(query).scalars())


def publish_times(connection: sa.Connection, kind: str, names: list[str]) -> list:
    """The publish times (None where unknown) of the articles (reposts left out) that name any of names as kind."""
    stored = schema.articles.c
    query = sa.select(stored.published_at).where(stored.id.in_(_originals_naming(kind, names)))
    return list(connection.execute(query).scalars())


def kinds_of(connection: sa.Connection, names: list[str]) -> list[tuple[str, int]]:
    """(kind, article count) of the kinds any of names is stored as, most articles first."""
    mentions = schema.entity_mentions.c
    query = (
        sa.select(mentions.kind, sa.func.count(sa.distinct(mentions.article_id)))
        .where(mentions.name.in_(names))
        .group_by(mentions.kind)
    )
    return sorted(connection.execute(query).all(), key=lambda row: -row[1])


def counts(
    connection: sa.Connection,
    kind: str,
    since: datetime,
    until: datetime,
    limit: int | None = None,
    names: list[str] | None = None,
) -> list[tuple[str, int]]:
    """(name, articles) of the names of kind that original articles (reposts left out: a text copied five times
    is named once) published in [since, until) give, most articles first (then by name); only of names when
    given, at most limit."""
    mentions, stored = schema.entity_mentions.c, schema.articles.c
    # the window's articles first (by publish time), then their names from ix_entity_mentions_by_article. A join,
    # or SQLite without statistics, reads every mention of the kind by the primary key instead, each checked
    # against the window (35 against 15 ms a kind over the dev corpus): dialect.unindexed keeps it from that
    window = sa.select(stored.id).where(
        stored.published_at >= since, stored.published_at < until, sa.not_(stored.repost)
    )
    of_kind = unindexed(connection, mentions.kind) == kind
    articles = sa.func.count().label("articles")
    query = (
        sa.select(mentions.name, articles)
        .where(of_kind, mentions.article_id.in_(window))
        .group_by(mentions.name)
        .order_by(articles.desc(), mentions.name)
    )
    if names is not None:
        query = query.where(among(connection, mentions.name, names))
    if limit is not None:
        query = query.limit(limit)
    return [tuple(row) for row in connection.execute(query)]
