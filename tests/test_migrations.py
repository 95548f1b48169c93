"""The migrations are frozen history: they import no live code, build what the models describe, and go down and up."""

import ast
import importlib
import pkgutil
import sys
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext

import zixun.store
from zixun.store import migrate, schema, writing

MIGRATIONS = Path(zixun.store.__file__).with_name("migrations")
# what a migration may import: Alembic's helpers, SQLAlchemy and the standard library, never zixun itself
# (a later edit of live code must not change what an old migration did)
ALLOWED_IMPORTS = {"alembic", "sqlalchemy"} | set(sys.stdlib_module_names)

# What the migrated database holds that the models rightly leave out, and why.
IGNORED_TABLES = {
    # SQLite: the FTS5 index and its shadow tables; queries name it with sa.table() in search.backends
    "articles_fts",
    "articles_fts_config",
    "articles_fts_data",
    "articles_fts_docsize",
    "articles_fts_idx",
}
IGNORED_COLUMNS = {
    # SQLite: the generated facet words (migration 0006), read only through the FTS5 index
    ("articles", "facet_terms"),
    # PostgreSQL: the tsvector a trigger fills (migration 0003); queries name it as literal SQL
    ("search_facets", "tsv"),
    # PostgreSQL: the copy of articles.repost a trigger keeps (migration 0013); queries name it as literal SQL
    ("search_facets", "repost"),
}
# SQLite: INTEGER PRIMARY KEY is the rowid and never NULL, but SQLite reports such a column nullable when
# its DDL (hand-written in migration 0003) does not say NOT NULL
IGNORED_NULLABLE = {("sqlite", "search_facets", "n")}


def _models() -> sa.MetaData:
    """Every table the code queries: schema.metadata (store modules are imported, so a table one of them added
    to it would be compared too; tests/test_layout.py keeps every table in schema.py)."""
    for module in pkgutil.iter_modules(zixun.store.__path__, "zixun.store."):
        importlib.import_module(module.name)
    models = sa.MetaData()
    for table in schema.metadata.tables.values():
        table.to_metadata(models)
    return models


def _include(obj, name, type_, reflected, compare_to) -> bool:
    if type_ == "table":
        return name not in IGNORED_TABLES
    if type_ == "column":
        return (obj.table.name, name) not in IGNORED_COLUMNS
    # an index no model declares serves the planner, not the queries: the migrations' alone; a declared one is compared
    return not (type_ == "index" and reflected and compare_to is None)


def _differences(engine: sa.Engine) -> list[tuple]:
    """How the database differs from the models: missing or extra tables and columns, types, nullability."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": _include})
        found = compare_metadata(context, _models())
    flat = [change for diff in found for change in (diff if isinstance(diff, list) else [diff])]
    return [
        change
        for change in flat
        if not (change[0] == "modify_nullable" and (engine.dialect.name, change[2], change[3]) in IGNORED_NULLABLE)
    ]


def _downgrade(engine: sa.Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with writing(engine) as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _schema(engine: sa.Engine) -> list[tuple]:
    """Every table, column, index, trigger and function of the database, as its DDL or catalog entry."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            return [
                tuple(row)
                for row in connection.exec_driver_sql("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
            ]
        return [
            tuple(row)
            for row in connection.exec_driver_sql(
                "SELECT 'column', table_name || '.' || column_name, data_type || ' ' || is_nullable || ' ' || "
                "coalesce(column_default, '') || coalesce(generation_expression, '') "
                "FROM information_schema.columns WHERE table_schema = current_schema() "
                "UNION ALL SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                "UNION ALL SELECT 'trigger', t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal "
                "AND c.relnamespace = current_schema()::regnamespace "
                "UNION ALL SELECT 'function', proname, prosrc FROM pg_proc "
                "WHERE pronamespace = current_schema()::regnamespace "
                "ORDER BY 1, 2"
            )
        ]


def test_no_migration_imports_live_code():
    files = sorted(MIGRATIONS.rglob("*.py"))
    assert any(f.parent.name == "versions" for f in files)
    imports = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                imports += [(path.name, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                imports.append((path.name, "." * node.level + (node.module or "")))
    assert imports
    assert [(name, module) for name, module in imports if module.split(".")[0] not in ALLOWED_IMPORTS] == []


def test_migrated_database_matches_the_models(engine):
    assert _differences(engine) == []


def test_a_missing_table_or_column_an_extra_column_and_a_changed_type_are_differences(engine):
    with writing(engine) as connection:
        connection.exec_driver_sql("DROP TABLE term_df")
        connection.exec_driver_sql("ALTER TABLE related DROP COLUMN score")
        connection.exec_driver_sql("ALTER TABLE related ADD COLUMN note TEXT")
        connection.exec_driver_sql("ALTER TABLE related_done DROP COLUMN updated_at")
        connection.exec_driver_sql("ALTER TABLE related_done ADD COLUMN updated_at TEXT NOT NULL DEFAULT ''")
    found = {
        (c[0], c[1].name) if c[0] == "add_table" else (c[0], c[2], getattr(c[3], "name", c[3]))
        for c in _differences(engine)
    }
    assert found == {
        ("add_table", "term_df"),
        ("add_column", "related", "score"),
        ("remove_column", "related", "note"),
        ("modify_type", "related_done", "updated_at"),
    }


def test_migrations_go_down_to_nothing_and_up_to_the_same_schema(engine):
    built = _schema(engine)
    _downgrade(engine, "base")
    left = _schema(engine)
    assert left and all("alembic_version" in " ".join(map(str, row)) for row in left)
    migrate(engine)
    assert _schema(engine) == built
