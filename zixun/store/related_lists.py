"""Precomputed related lists: which articles each article's 相关内容 shows, best first."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from zixun.models import Article
from zixun.store import articles, schema
from zixun.store.articles import select_articles, to_article
from zixun.store.dialect import among, chunks, insert_many

_FEATURE_COLUMNS = (
    schema.articles.c.n,
    schema.articles.c.id,
    schema.articles.c.title,
    schema.articles.c.candidates,
    schema.articles.c.entities,
    schema.articles.c.published_at,
    schema.articles.c.updated_at,
)
# rows read at a time by a whole-corpus pass: a row's candidates, parsed, take some 30 KB
_STREAM_ROWS = 500


def pending(connection: sa.Connection) -> list[str]:
    """Ids of articles whose list is missing or was computed for an older version of the article."""
    return articles.stale(connection, schema.related_done)


def feature_rows(connection: sa.Connection, ids: list[str] | None = None, ns: list[int] | None = None) -> list[sa.Row]:
    """(n, id, title, candidates, entities, published_at, updated_at) of the articles with these ids or ns."""
    column, keys = (schema.articles.c.id, ids) if ids is not None else (schema.articles.c.n, ns)
    query = sa.select(*_FEATURE_COLUMNS).order_by(schema.articles.c.n)
    rows = []
    for chunk in chunks(keys):
        rows.extend(connection.execute(query.where(among(connection, column, chunk))))
    return rows


def each_feature_row(connection: sa.Connection) -> Iterator[sa.Row]:
    """feature_rows() of every article, in store order, read _STREAM_ROWS rows at a time
    so that a whole-corpus pass holds a few rows, not the corpus."""
    last = 0
    while True:
        query = (
            sa.select(*_FEATURE_COLUMNS)
            .where(schema.articles.c.n > last)
            .order_by(schema.articles.c.n)
            .limit(_STREAM_ROWS)
        )
        rows = connection.execute(query).all()
        yield from rows
        if len(rows) < _STREAM_ROWS:
            return
        last = rows[-1].n


def all_document_frequencies(connection: sa.Connection) -> dict[str, int]:
    """Every term's df in one read (a whole-corpus pass needs them all; IN-lists would be slower)."""
    return dict(connection.execute(sa.select(schema.term_df.c.term, schema.term_df.c.df)).all())


def lists_of(connection: sa.Connection, ids: list[str]) -> dict[str, list[tuple[str, float]]]:
    """The stored lists of these articles: {id: [(related id, score), ...] best first}."""
    found: dict[str, list[tuple[str, float]]] = {}
    for chunk in chunks(ids):
        query = (
            sa.select(schema.related.c.article_id, schema.related.c.related_id, schema.related.c.score)
            .where(among(connection, schema.related.c.article_id, chunk))
            .order_by(schema.related.c.article_id, schema.related.c.rank)
        )
        for article_id, related_id, score in connection.execute(query):
            found.setdefault(article_id, []).append((related_id, score))
    return found


def save_lists(connection: sa.Connection, lists: dict[str, list[tuple[str, float]]], versions: dict) -> None:
    """Replace the lists of these articles; versions {id: updated_at} marks the ones now current."""
    ids = sorted(set(lists) | set(versions))
    for chunk in chunks(ids):
        connection.execute(schema.related.delete().where(among(connection, schema.related.c.article_id, chunk)))
        connection.execute(
            schema.related_done.delete().where(
                among(connection, schema.related_done.c.article_id, [i for i in chunk if i in versions])
            )
        )
    rows = [
        {"article_id": a, "rank": r, "related_id": rid, "score": s}
        for a, items in lists.items()
        for r, (rid, s) in enumerate(items)
    ]
    insert_many(connection, schema.related, rows)  # COPY on PostgreSQL: a restage writes ~100,000 rows
    if versions:
        connection.execute(
            schema.related_done.insert(), [{"article_id": a, "updated_at": u} for a, u in versions.items()]
        )


# built once: the article page runs this on every request (bodies are not read: lists do not show them)
_RELATED_OF = (
    select_articles(body=False)
    .add_columns(schema.related.c.score, schema.articles.c.entities)
    .join(schema.related, schema.related.c.related_id == schema.articles.c.id)
    .where(schema.related.c.article_id == sa.bindparam("article_id"), articles.not_a_repost(schema.articles.c.id))
    .order_by(schema.related.c.rank)
    .limit(sa.bindparam("limit"))
)
_ENTITIES_OF = sa.select(schema.articles.c.entities).where(schema.articles.c.id == sa.bindparam("article_id"))


def related_of(connection: sa.Connection, article_id: str, limit: int) -> list[tuple[Article, float, dict]]:
    """The stored related articles of article_id (bodies left empty), best first, with score and entities."""
    rows = connection.execute(_RELATED_OF, {"article_id": article_id, "limit": limit})
    return [(to_article(row), row.score, row.entities or {}) for row in rows]


_shown = schema.articles.alias("shown")
# built once: an article page runs it when its assembled page has expired. The update times only tell
# versions apart, so they are compared as the driver returns them (parsing them costs more than the query)
_PAGE_STATE = (
    sa.select(
        schema.articles.c.id,
        sa.type_coerce(schema.articles.c.updated_at, sa.String).label("updated_at"),
        schema.articles.c.published_at,
        schema.article_counters.c.views,
        schema.article_counters.c.comments,
        schema.article_counters.c.shares,
        schema.related.c.related_id,
        schema.related.c.score,
        sa.type_coerce(_shown.c.updated_at, sa.String).label("shown_updated_at"),
        # the article's duplicate facts (store/duplicates.py): its original, and how many copy it
        sa.select(schema.duplicates.c.original_id)
        .where(schema.duplicates.c.article_id == schema.articles.c.id)
        .scalar_subquery()
        .label("original_id"),
        sa.select(sa.func.count())
        .select_from(schema.duplicates)
        .where(schema.duplicates.c.original_id == schema.articles.c.id)
        .scalar_subquery()
        .label("reposts"),
        # when the article's story last changed (store/stories.py): its list begins with the story's coverage
        sa.select(sa.type_coerce(schema.stories.c.decided_at, sa.String))
        .join(schema.story_members, schema.story_members.c.story_id == schema.stories.c.id)
        .where(schema.story_members.c.article_id == schema.articles.c.id)
        .scalar_subquery()
        .label("story_decided_at"),
    )
    .join(schema.article_counters, schema.article_counters.c.article_id == schema.articles.c.id)
    .outerjoin(
        schema.related,
        sa.and_(schema.related.c.article_id == schema.articles.c.id, schema.related.c.rank < sa.bindparam("limit")),
    )
    .outerjoin(_shown, _shown.c.id == schema.related.c.related_id)
    .order_by(schema.related.c.rank)
)
_BY_ID = _PAGE_STATE.where(schema.articles.c.id == sa.bindparam("key"))
_BY_GUID = _PAGE_STATE.where(schema.articles.c.guid == sa.bindparam("key"))
_BY_IDS = _PAGE_STATE.where(schema.articles.c.id.in_(sa.bindparam("keys", expanding=True)))


def page_state(connection: sa.Connection, key: str, limit: int) -> tuple[sa.Row, tuple] | None:
    """The state of an article page (contexts.ArticleState) whose article's id, else guid, is key.

    (row of id, updated_at, published_at, views, comments, shares, original_id, reposts; version of its first `limit` related
    items as ((id, score, updated_at), ..., ("story", when its story last changed or None)), or None when there
    is no such article. The update times are
    the driver's values (text on SQLite), for comparing versions only. It is read here, beside the
    related lists, because most of the version is theirs (store/articles.py, which this module imports,
    cannot join their table).
    """
    params = {"key": key, "limit": limit}
    rows = connection.execute(_BY_ID, params).all() or connection.execute(_BY_GUID, params).all()
    return _state_of(rows) if rows else None


def page_states(connection: sa.Connection, ids: list[str], limit: int) -> dict[str, tuple[sa.Row, tuple]]:
    """page_state() of many article ids in one query: {id: (row, related version)}; unknown ids are left out."""
    grouped: dict[str, list[sa.Row]] = {}
    for row in connection.execute(_BY_IDS, {"keys": ids, "limit": limit}):
        grouped.setdefault(row.id, []).append(row)
    return {article_id: _state_of(rows) for article_id, rows in grouped.items()}


def _state_of(rows: list[sa.Row]) -> tuple[sa.Row, tuple]:
    listed = tuple((r.related_id, r.score, r.shown_updated_at) for r in rows if r.related_id is not None)
    return rows[0], (*listed, ("story", rows[0].story_decided_at))


def entities_of(connection: sa.Connection, article_id: str) -> dict:
    """The names (people, places, orgs) found in one article."""
    return connection.execute(_ENTITIES_OF, {"article_id": article_id}).scalar() or {}


def all_lists(connection: sa.Connection) -> Iterator[tuple[str, list[str]]]:
    """(guid, [related guids best first]) of every article, in insertion order."""
    target = schema.articles.alias("target")
    query = (
        sa.select(schema.articles.c.guid, target.c.guid.label("related_guid"))
        .outerjoin(schema.related, schema.related.c.article_id == schema.articles.c.id)
        .outerjoin(target, target.c.id == schema.related.c.related_id)
        .order_by(schema.articles.c.n, schema.related.c.rank)
    )
    current, guids = None, []
    for row in connection.execute(query):
        if row.guid != current:
            if current is not None:
                yield current, guids
            current, guids = row.guid, []
        if row.related_guid is not None:
            guids.append(row.related_guid)
    if current is not None:
        yield current, guids
