"""articles.repost: an indexed marker of reposts (articles with a row in duplicates), so a search shows one
entry per duplicate group at the cost of one more word of the index, not a lookup per match.

The dedupe stage keeps articles.repost (store/duplicates.mark_reposts, whenever a group is decided again).
On SQLite the generated facet words (migration 0006) gain r~ for a repost, which a search excludes with
FTS5's NOT: a list of the reposts alone, merged with the matches. On PostgreSQL search_facets, which holds
the tsvector, gains a copy of the marker kept by a trigger, so a search checks it on the row it reads
anyway. Existing stores keep their articles; their reposts are marked from duplicates here.

Revision ID: 0013
Revises: 0012
"""
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# spelled out as this migration ran it: a migration is history and imports no live code
_FACETS = (
    "'c~' || hex(coalesce(category, '')) || ' s~' || hex(coalesce(source, '')) || "
    "' m~' || coalesce(strftime('%Y%m', published_at), '')"
)
_DROP_FTS = (
    "DROP TRIGGER articles_fts_au", "DROP TRIGGER articles_fts_ad", "DROP TRIGGER articles_fts_ai",
    "DROP TABLE articles_fts", "ALTER TABLE articles DROP COLUMN facet_terms",
)


def _fts(watched: str, facets: str) -> tuple[str, ...]:
    """The FTS5 index over articles and its triggers, as migration 0006 made them, with these facet words and
    the update trigger watching these columns."""
    columns = "title_terms, body_terms, sub_terms, facet_terms"
    old = "old.n, old.title_terms, old.body_terms, old.sub_terms, old.facet_terms"
    new = "new.n, new.title_terms, new.body_terms, new.sub_terms, new.facet_terms"
    return (
        f"ALTER TABLE articles ADD COLUMN facet_terms TEXT GENERATED ALWAYS AS ({facets}) VIRTUAL",
        f"CREATE VIRTUAL TABLE articles_fts USING fts5({columns}, "
        "content='articles', content_rowid='n', tokenize='unicode61 remove_diacritics 2 tokenchars ''~''')",
        f"CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN "
        f"INSERT INTO articles_fts(rowid, {columns}) VALUES ({new}); END",
        f"CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN "
        f"INSERT INTO articles_fts(articles_fts, rowid, {columns}) VALUES ('delete', {old}); END",
        f"CREATE TRIGGER articles_fts_au AFTER UPDATE OF {watched} ON articles BEGIN "
        f"INSERT INTO articles_fts(articles_fts, rowid, {columns}) VALUES ('delete', {old}); "
        f"INSERT INTO articles_fts(rowid, {columns}) VALUES ({new}); END",
        "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
    )


_WATCHED = "title_terms, body_terms, sub_terms, published_at, category, source"
_MARK = "UPDATE articles SET repost = TRUE WHERE id IN (SELECT article_id FROM duplicates)"


def _sync(repost: bool) -> str:
    """PostgreSQL's search_facets_sync (migration 0003), copying the marker too when repost."""
    columns = "n, published_at, category, source, tsv" + (", repost" if repost else "")
    marker = ", NEW.repost" if repost else ""
    kept = ", repost = excluded.repost" if repost else ""
    return (
        "CREATE OR REPLACE FUNCTION search_facets_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'DELETE' THEN DELETE FROM search_facets WHERE n = OLD.n; RETURN NULL; END IF; "
        f"INSERT INTO search_facets ({columns}) "
        "VALUES (NEW.n, NEW.published_at, NEW.category, NEW.source, "
        "setweight(to_tsvector('simple', NEW.title_terms), 'A') || "
        "setweight(to_tsvector('simple', NEW.body_terms), 'B') || "
        f"setweight(to_tsvector('simple', NEW.sub_terms), 'C'){marker}) "
        "ON CONFLICT (n) DO UPDATE SET published_at = excluded.published_at, "
        f"category = excluded.category, source = excluded.source, tsv = excluded.tsv{kept}; RETURN NULL; END $$"
    )


_CREATE = {
    "sqlite": (
        *_DROP_FTS,
        "ALTER TABLE articles ADD COLUMN repost BOOLEAN NOT NULL DEFAULT 0",
        _MARK,
        # the update trigger re-indexes an article whose marker changed (a row of the reposts' short list)
        *_fts(f"{_WATCHED}, repost", f"{_FACETS} || CASE WHEN repost THEN ' r~' ELSE '' END"),
    ),
    "postgresql": (
        "ALTER TABLE articles ADD COLUMN repost boolean NOT NULL DEFAULT false",
        "ALTER TABLE search_facets ADD COLUMN repost boolean NOT NULL DEFAULT false",
        _MARK,
        "UPDATE search_facets SET repost = TRUE WHERE n IN (SELECT n FROM articles WHERE repost)",
        _sync(repost=True),
        # a marker change copies the marker alone (the sync trigger would compute the tsvector again)
        "CREATE FUNCTION search_facets_repost() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "UPDATE search_facets SET repost = NEW.repost WHERE n = NEW.n; RETURN NULL; END $$",
        "CREATE TRIGGER search_facets_repost AFTER UPDATE OF repost ON articles FOR EACH ROW "
        "WHEN (OLD.repost IS DISTINCT FROM NEW.repost) EXECUTE FUNCTION search_facets_repost()",
    ),
}
_DROP = {
    "sqlite": (
        *_DROP_FTS,
        "ALTER TABLE articles DROP COLUMN repost",
        *_fts(_WATCHED, _FACETS),  # as migration 0006 left them
    ),
    "postgresql": (
        "DROP TRIGGER search_facets_repost ON articles",
        "DROP FUNCTION search_facets_repost()",
        _sync(repost=False),  # as migration 0003 made it
        "ALTER TABLE search_facets DROP COLUMN repost",
        "ALTER TABLE articles DROP COLUMN repost",
    ),
}


def upgrade() -> None:
    for statement in _CREATE[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in _DROP[op.get_bind().dialect.name]:
        op.execute(statement)
