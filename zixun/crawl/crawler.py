"""One crawl round: claim the due feeds in the store, fetch them (politely, in parallel), hand their new
items to the pipeline as records, record each feed's outcome and its next fetch.

  1. claim     store/feeds      due feeds, a chunk at a time, leased to this crawler (SKIP LOCKED on PostgreSQL);
                                the leases extended by a heartbeat until recorded, however long the round takes
  2. fetch     fetch/           conditional GET through the hardened fetcher; robots.txt; retries with backoff;
                                a chunk's feeds handed to workers host by host (politeness.HostQueue)
  3. parse     ingest/feeds, ingest/jsonfeed   RSS 0.9x/1.0/2.0, Atom, JSON Feed, safely
  4. complete  crawl/fulltext   pages of summary-only items, extracted by the core extractor
  5. store     pipeline.ingest_records   the new items, stored as files' articles are
  6. record    store/feeds      status, validators, next fetch (adaptive interval, backoff or Retry-After), a
                                permanent redirect's new URL; once stored
A feed that fails (refused, too large, malformed...) records its error (in detail for the operator, coarsely
for the public page) and stores nothing; the others go on.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from queue import SimpleQueue

import sqlalchemy as sa

from zixun import pipeline
from zixun.crawl.fulltext import fill_full_text
from zixun.crawl.politeness import HostGate, HostQueue, Robots
from zixun.crawl.schedule import failure_delay, next_interval, retry_after_delay, retry_pause
from zixun.fetch.fetcher import Fetched, Fetcher, FetchError
from zixun.ingest.checks import Limits
from zixun.ingest.feeds import Feed, read_feed
from zixun.ingest.jsonfeed import looks_like_json_feed, read_json_feed
from zixun.models import Extracted, IngestError, Source
from zixun.settings import Settings
from zixun.store import articles, feeds, writing

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
POOL_FEEDS = 20  # due feeds worth starting analysis worker processes for (some 200+ items)


@dataclass
class Outcome:
    """What fetching one feed gave: its new records, or its error; and what to record for it."""

    source: Source
    status: int | None = None
    records: list[Extracted] = field(default_factory=list)
    error: str | None = None
    public_error: str | None = None  # the error coarsely, for the public page
    retry_after: str | None = None  # a 429's or 503's Retry-After header
    notes: list[str] = field(default_factory=list)
    fetched: Fetched | None = None
    title: str | None = None


@dataclass
class CrawlSummary:
    """What a crawl round did, feed by feed, and what the pipeline stored."""

    feeds: int = 0
    modified: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    found: int = 0
    ingest: pipeline.IngestSummary = field(default_factory=pipeline.IngestSummary)

    def line(self) -> str:
        """One summary line for the terminal."""
        stored = self.ingest
        return (
            f"{self.feeds} feeds: {self.modified} fetched, {self.unchanged} not modified (304), "
            f"{len(self.failed)} failed; {self.found} new items, {stored.new} stored, {len(stored.failed)} refused"
        )


class Crawler:
    """Crawls the store's due feeds; several crawlers (processes) may share one PostgreSQL store."""

    def __init__(
        self,
        engine: sa.Engine,
        settings: Settings,
        fetcher: Fetcher | None = None,
        clock: Clock | None = None,
        owner: str | None = None,
    ):
        self.engine, self.settings = engine, settings
        self.fetcher = fetcher or Fetcher.of(settings)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.gate = HostGate(settings.crawl_per_host, settings.crawl_host_delay)
        self.robots = Robots(self.fetcher, self.gate)

    def run_once(self, progress: pipeline.Progress | None = None) -> CrawlSummary:
        """Fetch every due feed once (claimed a chunk at a time) and store their new items."""
        summary = CrawlSummary()
        with self.engine.connect() as connection:
            due = feeds.count_due(connection, self.clock())
        if not due:
            return summary  # nothing to fetch: no pipeline run (its related and engagement stages cost time)
        # analysis processes: one per core when many feeds are due (starting them costs ~0.3 s)
        workers = (self.settings.ingest_workers or os.cpu_count() or 1) if due >= POOL_FEEDS else 1
        done: list[Outcome] = []
        records = self._records(done)
        with _Heartbeat(self):  # the claimed feeds stay this crawler's until recorded
            pipeline.ingest_records(self.engine, records, self.settings, progress, self.clock, summary.ingest, workers)
            # 6. record, once the items are stored: a run that breaks off records nothing, and the leases run out
            # (ZIXUN_CRAWL_LEASE_SECONDS) so that the feeds are fetched again rather than marked done
            for outcome in done:
                self._record(outcome, summary)
        return summary

    def run_forever(self, stop: threading.Event, idle: float = 60.0) -> None:
        """Rounds until stop is set, sleeping until the next feed is due (at most idle seconds) in between."""
        while not stop.is_set():
            pause = idle
            try:
                summary = self.run_once()
                log.info("crawl round: %s", summary.line())
                pause = self._pause(idle)
            except Exception:  # the store may be down for a while: the next round tries again
                log.exception("crawl round failed")
            stop.wait(pause)

    def _pause(self, idle: float) -> float:
        with self.engine.connect() as connection:
            due = [s.next_fetch_at for s in feeds.listing(connection) if s.next_fetch_at]
        if not due:
            return idle
        return max(1.0, min(idle, (min(due) - self.clock()).total_seconds()))

    def _records(self, done: list[Outcome]) -> Iterator[Extracted]:
        """Stages 1–4 for every due feed, chunk by chunk; yields the new items (each guid once per round) and
        appends each feed's outcome to done."""
        chunk = self.settings.crawl_concurrency * 4
        seen: set[str] = set()
        with ThreadPoolExecutor(self.settings.crawl_concurrency, thread_name_prefix="zixun-crawl") as pool:
            while claimed := self._claim(chunk):  # 1. claim (the heartbeat keeps the leases while the round runs)
                for outcome in self._crawl_chunk(pool, claimed):  # 2-4. fetch, parse, complete
                    done.append(outcome)
                    for record in outcome.records:
                        guid = articles.guid_of(record)
                        if guid not in seen:
                            seen.add(guid)
                            yield record  # 5. store (the pipeline consumes this generator)

    def _crawl_chunk(self, pool: ThreadPoolExecutor, claimed: list[Source]) -> Iterator[Outcome]:
        """Every claimed feed crawled by the pool's workers, each taking the next feed whose host is ready (not
        busy with per_host fetches, past its delay); the outcomes as they come."""
        queue = HostQueue(claimed, lambda source: source.url, self.gate)
        results: SimpleQueue[Outcome] = SimpleQueue()

        def work() -> None:
            while (source := queue.take()) is not None:
                try:
                    outcome = self.crawl_feed(source)  # never raises
                finally:
                    queue.done(source)
                results.put(outcome)

        for _ in range(min(self.settings.crawl_concurrency, len(claimed))):
            pool.submit(work)
        for _ in claimed:
            yield results.get()

    def _claim(self, limit: int) -> list[Source]:
        with writing(self.engine) as connection:
            return feeds.claim_due(connection, self.owner, self.clock(), limit, self.settings.crawl_lease_seconds)

    def crawl_feed(self, source: Source) -> Outcome:
        """Fetch, parse and complete one feed; never raises (an unexpected error is the feed's error)."""
        outcome = Outcome(source)
        try:
            self._crawl(outcome)
        except FetchError as error:
            outcome.error, outcome.records, outcome.public_error = str(error), [], error.public
            outcome.status, outcome.retry_after = error.status or outcome.status, error.retry_after
        except IngestError as error:
            outcome.error, outcome.records = str(error), []
            outcome.public_error = outcome.public_error or "malformed feed"
        except Exception as error:
            log.debug("unexpected error crawling %s", source.url, exc_info=True)
            outcome.error, outcome.records = f"{source.url}: unexpected error: {type(error).__name__}: {error}", []
            outcome.public_error = "internal error"
        return outcome

    def _crawl(self, outcome: Outcome) -> None:
        source = outcome.source
        if not self.robots.allows(source.url):
            outcome.public_error = "refused by robots.txt"
            raise IngestError(source.url, "robots.txt disallows fetching this feed")
        fetched = self._fetch(source)  # 2. fetch
        outcome.fetched, outcome.status = fetched, fetched.status
        if fetched.status == 304:
            return
        limits = Limits.of(self.settings, self.clock())
        feed = _parse(fetched, source.url, limits)  # 3. parse
        outcome.title = feed.title
        outcome.notes += [str(error) for error in feed.failed] + feed.skipped
        new = self._new(_first_of_each_guid(feed.articles, outcome.notes))
        for article in new:
            article.category = source.category or article.category
        for article in (a for a in feed.summary_only if any(a is n for n in new)):  # 4. complete
            fill_full_text(article, self.fetcher, self.gate, self.robots, limits)
        outcome.records = new

    def _fetch(self, source: Source) -> Fetched:
        """The feed, conditionally; transient failures retried with exponential backoff and jitter."""
        attempt = 0
        while True:
            try:
                with self.gate.slot(source.url):
                    return self.fetcher.get(source.url, source.etag, source.last_modified)
            except FetchError as error:
                attempt += 1
                if not error.transient or attempt > self.settings.crawl_retries or error.retry_after:
                    raise  # a server that says when to come back (Retry-After) is not asked again this round
                time.sleep(retry_pause(attempt))

    def _new(self, found: list[Extracted]) -> list[Extracted]:
        """The articles whose guid is not stored yet (a feed repeats its items on every fetch)."""
        guids = [articles.guid_of(a) for a in found]
        with self.engine.connect() as connection:
            stored = articles.existing(connection, guids)
        return [a for a, guid in zip(found, guids, strict=True) if guid not in stored]

    def _record(self, outcome: Outcome, summary: CrawlSummary) -> None:
        source, settings, now = outcome.source, self.settings, self.clock()
        moved = outcome.fetched.moved_to if outcome.fetched is not None and not outcome.error else None
        if moved:
            self._move(outcome, moved)
        values: dict = {"last_fetch_at": now, "last_status": outcome.status, "last_note": _note(outcome)}
        summary.feeds += 1
        summary.notes += outcome.notes
        if outcome.error:
            failures = source.failures + 1
            delay = retry_after_delay(outcome.retry_after, now, settings.crawl_max_interval)
            if delay is None:
                delay = failure_delay(failures, settings.crawl_min_interval, settings.crawl_max_interval)
            values |= {"failures": failures, "last_error": outcome.error, "last_new": 0}
            values["public_error"] = outcome.public_error or "fetch failed"
            values["next_fetch_at"] = now + timedelta(seconds=delay)
            summary.failed.append(outcome.error)
        else:
            new = len(outcome.records)
            interval = next_interval(
                source.interval_seconds, new, settings.crawl_min_interval, settings.crawl_max_interval
            )
            values |= {"failures": 0, "last_error": None, "public_error": None, "last_new": new}
            values["interval_seconds"] = interval
            values["next_fetch_at"] = now + timedelta(seconds=interval)
            if outcome.fetched is not None and outcome.fetched.status != 304:
                values |= {"etag": outcome.fetched.etag, "last_modified": outcome.fetched.last_modified}
                summary.modified += 1
            else:
                summary.unchanged += 1
            if outcome.title:
                values["title"] = outcome.title[:500]
            summary.found += new
        with writing(self.engine) as connection:
            if not feeds.record(connection, source.id, self.owner, values):
                log.warning("lost the lease on %s to another crawler: its status is left to that one", source.url)

    def _move(self, outcome: Outcome, url: str) -> None:
        """The feed moved permanently (301/308 at every hop, the final URL fetched through every check): its
        URL becomes url, unless another feed has that URL already."""
        source = outcome.source
        with writing(self.engine) as connection:
            moved = feeds.move(connection, source.id, self.owner, url)
        if moved:
            outcome.notes.append(f"{source.url}: moved permanently to {url}; the feed's URL is now {url}")
            log.info("feed %s moved permanently to %s", source.url, url)
        else:
            outcome.notes.append(f"{source.url}: moved permanently to {url}, which is another feed's URL; kept as is")


class _Heartbeat:
    """While a round runs, the leases of the feeds its crawler holds are extended every third of the lease,
    so a round that takes longer than the lease keeps its feeds (another crawler never takes a feed still being
    fetched); a crawler that dies stops beating and its leases run out."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name="zixun-crawl-lease", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop.set()
        self.thread.join()

    def _beat(self) -> None:
        crawler = self.crawler
        lease = crawler.settings.crawl_lease_seconds
        while not self.stop.wait(lease / 3):
            try:
                with writing(crawler.engine) as connection:
                    feeds.extend_leases(connection, crawler.owner, crawler.clock() + timedelta(seconds=lease))
            except Exception:  # the store busy or down a moment: the next beat tries again, within the lease
                log.warning("could not extend the crawler's leases", exc_info=True)


def _first_of_each_guid(found: list[Extracted], notes: list[str]) -> list[Extracted]:
    """The articles with a guid not seen before in the same feed; a repeated guid is noted and skipped."""
    seen: set[str] = set()
    first = []
    for article in found:
        guid = articles.guid_of(article)
        if guid in seen:
            notes.append(f"{article.path}: guid {guid!r} repeated in the feed; only its first item is kept")
        else:
            seen.add(guid)
            first.append(article)
    return first


def _parse(fetched: Fetched, url: str, limits: Limits) -> Feed:
    if looks_like_json_feed(fetched.body, fetched.content_type):
        return read_json_feed(fetched.body, url, limits)
    return read_feed(fetched.body, url, limits)


def _note(outcome: Outcome) -> str | None:
    notes = outcome.notes + [note for record in outcome.records for note in record.notes]
    if not notes:
        return None
    more = f" (and {len(notes) - 1} more)" if len(notes) > 1 else ""
    return (notes[0] + more)[:2000]
