"""What SQLAlchemy Core does not absorb between SQLite and PostgreSQL, other than search."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

T = TypeVar("T")
_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
BOUND = 5000  # values sent in one IN (...): stays under SQLite's bound-parameter limit (32,766)
MANY = 100  # values from which SQLite's IN is sent as one JSON array (among)


def chunks(values: Sequence[T], size: int = BOUND) -> Iterator[Sequence[T]]:
    """values in slices of size, in order: each one fits a statement's IN (...) on either backend."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def among(connection: sa.Connection, column: sa.ColumnElement, values: Iterable) -> sa.ColumnElement[bool]:
    """column IN values: on PostgreSQL `column = ANY(array)`, one parameter however many values (an IN of
    BOUND values is BOUND parameters to render, convert and parse: 42 against 15 ms for 5,000 ids); on SQLite,
    for more than MANY values, `column IN (SELECT value FROM json_each(array))`, one parameter too (the values are
    ids, terms and numbers; a page's few values keep the plain IN and its plans)."""
    if connection.dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, list(values), type_=postgresql.ARRAY(column.type)))
    values = list(values)
    if len(values) <= MANY:
        return column.in_(values)
    listed = sa.func.json_each(sa.bindparam(None, json.dumps(values, ensure_ascii=False), type_=sa.String))
    return column.in_(sa.select(sa.column("value")).select_from(listed))


def unindexed(connection: sa.Connection, column: sa.ColumnElement) -> sa.ColumnElement:
    """column in a form SQLite's planner can find by no index (`column || ''`), so that it takes the index the
    rest of a condition names; the column itself on PostgreSQL, whose statistics choose well (and misjudge the
    expression's rows)."""
    return column if connection.dialect.name == "postgresql" else column.concat("")


def tune_engine(engine: sa.Engine) -> None:
    """Engine settings that make bulk writes fast."""
    # SQLite: executemany INSERTs become multi-row VALUES pages, one statement step per page; row by row
    # the driver takes the GIL back after each one, and waits for a GIL switch when another Python thread
    # is busy (15x slower in a test). PostgreSQL: psycopg's own executemany pipelines the rows (no round
    # trip each) with half the client time of those pages (bench/ingest: 1.7 s against 3.4 s)
    engine.dialect.use_insertmanyvalues_wo_returning = engine.dialect.name == "sqlite"


def add_counts(connection: sa.Connection, table: sa.Table, key: str | list[str], column: str, rows: list[dict]) -> None:
    """Upsert rows that add to a counter column: INSERT ... ON CONFLICT (key) DO UPDATE col = col + new."""
    if not rows:
        return
    insert = _INSERTS[connection.dialect.name](table)
    keys = [key] if isinstance(key, str) else key
    statement = insert.on_conflict_do_update(
        index_elements=[table.c[k] for k in keys], set_={column: table.c[column] + insert.excluded[column]}
    )
    connection.execute(statement, rows)


def add_counts_by_key(
    connection: sa.Connection,
    table: sa.Table,
    key: str,
    column: str,
    counts: dict[str, int],
) -> None:
    """add_counts for a table keyed by one text column, the {key: count} map sent as one JSON document.

    The database unpacks it (json_each on both backends): one statement instead of a row each, 2-4x faster.
    """
    if not counts:
        return
    pairs = sa.func.json_each(sa.bindparam("counts", counts, type_=sa.JSON)).table_valued("key", "value")
    count = sa.cast(sa.cast(pairs.c.value, sa.Text), sa.Integer)  # PostgreSQL's value is json, SQLite's a number
    insert = _INSERTS[connection.dialect.name](table)
    # SQLite needs the WHERE to read ON CONFLICT as the upsert, not as a join constraint
    rows = sa.select(pairs.c.key, count).where(sa.true())
    connection.execute(
        insert.from_select([key, column], rows).on_conflict_do_update(
            index_elements=[table.c[key]], set_={column: table.c[column] + insert.excluded[column]}
        )
    )


def insert_new(connection: sa.Connection, table: sa.Table, keys: list[str], rows: list[dict]) -> list[sa.Row]:
    """Insert the rows whose keys are not stored yet (INSERT ... ON CONFLICT DO NOTHING); the keys inserted."""
    if not rows:
        return []
    insert = _INSERTS[connection.dialect.name](table)
    statement = insert.on_conflict_do_nothing(index_elements=[table.c[k] for k in keys])
    return connection.execute(statement.returning(*(table.c[k] for k in keys)), rows).all()


def insert_many(connection: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    """Insert many plain rows (no conflicts, nothing returned, values the driver takes as they are: no type
    processing) fast: PostgreSQL's COPY, on the transaction's own connection (its executemany sends the
    rows one by one: 7x slower for band keys); sqlite3's executemany on the same connection."""
    if not rows:
        return
    columns = list(rows[0])
    if connection.dialect.name != "postgresql":
        # sqlite3's own executemany: SQLAlchemy's per-row parameter processing cost more than the inserts
        marks = ", ".join("?" * len(columns))
        statement = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
        connection.connection.cursor().executemany(statement, [tuple(row[c] for c in columns) for row in rows])
        return
    cursor = connection.connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])
