"""Raw input → stored article, in numbered stages: find, extract, analyse, store."""
from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from itertools import islice
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import sqlalchemy as sa

from zixun import rank
from zixun.ingest.files import extract_file, find_inputs
from zixun.models import Extracted, IngestError
from zixun.settings import Settings
from zixun.store import articles as stored
from zixun.store import terms, writing
from zixun.text.analysis import Analysis, analyze
from zixun.text.keywords import top_keywords
from zixun.text.segment import segmenter

Clock = Callable[[], datetime]


@dataclass
class IngestSummary:
    """What an ingest run did: counts of articles, and the inputs that failed with their reasons."""

    new: int = 0
    updated: int = 0
    skipped: int = 0
    files: int = 0
    failed: list[IngestError] = field(default_factory=list)

    def line(self) -> str:
        """One summary line for the terminal."""
        return (f"{self.files} files: {self.new} new, {self.updated} updated, {self.skipped} skipped "
                f"(unchanged), {len(self.failed)} failed")


class Progress:
    """Progress callbacks; the CLI draws a bar with them, tests and benchmarks use this silent one."""

    def start(self, phase: str, total: int) -> None:
        """A phase of total steps begins."""

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
    progress: Progress | None = None, clock: Clock | None = None,
) -> IngestSummary:
    """Ingest files and folders; a bad file is reported in the summary and stores nothing."""
    progress = progress or Progress()
    summary = IngestSummary()
    # 1. find and extract every input; a file fails whole, before anything of it is stored
    extracted = list(_extract_all(list(find_inputs(paths)), settings, summary, progress))
    # 2. segment and analyse (in worker processes when there is enough text), 3. store in batches
    progress.start("store", len(extracted))
    frequencies = terms.FrequencyCache()
    with analyzer(settings, len(extracted)) as analyze_all:
        analyses = analyze_all(extracted)
        for batch in _batches(extracted, settings.ingest_batch):
            done = list(islice(analyses, len(batch)))
            _store_batch(engine, batch, done, frequencies, settings, summary, (clock or _utcnow)())
            progress.advance("store", len(batch))
    # 4. related lists of the new articles (and older lists they enter), their counters as engagement
    rank.refresh(engine, settings)
    return summary


def _extract_all(files: list[Path], settings: Settings, summary: IngestSummary, progress: Progress) -> Iterator[Extracted]:
    progress.start("read", len(files))
    for path in files:
        summary.files += 1
        try:
            yield from extract_file(path, settings.max_file_bytes)
        except IngestError as error:
            summary.failed.append(error)
        progress.advance("read")


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


@contextmanager
def analyzer(settings: Settings, volume: int) -> Iterator[Callable[[list[Extracted]], Iterator[Analysis]]]:
    """A function from articles to their analyses, in order: one worker process per core for volume.

    The pool lives for the whole run, so workers build their dictionary once and segment the
    next batches while the main process writes the current one to the store.
    """
    workers = settings.ingest_workers or os.cpu_count() or 1
    if workers <= 1 or volume < 200:
        yield lambda items: (_analyze_job((a.title, a.body), settings) for a in items)
        return
    with ProcessPoolExecutor(workers, initializer=_warm_worker, initargs=(settings,)) as pool:
        yield lambda items: pool.map(
            _analyze_job, [(a.title, a.body) for a in items], [settings] * len(items), chunksize=16
        )


def _warm_worker(settings: Settings) -> None:
    segmenter(settings.user_dict)


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


def _store_batch(engine, batch, analyses, frequencies, settings, summary, now) -> None:
    rows: dict[str, dict] = {}
    for article, analysis in zip(batch, analyses):
        guid = guid_of(article)
        summary.skipped += guid in rows  # the same guid twice in one batch: the later one wins
        rows[guid] = _row(article, analysis, guid, now)
    with writing(engine) as connection:
        old = stored.existing(connection, list(rows))
        new, changed, delta = [], [], Counter()
        for guid, row in rows.items():
            if guid in old and old[guid].content_hash == row["content_hash"]:
                summary.skipped += 1
                continue
            if guid in old:
                delta.subtract(Counter(old[guid].candidates.keys()))
            delta.update(row["candidates"].keys())
            (changed if guid in old else new).append(row)
        frequencies.add(connection, delta)
        wanted = {t for row in new + changed for t in row["candidates"]}
        df = frequencies.get_many(connection, wanted)
        _fill_keywords(new + changed, df, stored.count(connection) + len(new), settings)
        stored.insert_many(connection, new)
        for row in changed:
            stored.replace(connection, row["guid"], row)
    summary.new += len(new)
    summary.updated += len(changed)


def _fill_keywords(rows: list[dict], df: dict[str, int], n_docs: int, settings: Settings) -> None:
    for row in rows:
        row["keywords"] = top_keywords(Counter(row["candidates"]), df, n_docs, settings.keywords_per_article)


def reindex(engine: sa.Engine, settings: Settings, progress: Progress | None = None) -> int:
    """Re-segment every article (after a dictionary change) and rebuild df and keywords from scratch."""
    progress = progress or Progress()
    with engine.connect() as connection:
        ids = [a.id for a in stored.iterate(connection)]
    progress.start("reindex", len(ids))
    df: Counter = Counter()
    # 1. new terms and candidates for every article, 2. df from the whole corpus, 3. keywords
    with writing(engine) as connection, analyzer(settings, len(ids)) as analyze_all:
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
