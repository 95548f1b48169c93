"""A feed validator for the tests: RSS 2.0 and Atom (RFC 4287) checked element by element.

feedparser accepts nearly anything (its bozo flag only says the XML was not well formed), so this parses
with an XML parser (defusedxml: no DTDs, no entities) and checks what the specifications require:
- RSS 2.0: <rss version="2.0"> with one <channel> holding title, link and description; each item a title
  or a description, a guid (a URL when isPermaLink is not "false"), a pubDate in RFC 822;
- Atom: <feed> with id, title and updated; each entry an id, a title, an updated, a link rel="alternate"
  (a link without rel is one) and an author (its own or the feed's);
- for both: dates parse (RFC 822 for RSS, RFC 3339 for Atom), entries are newest first by publication,
  no entry is later than the feed's updated/lastBuildDate, ids are unique, every URL is absolute http(s),
  and every HTML summary holds no element but <p> (text escaped, never markup).
validate() returns a list of problems, empty for a valid feed.
"""

from __future__ import annotations

import itertools
import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

from defusedxml import ElementTree

ATOM = "{http://www.w3.org/2005/Atom}"
# RFC 822 as RSS 2.0 uses it (RFC 1123's four-digit years): "Fri, 16 Nov 2018 00:00:00 GMT" or "+0800"
RFC822 = re.compile(
    r"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"\d{2}:\d{2}(:\d{2})? (GMT|UT|[+-]\d{4}|[A-Z]{3})"
)
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
_URI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def html_parts(html: str) -> tuple[list[str], str]:
    """(element names, text) of an HTML fragment, entities decoded."""
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags, "".join(parser.text)


def _absolute(url: str | None) -> bool:
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _rfc822(text: str | None, where: str, problems: list[str]) -> datetime | None:
    if not text or not RFC822.fullmatch(text.strip()):
        problems.append(f"{where}: {text!r} is not an RFC 822 date")
        return None
    try:
        return parsedate_to_datetime(text.strip())
    except (TypeError, ValueError):
        problems.append(f"{where}: {text!r} does not parse")
        return None


def _rfc3339(text: str | None, where: str, problems: list[str]) -> datetime | None:
    if not text or not RFC3339.fullmatch(text.strip()):
        problems.append(f"{where}: {text!r} is not an RFC 3339 date")
        return None
    return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))


def _text(element, tag: str) -> str | None:
    found = element.find(tag)
    return found.text if found is not None else None


def _summary(html: str | None, where: str, problems: list[str]) -> None:
    tags, _ = html_parts(html or "")
    if set(tags) - {"p"}:
        problems.append(f"{where}: summary HTML holds elements {sorted(set(tags) - {'p'})}")


def _in_order(dates: list[datetime], where: str, problems: list[str]) -> None:
    if any(later > earlier for earlier, later in itertools.pairwise(dates)):
        problems.append(f"{where}: entries are not newest first")


def validate_rss(root) -> list[str]:
    """Problems of an RSS 2.0 document's root element."""
    problems: list[str] = []
    if root.tag != "rss" or root.get("version") != "2.0":
        return [f"root is <{root.tag} version={root.get('version')!r}>, not <rss version='2.0'>"]
    channels = root.findall("channel")
    if len(channels) != 1:
        return [f"{len(channels)} <channel> elements, not 1"]
    channel = channels[0]
    for tag in ("title", "link", "description"):
        if not (_text(channel, tag) or "").strip():
            problems.append(f"channel: no {tag}")
    if not _absolute(_text(channel, "link")):
        problems.append(f"channel link {_text(channel, 'link')!r} is not an absolute URL")
    built = (
        _rfc822(_text(channel, "lastBuildDate"), "lastBuildDate", problems)
        if channel.find("lastBuildDate") is not None
        else None
    )
    guids, dates = set(), []
    for n, item in enumerate(channel.findall("item"), start=1):
        where = f"item {n}"
        if not (_text(item, "title") or "").strip() and not (_text(item, "description") or "").strip():
            problems.append(f"{where}: neither title nor description")
        guid = item.find("guid")
        if guid is None or not (guid.text or "").strip():
            problems.append(f"{where}: no guid")
        else:
            permalink = guid.get("isPermaLink", "true") != "false"
            if (permalink and not _absolute(guid.text)) or not _URI_SCHEME.fullmatch(guid.text.strip()):
                problems.append(f"{where}: guid {guid.text!r} is not a URI (or not a URL while a permalink)")
            if guid.text in guids:
                problems.append(f"{where}: guid {guid.text!r} repeated")
            guids.add(guid.text)
        if item.find("link") is not None and not _absolute(_text(item, "link")):
            problems.append(f"{where}: link {_text(item, 'link')!r} is not an absolute URL")
        if item.find("pubDate") is not None:
            date = _rfc822(_text(item, "pubDate"), f"{where} pubDate", problems)
            if date is not None:
                dates.append(date)
                if built is not None and date > built:
                    problems.append(f"{where}: pubDate after the channel's lastBuildDate")
        _summary(_text(item, "description"), where, problems)
    _in_order(dates, "channel", problems)
    return problems


def _alternate(element) -> str | None:
    for link in element.findall(f"{ATOM}link"):
        if link.get("rel", "alternate") == "alternate":
            return link.get("href")
    return None


def validate_atom(root) -> list[str]:
    """Problems of an Atom document's root element."""
    problems: list[str] = []
    if root.tag != f"{ATOM}feed":
        return [f"root is <{root.tag}>, not an Atom <feed>"]
    for tag in ("id", "title", "updated"):
        if not (_text(root, ATOM + tag) or "").strip():
            problems.append(f"feed: no {tag}")
    if not _URI_SCHEME.fullmatch((_text(root, f"{ATOM}id") or "").strip()):
        problems.append(f"feed id {_text(root, f'{ATOM}id')!r} is not an IRI")
    updated = _rfc3339(_text(root, f"{ATOM}updated"), "feed updated", problems)
    for link in root.findall(f"{ATOM}link"):
        if not _absolute(link.get("href")):
            problems.append(f"feed link {link.get('href')!r} is not an absolute URL")
    feed_author = root.find(f"{ATOM}author/{ATOM}name") is not None
    ids, dates = set(), []
    for n, entry in enumerate(root.findall(f"{ATOM}entry"), start=1):
        where = f"entry {n}"
        for tag in ("id", "title", "updated"):
            if not (_text(entry, ATOM + tag) or "").strip():
                problems.append(f"{where}: no {tag}")
        entry_id = (_text(entry, f"{ATOM}id") or "").strip()
        if entry_id and not _URI_SCHEME.fullmatch(entry_id):
            problems.append(f"{where}: id {entry_id!r} is not an IRI")
        if entry_id in ids:
            problems.append(f"{where}: id {entry_id!r} repeated")
        ids.add(entry_id)
        changed = _rfc3339(_text(entry, f"{ATOM}updated"), f"{where} updated", problems)
        if changed and updated and changed > updated:
            problems.append(f"{where}: updated after the feed's updated")
        if entry.find(f"{ATOM}published") is not None:
            published = _rfc3339(_text(entry, f"{ATOM}published"), f"{where} published", problems)
            if published:
                dates.append(published)
        if not _absolute(_alternate(entry)):
            problems.append(f"{where}: no link rel=alternate with an absolute URL")
        if entry.find(f"{ATOM}author/{ATOM}name") is None and not feed_author:
            problems.append(f"{where}: no author (nor has the feed)")
        summary = entry.find(f"{ATOM}summary")
        if summary is not None and summary.get("type") == "html":
            _summary(summary.text, where, problems)
    _in_order(dates, "feed", problems)
    return problems


def validate(document: bytes) -> list[str]:
    """Problems of an RSS 2.0 or Atom document (which one, from its root)."""
    try:
        root = ElementTree.fromstring(document)
    except Exception as error:  # noqa: BLE001 - any parse failure is the one problem
        return [f"not well-formed XML: {error}"]
    return validate_atom(root) if root.tag.startswith(ATOM) else validate_rss(root)
