"""Feeds as an operator manages them: zixun feeds add/list/remove/import/export in a real process, and the
read-only /sources page over real HTTP, on both backends."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time

import httpx
from feed_fixtures import rss2, sample_items
from feed_server import FeedServer, Reply, StubResolver
from test_crawl import Clock, crawl_settings
from web_server import live_server

from zixun.crawl.crawler import Crawler
from zixun.crawl.opml import read_opml
from zixun.crawl.sources import add_feed
from zixun.fetch.fetcher import Fetcher
from zixun.store import open_store


def zixun(*args: str, db: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "zixun", "--db", db, *args], capture_output=True, text=True, timeout=120
    )


OPML = """<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0"><head><title>订阅</title></head><body>
  <outline text="科技"><outline type="rss" text="甲" xmlUrl="https://a.example.com/feed.xml"/>
    <outline type="rss" text="乙" xmlUrl="https://b.example.com/atom" category="/财经"/></outline>
  <outline type="rss" text="丙" xmlUrl="http://c.example.com/rss"/>
  <outline type="rss" text="坏" xmlUrl="javascript:alert(1)"/>
</body></opml>"""


def test_feeds_add_list_remove_and_opml_round_trip(db_url, tmp_path):
    done = zixun("feeds", "add", "https://news.example.com/rss.xml", "--category", "国际", db=db_url)
    assert done.returncode == 0 and "added feed 1" in done.stdout, done.stderr
    again = zixun("feeds", "add", "https://news.example.com/rss.xml", db=db_url)
    assert again.returncode == 2 and "already a feed" in again.stderr
    bad = zixun("feeds", "add", "file:///etc/passwd", db=db_url)
    assert bad.returncode == 2 and "is not an http(s) URL" in bad.stderr
    secret = zixun("feeds", "add", "https://user:pw@news.example.com/feed", db=db_url)
    assert secret.returncode == 2 and "carries credentials" in secret.stderr
    (tmp_path / "subs.opml").write_text(OPML, encoding="utf-8")
    imported = zixun("feeds", "import", str(tmp_path / "subs.opml"), db=db_url)
    assert imported.returncode == 0 and "3 feeds added, 0 skipped" in imported.stdout, imported.stderr
    listed = json.loads(zixun("feeds", "list", "--format", "json", db=db_url).stdout)
    feeds = {f["url"]: f for f in listed["feeds"]}
    assert len(feeds) == 4 and feeds["https://news.example.com/rss.xml"]["category"] == "国际"
    assert feeds["https://a.example.com/feed.xml"]["category"] == "科技"
    assert feeds["https://b.example.com/atom"]["category"] == "财经"
    assert feeds["http://c.example.com/rss"]["category"] is None
    first = feeds["https://a.example.com/feed.xml"]
    assert first["last_fetch_at"] is None and first["next_fetch_at"] and "etag" not in first
    exported = zixun("feeds", "export", db=db_url)
    assert {(f.url, f.category) for f in read_opml(exported.stdout.encode(), "export")} == {
        (url, f["category"]) for url, f in feeds.items()
    }
    removed = zixun("feeds", "remove", str(first["id"]), db=db_url)
    assert removed.returncode == 0 and "https://a.example.com/feed.xml" in removed.stdout
    assert zixun("feeds", "remove", "https://b.example.com/atom", db=db_url).returncode == 0
    missing = zixun("feeds", "remove", "https://nowhere.example.com/", db=db_url)
    assert missing.returncode == 2 and "no feed" in missing.stderr
    text = zixun("feeds", "list", db=db_url).stdout
    assert "news.example.com" in text and "a.example.com" not in text and "last fetch never" in text


def test_opml_with_a_dtd_is_refused(db_url, tmp_path):
    (tmp_path / "bomb.opml").write_text('<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "x">]><opml/>')
    done = zixun("feeds", "import", str(tmp_path / "bomb.opml"), db=db_url)
    assert done.returncode == 1 and "not a safe, well-formed OPML file" in done.stderr


def test_crawl_once_in_a_process_and_the_sources_page_shows_each_feeds_status(db_url):
    with FeedServer() as server:
        server.routes["/good"] = Reply(rss2(sample_items(2, start=150), title="好新闻"), etag='"g"')
        server.routes["/gone"] = Reply(b"", status=404)
        settings = crawl_settings(db_url)
        engine = open_store(db_url)
        clock = Clock()
        add_feed(engine, settings, server.url("/good"), "国内", clock())
        add_feed(engine, settings, server.url("/gone"), None, clock())
        Crawler(engine, settings, Fetcher.of(settings), clock).run_once()
        engine.dispose()
    with live_server(settings) as (_, client):
        page = client.get("/sources")
    assert page.status_code == 200
    html = page.text
    assert "好新闻" in html and server.url("/good") in html and "国内" in html
    assert "HTTP 404" in html and html.count('class="source-status">200<') == 1
    assert 'class="source-new">2<' in html


def test_crawl_command_reports_each_feed_and_exits_non_zero_on_failures(db_url):
    with FeedServer() as server:
        server.routes["/good"] = Reply(rss2(sample_items(2, start=160)))
        add_feed(open_store(db_url), crawl_settings(db_url), server.url("/good"), None, Clock()())
        add_feed(open_store(db_url), crawl_settings(db_url), "http://10.255.0.1/feed", None, Clock()())
        environment = {
            "ZIXUN_FETCH_ALLOWED_NETWORKS": '["127.0.0.0/8"]',
            "ZIXUN_CRAWL_HOST_DELAY": "0",
            "ZIXUN_INGEST_WORKERS": "1",
        }
        done = subprocess.run(
            [sys.executable, "-m", "zixun", "--db", db_url, "crawl", "--once"],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, **environment},
        )
    assert done.returncode == 1
    assert "2 feeds: 1 fetched, 0 not modified (304), 1 failed; 2 new items, 2 stored" in done.stdout
    assert "http://10.255.0.1/feed: refused: address 10.255.0.1 is not public (private)" in done.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_with_crawl_keeps_the_portal_current(db_url):
    with FeedServer() as server:
        server.routes["/live"] = Reply(rss2(sample_items(3, start=170), title="实时新闻"))
        engine = open_store(db_url)
        add_feed(engine, crawl_settings(db_url), server.url("/live"), "实时", Clock()())
        engine.dispose()
        port = _free_port()
        environment = os.environ | {
            "ZIXUN_FETCH_ALLOWED_NETWORKS": '["127.0.0.0/8"]',
            "ZIXUN_CRAWL_HOST_DELAY": "0",
            "ZIXUN_INGEST_WORKERS": "1",
            "ZIXUN_WARM_PAGES": "false",
        }
        command = [sys.executable, "-m", "zixun", "--db", db_url, "serve", "--crawl", "--port", str(port)]
        process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            html = ""
            for _ in range(600):  # up to a minute: the server starts, the crawler's first round stores the feed
                try:
                    html = httpx.get(f"http://127.0.0.1:{port}/sources", timeout=5).text
                except httpx.TransportError:
                    html = ""
                if 'class="source-new">3<' in html:
                    break
                time.sleep(0.1)
            assert 'class="source-new">3<' in html and "实时新闻" in html
            status = httpx.get(f"http://127.0.0.1:{port}/api/status", timeout=5).json()
            assert status["articles"] == 3  # the crawled items are in the store the portal serves
            assert server.hits["/live"] == 1
        finally:
            process.terminate()
            process.wait(timeout=30)


def test_the_public_sources_page_shows_coarse_reasons_and_the_operator_the_detail(db_url):
    with FeedServer() as server:
        server.routes |= {
            "/gone": Reply(b"", status=404),
            "/huge": Reply(b"<rss>" + b"x" * 3_000_000),
            "/broken": Reply(b"<rss><channel><title>x</title><item>"),
            # a summary-only feed whose item's page is on a name resolving inside: its note names the address
            "/leak": Reply(rss2(sample_items(1, start=240, base_url="http://intranet.test/"), full=False)),
        }
        settings = crawl_settings(db_url)
        engine = open_store(db_url)
        clock = Clock()
        resolver = StubResolver({"intranet.test": "10.20.30.40"})
        for path in ("/gone", "/huge", "/broken", "/leak"):
            add_feed(engine, settings, server.url(path), None, clock())
        add_feed(engine, settings, "http://intranet.test/feed", None, clock())  # a name resolving inside
        add_feed(engine, settings, "https://127.0.0.1:1/feed", None, clock())  # nothing listens there
        server.routes["/hop"] = Reply(b"", status=301, headers={"Location": "http://intranet.test/x"})  # refused
        add_feed(engine, settings, server.url("/hop"), None, clock())
        Crawler(engine, settings, Fetcher.of(settings, resolver), clock).run_once()
        engine.dispose()
    with live_server(settings) as (_, client):
        html = client.get("/sources").text
    errors = re.findall(r'class="source-error">错误：([^<]*)<', html)
    assert sorted(errors) == sorted(
        ["HTTP 404", "too large", "malformed feed", "refused: not a public address", "connection failed"]
        + ["refused: not a public address"]
    ), errors
    for detail in ("10.20.30.40", "intranet.test/x", "bytes", "not well-formed", "说明"):
        assert detail not in html, detail
    assert '<a href="/sources">' in html  # linked from every page's footer
    listed = zixun("feeds", "list", db=db_url).stdout  # the operator's CLI keeps every detail
    assert "address 10.20.30.40 is not public (private)" in listed and "over the 2,000,000-byte limit" in listed
    assert "redirected to http://intranet.test/x" in listed
    # the note, for the operator only
    assert "full text not fetched (refused: intranet.test resolves to address 10.20.30.40" in listed
    detailed = json.loads(zixun("feeds", "list", "--format", "json", db=db_url).stdout)["feeds"]
    assert any("10.20.30.40" in (f["last_error"] or "") for f in detailed)
