"""Table definitions for SQLAlchemy Core queries. The database itself is built by the migrations."""

from __future__ import annotations

from datetime import UTC

import sqlalchemy as sa


class UTCDateTime(sa.TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on both backends (SQLite keeps no offset)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError(f"naive datetime {value} would be stored without its time zone")
        return value.astimezone(UTC).replace(tzinfo=None) if value is not None and dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = sa.MetaData()

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("n", sa.Integer, primary_key=True, autoincrement=True),  # rowid the FTS index points at
    sa.Column("id", sa.String(16), nullable=False, unique=True),
    sa.Column("guid", sa.Text, nullable=False, unique=True),
    sa.Column("url", sa.Text),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("author", sa.Text),
    sa.Column("source", sa.Text),
    sa.Column("published_at", UTCDateTime()),
    sa.Column("declared_original", sa.Boolean, nullable=False, default=False),
    sa.Column("category", sa.Text),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("summary", sa.Text, nullable=False, default=""),
    sa.Column("keywords", sa.JSON, nullable=False),
    sa.Column("entities", sa.JSON, nullable=False),
    sa.Column("title_terms", sa.Text, nullable=False),
    sa.Column("body_terms", sa.Text, nullable=False),
    sa.Column("sub_terms", sa.Text, nullable=False),
    sa.Column("candidates", sa.JSON, nullable=False),  # keyword-candidate counts, so df can be undone
    sa.Column("content_hash", sa.String(40), nullable=False),
    sa.Column("ingested_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Column("extraction_confidence", sa.Float),  # 0-1 for an HTML page's body choice, else NULL (migration 0008)
    # whether the article is a repost (has a row in duplicates), kept by store/duplicates.mark_reposts for search
    # to leave reposts out cheaply: a word of the SQLite index, a column of search_facets on PostgreSQL (0013)
    sa.Column("repost", sa.Boolean, nullable=False, default=False),
)

# what readers add to an article, one narrow row per article (written with it): counting a view
# does not rewrite the article's text
article_counters = sa.Table(
    "article_counters",
    metadata,
    sa.Column("article_id", sa.String(16), primary_key=True),  # articles.id
    sa.Column("views", sa.Integer, nullable=False, default=0),
    sa.Column("comments", sa.Integer, nullable=False, default=0),
    sa.Column("shares", sa.Integer, nullable=False, default=0),
)
COUNTERS = ("views", "comments", "shares")

# document frequency of each keyword candidate, for TF-IDF with IDF from the corpus itself
term_df = sa.Table(
    "term_df",
    metadata,
    sa.Column("term", sa.Text, primary_key=True),
    sa.Column("df", sa.Integer, nullable=False),
)

# engagement (store/engagement.py): counts in hourly buckets per article, so the hot list can sum any window
engagement_hourly = sa.Table(
    "engagement_hourly",
    metadata,
    sa.Column("article_id", sa.String(16), primary_key=True),
    sa.Column("hour", UTCDateTime(), primary_key=True),
    sa.Column("views", sa.Integer, nullable=False),
    sa.Column("comments", sa.Integer, nullable=False),
    sa.Column("shares", sa.Integer, nullable=False),
    sa.Index("ix_engagement_hourly_hour", "hour"),
)

# the last counted view and share of each client (a hash of its address) per article, for the repeat
# rules; rows older than a rule's window say nothing and are pruned (engagement.prune_clients)
view_clients = sa.Table(
    "view_clients",
    metadata,
    sa.Column("article_id", sa.String(16), primary_key=True),
    sa.Column("client", sa.String(40), primary_key=True),
    sa.Column("counted_at", UTCDateTime(), nullable=False),
    sa.Index("ix_view_clients_counted_at", "counted_at"),
)
share_clients = sa.Table(
    "share_clients",
    metadata,
    sa.Column("article_id", sa.String(16), primary_key=True),
    sa.Column("client", sa.String(40), primary_key=True),
    sa.Column("counted_at", UTCDateTime(), nullable=False),
    sa.Index("ix_share_clients_counted_at", "counted_at"),
    sa.Index("ix_share_clients_client", "client", "counted_at"),  # a client's shares of the last hour
)

# each article's related articles (相关内容), best first, and the article version each list was computed for
related = sa.Table(
    "related",
    metadata,
    sa.Column("article_id", sa.String(16), primary_key=True),
    sa.Column("rank", sa.Integer, primary_key=True),
    sa.Column("related_id", sa.String(16), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
)
related_done = sa.Table(
    "related_done",
    metadata,
    sa.Column("article_id", sa.String(16), primary_key=True),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)

# the columns a search filters and sorts on, kept narrow and current by triggers (migration 0003); on
# PostgreSQL it also holds the tsvector (not modelled here: only the search backend's SQL reads it)
search_facets = sa.Table(
    "search_facets",
    metadata,
    sa.Column("n", sa.Integer, primary_key=True),  # articles.n
    sa.Column("published_at", UTCDateTime()),
    sa.Column("category", sa.Text),
    sa.Column("source", sa.Text),
)

# the people, places and organisations each article names (its entities, aliases merged), one row each:
# an entity page lists the articles of (kind, name); rewritten with the article (store/mentions.py)
entity_mentions = sa.Table(
    "entity_mentions",
    metadata,
    sa.Column("kind", sa.String(8), primary_key=True),  # people, places, orgs
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("article_id", sa.String(16), primary_key=True),  # articles.id
    # an article's rows (replaced with it), and the names of a window's articles counted from the index (0015)
    sa.Index("ix_entity_mentions_by_article", "article_id", "kind", "name"),
)

# the sources a crawler polls (store/feeds.py): the schedule lives here so several crawlers share it (a
# claim sets lease_owner/lease_until), with each feed's conditional-GET validators and last status
feeds = sa.Table(
    "feeds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("url", sa.Text, nullable=False, unique=True),
    sa.Column("category", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("added_at", UTCDateTime(), nullable=False),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("next_fetch_at", UTCDateTime(), nullable=False),
    sa.Column("interval_seconds", sa.Integer, nullable=False),
    sa.Column("failures", sa.Integer, nullable=False, default=0),
    sa.Column("fetches", sa.Integer, nullable=False, default=0),
    sa.Column("last_fetch_at", UTCDateTime()),
    sa.Column("last_status", sa.Integer),
    sa.Column("last_new", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("public_error", sa.Text),  # the coarse reason the public /sources page shows (never an address)
    sa.Column("last_note", sa.Text),
    sa.Column("lease_owner", sa.Text),
    sa.Column("lease_until", UTCDateTime()),
    sa.Index("ix_feeds_next_fetch_at", "next_fetch_at"),
)

# near-duplicates (store/duplicates.py, zixun/dedup/): each fingerprinted article's MinHash band keys, looked
# up by key (an article's candidates are the articles sharing a band); the verified copy pairs (share: of
# article_id's compared text, the part found in other_id), and the decision of each repost: its group's
# original. duplicate_done holds the article version each fingerprint was made of.
duplicate_bands = sa.Table(
    "duplicate_bands",
    metadata,
    sa.Column("key", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("article_id", sa.String(16), primary_key=True),  # articles.id
    sa.Index("ix_duplicate_bands_article", "article_id"),
)
duplicate_pairs = sa.Table(
    "duplicate_pairs",
    metadata,
    sa.Column("article_id", sa.String(16), primary_key=True),
    sa.Column("other_id", sa.String(16), primary_key=True),
    sa.Column("share", sa.Float, nullable=False),
)
duplicates = sa.Table(
    "duplicates",
    metadata,
    sa.Column("article_id", sa.String(16), primary_key=True),  # a repost
    sa.Column("original_id", sa.String(16), nullable=False),  # its group's original
    sa.Column("share", sa.Float, nullable=False),  # of the repost's text, the part found in the original
    sa.Index("ix_duplicates_original", "original_id"),
)
duplicate_done = sa.Table(
    "duplicate_done",
    metadata,
    sa.Column("article_id", sa.String(16), primary_key=True),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)

# stories (store/stories.py, zixun/stories/): articles about one event. A story is stored only when it has two
# or more members; story_members.listed_at is a member's publish time (else when it was stored), the order a
# story lists its members in, read from the index. story_keys are the terms and names an article is found by
# (candidate lookup by key), story_links the scored pairs found to tell of one event, story_done the article
# version each was clustered as (migration 0014).
stories = sa.Table(
    "stories",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("first_article_id", sa.String(16), nullable=False),  # articles.id
    sa.Column("started_at", UTCDateTime()),
    sa.Column("updated_at", UTCDateTime()),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("sources", sa.Integer, nullable=False),
    sa.Column("decided_at", UTCDateTime(), nullable=False),
    sa.Index("ix_stories_updated_at", "updated_at"),  # the stories index, latest development first (0015)
)
story_members = sa.Table(
    "story_members",
    metadata,
    sa.Column("article_id", sa.String(16), primary_key=True),  # articles.id
    sa.Column("story_id", sa.Integer, nullable=False),
    sa.Column("listed_at", UTCDateTime(), nullable=False),
    sa.Index("ix_story_members_story", "story_id", "listed_at", "article_id"),
)
story_keys = sa.Table(
    "story_keys",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("article_id", sa.String(16), primary_key=True),
    sa.Index("ix_story_keys_article", "article_id"),
)
story_links = sa.Table(
    "story_links",
    metadata,
    sa.Column("article_id", sa.String(16), primary_key=True),
    sa.Column("other_id", sa.String(16), primary_key=True),
    sa.Column("score", sa.Float, nullable=False),
)
story_done = sa.Table(
    "story_done",
    metadata,
    sa.Column("article_id", sa.String(16), primary_key=True),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)
