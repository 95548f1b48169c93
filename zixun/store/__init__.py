"""The article store: one SQLAlchemy engine on SQLite (default) or PostgreSQL, migrated on open."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the portal read while ingest writes; NORMAL sync is safe with WAL
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
    # the driver's own implicit BEGIN is turned off so that _sqlite_begin decides how transactions start
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection: sa.Connection) -> None:
    # A deferred transaction that reads and then writes cannot wait for another writer: SQLite fails it
    # at once with "database is locked". Writers therefore take the write lock at BEGIN (and wait up to
    # busy_timeout for it); readers start plain snapshots.
    immediate = connection.get_execution_options().get("zixun_writer", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


SQLITE_STATEMENTS = 32  # prepared statements sqlite3 keeps per connection


def create_engine(url: str) -> sa.Engine:
    """An engine for url, with SQLite tuned for one writer and many readers."""
    sqlite = url.startswith("sqlite")
    # sqlite3 keeps 128 prepared statements per connection by default; a statement with thousands of values in
    # an IN list (store.dialect.chunks) is a large program, so a pass that reads by id chunks held ~60 MB of them
    connect_args = {"cached_statements": SQLITE_STATEMENTS} if sqlite else {}
    engine = sa.create_engine(engine_url(url), future=True, pool_pre_ping=not sqlite, connect_args=connect_args)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
    tune_engine(engine)
    return engine


@contextmanager
def writing(engine: sa.Engine) -> Iterator[sa.Connection]:
    """One write transaction (committed on success): use it, not engine.begin(), for anything that writes."""
    with engine.connect().execution_options(zixun_writer=True) as connection, connection.begin():
        yield connection


# the advisory lock the derived stages take turns on, on PostgreSQL: a fixed number no other code uses, and the
# store's schema (stores in other schemas of one database do not wait for each other)
_DERIVED_TURN = sa.text("SELECT pg_advisory_xact_lock(74260914, hashtext(current_schema()))")


@contextmanager
def deriving(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A write transaction of a stage that derives data from stored articles (related lists, duplicates,
    stories): such transactions take turns across processes. Two crawlers or ingests on one PostgreSQL store
    both see the other's new articles as pending; one waits for the other's transaction, then sees it done
    (stages re-read what is still pending inside the transaction). SQLite's writers take turns already."""
    with writing(engine) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(_DERIVED_TURN)
        yield connection


def migrate(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the database schema up to revision with the Alembic migrations."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with writing(engine) as connection:
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
