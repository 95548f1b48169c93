"""The stories index (/stories) and the people, places and organisations in the news (/entities), over real HTTP
on SQLite and PostgreSQL, with the clock moved so that the fixture's articles fall in and out of the windows.

The fixture (tests/data/story_pages, as tests/test_stories_web.py) holds 11 real articles published between
2018-10-30 17:30 and 2018-10-31 10:30 (UTC+8): 金庸's death from three sources, one launch event with a repost,
two provinces' exam notices. What the pages should say is worked out here from the fixture's publish times and
sources and from each article's own page (its entities, whether it is a repost), not from the code under test."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta

import lxml.html
import pytest
from test_stories_web import FIXTURE, JINYONG, NOW, store_url  # noqa: F401 - store_url: the fixture's store
from web_server import FakeClock, live_server

from zixun.settings import Settings
from zixun.store import articles, open_store, stories

RECORDS = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def site(store_url):  # noqa: F811
    """(httpx client on the live portal, engine on its store, the portal's clock, which tests move)."""
    engine = open_store(store_url)
    clock = FakeClock(NOW)
    settings = Settings(database_url=store_url, hot_cache_seconds=0, warm_pages=False)
    with live_server(settings, clock) as (_server, client):
        yield client, engine, clock
    engine.dispose()
    clock.now = NOW


@pytest.fixture
def at(site):
    """Set the portal's clock for one test (back to NOW after it)."""
    _client, _engine, clock = site

    def move(moment: datetime) -> None:
        clock.now = moment

    yield move
    clock.now = NOW


def _published(guid: str) -> datetime:
    return datetime.fromisoformat(next(r["published_at"] for r in RECORDS if r["id"] == guid))


def _stories(engine) -> dict[int, list[str]]:
    """{story id: its members' guids} as the store grouped the fixture."""
    found: dict[int, list[str]] = {}
    with engine.connect() as connection:
        for record in RECORDS:
            story = stories.of_article(connection, articles.get(connection, record["id"]).id)
            if story:
                found.setdefault(story.id, []).append(record["id"])
    return found


def _expected_stories(engine, since: datetime) -> list[int]:
    """The ids of the stories whose latest article is published at or after since, latest first."""
    latest = {story: max(_published(g) for g in guids) for story, guids in _stories(engine).items()}
    return [s for s, at in sorted(latest.items(), key=lambda kv: (kv[1], kv[0]), reverse=True) if at >= since]


def _page(client, path: str) -> lxml.html.HtmlElement:
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]
    return lxml.html.fromstring(response.text)


def test_the_stories_index_lists_the_window_s_stories_latest_development_first(site, at):
    client, engine, _clock = site
    grouped = _stories(engine)
    assert len(grouped) >= 2, "the fixture holds at least 金庸's story and the launch's"
    for moment, window in ((NOW, "24h"), (NOW + timedelta(hours=10), "24h"), (NOW + timedelta(days=3), "7d")):
        at(moment)
        since = moment - {"24h": timedelta(hours=24), "7d": timedelta(days=7)}[window]
        expected = _expected_stories(engine, since)
        api = client.get("/api/stories", params={"window": window}).json()
        assert [item["id"] for item in api["items"]] == expected, (moment, window)
        assert api["pager"]["total"] == len(expected)
        assert datetime.fromisoformat(api["since"]) == since
        doc = _page(client, f"/stories?window={window}")
        assert doc.xpath("//li[contains(@class, 'story-entry')]/a/@href") == [f"/stories/{s}" for s in expected]
    # ten hours on, 金庸's story (last article 21:00 on the 30th) has left the 24 hours; the stories of the 31st stay
    at(NOW + timedelta(hours=10))
    jinyong = next(s for s, guids in grouped.items() if JINYONG[0] in guids)
    shown = [item["id"] for item in client.get("/api/stories", params={"window": "24h"}).json()["items"]]
    assert jinyong not in shown and shown
    at(NOW + timedelta(days=40))
    assert client.get("/api/stories", params={"window": "30d"}).json()["items"] == []
    assert "没有多篇报道的事件" in _page(client, "/stories?window=30d").text_content()


def test_the_stories_index_sorted_by_sources_counts_each_story_s_distinct_sources(site):
    client, engine, _clock = site
    sources = {r["id"]: r["source"] for r in RECORDS}
    expected = {story: len({sources[g] for g in guids}) for story, guids in _stories(engine).items()}
    items = client.get("/api/stories", params={"window": "24h", "sort": "sources"}).json()["items"]
    assert {item["id"]: item["sources"] for item in items} == expected
    assert [item["sources"] for item in items] == sorted(expected.values(), reverse=True)
    doc = _page(client, "/stories?window=24h&sort=sources")
    assert doc.xpath("//nav[@aria-label='排序']/a[@aria-current]/text()") == ["来源最多"]


def test_the_stories_index_is_paged_and_refuses_bad_parameters(site):
    client, engine, _clock = site
    expected = _expected_stories(engine, NOW - timedelta(hours=24))
    seen = []
    for page in range(1, len(expected) + 1):
        found = client.get("/api/stories", params={"window": "24h", "page_size": 1, "page": page}).json()
        seen += [item["id"] for item in found["items"]]
        assert (found["pager"]["next_url"] is None) == (page == len(expected))
    assert seen == expected
    past = client.get("/api/stories", params={"window": "24h", "page_size": 1, "page": len(expected) + 1})
    assert past.status_code == 404
    for name, bad in (("window", "1y"), ("sort", "views"), ("page", "0"), ("page_size", "1000")):
        response = client.get("/api/stories", params={name: bad})
        assert response.status_code == 422 and name in response.text, (name, bad)
    assert client.get("/stories", params={"window": "1y"}).status_code == 422


def _article_facts(client) -> dict[str, dict]:
    """Each fixture article's entities and whether it is a repost, as its own API page gives them."""
    facts = {}
    for record in RECORDS:
        article = client.get(f"/api/articles/{record['id']}").json()["article"]
        names = {(e["kind"], e["name"]) for e in article["entities"]}
        facts[record["id"]] = {"names": names, "repost": article["duplicate_of"] is not None}
    return facts


def _expected_counts(facts: dict[str, dict], since: datetime, until: datetime) -> Counter:
    """(kind, name) → original articles published in [since, until) naming it."""
    counted: Counter = Counter()
    for guid, fact in facts.items():
        if not fact["repost"] and since <= _published(guid) < until:
            counted.update(fact["names"])
    return counted


def test_the_entities_index_counts_original_articles_in_the_window_and_the_one_before(site, at):
    client, _engine, _clock = site
    facts = _article_facts(client)
    assert sum(f["repost"] for f in facts.values()) == 1, "the fixture's one repost"
    for moment in (NOW, NOW + timedelta(hours=8, minutes=45)):
        at(moment)
        day = timedelta(hours=24)
        now_counts = _expected_counts(facts, moment - day, moment)
        before_counts = _expected_counts(facts, moment - 2 * day, moment - day)
        api = client.get("/api/entities", params={"window": "24h"}).json()
        assert [g["kind"] for g in api["groups"]] == ["people", "places", "orgs"]
        for group in api["groups"]:
            items = group["items"]
            counts = [item["articles"] for item in items]
            assert counts == sorted(counts, reverse=True) and len(items) <= 12
            of_kind = {name: n for (kind, name), n in now_counts.items() if kind == group["kind"]}
            for item in items:
                assert item["articles"] == of_kind[item["name"]], (moment, item)
                assert item["before"] == before_counts[(group["kind"], item["name"])], (moment, item)
                assert item["url"] == f"/entities/{group['kind']}/{item['name']}" or "%" in item["url"]
            if items:  # no name left out counts more than the last one listed
                assert all(n <= counts[-1] for name, n in of_kind.items() if name not in {i["name"] for i in items})
    # at 20:45 on the 31st the articles of 17:30-20:00 on the 30th are in the 24 hours before: names they give
    # are counted there (金庸: once in the window, at 21:00, twice before it)
    listed = [i for g in api["groups"] for i in g["items"]]
    assert any(i["before"] for i in listed)
    assert all((i["change"] == "new") == (i["before"] == 0) for i in listed)
    assert all(i["change"] != "down" or i["articles"] < i["before"] for i in listed)
    at(NOW)
    people = {i["name"]: i for i in client.get("/api/entities", params={"window": "24h"}).json()["groups"][0]["items"]}
    assert people["金庸"]["articles"] == 3 and people["金庸"]["change"] == "new"


def test_the_rising_names_are_those_named_more_than_before_largest_growth_first(site, at):
    client, _engine, _clock = site
    facts = _article_facts(client)
    moment, day = NOW + timedelta(hours=8, minutes=45), timedelta(hours=24)
    at(moment)
    now_counts = _expected_counts(facts, moment - day, moment)
    before_counts = _expected_counts(facts, moment - 2 * day, moment - day)
    api = client.get("/api/entities", params={"window": "24h", "sort": "rising"}).json()
    assert api["sort"] == "rising"
    for group in api["groups"]:
        growth = sorted(
            (now_counts[key] - before_counts[key] for key in now_counts if key[0] == group["kind"]), reverse=True
        )
        growth = [g for g in growth if g > 0][:12]
        items = group["items"]
        assert [i["articles"] - i["before"] for i in items] == growth, group["kind"]
        for item in items:
            assert item["articles"] == now_counts[(group["kind"], item["name"])]
            assert item["before"] == before_counts[(group["kind"], item["name"])]
    # 金庸 was named in two articles of the 24 hours before and one of these: falling, so not rising
    assert "金庸" not in {i["name"] for i in api["groups"][0]["items"]}
    doc = _page(client, "/entities?window=24h&sort=rising")
    assert doc.xpath("//nav[@aria-label='排序']/a[@aria-current]/text()") == ["升温最快"]
    assert client.get("/api/entities", params={"sort": "hottest"}).status_code == 422


def test_a_repost_adds_nothing_to_the_names_it_copies(site):
    client, _engine, _clock = site
    facts = _article_facts(client)
    repost = next(g for g, f in facts.items() if f["repost"])
    copied = facts[repost]["names"]
    assert copied, "the repost names someone or something"
    listed = {
        (group["kind"], item["name"]): item["articles"]
        for group in client.get("/api/entities", params={"window": "7d"}).json()["groups"]
        for item in group["items"]
    }
    with_repost = _expected_counts({**facts, repost: {**facts[repost], "repost": False}}, NOW - timedelta(7), NOW)
    checked = [key for key in copied if key in listed]
    assert checked
    for key in checked:
        assert listed[key] == with_repost[key] - 1, key


def test_the_entities_page_shows_each_kind_with_its_counts_and_links(site):
    client, _engine, _clock = site
    api = client.get("/api/entities", params={"window": "7d"}).json()
    doc = _page(client, "/entities?window=7d")
    sections = doc.xpath("//section[contains(@class, 'entity-group')]")
    assert [s.xpath("string(h2)") for s in sections] == ["人物", "地点", "机构"]
    for section, group in zip(sections, api["groups"], strict=True):
        rows = section.xpath(".//li[contains(@class, 'trend')]")
        assert [r.xpath("string(a)") for r in rows] == [i["name"] for i in group["items"]]
        assert [r.xpath("string(a/@href)") for r in rows] == [i["url"] for i in group["items"]]
        assert [r.xpath("string(.//span[@class='trend-count'])") for r in rows] == [
            f"{i['articles']} 篇" for i in group["items"]
        ]
    link = api["groups"][0]["items"][0]
    assert client.get(link["api_url"]).status_code == 200  # every name listed has its page
    assert doc.xpath("//nav[@aria-label='时间范围']/a[@aria-current]/text()") == ["7 天"]
    assert client.get("/api/entities", params={"window": "1y"}).status_code == 422


def test_the_menu_links_both_indexes(site):
    client, _engine, _clock = site
    menu = _page(client, "/").xpath("//nav[contains(@class, 'menu')]/a/@href")
    assert "/stories" in menu and "/entities" in menu


def test_the_commands_print_what_the_api_answers(site, store_url):  # noqa: F811
    from test_cli import zixun

    client, _engine, _clock = site
    params = {"window": "24h", "sort": "sources", "page_size": 2}
    api = client.get("/api/stories", params=params).json()
    done = zixun(
        "stories", "--window", "24h", "--sort", "sources", "--limit", "2", "--at", NOW.isoformat(), "--format", "json",
        db=store_url,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == api
    text = zixun("stories", "--window", "24h", "--at", NOW.isoformat(), db=store_url)
    assert text.returncode == 0 and all(item["title"] in text.stdout for item in api["items"])
    names = client.get("/api/entities", params={"window": "24h"}).json()
    done = zixun("entities", "--window", "24h", "--at", NOW.isoformat(), "--format", "json", db=store_url)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == names
    text = zixun("entities", "--window", "24h", "--at", NOW.isoformat(), db=store_url)
    assert "人物" in text.stdout and "金庸  3 篇" in text.stdout
    assert zixun("stories", "--at", "yesterday", db=store_url).returncode == 2
    assert zixun("entities", "--window", "1y", db=store_url).returncode == 2
