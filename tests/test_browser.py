"""The portal in a real browser: Debian's chromium, driven by Playwright, with JavaScript off (on only where
the browser must report Content-Security-Policy violations to the page).

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


# records every CSP violation the page reports (an init script runs before the page's own content)
_LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def test_pages_work_under_the_content_security_policy_with_no_violation(browser, portal_url):
    base, client = portal_url
    # JavaScript on here: the browser reports violations to the page and its console
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="zh-CN")
    context.add_init_script(_LISTEN)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    home = client.get("/api/home").json()
    article = home["sections"][0]["items"][0]
    shown = []

    def visit(path: str) -> None:
        response = page.goto(base + path)
        assert response.status == 200, path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        # the stylesheet applied: the body's background is site.css's --bg
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(246, 247, 249)", path
        shown.append(page.evaluate("window.__violations.slice()"))

    visit("/")
    visit(home["sections"][0]["url"])
    visit("/hot?window=7d")
    visit("/search?q=" + "足球")
    assert page.locator("ul.results li.item").count() > 0
    # the search form, submitted by the browser
    page.fill("form.search-form input[name=q]", "火箭")
    page.press("form.search-form input[name=q]", "Enter")
    page.wait_for_load_state()
    assert page.locator("ul.results li.item").count() > 0
    shown.append(page.evaluate("window.__violations.slice()"))
    # the article, and its share button (a form post back to the page)
    visit(article["url"])
    before = client.get(article["api_url"]).json()["article"]["shares"]
    with page.expect_navigation():
        page.click("form.share button")
    assert page.url.endswith(article["url"] + "?shared=1")
    assert client.get(article["api_url"]).json()["article"]["shares"] == before + 1
    shown.append(page.evaluate("window.__violations.slice()"))
    assert shown == [[]] * len(shown) and errors == []
    # the listener does catch a violation: an inline style added now is refused and reported
    page.evaluate("document.head.append(Object.assign(document.createElement('style'), {textContent: 'body{}'}))")
    page.wait_for_function("window.__violations.length > 0")
    assert page.evaluate("window.__violations")[0].startswith("style-src")
    assert any("Content Security Policy" in e for e in errors)
    context.close()
