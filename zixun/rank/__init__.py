"""Ranking: related articles (相关内容) and hot articles (热门资讯)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from zixun.settings import Settings
from zixun.store import writing


@dataclass
class Ingested:
    """An ingest's own view of what it is still writing, enough to compute related lists early.

    articles: its new and changed articles in the order it stores them (dicts with at least id, title,
    candidates, entities, published_at, updated_at); df: the final df of every term it counted;
    total: the article count once it is written; before: the newest n before it began; complete:
    whether df holds every term of the store (it began empty).
    """

    articles: list[dict]
    df: dict[str, int]
    total: int
    before: int
    complete: bool = False


def plan(engine: sa.Engine, ingested: Ingested):
    """Related lists computed from an ingest's own view while its last batches are written (or None)."""
    from zixun.rank import related  # numpy/scipy load only when ranking runs (~0.2 s)

    return related.plan(engine, ingested)


def refresh(engine: sa.Engine, settings: Settings | None = None, planned=None):
    """After an ingest: related lists for new and changed articles (or the planned ones), ingested
    counters as engagement."""
    from zixun.rank import related
    from zixun.store.engagement import seed_from_counters

    summary = related.refresh(engine, settings, planned)
    with writing(engine) as connection:
        seed_from_counters(connection)
    return summary
