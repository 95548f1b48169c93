"""Facets of the stored articles: the categories and sources there are, with how many articles each."""

from __future__ import annotations

import sqlalchemy as sa

from zixun.store import schema


def _counts(connection: sa.Connection, column: sa.Column) -> list[tuple[str, int]]:
    n = sa.func.count().label("n")
    query = sa.select(column, n).where(column.is_not(None)).group_by(column).order_by(n.desc(), column)
    return [(row[0], row[1]) for row in connection.execute(query)]


def categories(connection: sa.Connection) -> list[tuple[str, int]]:
    """(category, article count), the largest first."""
    return _counts(connection, schema.articles.c.category)


def sources(connection: sa.Connection) -> list[tuple[str, int]]:
    """(source, article count), the largest first."""
    return _counts(connection, schema.articles.c.source)
