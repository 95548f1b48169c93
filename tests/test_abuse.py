"""Engagement that resists abuse, over real HTTP on SQLite and PostgreSQL stores holding the sample.

Shares count once per client and article; a client is its address (never its User-Agent, never a
forwarded header from a peer the operator did not name); cross-site posts are refused; headers are
size-limited; slash redirects never name the request's Host; old repeat-check rows are pruned.
"""

from __future__ import annotations

import time
import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from conftest import postgres_schema_url
from web_server import SAMPLE_END, FakeClock, fill_store, live_server

from zixun.settings import Settings

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
SITE = "https://news.example.com"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store_url(request, tmp_path_factory):
    """A store holding the sample: a SQLite file or a PostgreSQL schema."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('abuse') / 'zixun.db'}"
        fill_store(url)
        yield url
        return
    with postgres_schema_url() as url:
        fill_store(url)
        yield url


def _settings(url: str, **extra) -> Settings:
    return Settings(database_url=url, hot_cache_seconds=0, view_flush_seconds=0.05, warm_pages=False, **extra)


@pytest.fixture(scope="module")
def served(store_url):
    """(server, client) of a portal with no trusted proxy and no configured site."""
    with live_server(_settings(store_url), FakeClock(SAMPLE_END)) as both:
        yield both


@pytest.fixture(scope="module")
def proxied(store_url):
    """(server, client) of a portal behind a proxy on 127.0.0.1, configured as https://news.example.com."""
    settings = _settings(store_url, trusted_proxies=["127.0.0.1", "10.9.0.0/16"], site_url=SITE)
    with live_server(settings, FakeClock(SAMPLE_END)) as both:
        yield both


@pytest.fixture(scope="module")
def article_ids(served):
    """Article ids for the tests to take one each, so their counters do not mix."""
    _server, web = served
    return iter(item["id"] for item in web.get("/api/articles", params={"page_size": 100}).json()["items"])


def _counters(web, article_id: str) -> dict:
    return web.get(f"/api/articles/{article_id}").json()["article"]


def _settled_views(web, article_id: str, at_least: int) -> int:
    """The article's views once at least at_least are in and the writer has had time to add any more."""
    deadline = time.monotonic() + 30
    while _counters(web, article_id)["views"] < at_least and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.4)  # views are flushed every 0.05 s: any other counted view of the burst would be in
    return _counters(web, article_id)["views"]


# --- shares ---------------------------------------------------------------------------------------


def test_rapid_shares_from_one_client_count_once(served, article_ids):
    _server, web = served
    article_id = next(article_ids)
    before = _counters(web, article_id)["shares"]
    answers = [web.post(f"/api/articles/{article_id}/share") for _ in range(150)]
    answers += [web.post(f"/articles/{article_id}/share") for _ in range(50)]  # the page's button
    assert {a.status_code for a in answers[:150]} == {200} and {a.status_code for a in answers[150:]} == {303}
    assert [a.json()["counted"] for a in answers[:150]] == [True] + [False] * 149
    assert {a.json()["shares"] for a in answers[:150]} == {before + 1}
    assert _counters(web, article_id)["shares"] == before + 1


def test_shares_from_distinct_clients_each_count(proxied, article_ids):
    _server, web = proxied
    article_id = next(article_ids)
    before = _counters(web, article_id)["shares"]
    for i in range(5):
        for _ in range(3):
            web.post(f"/api/articles/{article_id}/share", headers={"x-forwarded-for": f"203.0.113.{i + 1}"})
    assert _counters(web, article_id)["shares"] == before + 5


def test_the_comment_post_that_stored_no_text_is_gone(served, article_ids):
    _server, web = served
    article_id = next(article_ids)
    before = _counters(web, article_id)["comments"]
    for path in (f"/api/articles/{article_id}/comments", f"/articles/{article_id}/comments"):
        assert web.post(path).status_code in (404, 405)
    assert _counters(web, article_id)["comments"] == before
    assert not [p for p in web.get("/openapi.json").json()["paths"] if "comment" in p]


# --- same origin --------------------------------------------------------------------------------


def test_cross_site_posts_are_refused_and_not_counted(served, article_ids):
    server, web = served
    article_id = next(article_ids)
    before = _counters(web, article_id)["shares"]
    foreign = [
        {"origin": "https://evil.example"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"origin": "null"},
        {"origin": server.url.replace("127.0.0.1", "localhost")},
        {"origin": server.url, "sec-fetch-site": "cross-site"},
    ]
    for headers in foreign:
        api = web.post(f"/api/articles/{article_id}/share", headers=headers)
        assert api.status_code == 403 and api.json()["detail"], headers
        form = web.post(f"/articles/{article_id}/share", headers=headers)
        assert form.status_code == 403 and "拒绝" in form.text, headers
    assert _counters(web, article_id)["shares"] == before
    same = web.post(f"/articles/{article_id}/share", headers={"origin": server.url, "sec-fetch-site": "same-origin"})
    assert same.status_code == 303 and _counters(web, article_id)["shares"] == before + 1


def test_the_configured_site_is_the_only_origin(proxied, article_ids):
    server, web = proxied
    article_id = next(article_ids)
    before = _counters(web, article_id)["shares"]
    own_host = web.post(f"/api/articles/{article_id}/share", headers={"origin": server.url})
    assert own_host.status_code == 403
    other_scheme = web.post(f"/api/articles/{article_id}/share", headers={"origin": SITE.replace("https", "http")})
    assert other_scheme.status_code == 403
    site = web.post(f"/api/articles/{article_id}/share", headers={"origin": SITE, "x-forwarded-for": "198.51.100.7"})
    assert site.status_code == 200 and site.json()["shares"] == before + 1


def test_same_origin_rule():
    from zixun.web.guard import same_origin

    assert same_origin("https://news.example.com", "https://news.example.com:443", None)
    assert not same_origin("https://news.example.com", "https://news.example.com:8443", None)
    assert not same_origin("https://news.example.com", "https://news.example.com.evil.example", None)
    # no configured site: the Origin's host and port against the Host the request came to
    assert same_origin(None, "http://127.0.0.1:8000", "127.0.0.1:8000")
    assert same_origin(None, "https://News.Example.com", "news.example.com")  # behind a TLS proxy
    assert not same_origin(None, "https://evil.example", "news.example.com")
    assert not same_origin(None, "null", "news.example.com") and not same_origin(None, "http://x", None)


# --- views and client identity ------------------------------------------------------------------


def test_views_with_varied_user_agents_from_one_address_count_once(served, article_ids):
    _server, web = served
    article_id = next(article_ids)
    before = _counters(web, article_id)["views"]
    for i in range(50):
        assert web.get(f"/articles/{article_id}", headers={"user-agent": f"{BROWSER} reader-{i}"}).status_code == 200
    assert _settled_views(web, article_id, before + 1) == before + 1


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(served, proxied, article_ids):
    _server, web = served
    article_id = next(article_ids)
    before = _counters(web, article_id)["views"]
    for i in range(50):
        web.get(f"/articles/{article_id}", headers={"user-agent": BROWSER, "x-forwarded-for": f"203.0.113.{i + 1}"})
    assert _settled_views(web, article_id, before + 1) == before + 1
    # behind the trusted proxy, each forwarded address is a reader of its own
    _server, behind = proxied
    article_id = next(article_ids)
    before = _counters(behind, article_id)["views"]
    for i in range(50):
        behind.get(f"/articles/{article_id}", headers={"user-agent": BROWSER, "x-forwarded-for": f"203.0.113.{i + 1}"})
    assert _settled_views(behind, article_id, before + 50) == before + 50


def test_the_client_is_the_rightmost_untrusted_forwarded_address(proxied, article_ids):
    _server, web = proxied
    article_id = next(article_ids)
    before = _counters(web, article_id)["views"]
    # what the reader wrote (left) varies; what our proxies saw (right of it, 10.9.x trusted) does not
    for i in range(20):
        chain = f"192.0.2.{i + 1}, 198.51.100.20, 10.9.0.{i + 1}"
        web.get(f"/articles/{article_id}", headers={"user-agent": BROWSER, "x-forwarded-for": chain})
    assert _settled_views(web, article_id, before + 1) == before + 1


def test_client_address_rule():
    from ipaddress import ip_network

    from zixun.web.tracking import client_address

    trusted = [ip_network("127.0.0.1/32"), ip_network("10.0.0.0/8")]
    assert client_address("203.0.113.9", "1.2.3.4", trusted) == "203.0.113.9"
    assert client_address("127.0.0.1", None, trusted) == "127.0.0.1"
    assert client_address("127.0.0.1", "1.2.3.4, 5.6.7.8, 10.1.1.1", trusted) == "5.6.7.8"
    assert client_address("127.0.0.1", "10.1.1.1, 10.2.2.2", trusted) == "10.1.1.1"
    assert client_address("127.0.0.1", "garbage, 10.2.2.2", trusted) == "10.2.2.2"
    assert client_address("127.0.0.1", "1.2.3.4", []) == "127.0.0.1"


# --- pruning ------------------------------------------------------------------------------------


def test_old_repeat_check_rows_are_pruned(engine, settings, tmp_path):
    from zixun import pipeline
    from zixun.store import articles, engagement, writing
    from zixun.store.schema import share_clients, view_clients

    path = tmp_path / "one.jsonl"
    path.write_text('{"id": "p-1", "title": "标题", "body": "正文。", "category": "科技"}\n', encoding="utf-8")
    pipeline.ingest_paths(engine, [path], settings)
    article = articles.article_id("p-1")
    now = datetime(2018, 11, 10, 12, 0, tzinfo=UTC)
    with writing(engine) as connection:
        for hours in (30, 20, 3, 0.5):
            at = now - timedelta(hours=hours)
            engagement.record_views(connection, [(article, f"reader-{hours}", BROWSER, at)])
            engagement.record_share(connection, article, at, client=f"reader-{hours}")
        # views older than 1 h, shares older than 24 h; at most limit rows of each table at a time
        assert engagement.prune_clients(connection, now, limit=2) == 2 + 1
        assert engagement.prune_clients(connection, now, limit=2) == 1
    with engine.connect() as connection:

        def ages(table) -> list[float]:
            stored = connection.execute(sa.select(table.c.counted_at)).scalars()
            return sorted((now - at).total_seconds() / 3600 for at in stored)

        assert ages(view_clients) == [0.5]  # a view repeats within the hour
        assert ages(share_clients) == [0.5, 3, 20]  # a share repeats within the day
    with writing(engine) as connection:
        assert engagement.prune_clients(connection, now) == 0


def test_a_client_counts_at_most_its_hourly_budget_of_shares(engine, settings, tmp_path):
    from zixun import pipeline
    from zixun.store import articles, engagement, writing

    path = tmp_path / "many.jsonl"
    path.write_text(
        "".join(f'{{"id": "s-{i}", "title": "标题{i}", "body": "正文{i}。"}}\n' for i in range(25)), encoding="utf-8"
    )
    pipeline.ingest_paths(engine, [path], settings)
    now = datetime(2018, 11, 10, 12, 0, tzinfo=UTC)
    with writing(engine) as connection:
        spree = [
            engagement.record_share(connection, articles.article_id(f"s-{i}"), now + timedelta(seconds=i), "one")
            for i in range(25)
        ]
        assert spree == [True] * engagement.SHARE_BUDGET + [False] * (25 - engagement.SHARE_BUDGET)
        later = now + engagement.BUDGET_WINDOW + timedelta(seconds=30)
        assert engagement.record_share(connection, articles.article_id("s-24"), later, "one")  # a new hour
        assert engagement.record_share(connection, articles.article_id("s-0"), later, "one") is False  # same day
        assert engagement.record_share(connection, articles.article_id("s-0"), now, "another")


# --- headers, memory, redirects -----------------------------------------------------------------


def test_oversized_headers_are_refused(served, article_ids):
    _server, web = served
    article_id = next(article_ids)
    before = _counters(web, article_id)
    for size in (1 << 20, 10 << 20):
        agent = BROWSER + "x" * size
        response = web.get(f"/articles/{article_id}", headers={"user-agent": agent})
        assert response.status_code == 431
        assert web.post(f"/api/articles/{article_id}/share", headers={"x-pad": "y" * size}).status_code == 431
    assert web.get(f"/articles/{article_id}", headers={"user-agent": BROWSER, "x-pad": "y" * 8000}).status_code == 200
    assert _settled_views(web, article_id, before["views"] + 1) == before["views"] + 1
    assert _counters(web, article_id)["shares"] == before["shares"]


def test_the_bot_check_keeps_no_copy_of_long_agents():
    from zixun.store.engagement import is_bot

    assert is_bot("Googlebot/2.1 " + "x" * 100_000) and not is_bot(BROWSER + " " + "x" * 100_000)
    tracemalloc.start()
    try:
        before, _peak = tracemalloc.get_traced_memory()
        for i in range(40):
            is_bot(f"{BROWSER} {i} " + "x" * 100_000)
        after, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert after - before < 200_000, f"{after - before} bytes kept for 40 agents of 100 kB"


@pytest.mark.parametrize(
    "path, location",
    [
        ("/api/home/", "/api/home"),
        ("/articles/?page=2", "/articles?page=2"),
        ("/hot//", "/hot"),
    ],
)
def test_slash_redirects_never_name_the_request_host(served, path, location):
    _server, web = served
    response = web.get(path, headers={"host": "evil.example"})
    assert response.status_code in (301, 307, 308)
    assert "evil.example" not in response.headers["location"] and response.headers["location"] == location


@pytest.mark.parametrize("path", ["//evil.example/", "/\\evil.example/", "/no/such/page/"])
def test_no_slash_redirect_leaves_the_site(served, path):
    _server, web = served
    response = web.get(path, headers={"host": "evil.example"})
    location = response.headers.get("location", "")
    assert "evil.example" not in location and not location.startswith(("//", "/\\")), (response.status_code, location)


# --- a real browser -----------------------------------------------------------------------------


@pytest.mark.browser
def test_the_share_button_counts_in_chromium(tmp_path):
    from test_browser import ARGS, CHROMIUM, _require_chromium

    sync_playwright = _require_chromium()
    url = f"sqlite:///{tmp_path / 'zixun.db'}"
    fill_store(url)
    with live_server(_settings(url), FakeClock()) as (server, client):
        article_id = client.get("/api/articles").json()["items"][0]["id"]
        before = _counters(client, article_id)["shares"]
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            page = chromium.new_context(java_script_enabled=False).new_page()
            page.goto(f"{server.url}/articles/{article_id}")
            page.locator("form.share button").click()
            page.wait_for_load_state()
            assert page.url.endswith(f"/articles/{article_id}?shared=1")
            page.locator("form.share button").click()  # a second click by the same reader counts nothing
            page.wait_for_load_state()
            chromium.close()
        assert _counters(client, article_id)["shares"] == before + 1
