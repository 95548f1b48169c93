"""RSS 2.0 and Atom feed files → one Extracted per entry, read safely.

read_feed runs in stages: 1. decode the bytes once (encoding.py) and re-declare them as UTF-8, since
expat, under both parsers below, reads no multi-byte legacy encoding (GBK, Big5); 2. prove the XML
well-formed and free of DTDs with defusedxml, because feedparser alone falls back to its loose parser
and expands entity bombs (0.1 MB → 100 MB); 3. read the feed with feedparser; 4. each entry → Extracted, admitted by checks.py (a bad entry fails alone).
Markup in an entry is sanitized with nh3 before it is laid out as text (scripts, styles and handlers go).
"""

from __future__ import annotations

import html
import io
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import nh3
from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.ElementTree import ParseError, fromstring

from zixun.ingest.checks import Limits, admit
from zixun.ingest.dates import SHANGHAI, parse_datetime
from zixun.ingest.encoding import decode_bytes
from zixun.ingest.layout import parse_page
from zixun.models import Extracted, IngestError

log = logging.getLogger(__name__)

_DECLARATION = re.compile(r"^<\?xml[^>]*\?>")
_MARKUP = re.compile(r"<[A-Za-z/!][^>]*>")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# In a Chinese feed "CST" is China Standard Time, not the US Central time email.utils reads it as.
_CST = re.compile(r"\s(?:CST|Asia/Shanghai)\s*$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[。！？!?]")
_TITLE_CHARS = 40
_WEB_ADDRESS = re.compile(r"^https?://", re.IGNORECASE)
SUMMARY_CHARS = 300  # a description shorter than this, with no full content, is a summary-only entry


@dataclass
class Feed:
    """A parsed feed file: its title, one article per entry, the skipped entries with the reason, and the
    entries refused by the admission checks. summary_only holds the articles whose entry carried only a
    short description, not the full text (a crawler fetches their pages)."""

    title: str | None
    articles: list[Extracted] = field(default_factory=list)
    summary_only: list[Extracted] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[IngestError] = field(default_factory=list)


def extract_feed(data: bytes, path: str, limits: Limits | None = None) -> list[Extracted | IngestError]:
    """The articles of a feed file and its refused entries; skipped entries are logged, IngestError refuses
    the whole file."""
    feed = read_feed(data, path, limits)
    for reason in feed.skipped:
        log.warning("%s", reason)
    return [*feed.articles, *feed.failed]


def read_feed(data: bytes, path: str, limits: Limits | None = None) -> Feed:
    """Parse a feed file's bytes; IngestError names the file when it is unsafe, malformed or not a feed."""
    xml = _as_utf8(data, path)  # 1. one decoding, declared as UTF-8
    _refuse_unsafe(xml, path)  # 2. no DTD, well-formed
    parsed = _parse(xml, path)  # 3. feedparser
    if not parsed.entries:
        raise IngestError(path, "the feed has no entries (<item> or <entry>)")
    feed = Feed(_plain(parsed.feed.get("title_detail"), path) or None)
    limits = limits or Limits()
    for number, entry in enumerate(parsed.entries, start=1):  # 4. entries → articles
        where = f"{path} entry {number}"
        try:
            article = _article(entry, path, where, feed.title)
            if article is None:
                feed.skipped.append(f"{where}: skipped, no title and no body")
            else:
                feed.articles.append(admit(article, where, limits))
                if _summary_only(entry, article):
                    feed.summary_only.append(article)
        except IngestError as error:
            feed.failed.append(error)
        except Exception as error:  # one odd entry fails alone, named; the file's other entries go on
            log.debug("unexpected error in %s", where, exc_info=True)
            feed.failed.append(IngestError(where, f"unexpected error: {type(error).__name__}: {error}"))
    return feed


def _as_utf8(data: bytes, path: str) -> bytes:
    """The bytes as UTF-8 with a matching declaration (BOM, declared charset and detection: encoding.py)."""
    text = decode_bytes(data, path).lstrip()  # whitespace before <?xml is common and fatal to expat
    return _DECLARATION.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1).encode("utf-8")


def _refuse_unsafe(xml: bytes, path: str) -> None:
    """IngestError for any DTD or entity declaration, and for XML that is not well-formed."""
    try:
        fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DTDForbidden as error:
        raise IngestError(
            path,
            f"the feed declares a DTD (<!DOCTYPE {error.name}>); feeds with DTDs or entity "
            "declarations are refused (entity bombs, external entities)",
        ) from None
    except DefusedXmlException as error:
        raise IngestError(path, f"the feed declares entities, which are refused ({error})") from None
    except ParseError as error:
        raise IngestError(path, f"not well-formed XML, truncated or broken ({error})") from None


def _parse(xml: bytes, path: str):
    # Loaded here: feedparser costs ~90 ms to import and only feed files need it.
    import feedparser

    parsed = feedparser.parse(io.BytesIO(xml))
    if parsed.bozo:  # not expected after _refuse_unsafe proved the XML well-formed
        raise IngestError(path, f"feedparser cannot read the feed ({parsed.bozo_exception})")
    if not parsed.version:
        raise IngestError(path, "not an RSS or Atom feed (no <rss>, <feed> or <rdf:RDF> root)")
    return parsed


def _article(entry, path: str, where: str, feed_title: str | None) -> Extracted | None:
    """One entry as an article, or None when it has neither a title nor a body."""
    body = _body(entry, where)
    title = _plain(entry.get("title_detail"), where)
    if not title and not body:
        return None
    source = entry.get("source") or {}
    author = entry.get("author_detail") or {}
    return Extracted(
        path=path,
        title=title or _title_from(body),
        body=body,
        guid=entry.get("id") or entry.get("link") or None,
        url=_url(entry.get("link")),
        author=(author.get("name") or entry.get("author") or "").strip() or None,
        source=(source.get("title") or "").strip() or feed_title,
        published_at=_published(entry),
        category=_category(entry.get("tags")),
        declared_original=False,
    )


def _summary_only(entry, article: Extracted) -> bool:
    """True when the entry has no full content, only a description shorter than SUMMARY_CHARS."""
    has_content = any((detail or {}).get("value") for detail in entry.get("content") or [])
    return not has_content and sum(map(len, article.body)) < SUMMARY_CHARS


def _url(link: str | None) -> str | None:
    """The entry's web address; feedparser copies a bare <guid> (permalink by default) into link."""
    return link if link and _WEB_ADDRESS.match(link) else None


def _category(tags) -> str | None:
    """The first category: its label (Atom's human-readable name) or its term."""
    first = tags[0] if tags else {}
    return (first.get("label") or first.get("term") or "").strip() or None


def _body(entry, where: str) -> list[str]:
    """Paragraphs of the entry's full content (content:encoded, Atom content), else of its description."""
    for detail in entry.get("content") or []:
        paragraphs = _paragraphs(detail, where)
        if paragraphs:
            return paragraphs
    return _paragraphs(entry.get("summary_detail"), where)


def _paragraphs(detail, where: str) -> list[str]:
    """A text construct as paragraphs: markup laid out by layout.py, plain text split at line breaks."""
    value = (detail or {}).get("value") or ""
    is_html = (detail or {}).get("type") in _HTML_TYPES
    if is_html and _MARKUP.search(value):
        try:
            return [line.text for line in parse_page(nh3.clean(value), where).lines]
        except IngestError:  # markup with no content at all (a lone comment): no paragraphs
            return []
    text = html.unescape(value) if is_html else value
    return [line.strip() for line in text.splitlines() if line.strip()]


def _plain(detail, where: str) -> str:
    """A one-line text construct (a title) as plain text."""
    return " ".join(_paragraphs(detail, where))


def _title_from(body: list[str]) -> str:
    """A stand-in title for an entry with a body only (RSS allows it): its first sentence, cut short."""
    first = body[0]
    end = _SENTENCE_END.search(first)
    return first[: end.start()] if end and end.start() <= _TITLE_CHARS else first[:_TITLE_CHARS]


def _published(entry) -> datetime | None:
    """The entry's publish (else update) time, aware; naive times are Beijing time."""
    for key in ("published", "updated", "created"):
        raw = (entry.get(key) or "").strip()
        when = _parse_date(raw) if raw else None
        if when is not None:
            return when
    return None


def _parse_date(raw: str) -> datetime | None:
    """RFC 822 (RSS), else ISO 8601 (Atom) or a Chinese form (dates.py); None when it is none (never raises)."""
    try:
        when = parsedate_to_datetime(_CST.sub(" +0800", raw))
    except (TypeError, ValueError, IndexError, OverflowError):
        return parse_datetime(raw)
    if when.tzinfo is None:  # "-0000" is UTC in RFC 822; no zone at all is a Chinese feed's local time
        return when.replace(tzinfo=UTC if raw.endswith("-0000") else SHANGHAI)
    return when
