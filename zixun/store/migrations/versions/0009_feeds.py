"""feeds: the sources a crawler polls, their schedule (shared by every crawler process) and their status.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("url", sa.Text, nullable=False, unique=True),
        sa.Column("category", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("next_fetch_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("interval_seconds", sa.Integer, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("fetches", sa.Integer, nullable=False),
        sa.Column("last_fetch_at", sa.DateTime(timezone=True)),
        sa.Column("last_status", sa.Integer),
        sa.Column("last_new", sa.Integer),
        sa.Column("last_error", sa.Text),
        sa.Column("last_note", sa.Text),
        sa.Column("lease_owner", sa.Text),
        sa.Column("lease_until", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_feeds_next_fetch_at", "feeds", ["next_fetch_at"])


def downgrade() -> None:
    op.drop_table("feeds")
