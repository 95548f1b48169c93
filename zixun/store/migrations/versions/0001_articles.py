"""Articles, term document frequencies, and the full-text index of each backend.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# the full-text index of each backend, spelled out as this migration ran it: a migration is history and
# imports no live code (zixun.search.backends once built these statements)
_INDEX = {
    # an external-content FTS5 table over the articles' terms, kept current by triggers; unicode61 over
    # pre-segmented terms: the trigram tokenizer would miss 2-character words
    "sqlite": (
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
    ),
    # a generated tsvector, weighted title A, body B, sub-words C, with a GIN index
    "postgresql": (
        "ALTER TABLE articles ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('simple', title_terms), 'A') || "
        "setweight(to_tsvector('simple', body_terms), 'B') || "
        "setweight(to_tsvector('simple', sub_terms), 'C')) STORED",
        "CREATE INDEX ix_articles_tsv ON articles USING GIN (tsv)",
    ),
}
_DROP_INDEX = {
    "sqlite": (
        "DROP TRIGGER articles_fts_au", "DROP TRIGGER articles_fts_ad", "DROP TRIGGER articles_fts_ai",
        "DROP TABLE articles_fts",
    ),
    "postgresql": ("DROP INDEX ix_articles_tsv", "ALTER TABLE articles DROP COLUMN tsv"),
}


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("n", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(16), nullable=False, unique=True),
        sa.Column("guid", sa.Text, nullable=False, unique=True),
        sa.Column("url", sa.Text),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("author", sa.Text),
        sa.Column("source", sa.Text),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.Column("declared_original", sa.Boolean, nullable=False),
        sa.Column("category", sa.Text),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("keywords", sa.JSON, nullable=False),
        sa.Column("entities", sa.JSON, nullable=False),
        sa.Column("title_terms", sa.Text, nullable=False),
        sa.Column("body_terms", sa.Text, nullable=False),
        sa.Column("sub_terms", sa.Text, nullable=False),
        sa.Column("candidates", sa.JSON, nullable=False),
        sa.Column("content_hash", sa.String(40), nullable=False),
        sa.Column("views", sa.Integer, nullable=False),
        sa.Column("comments", sa.Integer, nullable=False),
        sa.Column("shares", sa.Integer, nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_articles_published_at", "articles", ["published_at"])
    op.create_index("ix_articles_category", "articles", ["category", "published_at"])
    op.create_index("ix_articles_source", "articles", ["source"])
    op.create_index("ix_articles_author", "articles", ["author"])
    op.create_table(
        "term_df",
        sa.Column("term", sa.Text, primary_key=True),
        sa.Column("df", sa.Integer, nullable=False),
    )
    for statement in _INDEX[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in _DROP_INDEX[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_table("term_df")
    op.drop_table("articles")
