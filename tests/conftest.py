"""Shared fixtures: every storage test runs on SQLite (a temp file) and on the real PostgreSQL."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from zixun.settings import Settings
from zixun.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
POSTGRES_URL = os.environ.get("ZIXUN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _postgres_available() -> str | None:
    try:
        engine = sa.create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://"))
        with engine.connect():
            pass
        engine.dispose()
        return None
    except Exception as error:  # noqa: BLE001 - any failure to connect means "not available"
        return str(error).splitlines()[0]


def require_postgres() -> None:
    """Skip when PostgreSQL is down on a laptop; fail under CI=true, where it is required."""
    problem = _postgres_available()
    if problem:
        message = f"PostgreSQL at {POSTGRES_URL} is not reachable: {problem}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@contextmanager
def postgres_schema_url():
    """A URL on the test PostgreSQL whose search_path is a new, empty schema, dropped afterwards."""
    require_postgres()
    schema = f"zx_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://"))
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        # application_name tags this test's connections, so the cleanup below touches only them
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}&application_name={schema}"
    finally:
        with admin.begin() as connection:
            # a connection this test leaked (idle in transaction) would hold locks and hang the DROP
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :schema "
                    "AND state LIKE 'idle in transaction%'"
                ),
                {"schema": schema},
            )
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database URL: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'zixun.db'}"
        return
    with postgres_schema_url() as url:
        yield url


@pytest.fixture
def settings(db_url) -> Settings:
    """Settings pointing at the fresh database, single-process ingest for speed on small inputs."""
    return Settings(database_url=db_url, ingest_workers=1)


@pytest.fixture
def engine(settings):
    """The migrated store for the fresh database."""
    engine = open_store(settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def seed_page() -> Path:
    """The seed page of the mission (shared/examples), or its bundled copy when shared/ is absent."""
    shared = SHARED / "examples" / "000_f6158c14c33e115a.txt"
    return shared if shared.exists() else ROOT / "zixun" / "data" / "seed_page.txt"
