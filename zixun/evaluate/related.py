"""Quality of related lists against labels: precision@k of same-category items, and coverage.

Split rule for tuning (zixun/rank/similarity.py constants) and reporting: an article is in the dev
split when int(sha1(guid)[:8], 16) is even, held-out otherwise. Constants were tuned on dev only.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from pydantic import BaseModel

from zixun import pipeline
from zixun.settings import Settings
from zixun.store import articles, open_store, related_lists


class RelatedQuality(BaseModel):
    """precision@k (share of shown related items in the article's category) and coverage; what
    `zixun eval related --format json` prints."""

    k: int
    articles: int
    precision: float
    coverage: float
    items: int
    split: str = "all"
    ingest_seconds: float | None = None

    def line(self) -> str:
        """One summary line for the terminal."""
        return (
            f"precision@{self.k} {self.precision:.4f} · coverage {self.coverage:.4f} "
            f"({self.articles} articles, {self.items} related items)"
        )


def split_of(guid: str) -> str:
    """'dev' or 'heldout', by the hash of the guid (stable across runs and machines)."""
    return "dev" if int(hashlib.sha1(guid.encode("utf-8")).hexdigest()[:8], 16) % 2 == 0 else "heldout"


def write_split(paths: list[Path], split: str, out: Path) -> int:
    """Copy the JSONL lines of paths whose id is in split to out; returns how many."""
    kept = 0
    with out.open("w", encoding="utf-8") as sink:
        for path in paths:
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip() and (split == "all" or split_of(str(json.loads(line).get("id"))) == split):
                    sink.write(line + "\n")
                    kept += 1
    return kept


def related_quality(connection: sa.Connection, k: int = 5) -> RelatedQuality:
    """Score the stored related lists: same-category share of the first k items, over all items shown."""
    category = articles.categories_by_guid(connection)
    same = shown = covered = 0
    for guid, related in related_lists.all_lists(connection):
        top = related[:k]
        covered += bool(top)
        shown += len(top)
        same += sum(category[g] == category[guid] for g in top)
    total = len(category)
    return RelatedQuality(
        k=k,
        articles=total,
        precision=same / shown if shown else 0.0,
        coverage=covered / total if total else 0.0,
        items=shown,
    )


def evaluate_related(
    paths: list[Path], split: str, k: int, settings: Settings
) -> tuple[RelatedQuality, pipeline.IngestSummary]:
    """Ingest the split of labelled JSONL (category = label) into a fresh store and score its related lists."""
    with tempfile.TemporaryDirectory(prefix="zixun-eval-") as tmp:
        data = Path(tmp) / "labeled.jsonl"
        write_split(paths, split, data)
        run = settings.with_database(f"sqlite:///{Path(tmp) / 'eval.db'}")
        engine = open_store(run.database_url)
        try:
            started = time.perf_counter()
            summary = pipeline.ingest_paths(engine, [data], run)
            seconds = time.perf_counter() - started
            with engine.connect() as connection:
                quality = related_quality(connection, k)
        finally:
            engine.dispose()
    return quality.model_copy(update={"split": split, "ingest_seconds": round(seconds, 2)}), summary
