"""热门资讯: the most engaged articles of a window (24 h, 7 d), overall or per category.

    points = views + COMMENT_POINTS * min(comments, COMMENT_CAP_SHARE * views + COMMENT_CAP_FLOOR)
             + SHARE_POINTS * shares                          (all counted inside the window)
    score  = points / (age_hours + 2) ** GRAVITY[window]

Why this shape:
- Hacker News divides points by (age + 2)^1.8 ("gravity"): a story must keep earning attention to stay
  up, and the +2 keeps brand-new items from dividing by ~0. We use 1.8 for the 24 h list and 1.2 for the
  7 d list, which is meant to show the week's big stories, not only today's.
- Reddit takes log10 of votes plus a linear time term, so the first 10 votes weigh as much as the next
  100. A view is cheaper than a vote, so we keep points linear (views of a hit story really are 100x)
  and let the window and the decay do the forgetting instead.
- Lobsters caps the points a comment thread can add, so a flame war does not outrank what people read.
  Comments count COMMENT_POINTS views each, but at most as many as a fifth of the views (plus a floor,
  so a new article's first comments count).
- Shares are the rarest, most deliberate signal (a reader vouches for the story), so weigh most.
Views are counted once per client per hour, bots excluded (zixun/store/engagement.py). A duplicate group is
one entry, its original, with the engagement of every copy in it (an article read on five sites is hot once).

A story (one event reported by several sources, zixun/stories) is one entry too, shown by its hottest article:
its score is the sum, over the distinct sources that reported it, of each source's best score, so an event
five newsrooms covered outranks one article copied five times (copies only add their engagement to their
original's), and a source's second article on the event adds nothing. Its figures are summed over it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field

from zixun.models import Article, Story
from zixun.store import articles, stories
from zixun.store.engagement import window_totals

WINDOWS = {"24h": timedelta(hours=24), "7d": timedelta(days=7)}
GRAVITY = {"24h": 1.8, "7d": 1.2}
COMMENT_POINTS, COMMENT_CAP_SHARE, COMMENT_CAP_FLOOR = 10, 0.2, 5
SHARE_POINTS = 20
POOL = 500  # the most engaged articles of the window that are scored (bounds the page's work)
_WINDOW_LABEL = {"24h": "24小时内", "7d": "7天内"}


class HotFigures(BaseModel):
    """Why an article is hot: its score, its figures in the window, its age, and a sentence saying so.

    Defined once: HotItem (here) and the API's HotEntry (zixun/schemas.py) both extend it, so a new
    figure is added here only."""

    model_config = ConfigDict(frozen=True)

    score: float
    views: int = Field(description="Views counted in the window.")
    comments: int = Field(description="Comments made in the window.")
    shares: int = Field(description="Shares counted in the window.")
    age_hours: float = Field(description="Hours since the article was published.")
    explanation: str = Field(description="The figures in one Chinese sentence.")


class HotItem(HotFigures):
    """A hot article with its figures; when it reports a story, the entry of the whole story."""

    article: Article
    story: Story | None = None


def hot_score(views: int, comments: int, shares: int, age_hours: float, window: str = "24h") -> float:
    """The hot score of an article's figures in a window (see the module docstring)."""
    capped = min(comments, COMMENT_CAP_SHARE * views + COMMENT_CAP_FLOOR)
    points = views + COMMENT_POINTS * capped + SHARE_POINTS * shares
    return points / (max(age_hours, 0.0) + 2.0) ** GRAVITY[window]


def hot_articles(
    connection: sa.Connection,
    *,
    window: str = "24h",
    category: str | None = None,
    limit: int = 10,
    now: datetime | None = None,
) -> list[HotItem]:
    """The hottest articles of the window ending now, best first, optionally of one category."""
    if window not in WINDOWS:
        raise ValueError(f"window must be one of {', '.join(WINDOWS)}, not {window!r}")
    now = now or datetime.now(UTC)
    scored = []
    for row in window_totals(connection, now - WINDOWS[window], now, category, POOL):
        if row.published > now:
            continue  # not yet published at the time asked about
        age = (now - row.published).total_seconds() / 3600.0
        figures = _Figures(int(row.views), int(row.comments), int(row.shares))
        scored.append(_Scored(round(figures.score(age, window), 6), row.id, row.source, figures, age))
    entries = _by_story(scored, stories.of_articles(connection, [item.id for item in scored]))
    entries.sort(key=lambda entry: (-entry[0], entry[1].id))
    top = entries[:limit]  # one entry per duplicate group (window_totals sums each under its original) and story
    found = articles.many(connection, [best.id for _, best, _, _ in top], body=False)  # only the shown are read
    return [
        HotItem(
            article=found[best.id],
            story=story,
            score=score,
            views=figures.views,
            comments=figures.comments,
            shares=figures.shares,
            age_hours=round(best.age, 2),
            explanation=explain(window, figures.views, figures.comments, figures.shares, best.age, story),
        )
        for score, best, figures, story in top
    ]


@dataclass(frozen=True)
class _Figures:
    views: int
    comments: int
    shares: int

    def score(self, age_hours: float, window: str) -> float:
        return hot_score(self.views, self.comments, self.shares, age_hours, window)

    def __add__(self, other: _Figures) -> _Figures:
        return _Figures(self.views + other.views, self.comments + other.comments, self.shares + other.shares)


@dataclass(frozen=True)
class _Scored:
    score: float
    id: str
    source: str | None
    figures: _Figures
    age: float


def _by_story(scored: list[_Scored], story_of: dict[str, Story]) -> list[tuple[float, _Scored, _Figures, Story | None]]:
    """(score, hottest article, summed figures, story) per story, and per article outside any story: a story
    scores the sum of each distinct source's best score (an article without a source counts as its own)."""
    grouped: dict[object, list[_Scored]] = {}
    for item in scored:
        story = story_of.get(item.id)
        grouped.setdefault(("story", story.id) if story else ("article", item.id), []).append(item)
    entries = []
    for members in grouped.values():
        best_of_source: dict[object, float] = {}
        for item in members:
            source = item.source or ("article", item.id)
            best_of_source[source] = max(best_of_source.get(source, 0.0), item.score)
        best = min(members, key=lambda item: (-item.score, item.id))
        total = _Figures(0, 0, 0)
        for item in members:
            total = total + item.figures
        entries.append((round(sum(best_of_source.values()), 6), best, total, story_of.get(best.id)))
    return entries


def explain(window: str, views: int, comments: int, shares: int, age_hours: float, story: Story | None = None) -> str:
    """Why an item is hot, in Chinese: "24小时内 1,234 次阅读 · 56 条评论 · 发布 3 小时", and "3 家来源报道"
    for a story several sources reported."""
    parts = [f"{_WINDOW_LABEL[window]} {views:,} 次阅读"]
    if comments:
        parts.append(f"{comments:,} 条评论")
    if shares:
        parts.append(f"{shares:,} 次分享")
    if story is not None and story.sources > 1:
        parts.append(f"{story.sources} 家来源报道")
    parts.append("发布 " + _age(age_hours))
    return " · ".join(parts)


def _age(hours: float) -> str:
    if hours < 1:
        return "不到 1 小时"
    if hours < 48:
        return f"{int(hours)} 小时"
    return f"{int(hours // 24)} 天"
