"""Stories: articles about one event grouped at ingest (zixun/stories/), kept beside the articles.

stories holds one row per story of two or more articles (its headline, first article, time span, size,
distinct sources and when its membership last changed); story_members one row per member, with the time
its story lists it by, so a story's members are read in order from an index however many it has.
story_keys are the terms and names an article is found by (an indexed candidate lookup, as the band
keys of near-duplicates), story_links the scored pairs of articles found to tell of the same event, and
story_done the article version each was clustered as.

Existing stores keep their articles and get no stories here: the next ingest's stories stage, or
`zixun reindex`, clusters every article that has none (story_done is empty).

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("first_article_id", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("updated_at", sa.DateTime(timezone=True)),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sources", sa.Integer, nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "story_members",
        sa.Column("article_id", sa.String(16), primary_key=True),
        sa.Column("story_id", sa.Integer, nullable=False),
        sa.Column("listed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_story_members_story", "story_members", ["story_id", "listed_at", "article_id"])
    op.create_table(
        "story_keys",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("article_id", sa.String(16), primary_key=True),
    )
    op.create_index("ix_story_keys_article", "story_keys", ["article_id"])
    op.create_table(
        "story_links",
        sa.Column("article_id", sa.String(16), primary_key=True),
        sa.Column("other_id", sa.String(16), primary_key=True),
        sa.Column("score", sa.Float, nullable=False),
    )
    op.create_table(
        "story_done",
        sa.Column("article_id", sa.String(16), primary_key=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("story_done", "story_links", "story_keys", "story_members", "stories"):
        op.drop_table(table)  # their indexes go with them
