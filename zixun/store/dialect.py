"""What SQLAlchemy Core does not absorb between SQLite and PostgreSQL, other than search."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def tune_engine(engine: sa.Engine) -> None:
    """Per-backend engine settings that make bulk writes fast."""
    if engine.dialect.name == "postgresql":
        # executemany INSERTs become multi-row VALUES pages (1 round trip per 1,000 rows, not per row)
        engine.dialect.use_insertmanyvalues_wo_returning = True


def add_counts(connection: sa.Connection, table: sa.Table, key: str, column: str, rows: list[dict]) -> None:
    """Upsert rows that add to a counter column: INSERT ... ON CONFLICT (key) DO UPDATE col = col + new."""
    if not rows:
        return
    insert = _INSERTS[connection.dialect.name](table)
    statement = insert.on_conflict_do_update(
        index_elements=[table.c[key]], set_={column: table.c[column] + insert.excluded[column]}
    )
    connection.execute(statement, rows)
