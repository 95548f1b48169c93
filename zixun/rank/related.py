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

import numpy as np
import sqlalchemy as sa

from zixun.models import Article
from zixun.rank import similarity as sim
from zixun.search.query import more_like_this
from zixun.store import articles, related_lists, writing
from zixun.store.terms import document_frequencies

KEEP = 10  # stored per article; the page shows 5
QUERY_TERMS = 12  # an article's strongest terms sent to the search index for candidates
CANDIDATES = 100  # search hits scored per new article
INDEX_PATH_SHARE = 0.05  # fewer new articles than this share of the store: ask the index, not all rows
SAME_EVENT_SCORE = 0.5
SCORING = 2  # threads computing score chunks (one per core of the small servers zixun targets)
# query rows x corpus rows scored per chunk: a chunk's sparse scores take up to ~16 bytes a pair while
# they are built, and SCORING + 1 chunks are held at once (10M pairs peaked at ~200 MB; 2M at ~40 MB)
SCORES_HELD = 2_000_000


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
        article = articles.get(connection, article)
        if article is None:
            return []
    found = related_lists.related_of(connection, article.id, limit)
    entities = {article.id: _names(related_lists.entities_of(connection, article.id))}
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


def refresh(engine: sa.Engine, planned: Planned | None = None) -> RefreshSummary:
    """Compute the lists of new and changed articles, and update older lists they now belong to.

    planned (from Planner.plan(), computed while an ingest was still writing) is saved as it is.
    """
    started = time.perf_counter()
    if planned is None:
        with engine.connect() as connection:
            todo = related_lists.pending(connection)
            planned = _compute(connection, todo, _stored_rows(connection, todo)) if todo else None
    if planned is not None:
        with writing(engine) as connection:
            related_lists.save_lists(connection, planned.lists, planned.versions)
    summary = RefreshSummary(planned.computed, planned.updated) if planned else RefreshSummary()
    summary.seconds = time.perf_counter() - started
    return summary


class Planner:
    """An ingest's own view of the articles it stores, kept as compact features as each batch is stored,
    so that related lists can be computed while its last batches are still being written."""

    def __init__(self) -> None:
        self.vocabulary: dict[str, int] = {}
        self.mine: dict[str, sim.Features] = {}  # this run's new and changed articles, in the order stored
        self.versions: dict[str, datetime] = {}

    def add(self, rows: Iterable[dict]) -> None:
        """Take in stored rows (id, title, candidates, entities, published_at, updated_at); a later version wins."""
        for row in rows:
            # n is not known before the row is stored, and scoring does not use it
            self.mine[row["id"]] = sim.features(
                0, row["id"], row["title"], row["candidates"], row["entities"], row["published_at"], self.vocabulary
            )
            self.versions[row["id"]] = row["updated_at"]

    def plan(self, engine: sa.Engine, store: StoreView) -> Planned | None:
        """The lists refresh() would compute once the writes are committed, or None when the new articles
        are few: their candidates come from the search index, which must hold them."""
        with engine.connect() as connection:
            todo = set(related_lists.pending(connection)).union(self.mine)
            if not todo or len(todo) < INDEX_PATH_SHARE * store.total:
                return None
            # the store as it will be: older articles as committed, this run's as it wrote them
            mine, versions = dict(self.mine), dict(self.versions)
            corpus = []
            for row in related_lists.each_feature_row(connection, up_to=store.before):
                own = mine.pop(row.id, None)
                corpus.append(own if own is not None else _features(row, self.vocabulary))
                if own is None and row.id in todo:
                    versions[row.id] = row.updated_at
            corpus.extend(mine.values())
            df = store.df if store.complete else {**related_lists.all_document_frequencies(connection), **store.df}
            return _compute(connection, todo, _Rows(corpus, df, store.total, self.vocabulary, versions))


@dataclass
class StoreView:
    """What an ingest knows of the store as it will be: df of every term it counted, the article count once
    written, the newest n before it began, and whether df holds every term (the store began empty)."""

    df: dict[str, int]
    total: int
    before: int
    complete: bool = False


def _features(row: sa.Row, vocabulary: dict[str, int]) -> sim.Features:
    return sim.features(row.n, row.id, row.title, row.candidates, row.entities, row.published_at, vocabulary)


@dataclass
class _Rows:
    """The articles to compare (in store order) over one vocabulary, the df of their terms, the store's
    article count, and the versions of the articles whose lists are computed."""

    corpus: list[sim.Features]
    df: dict[str, int]
    total: int
    vocabulary: dict[str, int]
    versions: dict[str, datetime]


def _stored_rows(connection: sa.Connection, todo: list[str]) -> _Rows:
    total = articles.count(connection)
    if len(todo) < INDEX_PATH_SHARE * total:  # few new articles: the search index finds their candidates
        rows = _candidate_rows(connection, todo, total)
        df = document_frequencies(connection, {t for r in rows for t in r.candidates})
    else:
        rows, df = related_lists.each_feature_row(connection), related_lists.all_document_frequencies(connection)
    vocabulary: dict[str, int] = {}
    wanted = set(todo)
    corpus, versions = [], {}
    for row in rows:
        corpus.append(_features(row, vocabulary))
        if row.id in wanted:
            versions[row.id] = row.updated_at
    return _Rows(corpus, df, total, vocabulary, versions)


def _compute(connection: sa.Connection, todo: Iterable[str], rows: _Rows) -> Planned:
    # 1. vectors with the current document frequencies, one vocabulary for both sides
    corpus_vectors = sim.vectorize(rows.corpus, rows.df, rows.total, rows.vocabulary)
    width = len(rows.vocabulary)
    new_ids = set(todo)
    asked = [i for i, r in enumerate(rows.corpus) if r.id in new_ids]
    # a first ingest asks for every row: the corpus itself, not a copy
    query_vectors = corpus_vectors if len(asked) == len(rows.corpus) else _select(corpus_vectors, asked)
    # 2. the new lists, then the older lists the new articles enter
    fresh = _best_lists(query_vectors, corpus_vectors, width)
    older = _select(corpus_vectors, [i for i, r in enumerate(rows.corpus) if r.id not in new_ids])
    merged = _merge_older(connection, older, query_vectors, width)
    versions = {key: when for key, when in rows.versions.items() if key in new_ids}
    return Planned({**merged, **fresh}, versions, len(new_ids), len(merged))


def _candidate_rows(connection: sa.Connection, todo: list[str], total: int) -> list[sa.Row]:
    """The rows the search index finds for any of each new article's strongest terms, and the new ones."""
    queries = related_lists.feature_rows(connection, ids=todo)
    df = document_frequencies(connection, {t for r in queries for t in r.candidates})
    vocabulary: dict[str, int] = {}
    vectors = sim.vectorize([_features(r, vocabulary) for r in queries], df, total, vocabulary)
    terms = list(vocabulary)
    ns = {r.n for r in queries}
    for row in range(len(queries)):
        start, end = vectors.matrix.indptr[row], vectors.matrix.indptr[row + 1]
        strongest = np.argsort(-vectors.matrix.data[start:end])[:QUERY_TERMS]
        ns.update(
            more_like_this(connection, [terms[c] for c in vectors.matrix.indices[start:end][strongest]], CANDIDATES)
        )
    return related_lists.feature_rows(connection, ns=sorted(ns))


def _best_lists(queries: sim.Vectors, corpus: sim.Vectors, width: int) -> dict[str, list[tuple[str, float]]]:
    """{id: [(related id, score)]} of each query row, scored against the corpus in row chunks."""
    out: dict[str, list[tuple[str, float]]] = {}
    chunk = max(100, SCORES_HELD // max(corpus.matrix.shape[0], 1))  # bounds the scores held at once
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
            for item, found in zip(part.items, sim.best_lists(scores, part, corpus, KEEP), strict=True):
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
    current = related_lists.lists_of(connection, list(entering))
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
