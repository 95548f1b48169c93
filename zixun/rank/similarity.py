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


@dataclass
class Vectors:
    """L2-normalised rows, one per article, over a shared vocabulary."""

    matrix: sparse.csr_matrix
    items: list[Features]
    days: np.ndarray  # published_at in days since the epoch, NaN when unknown


VECTORIZE_ROWS = 4096  # articles weighted at a time: bounds the temporary arrays (~50 bytes an entry)


def vectorize(items: list[Features], df: dict[str, int], n_docs: int, vocabulary: dict[str, int]) -> Vectors:
    """Rows of pruned, name-boosted TF-IDF weights over the vocabulary the features were made with."""
    dfs = np.array([df.get(term, 1) for term in vocabulary], dtype=np.float64)
    boost = _name_boosts(vocabulary) if NAME_BOOST != 1.0 else None
    width = max(len(vocabulary), 1)
    parts = [
        _weights(items[start : start + VECTORIZE_ROWS], dfs, n_docs, width, boost)
        for start in range(0, len(items), VECTORIZE_ROWS)
    ]
    matrix = sparse.vstack(parts, format="csr") if parts else sparse.csr_matrix((0, width), dtype=np.float32)
    days = np.array([_days(item.published_at) for item in items], dtype=np.float64)
    return Vectors(matrix, items, days)


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


def resize(vectors: Vectors, width: int) -> sparse.csr_matrix:
    """The matrix widened to a vocabulary that grew after it was built."""
    matrix = vectors.matrix
    return sparse.csr_matrix((matrix.data, matrix.indices, matrix.indptr), shape=(matrix.shape[0], width))


def term_columns(corpus: Vectors, width: int) -> sparse.csr_matrix:
    """The corpus transposed (a row per term), as score_rows takes it: built once for many query chunks."""
    return resize(corpus, width).T.tocsr()


def score_rows(queries: Vectors, columns: sparse.csr_matrix) -> sparse.csr_matrix:
    """Cosine of each query row with each corpus row (only pairs sharing a term are stored)."""
    return (resize(queries, columns.shape[0]) @ columns).tocsr()


def time_factor(days_a: np.ndarray | float, days_b: np.ndarray) -> np.ndarray:
    """The time-proximity multiplier of pairs of articles (1 when a date is unknown)."""
    gap = np.abs(days_b - days_a)
    factor = 1.0 - TIME_WEIGHT * (1.0 - np.exp(-gap / TIME_DAYS))
    return np.where(np.isnan(factor), 1.0, factor)


def best_lists(
    scores: sparse.csr_matrix,
    queries: Vectors,
    corpus: Vectors,
    keep: int,
) -> list[list[tuple[int, float]]]:
    """The keep best (corpus index, score) of each query row: itself, copies and weak pairs left out."""
    # 1. the pairs that can make a list, whole rows at once: the time factor only lowers a score
    at = np.flatnonzero(scores.data >= FIRST_SCORE)
    rows = np.searchsorted(scores.indptr, at, side="right") - 1
    columns, cosines = scores.indices[at], scores.data[at]
    final = cosines * time_factor(queries.days[rows], corpus.days[columns])
    strong = final >= FIRST_SCORE
    rows, columns, cosines, final = rows[strong], columns[strong], cosines[strong], final[strong]
    # 2. best first within each row; equal scores keep the order the product left them in
    order = np.lexsort((-final, rows))
    bounds = np.searchsorted(rows[order], np.arange(len(queries.items) + 1)).tolist()
    columns, cosines, final = columns[order].tolist(), cosines[order].tolist(), final[order].tolist()
    # 3. the first match may be weak, the next ones must reach MORE_SCORE; each shares MIN_SHARED terms
    shared = _SharedTerms(queries.matrix, corpus.matrix)
    found: list[list[tuple[int, float]]] = [[] for _ in queries.items]
    for row in np.flatnonzero(np.diff(bounds)).tolist():
        query, matches = queries.items[row], found[row]
        for k in range(bounds[row], bounds[row + 1]):
            if len(matches) >= keep or (matches and final[k] < MORE_SCORE):
                break
            column = columns[k]
            if not is_copy(query, corpus.items[column], cosines[k]) and shared.count(row, column) >= MIN_SHARED:
                matches.append((column, final[k]))
    return found


class _SharedTerms:
    """How many terms a query row and a corpus row have in common; each row's terms read once."""

    def __init__(self, queries: sparse.csr_matrix, corpus: sparse.csr_matrix):
        self._queries, self._corpus = queries, corpus
        self._row, self._row_terms = -1, set()
        self._columns: dict[int, list[int]] = {}

    def count(self, row: int, column: int) -> int:
        """len(terms of query row ∩ terms of corpus row)."""
        if row != self._row:
            self._row, self._row_terms = row, set(_terms(self._queries, row))
        terms = self._columns.get(column)
        if terms is None:
            terms = self._columns[column] = _terms(self._corpus, column)
        return len(self._row_terms.intersection(terms))


def _terms(matrix: sparse.csr_matrix, row: int) -> list[int]:
    return matrix.indices[matrix.indptr[row] : matrix.indptr[row + 1]].tolist()


def is_copy(a: Features, b: Features, cosine: float) -> bool:
    """Whether b is a itself or a copy of it (same folded title, or near-identical content)."""
    return a.id == b.id or cosine >= DUPLICATE_SCORE or (bool(a.title_key) and a.title_key == b.title_key)
