"""Full text for summary-only feed items: the item's page is fetched (through the one fetcher, politely)
and its article extracted by the core HTML extractor; a page that fails leaves the feed's summary in
place and says so in a note."""

from __future__ import annotations

from zixun.crawl.politeness import HostGate, Robots
from zixun.fetch.fetcher import PAGE_ACCEPT, Fetcher, FetchError
from zixun.ingest.checks import Limits, admit
from zixun.ingest.encoding import decode_bytes
from zixun.ingest.html import extract_html, looks_like_html
from zixun.models import Extracted, IngestError


def fill_full_text(article: Extracted, fetcher: Fetcher, gate: HostGate, robots: Robots, limits: Limits) -> None:
    """Replace article's summary with the full text of its page; on failure keep it and add a note saying why."""
    if not article.url:
        article.notes.append(f"{article.path}: '{article.title}' has no web link; the feed's summary is kept")
        return
    try:
        page = _page_article(article.url, fetcher, gate, robots)
    except (FetchError, IngestError) as error:
        article.notes.append(f"{article.url}: full text not fetched ({error.reason}); the feed's summary is kept")
        return
    if sum(map(len, page.body)) <= sum(map(len, article.body)):
        article.notes.append(f"{article.url}: the page holds no more text than the feed; the feed's summary is kept")
        return
    summary = article.body
    article.body = page.body
    try:
        admit(article, article.url, limits)
    except IngestError as error:
        article.body = summary
        article.notes.append(f"{article.url}: full text refused ({error.reason}); the feed's summary is kept")


def _page_article(url: str, fetcher: Fetcher, gate: HostGate, robots: Robots) -> Extracted:
    if not robots.allows(url):
        raise IngestError(url, "robots.txt disallows it")
    with gate.slot(url):
        fetched = fetcher.get(url, accept=PAGE_ACCEPT)
    text = decode_bytes(fetched.body, url)
    if not looks_like_html(text):
        raise IngestError(url, "not an HTML page")
    return extract_html(text, url, url=fetched.url)
