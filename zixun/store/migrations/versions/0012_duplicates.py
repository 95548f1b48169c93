"""Near-duplicates: MinHash band keys per article (an indexed lookup that works across processes and on
both backends), the verified copy pairs, each repost's original, and which article version was fingerprinted.

Existing articles keep their rows and get no fingerprint here: the next ingest's dedupe stage, or
`zixun reindex`, fingerprints every article that has none (duplicate_done is empty).

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "duplicate_bands",
        sa.Column("key", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("article_id", sa.String(16), primary_key=True),
    )
    op.create_index("ix_duplicate_bands_article", "duplicate_bands", ["article_id"])
    op.create_table(
        "duplicate_pairs",
        sa.Column("article_id", sa.String(16), primary_key=True),
        sa.Column("other_id", sa.String(16), primary_key=True),
        sa.Column("share", sa.Float, nullable=False),
    )
    op.create_table(
        "duplicates",
        sa.Column("article_id", sa.String(16), primary_key=True),
        sa.Column("original_id", sa.String(16), nullable=False),
        sa.Column("share", sa.Float, nullable=False),
    )
    op.create_index("ix_duplicates_original", "duplicates", ["original_id"])
    op.create_table(
        "duplicate_done",
        sa.Column("article_id", sa.String(16), primary_key=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("duplicate_done", "duplicates", "duplicate_pairs", "duplicate_bands"):
        op.drop_table(table)  # their indexes go with them
