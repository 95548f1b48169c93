"""Admission of an extracted article: every value is checked here, where it enters, and nowhere else.

Every extractor hands its Extracted to admit(), which makes text storable on both backends (a lone
surrogate becomes U+FFFD, NUL and the other C0 controls but \\n and \\t go), drops implausible publish
times with a note, refuses counters outside the stores' integer range and articles over the size limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from zixun.ingest.dates import SHANGHAI
from zixun.models import Extracted, IngestError

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)  # no Chinese news portal published before this
AHEAD = timedelta(days=1)  # clocks and time zones disagree by hours, never by more than a day
COUNTER_MAX = 2**31 - 1  # INTEGER on PostgreSQL; SQLite's is wider, so this is the smaller of the two
_UNSTORABLE = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff]")  # C0 controls but \t \n, and surrogates
_TEXT_FIELDS = ("author", "source", "category", "url", "guid")


@dataclass(frozen=True)
class Limits:
    """What an input may hold: a page's bytes, a JSON line's bytes, an article's characters; and now."""

    file_bytes: int = 20_000_000
    line_bytes: int = 2_000_000
    article_chars: int = 200_000
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def of(cls, settings, now: datetime | None = None) -> Limits:
        """The limits a Settings object sets, checking dates against now (default: the current time)."""
        return cls(
            settings.max_file_bytes, settings.max_line_bytes, settings.max_article_chars, now or datetime.now(UTC)
        )


def clean_text(text: str) -> str:
    """text storable on SQLite and PostgreSQL: lone surrogates → U+FFFD, C0 controls but \\n \\t removed."""
    if not _UNSTORABLE.search(text):
        return text
    return _UNSTORABLE.sub(lambda m: "\ufffd" if m.group() >= "\ud800" else "", text)


def plausible_time(when: datetime | None, now: datetime) -> tuple[datetime | None, str | None]:
    """(when, None) when it lies between 1990 and a day after now, else (None, why it was dropped)."""
    if when is None:
        return None, None
    try:
        utc = (when if when.tzinfo else when.replace(tzinfo=SHANGHAI)).astimezone(UTC)
    except (OverflowError, ValueError):  # 9999-12-31 -12:00 and 0001-01-01 +14:00 have no UTC time
        return None, f"publish time {when.isoformat()} dropped: outside the range of dates"
    if utc < EARLIEST:
        return None, f"publish time {when.isoformat()} dropped: before 1990"
    if utc > now + AHEAD:
        return None, f"publish time {when.isoformat()} dropped: more than a day ahead of now"
    return when, None


def counter(name: str, value: int | None, where: str) -> int | None:
    """value when it is None or fits the store's INTEGER (0..2**31-1); else IngestError naming it."""
    if value is None or 0 <= value <= COUNTER_MAX:
        return value
    raise IngestError(where, f"counter '{name}' {value} is outside 0..{COUNTER_MAX}")


def admit(article: Extracted, where: str, limits: Limits) -> Extracted:
    """The article made storable, or IngestError(where, reason); dropped values are noted in article.notes."""
    article.title = clean_text(article.title).strip()
    article.body = [p for p in (clean_text(p).strip() for p in article.body) if p]
    for name in _TEXT_FIELDS:
        value = getattr(article, name)
        if value is not None:
            setattr(article, name, clean_text(value).strip() or None)
    if not article.title:
        raise IngestError(where, "no title (empty once control characters are removed)")
    if not article.body:
        raise IngestError(where, "no body (empty once control characters are removed)")
    chars = len(article.title) + sum(map(len, article.body))
    if chars > limits.article_chars:
        raise IngestError(
            where,
            f"article is {chars:,} characters, over the {limits.article_chars:,}-character "
            "limit (ZIXUN_MAX_ARTICLE_CHARS)",
        )
    article.views = counter("views", article.views, where)
    article.comments = counter("comments", article.comments, where)
    article.published_at, note = plausible_time(article.published_at, limits.now)
    if note:
        article.notes.append(f"{where}: {note}")
    return article
