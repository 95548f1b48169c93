"""Reposts in a real browser (Debian's chromium through Playwright, JavaScript off): the seed page after
its earlier wire version shows 首发于 with a link that leads to the wire version, which shows a verified
原创 and 另有 1 家转载. Screenshots in artifacts/browser/duplicates-*.png."""

from __future__ import annotations

import pytest
from test_browser import SHOTS, VIEWPORTS, browser  # noqa: F401 - the browser fixture
from test_duplicates_web import SEED_TITLE, WIRE
from web_server import FakeClock, fill_store, live_server

from zixun.settings import Settings

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """A live portal over a SQLite store holding the sample, the seed page and its wire version."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser-dup') / 'zixun.db'}"
    fill_store(url, [WIRE])
    with live_server(Settings(database_url=url), FakeClock()) as (server, client):
        yield server.url, client


@pytest.mark.parametrize("size", VIEWPORTS)
def test_first_published_and_reposts_in_chromium(browser, portal, size):  # noqa: F811
    base, client = portal
    SHOTS.mkdir(parents=True, exist_ok=True)
    (wire,) = client.get("/api/articles", params={"source": "环球时报"}).json()["items"]
    page = browser.new_context(viewport=VIEWPORTS[size], java_script_enabled=False, locale="zh-CN").new_page()
    # 1. the wire version: a verified 原创 and its one repost
    page.goto(f"{base}/articles/{wire['id']}")
    assert page.locator("article h1 .badge.verified").inner_text() == "原创"
    assert page.locator("p.copies.reposts").inner_text().startswith("另有 1 家转载")
    page.screenshot(path=SHOTS / f"duplicates-{size}-1-reposts.png", full_page=True)
    # 2. its repost, the seed page, reached by the link: 首发于 the wire version's source
    page.locator("p.copies.reposts a").first.click()
    assert page.locator("article h1").inner_text().strip().endswith(SEED_TITLE)
    assert "作者声明原创，但首发于 环球时报" in page.locator("p.copies.first-published").inner_text()
    page.screenshot(path=SHOTS / f"duplicates-{size}-2-first-published.png", full_page=True)
    # 3. and back to the original by the 首发于 link
    page.locator("p.copies.first-published a").click()
    assert page.url.endswith(f"/articles/{wire['id']}")
    page.context.close()
