"""search_facets, the narrow side table searches filter and sort on (PostgreSQL moves tsv into it), and
an index for the exact-title lookup.

Revision ID: 0003
Revises: 0002
"""
from alembic import op

from zixun.search import backends

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in backends.for_dialect(op.get_bind().dialect.name).create_facets_sql:
        op.execute(statement)


def downgrade() -> None:
    for statement in backends.for_dialect(op.get_bind().dialect.name).drop_facets_sql:
        op.execute(statement)
