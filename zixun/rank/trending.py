"""人物 · 地点 · 机构 in the news: the people, places and organisations most named in a window, each beside how
often the window just before named them (new, rising, falling), for readers and for an editor watching who and
what the news is about; or the rising ones (升温): named more than in the window before, the largest growth in
articles first (a name always in the news, 中国 or 美国, leads the first list, not this one).

A name counts once per article, and reposts (a duplicate group's copies, zixun/dedup) not at all: a text copied
to five sites names someone once. Articles are placed by publish time; those without one are in no window. The
stories index (/stories) lists the stories developed in the same windows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from zixun.models import KINDS
from zixun.store import mentions

WINDOWS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
LIMIT = 12  # names listed per kind
CANDIDATES = 100  # the most named names of a kind among which the rising ones are chosen
ORDERS = ("most", "rising")


@dataclass(frozen=True)
class Trend:
    """One name's count in the window and in the window before it."""

    kind: str
    name: str
    articles: int
    before: int

    @property
    def change(self) -> str:
        """new (not named in the window before), up, down or same."""
        if not self.before:
            return "new"
        return "up" if self.articles > self.before else "down" if self.articles < self.before else "same"


def trending(
    connection: sa.Connection, now: datetime, window: str, order: str = "most", limit: int = LIMIT
) -> dict[str, list[Trend]]:
    """{kind: the names of that kind in the news in the window ending now}, for each kind: the most named first
    ("most"), or ("rising") those named more than in the window before, the largest growth first (ties: the
    most named), chosen among the CANDIDATES most named."""
    span = WINDOWS[window]
    since = now - span
    found: dict[str, list[Trend]] = {}
    for kind in KINDS:
        top = mentions.counts(connection, kind, since, now, limit if order == "most" else CANDIDATES)
        before = dict(mentions.counts(connection, kind, since - span, since, names=[n for n, _ in top])) if top else {}
        trends = [Trend(kind, name, count, before.get(name, 0)) for name, count in top]
        if order == "rising":
            grown = [t for t in trends if t.articles > t.before]
            trends = sorted(
                grown, key=lambda t: (t.before - t.articles, -t.articles)
            )  # stable: ties keep the SQL order
        found[kind] = trends[:limit]
    return found
