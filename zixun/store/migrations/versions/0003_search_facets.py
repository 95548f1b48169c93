"""search_facets, the narrow side table searches filter and sort on (PostgreSQL moves tsv into it), and
an index for the exact-title lookup.

On both backends triggers on articles keep search_facets current; on PostgreSQL it also takes over the
tsvector and its GIN index from articles, so counting matches reads no article.

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# spelled out as this migration ran it: a migration is history and imports no live code
_CREATE = {
    "sqlite": (
        "CREATE TABLE search_facets (n INTEGER PRIMARY KEY, published_at DATETIME, category TEXT, source TEXT)",
        "INSERT INTO search_facets (n, published_at, category, source) "
        "SELECT n, published_at, category, source FROM articles",
        "CREATE TRIGGER search_facets_ai AFTER INSERT ON articles BEGIN "
        "INSERT INTO search_facets (n, published_at, category, source) "
        "VALUES (new.n, new.published_at, new.category, new.source); END",
        "CREATE TRIGGER search_facets_ad AFTER DELETE ON articles BEGIN DELETE FROM search_facets WHERE n = old.n; END",
        "CREATE TRIGGER search_facets_au AFTER UPDATE OF published_at, category, source ON articles BEGIN "
        "UPDATE search_facets SET published_at = new.published_at, category = new.category, source = new.source "
        "WHERE n = new.n; END",
        "CREATE INDEX ix_articles_title ON articles (title)",
    ),
    "postgresql": (
        "CREATE TABLE search_facets (n integer PRIMARY KEY, published_at timestamptz, category text, source text, "
        "tsv tsvector NOT NULL)",
        "INSERT INTO search_facets (n, published_at, category, source, tsv) "
        "SELECT n, published_at, category, source, tsv FROM articles",
        "CREATE INDEX ix_search_facets_tsv ON search_facets USING GIN (tsv)",
        # without statistics the planner takes every term for rare and always reaches for the GIN index; with
        # them it scans the table for a common term, reading each row's tsvector from TOAST (~10 µs a row, where
        # it assumes a hundredth of that): 35 ms turned into 400
        "ALTER TABLE search_facets ALTER COLUMN tsv SET STATISTICS 0",
        "ANALYZE search_facets",
        "DROP INDEX ix_articles_tsv",
        "ALTER TABLE articles DROP COLUMN tsv",
        "CREATE FUNCTION search_facets_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'DELETE' THEN DELETE FROM search_facets WHERE n = OLD.n; RETURN NULL; END IF; "
        "INSERT INTO search_facets (n, published_at, category, source, tsv) "
        "VALUES (NEW.n, NEW.published_at, NEW.category, NEW.source, "
        "setweight(to_tsvector('simple', NEW.title_terms), 'A') || "
        "setweight(to_tsvector('simple', NEW.body_terms), 'B') || "
        "setweight(to_tsvector('simple', NEW.sub_terms), 'C')) "
        "ON CONFLICT (n) DO UPDATE SET published_at = excluded.published_at, "
        "category = excluded.category, source = excluded.source, tsv = excluded.tsv; RETURN NULL; END $$",
        "CREATE TRIGGER search_facets_sync AFTER INSERT OR DELETE OR UPDATE OF published_at, category, source, "
        "title_terms, body_terms, sub_terms ON articles FOR EACH ROW EXECUTE FUNCTION search_facets_sync()",
        # hash, not btree: a btree entry is limited to about 2.7 kB and a title has no length limit
        "CREATE INDEX ix_articles_title ON articles USING hash (title)",
    ),
}
_DROP = {
    "sqlite": (
        "DROP INDEX ix_articles_title", "DROP TRIGGER search_facets_au", "DROP TRIGGER search_facets_ad",
        "DROP TRIGGER search_facets_ai", "DROP TABLE search_facets",
    ),
    "postgresql": (
        "DROP INDEX ix_articles_title", "DROP TRIGGER search_facets_sync ON articles",
        "DROP FUNCTION search_facets_sync()",
        # the tsvector goes back to articles, as migration 0001 made it
        "ALTER TABLE articles ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('simple', title_terms), 'A') || "
        "setweight(to_tsvector('simple', body_terms), 'B') || "
        "setweight(to_tsvector('simple', sub_terms), 'C')) STORED",
        "CREATE INDEX ix_articles_tsv ON articles USING GIN (tsv)",
        "DROP TABLE search_facets",
    ),
}


def upgrade() -> None:
    for statement in _CREATE[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in _DROP[op.get_bind().dialect.name]:
        op.execute(statement)
