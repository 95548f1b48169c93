"""extraction_confidence: how sure the HTML extractor was that it took the article (0-1), per article.

Pages are read by choosing between candidate blocks (zixun/ingest/candidates.py); the confidence of that
choice is kept so that `zixun export` can show it and doubtful extractions can be found again. NULL for
articles that did not come from an HTML page (JSONL, feeds, text dumps) or were stored before this column.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("extraction_confidence", sa.Float))


def downgrade() -> None:
    op.drop_column("articles", "extraction_confidence")
