"""Feeds out (RSS 2.0 and Atom) over real HTTP, on SQLite and PostgreSQL stores holding the sample, each
checked by tests/feed_validator.py and compared with the store as the JSON API shows it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import quote, urlsplit

import feedparser
import lxml.html
import pytest
from conftest import postgres_schema_url
from defusedxml import ElementTree
from feed_validator import ATOM, html_parts, validate
from web_server import SAMPLE_END, FakeClock, fill_store, live_server

from zixun.settings import Settings

FEED_ITEMS = 12
# an article whose title and summary hold markup, quotes, an ampersand and a character XML cannot carry
TRICKY = {
    "id": "tricky-1",
    "title": '<b>粗体</b> & "引号" 与 <script>alert(1)</script>\uffff测试',
    "body": "第一段：<i>斜体</i> & 符号 <img src=x onerror=alert(1)> 都应原样显示为文字。\n第二段，中文正文。",
    "category": "测试/分类?",
    "author": "作者 <甲>",
    "source": "来源&乙",
    "published_at": "2018-11-15T23:00:00+08:00",
}
SHOWN_TITLE = '<b>粗体</b> & "引号" 与 <script>alert(1)</script>测试'


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store_url(request, tmp_path_factory):
    """A store holding the sample, the seed page and TRICKY: a SQLite file or a PostgreSQL schema."""
    extra = tmp_path_factory.mktemp("feeds") / "tricky.jsonl"
    extra.write_text(json.dumps(TRICKY, ensure_ascii=False) + "\n", encoding="utf-8")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'zixun.db'}"
        fill_store(url, [extra])
        yield url
        return
    with postgres_schema_url() as url:
        fill_store(url, [extra])
        yield url


@pytest.fixture(scope="module")
def web(store_url):
    """An httpx client on the live portal, with the request's own base URL (no ZIXUN_SITE_URL)."""
    settings = Settings(database_url=store_url, feed_items=FEED_ITEMS, warm_pages=False)
    with live_server(settings, FakeClock(SAMPLE_END)) as (_server, client):
        yield client


def _feeds(web) -> dict[str, str]:
    """Every kind of feed, by name: the site, a category, an author, a source, hot lists."""
    home = web.get("/api/home").json()
    item = next(i for s in home["sections"] for i in s["items"] if i["author"] and i["source"])
    return {
        "site": "",
        "category": "/categories/" + quote(home["sections"][0]["name"], safe=""),
        "author": "/authors/" + quote(item["author"], safe=""),
        "source": "/sources/" + quote(item["source"], safe=""),
        "tricky category": "/categories/" + quote(TRICKY["category"], safe=""),
        "hot 7d": "/hot?window=7d",
        "hot 7d category": "/hot?window=7d&category=" + quote(home["sections"][0]["name"], safe=""),
        "hot 24h": "/hot",
    }


def _get(web, path: str):
    response = web.get(path)
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return response


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_every_feed_is_valid_and_absolute(web, fmt):
    media = {"rss": "application/rss+xml", "atom": "application/atom+xml"}[fmt]
    base = str(web.base_url).rstrip("/")
    counts = {}
    for name, path in _feeds(web).items():
        response = _get(web, f"/feeds/{fmt}{path}")
        assert response.headers["content-type"] == f"{media}; charset=utf-8"
        assert validate(response.content) == [], name
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, (name, parsed.bozo_exception)
        counts[name] = len(parsed.entries)
        assert all(e.link.startswith(base + "/articles/") for e in parsed.entries), name
        assert parsed.feed.link.startswith(base + "/")
    assert counts["site"] == counts["category"] == FEED_ITEMS  # the sample has more: the limit holds
    assert counts["tricky category"] == 1 and counts["author"] >= 1 and counts["source"] >= 1
    assert counts["hot 7d"] > 0 and counts["hot 7d category"] > 0


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_feed_entries_are_the_lists_articles_with_their_chinese_text(web, fmt):
    category = _feeds(web)["category"]
    listed = _get(web, f"/api{category}?page_size={FEED_ITEMS}").json()["items"]
    parsed = feedparser.parse(_get(web, f"/feeds/{fmt}{category}").content)
    assert [e.title for e in parsed.entries] == [i["title"] for i in listed]
    assert [urlsplit(e.link).path for e in parsed.entries] == [i["url"] for i in listed]
    for entry, item in zip(parsed.entries, listed, strict=True):
        _, text = html_parts(entry.summary)
        assert text == item["summary"]
        published = datetime.fromisoformat(item["published_at"])
        assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == published.astimezone(UTC)


def test_rss_dates_are_rfc_822_in_gmt_and_atom_dates_rfc_3339_in_utc(web):
    rss = ElementTree.fromstring(_get(web, "/feeds/rss").content)
    atom = ElementTree.fromstring(_get(web, "/feeds/atom").content)
    pub_dates = [e.text for e in rss.iter("pubDate")]
    published = [e.text for e in atom.iter(f"{ATOM}published")]
    assert pub_dates and all(d.endswith(" GMT") for d in pub_dates)
    assert published and all(d.endswith("Z") for d in published)
    # the same moments, newest first
    as_rss = [parsedate_to_datetime(d) for d in pub_dates]
    as_atom = [datetime.fromisoformat(d.replace("Z", "+00:00")) for d in published]
    assert as_rss == as_atom == sorted(as_rss, reverse=True)


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_markup_in_titles_and_summaries_is_text_never_markup(web, fmt):
    document = _get(web, f"/feeds/{fmt}" + _feeds(web)["tricky category"]).content
    assert validate(document) == []
    root = ElementTree.fromstring(document)
    if fmt == "rss":
        item = root.find("channel/item")
        title, summary = item.findtext("title"), item.findtext("description")
        assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == TRICKY["author"]
    else:
        item = root.find(f"{ATOM}entry")
        title, summary = item.findtext(f"{ATOM}title"), item.findtext(f"{ATOM}summary")
        assert item.findtext(f"{ATOM}author/{ATOM}name") == TRICKY["author"]
    assert title == SHOWN_TITLE  # the character XML cannot hold (U+FFFF) is dropped, the rest kept as text
    tags, text = html_parts(summary)
    assert tags == ["p"] and "<i>斜体</i> & 符号 <img src=x onerror=alert(1)>" in text
    # the page links to this feed, and the feed's page link is that page
    page = web.get("/categories/" + quote(TRICKY["category"], safe=""))
    links = lxml.html.fromstring(page.text).xpath("//link[@rel='alternate']/@href")
    assert f"/feeds/{fmt}/categories/" + quote(TRICKY["category"], safe="") in links


def test_pages_link_their_own_feeds_and_each_link_serves_a_valid_feed(web):
    kinds = {"application/rss+xml", "application/atom+xml"}
    feeds = _feeds(web)
    pages = {
        "/": "/feeds/{}",
        "/articles": "/feeds/{}",
        feeds["category"]: "/feeds/{}" + feeds["category"],
        feeds["author"]: "/feeds/{}" + feeds["author"],
        feeds["source"]: "/feeds/{}" + feeds["source"],
        "/hot?window=7d": "/feeds/{}/hot?window=7d",
        feeds["hot 7d category"]: "/feeds/{}/hot?window=7d&category=" + feeds["hot 7d category"].split("=")[-1],
    }
    for page, expected in pages.items():
        document = lxml.html.fromstring(_get(web, page).text)
        links = document.xpath("//head/link[@rel='alternate']")
        found = {(link.get("type"), link.get("href")) for link in links}
        assert {t for t, _ in found} == kinds, page
        for fmt, media in (("rss", "application/rss+xml"), ("atom", "application/atom+xml")):
            assert (media, expected.format(fmt)) in found, (page, found)
        for _, href in found:
            assert validate(_get(web, href).content) == [], href


def test_ids_are_stable_across_hosts_and_links_follow_the_checked_host(web):
    first = _get(web, "/feeds/atom").content
    again = web.get("/feeds/atom", headers={"host": "news.example.org:8080"})
    assert again.status_code == 200 and validate(again.content) == []

    def ids(document: bytes) -> list[str]:
        return [e.text for e in ElementTree.fromstring(document).iter(f"{ATOM}id")]

    assert ids(first) == ids(again.content)  # the feed's and every entry's id
    links = [e.link for e in feedparser.parse(again.content).entries]
    assert links and all(link.startswith("http://news.example.org:8080/articles/") for link in links)
    rss = [g.text for g in ElementTree.fromstring(_get(web, "/feeds/rss").content).iter("guid")]
    assert rss == ids(first)[1:]  # RSS guids are the Atom entry ids
    for host in ("evil.example/<x>", "a b", "user@host", ""):
        refused = web.get("/feeds/rss", headers={"host": host})
        assert refused.status_code == 400, host


def test_a_configured_site_url_is_used_whatever_the_host(store_url):
    settings = Settings(database_url=store_url, site_url="https://news.example.com", warm_pages=False)
    with live_server(settings, FakeClock(SAMPLE_END)) as (_server, web):
        for host in ("attacker.example", "127.0.0.1"):
            response = web.get("/feeds/rss", headers={"host": host})
            assert validate(response.content) == []
            root = ElementTree.fromstring(response.content)
            urls = [e.text for e in root.iter("link")] + [e.get("href") for e in root.iter(f"{ATOM}link")]
            assert urls and all(u.startswith("https://news.example.com/") for u in urls), urls


def test_feed_etag_head_and_errors(web):
    first = _get(web, "/feeds/rss/hot?window=7d")
    assert first.headers["etag"] and "max-age=" in first.headers["cache-control"]
    unchanged = web.get("/feeds/rss/hot?window=7d", headers={"if-none-match": first.headers["etag"]})
    assert unchanged.status_code == 304 and unchanged.content == b""
    head = web.head("/feeds/rss/hot?window=7d")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(first.content)) and head.headers["etag"] == first.headers["etag"]
    assert web.get("/feeds/rss/categories/" + quote("没有这个分类")).status_code == 404
    assert web.get("/feeds/json").status_code == 422
    assert web.get("/feeds/rss/tags/x").status_code == 422
    assert web.get("/feeds/atom/hot?window=1y").status_code == 422


GOOD_RSS = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>
<link>http://a.example/</link><description>d</description>
<item><title>新</title><link>http://a.example/1</link><guid isPermaLink="false">urn:x:1</guid>
<pubDate>Fri, 16 Nov 2018 00:00:00 GMT</pubDate></item>
<item><title>旧</title><link>http://a.example/2</link><guid isPermaLink="false">urn:x:2</guid>
<pubDate>Thu, 15 Nov 2018 00:00:00 GMT</pubDate></item></channel></rss>"""
GOOD_ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><id>urn:x:f</id>
<title>t</title><updated>2018-11-16T00:00:00Z</updated>
<entry><id>urn:x:1</id><title>新</title><updated>2018-11-16T00:00:00Z</updated>
<link rel="alternate" href="http://a.example/1"/><author><name>甲</name></author></entry></feed>"""


@pytest.mark.parametrize(
    "broken, problem",
    [
        (GOOD_RSS.replace("<title>t</title>", ""), "channel: no title"),
        (GOOD_RSS.replace("<description>d</description>", ""), "channel: no description"),
        (GOOD_RSS.replace('<guid isPermaLink="false">urn:x:1</guid>', ""), "item 1: no guid"),
        (GOOD_RSS.replace("urn:x:2", "urn:x:1"), "repeated"),
        (GOOD_RSS.replace('isPermaLink="false">urn:x:1', ">urn:x:1"), "not a URL while a permalink"),
        (GOOD_RSS.replace("Fri, 16 Nov 2018 00:00:00 GMT", "2018-11-16 00:00:00"), "not an RFC 822 date"),
        (GOOD_RSS.replace("Fri, 16 Nov", "Fri, 14 Nov"), "not newest first"),
        (GOOD_RSS.replace("http://a.example/1", "/1"), "not an absolute URL"),
        (GOOD_RSS.replace("<title>新</title>", "").replace("<title>旧</title>", ""), "neither title nor description"),
        (GOOD_RSS.replace('version="2.0"', 'version="0.91"'), "not <rss version='2.0'>"),
        (GOOD_RSS.replace("<title>新</title>", "<description>&lt;b&gt;x&lt;/b&gt;</description>"), "holds elements"),
        (GOOD_RSS[:-20], "not well-formed"),
        (GOOD_ATOM.replace("<id>urn:x:f</id>", ""), "feed: no id"),
        (GOOD_ATOM.replace("<updated>2018-11-16T00:00:00Z</updated>\n<entry>", "<entry>"), "feed: no updated"),
        (GOOD_ATOM.replace("<author><name>甲</name></author>", ""), "no author"),
        (
            GOOD_ATOM.replace(' rel="alternate" href="http://a.example/1"', ' rel="self" href="http://a.example/1"'),
            "alternate",
        ),
        (GOOD_ATOM.replace("2018-11-16T00:00:00Z</updated>\n<link", "2018-11-16 00:00</updated>\n<link"), "RFC 3339"),
        (
            GOOD_ATOM.replace("2018-11-16T00:00:00Z</updated>\n<link", "2018-11-17T00:00:00Z</updated>\n<link"),
            "after the feed",
        ),
        (GOOD_ATOM.replace("<title>新</title>", ""), "entry 1: no title"),
    ],
)
def test_the_validator_finds_what_a_feed_lacks(broken, problem):
    assert validate(GOOD_RSS.encode()) == [] and validate(GOOD_ATOM.encode()) == []
    found = validate(broken.encode())
    assert any(problem in p for p in found), found


def test_an_article_page_links_the_feeds_of_its_category_author_and_source(web):
    home = web.get("/api/home").json()
    item = next(i for s in home["sections"] for i in s["items"] if i["author"] and i["source"] and i["category"])
    page = lxml.html.fromstring(_get(web, item["url"]).text)
    found = set(page.xpath("//head/link[@rel='alternate']/@href"))
    for fmt in ("rss", "atom"):
        expected = {f"/feeds/{fmt}"} | {f"/feeds/{fmt}{item[k]}" for k in ("category_url", "author_url", "source_url")}
        assert expected <= found, (expected, found)
    assert len(found) == 8
    for href in found:
        document = _get(web, href).content
        assert validate(document) == []
        assert item["url"] in [urlsplit(e.link).path for e in feedparser.parse(document).entries]
