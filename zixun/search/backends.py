"""The one place where the two search backends differ: SQLite FTS5 and PostgreSQL tsvector + GIN.

Both index the same space-separated terms from zixun.text.segment, so they match the same set. Both
keep search_facets, a narrow copy of the columns a search filters and sorts on, filled by triggers on
articles: checking a filter there costs a lookup in a few MB, where an articles row drags its whole body
along. On PostgreSQL it also holds the tsvector, so counting matches reads no article either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from zixun.store import schema

# title matters most, then body, then sub-words of long words (人民 inside 中华人民共和国)
TITLE_WEIGHT, BODY_WEIGHT, SUB_WEIGHT = 10.0, 1.0, 0.3


# SQLite: filters as words of the index. Migration 0006 gave the FTS5 index a fourth column, facet_terms, a
# virtual generated column of each article's c~<its category>, s~<its source> (UTF-8 in hex) and m~<year and
# month of its publish time, UTC>. A category or source filter checked in search_facets costs a lookup per
# match (10 ms for a common word over 100,000 articles); as a word of the index it is one more list FTS5
# intersects (about 1 ms). '~' is a word character of this index alone: text and query terms are \w+, so no
# word a reader types can match a facet word. The DDL of both backends is spelled out in the migrations.
FACET_COLUMN = "facet_terms"
# between the phrases of one query part that match alike (the names of one entity: search.query); terms are
# \w+ only, so no term is this
ALTERNATIVES = " | "


# Reposts (articles.repost, kept by the dedupe stage: store/duplicates.mark_reposts) are left out so that a search
# shows one entry per duplicate group. Migration 0013 made the marker a facet word on SQLite, r~, which FTS5's
# NOT removes by merging the short list of reposts; on PostgreSQL a column of search_facets, checked on the row
# the match reads anyway. Either costs far less than a NOT EXISTS lookup of duplicates per match.
REPOST_WORD = "r~"


def facet_word(kind: str, value: str) -> str:
    """The index word of a category ("c"), a source ("s") or a UTC month ("m", value YYYYMM)."""
    return f"{kind}~{value if kind == 'm' else value.encode('utf-8').hex()}"


@dataclass(frozen=True)
class Facets:
    """Filters a backend checks inside its index: category, source, the UTC months (YYYYMM) of a range, and
    whether reposts are kept (both backends check that one)."""

    category: str | None = None
    source: str | None = None
    months: tuple[str, ...] = ()
    reposts: bool = False


@dataclass(frozen=True)
class Match:
    """The rows matching a query: FROM the index alone or joined to search_facets, WHERE, row number, score."""

    source: sa.FromClause
    faceted: sa.FromClause
    condition: sa.ColumnElement
    n: sa.ColumnElement
    key: sa.ColumnElement  # n as a sort key
    score: sa.ColumnElement
    among: Callable[[list[int]], sa.ColumnElement]  # the condition "n is one of these"
    window: Callable[[sa.Select, int], sa.Subquery]  # (n, score) of the size highest-n rows of a SELECT n


@dataclass(frozen=True)
class Backend:
    """How a backend finds the matches of every phrase / of any term, and what its index can check."""

    matches: Callable[[list[str], Facets], Match]  # the facets it cannot check (but reposts) are left to search_facets
    any_matches: Callable[[list[str]], Match]
    window: int  # how many matches a search ranks: scoring them is most of what it costs
    facet_words: bool  # whether matches checks category, source exactly and months as a first cut
    walks_newest: bool  # whether the newest-first order may walk search_facets' publish-time index


def _fts5_match(query: str) -> Match:
    fts = sa.table("articles_fts", sa.column("rowid"))
    score = -sa.func.bm25(sa.literal_column("articles_fts"), TITLE_WEIGHT, BODY_WEIGHT, SUB_WEIGHT, 0.0)
    return Match(
        source=fts,
        faceted=fts.join(schema.search_facets, schema.search_facets.c.n == fts.c.rowid),
        condition=sa.literal_column("articles_fts").op("MATCH")(query),
        n=fts.c.rowid,
        key=fts.c.rowid,
        score=score,
        # rowid + 0 is not offered to FTS5, which would run the query once per value, each run re-reading
        # every term's whole list for bm25; the range it is offered bounds the one run instead
        among=lambda ns: sa.and_(fts.c.rowid.between(min(ns), max(ns)), (fts.c.rowid + 0).in_(ns)),
        # FTS5 walks rowids downwards and scores a row only when the walk reaches it: one partial pass
        window=lambda rows, size: (
            rows.add_columns(score.label("score")).order_by(fts.c.rowid.desc()).limit(size).subquery()
        ),
    )


def _fts5_matches(phrases: list[str], facets: Facets) -> Match:
    # each phrase is quoted: terms are \w+ only, so they hold no quote to escape; a facet word adds nothing
    # to bm25, its column weighing 0
    words = ["(" + " OR ".join(f'"{a}"' for a in p.split(ALTERNATIVES)) + ")" for p in phrases]
    for kind, value in (("c", facets.category), ("s", facets.source)):
        if value is not None:
            words.append(f'{FACET_COLUMN}:"{facet_word(kind, value)}"')
    if facets.months:
        words.append(f"{FACET_COLUMN}:(" + " OR ".join(f'"{facet_word("m", m)}"' for m in facets.months) + ")")
    query = "(" + " AND ".join(words) + ")"
    return _fts5_match(query if facets.reposts else f'{query} NOT {FACET_COLUMN}:"{REPOST_WORD}"')


def _fts5_any_matches(terms: list[str]) -> Match:
    # OR of single index terms (\w+ only, nothing to escape): more-like-this over an article's words
    return _fts5_match(" OR ".join(f'"{t}"' for t in terms))


def _tsvector_match(query: sa.ColumnElement, rank: Callable, reposts: bool = True) -> Match:
    tsv = sa.literal_column("search_facets.tsv")
    # weights array is {D, C, B, A}: sub-words, body, title
    weights = sa.literal(f"{{0,{SUB_WEIGHT / TITLE_WEIGHT},{BODY_WEIGHT / TITLE_WEIGHT},1}}")
    weights = sa.cast(weights, sa.ARRAY(sa.REAL))
    # n + 0: sorting on n itself, the planner would walk the primary key testing each row's tsvector (read
    # from TOAST) where the GIN index finds the matches at once
    key = schema.search_facets.c.n + 0

    def window(rows: sa.Select, size: int) -> sa.Subquery:
        # PostgreSQL computes a select list below a Sort and LIMIT: score outside the LIMIT, or every match
        # would be scored (its tsvector read from TOAST) for the LIMIT to keep size of them
        newest = rows.add_columns(tsv.label("tsv")).order_by(key.desc()).limit(size).subquery()
        return sa.select(newest.c.n, rank(weights, newest.c.tsv, query, 1).label("score")).subquery()

    return Match(
        source=schema.search_facets,
        faceted=schema.search_facets,
        condition=tsv.op("@@")(query) if reposts else sa.and_(tsv.op("@@")(query), ~_REPOST),
        n=schema.search_facets.c.n,
        key=key,
        score=rank(weights, tsv, query, 1),
        among=schema.search_facets.c.n.in_,
        window=window,
    )


# the marker's copy in search_facets (migration 0013), not modelled: only this SQL reads it
_REPOST = sa.literal_column("search_facets.repost", sa.Boolean)


def _tsvector_matches(phrases: list[str], facets: Facets) -> Match:
    query = _tsvector_phrase(phrases[0])
    for phrase in phrases[1:]:
        query = query.op("&&")(_tsvector_phrase(phrase))
    return _tsvector_match(query, sa.func.ts_rank_cd, facets.reposts)


def _tsvector_phrase(phrase: str) -> sa.ColumnElement:
    """A phrase, or any of its alternatives (ALTERNATIVES), as a tsquery."""
    first, *others = phrase.split(ALTERNATIVES)
    query = sa.func.phraseto_tsquery("simple", first)
    for other in others:
        query = query.op("||")(sa.func.phraseto_tsquery("simple", other))
    return query


def _tsvector_any_matches(terms: list[str]) -> Match:
    query = sa.func.to_tsquery("simple", " | ".join(terms))  # \w+ terms hold no tsquery operator
    return _tsvector_match(query, sa.func.ts_rank)


_BACKENDS = {
    # bm25 costs about 1 µs a match
    "sqlite": Backend(_fts5_matches, _fts5_any_matches, window=1000, facet_words=True, walks_newest=True),
    # ts_rank_cd about 6 µs, most of it reading the tsvector from TOAST
    # filters join search_facets, which holds the tsvector: no table but the one is read either way
    "postgresql": Backend(_tsvector_matches, _tsvector_any_matches, window=300, facet_words=False, walks_newest=False),
}


def for_dialect(name: str) -> Backend:
    """The search backend of a SQLAlchemy dialect name."""
    try:
        return _BACKENDS[name]
    except KeyError:
        raise ValueError(f"no search backend for database dialect {name!r} (use sqlite or postgresql)") from None
