"""Content similarity of articles: pruned TF-IDF vectors over keyword candidates, names boosted.

The same vectors serve a whole-corpus pass (sparse matrix product) and the search-index path
(a few candidates per new article), so both rank with one formula. No I/O here.

score(a, b) = cosine(v_a, v_b) * time_factor(|published_a - published_b|)
  v = (1 + log tf) * idf over the article's TOP_TERMS strongest keyword candidates, terms in more
      than MAX_DF_SHARE of articles dropped (they say nothing about the story), names (people,
      places, orgs) weighted NAME_BOOST: two stories about 金庸 share a name, not just a topic.
  time_factor = 1 - TIME_WEIGHT * (1 - exp(-days / TIME_DAYS)): news of the same week is likelier
      to be the same story; articles without a date are not penalised.
A match needs MIN_SHARED terms in common; the first match needs FIRST_SCORE, the others MORE_SCORE,
so an article shows one or two good neighbours rather than five weak ones, and none when it has none.
A pair at or above DUPLICATE_SCORE, or with the same folded title, is a copy, never "related".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import numpy as np
from scipy import sparse

from zixun.text.normalize import fold

# calibrated on the dev split (hash of guid, see zixun/evaluate/related.py), never on held-out
TOP_TERMS = 300
MAX_DF_SHARE = 0.05  # 0.5 gains 0.5 point of precision for 3x the time
NAME_BOOST = 1.0  # 1.5 and 2.5 lost 1-5 points of precision: the POS-tagged names are noisy
TIME_WEIGHT, TIME_DAYS = 0.3, 7.0
# the best match may be weak (most stories have some neighbour), the next ones must be strong
FIRST_SCORE, MORE_SCORE = 0.06, 0.2
MIN_SHARED = 3  # one or two shared rare words (a name, a city) make coincidences, not stories
DUPLICATE_SCORE = 0.8
_NOT_WORD = re.compile(r"\W+")


@dataclass
class Features:
    """What similarity needs of one article: its keyword candidates as term ids of a shared vocabulary
    and their counts, in arrays (a few bytes a term, where a dict of strings costs some hundred)."""

    n: int
    id: str
    title_key: str
    columns: np.ndarray  # term ids in the vocabulary the features were made with, in candidate order
    counts: np.ndarray  # how often each term occurs
    names: frozenset[str]
    published_at: datetime | None


def features(
    n: int, id: str, title: str, candidates: dict, entities: dict, published_at, vocabulary: dict[str, int]
) -> Features:
    """Features of one article (its keyword candidates and named entities); vocabulary grows to hold its terms."""
    # the names matter only when they are boosted: 50,000 articles' sets of names cost some 25 MB
    names = (
        frozenset(name for kind in ("people", "places", "orgs") for name in entities.get(kind, []))
        if NAME_BOOST != 1.0
        else frozenset()
    )
    columns = np.fromiter((vocabulary.setdefault(t, len(vocabulary)) for t in candidates), np.int32, len(candidates))
    counts = np.fromiter(candidates.values(), np.float32, len(candidates))
    return Features(n, id, _NOT_WORD.sub("", fold(title)), columns, counts, names, published_at)


class Item(NamedTuple):
    """What telling copies apart needs of an article once its vector is made."""

    id: str
    title_key: str


@dataclass
class Vectors:
    """L2-normalised rows, one per article, over a shared vocabulary."""

    matrix: sparse.csr_matrix
    items: list[Item]
    days: np.ndarray  # published_at in days since the epoch, NaN when unknown


class Weighting:
    """The document frequencies vectors are weighted with, over one vocabulary (term → column).

    Terms met later (features() adds them to the vocabulary) count as in one document.
    """

    def __init__(self, df: dict[str, int], n_docs: int):
        self.vocabulary = {term: column for column, term in enumerate(df)}  # shares df's strings
        self._dfs = np.fromiter(df.values(), np.float64, len(df))
        self.n_docs = n_docs

    def dfs(self) -> np.ndarray:
        """The df of each column of the vocabulary as it is now."""
        grown = len(self.vocabulary) - len(self._dfs)
        return np.concatenate([self._dfs, np.ones(grown)]) if grown else self._dfs


VECTORIZE_ROWS = 4096  # articles weighted at a time: bounds the temporary arrays (~50 bytes an entry)


def vectorize(items: list[Features], weighting: Weighting) -> Vectors:
    """Rows of pruned, name-boosted TF-IDF weights over the vocabulary the features were made with."""
    dfs = weighting.dfs()
    boost = _name_boosts(weighting.vocabulary) if NAME_BOOST != 1.0 else None
    width = max(len(dfs), 1)
    parts = [
        _weights(items[start : start + VECTORIZE_ROWS], dfs, weighting.n_docs, width, boost)
        for start in range(0, len(items), VECTORIZE_ROWS)
    ]
    matrix = sparse.vstack(parts, format="csr") if parts else sparse.csr_matrix((0, width), dtype=np.float32)
    days = np.array([_days(item.published_at) for item in items], dtype=np.float64)
    return Vectors(matrix, [Item(item.id, item.title_key) for item in items], days)


def _weights(items: list[Features], all_dfs: np.ndarray, n_docs: int, width: int, boost) -> sparse.csr_matrix:
    """The normalised rows of some articles (every row on its own, so any split gives the same rows)."""
    max_df = max(MAX_DF_SHARE * n_docs, 20)  # a tiny corpus cannot tell common terms apart
    sizes = [len(item.columns) for item in items]
    rows = np.repeat(np.arange(len(items)), sizes)
    cols = np.concatenate([item.columns for item in items]) if items else np.zeros(0, np.int32)
    tfs = np.concatenate([item.counts for item in items]).astype(np.float64) if items else np.zeros(0)
    dfs = all_dfs[cols]
    weights = (1.0 + np.log(tfs)) * (np.log((n_docs + 1) / (dfs + 1)) + 1.0)  # text.keywords.idf
    if boost is not None:
        weights *= [NAME_BOOST if boost(item, c) else 1.0 for item in items for c in item.columns.tolist()]
    weights[dfs > max_df] = 0.0
    keep = _top_per_row(rows, weights, TOP_TERMS)
    keep = keep[weights[keep] > 0]
    rows, cols, weights = rows[keep], cols[keep], weights[keep]
    norms = np.sqrt(np.bincount(rows, weights * weights, minlength=len(items)))
    values = (weights / np.maximum(norms[rows], 1e-12)).astype(np.float32)
    return sparse.csr_matrix((values, (rows, cols)), shape=(len(items), width), dtype=np.float32)


def _name_boosts(vocabulary: dict[str, int]):
    terms = list(vocabulary)
    return lambda item, column: terms[column] in item.names


def _top_per_row(rows: np.ndarray, weights: np.ndarray, limit: int) -> np.ndarray:
    """Indices of the limit heaviest entries of each row (rows are in ascending order)."""
    order = np.lexsort((-weights, rows))
    starts = np.searchsorted(rows[order], rows[order], side="left")
    return np.sort(order[np.arange(len(order)) - starts < limit])


def _days(when: datetime | None) -> float:
    return when.timestamp() / 86400.0 if when is not None else math.nan


def resize(matrix: sparse.csr_matrix, width: int) -> sparse.csr_matrix:
    """The matrix widened to a vocabulary that grew after it was built."""
    return sparse.csr_matrix((matrix.data, matrix.indices, matrix.indptr), shape=(matrix.shape[0], width))


def time_factor(days_a: np.ndarray | float, days_b: np.ndarray) -> np.ndarray:
    """The time-proximity multiplier of pairs of articles (1 when a date is unknown)."""
    gap = np.abs(days_b - days_a)
    factor = 1.0 - TIME_WEIGHT * (1.0 - np.exp(-gap / TIME_DAYS))
    return np.where(np.isnan(factor), 1.0, factor)


@dataclass
class Pairs:
    """The pairs of a block of the corpus and a block of queries that can make a list: corpus row, query
    row (both within their blocks), cosine, and the final score (cosine × time factor) ≥ FIRST_SCORE."""

    corpus: np.ndarray
    queries: np.ndarray
    cosines: np.ndarray
    final: np.ndarray


def query_columns(queries: Vectors, width: int) -> sparse.csr_matrix:
    """The query rows transposed (a row per term), as score_pairs takes them: built once for many corpus blocks."""
    return resize(queries.matrix, width).T.tocsr()


def score_pairs(corpus: Vectors, queries: Vectors, columns: sparse.csr_matrix) -> Pairs:
    """Cosine × time factor of each corpus row with each query row (columns: query_columns(queries)),
    the pairs that reach FIRST_SCORE. The time factor only lowers a score, so weak cosines go first."""
    scores = (resize(corpus.matrix, columns.shape[0]) @ columns).tocsr()
    at = np.flatnonzero(scores.data >= FIRST_SCORE)
    rows = np.searchsorted(scores.indptr, at, side="right") - 1
    columns_at, cosines = scores.indices[at], scores.data[at]
    final = cosines * time_factor(corpus.days[rows], queries.days[columns_at])
    strong = final >= FIRST_SCORE
    return Pairs(rows[strong], columns_at[strong], cosines[strong], final[strong])


class Best:
    """The best `keep` matches of some articles, gathered block by block: {owner: [(score, other)]} best
    first, equal scores in the order of `other` (the corpus position), so blocks can come in any size."""

    def __init__(self, keep: int):
        self.keep = keep
        self.found: dict[int, list[tuple[float, int]]] = {}

    def offer(self, owners: np.ndarray, others: np.ndarray, final: np.ndarray, matches) -> None:
        """Take the pairs (owner, other, final score) that match(pair index) allows, best first per owner.

        A pair is looked at only while it can still make the owner's list: a list's first match may be
        weak, the others must reach MORE_SCORE (the rule of lists()).
        """
        order = np.lexsort((others, -final, owners))
        owners_sorted = owners[order]
        bounds = np.flatnonzero(np.diff(owners_sorted)) + 1
        starts = [0, *bounds.tolist()]
        ends = [*bounds.tolist(), len(order)]
        order_list, final_list, others_list = order.tolist(), final.tolist(), others.tolist()
        for start, end in zip(starts, ends, strict=True):
            if start == end:
                continue
            owner = int(owners_sorted[start])
            held = self.found.get(owner, [])
            best = held[0][0] if held else -1.0
            added: list[tuple[float, int]] = []
            for k in order_list[start:end]:
                score = final_list[k]
                if len(added) >= self.keep or (len(held) >= self.keep and held[-1][0] > score):
                    break
                if score < MORE_SCORE and (added or best >= score):
                    break
                if matches(k):
                    added.append((score, others_list[k]))
            if added:
                self.found[owner] = sorted(held + added, key=lambda p: (-p[0], p[1]))[: self.keep]

    def lists(self) -> dict[int, list[tuple[float, int]]]:
        """Each owner's list: its best match however weak, then the next ones that reach MORE_SCORE."""
        return {
            owner: ranked[:1] + [p for p in ranked[1:] if p[0] >= MORE_SCORE] for owner, ranked in self.found.items()
        }


class SharedTerms:
    """How many terms a corpus row and a query row have in common; each row's terms read once."""

    def __init__(self, corpus: sparse.csr_matrix, queries: sparse.csr_matrix):
        self._corpus, self._queries = corpus, queries
        self._rows: dict[int, set[int]] = {}
        self._columns: dict[int, list[int]] = {}

    def count(self, row: int, column: int) -> int:
        """len(terms of corpus row ∩ terms of query column)."""
        terms = self._rows.get(row)
        if terms is None:
            terms = self._rows[row] = set(_terms(self._corpus, row))
        other = self._columns.get(column)
        if other is None:
            other = self._columns[column] = _terms(self._queries, column)
        return len(terms.intersection(other))


def _terms(matrix: sparse.csr_matrix, row: int) -> list[int]:
    return matrix.indices[matrix.indptr[row] : matrix.indptr[row + 1]].tolist()


def is_copy(a: Item, b: Item, cosine: float) -> bool:
    """Whether b is a itself or a copy of it (same folded title, or near-identical content)."""
    return a.id == b.id or cosine >= DUPLICATE_SCORE or (bool(a.title_key) and a.title_key == b.title_key)
