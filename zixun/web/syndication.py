"""Feeds out: a feed context (contexts.list_feed, contexts.hot_feed) written as RSS 2.0 or Atom (RFC 4287).

- URLs in a feed are absolute: ZIXUN_SITE_URL when set, else the scheme and Host the request came with
  (checked as a host[:port], else 400). Only the reader who sent a Host sees links built from it: the
  portal caches the feed contexts, which hold paths, and writes the URLs per request, so a forged Host
  cannot reach anyone else's feed. Behind a TLS proxy, set ZIXUN_SITE_URL (the scheme is not known).
- Ids do not depend on that base: an entry's (RSS guid, Atom id) is a name-based UUID of the article's
  guid, the feed's of the site URL (when set) and what the feed lists, so a reader sees no duplicates
  when the portal is reached under another name.
- Text is written by lxml, which escapes it; a summary becomes HTML (<p>…</p>) whose text is escaped
  first, so an article's "<b>" shows as those characters, never as markup. Characters XML 1.0 cannot
  hold (control characters) are dropped.
- Dates: RFC 822 in GMT for RSS, RFC 3339 in UTC for Atom. Entries are newest first.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from lxml import etree
from markupsafe import escape
from starlette.exceptions import HTTPException

from zixun import contexts
from zixun.contexts import Feed, FeedEntry
from zixun.schemas import FEED_FORMATS, feed_path, hot_feed_path
from zixun.web.guard import netloc
from zixun.web.pages import PathName
from zixun.web.params import Name, Window
from zixun.web.portal import Portal

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/elements/1.1/"
SITE_NAME = "资讯"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # the updated time of a feed with no entries
_HOST = re.compile(r"[a-z0-9.-]+(:[0-9]+)?|\[[0-9a-f:.]+\](:[0-9]+)?")


def base_url(request: Request, site_url: str | None) -> str:
    """The origin feed URLs start with: site_url, else the request's scheme and (checked) Host."""
    if site_url:
        return site_url
    scheme = request.url.scheme
    given = request.headers.get("host", "")
    host = netloc(scheme, given) if _HOST.fullmatch(given.lower()) else None
    if host is None:
        raise HTTPException(400, "Host 请求头不是合法的主机名 (malformed Host header)")
    return f"{scheme}://{host}"


def rfc822(moment: datetime) -> str:
    """A time as RSS 2.0 writes it: Fri, 16 Nov 2018 00:00:00 GMT."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def rfc3339(moment: datetime) -> str:
    """A time as Atom writes it: 2018-11-16T00:00:00Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _urn(name: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, name).urn


def entry_id(entry: FeedEntry) -> str:
    """The stable id of an entry: the same article has it in every feed, under every host."""
    return _urn(f"zixun:article:{entry.item.guid}")


def feed_id(feed: Feed, site_url: str | None) -> str:
    """The stable id of a feed (Atom's feed id)."""
    return _urn(f"zixun:feed:{site_url or ''}:" + "/".join(str(part) for part in feed.key))


def self_path(feed: Feed, fmt: str) -> str:
    """The path this feed is served at in format fmt."""
    if feed.key[0] == "hot":
        return hot_feed_path(fmt, feed.key[1], feed.key[2])
    return feed_path(fmt, feed.key[1], feed.key[2])


def _text(value: str | None) -> str:
    return _NOT_XML.sub("", value or "")


def _add(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag, {k: _text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = _text(text)
    return element


def summary_html(entry: FeedEntry) -> str:
    """The entry's summary (and hot note) as HTML, its text escaped."""
    paragraphs = [entry.item.summary, entry.note]
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs if p)


def _updated(feed: Feed) -> datetime:
    return max((entry.updated for entry in feed.entries), default=_EPOCH)


def rss(feed: Feed, base: str) -> bytes:
    """The feed as an RSS 2.0 document (UTF-8)."""
    root = etree.Element("rss", version="2.0", nsmap={"atom": ATOM, "dc": DC})
    channel = _add(root, "channel")
    _add(channel, "title", f"{SITE_NAME} · {feed.title}")
    _add(channel, "link", base + feed.page)
    _add(channel, "description", f"{SITE_NAME}：{feed.title}")
    _add(channel, "language", "zh-CN")
    _add(channel, f"{{{ATOM}}}link", rel="self", type=FEED_FORMATS["rss"], href=base + self_path(feed, "rss"))
    _add(channel, "generator", "zixun")
    if feed.entries:
        _add(channel, "lastBuildDate", rfc822(_updated(feed)))
    for entry in feed.entries:
        item = _add(channel, "item")
        _add(item, "title", entry.item.title)
        _add(item, "link", base + entry.item.url)
        _add(item, "description", summary_html(entry))
        _add(item, "guid", entry_id(entry), isPermaLink="false")
        if entry.item.published_at:
            _add(item, "pubDate", rfc822(entry.item.published_at))
        if entry.item.author:
            _add(item, f"{{{DC}}}creator", entry.item.author)
        if entry.item.category:
            _add(item, "category", entry.item.category)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def atom(feed: Feed, base: str, site_url: str | None) -> bytes:
    """The feed as an Atom document (UTF-8)."""
    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    _add(root, f"{{{ATOM}}}id", feed_id(feed, site_url))
    _add(root, f"{{{ATOM}}}title", f"{SITE_NAME} · {feed.title}")
    _add(root, f"{{{ATOM}}}updated", rfc3339(_updated(feed)))
    _add(root, f"{{{ATOM}}}link", rel="self", type=FEED_FORMATS["atom"], href=base + self_path(feed, "atom"))
    _add(root, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=base + feed.page)
    _add(_add(root, f"{{{ATOM}}}author"), f"{{{ATOM}}}name", SITE_NAME)
    _add(root, f"{{{ATOM}}}generator", "zixun")
    for entry in feed.entries:
        item = _add(root, f"{{{ATOM}}}entry")
        _add(item, f"{{{ATOM}}}id", entry_id(entry))
        _add(item, f"{{{ATOM}}}title", entry.item.title)
        _add(item, f"{{{ATOM}}}updated", rfc3339(entry.updated))
        if entry.item.published_at:
            _add(item, f"{{{ATOM}}}published", rfc3339(entry.item.published_at))
        _add(item, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=base + entry.item.url)
        byline = entry.item.author or entry.item.source or SITE_NAME
        _add(_add(item, f"{{{ATOM}}}author"), f"{{{ATOM}}}name", byline)
        if entry.item.category:
            _add(item, f"{{{ATOM}}}category", term=entry.item.category)
        _add(item, f"{{{ATOM}}}summary", summary_html(entry), type="html")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def feed_response(request: Request, feed: Feed, fmt: str, max_age: float) -> Response:
    """The feed in format fmt, with an ETag (a matching If-None-Match gets 304) and a max-age."""
    site_url = request.app.state.portal.settings.site_url
    base = base_url(request, site_url)
    body = rss(feed, base) if fmt == "rss" else atom(feed, base, site_url)
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"etag": tag, "cache-control": f"public, max-age={int(max_age)}"}
    if tag in (t.strip() for t in request.headers.get("if-none-match", "").split(",")):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=f"{FEED_FORMATS[fmt]}; charset=utf-8", headers=headers)


router = APIRouter(include_in_schema=False)
Format = Annotated[Literal["rss", "atom"], Path(description="rss (RSS 2.0) or atom (Atom 1.0).")]
Kind = Annotated[Literal["categories", "authors", "sources"], Path()]
_KINDS = {"categories": "category", "authors": "author", "sources": "source"}


async def _serve(request: Request, fmt: str, build, *args) -> Response:
    portal: Portal = request.app.state.portal
    feed = await portal.read(build, *args)
    return feed_response(request, feed, fmt, portal.settings.hot_cache_seconds)


@router.get("/feeds/{fmt}")
async def site_feed(request: Request, fmt: Format) -> Response:
    """The newest articles of the whole site."""
    return await _serve(request, fmt, contexts.list_feed, None, None)


@router.get("/feeds/{fmt}/hot")
async def hot_feed(request: Request, fmt: Format, window: Window = "24h", category: Name = None) -> Response:
    """The hot list of a window, over all categories or one (as /hot)."""
    return await _serve(request, fmt, contexts.hot_feed, window, category or None)


@router.get("/feeds/{fmt}/{kind}/{name:path}")
async def named_feed(request: Request, fmt: Format, kind: Kind, name: PathName) -> Response:
    """The newest articles of a category, author or source (404 when it has none)."""
    return await _serve(request, fmt, contexts.list_feed, _KINDS[kind], name)
