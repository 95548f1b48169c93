"""Precomputed related lists, and engagement: counted views per client, hourly counters per article.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "related",
        sa.Column("article_id", sa.String(16), primary_key=True),
        sa.Column("rank", sa.Integer, primary_key=True),
        sa.Column("related_id", sa.String(16), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
    )
    op.create_table(
        "related_done",  # the article version (updated_at) each list was computed for
        sa.Column("article_id", sa.String(16), primary_key=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "view_clients",  # the last counted view of each client, for the one-per-hour rule
        sa.Column("article_id", sa.String(16), primary_key=True),
        sa.Column("client", sa.String(40), primary_key=True),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "engagement_hourly",
        sa.Column("article_id", sa.String(16), primary_key=True),
        sa.Column("hour", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("views", sa.Integer, nullable=False),
        sa.Column("comments", sa.Integer, nullable=False),
        sa.Column("shares", sa.Integer, nullable=False),
    )
    op.create_index("ix_engagement_hourly_hour", "engagement_hourly", ["hour"])


def downgrade() -> None:
    op.drop_index("ix_engagement_hourly_hour", "engagement_hourly")
    for table in ("engagement_hourly", "view_clients", "related_done", "related"):
        op.drop_table(table)
