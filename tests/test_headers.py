"""Every response's security headers, and HEAD answered like GET without a body, over real HTTP on SQLite
and PostgreSQL stores holding the sample (the browser's side of the CSP: tests/test_browser.py)."""

from __future__ import annotations

import time
from urllib.parse import quote

import httpx
import pytest
import sqlalchemy as sa
from conftest import postgres_schema_url
from web_server import SAMPLE_END, FakeClock, fill_store, live_server

from zixun.settings import Settings
from zixun.web.headers import SECURITY_HEADERS

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
EXPECTED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def web(request, tmp_path_factory):
    """An httpx client on a live portal over the sample, behind a "proxy" on 127.0.0.1 (X-Forwarded-For)."""

    def serve(url: str):
        fill_store(url)
        settings = Settings(
            database_url=url, view_flush_seconds=0.05, trusted_proxies=["127.0.0.1"], max_header_bytes=4096
        )
        return live_server(settings, FakeClock(SAMPLE_END))

    if request.param == "sqlite":
        with serve(f"sqlite:///{tmp_path_factory.mktemp('headers') / 'zixun.db'}") as (_server, client):
            yield client
        return
    with postgres_schema_url() as url, serve(url) as (_server, client):
        yield client


def _urls(web) -> list[str]:
    """A URL of every kind the portal serves: pages, the API, /docs, static files, feeds, errors."""
    home = web.get("/api/home").json()
    item = home["sections"][0]["items"][0]
    category = quote(home["sections"][0]["name"], safe="")
    return [
        "/",
        item["url"],
        "/articles",
        "/articles?page=2",
        f"/categories/{category}",
        item["author_url"] or item["source_url"] or "/articles",
        "/hot",
        "/hot?window=7d",
        "/search",
        "/search?q=" + quote("足球"),
        "/docs",
        "/openapi.json",
        "/api/home",
        item["api_url"],
        "/static/site.css",
        "/feeds/rss",
        "/feeds/atom",
        f"/feeds/atom/categories/{category}",
        "/feeds/rss/hot?window=7d",
        "/articles/nothing-here",  # 404
        "/hot?window=1y",  # 422
        "/articles/",  # 308 to /articles
        f"{item['url']}/share",  # GET of a POST route: 405
    ]


def _csp(value: str) -> dict[str, str]:
    return {part.split()[0]: part.partition(" ")[2] for part in (p.strip() for p in value.split(";")) if part}


def test_the_policy_allows_only_the_portals_own_stylesheet_and_forms():
    policy = _csp(SECURITY_HEADERS["content-security-policy"])
    assert policy["default-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert policy["style-src"] == "'self'" and policy["form-action"] == "'self'"
    assert "unsafe" not in SECURITY_HEADERS["content-security-policy"]
    assert "script-src" not in policy  # no script at all: default-src 'none' covers it


def test_every_response_carries_the_security_headers(web):
    statuses = set()
    for url in _urls(web):
        response = web.get(url)
        statuses.add(response.status_code)
        for name, value in {**SECURITY_HEADERS, **EXPECTED}.items():
            assert response.headers.get(name) == value, (url, name, response.headers.get(name))
        assert len(response.headers.get_list("content-security-policy")) == 1, url
    assert {200, 308, 404, 405, 422} <= statuses
    # the guards' own refusals too: oversized headers (431), a cross-site post (403)
    refused = [
        web.get("/", headers={"x-big": "x" * 5000}),
        web.post(_urls(web)[1] + "/share", headers={"origin": "https://evil.example", "sec-fetch-site": "cross-site"}),
    ]
    assert [r.status_code for r in refused] == [431, 403]
    for response in refused:
        assert all(response.headers.get(name) == value for name, value in SECURITY_HEADERS.items())


def test_head_answers_as_get_without_a_body(web):
    for url in _urls(web):
        got, head = web.get(url), web.head(url)
        assert head.status_code == got.status_code, url
        assert head.content == b"", url
        same = {k: v for k, v in got.headers.items() if k != "date"}
        assert {k: v for k, v in head.headers.items() if k != "date"} == same, url
        if got.status_code == 200 and "content-length" in got.headers:
            assert int(head.headers["content-length"]) == len(got.content), url


def _views(web, api_url: str) -> int:
    return web.get(api_url).json()["article"]["views"]


def test_a_head_of_an_article_counts_no_view(web):
    item = web.get("/api/home").json()["sections"][-1]["items"][-1]
    before = _views(web, item["api_url"])
    for _ in range(3):
        web.head(item["url"], headers={"user-agent": BROWSER, "x-forwarded-for": "198.51.100.7"})
    web.get(item["url"], headers={"user-agent": BROWSER, "x-forwarded-for": "198.51.100.8"})
    # views are written in order: once the GET's is in, any HEAD's would be too
    deadline = time.monotonic() + 30
    while _views(web, item["api_url"]) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    assert _views(web, item["api_url"]) == before + 1


def test_a_server_error_carries_the_headers_too(db_url):
    # Starlette's error middleware answers a crash outside the app's own middleware: the headers wrap it too
    fill_store(db_url)
    with live_server(Settings(database_url=db_url, warm_pages=False), FakeClock(SAMPLE_END)) as (server, _client):
        engine = sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
        with engine.begin() as connection:
            connection.execute(sa.text("ALTER TABLE articles RENAME TO articles_gone"))
        engine.dispose()
        for method in ("GET", "HEAD"):
            # a connection of its own each time: the server closes one after a crash
            response = httpx.request(method, server.url + "/feeds/rss")
            assert response.status_code == 500, method
            assert all(response.headers.get(name) == value for name, value in SECURITY_HEADERS.items()), method
            assert (response.content == b"") == (method == "HEAD")
