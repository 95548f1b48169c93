"""Articles, term document frequencies, and the full-text index of each backend.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

from zixun.search import backends

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


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
    for statement in backends.for_dialect(op.get_bind().dialect.name).create_index_sql:
        op.execute(statement)


def downgrade() -> None:
    for statement in backends.for_dialect(op.get_bind().dialect.name).drop_index_sql:
        op.execute(statement)
    op.drop_table("term_df")
    op.drop_table("articles")
