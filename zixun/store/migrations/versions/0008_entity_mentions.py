"""entity_mentions: which articles name which people, places and organisations, for entity pages.

One row per (kind, name, article): the primary key leads with (kind, name), so an entity page finds its
articles by the key; an index on article_id lets an updated article's rows be replaced. Filled from the
articles' stored entities lists (as extracted when they were ingested); `zixun reindex` recomputes them
with the current extractor and alias table.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# spelled out as this migration ran it: a migration is history and imports no live code
_FILL = {
    "sqlite": (
        "INSERT OR IGNORE INTO entity_mentions (kind, name, article_id) "
        "SELECT kinds.kind, names.value, articles.id FROM articles "
        "JOIN (SELECT 'people' AS kind UNION ALL SELECT 'places' UNION ALL SELECT 'orgs') AS kinds "
        "JOIN json_each(articles.entities, '$.' || kinds.kind) AS names "
        "WHERE json_valid(articles.entities) AND names.type = 'text'"
    ),
    "postgresql": (
        "INSERT INTO entity_mentions (kind, name, article_id) "
        "SELECT DISTINCT kinds.kind, names.value, articles.id FROM articles "
        "CROSS JOIN (VALUES ('people'), ('places'), ('orgs')) AS kinds (kind) "
        "CROSS JOIN LATERAL json_array_elements_text(CASE WHEN json_typeof(articles.entities -> kinds.kind) = "
        "'array' THEN articles.entities -> kinds.kind ELSE '[]'::json END) AS names (value) "
        "ON CONFLICT DO NOTHING"
    ),
}


def upgrade() -> None:
    op.create_table(
        "entity_mentions",
        sa.Column("kind", sa.String(8), primary_key=True),
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("article_id", sa.String(16), primary_key=True),
    )
    op.create_index("ix_entity_mentions_article", "entity_mentions", ["article_id"])
    connection = op.get_bind()
    connection.exec_driver_sql(_FILL[connection.dialect.name])


def downgrade() -> None:
    op.drop_table("entity_mentions")  # its index goes with it
