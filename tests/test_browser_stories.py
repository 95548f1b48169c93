"""Stories in a real browser (Debian's chromium through Playwright, JavaScript off): an article page links
its story, the story page shows the timeline, its first publisher and its sources, and the entity page of a
person in it lists the story. Screenshots in artifacts/browser/stories-*.png."""

from __future__ import annotations

import pytest
from test_browser import SHOTS, VIEWPORTS, browser  # noqa: F401 - the browser fixture
from test_stories_web import FIXTURE, JINYONG, NOW
from web_server import FakeClock, live_server

from zixun import pipeline
from zixun.settings import Settings
from zixun.store import open_store

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """A live portal over a SQLite store holding the story fixture."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser-stories') / 'zixun.db'}"
    engine = open_store(url)
    assert not pipeline.ingest_paths(engine, [FIXTURE], Settings(database_url=url, ingest_workers=1)).failed
    engine.dispose()
    with live_server(Settings(database_url=url, warm_pages=False), FakeClock(NOW)) as (server, client):
        yield server.url, client


@pytest.mark.parametrize("size", VIEWPORTS)
def test_story_and_entity_pages_in_chromium(browser, portal, size):  # noqa: F811
    base, client = portal
    SHOTS.mkdir(parents=True, exist_ok=True)
    first = client.get(f"/api/articles/{JINYONG[1]}").json()["article"]
    page = browser.new_context(viewport=VIEWPORTS[size], java_script_enabled=False, locale="zh-CN").new_page()
    # 1. an article of the story links it; the link leads to the story page
    page.goto(f"{base}/articles/{first['id']}")
    assert "3 篇报道 · 3 家来源" in page.locator("p.story-link").inner_text()
    page.locator("p.story-link a").click()
    assert page.url.endswith(first["story"]["url"])
    assert "3 篇报道" in page.locator("p.story-facts").inner_text()
    assert page.locator("p.story-first a").count() == 1
    assert page.locator("section.story-timeline li").count() == 3
    page.screenshot(path=SHOTS / f"stories-{size}-1-story.png", full_page=True)
    # 2. the entity page of the person the story is about lists it
    page.goto(f"{base}/entities/people/金庸")
    assert page.locator("section.entity-stories a").count() >= 1
    page.screenshot(path=SHOTS / f"stories-{size}-2-entity.png", full_page=True)
    page.context.close()


@pytest.mark.parametrize("size", VIEWPORTS)
def test_the_stories_and_entities_indexes_in_chromium(browser, portal, size):  # noqa: F811
    base, client = portal
    SHOTS.mkdir(parents=True, exist_ok=True)
    listed = client.get("/api/stories", params={"window": "24h"}).json()["items"]
    names = client.get("/api/entities", params={"window": "24h"}).json()["groups"]
    page = browser.new_context(viewport=VIEWPORTS[size], java_script_enabled=False, locale="zh-CN").new_page()
    # 1. the menu leads to the stories index, which lists the day's stories; the first leads to its page
    page.goto(f"{base}/")
    page.locator("nav.menu a[href='/stories']").click()
    page.locator("nav.tabs a", has_text="24 小时").click()
    assert page.locator("li.story-entry").count() == len(listed) >= 2
    page.screenshot(path=SHOTS / f"stories-{size}-3-index.png", full_page=True)
    page.locator("li.story-entry a").first.click()
    assert page.url.endswith(listed[0]["url"])
    # 2. the menu leads to the people, places and organisations of the day, one column of each kind
    page.goto(f"{base}/")
    page.locator("nav.menu a[href='/entities']").click()
    page.locator("nav.tabs a", has_text="24 小时").click()
    sections = page.locator("section.entity-group")
    assert sections.count() == 3
    for k, group in enumerate(names):
        assert sections.nth(k).locator("li.trend").count() == len(group["items"])
    assert names[0]["items"], "the day names people"
    page.screenshot(path=SHOTS / f"stories-{size}-4-entities.png", full_page=True)
    sections.nth(0).locator("li.trend a").first.click()
    assert page.url.endswith(names[0]["items"][0]["url"])
    page.context.close()
