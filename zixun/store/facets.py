"""Facets of the stored articles: the categories and sources there are, with how many entries each lists."""

from __future__ import annotations

import sqlalchemy as sa

from zixun.store import schema


def _counts(connection: sa.Connection, column: sa.Column, *where: sa.ColumnElement) -> list[tuple[str, int]]:
    n = sa.func.count().label("n")
    query = sa.select(column, n).where(column.is_not(None), *where).group_by(column).order_by(n.desc(), column)
    return [(row[0], row[1]) for row in connection.execute(query)]


def categories(connection: sa.Connection) -> list[tuple[str, int]]:
    """(category, count of its duplicate groups), the largest first: a category's list shows one entry per
    group, its original (reposts, articles.repost, are not counted)."""
    return _counts(connection, schema.articles.c.category, ~schema.articles.c.repost)


def sources(connection: sa.Connection) -> list[tuple[str, int]]:
    """(source, article count), the largest first (a source's own list shows its reposts too)."""
    return _counts(connection, schema.articles.c.source)
