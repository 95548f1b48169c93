"""Raw input → stored article, in numbered stages: find, extract, analyse, store."""
from __future__ import annotations

import hashlib
import os
import stat
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from itertools import islice
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import sqlalchemy as sa

from zixun import rank
from zixun.ingest.checks import Limits
from zixun.ingest.files import extract_records, find_inputs
from zixun.models import Extracted, IngestError
from zixun.settings import Settings
from zixun.store import articles as stored
from zixun.store import related as related_lists
from zixun.store import terms, writing
from zixun.text.analysis import Analysis, analyze
from zixun.text.keywords import top_keywords
from zixun.text.segment import segmenter

Clock = Callable[[], datetime]


@dataclass
class IngestSummary:
    """What an ingest run did: counts of articles, the inputs and records that failed with their reasons,
    and notes on values the admission checks dropped (an implausible publish time)."""

    new: int = 0
    updated: int = 0
    skipped: int = 0
    files: int = 0
    failed: list[IngestError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One summary line for the terminal."""
        notes = f", {len(self.notes)} notes" if self.notes else ""
        return (f"{self.files} files: {self.new} new, {self.updated} updated, {self.skipped} skipped "
                f"(unchanged), {len(self.failed)} failed{notes}")


class Progress:
    """Progress callbacks; the CLI draws a bar with them, tests and benchmarks use this silent one."""

    def start(self, phase: str, total: int | None) -> None:
        """A phase of total steps (None: not known in advance) begins."""

    def advance(self, phase: str, steps: int = 1) -> None:
        """steps more of phase are done."""


def article_id(guid: str) -> str:
    """The stable, URL-safe internal id of the article with this guid."""
    return hashlib.sha1(guid.encode("utf-8")).hexdigest()[:12]


def guid_of(article: Extracted) -> str:
    """The source's own identifier, or the URL, or one derived from title, time and author."""
    if article.guid:
        return article.guid
    if article.url:
        return article.url
    when = article.published_at.isoformat() if article.published_at else ""
    seed = f"{article.title}\n{when}\n{article.author or ''}"
    return "page:" + hashlib.sha1(seed.encode("utf-8")).hexdigest()[:20]


def ingest_paths(
    engine: sa.Engine, paths: Iterable[str | Path], settings: Settings,
    progress: Progress | None = None, clock: Clock | None = None, summary: IngestSummary | None = None,
) -> IngestSummary:
    """Ingest files and folders; a bad page, record or file is reported in the summary, the rest stored.

    summary, when given, is filled in place (the CLI reports what was done even if the run breaks off).
    """
    progress = progress or Progress()
    summary = summary if summary is not None else IngestSummary()
    clock = clock or _utcnow
    files = list(find_inputs(paths))
    limits = Limits.of(settings, clock())
    with BatchWriter(engine, settings, summary) as writer:
        with analyzer(settings, _total_bytes(files) >= POOL_BYTES) as analyze_all:
            # 1. extract each input, record by record (a bad page or record fails alone), in batches;
            # 2. analyse a batch (worker processes for a large input) while the ones before it are stored;
            # 3. store in batches. Streamed, so memory holds a few batches, not the whole input.
            progress.start("store", None)
            ahead: deque[tuple[list[Extracted], Iterator[Analysis]]] = deque()
            for batch in _batches(_extract_each(files, limits, summary, progress), settings.ingest_batch):
                ahead.append((batch, analyze_all(batch)))
                if len(ahead) > ANALYSIS_AHEAD:
                    _store_batch(writer, *ahead.popleft(), clock(), progress)
            while ahead:
                _store_batch(writer, *ahead.popleft(), clock(), progress)
        # 4. related lists of the new articles (and older lists they enter), computed while the last
        #    batches are written when there are many; 5. their counters as engagement
        planned = rank.plan(engine, writer.ingested()) if summary.new + summary.updated else None
    rank.refresh(engine, settings, planned)
    return summary


def _extract_each(files: list[Path], limits: Limits, summary: IngestSummary, progress: Progress) -> Iterator[Extracted]:
    progress.start("read", len(files))
    for path in files:
        summary.files += 1
        for found in extract_records(path, limits):   # never raises: a bad input is an IngestError
            if isinstance(found, IngestError):
                summary.failed.append(found)
            else:
                summary.notes.extend(found.notes)
                yield found
        progress.advance("read")


def _store_batch(writer: "BatchWriter", batch: list[Extracted], analyses: Iterator[Analysis], now: datetime,
                 progress: Progress) -> None:
    writer.store(batch, list(islice(analyses, len(batch))), now)
    progress.advance("store", len(batch))


def _total_bytes(files: list[Path]) -> int:
    return sum(_regular_size(path) for path in files)


def _regular_size(path: Path) -> int:
    try:
        found = os.lstat(path)
    except OSError:
        return 0
    return found.st_size if stat.S_ISREG(found.st_mode) else 0


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


ANALYSIS_AHEAD = 2  # batches analysed ahead of the one being stored (worker processes keep busy)
POOL_BYTES = 1_000_000  # inputs worth starting worker processes (~0.3 s) for: some 250 articles as JSON lines
POOL_ARTICLES = 200  # the same, counted in stored articles (reindex)


@contextmanager
def analyzer(settings: Settings, large: bool) -> Iterator[Callable[[list[Extracted]], Iterator[Analysis]]]:
    """A function from articles to their analyses, in order: one worker process per core when the work is large.

    The pool lives for the whole run, so workers build their dictionary once and segment the
    next batches while the main process writes the current one to the store.
    """
    workers = settings.ingest_workers or os.cpu_count() or 1
    if workers <= 1 or not large:
        yield lambda items: (_analyze_job((a.title, a.body), settings) for a in items)
        return
    with ProcessPoolExecutor(workers, initializer=_warm_worker, initargs=(settings,)) as pool:
        yield lambda items: pool.map(_analyze_in_worker, [(a.title, a.body) for a in items], chunksize=16)


_worker_settings: Settings | None = None  # a worker process's settings, sent once by its initializer


def _warm_worker(settings: Settings) -> None:
    global _worker_settings
    _worker_settings = settings
    segmenter(settings.user_dict)


def _analyze_in_worker(job: tuple[str, list[str]]) -> Analysis:
    return _analyze_job(job, _worker_settings)


def _analyze_job(job: tuple[str, list[str]], settings: Settings) -> Analysis:
    title, body = job
    return analyze(segmenter(settings.user_dict), title, body, settings.summary_chars)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _content_hash(article: Extracted) -> str:
    when = article.published_at.isoformat() if article.published_at else ""
    parts = [article.title, "\n".join(article.body), article.author, article.source, when,
             article.category, article.url, str(article.declared_original)]
    return hashlib.sha1("\x1f".join(p or "" for p in parts).encode("utf-8")).hexdigest()


def _row(article: Extracted, analysis: Analysis, guid: str, now: datetime) -> dict:
    return {
        "id": article_id(guid), "guid": guid, "url": article.url, "title": article.title,
        "author": article.author, "source": article.source, "published_at": article.published_at,
        "declared_original": article.declared_original, "category": article.category,
        "body": "\n".join(article.body), "keywords": [], **_analysis_values(analysis),
        "content_hash": _content_hash(article),
        "views": article.views or 0, "comments": article.comments or 0, "shares": 0,
        "ingested_at": now, "updated_at": now,
    }


_RELATED_FIELDS = ("id", "title", "candidates", "entities", "published_at", "updated_at")  # rank.Ingested


class BatchWriter:
    """Stage 3: each batch is sorted into new, changed and unchanged articles and given its keywords
    here, then written in one transaction by a background thread.

    The databases build their full-text index without holding the GIL, so batches are written while
    the next ones are prepared (and, at the end, while related lists are computed). Reads for a batch
    see every batch written before it; the articles of batches not yet written come from memory.
    """

    AHEAD = 8  # batches prepared but not yet written, at most (bounds the rows held in memory)

    def __init__(self, engine: sa.Engine, settings: Settings, summary: IngestSummary):
        self._engine, self._settings, self._summary = engine, settings, summary
        self._frequencies = terms.FrequencyCache()
        self._stored: int | None = None  # articles in the store, counting those written by this run
        self._newest_before = 0
        self._written: list[dict] = []  # this run's new and changed articles, in order
        self._unwritten: dict[str, tuple[str, dict]] = {}  # guid → (content_hash, candidates)
        self._writes: deque[tuple[Future, dict[str, tuple]]] = deque()  # and the versions they write
        self._failed = False  # a batch failed to write: the later ones are not written either
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="zixun-writer")

    def __enter__(self) -> "BatchWriter":
        return self

    def __exit__(self, *exc_info) -> None:
        self._thread.shutdown(wait=True, cancel_futures=exc_info[0] is not None)
        if exc_info[0] is None:
            self._wait(0)

    def store(self, batch: list[Extracted], analyses: list[Analysis], now: datetime) -> None:
        """Sort the batch, score its keywords, and queue it for writing."""
        rows: dict[str, dict] = {}
        for article, analysis in zip(batch, analyses):
            guid = guid_of(article)
            self._summary.skipped += guid in rows  # the same guid twice in one batch: the later one wins
            rows[guid] = _row(article, analysis, guid, now)
        self._wait(self.AHEAD - 1)
        with self._engine.connect() as connection:
            new, changed, delta = self._sort(rows, self._stored_versions(connection, list(rows)))
            wanted = {t for row in new + changed for t in row["candidates"]}
            df = self._frequencies.update(connection, delta, wanted)
        self._stored += len(new)
        _fill_keywords(new + changed, df, self._stored, self._settings)
        versions = {row["guid"]: (row["content_hash"], row["candidates"]) for row in new + changed}
        self._unwritten.update(versions)
        self._writes.append((self._thread.submit(self._write, new, changed, delta), versions))
        self._written.extend({key: row[key] for key in _RELATED_FIELDS} for row in new + changed)
        self._summary.new += len(new)
        self._summary.updated += len(changed)

    def ingested(self) -> rank.Ingested:
        """What this run stores (or is still writing), for computing related lists early."""
        return rank.Ingested(self._written, self._frequencies.counted(), self._stored or 0, self._newest_before,
                             self._frequencies.complete())

    def _sort(self, rows: dict[str, dict], old: dict[str, tuple[str, dict]]) -> tuple[list, list, Counter]:
        """(new rows, changed rows, their df delta); unchanged ones are counted as skipped."""
        new, changed, delta = [], [], Counter()
        for guid, row in rows.items():
            if guid in old and old[guid][0] == row["content_hash"]:
                self._summary.skipped += 1
                continue
            if guid in old:
                delta.subtract(Counter(old[guid][1].keys()))
            delta.update(row["candidates"].keys())
            (changed if guid in old else new).append(row)
        return new, changed, delta

    def _stored_versions(self, connection: sa.Connection, guids: list[str]) -> dict[str, tuple[str, dict]]:
        if self._stored is None:
            self._stored = stored.count(connection)
            self._newest_before = related_lists.newest_n(connection)
        found = stored.existing(connection, [g for g in guids if g not in self._unwritten])
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
            _write_batch(self._engine, new, changed, delta)
        except BaseException:
            self._failed = True
            raise


def _write_batch(engine: sa.Engine, new: list[dict], changed: list[dict], delta: Counter) -> None:
    with writing(engine) as connection:
        stored.insert_many(connection, new)
        for row in changed:
            stored.replace(connection, row["guid"], row)
        terms.add_document_frequencies(connection, delta)


def _fill_keywords(rows: list[dict], df: dict[str, int], n_docs: int, settings: Settings) -> None:
    for row in rows:
        row["keywords"] = top_keywords(row["candidates"], df, n_docs, settings.keywords_per_article)


def reindex(engine: sa.Engine, settings: Settings, progress: Progress | None = None) -> int:
    """Re-segment every article (after a dictionary change) and rebuild df and keywords from scratch."""
    progress = progress or Progress()
    with engine.connect() as connection:
        ids = [a.id for a in stored.iterate(connection)]
    progress.start("reindex", len(ids))
    df: Counter = Counter()
    # 1. new terms and candidates for every article, 2. df from the whole corpus, 3. keywords
    with writing(engine) as connection, analyzer(settings, len(ids) >= POOL_ARTICLES) as analyze_all:
        for batch in _batches(ids, settings.ingest_batch):
            found = [stored.get(connection, key) for key in batch]
            jobs = [Extracted(path="", title=a.title, body=a.body) for a in found]
            for article, analysis in zip(found, analyze_all(jobs)):
                stored.update_analysis(connection, article.id, _analysis_values(analysis))
                df.update(analysis.candidates.keys())
            progress.advance("reindex", len(batch) / 2)
        terms.clear_document_frequencies(connection)
        terms.add_document_frequencies(connection, df)
        for batch in _batches(ids, settings.ingest_batch):
            rows = stored.candidates_of(connection, batch)
            _fill_keywords(rows, df, len(ids), settings)
            for row in rows:
                stored.update_analysis(connection, row["id"], {"keywords": row["keywords"]})
            progress.advance("reindex", len(batch) / 2)
    return len(ids)


def _analysis_values(analysis: Analysis) -> dict:
    return {
        "title_terms": analysis.title_terms, "body_terms": analysis.body_terms,
        "sub_terms": analysis.sub_terms, "candidates": analysis.candidates,
        "entities": analysis.entities, "summary": analysis.summary,
    }
