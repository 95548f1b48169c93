"""Writing an ingest's articles in batches: rows from extracted articles, new/changed/unchanged by content
hash, keywords from the store's document frequencies, one transaction per batch in a background thread.

The databases build their full-text index without holding the GIL, so batches are written while the
next ones are prepared (and, at the end, while related lists are computed). Reads for a batch see
every batch written before it; the articles of batches not yet written come from memory.
"""

from __future__ import annotations

import hashlib
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from zixun.models import Extracted
from zixun.store import articles, mentions, terms, writing

# (keyword candidates, df, article count) → keywords: the text stage's rule, handed in by the pipeline
Keywords = Callable[[dict[str, int], dict[str, int], int], list[str]]


def content_hash(article: Extracted) -> str:
    """A hash of what the source says of an article: the same hash again means nothing to update."""
    when = article.published_at.isoformat() if article.published_at else ""
    parts = [
        article.title,
        "\n".join(article.body),
        article.author,
        article.source,
        when,
        article.category,
        article.url,
        str(article.declared_original),
    ]
    return hashlib.sha1("\x1f".join(p or "" for p in parts).encode("utf-8")).hexdigest()


def article_row(article: Extracted, analysis: dict, now: datetime) -> dict:
    """The articles row (with its counters) of an extracted article and its text analysis's fields."""
    guid = articles.guid_of(article)
    return {
        "id": articles.article_id(guid),
        "guid": guid,
        "url": article.url,
        "title": article.title,
        "author": article.author,
        "source": article.source,
        "published_at": article.published_at,
        "declared_original": article.declared_original,
        "category": article.category,
        "body": "\n".join(article.body),
        "keywords": [],
        **analysis,
        "content_hash": content_hash(article),
        "views": article.views or 0,
        "comments": article.comments or 0,
        "shares": 0,
        "ingested_at": now,
        "updated_at": now,
        "extraction_confidence": article.confidence,
    }


@dataclass
class Stored:
    """What one batch did: its new and changed rows (queued for writing), and how many were unchanged."""

    new: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)
    skipped: int = 0


class BatchWriter:
    """Sorts each batch of rows into new, changed and unchanged, gives it keywords, and queues it for writing."""

    AHEAD = 3  # batches prepared but not yet written, at most (each holds its rows' text: ~10 MB)

    def __init__(self, engine: sa.Engine, keywords: Keywords):
        self._engine, self._keywords = engine, keywords
        self.frequencies = terms.FrequencyCache()
        self.total: int | None = None  # articles in the store, counting those written by this run
        self.newest_before = 0  # n of the newest article stored before this run
        self._unwritten: dict[str, tuple[str, dict]] = {}  # guid → (content_hash, candidates)
        self._writes: deque[tuple[Future, dict[str, tuple]]] = deque()  # and the versions they write
        self._failed = False  # a batch failed to write: the later ones are not written either
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="zixun-writer")

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(self, *exc_info) -> None:
        self._thread.shutdown(wait=True, cancel_futures=exc_info[0] is not None)
        if exc_info[0] is None:
            self._wait(0)

    def store(self, batch: list[dict]) -> Stored:
        """Sort the rows (the later of two with one guid wins), give them keywords, queue them for writing."""
        rows = {row["guid"]: row for row in batch}
        self._wait(self.AHEAD - 1)
        with self._engine.connect() as connection:
            old = self._stored_versions(connection, list(rows))
            done = _sort(rows, old)
            delta = _df_delta(done, old)
            wanted = {t for row in done.new + done.changed for t in row["candidates"]}
            df = self.frequencies.update(connection, delta, wanted)
        done.skipped += len(batch) - len(rows)
        self.total += len(done.new)
        for row in done.new + done.changed:
            row["keywords"] = self._keywords(row["candidates"], df, self.total)
        versions = {row["guid"]: (row["content_hash"], row["candidates"]) for row in done.new + done.changed}
        self._unwritten.update(versions)
        self._writes.append((self._thread.submit(self._write, done.new, done.changed, delta), versions))
        return done

    def _stored_versions(self, connection: sa.Connection, guids: list[str]) -> dict[str, tuple[str, dict]]:
        if self.total is None:
            self.total = articles.count(connection)
            self.newest_before = articles.newest_n(connection)
        found = articles.existing(connection, [g for g in guids if g not in self._unwritten])
        versions = {guid: (row.content_hash, row.candidates) for guid, row in found.items()}
        versions.update((g, self._unwritten[g]) for g in guids if g in self._unwritten)
        return versions

    def _wait(self, ahead: int) -> None:
        """Wait until at most ahead batches are unwritten; a writer's error is raised here."""
        while len(self._writes) > ahead or (self._writes and self._writes[0][0].done()):
            done, versions = self._writes.popleft()
            done.result()
            for guid, version in versions.items():
                if self._unwritten.get(guid) is version:  # not replaced by a later, unwritten batch
                    del self._unwritten[guid]

    def _write(self, new: list[dict], changed: list[dict], delta: Counter) -> None:
        if self._failed:
            raise RuntimeError("not written: an earlier batch failed")
        try:
            with writing(self._engine) as connection:
                articles.insert_many(connection, new)
                for row in changed:
                    articles.replace(connection, row["guid"], row)
                mentions.replace(connection, new + changed)
                terms.add_document_frequencies(connection, delta)
        except BaseException:
            self._failed = True
            raise


def _sort(rows: dict[str, dict], old: dict[str, tuple[str, dict]]) -> Stored:
    """The rows as new, changed (their guid is stored, with another content hash) and unchanged."""
    done = Stored()
    for guid, row in rows.items():
        if guid in old and old[guid][0] == row["content_hash"]:
            done.skipped += 1
        else:
            (done.changed if guid in old else done.new).append(row)
    return done


def _df_delta(done: Stored, old: dict[str, tuple[str, dict]]) -> Counter:
    """How the batch changes document frequencies: its new rows' terms, changed rows' new minus old terms."""
    delta: Counter = Counter()
    for row in done.new + done.changed:
        if row["guid"] in old:
            delta.subtract(Counter(old[row["guid"]][1].keys()))
        delta.update(row["candidates"].keys())
    return delta
