"""Reposts on the portal over real HTTP, on SQLite and PostgreSQL: the seed page after an earlier wire
version of it shows 首发于, the wire version a verified 原创 and 另有 N 家转载, the API says the same, and
lists (home, category, hot, related) show one entry per duplicate group."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from conftest import postgres_schema_url
from web_server import FakeClock, fill_store, live_server

from zixun.settings import Settings
from zixun.store import articles, open_store

WIRE = Path(__file__).parent / "data" / "duplicates" / "seed_wire.jsonl"
SEED_TITLE = "中美昨晚究竟发生了什么?两天接连打了2通电话,重大细节曝光,对外释放信号非同寻常"
WIRE_GUID = "wire:seed-2025-09-12"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store_url(request, tmp_path_factory):
    """The sample, the seed page and the seed page's earlier wire version."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('dup-web') / 'zixun.db'}"
        fill_store(url, [WIRE])
        yield url
        return
    with postgres_schema_url() as url:
        fill_store(url, [WIRE])
        yield url


@pytest.fixture(scope="module")
def site(store_url):
    """(httpx client on the live portal, {guid or title: id} of the two copies)."""
    engine = open_store(store_url)
    with engine.connect() as connection:
        seed = next(a for a in articles.iterate(connection) if a.title == SEED_TITLE)
        wire = articles.get(connection, WIRE_GUID)
    engine.dispose()
    with live_server(Settings(database_url=store_url, hot_cache_seconds=0), FakeClock()) as (_server, client):
        yield client, seed, wire


def _page(client, path: str) -> lxml.html.HtmlElement:
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]
    return lxml.html.fromstring(response.text)


def test_the_seed_page_after_its_wire_version_shows_first_published_there(site):
    client, seed, wire = site
    doc = _page(client, f"/articles/{seed.id}")
    heading = "".join(doc.xpath("//article//h1")[0].itertext())
    assert "转载" in heading and "作者声明原创" not in heading
    note = "".join(doc.xpath("//p[contains(@class, 'first-published')]")[0].itertext())
    assert "作者声明原创，但首发于 环球时报，2025-09-12 18:30（两文共有 78% 的文字）" in note
    assert doc.xpath("//p[contains(@class, 'first-published')]/a/@href") == [f"/articles/{wire.id}"]


def test_the_wire_version_is_a_verified_original_with_one_repost(site):
    client, seed, wire = site
    doc = _page(client, f"/articles/{wire.id}")
    assert "原创" in "".join(doc.xpath("//article//h1/span[contains(@class, 'verified')]/text()"))
    reposts = "".join(doc.xpath("//p[contains(@class, 'reposts')]")[0].itertext())
    assert reposts.startswith("另有 1 家转载")
    assert doc.xpath("//p[contains(@class, 'reposts')]/a/@href") == [f"/articles/{seed.id}"]


def test_the_api_carries_the_same_facts(site):
    client, seed, wire = site
    repost = client.get(f"/api/articles/{seed.id}").json()["article"]
    assert repost["duplicate_of"]["guid"] == WIRE_GUID and repost["duplicate_of"]["source"] == "环球时报"
    assert (
        0.7 < repost["duplicate_of"]["share"] < 0.85
    )  # three paragraphs in four and repost["verified_original"] is False
    original = client.get(f"/api/articles/{wire.id}").json()["article"]
    assert original["duplicate_of"] is None and original["verified_original"] is True
    assert [r["id"] for r in original["reposts"]] == [seed.id]


def test_lists_show_one_entry_per_duplicate_group(site):
    client, seed, wire = site
    listed = [item["id"] for item in client.get("/api/articles", params={"page_size": 50}).json()["items"]]
    assert wire.id in listed and seed.id not in listed
    hot = client.get("/api/hot", params={"window": "7d", "limit": 50}).json()["items"]
    assert seed.id not in [item["article"]["id"] for item in hot]
    # an entity's page too: both texts name 赫格塞思, his page lists the wire version once and counts it once
    entity = client.get("/api/entities/people/赫格塞思").json()
    assert [item["id"] for item in entity["items"]] == [wire.id] and entity["total"] == 1
    assert sum(day["count"] for day in entity["timeline"]) == 1
    page = "".join(_page(client, "/entities/people/赫格塞思").xpath("//main")[0].itertext())
    assert wire.title in page and SEED_TITLE not in page


def test_the_seed_page_alone_keeps_its_declared_badge(tmp_path):
    url = f"sqlite:///{tmp_path / 'alone.db'}"
    fill_store(url)
    with live_server(Settings(database_url=url), FakeClock()) as (_server, client):
        found = client.get("/api/search", params={"q": "赫格塞思 董军"}).json()["hits"]
        seed = next(hit["article"] for hit in found if hit["article"]["title"] == SEED_TITLE)
        doc = _page(client, f"/articles/{seed['id']}")
    heading = "".join(doc.xpath("//article//h1")[0].itertext())
    assert "作者声明原创" in heading and not doc.xpath("//p[contains(@class, 'copies')]")
