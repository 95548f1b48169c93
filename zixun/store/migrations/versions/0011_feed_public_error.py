"""feeds.public_error: the coarse, safe reason a feed's last fetch failed, for the public /sources page
(last_error keeps the detail, such as the address a refused name resolved to, for the operator).

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feeds") as batch:
        batch.add_column(sa.Column("public_error", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("feeds") as batch:
        batch.drop_column("public_error")
