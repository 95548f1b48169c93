"""Articles in the store: written by the pipeline, read by the portal, search and the CLI."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime

import sqlalchemy as sa

from zixun.models import Article, Extracted
from zixun.store import schema
from zixun.store.dialect import among, chunks
from zixun.store.schema import COUNTERS

# the columns an Article is built from (the index terms stay in the store), and where they are read
_ARTICLE_COLUMNS = [
    schema.articles.c[name]
    for name in (
        "id",
        "guid",
        "url",
        "title",
        "author",
        "source",
        "published_at",
        "declared_original",
        "category",
        "body",
        "summary",
        "keywords",
        "entities",
        "ingested_at",
        "updated_at",
        "extraction_confidence",
    )
] + [schema.article_counters.c[name] for name in COUNTERS]
_WITH_COUNTERS = schema.articles.join(
    schema.article_counters, schema.article_counters.c.article_id == schema.articles.c.id
)


def not_a_repost(article_id: sa.ColumnElement) -> sa.ColumnElement:
    """A WHERE clause that keeps an article only if it is no repost (store/duplicates.py): lists show one
    entry per duplicate group, its original."""
    return ~sa.exists().where(schema.duplicates.c.article_id == article_id)


def article_id(guid: str) -> str:
    """The stable, URL-safe internal id of the article with this guid."""
    return hashlib.sha1(guid.encode("utf-8")).hexdigest()[:12]


def guid_of(article: Extracted) -> str:
    """The source's own identifier, or the URL, or one derived from title, time and author."""
    if article.guid:
        return article.guid
    if article.url:
        return article.url
    when = article.published_at.isoformat() if article.published_at else ""
    seed = f"{article.title}\n{when}\n{article.author or ''}"
    return "page:" + hashlib.sha1(seed.encode("utf-8")).hexdigest()[:20]


def to_article(row: sa.Row) -> Article:
    """Build an Article from a row holding the article columns."""
    fields = dict(row._mapping)
    fields["body"] = fields["body"].split("\n") if fields["body"] else []
    return Article(**{c.name: fields[c.name] for c in _ARTICLE_COLUMNS})


def select_articles(body: bool = True) -> sa.Select:
    """SELECT of the Article columns, for other store and search modules to refine.

    body=False reads an empty body instead (lists show titles and summaries, not the text).
    """
    if body:
        return sa.select(*_ARTICLE_COLUMNS).select_from(_WITH_COUNTERS)
    return sa.select(*(sa.literal("").label("body") if c.name == "body" else c for c in _ARTICLE_COLUMNS)).select_from(
        _WITH_COUNTERS
    )


# built once: the article page runs these on every request. An id is looked up before a guid, in two
# queries: a source may set any guid, even one that equals another article's id, and must not take over
# that article's page (one query with `id = :key OR guid = :key` returns either row, by the plan's whim)
_BY_ID = select_articles().where(schema.articles.c.id == sa.bindparam("key"))
_BY_GUID = select_articles().where(schema.articles.c.guid == sa.bindparam("key"))


def existing(connection: sa.Connection, guids: list[str]) -> dict[str, sa.Row]:
    """Stored rows (n, id, guid, content_hash, candidates) for the guids that exist."""
    query = sa.select(
        schema.articles.c.n,
        schema.articles.c.id,
        schema.articles.c.guid,
        schema.articles.c.content_hash,
        schema.articles.c.candidates,
    )
    rows = connection.execute(query.where(among(connection, schema.articles.c.guid, guids))).all()
    return {row.guid: row for row in rows}


def insert_many(connection: sa.Connection, rows: list[dict]) -> None:
    """Insert new article rows, each with its counters (views, comments, shares; 0 when missing)."""
    if rows:
        connection.execute(
            schema.articles.insert(), [{k: v for k, v in row.items() if k not in COUNTERS} for row in rows]
        )
        connection.execute(
            schema.article_counters.insert(),
            [{"article_id": row["id"], **{name: row.get(name) or 0 for name in COUNTERS}} for row in rows],
        )


def replace(connection: sa.Connection, guid: str, row: dict) -> None:
    """Overwrite the stored article with this guid (its id, counters and ingested_at stay)."""
    keep = {"id", "guid", "ingested_at", *COUNTERS}
    values = {k: v for k, v in row.items() if k not in keep}
    connection.execute(schema.articles.update().where(schema.articles.c.guid == guid).values(**values))


def delete(connection: sa.Connection, ids: list[str]) -> None:
    """Delete these articles with what is kept per article (counters, related lists, mentions, engagement);
    their near-duplicate rows go on the next dedupe pass, which decides their groups again."""
    owned = (
        schema.article_counters.c.article_id,
        schema.related.c.article_id,
        schema.related.c.related_id,
        schema.related_done.c.article_id,
        schema.entity_mentions.c.article_id,
        schema.engagement_hourly.c.article_id,
        schema.view_clients.c.article_id,
        schema.share_clients.c.article_id,
    )
    for chunk in chunks(ids):
        for column in owned:
            connection.execute(column.table.delete().where(among(connection, column, chunk)))
        connection.execute(schema.articles.delete().where(among(connection, schema.articles.c.id, chunk)))


def get(connection: sa.Connection, key: str) -> Article | None:
    """The article whose id is key, else the one whose guid is key, else None."""
    row = connection.execute(_BY_ID, {"key": key}).first() or connection.execute(_BY_GUID, {"key": key}).first()
    return to_article(row) if row else None


def newest_ids(connection: sa.Connection, limit: int) -> list[str]:
    """Ids of the newest articles, newest first."""
    order = (schema.articles.c.published_at.desc().nulls_last(), schema.articles.c.n.desc())
    return list(connection.execute(sa.select(schema.articles.c.id).order_by(*order).limit(limit)).scalars())


def many(connection: sa.Connection, ids: list[str], body: bool = True) -> dict[str, Article]:
    """The stored articles with these ids, by id (bodies left empty when body=False)."""
    found: dict[str, Article] = {}
    for chunk in chunks(ids):
        query = select_articles(body).where(among(connection, schema.articles.c.id, chunk))
        found.update((row.id, to_article(row)) for row in connection.execute(query))
    return found


def newest_n(connection: sa.Connection) -> int:
    """n of the newest article, 0 in an empty store (articles stored later have a greater n)."""
    return connection.execute(sa.select(sa.func.coalesce(sa.func.max(schema.articles.c.n), 0))).scalar_one()


def count(connection: sa.Connection) -> int:
    """How many articles are stored."""
    return connection.execute(sa.select(sa.func.count()).select_from(schema.articles)).scalar_one()


def recent(
    connection: sa.Connection,
    limit: int = 20,
    offset: int = 0,
    *,
    category: str | None = None,
    source: str | None = None,
    author: str | None = None,
    before: datetime | None = None,
    reposts: bool = False,
) -> list[Article]:
    """Newest articles first, optionally of one category, source or author; reposts left out unless asked
    for (a source's or author's own list shows its reposts too)."""
    query = select_articles() if reposts else select_articles().where(not_a_repost(schema.articles.c.id))
    for column, value in (("category", category), ("source", source), ("author", author)):
        if value is not None:
            query = query.where(schema.articles.c[column] == value)
    if before is not None:
        query = query.where(schema.articles.c.published_at < before)
    order = (schema.articles.c.published_at.desc().nulls_last(), schema.articles.c.n.desc())
    return [to_article(r) for r in connection.execute(query.order_by(*order).limit(limit).offset(offset))]


def iterate(connection: sa.Connection, batch: int = 1000) -> Iterator[Article]:
    """Every stored article in insertion order, read in batches (for export and reindex)."""
    last = 0
    while True:
        query = select_articles().add_columns(schema.articles.c.n).where(schema.articles.c.n > last)
        rows = connection.execute(query.order_by(schema.articles.c.n).limit(batch)).all()
        if not rows:
            return
        yield from (to_article(r) for r in rows)
        last = rows[-1].n


def update_analysis(connection: sa.Connection, article_id: str, values: dict) -> None:
    """Overwrite derived text columns (terms, candidates, keywords, summary) of one article."""
    connection.execute(schema.articles.update().where(schema.articles.c.id == article_id).values(**values))


def categories_by_guid(connection: sa.Connection) -> dict[str, str | None]:
    """{guid: category} of every article (the labels `zixun eval related` scores against)."""
    return dict(connection.execute(sa.select(schema.articles.c.guid, schema.articles.c.category)).all())


def stale(connection: sa.Connection, done: sa.Table, ids: list[str] | None = None) -> list[str]:
    """Ids of articles (of all, in store order, or of ids, in their order) whose row in done (article_id,
    updated_at: the version a derived thing was computed for) is missing or names an older version."""
    query = (
        sa.select(schema.articles.c.id)
        .outerjoin(done, done.c.article_id == schema.articles.c.id)
        .where(sa.or_(done.c.updated_at.is_(None), done.c.updated_at != schema.articles.c.updated_at))
        .order_by(schema.articles.c.n)
    )
    if ids is None:
        return list(connection.execute(query).scalars())
    found = set()
    for chunk in chunks(ids):
        found.update(connection.execute(query.where(among(connection, schema.articles.c.id, chunk))).scalars())
    return [i for i in ids if i in found]


def versions_of(connection: sa.Connection, ids: list[str]) -> dict[str, datetime]:
    """{id: updated_at} of those of ids still stored, in store order."""
    found = []
    for chunk in chunks(ids):
        query = sa.select(schema.articles.c.n, schema.articles.c.id, schema.articles.c.updated_at)
        found.extend(connection.execute(query.where(among(connection, schema.articles.c.id, chunk))))
    return {row.id: row.updated_at for row in sorted(found, key=lambda row: row.n)}


def candidates_of(connection: sa.Connection, ids: list[str]) -> list[dict]:
    """[{id, candidates}] of these articles, for recomputing keywords."""
    query = sa.select(schema.articles.c.id, schema.articles.c.candidates).where(
        among(connection, schema.articles.c.id, ids)
    )
    return [dict(row._mapping) for row in connection.execute(query)]
