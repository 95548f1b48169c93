"""Search queries: the query is cut by the same tokenizer as the index; multi-term words become phrases."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from zixun.models import Article
from zixun.search.backends import for_dialect
from zixun.store.articles import select_articles, to_article
from zixun.store.schema import articles
from zixun.text.segment import Segmenter
from zixun.text.snippets import snippet_around

SORTS = ("relevance", "newest")


@dataclass(frozen=True)
class Filters:
    """Narrowing of a search: category, source and a published_at range [since, until)."""

    category: str | None = None
    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass
class Hit:
    """One search result with its relevance score and a clause-bounded snippet."""

    article: Article
    score: float
    snippet: str


@dataclass
class SearchResult:
    """A page of hits, the total number of matches, and the words the query was cut into."""

    query: str
    total: int
    hits: list[Hit] = field(default_factory=list)
    words: list[str] = field(default_factory=list)


def query_phrases(segmenter: Segmenter, query: str) -> list[str]:
    """Each whitespace-separated part of the query as one phrase of index terms (all must match)."""
    phrases = (" ".join(segmenter.terms(part)) for part in query.split())
    return [p for p in phrases if p]


def search(
    connection: sa.Connection, segmenter: Segmenter, query: str, *, limit: int = 10, offset: int = 0,
    filters: Filters = Filters(), sort: str = "relevance",
) -> SearchResult:
    """Articles matching every phrase of query; an exact title match ranks first."""
    phrases = query_phrases(segmenter, query)
    result = SearchResult(query=query, total=0, words=[w for p in phrases for w in p.split()])
    if not phrases:
        return result
    matches = for_dialect(connection.dialect.name).matches(phrases).subquery()
    base = select_articles().add_columns(matches.c.score).join(matches, matches.c.n == articles.c.n)
    base = _filtered(base, filters)
    result.total = connection.execute(sa.select(sa.func.count()).select_from(base.subquery())).scalar_one()
    rows = connection.execute(base.order_by(*_order(sort, query, matches)).limit(limit).offset(offset))
    for row in rows:
        article = to_article(row)
        snippet = snippet_around("\n".join(article.body), query.split() + result.words)
        result.hits.append(Hit(article, float(row.score), snippet))
    return result


def more_like_this(connection: sa.Connection, terms: list[str], limit: int = 100) -> list[int]:
    """Store rows (n) matching any of terms, best first: candidates for related articles."""
    if not terms:
        return []
    matches = for_dialect(connection.dialect.name).any_matches(terms).subquery()
    query = sa.select(matches.c.n).order_by(matches.c.score.desc(), matches.c.n).limit(limit)
    return list(connection.execute(query).scalars())


def _filtered(query: sa.Select, filters: Filters) -> sa.Select:
    if filters.category is not None:
        query = query.where(articles.c.category == filters.category)
    if filters.source is not None:
        query = query.where(articles.c.source == filters.source)
    if filters.since is not None:
        query = query.where(articles.c.published_at >= filters.since)
    if filters.until is not None:
        query = query.where(articles.c.published_at < filters.until)
    return query


def _order(sort: str, query: str, matches) -> tuple:
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    exact_title = sa.case((articles.c.title == query.strip(), 1), else_=0).desc()
    if sort == "newest":
        return articles.c.published_at.desc().nulls_last(), articles.c.n.desc()
    return exact_title, matches.c.score.desc(), articles.c.n
