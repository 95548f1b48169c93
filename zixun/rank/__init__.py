"""Ranking: related articles (相关内容) and hot articles (热门资讯)."""
from __future__ import annotations

import sqlalchemy as sa

from zixun.settings import Settings
from zixun.store import writing


def refresh(engine: sa.Engine, settings: Settings | None = None):
    """After an ingest: related lists for new and changed articles, ingested counters as engagement."""
    from zixun.rank import related  # numpy/scipy load only when ranking runs (~0.2 s)
    from zixun.store.engagement import seed_from_counters

    summary = related.refresh(engine, settings)
    with writing(engine) as connection:
        seed_from_counters(connection)
    return summary
