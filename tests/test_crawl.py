"""Crawling real feeds from a loopback server into a real store (SQLite and PostgreSQL): conditional GET,
full text for summary-only feeds, bombs and malformed feeds that fail alone, robots.txt and politeness."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from conftest import postgres_schema_url
from feed_fixtures import article_page, atom, json_feed, rss091, rss1, rss2, sample_items
from feed_server import FeedServer, Reply, endless_chunks, trickle

from zixun.crawl.crawler import Crawler
from zixun.crawl.sources import add_feed, list_feeds
from zixun.fetch.fetcher import Fetcher
from zixun.settings import Settings
from zixun.store import articles, open_store

START = datetime(2018, 11, 16, tzinfo=UTC)


class Clock:
    """The fake clock (the one fake besides the outside network)."""

    def __init__(self, now: datetime = START):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def crawl_settings(db_url: str, **changes) -> Settings:
    """Settings for crawling the loopback server: 127.0.0.0/8 allowed, no host delay, short rate grace."""
    values = dict(
        database_url=db_url,
        ingest_workers=1,
        fetch_allowed_networks=("127.0.0.0/8",),
        crawl_host_delay=0.0,
        crawl_retries=0,
        fetch_rate_grace=1.0,
        fetch_total_timeout=10.0,
        fetch_max_bytes=2_000_000,
    )
    return Settings(**(values | changes))


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def _crawler(settings: Settings, clock: Clock) -> Crawler:
    engine = open_store(settings.database_url)
    return Crawler(engine, settings, Fetcher.of(settings), clock)


def _stored(crawler: Crawler) -> dict:
    with crawler.engine.connect() as connection:
        return {a.guid: a for a in articles.iterate(connection)}


def _add(crawler: Crawler, url: str, category: str | None = None) -> None:
    add_feed(crawler.engine, crawler.settings, url, category, crawler.clock())


def test_a_crawl_of_every_format_then_a_second_crawl_costs_only_304s(db_url, server):
    clock = Clock()
    crawler = _crawler(crawl_settings(db_url), clock)
    formats = {"rss2": rss2, "rss1": rss1, "rss091": rss091, "atom": atom, "json": json_feed}
    expected = {}
    for number, (name, build) in enumerate(formats.items()):
        items = sample_items(4, start=number * 4, base_url=server.url("/"))
        content_type = "application/feed+json" if name == "json" else "application/rss+xml"
        server.routes[f"/{name}"] = Reply(
            build(items), headers={"Content-Type": content_type}, etag=f'"{name}-1"', last_modified=None
        )
        _add(crawler, server.url(f"/{name}"), category="测试" if name == "atom" else None)
        expected[name] = items
    first = crawler.run_once()
    assert first.failed == [] and first.modified == 5 and first.ingest.new == 20, first.line()
    stored = _stored(crawler)
    assert len(stored) == 20
    rss_item = expected["rss2"][0]
    article = stored[rss_item.guid]
    assert article.title == rss_item.title and article.body == [p.strip() for p in rss_item.paragraphs]
    assert article.url == rss_item.link and article.source == "测试新闻"
    assert {stored[i.guid].category for i in expected["atom"]} == {"测试"}  # the feed's category
    json_item = expected["json"][1]
    assert stored[json_item.guid].title == json_item.title and stored[json_item.guid].published_at is not None
    sources = {s.url.rsplit("/", 1)[1]: s for s in list_feeds(crawler.engine)}
    assert all(s.last_status == 200 and s.last_new == 4 and s.last_error is None for s in sources.values())
    assert sources["atom"].title == "Atom 新闻" and sources["rss2"].etag == '"rss2-1"'

    # nothing is due before the polling interval has passed
    assert crawler.run_once().feeds == 0
    clock.now += timedelta(hours=2)
    before = dict(server.hits)
    second = crawler.run_once()
    assert second.unchanged == 5 and second.modified == 0 and second.found == 0 and second.ingest.new == 0
    assert len(_stored(crawler)) == 20
    assert all(server.hits[f"/{name}"] == before[f"/{name}"] + 1 for name in formats)
    conditional = [headers for path, headers in server.requests[-5:]]
    assert all(h.get("If-None-Match", "").startswith('"') for h in conditional)
    sources = list_feeds(crawler.engine)
    assert {s.last_status for s in sources} == {304} and {s.last_new for s in sources} == {0}
    # quiet feeds are polled less often: the interval grew after the empty fetch
    assert all(s.interval_seconds > crawler.settings.crawl_min_interval for s in sources)


def test_a_summary_only_feed_gets_its_articles_full_text(db_url, server):
    crawler = _crawler(crawl_settings(db_url), Clock())
    items = sample_items(3, start=40, base_url=server.url("/"))
    for item in items[:2]:
        server.routes[item.link.split(str(server.port), 1)[1]] = Reply(
            article_page(item), headers={"Content-Type": "text/html; charset=utf-8"}
        )
    # the third item's page is missing (404): it keeps its summary, and the feed says so
    server.routes["/summary"] = Reply(rss2(items, full=False), headers={"Content-Type": "application/rss+xml"})
    _add(crawler, server.url("/summary"))
    summary = crawler.run_once()
    assert summary.failed == [] and summary.ingest.new == 3
    stored = _stored(crawler)
    for item in items[:2]:
        body = "".join(stored[item.guid].body)
        assert len(body) > 3 * len(item.summary) and item.paragraphs[-1].strip() in body
        assert "首页" not in body and "版权所有" not in body  # the page's chrome stayed out
    kept = stored[items[2].guid]
    assert kept.body == [items[2].summary]
    (source,) = list_feeds(crawler.engine)
    assert "full text not fetched (HTTP 404); the feed's summary is kept" in source.last_note
    assert any("HTTP 404" in note for note in summary.ingest.notes)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]>
<rss version="2.0"><channel><title>x</title><item><title>&lol9;</title><description>&lol9;</description></item></channel></rss>"""
QUADRATIC = (
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "'
    + b"x" * 50_000
    + b'">]><rss version="2.0"><channel><title>x</title><item><title>t</title><description>'
    + b"&a;" * 5_000
    + b"</description></item></channel></rss>"
)
EXTERNAL = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title><item><title>&xxe;</title><description>&xxe;</description></item></channel></rss>"""


def test_bombs_fail_alone_store_nothing_and_the_other_feeds_go_on(db_url, server):
    crawler = _crawler(crawl_settings(db_url), Clock())
    bombs = {
        "/laughs": (Reply(BILLION_LAUGHS), "declares a DTD"),
        "/quadratic": (Reply(QUADRATIC), "declares a DTD"),
        "/external": (Reply(EXTERNAL), "declares a DTD"),
        "/gzip": (Reply(gzip.compress(b" " * 50_000_000), headers={"Content-Encoding": "gzip"}), "once decoded"),
        "/huge": (Reply(b"<rss>" + b"x" * 50_000_000), "over the 2,000,000-byte limit"),
        "/endless": (endless_chunks(), "once decoded"),
        "/trickle": (trickle(), "transfer too slow"),
    }
    good = sample_items(3, start=60, base_url=server.url("/"))
    server.routes["/good"] = Reply(rss2(good))
    _add(crawler, server.url("/good"))
    for path, (route, _) in bombs.items():
        server.routes[path] = route
        _add(crawler, server.url(path))
    more = sample_items(2, start=70, base_url=server.url("/"))
    server.routes["/good2"] = Reply(atom(more))
    _add(crawler, server.url("/good2"))
    summary = crawler.run_once()
    assert len(summary.failed) == len(bombs) and summary.ingest.new == 5
    assert set(_stored(crawler)) == {i.guid for i in good} | {i.guid for i in more}
    errors = {s.url.rsplit("/", 1)[1]: s.last_error for s in list_feeds(crawler.engine)}
    for path, (_, reason) in bombs.items():
        assert reason in errors[path[1:]], (path, errors[path[1:]])
    assert errors["good"] is None and errors["good2"] is None


def _gbk_safe(item) -> bool:
    try:
        "".join([item.title, *item.paragraphs]).encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def test_malformed_and_misencoded_feeds_never_stop_the_crawl(db_url, server):
    clock = Clock()
    crawler = _crawler(crawl_settings(db_url), clock)
    gbk = [i for i in sample_items(20, start=80, base_url=server.url("/")) if _gbk_safe(i)][:2]
    lying = rss2(gbk, title="国内新闻", encoding="gbk").replace(b'encoding="gbk"', b'encoding="utf-8"')
    twice = sample_items(2, start=90, base_url=server.url("/"))
    twice[1].guid = twice[0].guid  # duplicate guids in one feed
    future = sample_items(1, start=95, base_url=server.url("/"))
    future[0].published = "2099-01-01T00:00:00+08:00"
    linkless = sample_items(2, start=97, base_url=server.url("/"))
    linkless[0].link = None
    linkless[1].link = "javascript:alert(1)"
    feeds = {
        "/gbk": (Reply(lying), None),
        "/truncated": (Reply(rss2(sample_items(2, start=100)).decode()[:-200].encode()), "not well-formed XML"),
        "/binary": (Reply(bytes(range(256)) * 40, headers={"Content-Type": "application/rss+xml"}), "binary"),
        "/html": (Reply(b"<!doctype html><html><body><p>hello</p></body></html>"), "not well-formed"),
        "/empty": (Reply(b""), "empty input"),
        "/dupes": (Reply(rss2(twice)), None),
        "/future": (Reply(rss2(future)), None),
        "/linkless": (Reply(rss2(linkless)), None),
        "/badjson": (Reply(b'{"version": "https://jsonfeed.org/version/1.1", "items": 3}'), "no items"),
    }
    for path, (route, _) in feeds.items():
        server.routes[path] = route
        _add(crawler, server.url(path))
    summary = crawler.run_once()
    errors = {s.url.rsplit("/", 1)[1]: s.last_error for s in list_feeds(crawler.engine)}
    for path, (_, reason) in feeds.items():
        if reason is None:
            assert errors[path[1:]] is None, (path, errors[path[1:]])
        else:
            assert reason in (errors[path[1:]] or ""), (path, errors[path[1:]])
    stored = _stored(crawler)
    assert stored[gbk[0].guid].title == gbk[0].title  # GBK declared as UTF-8 still reads as Chinese
    assert stored[gbk[0].guid].body == [p.strip() for p in gbk[0].paragraphs]
    assert twice[0].guid in stored and summary.found == 2 + 1 + 1 + 2
    assert stored[future[0].guid].published_at is None
    assert any("2099" in note and "dropped" in note for note in summary.ingest.notes)
    assert stored[linkless[0].guid].url is None and stored[linkless[1].guid].url is None


def test_robots_txt_is_obeyed(db_url, server):
    crawler = _crawler(crawl_settings(db_url), Clock())
    server.routes["/robots.txt"] = Reply(b"User-agent: zixun\nDisallow: /private/\n")
    server.routes["/private/feed"] = Reply(rss2(sample_items(1, start=110)))
    server.routes["/public/feed"] = Reply(rss2(sample_items(1, start=111)))
    _add(crawler, server.url("/private/feed"))
    _add(crawler, server.url("/public/feed"))
    summary = crawler.run_once()
    assert summary.ingest.new == 1 and server.hits["/private/feed"] == 0 and server.hits["/robots.txt"] == 1
    (blocked,) = [s for s in list_feeds(crawler.engine) if "private" in s.url]
    assert "robots.txt disallows" in blocked.last_error


def test_transient_failures_are_retried_and_failing_feeds_back_off(db_url, server):
    clock = Clock()
    crawler = _crawler(crawl_settings(db_url, crawl_retries=2), clock)
    calls = {"n": 0}
    items = sample_items(1, start=120)

    def flaky(handler):
        calls["n"] += 1
        reply = Reply(b"", status=503) if calls["n"] < 3 else Reply(rss2(items))
        handler._send(reply)

    server.routes["/flaky"] = flaky
    server.routes["/down"] = Reply(b"", status=500)
    _add(crawler, server.url("/flaky"))
    _add(crawler, server.url("/down"))
    summary = crawler.run_once()
    assert summary.ingest.new == 1 and calls["n"] == 3 and server.hits["/down"] == 3
    down = next(s for s in list_feeds(crawler.engine) if s.url.endswith("/down"))
    assert down.failures == 1 and down.last_status == 500 and "HTTP 500" in down.last_error
    first_delay = down.next_fetch_at - clock.now
    clock.now = down.next_fetch_at
    crawler.run_once()
    down = next(s for s in list_feeds(crawler.engine) if s.url.endswith("/down"))
    assert down.failures == 2 and down.next_fetch_at - clock.now > first_delay  # exponential backoff


def test_a_host_gets_at_most_its_share_of_concurrent_requests(db_url, server):
    crawler = _crawler(crawl_settings(db_url, crawl_per_host=2, crawl_host_delay=0.1, crawl_concurrency=6), Clock())
    state = {"now": 0, "most": 0}
    lock = threading.Lock()

    def slow(handler, body):
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.3)
        with lock:
            state["now"] -= 1
        handler._send(Reply(body))

    for number in range(6):
        body = rss2(sample_items(1, start=130 + number))
        server.routes[f"/slow{number}"] = lambda handler, body=body: slow(handler, body)
        _add(crawler, server.url(f"/slow{number}"))
    summary = crawler.run_once()
    assert summary.ingest.new == 6 and summary.failed == []
    assert state["most"] <= 2


CRAWLER = [sys.executable, "-m", "zixun", "crawl", "--once"]


def test_two_crawler_processes_on_postgresql_fetch_each_feed_exactly_once(server):
    with postgres_schema_url() as url:
        settings = crawl_settings(url)
        engine = open_store(url)
        for number in range(200):
            server.routes[f"/f{number}"] = Reply(rss2(sample_items(2, start=2 * number)))
            add_feed(engine, settings, server.url(f"/f{number}"), None, datetime.now(UTC))
        environment = os.environ | {
            "ZIXUN_DATABASE_URL": url,
            "ZIXUN_FETCH_ALLOWED_NETWORKS": '["127.0.0.0/8"]',
            "ZIXUN_CRAWL_HOST_DELAY": "0",
            "ZIXUN_CRAWL_CONCURRENCY": "4",
            "ZIXUN_INGEST_WORKERS": "1",
        }
        processes = [
            subprocess.Popen(CRAWLER, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)
        ]
        outputs = [process.communicate(timeout=300) for process in processes]
        assert [p.returncode for p in processes] == [0, 0], outputs
        assert all(server.hits[f"/f{number}"] == 1 for number in range(200)), server.hits
        sources = list_feeds(engine)
        assert len(sources) == 200 and {s.fetches for s in sources} == {1} and {s.last_status for s in sources} == {200}
        lines = [out.decode().strip().splitlines()[-1] for out, _ in outputs]
        claimed = [int(line.split(" feeds:")[0]) for line in lines]
        assert sum(claimed) == 200, lines
        with engine.connect() as connection:
            assert articles.count(connection) == 400
        engine.dispose()


def test_markup_kept_from_feeds_is_sanitized_and_only_web_links_are_kept(db_url, server):
    crawler = _crawler(crawl_settings(db_url), Clock())
    hostile = (
        "<p>正文第一段，内容完整。</p><script>alert('xss')</script><style>p{color:red}</style>"
        '<p onclick="steal()">第二段<img src=x onerror="alert(2)">继续。</p><iframe src=\'http://evil\'></iframe>'
    )
    rss = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><title>t</title><item><title>标题一</title><link>javascript:alert(1)</link><guid>g-1</guid>"
        f"<content:encoded><![CDATA[{hostile}]]></content:encoded></item></channel></rss>"
    )
    document = (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "j", "items": [{"id": "g-2", "title": "标题二", '
        '"url": "data:text/html,<script>1</script>", "content_html": ' + json.dumps(hostile) + "}]}"
    )
    server.routes["/rss"] = Reply(rss.encode())
    server.routes["/json"] = Reply(document.encode(), headers={"Content-Type": "application/feed+json"})
    _add(crawler, server.url("/rss"))
    _add(crawler, server.url("/json"))
    assert crawler.run_once().ingest.new == 2
    for guid in ("g-1", "g-2"):
        article = _stored(crawler)[guid]
        text = " ".join(article.body)
        assert "正文第一段" in text and "第二段" in text
        assert not any(bad in text for bad in ("alert", "steal", "color:red", "iframe", "<"))
        assert article.url is None


def test_adaptive_intervals_and_backoff_stay_within_their_bounds():
    from zixun.crawl.schedule import failure_delay, next_interval, retry_pause

    assert next_interval(3600, new_items=5, least=900, most=86400) == 1800
    assert next_interval(1000, new_items=5, least=900, most=86400) == 900
    assert next_interval(3600, new_items=0, least=900, most=86400) == 5400
    assert next_interval(80000, new_items=0, least=900, most=86400) == 86400
    delays = [failure_delay(n, 900, 86400) for n in range(1, 12)]
    assert all(675 <= d <= 86400 * 1.25 for d in delays) and delays[4] > delays[0] * 8
    assert all(0 <= retry_pause(n) <= 0.5 * 2 ** (n - 1) for n in range(1, 6))
    from zixun.crawl.schedule import retry_after_delay

    assert retry_after_delay("120", START, 86400) == 120 and retry_after_delay("999999", START, 3600) == 3600
    assert retry_after_delay("Fri, 16 Nov 2018 01:00:00 GMT", START, 86400) == 3600
    assert retry_after_delay("Thu, 15 Nov 2018 01:00:00 GMT", START, 86400) == 0  # a date past: now
    assert retry_after_delay("soon", START, 86400) is None and retry_after_delay(None, START, 86400) is None


def test_feeds_claimed_by_a_crawler_that_died_are_taken_over_when_the_lease_runs_out(db_url, server):
    from zixun.store import feeds, writing

    clock = Clock()
    crawler = _crawler(crawl_settings(db_url, crawl_lease_seconds=600), clock)
    server.routes["/orphan"] = Reply(rss2(sample_items(1, start=180)))
    _add(crawler, server.url("/orphan"))
    with writing(crawler.engine) as connection:
        (claimed,) = feeds.claim_due(connection, "dead-crawler", clock(), 10, 600)
    assert crawler.run_once().feeds == 0 and server.hits["/orphan"] == 0  # leased to the dead crawler
    clock.now += timedelta(seconds=601)
    summary = crawler.run_once()
    assert summary.feeds == 1 and summary.ingest.new == 1 and server.hits["/orphan"] == 1
    with writing(crawler.engine) as connection:  # the dead crawler's late report is refused
        assert not feeds.record(connection, claimed.id, "dead-crawler", {"last_status": 500})
    (source,) = list_feeds(crawler.engine)
    assert source.last_status == 200 and source.fetches == 1


def _url_of(crawler: Crawler, feed_id: int) -> str:
    return next(s.url for s in list_feeds(crawler.engine) if s.id == feed_id)


def test_a_feed_that_moved_permanently_is_polled_at_its_new_url(db_url, server):
    clock = Clock()
    crawler = _crawler(crawl_settings(db_url), clock)

    def moved(status: int, to: str) -> Reply:
        return Reply(b"", status=status, headers={"Location": server.url(to)})

    server.routes |= {
        "/old": moved(301, "/mid"),  # 301 then 308: permanent at every hop
        "/mid": moved(308, "/new"),
        "/new": Reply(rss2(sample_items(1, start=200))),
        "/temp": moved(302, "/new2"),  # temporary: the feed keeps its URL
        "/new2": Reply(rss2(sample_items(1, start=201))),
        "/mixed": moved(301, "/mixed2"),  # one temporary hop in the chain: kept
        "/mixed2": moved(307, "/new3"),
        "/new3": Reply(rss2(sample_items(1, start=202))),
        "/dup": moved(301, "/taken"),  # moved to another feed's URL: kept
        "/taken": Reply(rss2(sample_items(1, start=203))),
        "/inside": Reply(b"", status=301, headers={"Location": "http://10.255.0.1/feed"}),  # refused: kept
    }
    for path in ("/old", "/temp", "/mixed", "/dup", "/taken", "/inside"):
        _add(crawler, server.url(path))
    ids = {s.url.rsplit("/", 1)[1]: s.id for s in list_feeds(crawler.engine)}
    summary = crawler.run_once()
    assert summary.ingest.new == 4 and len(summary.failed) == 1, summary.line()
    assert _url_of(crawler, ids["old"]) == server.url("/new")
    assert _url_of(crawler, ids["temp"]) == server.url("/temp")
    assert _url_of(crawler, ids["mixed"]) == server.url("/mixed")
    assert _url_of(crawler, ids["dup"]) == server.url("/dup") and _url_of(crawler, ids["taken"]) == server.url("/taken")
    assert _url_of(crawler, ids["inside"]) == server.url("/inside")
    notes = {s.id: s.last_note or "" for s in list_feeds(crawler.engine)}
    assert "moved permanently to" in notes[ids["old"]] and "another feed's URL" in notes[ids["dup"]]
    # the next poll goes straight to the new URL
    clock.now += timedelta(days=2)
    before = dict(server.hits)
    crawler.run_once()
    assert server.hits["/old"] == before["/old"] and server.hits["/new"] == before["/new"] + 1
    assert server.hits["/temp"] == before["/temp"] + 1


def test_retry_after_sets_the_next_fetch_capped_by_the_longest_interval(db_url, server):
    from email.utils import format_datetime

    clock = Clock()
    crawler = _crawler(crawl_settings(db_url, crawl_retries=2, crawl_max_interval=86_400), clock)
    later = START + timedelta(hours=3)
    server.routes |= {
        "/seconds": Reply(b"", status=429, headers={"Retry-After": "7200"}),
        "/date": Reply(b"", status=503, headers={"Retry-After": format_datetime(later, usegmt=True)}),
        "/forever": Reply(b"", status=429, headers={"Retry-After": "99999999"}),
        "/none": Reply(b"", status=503),  # no Retry-After: retried in the round, then backoff
    }
    for path in ("/seconds", "/date", "/forever", "/none"):
        _add(crawler, server.url(path))
    summary = crawler.run_once()
    assert len(summary.failed) == 4
    # a server that says when to come back is not asked again in the round
    assert server.hits["/seconds"] == server.hits["/date"] == server.hits["/forever"] == 1
    assert server.hits["/none"] == 3
    due = {s.url.rsplit("/", 1)[1]: s.next_fetch_at for s in list_feeds(crawler.engine)}
    assert due["seconds"] == START + timedelta(seconds=7200)
    assert due["date"] == later
    assert due["forever"] == START + timedelta(seconds=86_400)
    assert due["none"] - START <= timedelta(seconds=900 * 1.25)  # the failure backoff, not a Retry-After


def test_a_slow_host_does_not_hold_up_the_other_hosts_feeds(db_url, server):
    from feed_server import StubResolver

    settings = crawl_settings(db_url, crawl_per_host=1, crawl_concurrency=2)
    resolver = StubResolver({"slow.test": "127.0.0.1", "fast.test": "127.0.0.1"})
    crawler = Crawler(open_store(db_url), settings, Fetcher.of(settings, resolver), Clock())
    fast_done = threading.Event()
    fast_paths = [f"/fast/{n}" for n in range(4)]

    def slow(handler, body):  # answers once every fast feed has been asked for (or after 10 s, if never)
        fast_done.wait(10)
        handler._send(Reply(body))

    def fast(handler, body):
        handler._send(Reply(body))
        if all(server.hits[path] for path in fast_paths):
            fast_done.set()

    for number in range(3):  # the slow host's feeds are added (so claimed) first
        body = rss2(sample_items(1, start=210 + number))
        server.routes[f"/slow/{number}"] = lambda handler, body=body: slow(handler, body)
        _add(crawler, server.url(f"/slow/{number}", host="slow.test"))
    for number, path in enumerate(fast_paths):
        body = rss2(sample_items(1, start=220 + number))
        server.routes[path] = lambda handler, body=body: fast(handler, body)
        _add(crawler, server.url(path, host="fast.test"))
    summary = crawler.run_once()
    assert summary.failed == [] and summary.ingest.new == 7
    order = [path for path, _ in server.requests if path != "/robots.txt"]
    assert sorted(order) == sorted([f"/slow/{n}" for n in range(3)] + fast_paths)
    # every fast feed was asked for while the slow host's first fetch was still out: it cost them one fetch
    last_fast = max(order.index(path) for path in fast_paths)
    assert sum(path.startswith("/slow/") for path in order[:last_fast]) == 1, order


def test_two_crawlers_on_postgresql_never_fetch_a_feed_twice_when_the_lease_is_short(server):
    with postgres_schema_url() as url:
        settings = crawl_settings(url)
        engine = open_store(url)
        for number in range(30):
            body = rss2(sample_items(1, start=300 + number))

            def slow(handler, body=body):
                time.sleep(0.2)
                handler._send(Reply(body))

            server.routes[f"/l{number}"] = slow
            add_feed(engine, settings, server.url(f"/l{number}"), None, datetime.now(UTC))
        environment = os.environ | {
            "ZIXUN_DATABASE_URL": url,
            "ZIXUN_FETCH_ALLOWED_NETWORKS": '["127.0.0.0/8"]',
            "ZIXUN_CRAWL_HOST_DELAY": "0",
            "ZIXUN_CRAWL_CONCURRENCY": "2",
            "ZIXUN_CRAWL_LEASE_SECONDS": "1",  # a chunk (8 feeds, 2 at a time, 0.2 s each) outlasts it
            "ZIXUN_INGEST_WORKERS": "1",
        }
        processes = [
            subprocess.Popen(CRAWLER, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)
        ]
        outputs = [process.communicate(timeout=300) for process in processes]
        assert [p.returncode for p in processes] == [0, 0], outputs
        assert all(server.hits[f"/l{number}"] == 1 for number in range(30)), server.hits
        sources = list_feeds(engine)
        assert {s.fetches for s in sources} == {1} and {s.last_status for s in sources} == {200}
        lines = [out.decode().strip().splitlines()[-1] for out, _ in outputs]
        assert sum(int(line.split(" feeds:")[0]) for line in lines) == 30, lines
        engine.dispose()
