"""Search filters as words of the SQLite index (facet_terms), and a publish-time index for newest first.

On SQLite the full-text index gains a fourth column, facet_terms: a virtual generated column (computed
on read, nothing to write or keep in sync) holding c~<category>, s~<source> (UTF-8 in hex) and m~<year
and month of the publish time, UTC>. A category or source filter checked in search_facets costs a lookup
per match; as a word of the index it is one more list FTS5 intersects. '~' is a word character of this
index alone, so no word a reader types can match a facet word (zixun.search.backends.facet_word writes
the query side). The index is rebuilt, and search_facets gains an index on published_at. PostgreSQL is
unchanged: its filters read the table that holds its tsvector.

Revision ID: 0006
Revises: 0005
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# spelled out as this migration ran it: a migration is history and imports no live code
_DROP_FTS = (
    "DROP TRIGGER articles_fts_au", "DROP TRIGGER articles_fts_ad", "DROP TRIGGER articles_fts_ai",
    "DROP TABLE articles_fts",
)
_CREATE = {
    "sqlite": (
        *_DROP_FTS,
        "ALTER TABLE articles ADD COLUMN facet_terms TEXT GENERATED ALWAYS AS ("
        "'c~' || hex(coalesce(category, '')) || ' s~' || hex(coalesce(source, '')) || "
        "' m~' || coalesce(strftime('%Y%m', published_at), '')) VIRTUAL",
        "CREATE VIRTUAL TABLE articles_fts USING fts5(title_terms, body_terms, sub_terms, facet_terms, "
        "content='articles', content_rowid='n', tokenize='unicode61 remove_diacritics 2 tokenchars ''~''')",
        "CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN "
        "INSERT INTO articles_fts(rowid, title_terms, body_terms, sub_terms, facet_terms) "
        "VALUES (new.n, new.title_terms, new.body_terms, new.sub_terms, new.facet_terms); END",
        "CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN "
        "INSERT INTO articles_fts(articles_fts, rowid, title_terms, body_terms, sub_terms, facet_terms) "
        "VALUES ('delete', old.n, old.title_terms, old.body_terms, old.sub_terms, old.facet_terms); END",
        # facet_terms is generated: an update of what it is computed from re-indexes the row
        "CREATE TRIGGER articles_fts_au AFTER UPDATE OF title_terms, body_terms, sub_terms, published_at, category, "
        "source ON articles BEGIN "
        "INSERT INTO articles_fts(articles_fts, rowid, title_terms, body_terms, sub_terms, facet_terms) "
        "VALUES ('delete', old.n, old.title_terms, old.body_terms, old.sub_terms, old.facet_terms); "
        "INSERT INTO articles_fts(rowid, title_terms, body_terms, sub_terms, facet_terms) "
        "VALUES (new.n, new.title_terms, new.body_terms, new.sub_terms, new.facet_terms); END",
        "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
        # walked newest first, it finds a common word's newest matches without sorting all of them
        "CREATE INDEX ix_search_facets_published ON search_facets (published_at)",
    ),
    "postgresql": (),
}
_DROP = {
    "sqlite": (
        "DROP INDEX ix_search_facets_published",
        *_DROP_FTS,
        "ALTER TABLE articles DROP COLUMN facet_terms",
        # the index as migration 0001 made it
        "CREATE VIRTUAL TABLE articles_fts USING fts5(title_terms, body_terms, sub_terms, content='articles', "
        "content_rowid='n', tokenize='unicode61 remove_diacritics 2')",
        "CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN "
        "INSERT INTO articles_fts(rowid, title_terms, body_terms, sub_terms) "
        "VALUES (new.n, new.title_terms, new.body_terms, new.sub_terms); END",
        "CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN "
        "INSERT INTO articles_fts(articles_fts, rowid, title_terms, body_terms, sub_terms) "
        "VALUES ('delete', old.n, old.title_terms, old.body_terms, old.sub_terms); END",
        "CREATE TRIGGER articles_fts_au AFTER UPDATE OF title_terms, body_terms, sub_terms ON articles BEGIN "
        "INSERT INTO articles_fts(articles_fts, rowid, title_terms, body_terms, sub_terms) "
        "VALUES ('delete', old.n, old.title_terms, old.body_terms, old.sub_terms); "
        "INSERT INTO articles_fts(rowid, title_terms, body_terms, sub_terms) "
        "VALUES (new.n, new.title_terms, new.body_terms, new.sub_terms); END",
        "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
    ),
    "postgresql": (),
}


def upgrade() -> None:
    for statement in _CREATE[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in _DROP[op.get_bind().dialect.name]:
        op.execute(statement)
