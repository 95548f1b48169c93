"""Fixture feeds and pages for crawl tests and bench/crawl, built from the bundled sample's real articles:
RSS 0.91, RSS 1.0 (RDF), RSS 2.0, Atom and JSON Feed, full-content or summary-only, and article pages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from email.utils import format_datetime
from html import escape
from itertools import islice
from pathlib import Path

from zixun.ingest.dates import parse_datetime

SAMPLE = Path(__file__).resolve().parents[1] / "zixun" / "data" / "sample.jsonl"


@dataclass
class Item:
    """One feed item: a real article of the sample."""

    guid: str
    title: str
    paragraphs: list[str]
    link: str | None
    published: str  # ISO 8601
    category: str | None = None

    @property
    def summary(self) -> str:
        """A short description, as summary-only feeds give (under 300 characters)."""
        return self.paragraphs[0][:80]


def sample_items(count: int, start: int = 0, base_url: str = "http://127.0.0.1/") -> list[Item]:
    """count items from the sample (cycling), each with a link under base_url."""
    with SAMPLE.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in islice(lines, 300)]
    items = []
    for number in range(start, start + count):
        record = records[number % len(records)]
        paragraphs = [p for p in record["body"].replace("。", "。\n").split("\n") if p.strip()]
        guid = f"{record['id']}-{number}"
        items.append(
            Item(guid, f"{record['title']}（{number}）", paragraphs, f"{base_url}a/{guid}.html", record["published_at"])
        )
    return items


def _rfc822(iso: str) -> str:
    return format_datetime(parse_datetime(iso))


def _html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def rss2(items: list[Item], title: str = "测试新闻", full: bool = True, encoding: str = "utf-8") -> bytes:
    """An RSS 2.0 feed; full puts each article in content:encoded, else only a short description."""
    entries = []
    for item in items:
        content = f"<content:encoded><![CDATA[{_html(item.paragraphs)}]]></content:encoded>" if full else ""
        link = f"<link>{escape(item.link)}</link>" if item.link else ""
        entries.append(
            f'<item><title>{escape(item.title)}</title>{link}<guid isPermaLink="false">{escape(item.guid)}</guid>'
            f"<pubDate>{_rfc822(item.published)}</pubDate><description>{escape(item.summary)}</description>"
            f"{content}</item>"
        )
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{escape(title)}</title><link>http://example.test/</link><description>x</description>"
        + "".join(entries)
        + "</channel></rss>"
    ).encode(encoding)


def rss1(items: list[Item], title: str = "RDF 新闻") -> bytes:
    """An RSS 1.0 (RDF) feed with full content."""
    entries = "".join(
        f'<item rdf:about="{escape(i.link)}"><title>{escape(i.title)}</title><link>{escape(i.link)}</link>'
        f"<dc:date>{i.published}</dc:date><content:encoded><![CDATA[{_html(i.paragraphs)}]]></content:encoded></item>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f'<channel rdf:about="http://example.test/"><title>{escape(title)}</title><link>http://example.test/</link>'
        f"<description>x</description></channel>{entries}</rdf:RDF>"
    ).encode()


def rss091(items: list[Item], title: str = "旧式新闻") -> bytes:
    """An RSS 0.91 feed: the whole article in the description."""
    entries = "".join(
        f"<item><title>{escape(i.title)}</title><link>{escape(i.link)}</link>"
        f"<description>{escape(chr(10).join(i.paragraphs))}</description></item>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="0.91"><channel>'
        f"<title>{escape(title)}</title><link>http://example.test/</link><description>x</description>"
        f"<language>zh-cn</language>{entries}</channel></rss>"
    ).encode()


def atom(items: list[Item], title: str = "Atom 新闻") -> bytes:
    """An Atom 1.0 feed with HTML content."""
    entries = "".join(
        f'<entry><title>{escape(i.title)}</title><link href="{escape(i.link)}"/><id>{escape(i.guid)}</id>'
        f'<updated>{i.published}</updated><content type="html">{escape(_html(i.paragraphs))}</content></entry>'
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:x</id><updated>2018-11-01T00:00:00Z</updated>{entries}</feed>"
    ).encode()


def json_feed(items: list[Item], title: str = "JSON 新闻") -> bytes:
    """A JSON Feed 1.1."""
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "items": [
            {
                "id": i.guid,
                "url": i.link,
                "title": i.title,
                "content_html": _html(i.paragraphs),
                "date_published": i.published,
            }
            for i in items
        ],
    }
    return json.dumps(document, ensure_ascii=False).encode()


def article_page(item: Item) -> bytes:
    """The item's web page: a portal page with chrome around the article."""
    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>'
        f"{escape(item.title)}</title></head><body><div class='nav'><a href='/'>首页</a> <a href='/news'>新闻</a></div>"
        f"<div class='article'><h1>{escape(item.title)}</h1>{_html(item.paragraphs)}</div>"
        "<div class='footer'>版权所有 © 测试网</div></body></html>"
    ).encode()
