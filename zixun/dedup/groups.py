"""Duplicate groups: which stored articles are copies of one another, and which of each group is the original.

An article's candidates are the articles sharing a MinHash band with it (an SQL lookup of its band keys);
a candidate is a copy when the exact shingle sets say so: most of the smaller text is in the larger one
(an excerpt, an edited or wrapped repost) and the two are not wholly different in size. Copies form groups
(connected by verified pairs); a group's original is its earliest published article, ties broken by
source, then guid, never by arrival: when an earlier copy arrives, or a member changes or is deleted, each
group it touched is decided again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import sqlalchemy as sa

from zixun.store import articles, deriving, duplicates, writing
from zixun.text import fingerprint

CONTAINMENT = 0.5  # of the smaller text's shingles, the share the larger must hold
MIN_JACCARD = 0.2  # and of both together, the share they hold in common (an excerpt's is about half)
BATCH = 2000  # articles fingerprinted per transaction (each decides again the groups it touched: fewer is cheaper)
ANALYZE_AFTER = 5000  # articles fingerprinted in one pass after which the planner's statistics are refreshed
_LATEST = datetime.max.replace(tzinfo=UTC)  # an article with no publish time claims to be first of none


@dataclass
class DedupeSummary:
    """What a pass did: articles fingerprinted, copy pairs found, groups decided, seconds."""

    fingerprinted: int = 0
    pairs: int = 0
    groups: int = 0
    seconds: float = 0.0


def is_copy(overlap: fingerprint.Overlap) -> bool:
    """Whether two texts with this overlap are one text: copied, edited, wrapped or cut short."""
    return overlap.of_smaller >= CONTAINMENT and overlap.jaccard >= MIN_JACCARD


def refresh(
    engine: sa.Engine, progress: Callable[[int], None] | None = None, keys: dict[str, bytes] | None = None
) -> DedupeSummary:
    """Fingerprint the articles stored or changed since the last pass, forget deleted ones, and decide
    again every group they joined or left; a transaction per BATCH articles. keys: band keys the text
    stage already computed, by article id (text/fingerprint.packed_keys), for the articles it just stored."""
    started = time.perf_counter()
    summary = DedupeSummary()
    with engine.connect() as connection:
        todo, deleted = duplicates.pending(connection), duplicates.gone(connection)
    # each transaction takes its turn (store.deriving) and first re-reads what is still to do: another
    # process's pass (a second crawler) may have done it meanwhile
    if deleted:
        with deriving(engine) as connection:
            if deleted := duplicates.gone(connection):
                summary.groups += regroup(connection, duplicates.forget(connection, deleted))
    for start in range(0, len(todo), BATCH):
        asked = todo[start : start + BATCH]
        with deriving(engine) as connection:
            if batch := duplicates.pending(connection, asked):
                _fingerprint(connection, batch, summary, keys or {})
        if progress:
            progress(len(asked))
    if len(todo) >= ANALYZE_AFTER:
        with writing(engine) as connection:
            duplicates.analyze(connection)
    summary.seconds = time.perf_counter() - started
    return summary


def _fingerprint(connection: sa.Connection, ids: list[str], summary: DedupeSummary, given: dict[str, bytes]) -> None:
    """Fingerprint these articles, pair them with their copies, and decide the groups touched.

    The batch's band keys are looked up at once (a few queries, not one per article) and its members are
    compared with each other in memory; the keys and pairs are written at once too."""
    touched = duplicates.forget(connection, ids)
    versions = articles.versions_of(connection, ids)  # an article deleted meanwhile has none: left out
    known = _Shingles(connection)
    computed = known.of([i for i in versions if i not in given])  # a text's shingles only when needed
    keys = {
        i: fingerprint.unpacked_keys(given[i]) if i in given else fingerprint.band_keys(computed[i]) for i in versions
    }
    stored = duplicates.sharing(connection, (k for found in keys.values() for k in found))
    batch: dict[int, list[str]] = {}  # band key → the batch's articles fingerprinted so far
    pairs = []
    for article_id in versions:
        found = {other for k in keys[article_id] for other in (*stored.get(k, ()), *batch.get(k, ()))}
        for k in keys[article_id]:
            batch.setdefault(k, []).append(article_id)
        found.discard(article_id)
        if found:  # shingles are made only for articles with candidates (most have none)
            pairs.extend(_copies(article_id, found, known))
    duplicates.save(connection, keys, pairs)
    duplicates.mark_done(connection, versions)
    touched.update(a for pair in pairs for a in pair[:2])
    summary.fingerprinted += len(versions)
    summary.pairs += len(pairs)
    summary.groups += regroup(connection, touched)


def _copies(article_id: str, found: set[str], known: _Shingles) -> list[tuple[str, str, float, float]]:
    """(article, copy, share of the article's text in the copy, of the copy's in the article) of the
    candidates that are copies."""
    texts = known.of([article_id, *found])
    pairs = []
    for other in sorted(found & texts.keys()):
        overlap = fingerprint.overlap(texts[article_id], texts[other])
        if is_copy(overlap):
            pairs.append(
                (article_id, other, overlap.of_first, fingerprint.overlap(texts[other], texts[article_id]).of_first)
            )
    return pairs


class _Shingles:
    """Shingle sets of stored articles, read from their text once per batch."""

    def __init__(self, connection: sa.Connection):
        self._connection, self._found = connection, {}

    def of(self, ids: Iterable[str]) -> dict[str, np.ndarray]:
        """{id: shingles} of those of ids still stored."""
        ids = list(ids)
        missing = [i for i in ids if i not in self._found]
        for article_id, body in duplicates.texts_of(self._connection, missing).items():
            self._found[article_id] = fingerprint.shingles(fingerprint.text_of(body))
        return {i: self._found[i] for i in ids if i in self._found}


def regroup(connection: sa.Connection, touched: Iterable[str]) -> int:
    """Decide again the group of each touched article (its original, and each repost's share); groups decided.
    Every group touched is read and written at once (a few statements for a batch, not a few for each group)."""
    members, pairs = _reached(connection, set(touched))
    parts = _parts(members, pairs)
    grouped = [part for part in parts if len(part) > 1]
    order = duplicates.order_keys(connection, sorted(a for part in grouped for a in part))
    decisions = {}
    for part in grouped:
        decisions.update(_decisions(part, pairs, order))
    duplicates.decide(connection, sorted(members), decisions)
    return len(grouped)


def _reached(connection: sa.Connection, starts: set[str]) -> tuple[set[str], dict[str, dict[str, float]]]:
    """The articles connected to any of starts by copy pairs, and those pairs."""
    members, frontier, pairs = set(starts), sorted(starts), {}
    while frontier:
        found = duplicates.paired_with(connection, frontier)
        pairs.update(found)
        frontier = sorted({other for others in found.values() for other in others} - members)
        members.update(frontier)
    return members, pairs


def _parts(members: set[str], pairs: dict[str, dict[str, float]]) -> list[set[str]]:
    """The connected parts of members (the groups, and the articles alone)."""
    parts, seen = [], set()
    for start in sorted(members):
        if start in seen:
            continue
        part, frontier = {start}, [start]
        while frontier:
            frontier = [other for a in frontier for other in pairs.get(a, {}) if other not in part]
            part.update(frontier)
        seen |= part
        parts.append(part)
    return parts


def _decisions(members: set[str], pairs: dict[str, dict[str, float]], order: dict[str, tuple]) -> dict:
    """{repost: (original, share of the repost's text found in it)} of the articles of one component.

    A repost is a copy of its original itself, not of a copy of a copy (single links would chain unrelated
    texts through one that shares a little with each): the earliest article is the original of the
    articles paired with it, and the earliest of the rest is the original of its own, and so on."""
    decided = {}
    left = sorted(members & order.keys(), key=lambda i: _first_key(order[i]))
    while len(left) > 1:
        first, rest = left[0], left[1:]
        copies = pairs.get(first, {})
        decided.update((m, (first, round(pairs[m][first], 4))) for m in rest if m in copies)
        left = [m for m in rest if m not in copies]
    return decided


def _first_key(key: tuple) -> tuple:
    """Sort key of (published_at, source, guid): earliest published first, then by source, then guid."""
    published, source, guid = key
    return (published or _LATEST, source is None, source or "", guid)
