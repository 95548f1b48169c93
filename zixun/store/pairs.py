"""Tables of pairs kept both ways, a row (a, b) beside its row (b, a): the duplicate room's copy pairs
(duplicate_pairs) and the stories room's links (story_links)."""

from __future__ import annotations

import sqlalchemy as sa

from zixun.store.dialect import among, chunks


def forget_both_ways(connection: sa.Connection, table: sa.Table, ids: list[str]) -> set[str]:
    """Delete the pairs of these articles, both ways; the ids they were paired with. The other way's rows are
    found by their article (the primary key) among the ids just read, not by a scan of every row for other_id
    (which has no index: a scan per batch would grow with the store)."""
    paired: set[str] = set()
    columns = table.c
    for chunk in chunks(ids):
        others = sorted(
            connection.execute(
                sa.select(columns.other_id).where(among(connection, columns.article_id, chunk))
            ).scalars()
        )
        paired.update(others)
        connection.execute(table.delete().where(among(connection, columns.article_id, chunk)))
        for part in chunks(others):
            connection.execute(
                table.delete().where(
                    among(connection, columns.article_id, part), among(connection, columns.other_id, chunk)
                )
            )
    return paired
