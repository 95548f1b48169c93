"""An article's id cannot be taken over by another article whose guid (set by its source) equals that id."""

from __future__ import annotations

import json

import pytest
from web_server import live_server

from zixun import pipeline
from zixun.settings import Settings
from zixun.store import articles
from zixun.store.articles import article_id

VICTIM = {
    "id": "victim-guid",
    "title": "湖人队主场击败勇士队",
    "body": "詹姆斯得到三十分，湖人队主场获胜。",
    "category": "体育",
}
VICTIM_ID = article_id(VICTIM["id"])
# a feed controlled by an attacker sets its item's guid to the victim's internal id
ATTACKER = {
    "id": VICTIM_ID,
    "title": "劫持者的文章标题",
    "body": "这篇文章想占用别人的网址和计数。",
    "category": "体育",
}


@pytest.fixture(params=["victim first", "attacker first"])
def hijack_store(request, settings, engine, tmp_path):
    """A store holding the victim and the attacker, ingested in either order."""
    records = [VICTIM, ATTACKER] if request.param == "victim first" else [ATTACKER, VICTIM]
    for number, record in enumerate(records):
        path = tmp_path / f"{number}.jsonl"
        path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
        summary = pipeline.ingest_paths(engine, [path], settings)
        assert summary.failed == [] and summary.new == 1
    return settings


def test_an_id_is_found_before_a_guid_that_equals_it(hijack_store, engine):
    with engine.connect() as connection:
        assert articles.get(connection, VICTIM_ID).title == VICTIM["title"]
        # the attacker's article is still reachable by its own id
        assert articles.get(connection, article_id(VICTIM_ID)).title == ATTACKER["title"]
        assert articles.get(connection, "victim-guid").title == VICTIM["title"]


def test_the_page_api_and_share_counter_stay_the_victims(hijack_store: Settings):
    settings = Settings(database_url=hijack_store.database_url, hot_cache_seconds=0, warm_pages=False)
    with live_server(settings) as (_server, client):
        page = client.get(f"/articles/{VICTIM_ID}")
        assert page.status_code == 200 and VICTIM["title"] in page.text and ATTACKER["title"] not in page.text
        api = client.get(f"/api/articles/{VICTIM_ID}").json()
        assert api["article"]["title"] == VICTIM["title"]
        shared = client.post(f"/api/articles/{VICTIM_ID}/share")
        assert shared.status_code == 200 and shared.json()["id"] == VICTIM_ID
        related = client.get(f"/api/articles/{VICTIM_ID}/related").json()
        assert related["article"]["id"] == VICTIM_ID
