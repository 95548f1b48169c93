"""相关内容: articles about the same story, precomputed at ingest and read by the article page.

Ranking is by content only (see zixun/rank/similarity.py for the formula); the category is never
used, so `zixun eval related` can measure it. Lists are kept fresh by refresh(), which the pipeline
calls after each ingest: new and changed articles get their lists, and older articles whose lists a
new article beats get them updated.
"""
from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import numpy as np
import sqlalchemy as sa

from zixun.models import Article
from zixun.rank import Ingested
from zixun.rank import similarity as sim
from zixun.search.query import more_like_this
from zixun.settings import Settings
from zixun.store import articles as stored
from zixun.store import writing
from zixun.store import related as lists
from zixun.store.terms import document_frequencies

KEEP = 10  # stored per article; the page shows 5
QUERY_TERMS = 12  # an article's strongest terms sent to the search index for candidates
CANDIDATES = 100  # search hits scored per new article
INDEX_PATH_SHARE = 0.05  # fewer new articles than this share of the store: ask the index, not all rows
SAME_EVENT_SCORE = 0.5
SCORING = 2  # threads computing score chunks (one per core of the small servers zixun targets)


@dataclass
class Related:
    """One related article, its score and why it is related (shared words and names)."""

    article: Article
    score: float
    reasons: list[str]


@dataclass
class RefreshSummary:
    """What a refresh did: lists computed for new/changed articles, older lists updated, seconds."""

    computed: int = 0
    updated: int = 0
    seconds: float = 0.0


def related_articles(connection: sa.Connection, article: Article | str, limit: int = 5) -> list[Related]:
    """The stored related articles of an article (or its id or guid), best first; [] if none."""
    if isinstance(article, str):
        article = stored.get(connection, article)
        if article is None:
            return []
    found = lists.related_of(connection, article.id, limit)
    entities = {article.id: _names(lists.entities_of(connection, article.id))}
    entities.update((other.id, _names(found_entities)) for other, _, found_entities in found)
    return [Related(other, round(score, 4), reasons(article, other, score, entities)) for other, score, _ in found]


def _names(entities: dict) -> set[str]:
    return {n for kind in ("people", "places", "orgs") for n in entities.get(kind, [])}


def reasons(article: Article, other: Article, score: float, entities: dict[str, set[str]]) -> list[str]:
    """Why two articles are related, in Chinese: shared names, shared keywords, same event."""
    out = []
    names = sorted(entities.get(article.id, set()) & entities.get(other.id, set()))
    if names:
        out.append("共同提及：" + "、".join(names[:3]))
    shared = [k for k in article.keywords if k in set(other.keywords) and k not in names]
    if shared:
        out.append("共同关键词：" + "、".join(shared[:3]))
    if score >= SAME_EVENT_SCORE:
        out.append("同一事件")
    return out or ["内容相近"]


@dataclass
class Planned:
    """Lists computed ahead of saving: {id: [(related id, score)]}, and the article versions they are for."""

    lists: dict[str, list[tuple[str, float]]]
    versions: dict[str, datetime]
    computed: int
    updated: int


def refresh(engine: sa.Engine, settings: Settings | None = None, planned: Planned | None = None) -> RefreshSummary:
    """Compute the lists of new and changed articles, and update older lists they now belong to.

    planned (from plan(), computed while an ingest was still writing) is saved as it is.
    """
    started = time.perf_counter()
    if planned is None:
        with engine.connect() as connection:
            todo = lists.pending(connection)
            planned = _compute(connection, todo, _stored_rows(connection, todo)) if todo else None
    if planned is not None:
        with writing(engine) as connection:
            lists.save_lists(connection, planned.lists, planned.versions)
    summary = RefreshSummary(planned.computed, planned.updated) if planned else RefreshSummary()
    summary.seconds = time.perf_counter() - started
    return summary


def plan(engine: sa.Engine, ingested: Ingested) -> Planned | None:
    """The lists refresh() would compute once an ingest's writes are committed, computed from the
    ingest's own view while its last batches are still being written.

    None when the new articles are few: their candidates come from the search index, which must hold them.
    """
    with engine.connect() as connection:
        todo = set(lists.pending(connection)).union(a["id"] for a in ingested.articles)
        if not todo or len(todo) < INDEX_PATH_SHARE * ingested.total:
            return None
        # the store as it will be: older articles as committed, this run's as it wrote them
        mine = {a["id"]: _feature_row(a) for a in ingested.articles}
        corpus = [mine.pop(r.id, r) for r in lists.feature_rows(connection, up_to=ingested.before)]
        corpus.extend(mine.values())
        df = ingested.df if ingested.complete else {**lists.all_document_frequencies(connection), **ingested.df}
        return _compute(connection, todo, _Rows(corpus, df, ingested.total))


class FeatureRow(NamedTuple):
    """What related lists read of an article (the columns of lists.feature_rows)."""

    n: int
    id: str
    title: str
    candidates: dict[str, int]
    entities: dict[str, list[str]]
    published_at: datetime | None
    updated_at: datetime


def _feature_row(article: dict) -> FeatureRow:
    # n is not known before the row is stored, and scoring does not use it
    return FeatureRow(0, article["id"], article["title"], article["candidates"], article["entities"],
                      article["published_at"], article["updated_at"])


@dataclass
class _Rows:
    """The articles to compare (in store order), the df of their terms, and the store's article count."""

    corpus: list
    df: dict[str, int]
    total: int


def _stored_rows(connection: sa.Connection, todo: list[str]) -> _Rows:
    total = stored.count(connection)
    if len(todo) < INDEX_PATH_SHARE * total:  # few new articles: the search index finds their candidates
        corpus = _candidate_rows(connection, todo, total)
        return _Rows(corpus, document_frequencies(connection, {t for r in corpus for t in r.candidates}), total)
    return _Rows(lists.feature_rows(connection), lists.all_document_frequencies(connection), total)


def _compute(connection: sa.Connection, todo: Iterable[str], rows: _Rows) -> Planned:
    # 1. vectors with the current document frequencies, one vocabulary for both sides
    vocabulary: dict[str, int] = {}
    corpus_vectors = sim.vectorize([_features(r) for r in rows.corpus], rows.df, rows.total, vocabulary)
    new_ids = set(todo)
    query_vectors = _select(corpus_vectors, [i for i, r in enumerate(rows.corpus) if r.id in new_ids])
    # 2. the new lists, then the older lists the new articles enter
    fresh = _best_lists(query_vectors, corpus_vectors, len(vocabulary))
    older = _select(corpus_vectors, [i for i, r in enumerate(rows.corpus) if r.id not in new_ids])
    merged = _merge_older(connection, older, query_vectors, len(vocabulary))
    versions = {r.id: r.updated_at for r in rows.corpus if r.id in new_ids}
    return Planned({**merged, **fresh}, versions, len(new_ids), len(merged))


def _features(row: sa.Row) -> sim.Features:
    return sim.features(row.n, row.id, row.title, row.candidates, row.entities, row.published_at)


def _candidate_rows(connection: sa.Connection, todo: list[str], total: int) -> list[sa.Row]:
    """The rows the search index finds for any of each new article's strongest terms, and the new ones."""
    queries = lists.feature_rows(connection, ids=todo)
    df = document_frequencies(connection, {t for r in queries for t in r.candidates})
    vocabulary: dict[str, int] = {}
    vectors = sim.vectorize([_features(r) for r in queries], df, total, vocabulary)
    terms = list(vocabulary)
    ns = {r.n for r in queries}
    for row in range(len(queries)):
        start, end = vectors.matrix.indptr[row], vectors.matrix.indptr[row + 1]
        strongest = np.argsort(-vectors.matrix.data[start:end])[:QUERY_TERMS]
        ns.update(more_like_this(connection, [terms[c] for c in vectors.matrix.indices[start:end][strongest]], CANDIDATES))
    return lists.feature_rows(connection, ns=sorted(ns))


def _best_lists(queries: sim.Vectors, corpus: sim.Vectors, width: int) -> dict[str, list[tuple[str, float]]]:
    """{id: [(related id, score)]} of each query row, scored against the corpus in row chunks."""
    out: dict[str, list[tuple[str, float]]] = {}
    chunk = max(100, 10_000_000 // max(corpus.matrix.shape[0], 1))  # bounds the scores held at once
    parts = [_rows(queries, start, start + chunk) for start in range(0, queries.matrix.shape[0], chunk)]
    # scipy's sparse product runs without the GIL: two threads score the next chunks while this one
    # picks the matches of the current chunk (at most SCORING chunks held at once)
    columns = sim.term_columns(corpus, width)
    with ThreadPoolExecutor(SCORING) as pool:
        pending = deque(pool.submit(sim.score_rows, part, columns) for part in parts[:SCORING])
        for index, part in enumerate(parts):
            scores = pending.popleft().result()
            if index + SCORING < len(parts):
                pending.append(pool.submit(sim.score_rows, parts[index + SCORING], columns))
            for item, found in zip(part.items, sim.best_lists(scores, part, corpus, KEEP)):
                out[item.id] = [(corpus.items[c].id, s) for c, s in found]
    return out


def _rows(vectors: sim.Vectors, start: int, end: int) -> sim.Vectors:
    return sim.Vectors(vectors.matrix[start:end], vectors.items[start:end], vectors.days[start:end])


def _select(vectors: sim.Vectors, rows: list[int]) -> sim.Vectors:
    return sim.Vectors(vectors.matrix[rows], [vectors.items[i] for i in rows], vectors.days[rows])


def _merge_older(connection: sa.Connection, olds: sim.Vectors, new: sim.Vectors, width: int) -> dict:
    """Stored lists of older articles with the new articles that now belong in them."""
    if not olds.items:
        return {}
    entering = {k: v for k, v in _best_lists(olds, new, width).items() if v}
    current = lists.lists_of(connection, list(entering))
    merged = {}
    for article_id, found in entering.items():
        incoming = {rid for rid, _ in found}
        kept = [(rid, s) for rid, s in current.get(article_id, []) if rid not in incoming]
        ranked = sorted(kept + found, key=lambda p: -p[1])
        # the first may be weak, the others must be strong (the rule of similarity.best_lists)
        ranked = ranked[:1] + [p for p in ranked[1:] if p[1] >= sim.MORE_SCORE]
        if ranked[:KEEP] != current.get(article_id, []):
            merged[article_id] = ranked[:KEEP]
    return merged
