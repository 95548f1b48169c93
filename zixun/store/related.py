"""Precomputed related lists: which articles each article's 相关内容 shows, best first."""
from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from zixun.store.articles import select_articles, to_article
from zixun.store.schema import UTCDateTime, article_counters, articles, metadata, term_df
from zixun.models import Article

related = sa.Table(
    "related", metadata,
    sa.Column("article_id", sa.String(16), primary_key=True),
    sa.Column("rank", sa.Integer, primary_key=True),
    sa.Column("related_id", sa.String(16), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
)
related_done = sa.Table(
    "related_done", metadata,
    sa.Column("article_id", sa.String(16), primary_key=True),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)
_FEATURE_COLUMNS = (articles.c.n, articles.c.id, articles.c.title, articles.c.candidates,
                    articles.c.entities, articles.c.published_at, articles.c.updated_at)
_CHUNK = 5000  # stays under SQLite's bound-parameter limit


def pending(connection: sa.Connection) -> list[str]:
    """Ids of articles whose list is missing or was computed for an older version of the article."""
    done = related_done.c
    query = (sa.select(articles.c.id).outerjoin(related_done, done.article_id == articles.c.id)
             .where(sa.or_(done.updated_at.is_(None), done.updated_at != articles.c.updated_at))
             .order_by(articles.c.n))
    return list(connection.execute(query).scalars())


def feature_rows(connection: sa.Connection, ids: list[str] | None = None, ns: list[int] | None = None,
                 up_to: int | None = None) -> list[sa.Row]:
    """(n, id, title, candidates, entities, published_at, updated_at) of these articles, of those with
    n <= up_to, or of all."""
    query = sa.select(*_FEATURE_COLUMNS).order_by(articles.c.n)
    if up_to is not None:
        query = query.where(articles.c.n <= up_to)
    if ids is None and ns is None:
        return connection.execute(query).all()
    column, keys = (articles.c.id, ids) if ids is not None else (articles.c.n, ns)
    rows = []
    for start in range(0, len(keys), _CHUNK):
        rows.extend(connection.execute(query.where(column.in_(keys[start:start + _CHUNK]))))
    return rows


def newest_n(connection: sa.Connection) -> int:
    """n of the newest article, 0 in an empty store (articles stored later have a greater n)."""
    return connection.execute(sa.select(sa.func.coalesce(sa.func.max(articles.c.n), 0))).scalar_one()


def all_document_frequencies(connection: sa.Connection) -> dict[str, int]:
    """Every term's df in one read (a whole-corpus pass needs them all; IN-lists would be slower)."""
    return dict(connection.execute(sa.select(term_df.c.term, term_df.c.df)).all())


def lists_of(connection: sa.Connection, ids: list[str]) -> dict[str, list[tuple[str, float]]]:
    """The stored lists of these articles: {id: [(related id, score), ...] best first}."""
    found: dict[str, list[tuple[str, float]]] = {}
    for start in range(0, len(ids), _CHUNK):
        query = (sa.select(related.c.article_id, related.c.related_id, related.c.score)
                 .where(related.c.article_id.in_(ids[start:start + _CHUNK]))
                 .order_by(related.c.article_id, related.c.rank))
        for row in connection.execute(query):
            found.setdefault(row.article_id, []).append((row.related_id, row.score))
    return found


def save_lists(connection: sa.Connection, lists: dict[str, list[tuple[str, float]]], versions: dict) -> None:
    """Replace the lists of these articles; versions {id: updated_at} marks the ones now current."""
    ids = sorted(set(lists) | set(versions))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        connection.execute(related.delete().where(related.c.article_id.in_(chunk)))
        connection.execute(related_done.delete().where(related_done.c.article_id.in_(
            [i for i in chunk if i in versions])))
    rows = [{"article_id": a, "rank": r, "related_id": rid, "score": s}
            for a, items in lists.items() for r, (rid, s) in enumerate(items)]
    if rows:
        connection.execute(related.insert(), rows)
    if versions:
        connection.execute(related_done.insert(), [{"article_id": a, "updated_at": u} for a, u in versions.items()])


# built once: the article page runs this on every request (bodies are not read: lists do not show them)
_RELATED_OF = (select_articles(body=False).add_columns(related.c.score, articles.c.entities)
               .join(related, related.c.related_id == articles.c.id)
               .where(related.c.article_id == sa.bindparam("article_id"))
               .order_by(related.c.rank).limit(sa.bindparam("limit")))
_ENTITIES_OF = sa.select(articles.c.entities).where(articles.c.id == sa.bindparam("article_id"))


def related_of(connection: sa.Connection, article_id: str, limit: int) -> list[tuple[Article, float, dict]]:
    """The stored related articles of article_id (bodies left empty), best first, with score and entities."""
    rows = connection.execute(_RELATED_OF, {"article_id": article_id, "limit": limit})
    return [(to_article(row), row.score, row.entities or {}) for row in rows]


_shown = articles.alias("shown")
# built once: an article page runs it when its assembled page has expired. The update times only tell
# versions apart, so they are compared as the driver returns them (parsing them costs more than the query)
_PAGE_STATE = (
    sa.select(articles.c.id, sa.type_coerce(articles.c.updated_at, sa.String).label("updated_at"),
              articles.c.published_at, article_counters.c.views, article_counters.c.comments,
              article_counters.c.shares, related.c.related_id, related.c.score,
              sa.type_coerce(_shown.c.updated_at, sa.String).label("shown_updated_at"))
    .join(article_counters, article_counters.c.article_id == articles.c.id)
    .outerjoin(related, sa.and_(related.c.article_id == articles.c.id, related.c.rank < sa.bindparam("limit")))
    .outerjoin(_shown, _shown.c.id == related.c.related_id)
    .order_by(related.c.rank)
)
_BY_ID = _PAGE_STATE.where(articles.c.id == sa.bindparam("key"))
_BY_GUID = _PAGE_STATE.where(articles.c.guid == sa.bindparam("key"))
_BY_IDS = _PAGE_STATE.where(articles.c.id.in_(sa.bindparam("keys", expanding=True)))


def page_state(connection: sa.Connection, key: str, limit: int) -> tuple[sa.Row, tuple] | None:
    """The state of an article page (web/contexts.ArticleState) whose article's id, else guid, is key.

    (row of id, updated_at, published_at, views, comments, shares; version of its first `limit` related
    items as ((id, score, updated_at), ...)), or None when there is no such article. The update times are
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
    return rows[0], tuple((r.related_id, r.score, r.shown_updated_at) for r in rows if r.related_id is not None)


def entities_of(connection: sa.Connection, article_id: str) -> dict:
    """The names (people, places, orgs) found in one article."""
    return connection.execute(_ENTITIES_OF, {"article_id": article_id}).scalar() or {}


def all_lists(connection: sa.Connection) -> Iterator[tuple[str, list[str]]]:
    """(guid, [related guids best first]) of every article, in insertion order."""
    target = articles.alias("target")
    query = (sa.select(articles.c.guid, target.c.guid.label("related_guid"))
             .outerjoin(related, related.c.article_id == articles.c.id)
             .outerjoin(target, target.c.id == related.c.related_id)
             .order_by(articles.c.n, related.c.rank))
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
