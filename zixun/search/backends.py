"""The one place where the two search backends differ: SQLite FTS5 and PostgreSQL tsvector + GIN.

Both index the same space-separated terms from zixun.text.segment, so they match the same set.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sqlalchemy as sa

# title matters most, then body, then sub-words of long words (人民 inside 中华人民共和国)
TITLE_WEIGHT, BODY_WEIGHT, SUB_WEIGHT = 10.0, 1.0, 0.3

_FTS5_COLUMNS = "title_terms, body_terms, sub_terms"
_FTS5_NEW = "new.n, new.title_terms, new.body_terms, new.sub_terms"
_FTS5_OLD = "'delete', old.n, old.title_terms, old.body_terms, old.sub_terms"

SQLITE_CREATE = (
    # unicode61 over pre-segmented terms: the trigram tokenizer would miss 2-character words
    f"CREATE VIRTUAL TABLE articles_fts USING fts5({_FTS5_COLUMNS}, content='articles', "
    "content_rowid='n', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN "
    f"INSERT INTO articles_fts(rowid, {_FTS5_COLUMNS}) VALUES ({_FTS5_NEW}); END",
    f"CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN "
    f"INSERT INTO articles_fts(articles_fts, rowid, {_FTS5_COLUMNS}) VALUES ({_FTS5_OLD}); END",
    f"CREATE TRIGGER articles_fts_au AFTER UPDATE OF {_FTS5_COLUMNS} ON articles BEGIN "
    f"INSERT INTO articles_fts(articles_fts, rowid, {_FTS5_COLUMNS}) VALUES ({_FTS5_OLD}); "
    f"INSERT INTO articles_fts(rowid, {_FTS5_COLUMNS}) VALUES ({_FTS5_NEW}); END",
)
SQLITE_DROP = (
    "DROP TRIGGER articles_fts_au", "DROP TRIGGER articles_fts_ad", "DROP TRIGGER articles_fts_ai",
    "DROP TABLE articles_fts",
)
POSTGRES_CREATE = (
    "ALTER TABLE articles ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', title_terms), 'A') || "
    "setweight(to_tsvector('simple', body_terms), 'B') || "
    "setweight(to_tsvector('simple', sub_terms), 'C')) STORED",
    "CREATE INDEX ix_articles_tsv ON articles USING GIN (tsv)",
)
POSTGRES_DROP = ("DROP INDEX ix_articles_tsv", "ALTER TABLE articles DROP COLUMN tsv")


@dataclass(frozen=True)
class Backend:
    """DDL of a backend's index, and builders of 'SELECT n, score': every phrase / any term matches."""

    create_index_sql: tuple[str, ...]
    drop_index_sql: tuple[str, ...]
    matches: Callable[[list[str]], sa.Select]
    any_matches: Callable[[list[str]], sa.Select]


def _fts5_select(query: str) -> sa.Select:
    fts = sa.table("articles_fts", sa.column("rowid"))
    score = -sa.func.bm25(sa.literal_column("articles_fts"), TITLE_WEIGHT, BODY_WEIGHT, SUB_WEIGHT)
    return sa.select(fts.c.rowid.label("n"), score.label("score")).where(
        sa.literal_column("articles_fts").op("MATCH")(query)
    )


def _fts5_matches(phrases: list[str]) -> sa.Select:
    # each phrase is quoted: terms are \w+ only, so they hold no quote to escape
    return _fts5_select(" ".join(f'"{p}"' for p in phrases))


def _fts5_any_matches(terms: list[str]) -> sa.Select:
    # OR of single index terms (\w+ only, nothing to escape): more-like-this over an article's words
    return _fts5_select(" OR ".join(f'"{t}"' for t in terms))


def _tsvector_any_matches(terms: list[str]) -> sa.Select:
    index = sa.table("articles", sa.column("n"), sa.column("tsv")).alias("fts")
    query = sa.func.to_tsquery("simple", " | ".join(terms))  # \w+ terms hold no tsquery operator
    weights = sa.literal(f"{{0,{SUB_WEIGHT / TITLE_WEIGHT},{BODY_WEIGHT / TITLE_WEIGHT},1}}")
    score = sa.func.ts_rank(sa.cast(weights, sa.ARRAY(sa.REAL)), index.c.tsv, query, 1)
    return sa.select(index.c.n.label("n"), score.label("score")).where(index.c.tsv.op("@@")(query))


def _tsvector_matches(phrases: list[str]) -> sa.Select:
    index = sa.table("articles", sa.column("n"), sa.column("tsv")).alias("fts")
    query = sa.func.phraseto_tsquery("simple", phrases[0])
    for phrase in phrases[1:]:
        query = query.op("&&")(sa.func.phraseto_tsquery("simple", phrase))
    # weights array is {D, C, B, A}: sub-words, body, title
    weights = sa.literal(f"{{0,{SUB_WEIGHT / TITLE_WEIGHT},{BODY_WEIGHT / TITLE_WEIGHT},1}}")
    score = sa.func.ts_rank_cd(sa.cast(weights, sa.ARRAY(sa.REAL)), index.c.tsv, query, 1)
    return sa.select(index.c.n.label("n"), score.label("score")).where(index.c.tsv.op("@@")(query))


_BACKENDS = {
    "sqlite": Backend(SQLITE_CREATE, SQLITE_DROP, _fts5_matches, _fts5_any_matches),
    "postgresql": Backend(POSTGRES_CREATE, POSTGRES_DROP, _tsvector_matches, _tsvector_any_matches),
}


def for_dialect(name: str) -> Backend:
    """The search backend of a SQLAlchemy dialect name."""
    try:
        return _BACKENDS[name]
    except KeyError:
        raise ValueError(f"no search backend for database dialect {name!r} (use sqlite or postgresql)")
