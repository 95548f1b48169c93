"""Near-duplicates in the store: band keys (candidate lookup by SQL, so any process on either backend finds
what another stored), verified copy pairs, and each repost's original; written by the dedup room
(zixun/dedup/), read by pages, lists, export and other features (original_of)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from zixun.store import articles, dialect, schema
from zixun.store.pairs import forget_both_ways

_BANDS = schema.duplicate_bands.c
_PAIRS = schema.duplicate_pairs.c
_DECIDED = schema.duplicates.c
_DONE = schema.duplicate_done.c


def pending(connection: sa.Connection, ids: list[str] | None = None) -> list[str]:
    """Ids of articles (of all, or of ids) with no fingerprint, or one made of an older version of the
    article, in store order."""
    return articles.stale(connection, schema.duplicate_done, ids)


def gone(connection: sa.Connection) -> list[str]:
    """Ids of fingerprinted articles no longer stored (deleted since)."""
    query = (
        sa.select(_DONE.article_id)
        .outerjoin(schema.articles, schema.articles.c.id == _DONE.article_id)
        .where(schema.articles.c.id.is_(None))
    )
    return list(connection.execute(query).scalars())


def texts_of(connection: sa.Connection, ids: list[str]) -> dict[str, str]:
    """{id: body} of these articles (the text a fingerprint is made of)."""
    found = {}
    for chunk in dialect.chunks(ids):
        query = sa.select(schema.articles.c.id, schema.articles.c.body).where(
            dialect.among(connection, schema.articles.c.id, chunk)
        )
        found.update(connection.execute(query).all())
    return found


def forget(connection: sa.Connection, ids: list[str]) -> set[str]:
    """Drop the fingerprints, pairs, decisions and done marks of these articles; the ids they were paired with
    (whose groups must be decided again)."""
    paired = forget_both_ways(connection, schema.duplicate_pairs, ids)
    for chunk in dialect.chunks(ids):
        connection.execute(schema.duplicate_bands.delete().where(dialect.among(connection, _BANDS.article_id, chunk)))
        connection.execute(schema.duplicate_done.delete().where(dialect.among(connection, _DONE.article_id, chunk)))
        connection.execute(schema.duplicates.delete().where(dialect.among(connection, _DECIDED.article_id, chunk)))
    mark_reposts(connection, [], ids)  # no decision, no marker (deciding their groups again sets it)
    return paired - set(ids)


# built once: ingest runs it for every article (the keys are an expanding IN-list of one statement)
_CANDIDATES = sa.select(_BANDS.article_id).where(_BANDS.key.in_(sa.bindparam("keys", expanding=True))).distinct()


def lookup(connection: sa.Connection, keys: list[int]) -> list[str]:
    """Ids of the fingerprinted articles that share a band key with keys (ingest and the benchmark call it)."""
    return list(connection.execute(_CANDIDATES, {"keys": keys}).scalars()) if keys else []


def sharing(connection: sa.Connection, keys: Iterable[int]) -> dict[int, list[str]]:
    """{key: ids of the fingerprinted articles with that band key} for those of keys stored (a batch's lookup)."""
    found: dict[int, list[str]] = {}
    wanted = sorted(set(keys))
    for chunk in dialect.chunks(wanted):
        # the keys are written into the statement as integers: binding thousands of parameters one by one
        # costs PostgreSQL more than the lookup, and SQLAlchemy's rendering of literals more than SQLite's
        listed = ",".join(str(int(k)) for k in chunk)
        statement = f"SELECT key, article_id FROM {schema.duplicate_bands.name} WHERE key IN ({listed})"
        for key, article_id in connection.exec_driver_sql(statement):
            found.setdefault(key, []).append(article_id)
    return found


def save(connection: sa.Connection, keys: dict[str, list[int]], pairs: list[tuple[str, str, float, float]]) -> None:
    """Store articles' band keys ({id: keys}) and copy pairs ((id, other id, share of id's text in other,
    share of other's in id))."""
    # in key order: the key index takes them page by page (a quarter faster than in arrival order on SQLite)
    ordered = sorted((k, article_id) for article_id, found in keys.items() for k in set(found))
    bands = [{"key": k, "article_id": article_id} for k, article_id in ordered]
    dialect.insert_many(connection, schema.duplicate_bands, bands)
    rows = [{"article_id": a, "other_id": b, "share": mine} for a, b, mine, _ in pairs]
    rows += [{"article_id": b, "other_id": a, "share": theirs} for a, b, _, theirs in pairs]
    if rows:
        connection.execute(schema.duplicate_pairs.insert(), rows)


def mark_done(connection: sa.Connection, versions: dict[str, datetime]) -> None:
    """Record the article versions ({id: updated_at}) just fingerprinted."""
    if versions:
        connection.execute(
            schema.duplicate_done.insert(), [{"article_id": a, "updated_at": u} for a, u in versions.items()]
        )


def paired_with(connection: sa.Connection, ids: list[str]) -> dict[str, dict[str, float]]:
    """{id: {other id: share of id's text found in other}} of the copy pairs of these articles."""
    found: dict[str, dict[str, float]] = {}
    for chunk in dialect.chunks(ids):
        query = sa.select(_PAIRS.article_id, _PAIRS.other_id, _PAIRS.share).where(
            dialect.among(connection, _PAIRS.article_id, chunk)
        )
        for row in connection.execute(query):
            found.setdefault(row.article_id, {})[row.other_id] = row.share
    return found


def order_keys(connection: sa.Connection, ids: list[str]) -> dict[str, tuple]:
    """{id: (published_at, source, guid)} of these articles, for deciding which of a group came first."""
    columns = schema.articles.c
    found = {}
    for chunk in dialect.chunks(ids):
        query = sa.select(columns.id, columns.published_at, columns.source, columns.guid).where(
            dialect.among(connection, columns.id, chunk)
        )
        found.update((row.id, (row.published_at, row.source, row.guid)) for row in connection.execute(query))
    return found


def decide(connection: sa.Connection, members: list[str], decisions: dict[str, tuple[str, float]]) -> None:
    """Make the decisions of these articles what decisions says ({repost id: (original id, share)});
    the members not in it are originals or stand alone."""
    for chunk in dialect.chunks(members):
        connection.execute(schema.duplicates.delete().where(dialect.among(connection, _DECIDED.article_id, chunk)))
    if decisions:
        rows = [{"article_id": a, "original_id": o, "share": s} for a, (o, s) in decisions.items()]
        connection.execute(schema.duplicates.insert(), rows)
    mark_reposts(connection, list(decisions), [m for m in members if m not in decisions])


def mark_reposts(connection: sa.Connection, reposts: list[str], others: list[str]) -> None:
    """Set the search marker (articles.repost) of these reposts and clear that of the others: search leaves the
    marked out. Only markers that change are written (on SQLite a change re-indexes the article's row)."""
    marker = schema.articles.c.repost
    for value, ids in ((True, reposts), (False, others)):
        for chunk in dialect.chunks(ids):
            changed = schema.articles.update().where(
                dialect.among(connection, schema.articles.c.id, chunk), marker != value
            )
            connection.execute(changed.values(repost=value))


def analyze(connection: sa.Connection) -> None:
    """Refresh the planner's statistics of the band keys (after many were added, PostgreSQL's stale ones
    scan 4M rows for a lookup, 400 ms, instead of the index, under 1 ms)."""
    connection.exec_driver_sql("ANALYZE duplicate_bands")


def clear(connection: sa.Connection) -> None:
    """Forget every fingerprint, pair and decision (reindex recomputes them all)."""
    for table in (schema.duplicates, schema.duplicate_pairs, schema.duplicate_bands, schema.duplicate_done):
        connection.execute(table.delete())
    connection.execute(schema.articles.update().where(schema.articles.c.repost).values(repost=False))


# reads: what pages, lists, export and other features ask


def original_of(connection: sa.Connection, ids: list[str]) -> dict[str, str]:
    """{id: the id of its group's original} for each of ids (an original or an article alone maps to itself)."""
    found = {i: i for i in ids}
    for chunk in dialect.chunks(ids):
        query = sa.select(_DECIDED.article_id, _DECIDED.original_id).where(
            dialect.among(connection, _DECIDED.article_id, chunk)
        )
        found.update(connection.execute(query).all())
    return found


def decision_of(connection: sa.Connection, article_id: str) -> tuple[str, float] | None:
    """(original id, share of this article's text found in it) of a repost; None for any other article."""
    query = sa.select(_DECIDED.original_id, _DECIDED.share).where(_DECIDED.article_id == article_id)
    row = connection.execute(query).first()
    return (row.original_id, row.share) if row else None


def reposts_of(connection: sa.Connection, original_id: str) -> list[tuple[str, float]]:
    """[(repost id, share)] of an original's reposts."""
    query = sa.select(_DECIDED.article_id, _DECIDED.share).where(_DECIDED.original_id == original_id)
    return [tuple(row) for row in connection.execute(query.order_by(_DECIDED.article_id))]


def duplicate_guids(connection: sa.Connection) -> dict[str, str]:
    """{repost guid: its original's guid} of every repost (export, evaluation)."""
    reposts, originals = schema.articles.alias("reposts"), schema.articles.alias("originals")
    query = (
        sa.select(reposts.c.guid, originals.c.guid.label("original"))
        .select_from(schema.duplicates)
        .join(reposts, reposts.c.id == _DECIDED.article_id)
        .join(originals, originals.c.id == _DECIDED.original_id)
    )
    return dict(connection.execute(query).all())


def reposts_among(connection: sa.Connection, ids: list[str]) -> set[str]:
    """Those of ids that are reposts (lists leave them out: one entry per group)."""
    found: set[str] = set()
    for chunk in dialect.chunks(ids):
        found.update(
            connection.execute(
                sa.select(_DECIDED.article_id).where(dialect.among(connection, _DECIDED.article_id, chunk))
            ).scalars()
        )
    return found
