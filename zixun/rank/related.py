"""相关内容: articles about the same story, precomputed at ingest and read by the article page.

Ranking is by content only (see zixun/rank/similarity.py for the formula); the category is never
used, so `zixun eval related` can measure it. Lists are kept fresh by refresh(), which the pipeline
calls after each ingest: new and changed articles get their lists, and older articles whose lists a
new article beats get them updated.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from itertools import chain

import numpy as np
import sqlalchemy as sa

from zixun.models import Article, named
from zixun.rank import similarity as sim
from zixun.rank.corpus import Corpus
from zixun.search.query import more_like_this
from zixun.store import articles, deriving, duplicates, related_lists, stories
from zixun.store.terms import document_frequencies

KEEP = 10  # stored per article; the page shows 5
QUERY_TERMS = 12  # an article's strongest terms sent to the search index for candidates
CANDIDATES = 100  # search hits scored per new article
INDEX_PATH_SHARE = 0.05  # fewer new articles than this share of the store: ask the index, not all rows
SCORING = 2  # threads computing score blocks (one per core of the small servers zixun targets)
# articles whose lists are computed at a time; with corpus.BLOCK_ROWS, 2M pairs scored at once: a block's
# sparse scores take up to ~16 bytes a pair while they are built, and SCORING blocks are scored at once
QUERY_ROWS = 1024


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
    story_of = stories.story_ids(connection, [article.id, *(other.id for other, _, _ in found)]) if found else {}
    mine = story_of.get(article.id)
    return [
        Related(
            other,
            round(score, 4),
            reasons(article, other, entities, mine is not None and story_of.get(other.id) == mine),
        )
        for other, score, _ in found
    ]


def _names(entities: dict) -> set[str]:
    """The names a reason may give: an article's people, places and organisations but those it gives only as
    credits (models.named: two articles of one outlet both crediting 新浪 do not 共同提及 it)."""
    return {n for names in named(entities).values() for n in names}


def reasons(article: Article, other: Article, entities: dict[str, set[str]], same_story: bool) -> list[str]:
    """Why two articles are related, in Chinese: the same event (one story, zixun/stories/), shared names,
    shared keywords."""
    out = ["同一事件"] if same_story else []
    names = sorted(entities.get(article.id, set()) & entities.get(other.id, set()))
    if names:
        out.append("共同提及：" + "、".join(names[:3]))
    shared = [k for k in article.keywords if k in set(other.keywords) and k not in names]
    if shared:
        out.append("共同关键词：" + "、".join(shared[:3]))
    return out or ["内容相近"]


def refresh(engine: sa.Engine) -> RefreshSummary:
    """Compute the lists of new and changed articles, and update older lists they now belong to.

    The articles compared are read once into a blocked corpus (rank/corpus.py): every stored article when
    the new ones are many, else the search index's candidates for them. Each block of new articles gets
    its lists in a transaction of its own, so a pass that breaks off leaves the rest pending.
    """
    started = time.perf_counter()
    summary = RefreshSummary()
    with engine.connect() as connection:
        todo = related_lists.pending(connection)
        corpus, versions = _corpus(connection, todo) if todo else (None, {})
    if corpus is not None:
        with corpus:
            summary.computed, summary.updated = _relate(engine, corpus, set(todo), versions)
    summary.seconds = time.perf_counter() - started
    return summary


def _corpus(connection: sa.Connection, todo: list[str]) -> tuple[Corpus, dict[str, datetime]]:
    """The articles to compare, weighted with the store's df, and the versions of those in todo."""
    total = articles.count(connection)
    if len(todo) < INDEX_PATH_SHARE * total:  # few new articles: the search index finds their candidates
        rows: Iterable[sa.Row] = _candidate_rows(connection, todo, total)
        df = document_frequencies(connection, {t for r in rows for t in r.candidates})
    else:
        rows, df = related_lists.each_feature_row(connection), related_lists.all_document_frequencies(connection)
    corpus = Corpus(sim.Weighting(df, total))
    del df  # the weighting holds what it needs of it
    wanted, versions = set(todo), {}

    def features() -> Iterator[sim.Features]:
        for row in rows:
            if row.id in wanted:
                versions[row.id] = row.updated_at
            yield _features(row, corpus.weighting.vocabulary)

    corpus.add(features())
    return corpus, versions


def _features(row: sa.Row, vocabulary: dict[str, int]) -> sim.Features:
    return sim.features(row.n, row.id, row.title, row.candidates, row.entities, row.published_at, vocabulary)


def _relate(engine: sa.Engine, corpus: Corpus, todo: set[str], versions: dict[str, datetime]) -> tuple[int, int]:
    """Save the lists of the articles in todo, QUERY_ROWS at a time, then the older lists they enter;
    (lists computed, older lists changed)."""
    asked = np.fromiter((item.id in todo for item in corpus.items), bool, len(corpus))
    older = sim.Best(KEEP)  # older articles (corpus positions) → the new articles that enter their lists
    computed = 0
    with ThreadPoolExecutor(SCORING) as pool:
        for positions, queries in corpus.select(asked, QUERY_ROWS):
            fresh = sim.Best(KEEP)  # query rows → corpus positions
            columns = sim.query_columns(queries, corpus.width)
            for block, pairs in _scored(pool, corpus, queries, columns):
                matches = _Matches(block.vectors, queries, pairs)
                at = block.start + pairs.corpus
                fresh.offer(pairs.queries, at, pairs.final, matches)
                old = np.flatnonzero(~asked[at])
                if len(old):
                    entering = partial(_entry, matches, old)
                    older.offer(at[old], positions[pairs.queries[old]], pairs.final[old], entering)
            ids = [item.id for item in queries.items]
            lists = {ids[row]: [(corpus.items[c].id, s) for s, c in found] for row, found in fresh.lists().items()}
            with deriving(engine) as connection:
                related_lists.save_lists(connection, lists, {i: versions[i] for i in ids if i in versions})
                story_first(connection, ids)  # an article already in a story keeps its story's coverage first
            computed += len(ids)
    entering = {corpus.items[o].id: [(corpus.items[n].id, s) for s, n in found] for o, found in older.lists().items()}
    with deriving(engine) as connection:
        current = related_lists.lists_of(connection, list(entering))
        story_of = stories.story_ids(
            connection, sorted(set(entering) | {r for f in (*current.values(), *entering.values()) for r, _ in f})
        )
        merged = _merge_older(current, entering, story_of)
        related_lists.save_lists(connection, merged, {})
    return computed, len(merged)


def _scored(pool: ThreadPoolExecutor, corpus: Corpus, queries: sim.Vectors, columns) -> Iterator[tuple]:
    """(block, its pairs with the queries) for each block of the corpus; SCORING blocks scored ahead
    in threads (scipy's sparse product runs without the GIL) while this one picks matches."""
    ahead: deque = deque()
    for block in corpus.blocks():
        ahead.append((block, pool.submit(sim.score_pairs, block.vectors, queries, columns)))
        if len(ahead) > SCORING:
            done, future = ahead.popleft()
            yield done, future.result()
    while ahead:
        done, future = ahead.popleft()
        yield done, future.result()


def _entry(matches: _Matches, old: np.ndarray, k: int) -> bool:
    return matches(int(old[k]))


class _Matches:
    """Whether pair k of a block may be in a list: not the article itself or a copy, MIN_SHARED terms shared."""

    def __init__(self, corpus: sim.Vectors, queries: sim.Vectors, pairs: sim.Pairs):
        self._corpus, self._queries, self._pairs = corpus, queries, pairs
        self._shared = sim.SharedTerms(corpus.matrix, queries.matrix)
        self._seen: dict[int, bool] = {}

    def __call__(self, k: int) -> bool:
        found = self._seen.get(k)
        if found is None:
            row, column = int(self._pairs.corpus[k]), int(self._pairs.queries[k])
            copy = sim.is_copy(self._queries.items[column], self._corpus.items[row], float(self._pairs.cosines[k]))
            found = self._seen[k] = not copy and self._shared.count(row, column) >= sim.MIN_SHARED
        return found


def _candidate_rows(connection: sa.Connection, todo: list[str], total: int) -> list[sa.Row]:
    """The rows the search index finds for any of each new article's strongest terms, and the new ones."""
    queries = related_lists.feature_rows(connection, ids=todo)
    weighting = sim.Weighting(document_frequencies(connection, {t for r in queries for t in r.candidates}), total)
    vectors = sim.vectorize([_features(r, weighting.vocabulary) for r in queries], weighting)
    terms = list(weighting.vocabulary)
    ns = {r.n for r in queries}
    for row in range(len(queries)):
        start, end = vectors.matrix.indptr[row], vectors.matrix.indptr[row + 1]
        strongest = np.argsort(-vectors.matrix.data[start:end])[:QUERY_TERMS]
        ns.update(
            more_like_this(connection, [terms[c] for c in vectors.matrix.indices[start:end][strongest]], CANDIDATES)
        )
    return related_lists.feature_rows(connection, ns=sorted(ns))


def _merge_older(
    current: dict[str, list[tuple[str, float]]], entering: dict[str, list[tuple[str, float]]], story_of: dict[str, int]
) -> dict:
    """Stored lists of older articles with the new articles that now belong in them; the other coverage of an
    article's story stays first (story_of: {id: story id})."""
    merged = {}
    for article_id, found in entering.items():
        incoming = {rid for rid, _ in found}
        kept = [(rid, s) for rid, s in current.get(article_id, []) if rid not in incoming]
        story = story_of.get(article_id)
        mates = [p for p in kept if story is not None and story_of.get(p[0]) == story]
        ranked = sorted((p for p in kept + found if p not in mates), key=lambda p: -p[1])
        # the first may be weak, the others must be strong (the rule of similarity.Best)
        ranked = ranked[:1] + [p for p in ranked[1:] if p[1] >= sim.MORE_SCORE]
        ranked = mates + ranked
        if ranked[:KEEP] != current.get(article_id, []):
            merged[article_id] = ranked[:KEEP]
    return merged


def story_first(connection: sa.Connection, ids: list[str], links: dict[str, dict[str, float]] | None = None) -> int:
    """Begin the stored list of each of these articles with the other coverage of its story (zixun/stories/),
    one entry per duplicate group (the article's own group left out), closest first (by the score of their
    link, else of the list), then the rest of its list; how many lists changed. The stories stage calls it
    for the members of each story it decided again, so a story that grows changes its older members' lists."""
    story_of = stories.story_ids(connection, ids)
    if not story_of:
        return 0
    members = stories.members_of_stories(connection, set(story_of.values()))
    everyone = sorted(set(ids).union(*members.values()) if members else set(ids))
    original = duplicates.original_of(connection, everyone)
    if links is None:
        links = stories.linked_with(connection, [i for i in ids if i in story_of])
    current = related_lists.lists_of(connection, ids)
    ordered = {story: sorted(found) for story, found in members.items()}  # once a story, not once a member
    changed = {}
    for article_id in ids:
        found = current.get(article_id, [])
        story = story_of.get(article_id)
        mates = members.get(story, set()) if story is not None else set()
        listed = dict(found)
        mine = links.get(article_id, {})
        groups: dict[str, float] = {}
        # the linked and listed members first; a large story's other members only while the list is short
        near = sorted((set(mine) | set(listed)) & mates)
        for mate in chain(near, ordered.get(story, ())):
            if mate not in near and len(groups) >= KEEP:
                break
            group = original[mate] if original[mate] in mates else mate
            if group in (article_id, original[article_id]) or original[group] != group:
                continue  # the article's own copies, and copies whose original is elsewhere
            score = max(mine.get(mate, 0.0), mine.get(group, 0.0), listed.get(group, 0.0))
            groups[group] = max(groups.get(group, 0.0), score)
        first = sorted(groups.items(), key=lambda p: (-p[1], p[0]))[:KEEP]
        rest = [(rid, s) for rid, s in found if rid not in mates and rid not in groups]
        fresh = [(rid, round(s, 4)) for rid, s in (first + rest)[:KEEP]]
        if fresh != found:
            changed[article_id] = fresh
    related_lists.save_lists(connection, changed, {})
    return len(changed)
