"""share_clients: the last counted share of each client per article, and pruning indexes.

Shares were counted per POST, so one script could push an article up the hot list. A share now counts
once per client (a hash of its address) and article a day, and a client's counted shares are budgeted
per hour; share_clients keeps what those rules need. view_clients and share_clients gain an index on
counted_at, so rows older than their rule's window can be deleted in batches.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "share_clients",
        sa.Column("article_id", sa.String(16), primary_key=True),
        sa.Column("client", sa.String(40), primary_key=True),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_share_clients_counted_at", "share_clients", ["counted_at"])
    op.create_index("ix_share_clients_client", "share_clients", ["client", "counted_at"])
    op.create_index("ix_view_clients_counted_at", "view_clients", ["counted_at"])


def downgrade() -> None:
    op.drop_index("ix_view_clients_counted_at", "view_clients")
    op.drop_table("share_clients")  # its indexes go with it
