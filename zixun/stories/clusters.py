"""Stories: the articles that tell of one event, grouped as they arrive.

Each new or changed article gets keys (its keywords, the terms and names of its headline, and the game scores its
text gives); the articles sharing KEYS_SHARED of them (a name or score counts as NAME_KEY), published within the
time window, are its candidates, compared by the cosine of TF-IDF vectors of their words (headline words weighted
up) plus a bonus for the names and signs (scores, a subject) they share, less a little for each day between them.
A candidate close enough, whose facts do not conflict (conflicts.py: another score, date, pair of teams, province or
person; one actor's announcement of other days; too far apart in time), is linked with it; links are kept in the
store. The articles linked with one another (and the copies of one original, store/duplicates.py) form a component,
which is cut into stories by average linkage under the conflict rules: no pair of a story may differ in time, score,
date, year, model or place or be one actor's announcements of other days, no two groups merged may name only other
people or teams pair by pair, and its members must be close on average, so one article close to two events does not
chain them; an article left alone then joins the story of ten or more it is close to as a whole (a story's commentary
and reactions share little with any one report), and two groups close as wholes join when their headlines share a key
the store's articles mostly have in these two groups. A repost joins its original's story.

Links depend only on the two articles. When articles arrive, change or are deleted, the stories around them
are decided again whole: theirs, and those of the articles they are (or were) linked with, with the copies of
all these; stories further along a chain of links stay as they were, so a batch reads a bounded neighbourhood
however far links chain (an undated season of games chains thousands of articles). Arrival order matters
little (the df an article's keywords were chosen with is the one at its ingest).
"""

from __future__ import annotations

import heapq
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import chain
from sys import intern
from typing import NamedTuple

import numpy as np
import sqlalchemy as sa
from scipy import sparse

from zixun.rank import related
from zixun.store import articles, deriving, stories, terms, writing
from zixun.stories.conflicts import WINDOW_DAYS, Facts, conflict, days_apart
from zixun.text.normalize import fold

LINK_SCORE = 0.25  # cosine at which two articles (free of conflicts) are linked
STORY_SCORE = 0.25  # average cosine at which two groups of a component are one story
KEYS_SHARED = 2  # keys two articles must share to be compared
# a name an article's headline gives (or a sign) counts as this many keys shared with the articles that have it as
# a key: tributes to one man (董桥悼金庸, 倪匡电邮回复金庸仙逝) often share nothing else among their keys
NAME_KEY = 2
TITLE_WEIGHT = 3.0  # a headline word counts as this many words of the text
# added to the cosine of two articles for each name their headlines share or sign (a game's score, a subject) their
# texts share, at most two: coverage of one game or one person's death shares few words beyond these
NAME_BONUS = 0.15
# taken from the score of two articles for each day between them: coverage of one event is dense near it, and
# articles days apart must be the more alike to be one story (the next game of a team, a speech at another event);
# 0.20 at the window's end
DECAY_PER_DAY = 0.05
MAX_CANDIDATES = 100  # an article is compared with the candidates sharing the most keys with it, this many at most
MAX_POSTING = 1000  # articles of one key counted as candidates (the first by id: the same in any arrival order)
MAX_LINKS = 50  # links kept per article, best first (a story of thousands needs no more to hold together)
DENSE_MAX = 600  # a larger component is first cut by its stronger links (average linkage is quadratic)
SPLIT_LEVELS = (0.25, 0.35, 0.45, 0.55, 0.65, 0.75)  # the link scores a large component is cut at, in turn
MIN_DOCS = 1000  # the idf of a store with fewer articles is computed as if it held this many
# articles clustered per transaction; each decides again the stories its articles touched. 2,000 is cheaper (the
# stage over the dev corpus 17 -> 12 s) but decides large stories whole and gathers other events (tried twice:
# tests/data/stories/README.md)
BATCH = 500
# articles a pass keeps read between its batches (~5 KB each with their rows: 75 MB; the first read go first;
# fewer costs more, not less: a batch reaches thousands, and articles read again are made again) and the
# words of their rows, at most
PASS_ARTICLES = 15000
PASS_TERMS = 500_000
PAIRS = 5000  # (article, candidate) pairs scored at once
READ_CHUNK = 1000  # articles read from the store at once (their words are ~12 KB each until their rows are made)
ANALYZE_AFTER = 5000
# conflicts that keep two groups apart only when every pair across them has one (any other conflict keeps them apart
# when one pair has it)
SOFT = frozenset(["teams", "people", "things", "host", "sayings"])
# a story of this many articles takes an article average linkage left alone when it is alike enough to the story as a
# whole (_attach)
ATTACH_SIZE = 10
# two groups alike as wholes (the cosine of their summed vectors) at least this much join when their headlines share
# a key of their own: at least JOIN_COVER of each group's headlines give it, and more than JOIN_SHARE of the store's
# articles with it are in the two groups (_join_by_key)
JOIN_SCORE = 0.35
JOIN_COVER = 0.5
JOIN_SHARE = 0.3
_MICROSECOND = timedelta(microseconds=1)


@dataclass
class StoriesSummary:
    """What a pass did: articles clustered, links found, components decided, stories changed, seconds."""

    clustered: int = 0
    links: int = 0
    components: int = 0
    changed: int = 0
    seconds: float = 0.0


class Dated(NamedTuple):
    """What deciding a story reads of an article's row (the rest of the row is not kept)."""

    id: str
    title: str
    source: str | None
    published_at: datetime | None
    ingested_at: datetime
    updated_at: datetime


class Article:
    """What clustering knows of an article: its vector terms (until its row is made, see _Known.prepare), keys,
    headline facts and time."""

    __slots__ = ("copies", "facts", "heads", "id", "keys", "names", "row", "terms")

    def __init__(self, row: sa.Row):
        self.id = row.id
        self.row = Dated(row.id, row.title, row.source, row.published_at, row.ingested_at, row.updated_at)
        at = row.published_at or row.ingested_at
        entities = row.entities or {}
        title_words = [t for t in (row.title_terms or "").split() if len(t) >= 2 and not t.isdigit()]
        self.facts = Facts.of(fold(row.title), entities, at, row.body, title_words)
        words: dict[str, float] = {t: float(c) for t, c in (row.candidates or {}).items()}
        for term in title_words:
            words[term] = words.get(term, 0.0) + TITLE_WEIGHT
        self.terms = words
        self.names = self.facts.names | self.facts.signs  # what two reports of one event share
        self.copies: tuple[Facts, ...] = ()  # the facts of its reposts in the decision at hand (_decide, _conflict)
        # interned: a pass keeps thousands of articles whose keys are mostly the same few thousand words
        # a subject ("@name") is no key: its name is one already
        keys = (*(row.keywords or ()), *title_words, *self.facts.names, *self.facts.results)
        self.keys = sorted({intern(k) for k in keys})
        self.heads = frozenset(intern(t) for t in title_words)  # its headline's words (_join_by_key)


def refresh(engine: sa.Engine, progress: Callable[[int], None] | None = None) -> StoriesSummary:
    """Cluster the articles stored or changed since the last pass, forget deleted ones, and decide again
    every component they joined or left; a transaction per BATCH articles."""
    started = time.perf_counter()
    summary = StoriesSummary()
    shared = _Pass()
    with engine.connect() as connection:
        todo, deleted = stories.pending(connection), stories.gone(connection)
    # each transaction takes its turn (store.deriving) and first re-reads what is still to do: another
    # process's pass (a second crawler) may have done it meanwhile
    if deleted:
        with deriving(engine) as connection:
            if deleted := stories.gone(connection):
                touched = stories.forget(connection, deleted)
                _decide(connection, touched | set(deleted), summary, _Known(connection, shared))
    for start in range(0, len(todo), BATCH):
        asked = todo[start : start + BATCH]
        with deriving(engine) as connection:
            if batch := stories.pending(connection, asked):
                known = _Known(connection, shared)  # articles read once for linking and deciding
                touched = _cluster(connection, batch, summary, known)
                _decide(connection, touched, summary, known)
        if progress:
            progress(len(asked))
    if len(todo) >= ANALYZE_AFTER:
        with writing(engine) as connection:
            stories.analyze(connection)
    summary.seconds = time.perf_counter() - started
    return summary


class _Pass:
    """What the batches of one pass share: the df of each term read, and the articles read with their vectors
    (kept while the store's size, which their idf weights depend on, stays the same; see PASS_ARTICLES)."""

    def __init__(self) -> None:
        self.df: dict[str, int] = {}
        self.n_docs = 0
        self.forget()

    def forget(self) -> None:
        self.found: dict[str, Article] = {}
        self.vocabulary: dict[str, int] = {}  # term → column, shared by every row made
        self.idf = np.zeros(0)  # by column
        self.parts: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # article id → its row's (columns, values)

    def trim(self) -> None:
        """Keep half of PASS_ARTICLES, the last read, when more are kept; none when the words are too many."""
        if len(self.vocabulary) > PASS_TERMS:
            self.forget()
        elif len(self.found) > PASS_ARTICLES:
            for article_id in list(self.found)[: len(self.found) - PASS_ARTICLES // 2]:
                del self.found[article_id]
                self.parts.pop(article_id, None)


class _Known:
    """Articles read from the store (again only when changed since), with their idf weights."""

    def __init__(self, connection: sa.Connection, shared: _Pass):
        self._connection = connection
        self._pass = shared
        self._df = shared.df
        # a small store's df says little (in a store of two articles every shared word looks common): it
        # counts as if it held MIN_DOCS articles
        self.n_docs = max(stories.document_count(connection), MIN_DOCS)
        if self.n_docs != shared.n_docs:
            shared.forget()
            shared.n_docs = self.n_docs
        shared.trim()
        self._found, self._parts = shared.found, shared.parts

    def of(self, ids: Iterable[str]) -> dict[str, Article]:
        """The articles of these ids still stored; one read already is read again only if it changed since."""
        ids = list(ids)
        versions = articles.versions_of(self._connection, ids)
        missing = [i for i, at in versions.items() if i not in self._found or self._found[i].row.updated_at != at]
        for rows in stories.feature_rows(self._connection, missing, READ_CHUNK):
            made = [Article(row) for row in rows]
            for article in made:
                self._found[article.id] = article
                self._parts.pop(article.id, None)
            self.prepare(made)  # their rows now: the words they are made of are dropped, chunk by chunk
        return {i: self._found[i] for i in ids if i in versions and i in self._found}

    def vectors(self, items: list[Article]) -> sparse.csr_matrix:
        """L2-normalised TF-IDF rows of these articles over the known vocabulary (each article's row is made
        once: linking and deciding a batch ask for many of the same articles)."""
        self.prepare(items)
        parts = [self._parts[a.id] for a in items]
        columns = np.concatenate([c for c, _ in parts]) if parts else np.zeros(0, np.int32)
        values = np.concatenate([v for _, v in parts]) if parts else np.zeros(0)
        pointers = np.concatenate(([0], np.cumsum([len(c) for c, _ in parts])))
        return sparse.csr_matrix((values, columns, pointers), shape=(len(items), max(len(self._pass.vocabulary), 1)))

    def prepare(self, items: Iterable[Article]) -> None:
        """Make the rows of those of these articles without one, in one step (of does it for every article it
        reads; vectors and pair read them)."""
        items = list({a.id: a for a in items if a.id not in self._parts}.values())
        if not items:
            return
        wanted = {t for a in items for t in a.terms} - self._df.keys()
        self._df.update(dict.fromkeys(wanted, 1) | terms.document_frequencies(self._connection, wanted))
        vocabulary = self._pass.vocabulary
        known = len(vocabulary)
        lengths = [len(a.terms) for a in items]
        words = list(chain.from_iterable(a.terms for a in items))
        # the words seen first now get the next columns, in the order they come (lookups by C calls, not a loop)
        new = [t for t in dict.fromkeys(words) if t not in vocabulary]
        vocabulary.update(zip(new, range(known, known + len(new)), strict=True))
        # int32: a pass keeps under PASS_TERMS columns (half the bytes of int64)
        columns = np.fromiter(map(vocabulary.__getitem__, words), np.int32, len(words))
        if new:  # the idf of the words seen first now
            dfs = np.fromiter(map(self._df.__getitem__, new), np.float64, len(new))
            self._pass.idf = np.concatenate((self._pass.idf, np.log1p(self.n_docs / dfs)))
        counts = np.fromiter(chain.from_iterable(a.terms.values() for a in items), np.float64, len(columns))
        values = (1.0 + np.log(counts)) * self._pass.idf[columns]
        starts = np.concatenate(([0], np.cumsum(lengths)))
        squares = np.add.reduceat(np.append(values * values, 0.0), starts[:-1])  # the 0: a last row may be empty
        norms = np.sqrt(np.where(np.diff(starts) > 0, squares, 0.0))
        norms[norms == 0] = 1.0
        values = values / np.repeat(norms, lengths)
        for k, a in enumerate(items):
            self._parts[a.id] = (columns[starts[k] : starts[k + 1]], values[starts[k] : starts[k + 1]])
            a.terms = None  # the row holds them now (a pass keeps thousands of articles: 12 KB each as a dict)

    def key_counts(self, keys: Iterable[str]) -> dict[str, int]:
        """How many clustered articles have each of these keys (MAX_POSTING at most; none: not in the result)."""
        return {k: len(v) for k, v in stories.sharing(self._connection, keys, MAX_POSTING).items()}

    def pair(self, a: Article, b: Article) -> float:
        """similar([a], [b])[0, 0] of two articles, from their rows without building matrices."""
        self.prepare((a, b))
        (a_columns, a_values), (b_columns, b_values) = self._parts[a.id], self._parts[b.id]
        _, mine, theirs = np.intersect1d(a_columns, b_columns, assume_unique=True, return_indices=True)
        return float(a_values[mine] @ b_values[theirs]) + _beyond_words(a, b)

    def similar(self, items: list[Article], others: list[Article]) -> np.ndarray:
        """How alike each of items is to each of others (a dense len(items) x len(others) array): the cosine of
        their vectors, plus NAME_BONUS for each name or sign they share (at most two), less DECAY_PER_DAY for each
        day between them."""
        found = (self.vectors(items) @ self.vectors(others).T).toarray()
        if any(a.names for a in items) and any(a.names for a in others):
            found += NAME_BONUS * np.minimum(_shared_names(items, others), 2)  # what _beyond_words gives each pair
        mine, theirs = _days(items), _days(others)
        return found - DECAY_PER_DAY * np.abs(mine[:, None] - theirs[None, :])


def _shared_names(items: list[Article], others: list[Article]) -> np.ndarray:
    """How many headline names and signs each of items shares with each of others (a dense array)."""
    columns: dict[str, int] = {}

    def marks(articles: list[Article]) -> tuple[list[int], list[int]]:
        pairs = [(k, columns.setdefault(name, len(columns))) for k, a in enumerate(articles) for name in a.names]
        return [k for k, _ in pairs], [c for _, c in pairs]

    (mine, my_names), (theirs, their_names) = marks(items), marks(others)
    width = len(columns)
    a = sparse.csr_matrix((np.ones(len(mine)), (mine, my_names)), shape=(len(items), width))
    b = sparse.csr_matrix((np.ones(len(theirs)), (theirs, their_names)), shape=(len(others), width))
    return (a @ b.T).toarray()


def _days(items: list[Article]) -> np.ndarray:
    """When each article was published (else stored), in days."""
    return np.fromiter((a.facts.at.timestamp() / 86400 for a in items), np.float64, len(items))


def _beyond_words(a: Article, b: Article) -> float:
    """What similar adds to the cosine of two articles: NAME_BONUS for each name or sign they share (at most two),
    less DECAY_PER_DAY for each day between them."""
    return NAME_BONUS * min(len(a.names & b.names), 2) - DECAY_PER_DAY * days_apart(a.facts, b.facts)


def _days_between(pool: dict[str, Article], order: list[str], mine: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """conflicts.days_apart of each pair of rows (mine[k], theirs[k]) of the pool's articles in order, to the last
    bit: whole microseconds apart (exact integers), then divided as days_apart divides."""
    if not order:
        return np.zeros(0)
    first = pool[order[0]].facts.at
    micros = np.fromiter(((pool[i].facts.at - first) // _MICROSECOND for i in order), np.int64, len(order))
    return np.abs(micros[mine] - micros[theirs]) / 1e6 / 86400


def _beyond_words_of(
    pool: dict[str, Article], order: list[str], mine: np.ndarray, theirs: np.ndarray, days: np.ndarray
) -> np.ndarray:
    """_beyond_words of each pair of rows (mine[k], theirs[k]) of the pool's articles in order, given the days
    between them: the same arithmetic on arrays (the same floats)."""
    named = np.fromiter((bool(pool[i].names) for i in order), bool, len(order))
    shared = np.zeros(len(mine))
    both = np.flatnonzero(named[mine] & named[theirs])
    shared[both] = [
        min(len(pool[order[a]].names & pool[order[b]].names), 2)
        for a, b in zip(mine[both].tolist(), theirs[both].tolist(), strict=True)
    ]
    return NAME_BONUS * shared - DECAY_PER_DAY * days


def _cluster(connection: sa.Connection, ids: list[str], summary: StoriesSummary, known: _Known) -> set[str]:
    """Key and link these articles; the ids whose components must be decided again."""
    touched = stories.forget(connection, ids) | set(ids)
    batch = known.of(ids)  # an article deleted meanwhile is left out
    stored = stories.sharing(connection, (k for a in batch.values() for k in a.keys), MAX_POSTING)
    by_key: dict[str, list[str]] = {}
    candidates: dict[str, set[str]] = {}
    for article in batch.values():
        shared: Counter[str] = Counter()
        for key in article.keys:
            # a key thousands of articles have (a team's name in a season) is counted over MAX_POSTING of them
            others = (*stored.get(key, ())[:MAX_POSTING], *by_key.get(key, ())[:MAX_POSTING])
            for _ in range(NAME_KEY if key in article.names else 1):
                shared.update(others)  # counted in C: a batch counts millions of (key, article) postings
            by_key.setdefault(key, []).append(article.id)
        found = ((-n, o) for o, n in shared.items() if n >= KEYS_SHARED and o != article.id)
        candidates[article.id] = [o for _, o in heapq.nsmallest(MAX_CANDIDATES, found)]
    others = known.of({o for found in candidates.values() for o in found})
    pool = {**others, **batch}
    order = sorted(pool)
    row = {article_id: k for k, article_id in enumerate(order)}
    vectors = known.vectors([pool[i] for i in order])  # once per batch: each article is compared with its own
    # every (article, candidate) pair of the batch as rows of the pool, article by article; then the days between
    # them, the pairs within the time window and their scores by array operations, not a call per pair (a batch has
    # ~50,000)
    owner, mine, theirs = [], [], []
    for k, (article_id, found) in enumerate(candidates.items()):
        present = [row[o] for o in found if o in pool]
        owner.extend([k] * len(present))
        mine.extend([row[article_id]] * len(present))
        theirs.extend(present)
    owner, mine, theirs = (np.array(found, np.intp) for found in (owner, mine, theirs))
    days = _days_between(pool, order, mine, theirs)
    near = days <= WINDOW_DAYS
    owner, mine, theirs, days = owner[near], mine[near], theirs[near], days[near]
    scores = _cosines(vectors, mine.tolist(), theirs.tolist()) + _beyond_words_of(pool, order, mine, theirs, days)
    # only the pairs scoring LINK_SCORE or more are sorted and checked for conflicts (the others are never kept)
    strong = np.flatnonzero(scores >= LINK_SCORE)
    bounds = np.searchsorted(owner[strong], np.arange(len(candidates) + 1))
    links = []
    for k, article_id in enumerate(candidates):
        article = batch[article_id]
        best = sorted(
            ((float(scores[p]), order[theirs[p]]) for p in strong[bounds[k] : bounds[k + 1]].tolist()), reverse=True
        )
        kept = [(article_id, o, round(s, 4)) for s, o in best if conflict(article.facts, pool[o].facts) is None]
        links.extend(kept[:MAX_LINKS])
    links = _unique(links)
    versions = {i: a.row.updated_at for i, a in batch.items()}
    stories.save(connection, {i: a.keys for i, a in batch.items()}, links, versions)
    summary.clustered += len(batch)
    summary.links += len(links)
    touched.update(o for _, o, _ in links)
    return touched


def _cosines(vectors: sparse.csr_matrix, mine: list[int], theirs: list[int]) -> np.ndarray:
    """The cosine of each pair of rows (mine[k], theirs[k]): the two rows multiplied element by element, PAIRS
    pairs at a time (a batch has up to 50,000 pairs; their rows at once would take ~130 MB)."""
    found = [
        np.asarray(vectors[mine[k : k + PAIRS]].multiply(vectors[theirs[k : k + PAIRS]]).sum(axis=1)).ravel()
        for k in range(0, len(mine), PAIRS)
    ]
    return np.concatenate(found) if found else np.zeros(0)


def _unique(links: list[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
    """One link per pair (two articles of a batch may find each other)."""
    found: dict[tuple[str, str], tuple[str, str, float]] = {}
    for a, b, s in links:
        found.setdefault((min(a, b), max(a, b)), (a, b, s))
    return list(found.values())


def _decide(connection: sa.Connection, touched: set[str], summary: StoriesSummary, known: _Known) -> None:
    """Decide again the stories of each component the touched articles are in."""
    now = datetime.now(UTC)
    reached, links, copies, mates = _reach(connection, touched)
    found_all = known.of(reached)  # with their rows (of makes them as it reads)
    decisions: list[tuple[list[str], list[list[str]]]] = []
    alive_of: list[list[str]] = []
    facts: dict[str, Dated] = {}
    reposts: set[str] = set()
    for members in _components(reached, links, copies, mates):
        found = {a: found_all[a] for a in members if a in found_all}
        alive = sorted(found)
        # a repost joins its original's story, unless their headlines conflict (a template notice of another
        # province is text copied, not the same event)
        joined = {
            r: o
            for r, o in copies.items()
            if r in found and o in found and not conflict(found[r].facts, found[o].facts)
        }
        originals = [a for a in alive if a not in joined]
        for a in alive:
            found[a].copies = ()
        for r, o in joined.items():
            found[o].copies += (found[r].facts,)
        groups = _cut(originals, links, found, known)
        clusters = _with_reposts(groups, joined)
        facts.update((a, found[a].row) for a in alive)
        reposts.update(joined)
        decisions.append((sorted(members), [c for c in clusters if len(c) >= 2]))
        alive_of.append(alive)
    # every component's stories written at once (a few statements for the batch, not for each component)
    changed = stories.decide(connection, decisions, facts, reposts, now)
    # the related lists of the members of changed components begin with their story's other coverage
    redo = sorted({a for alive, ids in zip(alive_of, changed, strict=True) if ids for a in alive})
    if redo:
        related.story_first(connection, redo, links)
    summary.components += len(decisions)
    summary.changed += sum(len(ids) for ids in changed)


def _reach(connection: sa.Connection, touched: set[str]) -> tuple[set[str], dict, dict[str, str], list[set[str]]]:
    """What deciding the touched articles' stories again reads: the touched articles (those whose links
    changed, and the articles those links join or joined them with) and every article sharing a present story
    or a duplicate group with one of them (whole stories and groups, so each old story is decided again whole);
    the links among these, {repost: original} and the member sets of their stories. Links are not followed
    further: a story along a chain of links that did not change is left as it was, so a batch reads a bounded
    neighbourhood, not every article its links chain to (thousands on an undated corpus of one season's games)."""
    reached, frontier = set(touched), sorted(touched)
    copies: dict[str, str] = {}
    mates: list[set[str]] = []
    seen_stories: set[int] = set()
    while frontier:
        pairs = stories.copies_of(connection, frontier)
        copies.update(pairs)
        step = set(pairs) | set(pairs.values())
        in_story = set(stories.story_of_members(connection, frontier).values()) - seen_stories
        seen_stories |= in_story
        for members in stories.members_of_stories(connection, in_story).values():
            mates.append(members)
            step.update(members)
        frontier = sorted(step - reached)
        reached.update(frontier)
    links = {
        a: inside
        for a, others in stories.linked_with(connection, sorted(reached)).items()
        if (inside := {o: s for o, s in others.items() if o in reached})
    }
    return reached, links, copies, mates


def _components(reached: set[str], links: dict, copies: dict[str, str], mates: list[set[str]]) -> list[set[str]]:
    """The connected parts of reached."""
    parent = {a: a for a in reached}

    def root(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def join(a: str, b: str) -> None:
        if a in parent and b in parent:
            parent[root(a)] = root(b)

    for a, others in links.items():
        for b in others:
            join(a, b)
    for a, b in copies.items():
        join(a, b)
    for members in mates:
        first = min(members)
        for b in members:
            join(first, b)
    parts: dict[str, set[str]] = {}
    for a in sorted(reached):
        parts.setdefault(root(a), set()).add(a)
    return list(parts.values())


def _average_linkage(items: list[Article], known: _Known) -> list[list[str]]:
    """Groups of these articles: the closest two groups (average similarity) merged while that average is at
    least STORY_SCORE and they are not kept apart by conflicts (_kept_apart)."""
    n = len(items)
    if n < 2:
        return [[a.id for a in items]]
    if n == 2:  # most components: two articles, one decision
        a, b = items
        together = known.pair(a, b) >= STORY_SCORE and _conflict(a, b) is None
        return [[a.id, b.id]] if together else [[a.id], [b.id]]
    similar = known.similar(items, items)
    # conflicts are looked up only between the two groups about to merge (most pairs never are); two groups kept
    # apart stay apart once either is merged with another
    blocked = np.zeros((n, n), bool)
    sums = similar.copy()
    sizes = np.ones(n)
    alive = np.ones(n, bool)
    groups = {i: [i] for i in range(n)}
    np.fill_diagonal(sums, -np.inf)
    # the average of each pair of live groups (-inf for the others): a merge changes only the merged group's
    # row and column, so only those are computed again (a whole table per merge made this cubic)
    average = sums.copy()
    within = np.ones(n)  # each group's similarities among its members, summed over ordered pairs (each with itself 1)
    while True:
        flat = int(np.argmax(average))
        i, j = divmod(flat, n)
        if average[i, j] < STORY_SCORE:
            break
        if _kept_apart([items[a] for a in groups[i]], [items[b] for b in groups[j]]):
            blocked[i, j] = blocked[j, i] = True
            average[i, j] = average[j, i] = -np.inf
            continue
        within[i] += within[j] + 2 * sums[i, j]
        sums[i, :] += sums[j, :]
        sums[:, i] += sums[:, j]
        sums[i, i] = -np.inf
        blocked[i, :] |= blocked[j, :]
        blocked[:, i] |= blocked[:, j]
        sizes[i] += sizes[j]
        alive[j] = False
        groups[i].extend(groups.pop(j))
        average[i, :] = np.where(blocked[i, :] | ~alive, -np.inf, sums[i, :] / (sizes[i] * sizes))
        average[:, i] = np.where(blocked[:, i] | ~alive, -np.inf, sums[:, i] / (sizes * sizes[i]))
        average[i, i] = -np.inf
        average[j, :] = average[:, j] = -np.inf
    _attach(items, groups, sums, within, blocked)
    _join_by_key(items, groups, sums, within, blocked, known)
    return [[items[k].id for k in members] for members in groups.values()]


def _attach(
    items: list[Article], groups: dict[int, list[int]], sums: np.ndarray, within: np.ndarray, blocked: np.ndarray
) -> None:
    """Put each article average linkage left alone into the group of ATTACH_SIZE or more it is most alike as a whole,
    when that likeness is at least STORY_SCORE and no conflict keeps them apart. Alike as a whole: the cosine of its
    vector with the sum of the group's (its summed similarities to the members over the root of the group's summed
    similarities among them). A large story's fringe (commentary, reactions, what followed) shares little with any one
    report but much with all of them; a small group's sum is no better than its members (attached to groups under ten,
    most articles a reader judged another event). The story's own conflicts decide, not those average linkage found
    with a part of it (a soft one with each member of a group it has since joined others in). The groups do not change
    as they take articles: the order of attaching changes nothing."""
    large = [g for g, members in groups.items() if len(members) >= ATTACH_SIZE]
    alone = [g for g, members in groups.items() if len(members) == 1]
    if not large or not alone:
        return
    cores = [[items[a] for a in groups[g]] for g in large]  # what conflicts are looked up against
    rows = np.array(large)
    likeness = sums[np.ix_(rows, alone)] / np.sqrt(within[rows])[:, None]
    for column, k in enumerate(alone):
        for best in np.argsort(-likeness[:, column]):
            if likeness[best, column] < STORY_SCORE:
                break
            if not _kept_apart(cores[best], [items[k]]):
                groups[large[best]].extend(groups.pop(k))
                break


def _join_by_key(
    items: list[Article],
    groups: dict[int, list[int]],
    sums: np.ndarray,
    within: np.ndarray,
    blocked: np.ndarray,
    known: _Known,
) -> None:
    """Join the two groups most alike as wholes (the cosine of their summed vectors) while that likeness is at least
    JOIN_SCORE, no conflict keeps them apart and their headlines share a key of their own: a headline word that at
    least JOIN_COVER of each group's headlines give and more than JOIN_SHARE of the store's articles with that key are
    in the two groups (蓝洁瑛's death and two tributes; 国考报名结束 in two wordings). A story's pieces in other words
    hold together as wholes, but so do a topic's other events (one team's season, one star's week): a key the two
    groups mostly hold in the store tells the one from the other. Likeness alone (stop 30) joined those."""
    counts: dict[str, int] = {}
    refused: set[tuple[int, int]] = set()
    while len(groups) >= 2:
        live = sorted(groups)
        rows = np.array(live)
        likeness = sums[np.ix_(rows, rows)] / np.sqrt(np.outer(within[rows], within[rows]))
        likeness[blocked[np.ix_(rows, rows)]] = -np.inf
        np.fill_diagonal(likeness, -np.inf)
        joined = False
        for flat in np.argsort(-likeness, axis=None).tolist():
            x, y = divmod(flat, len(live))
            if likeness[x, y] < JOIN_SCORE:
                return
            i, j = live[x], live[y]
            if x >= y or (i, j) in refused:
                continue
            one, other = [items[a] for a in groups[i]], [items[b] for b in groups[j]]
            if not _own_key(one, other, items, counts, known) or _kept_apart(one, other):
                refused.add((i, j))
                continue
            within[i] += within[j] + 2 * sums[i, j]
            sums[i, :] += sums[j, :]
            sums[:, i] += sums[:, j]
            blocked[i, :] |= blocked[j, :]
            blocked[:, i] |= blocked[:, j]
            groups[i].extend(groups.pop(j))
            refused = {(a, b) for a, b in refused if i not in (a, b)}
            joined = True
            break
        if not joined:
            return


def _own_key(
    one: list[Article], other: list[Article], items: list[Article], counts: dict[str, int], known: _Known
) -> bool:
    """Whether the headlines of two groups share a key of their own (_join_by_key); counts keeps the store's count of
    each key looked up."""

    def cover(members: list[Article], key: str) -> float:
        return sum(key in m.heads for m in members) / len(members)  # a headline's words are keys (Article)

    shared = {k for m in one for k in m.heads} & {k for m in other for k in m.heads}
    keys = sorted(k for k in shared if cover(one, k) >= JOIN_COVER and cover(other, k) >= JOIN_COVER)
    if wanted := [k for k in keys if k not in counts]:
        counts.update(dict.fromkeys(wanted, 0) | known.key_counts(wanted))
    ids = {m.id for m in one} | {m.id for m in other}
    return any(counts[k] and sum(m.id in ids and k in m.keys for m in items) > JOIN_SHARE * counts[k] for k in keys)


def _kept_apart(one: list[Article], other: list[Article]) -> bool:
    """Whether two groups of a component cannot be one story: a pair across them whose facts conflict in time,
    score, date, year, model, place, an actor's days, actor, meeting, person or template, or every pair with a conflict
    of SOFT (each headline names its own people or teams: reports of one game quote different players, and a group
    holding some of each links the two)."""
    soft = 0
    for a in one:
        for b in other:
            why = _conflict(a, b)
            if why is None:
                continue
            if why not in SOFT:
                return True
            soft += 1
    return soft == len(one) * len(other)


def _conflict(a: Article, b: Article) -> str | None:
    """conflict() of two originals, a soft one (SOFT) lifted when a repost of either has none with the other or its
    reposts: a repost is the same text under another headline, and those rules read headlines (亚洲大学排行榜出炉：港大、清华、北大等上榜,
    a copy of 亚洲大学排行榜出炉：港大清华北大复旦跻身前10, beside QS发布2019亚洲大学排名 清华第三北大第五). Reposts stay out of
    average linkage (an article with copies would count twice in every average): their originals stand for them."""
    why = conflict(a.facts, b.facts)
    if why not in SOFT or not (a.copies or b.copies):  # most articles have no repost: nothing more to compare
        return why
    lifted = any(conflict(x, y) is None for x in (a.facts, *a.copies) for y in (b.facts, *b.copies))
    return None if lifted else why


def _cut(
    ids: list[str], links: dict[str, dict[str, float]], found: dict[str, Article], known: _Known
) -> list[list[str]]:
    """Stories of a component's originals: average linkage under the conflict rules for a component of up to
    DENSE_MAX articles; a larger one is first cut into the parts its stronger links hold together (each
    level of SPLIT_LEVELS in turn), and a part still larger at the strongest level is one story."""
    out: list[list[str]] = []
    pieces = [ids]
    for level in SPLIT_LEVELS:
        larger = []
        for piece in pieces:
            if len(piece) <= DENSE_MAX:
                out.extend(_average_linkage([found[a] for a in piece], known))
            else:
                larger.extend(_linked_groups(piece, links, level))
        pieces = larger
    return out + pieces


def _linked_groups(ids: list[str], links: dict[str, dict[str, float]], level: float) -> list[list[str]]:
    """The parts of ids connected by links of level or more."""
    parent = {i: i for i in ids}

    def root(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, others in links.items():
        for b, score in others.items():
            if a in parent and b in parent and score >= level:
                parent[root(a)] = root(b)
    groups: dict[str, list[str]] = {}
    for i in ids:
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def _with_reposts(groups: list[list[str]], copies: dict[str, str]) -> list[list[str]]:
    """The groups with each repost in its original's."""
    where = {a: k for k, group in enumerate(groups) for a in group}
    out = [list(group) for group in groups]
    for repost, original in sorted(copies.items()):
        if original in where and repost not in where:
            out[where[original]].append(repost)
    return [sorted(group) for group in out]
