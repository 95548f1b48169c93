"""The article store: one SQLAlchemy engine on SQLite (default) or PostgreSQL, migrated on open."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from zixun.store.dialect import tune_engine

_MIGRATIONS = Path(__file__).with_name("migrations")


def engine_url(url: str) -> str:
    """Normalise a database URL: plain postgresql:// uses psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the portal read while ingest writes; NORMAL sync is safe with WAL
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def create_engine(url: str) -> sa.Engine:
    """An engine for url, with SQLite tuned for one writer and many readers."""
    engine = sa.create_engine(engine_url(url), future=True, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    tune_engine(engine)
    return engine


def migrate(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the database schema up to revision with the Alembic migrations."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def open_store(url: str) -> sa.Engine:
    """Connect to url and migrate it: a new SQLite file needs no set-up."""
    engine = create_engine(url)
    try:
        migrate(engine)
    except sa.exc.OperationalError as error:
        raise RuntimeError(f"cannot open database {url}: {error.orig}") from None
    return engine
