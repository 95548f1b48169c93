"""The portal in a real browser: Debian's chromium, driven by Playwright, with JavaScript off.

Screenshots of each step are saved in artifacts/browser/ (desktop and phone sizes).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from web_server import FakeClock, fill_store, live_server

from zixun.settings import Settings

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def _require_chromium():
    """Playwright's sync API with Debian's chromium; missing: a failure under CI=true, else a skip."""
    problem = None
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        problem = f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        problem = f"playwright is not installed: {error}"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    return sync_playwright


@pytest.fixture(scope="module")
def portal_url(tmp_path_factory):
    """A live portal over a SQLite store holding the sample and the seed page."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'zixun.db'}"
    fill_store(url)
    with live_server(Settings(database_url=url), FakeClock()) as (server, client):
        yield server.url, client


@pytest.fixture(scope="module")
def browser():
    """Headless chromium (never downloaded: Debian's)."""
    sync_playwright = _require_chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


def _article_with_related(client) -> str:
    for section in client.get("/api/home").json()["sections"]:
        for item in section["items"]:
            if client.get(f"/api/articles/{item['id']}/related").json()["related"]:
                return item["id"]
    raise AssertionError("no article on the home page has related content")


@pytest.mark.parametrize("size", VIEWPORTS)
def test_home_article_related_and_search_in_chromium(browser, portal_url, size):
    base, client = portal_url
    SHOTS.mkdir(parents=True, exist_ok=True)
    # JavaScript off: every step must work with plain links and forms
    page = browser.new_context(viewport=VIEWPORTS[size], java_script_enabled=False, locale="zh-CN").new_page()
    # 1. home: the hot list and the category sections
    page.goto(base + "/")
    assert page.locator("ol.hot-list li").count() > 0 and page.locator("section.section").count() > 0
    page.screenshot(path=SHOTS / f"{size}-1-home.png", full_page=True)
    # 2. an article, reached by clicking its link on the home page
    article_id = _article_with_related(client)
    page.locator(f"a[href='/articles/{article_id}']").first.click()
    assert page.url.endswith(f"/articles/{article_id}")
    assert page.locator("article h1").inner_text().strip()
    page.screenshot(path=SHOTS / f"{size}-2-article.png", full_page=True)
    # 3. follow its first 相关内容 link
    related = page.locator("section.related a.item-title").first
    title = related.get_attribute("title")
    related.click()
    assert page.locator("article h1").inner_text().strip().endswith(title)
    page.screenshot(path=SHOTS / f"{size}-3-related.png", full_page=True)
    # 4. search a two-character word from the header's search box
    page.fill("header input[name=q]", "足球")
    page.press("header input[name=q]", "Enter")
    page.wait_for_load_state()
    assert "q=" in page.url and page.locator("ul.results li.item").count() > 0
    assert set(page.locator("ul.results mark").all_inner_texts()) == {"足球"}
    page.screenshot(path=SHOTS / f"{size}-4-search.png", full_page=True)
    page.context.close()
