"""Plain records that flow through the pipeline: what ingest extracts and what the store keeps."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime


class IngestError(Exception):
    """An input that cannot be ingested; the message names the input and the reason."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


# the kinds of names an article's entities give ({"people": [...], "places": [...], "orgs": [...]}, and "credited":
# those of its people and organisations it gives only as credits, text/entities/credits.py)
KINDS = ("people", "places", "orgs")


def named(entities: object) -> dict[str, list[str]]:
    """An article's names by kind, less the people and organisations it gives only as credits (its outlet, its
    bylines: no mention of the news, so no mention row, no link on its page, no shared name of a related list's
    reason). A malformed value (an old store's) names no one; names that are no text are left out."""
    lists = entities if isinstance(entities, dict) else {}
    credits = lists.get("credited")
    credited = {c for c in credits if isinstance(c, str)} if isinstance(credits, list) else set()
    return {
        kind: [n for n in names if isinstance(n, str) and n and not (kind != "places" and n in credited)]
        for kind in KINDS
        if isinstance(names := lists.get(kind), list)
    }


@dataclass(frozen=True)
class Discarded:
    """A block of page chrome kept out of the body (相关内容, 热门资讯, share lines...)."""

    label: str
    items: int


@dataclass
class Extracted:
    """One article as read from an input, before the text stage."""

    path: str
    title: str
    body: list[str]
    author: str | None = None
    source: str | None = None
    published_at: datetime | None = None
    declared_original: bool = False
    comments: int | None = None
    views: int | None = None
    url: str | None = None
    guid: str | None = None
    category: str | None = None
    discarded: list[Discarded] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # values the admission checks dropped, and why
    confidence: float | None = None  # 0-1, how sure the HTML extractor is it took the article (candidates.py)


@dataclass
class Article:
    """A stored article."""

    id: str
    guid: str
    title: str
    body: list[str]
    url: str | None = None
    author: str | None = None
    source: str | None = None
    published_at: datetime | None = None
    declared_original: bool = False
    category: str | None = None
    summary: str = ""
    keywords: list[str] = field(default_factory=list)
    entities: dict[str, list[str]] = field(default_factory=dict)  # {"people": [...], "places": [...], "orgs": [...]}
    views: int = 0
    comments: int = 0
    shares: int = 0
    ingested_at: datetime | None = None
    updated_at: datetime | None = None
    extraction_confidence: float | None = None  # Extracted.confidence as stored (None: not from an HTML page)


@dataclass
class Story:
    """Articles about one event (zixun/stories/): only a story of two or more articles exists."""

    id: int
    title: str  # the headline: the title of its first original article
    first_article_id: str  # the earliest published member that is no repost
    started_at: datetime | None  # the earliest member's publish time
    updated_at: datetime | None  # the latest member's publish time
    size: int  # member articles, reposts included
    sources: int  # distinct non-empty sources over all members
    decided_at: datetime  # when its membership last changed (pages use it as a cache version)


def jsonable(record, exclude: frozenset[str] | set[str] = frozenset()) -> dict:
    """A dataclass record as JSON-ready fields (but those excluded): datetimes in ISO 8601 with their offset."""
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(record).items() if k not in exclude}


@dataclass
class Source:
    """A feed the crawler polls, with its schedule and the outcome of its last fetch."""

    id: int
    url: str
    category: str | None = None
    title: str | None = None
    added_at: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    next_fetch_at: datetime | None = None
    interval_seconds: int = 0
    failures: int = 0
    fetches: int = 0
    last_fetch_at: datetime | None = None
    last_status: int | None = None
    last_new: int | None = None
    last_error: str | None = None
    public_error: str | None = None
    last_note: str | None = None
