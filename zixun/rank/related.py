"""相关内容: articles about the same story, precomputed at ingest and read by the article page.

Ranking is by content only (see zixun/rank/similarity.py for the formula); the category is never
used, so `zixun eval related` can measure it. Lists are kept fresh by refresh(), which the pipeline
calls after each ingest: new and changed articles get their lists, and older articles whose lists a
new article beats get them updated.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa

from zixun.models import Article
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


def refresh(engine: sa.Engine, settings: Settings | None = None) -> RefreshSummary:
    """Compute the lists of new and changed articles, and update older lists they now belong to."""
    started = time.perf_counter()
    with writing(engine) as connection:
        todo = lists.pending(connection)
        summary = RefreshSummary(computed=len(todo))
        if todo:
            summary.updated = _refresh(connection, todo)
    summary.seconds = time.perf_counter() - started
    return summary


def _refresh(connection: sa.Connection, todo: list[str]) -> int:
    # 1. the features of the new articles and of the corpus they are compared with
    total = stored.count(connection)
    use_index = len(todo) < INDEX_PATH_SHARE * total
    corpus = _candidate_rows(connection, todo, total) if use_index else lists.feature_rows(connection)
    # 2. vectors with the current document frequencies, one vocabulary for both sides
    df = (document_frequencies(connection, {t for r in corpus for t in r.candidates}) if use_index
          else lists.all_document_frequencies(connection))
    vocabulary: dict[str, int] = {}
    corpus_vectors = sim.vectorize([_features(r) for r in corpus], df, total, vocabulary)
    new_ids = set(todo)
    query_vectors = _select(corpus_vectors, [i for i, r in enumerate(corpus) if r.id in new_ids])
    # 3. the new lists, then the older lists the new articles enter
    fresh = _best_lists(query_vectors, corpus_vectors, len(vocabulary))
    older = _select(corpus_vectors, [i for i, r in enumerate(corpus) if r.id not in new_ids])
    merged = _merge_older(connection, older, query_vectors, len(vocabulary))
    lists.save_lists(connection, {**merged, **fresh}, {r.id: r.updated_at for r in corpus if r.id in new_ids})
    return len(merged)


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
    chunk = max(100, 20_000_000 // max(corpus.matrix.shape[0], 1))  # bounds the scores held at once
    for start in range(0, queries.matrix.shape[0], chunk):
        part = _rows(queries, start, start + chunk)
        scores = sim.score_rows(part, corpus, width)
        for row, item in enumerate(part.items):
            found = sim.best_matches(scores, row, part, corpus, KEEP)
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
        # the first may be weak, the others must be strong (the rule of similarity.best_matches)
        ranked = ranked[:1] + [p for p in ranked[1:] if p[1] >= sim.MORE_SCORE]
        if ranked[:KEEP] != current.get(article_id, []):
            merged[article_id] = ranked[:KEEP]
    return merged
