"""Indexes for the stories index (/stories) and the people, places and organisations in the news (/entities).

stories.updated_at: the stories of a window, latest development first, read as one index range however many
stories are stored. entity_mentions by (article_id, kind, name) in place of article_id alone: the names the
articles of a window give are counted from the index (its articles found by publish time), not by reading every
mention of a kind; replacing an article's rows still finds them by its id, the index's first column.

Existing stores keep everything; the indexes are built from the rows they hold.

Revision ID: 0015
Revises: 0014
"""
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_stories_updated_at", "stories", ["updated_at"])
    op.create_index("ix_entity_mentions_by_article", "entity_mentions", ["article_id", "kind", "name"])
    op.drop_index("ix_entity_mentions_article", table_name="entity_mentions")


def downgrade() -> None:
    op.create_index("ix_entity_mentions_article", "entity_mentions", ["article_id"])
    op.drop_index("ix_entity_mentions_by_article", table_name="entity_mentions")
    op.drop_index("ix_stories_updated_at", table_name="stories")
