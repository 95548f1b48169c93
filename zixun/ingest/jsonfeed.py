"""JSON Feed (1.0, 1.1) → the same Feed as an RSS or Atom file gives: one Extracted per item.

The document is parsed with the standard json module; its HTML (content_html) is sanitized with nh3 and
laid out as text, an item's url is kept only when it is http(s), its dates read as RFC 3339.
"""

from __future__ import annotations

import json
import re

import nh3

from zixun.ingest.checks import Limits, admit
from zixun.ingest.dates import parse_datetime
from zixun.ingest.encoding import decode_bytes
from zixun.ingest.feeds import SUMMARY_CHARS, Feed, _title_from
from zixun.ingest.layout import parse_page
from zixun.models import Extracted, IngestError

_VERSION = re.compile(r"^https://jsonfeed\.org/version/1(?:\.1)?/?$")
_WEB_ADDRESS = re.compile(r"^https?://", re.IGNORECASE)


def looks_like_json_feed(data: bytes, content_type: str = "") -> bool:
    """True when the bytes are JSON (by type or first character) rather than XML."""
    return "json" in content_type.lower() or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def read_json_feed(data: bytes, path: str, limits: Limits | None = None) -> Feed:
    """Parse a JSON Feed's bytes; IngestError names the feed when it is not JSON or not a JSON Feed."""
    try:
        document = json.loads(decode_bytes(data, path))
    except (json.JSONDecodeError, RecursionError) as error:
        raise IngestError(path, f"not valid JSON ({error})") from None
    if not isinstance(document, dict) or not _VERSION.match(str(document.get("version", ""))):
        raise IngestError(path, "not a JSON Feed (no https://jsonfeed.org/version/1 or 1.1 version)")
    items = document.get("items")
    if not isinstance(items, list) or not items:
        raise IngestError(path, "the feed has no items")
    title = _text(document.get("title")) or None
    feed = Feed(title)
    limits = limits or Limits()
    for number, item in enumerate(items, start=1):
        where = f"{path} item {number}"
        try:
            article, summary_only = _article(item, path, where, title)
        except IngestError as error:
            feed.failed.append(error)
            continue
        if article is None:
            feed.skipped.append(f"{where}: skipped, no title and no body")
            continue
        try:
            feed.articles.append(admit(article, where, limits))
        except IngestError as error:
            feed.failed.append(error)
            continue
        if summary_only:
            feed.summary_only.append(article)
    return feed


def _article(item, path: str, where: str, feed_title: str | None) -> tuple[Extracted | None, bool]:
    if not isinstance(item, dict):
        raise IngestError(where, "an item is not a JSON object")
    body = _html(item.get("content_html"), where) or _lines(_text(item.get("content_text")))
    summary_only = not body
    body = body or _lines(_text(item.get("summary")))
    title = _text(item.get("title")).strip()
    if not title and not body:
        return None, False
    url = _text(item.get("url"))
    authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
    author = next((_text(a.get("name")) for a in authors if isinstance(a, dict) and a.get("name")), None)
    tags = item.get("tags") if isinstance(item.get("tags"), list) else []
    article = Extracted(
        path=path,
        title=title or _title_from(body),
        body=body,
        guid=_text(item.get("id")) or url or None,
        url=url if _WEB_ADDRESS.match(url) else None,
        author=author,
        source=feed_title,
        published_at=parse_datetime(_text(item.get("date_published") or item.get("date_modified"))),
        category=_text(tags[0]) if tags else None,
    )
    return article, summary_only and sum(map(len, body)) < SUMMARY_CHARS


def _text(value) -> str:
    return value if isinstance(value, str) else str(value) if isinstance(value, int | float) else ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _html(value, where: str) -> list[str]:
    if not isinstance(value, str) or not value.strip():
        return []
    try:
        return [line.text for line in parse_page(nh3.clean(value), where).lines]
    except IngestError:
        return []
