"""Search queries: the query is cut by the same tokenizer as the index; multi-term words become phrases.

A search costs a pass or two over the index's row numbers, plus a lookup per match in the narrow
search_facets when a filter or the date order needs one. On SQLite category and source are words of
the index, a date range's month words cut the matches before the lookups, and a common word's newest
matches are found by walking the publish-time index instead. It reads no article but the page's own,
and scores a bounded window: relevance ranks the most recently stored matches (1,000 on SQLite, 300 on
PostgreSQL, whose scoring costs more), the ones a news reader is after and the ones the index walks
first; older matches follow, most recently stored first. Exact title matches lead either way. Every
match is on exactly one page, so both backends return the same set. A duplicate group is one match, its
original: reposts are left out inside the index (backends.REPOST_WORD), so totals and pages agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from zixun.models import Article
from zixun.search.backends import ALTERNATIVES, Backend, Facets, Match, for_dialect
from zixun.store import schema
from zixun.store.articles import select_articles, to_article
from zixun.text.entities import entity_forms
from zixun.text.segment import Segmenter
from zixun.text.snippets import snippet_around

SORTS = ("relevance", "newest")
MAX_MONTHS = 36  # a longer date range is checked in search_facets alone: its month words would cut little


@dataclass(frozen=True)
class Filters:
    """Narrowing of a search: category, source and a published_at range [since, until); reposts (articles
    with a row in duplicates) are left out unless asked for, so a duplicate group is one hit, its original."""

    category: str | None = None
    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    reposts: bool = False


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
    """Each whitespace-separated part of the query as one phrase of index terms (all must match); a part that
    names a person, place or organisation matches any of its names (海格塞斯 finds 赫格塞思 too), its
    phrases joined by backends.ALTERNATIVES."""
    phrases = []
    for part in query.split():
        cut = (" ".join(segmenter.terms(form)) for form in entity_forms(part))
        phrases.append(ALTERNATIVES.join(dict.fromkeys(p for p in cut if p)))
    return [p for p in phrases if p]


def search(
    connection: sa.Connection,
    segmenter: Segmenter,
    query: str,
    *,
    limit: int = 10,
    offset: int = 0,
    filters: Filters = Filters(),
    sort: str = "relevance",
    window: int | None = None,
) -> SearchResult:
    """Articles matching every phrase of query: exact title matches first, then by relevance or newest first.

    Relevance ranks the window most recently stored matches (the backend's own number when None).
    """
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    phrases = query_phrases(segmenter, query)
    words = [w for p in phrases for w in p.split() if w != ALTERNATIVES.strip()]
    result = SearchResult(query=query, total=0, words=list(dict.fromkeys(words)))
    if not phrases:
        return result
    # 1. the matches, filtered: through the index alone when no filter asks for a facet
    backend = for_dialect(connection.dialect.name)
    in_index = backend.facet_words
    facets = Facets(reposts=filters.reposts)
    if in_index:
        facets = Facets(filters.category, filters.source, _months(connection, filters), filters.reposts)
    match = backend.matches(phrases, facets)
    joined = _filtered(filters, in_index)
    found = _Found(match, match.faceted if joined else match.source, joined)
    # 2. the page's row numbers in order (with scores where the ordering computed them), and the total
    if sort == "newest":
        page, result.total = _newest(connection, backend, found, limit, offset)
    else:
        result.total = connection.execute(found.select(sa.func.count())).scalar_one()
        exact = _exact_titles(connection, found, query)
        page = _relevant(connection, found, exact, result.total, window or backend.window, limit, offset)
    # 3. the page's articles, scores and snippets
    for article, score in _articles(connection, match, page):
        snippet = snippet_around("\n".join(article.body), query.split() + result.words)
        result.hits.append(Hit(article, score, snippet))
    return result


def more_like_this(connection: sa.Connection, terms: list[str], limit: int = 100) -> list[int]:
    """Store rows (n) matching any of terms, best first: candidates for related articles."""
    if not terms:
        return []
    match = for_dialect(connection.dialect.name).any_matches(terms)
    query = sa.select(match.n).select_from(match.source).where(match.condition)
    return list(connection.execute(query.order_by(match.score.desc(), match.n).limit(limit)).scalars())


@dataclass(frozen=True)
class _Found:
    """The filtered matches of a search: the match, the FROM clause it is read through, the conditions on
    search_facets that the match's own condition does not check."""

    match: Match
    source: sa.FromClause
    joined: list

    def select(self, *columns, where=()) -> sa.Select:
        """SELECT columns of the filtered matches that also meet where."""
        return sa.select(*columns).select_from(self.source).where(self.match.condition, *self.joined, *where)


def _filtered(filters: Filters, in_index: bool) -> list:
    """The conditions on search_facets of filters (category and source left out when the index checks them)."""
    conditions = []
    if filters.category is not None and not in_index:
        conditions.append(schema.search_facets.c.category == filters.category)
    if filters.source is not None and not in_index:
        conditions.append(schema.search_facets.c.source == filters.source)
    if filters.since is not None:
        conditions.append(schema.search_facets.c.published_at >= filters.since)
    if filters.until is not None:
        conditions.append(schema.search_facets.c.published_at < filters.until)
    return conditions


def _months(connection: sa.Connection, filters: Filters) -> tuple[str, ...]:
    """The UTC months (YYYYMM) from a date filter's start to its end, an open end taken from the stored publish
    times; none when there is no date filter or more than MAX_MONTHS (search_facets still checks the bounds)."""
    if filters.since is None and filters.until is None:
        return ()
    since, until = filters.since, filters.until
    if since is None or until is None:
        published = schema.search_facets.c.published_at
        first, last = connection.execute(
            sa.select(
                sa.select(sa.func.min(published)).scalar_subquery(), sa.select(sa.func.max(published)).scalar_subquery()
            )
        ).one()
        if first is None:
            return ()
        since, until = since or first, until or last + timedelta(microseconds=1)
    try:
        first, last = since.astimezone(UTC), (until - timedelta(microseconds=1)).astimezone(UTC)
    except OverflowError:  # a bound at the edge of the calendar: no month words, the bounds alone
        return ()
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    if not 0 < count <= MAX_MONTHS:
        return ()
    months = (first.year * 12 + first.month - 1 + i for i in range(count))
    return tuple(f"{m // 12:04d}{m % 12 + 1:02d}" for m in months)


def _newest(
    connection: sa.Connection, backend: Backend, found: _Found, limit: int, offset: int
) -> tuple[list[tuple], int]:
    """A page newest first, and the total.

    Sorting all matches by publish time costs a lookup per match; walking the publish-time index newest
    first, checking each row against the matches, costs a row per (rows / matches) for each row of the
    page, plus listing the matches. The walk is taken when it reads fewer rows: for common words.
    """
    total = connection.execute(found.select(sa.func.count())).scalar_one()
    if total <= offset:
        return [], total
    match = found.match
    if backend.walks_newest and _walk_pays(connection, total, offset + limit):
        # n + 0: with n itself SQLite would look each match up by row number and sort them all
        matched = sa.select(match.n).select_from(match.source).where(match.condition)
        query = sa.select(schema.search_facets.c.n, sa.null()).where(
            (schema.search_facets.c.n + 0).in_(matched), *found.joined
        )
        key = schema.search_facets.c.n
    else:
        query = sa.select(match.n, sa.null()).select_from(match.faceted).where(match.condition, *found.joined)
        key = match.key
    order = schema.search_facets.c.published_at.desc().nulls_last(), key.desc()
    return [tuple(row) for row in connection.execute(query.order_by(*order).limit(limit).offset(offset))], total


def _walk_pays(connection: sa.Connection, total: int, rows_wanted: int) -> bool:
    # per match, sorting costs about 0.66 µs and listing for the walk 0.2 µs; a row walked costs 0.1 µs and
    # the walk reads about rows_wanted * stored / total rows (measured on 100,000 articles)
    stored = connection.execute(sa.select(sa.func.max(schema.search_facets.c.n))).scalar_one() or 0
    return rows_wanted * stored < 4 * total * total


def _exact_titles(connection: sa.Connection, found: _Found, query: str) -> list[tuple]:
    """The (n, score) of matches whose title is the query itself (found through the title index), best first."""
    titled = (
        connection.execute(sa.select(schema.articles.c.n).where(schema.articles.c.title == query.strip()))
        .scalars()
        .all()
    )
    if not titled:
        return []
    match = found.match
    ranked = found.select(match.n, match.score, where=[match.among(titled)])
    return connection.execute(ranked.order_by(match.score.desc(), match.n)).all()


def _relevant(
    connection: sa.Connection, found: _Found, exact: list[tuple], total: int, window: int, limit: int, offset: int
) -> list[tuple]:
    """A page of: exact title matches, the window most recently stored matches by score, older ones newest first."""
    match, n = found.match, found.match.n
    page, skip = exact[offset : offset + limit], max(0, offset - len(exact))
    if len(page) == limit or total == len(exact):
        return page
    newest = match.window(found.select(n.label("n")), window)
    ranked = sa.select(newest.c.n, newest.c.score).where(*_other_than(newest.c.n, exact))
    page += _some(connection, ranked.order_by(newest.c.score.desc(), newest.c.n), skip, limit - len(page))
    if len(page) < limit and total > window:
        cutoff = connection.execute(found.select(n).order_by(match.key.desc()).offset(window - 1).limit(1)).scalar_one()
        skip = max(0, skip - (window - sum(1 for row in exact if row[0] >= cutoff)))
        older = found.select(n, sa.null(), where=[*_other_than(n, exact), n < cutoff])
        page += _some(connection, older.order_by(match.key.desc()), skip, limit - len(page))
    return page


def _other_than(n: sa.ColumnElement, rows: list[tuple]) -> list:
    return [n.not_in([row[0] for row in rows])] if rows else []


def _some(connection: sa.Connection, query: sa.Select, offset: int, limit: int) -> list[tuple]:
    return connection.execute(query.offset(offset).limit(limit)).all() if limit > 0 else []


def _articles(connection: sa.Connection, match: Match, page: list[tuple]) -> list[tuple[Article, float]]:
    """The articles of page's (n, score) rows, in its order, with the scores still missing computed."""
    if not page:
        return []
    scores = {n: score for n, score in page if score is not None}
    unscored = [n for n, score in page if score is None]
    if unscored:
        scored = sa.select(match.n, match.score).select_from(match.source)
        scores.update(connection.execute(scored.where(match.condition, match.among(unscored))).all())
    ns = [n for n, _ in page]
    rows = connection.execute(select_articles().add_columns(schema.articles.c.n).where(schema.articles.c.n.in_(ns)))
    by_n = {row.n: to_article(row) for row in rows}
    return [(by_n[n], float(scores[n])) for n in ns]
