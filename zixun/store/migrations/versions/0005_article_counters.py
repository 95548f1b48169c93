"""article_counters: an article's views, comments and shares move out of the wide articles row.

A counted page view rewrote the whole article row (its text and index terms too): on SQLite that is
several overflow pages per view, on PostgreSQL a new version of the row. The counters now live in a
narrow table with one row per article, written with the article and counted into by engagement.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_COUNTERS = ("views", "comments", "shares")


def upgrade() -> None:
    op.create_table(
        "article_counters",
        sa.Column("article_id", sa.String(16), primary_key=True),
        *(sa.Column(name, sa.Integer, nullable=False, server_default="0") for name in _COUNTERS),
    )
    op.execute("INSERT INTO article_counters (article_id, views, comments, shares) "
               "SELECT id, views, comments, shares FROM articles")
    for name in _COUNTERS:
        op.drop_column("articles", name)


def downgrade() -> None:
    for name in _COUNTERS:
        op.add_column("articles", sa.Column(name, sa.Integer, nullable=False, server_default="0"))
    for name in _COUNTERS:
        op.execute(f"UPDATE articles SET {name} = (SELECT c.{name} FROM article_counters c WHERE c.article_id = articles.id)")
    op.drop_table("article_counters")
