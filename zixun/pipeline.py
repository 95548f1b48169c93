"""Raw input → stored articles, as a list of stages; each stage is implemented in its own room.

ingest_paths:
  1. find      ingest/files    the paths named and the files under the folders named
  2. extract   ingest/         each input, record by record (a bad page or record fails alone), checked on entry
  3. analyse   text/analysis   segment once, then terms, keyword candidates, names, summary (worker processes)
  4. store     store/batches   new, changed or unchanged; keywords from corpus df; written in batches, each
                              article with its entity mentions (a changed one's replaced)
  5. relate    rank/related    related lists of the new articles and the older lists they enter
  6. dedupe    dedup/groups    the new and changed articles' near-duplicates found (MinHash bands in the
                              store, verified by shared text), each group's original decided again
  7. stories   stories/clusters  the new and changed articles linked with others of their event (keys in
                              the store, TF-IDF cosine, conflict rules), each component's stories decided
                              again; a repost joins its original's story
  8. engage    store/engagement  ingested counters (views, comments) counted as engagement at publish time
Stages 2–4 stream in batches, so memory holds a few batches, never the whole input.

ingest_records runs stages 3–8 on records from any source: ingest_paths hands it the files' records,
the crawler (zixun/crawl) the records of the feeds it fetched, so both are stored the same way.
"""

from __future__ import annotations

import os
import stat
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

import sqlalchemy as sa

from zixun.dedup import groups
from zixun.ingest.checks import Limits
from zixun.ingest.files import extract_records, find_inputs
from zixun.models import Extracted, IngestError
from zixun.settings import Settings
from zixun.store import articles, duplicates, engagement, mentions, stories, terms, writing
from zixun.store.batches import BatchWriter, article_row
from zixun.text.analysis import Analysis, analyzer
from zixun.text.keywords import top_keywords

Clock = Callable[[], datetime]
ANALYSIS_AHEAD = 2  # batches analysed ahead of the one being stored (worker processes keep busy)
POOL_BYTES = 1_000_000  # inputs worth starting worker processes (~0.3 s) for: some 250 articles as JSON lines
POOL_ARTICLES = 200  # the same, counted in stored articles (reindex)
KEYS_KEPT = 200_000  # articles whose band keys an ingest keeps for its dedupe stage (340 bytes each)


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
    dedupe_seconds: float = 0.0  # how long stage 6 took (bench/duplicates reports it)
    stories_seconds: float = 0.0  # how long stage 7 took (bench/stories reports it)

    def line(self) -> str:
        """One summary line for the terminal."""
        notes = f", {len(self.notes)} notes" if self.notes else ""
        return (
            f"{self.files} files: {self.new} new, {self.updated} updated, {self.skipped} skipped "
            f"(unchanged), {len(self.failed)} failed{notes}"
        )


class Progress:
    """Progress callbacks; the CLI draws a bar with them, tests and benchmarks use this silent one."""

    def start(self, phase: str, total: int | None) -> None:
        """A phase of total steps (None: not known in advance) begins."""

    def advance(self, phase: str, steps: int = 1) -> None:
        """steps more of phase are done."""


def ingest_paths(
    engine: sa.Engine,
    paths: Iterable[str | Path],
    settings: Settings,
    progress: Progress | None = None,
    clock: Clock | None = None,
    summary: IngestSummary | None = None,
) -> IngestSummary:
    """Ingest files and folders; a bad page, record or file is reported in the summary, the rest stored.

    summary, when given, is filled in place (the CLI reports what was done even if the run breaks off).
    """
    progress = progress or Progress()
    summary = summary if summary is not None else IngestSummary()
    files = list(find_inputs(paths))  # 1. find
    limits = Limits.of(settings, (clock or _utcnow)())
    records = _extract(files, limits, summary, progress)  # 2. extract
    return ingest_records(engine, records, settings, progress, clock, summary, _workers(settings, files))


def ingest_records(
    engine: sa.Engine,
    records: Iterable[Extracted | IngestError],
    settings: Settings,
    progress: Progress | None = None,
    clock: Clock | None = None,
    summary: IngestSummary | None = None,
    workers: int = 1,
) -> IngestSummary:
    """Stages 3–8 over extracted records from any source; an IngestError among them goes to the summary."""
    # numpy and scipy load only when an ingest runs (~0.2 s), not for every command
    from zixun.rank import related
    from zixun.stories import clusters

    progress = progress or Progress()
    summary = summary if summary is not None else IngestSummary()
    clock = clock or _utcnow
    keys: dict[str, bytes] = {}  # the band keys analysis computed, by article id, for the dedupe stage
    _store_all(engine, records, settings, progress, clock, summary, workers, keys)
    related.refresh(engine)  # 5. related lists of what is pending, from the store as written
    summary.dedupe_seconds = groups.refresh(engine, keys=keys).seconds  # 6. dedupe what is pending (and deleted)
    summary.stories_seconds = clusters.refresh(engine).seconds  # 7. stories of what is pending (and deleted)
    _seed_engagement(engine)  # 8. engage
    return summary


def _store_all(
    engine: sa.Engine,
    records: Iterable[Extracted | IngestError],
    settings: Settings,
    progress: Progress,
    clock: Clock,
    summary: IngestSummary,
    workers: int,
    keys: dict[str, bytes],
) -> None:
    """Stages 3–4, streamed in batches; the batch writer and its df cache are gone when this returns.
    keys gets the band keys of up to KEYS_KEPT stored articles (the dedupe stage computes the others)."""
    with (
        BatchWriter(engine, _keywords(settings)) as writer,
        analyzer(settings.user_dict, settings.summary_chars, workers) as analyze,
    ):
        progress.start("store", None)
        ahead: deque[tuple[list[Extracted], Iterator[Analysis]]] = deque()
        for batch in _batches(_admitted(records, summary), settings.ingest_batch):
            ahead.append((batch, analyze([(a.title, a.body) for a in batch])))  # 3. analyse
            if len(ahead) > ANALYSIS_AHEAD:
                _store(writer, *ahead.popleft(), clock(), summary, progress, keys)  # 4. store
        while ahead:
            _store(writer, *ahead.popleft(), clock(), summary, progress, keys)


def _admitted(records: Iterable[Extracted | IngestError], summary: IngestSummary) -> Iterator[Extracted]:
    """The articles among records; the errors and the articles' notes go to the summary."""
    for found in records:
        if isinstance(found, IngestError):
            summary.failed.append(found)
        else:
            summary.notes.extend(found.notes)
            yield found


def _extract(
    files: list[Path], limits: Limits, summary: IngestSummary, progress: Progress
) -> Iterator[Extracted | IngestError]:
    """Stage 2: the articles of each input, and an IngestError for each bad input or record."""
    progress.start("read", len(files))
    for path in files:
        summary.files += 1
        yield from extract_records(path, limits)  # never raises: a bad input is an IngestError
        progress.advance("read")


def _store(
    writer: BatchWriter,
    batch: list[Extracted],
    analyses: Iterator[Analysis],
    now: datetime,
    summary: IngestSummary,
    progress: Progress,
    keys: dict[str, bytes],
) -> None:
    """Stage 4: one batch as rows, queued for writing (and their band keys kept for stage 6)."""
    rows = []
    for article, analysis in zip(batch, analyses, strict=True):
        rows.append(article_row(article, analysis.columns(), now))
        if len(keys) < KEYS_KEPT:
            keys[rows[-1]["id"]] = analysis.band_keys
    done = writer.store(rows)
    summary.new += len(done.new)
    summary.updated += len(done.changed)
    summary.skipped += done.skipped
    progress.advance("store", len(batch))


def _seed_engagement(engine: sa.Engine) -> None:
    """Stage 7: counters that came with the articles count as engagement at their publish time (once)."""
    with writing(engine) as connection:
        engagement.seed_from_counters(connection)


def _keywords(settings: Settings) -> Callable[[dict[str, int], dict[str, int], int], list[str]]:
    """The keyword rule the store stage applies once it knows the corpus df."""
    return lambda candidates, df, n_docs: top_keywords(candidates, df, n_docs, settings.keywords_per_article)


def _workers(settings: Settings, files: list[Path]) -> int:
    """Analysis processes: one per core for a large input, else none besides this one."""
    large = sum(_regular_size(path) for path in files) >= POOL_BYTES
    return (settings.ingest_workers or os.cpu_count() or 1) if large else 1


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


def _utcnow() -> datetime:
    return datetime.now(UTC)


def reindex(engine: sa.Engine, settings: Settings, progress: Progress | None = None) -> int:
    """Re-segment every article (after a dictionary change), rebuild df and keywords from scratch, and
    recompute its people, places and orgs (entity_mentions), its near-duplicates and its stories."""
    progress = progress or Progress()
    with engine.connect() as connection:
        ids = [a.id for a in articles.iterate(connection)]
    progress.start("reindex", len(ids))
    df: Counter = Counter()
    keywords = _keywords(settings)
    workers = (settings.ingest_workers or os.cpu_count() or 1) if len(ids) >= POOL_ARTICLES else 1
    # 1. new terms and candidates for every article, 2. df from the whole corpus, 3. keywords
    with writing(engine) as connection, analyzer(settings.user_dict, settings.summary_chars, workers) as analyze:
        for batch in _batches(ids, settings.ingest_batch):
            found = [articles.get(connection, key) for key in batch]
            analysed = list(zip(found, analyze([(a.title, a.body) for a in found]), strict=True))
            for article, analysis in analysed:
                articles.update_analysis(connection, article.id, analysis.columns())
                df.update(analysis.candidates.keys())
            mentions.replace(connection, [{"id": a.id, "entities": analysis.entities} for a, analysis in analysed])
            progress.advance("reindex", len(batch) / 2)
        terms.clear_document_frequencies(connection)
        terms.add_document_frequencies(connection, df)
        for batch in _batches(ids, settings.ingest_batch):
            for row in articles.candidates_of(connection, batch):
                values = {"keywords": keywords(row["candidates"], df, len(ids))}
                articles.update_analysis(connection, row["id"], values)
            progress.advance("reindex", len(batch) / 2)
    _redo_duplicates(engine, len(ids), progress)
    _redo_stories(engine, len(ids), progress)
    return len(ids)


def _redo_duplicates(engine: sa.Engine, total: int, progress: Progress) -> None:
    """Fingerprint every article afresh and decide every group again (reindex)."""
    progress.start("duplicates", total)
    with writing(engine) as connection:
        duplicates.clear(connection)
    groups.refresh(engine, lambda done: progress.advance("duplicates", done))


def _redo_stories(engine: sa.Engine, total: int, progress: Progress) -> None:
    """Cluster every article afresh and decide every story again (reindex)."""
    from zixun.stories import clusters  # numpy and scipy, as in ingest_records

    progress.start("stories", total)
    with writing(engine) as connection:
        stories.clear(connection)
    clusters.refresh(engine, lambda done: progress.advance("stories", done))
