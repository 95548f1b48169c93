"""The demo store: the bundled sample and the demo's news (events told by several outlets, and reposts:
data/demo_news.jsonl), re-dated relative to now with a fixed seed, plus the seed page (built through the
pipeline for `zixun demo`, then served by web/ like any store)."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

from zixun import pipeline
from zixun.settings import Settings
from zixun.store import open_store

DATA = Path(__file__).resolve().parent / "data"
SAMPLE, NEWS, SEED_PAGE = DATA / "sample.jsonl", DATA / "demo_news.jsonl", DATA / "seed_page.txt"
DEMO_SEED = 20181115
# the sample spans 90 days before now, most articles recent (ages ~ span * u²): ~40 in the last
# 24 hours, ~100 in the last week, ~90 older than a month (to show the 本文发布于 note)
SPAN_DAYS = 90
NEWS_BEFORE = timedelta(hours=2)  # how long before now the demo news's last article was published


def redate(records: list[dict], now: datetime, seed: int = DEMO_SEED) -> list[dict]:
    """The records with published_at moved into the SPAN_DAYS before now, keeping their order."""
    rng = random.Random(seed)
    minutes = sorted((SPAN_DAYS * 24 * 60 * rng.random() ** 2 for _ in records), reverse=True)
    ordered = sorted(records, key=lambda r: r.get("published_at") or "")
    # 5 minutes of margin: the newest article is never "in the future" of a slightly slow clock
    return [
        {**record, "published_at": (now - timedelta(minutes=age + 5)).isoformat()}
        for record, age in zip(ordered, minutes, strict=True)
    ]


def shifted(records: list[dict], now: datetime, before: timedelta = NEWS_BEFORE) -> list[dict]:
    """The records moved together so that the last published is `before` ahead of now (the hours between them
    kept: one event's coverage stays within hours of itself)."""
    times = [datetime.fromisoformat(r["published_at"]) for r in records]
    shift = now - before - max(times)
    return [{**r, "published_at": (at + shift).isoformat()} for r, at in zip(records, times, strict=True)]


def build_demo(db_path: Path, settings: Settings, now: datetime) -> tuple[Settings, pipeline.IngestSummary]:
    """Create db_path afresh from the re-dated sample, the demo news moved to end now and the seed page; the
    settings to serve it with."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    demo = settings.model_copy(update={"database_url": f"sqlite:///{db_path}", "demo_note": True})
    sample, news = (
        [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()] for path in (SAMPLE, NEWS)
    )
    redated = db_path.with_name("demo-sample.jsonl")
    records = redate(sample, now) + shifted(news, now)
    redated.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    engine = open_store(demo.database_url)
    try:
        summary = pipeline.ingest_paths(engine, [redated, SEED_PAGE], demo, clock=lambda: now)
    finally:
        engine.dispose()
    return demo, summary
