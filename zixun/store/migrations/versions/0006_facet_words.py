"""Search filters as words of the SQLite index (facet_terms), and a publish-time index for newest first.

On SQLite the full-text index gains a fourth column, a virtual generated facet_terms of category,
source and publish month (zixun.search.backends says why), and is rebuilt; search_facets gains an index
on published_at. PostgreSQL is unchanged: its filters read the table that holds its tsvector.

Revision ID: 0006
Revises: 0005
"""
from alembic import op

from zixun.search import backends

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in backends.for_dialect(op.get_bind().dialect.name).create_facet_words_sql:
        op.execute(statement)


def downgrade() -> None:
    for statement in backends.for_dialect(op.get_bind().dialect.name).drop_facet_words_sql:
        op.execute(statement)
