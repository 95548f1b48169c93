"""The portal over real HTTP (uvicorn on 127.0.0.1), on SQLite and PostgreSQL stores holding the sample."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import quote

import lxml.html
import pytest
from conftest import postgres_schema_url
from web_server import SAMPLE_END, SEED_PAGE, FakeClock, fill_store, live_server

from zixun import pipeline
from zixun.contexts import RELATED_LIMIT
from zixun.rank.related import related_articles
from zixun.settings import Settings
from zixun.store import articles, facets, open_store, stories

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
SEED_TITLE = "中美昨晚究竟发生了什么?两天接连打了2通电话,重大细节曝光,对外释放信号非同寻常"
ORPHAN_TITLE = "量子菌菇合唱团在火星第七基地发布全新专辑"
# an article about nothing else in the sample, so nothing may be shown as related to it
ORPHAN = """量子菌菇合唱团在火星第七基地发布全新专辑
蘑菇观察员
2018-11-15 09:30:00
阅读 3
评论 0

量子菌菇合唱团今天在火星第七基地的穹顶音乐厅发布了第七张专辑，收录十二首用孢子频率录制的歌曲。
乐团的低音声部由三株发光伞菌组成，它们只在零下六十度的夜晚开口歌唱。
基地的园艺机器人负责调音，据说它们为此专门学习了古老的黑胶唱片保养技术。
"""


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store_url(request, tmp_path_factory):
    """A store holding the sample, the seed page and the orphan article: a SQLite file or a PostgreSQL schema."""
    orphan = tmp_path_factory.mktemp("pages") / "orphan.txt"
    orphan.write_text(ORPHAN, encoding="utf-8")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'zixun.db'}"
        fill_store(url, [orphan])
        yield url
        return
    with postgres_schema_url() as url:
        fill_store(url, [orphan])
        yield url


@pytest.fixture(scope="module")
def clock():
    """The portal's clock: the day after the sample's last article."""
    return FakeClock(SAMPLE_END)


@pytest.fixture(scope="module")
def web(store_url, clock):
    """An httpx client on the live portal (hot lists not cached, so the clock can move)."""
    # behind a "proxy" on 127.0.0.1, so tests can be readers at many addresses (X-Forwarded-For)
    settings = Settings(
        database_url=store_url,
        hot_cache_seconds=0,
        view_flush_seconds=0.05,
        page_size=10,
        trusted_proxies=["127.0.0.1"],
    )
    with live_server(settings, clock) as (_server, client):
        yield client


@pytest.fixture(scope="module")
def store(store_url):
    """A connection to the same store, to check pages against what it holds."""
    engine = open_store(store_url)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def _page(response) -> lxml.html.HtmlElement:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return lxml.html.fromstring(response.text)


def _by_title(store, title: str):
    found = [a for a in articles.iterate(store) if a.title == title]
    assert found, title
    return found[0]


def _text(doc, xpath: str) -> str:
    return " ".join(" ".join(node.itertext()) if hasattr(node, "itertext") else str(node) for node in doc.xpath(xpath))


# --- the article page ---------------------------------------------------------------------------


def test_article_page_shows_the_seed_page_blocks(web, store):
    seed = _by_title(store, SEED_TITLE)
    doc = _page(web.get(f"/articles/{seed.id}", headers={"user-agent": BROWSER}))
    heading = _text(doc, "//article//h1")
    assert "作者声明原创" in heading and SEED_TITLE in heading
    assert doc.xpath("//article//a[@class='author']/@href") == [f"/authors/{quote('创始人', safe='')}"]
    assert "2025-09-12 22:03:00" in _text(doc, "//article//time")  # shown in Asia/Shanghai, as published
    counts = _text(doc, "//p[@class='counts']")
    assert "阅读" in counts and "评论" in counts
    paragraphs = doc.xpath("//div[@class='body']/p/text()")
    assert paragraphs == seed.body
    assert _text(doc, "//section[@class='related']/h2") == "相关内容"
    assert "热门资讯" in _text(doc, "//aside//h2")


def test_hot_block_explains_every_item(web):
    doc = _page(web.get("/articles/" + web.get("/api/articles").json()["items"][0]["id"]))
    hot = web.get("/api/home").json()
    assert hot["hot"], "the sample's last day has hot articles"
    explanations = doc.xpath("//aside//p[@class='why']/text()")
    assert explanations == [entry["explanation"] for entry in hot["hot"]]
    assert all(e.strip() for e in explanations)


def _related_links(doc) -> list[str]:
    return [href.rsplit("/", 1)[1] for href in doc.xpath("//section[@class='related']//a/@href")]


def test_related_block_is_what_rank_found_and_never_newest_filler(web, store):
    expected = {
        a.id: [r.article.id for r in related_articles(store, a.id, limit=RELATED_LIMIT)]
        for a in articles.iterate(store)
    }
    newest = {a.id for a in articles.recent(store, RELATED_LIMIT)}
    seed, orphan = _by_title(store, SEED_TITLE).id, _by_title(store, ORPHAN_TITLE).id
    # the seed page, the orphan, every article rank finds nothing for, and a few others
    checked = [seed, orphan] + [i for i, found in expected.items() if not found] + list(expected)[:8]
    for article_id in dict.fromkeys(checked):
        doc = _page(web.get(f"/articles/{article_id}"))
        links = _related_links(doc)
        assert links == expected[article_id]
        assert article_id not in links and not (newest - set(expected[article_id])) & set(links)
        if not expected[article_id]:
            assert "暂无相关内容" in _text(doc, "//section[@class='related']")
    api = web.get(f"/api/articles/{seed}/related").json()
    assert [r["article"]["id"] for r in api["related"]] == expected[seed]


def test_related_items_are_cut_by_display_width_with_ellipsis(web, store):
    for article in articles.iterate(store):
        related = related_articles(store, article.id, limit=RELATED_LIMIT)
        long = [r for r in related if len(r.article.title) > 20]
        if long:
            doc = _page(web.get(f"/articles/{article.id}"))
            shown = doc.xpath("//section[@class='related']//a[@class='item-title']/text()")
            full = dict(zip(shown, [r.article.title for r in related], strict=False))
            cut = [s for s, title in full.items() if s != title]
            assert cut and all(s.endswith("...") and title.startswith(s[:-3]) for s, title in full.items() if s in cut)
            return
    pytest.skip("no related item has a title longer than 20 characters")


def test_old_articles_say_how_old_by_the_clock(web, store, clock):
    article = _by_title(store, SEED_TITLE)  # published 2025-09-12 22:03 +08:00
    published = article.published_at
    try:
        for moved, note in (
            (timedelta(days=3), None),
            (timedelta(days=45), "本文发布于 45 天前"),
            (timedelta(days=130), "本文发布于 4 个月前"),
            (timedelta(days=800), "本文发布于 2 年前"),
        ):
            clock.now = published + moved + timedelta(hours=1)
            shown = _text(_page(web.get(f"/articles/{article.id}")), "//p[@class='age-note']")
            assert (note in shown) if note else shown == ""
            assert web.get(f"/api/articles/{article.id}").json()["age_note"] == note
    finally:
        clock.now = SAMPLE_END


# --- engagement ---------------------------------------------------------------------------------


def _views(web, article_id: str) -> int:
    return web.get(f"/api/articles/{article_id}").json()["article"]["views"]


def _wait_for_views(web, article_id: str, expected: int) -> int:
    deadline = time.monotonic() + 30
    while _views(web, article_id) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return _views(web, article_id)


def test_page_views_are_counted_once_per_reader_and_not_for_bots(web, store):
    article_id = _by_title(store, ORPHAN_TITLE).id
    before = _views(web, article_id)
    reader_a, reader_b = {"x-forwarded-for": "198.51.100.1"}, {"x-forwarded-for": "198.51.100.2"}
    web.get(f"/articles/{article_id}", headers={"user-agent": BROWSER, **reader_a})
    assert _wait_for_views(web, article_id, before + 1) == before + 1
    web.get(f"/articles/{article_id}", headers={"user-agent": BROWSER + " other", **reader_a})  # within the hour
    web.get(f"/articles/{article_id}", headers={"user-agent": BOT, "x-forwarded-for": "198.51.100.3"})
    web.get(f"/articles/{article_id}", headers={"user-agent": BROWSER, **reader_b})
    # views are written in order, so once reader-b's is in, the repeat and the bot were refused
    assert _wait_for_views(web, article_id, before + 2) == before + 2
    time.sleep(0.3)
    assert _views(web, article_id) == before + 2


def test_shares_are_counted_through_the_api_and_the_page_once_per_reader(web, store):
    article_id = _by_title(store, SEED_TITLE).id
    before = web.get(f"/api/articles/{article_id}").json()["article"]
    shared = web.post(f"/api/articles/{article_id}/share")
    assert shared.status_code == 200 and shared.json()["shares"] == before["shares"] + 1 and shared.json()["counted"]
    again = web.post(f"/api/articles/{article_id}/share")
    assert again.status_code == 200 and again.json()["shares"] == before["shares"] + 1 and not again.json()["counted"]
    # the page's button, without JavaScript, by another reader
    form = web.post(f"/articles/{article_id}/share", headers={"x-forwarded-for": "198.51.100.9"})
    assert form.status_code == 303 and form.headers["location"].startswith(f"/articles/{article_id}")
    assert web.get(f"/api/articles/{article_id}").json()["article"]["shares"] == before["shares"] + 2
    assert web.post("/api/articles/000000000000/share").status_code == 404
    assert web.get(f"/api/articles/{article_id}/share").status_code == 405


# --- lists, home, hot ---------------------------------------------------------------------------


def test_home_shows_hot_list_and_newest_of_every_category(web, store):
    doc = _page(web.get("/"))
    sections = doc.xpath("//section[@class='section']")
    names = [s.xpath("string(.//h2/a)") for s in sections]
    assert sorted(names) == sorted({a.category for a in articles.iterate(store) if a.category})
    for section, name in zip(sections, names, strict=True):
        shown = [h.rsplit("/", 1)[1] for h in section.xpath(".//a[@class='item-title']/@href")]
        assert shown == [a.id for a in articles.recent(store, len(shown), category=name)]
    assert doc.xpath("//aside//ol[@class='hot-list']/li//a")
    assert "演示数据" not in doc.text_content()  # the demo note is for demo data only


def test_category_author_and_source_pages_list_only_their_articles(web, store):
    for kind, field, name in (
        ("categories", "category", "体育"),
        ("authors", "author", "创始人"),
        ("sources", "source", "新京报"),
    ):
        doc = _page(web.get(f"/{kind}/{quote(name, safe='')}"))
        ids = [h.rsplit("/", 1)[1] for h in doc.xpath("//ul[@class='list']//a[@class='item-title']/@href")]
        expected = [a.id for a in articles.recent(store, 10, reposts=field != "category", **{field: name})]
        assert ids == expected and ids
        api = web.get(f"/api/{kind}/{quote(name, safe='')}", params={"page_size": 10}).json()
        assert [i["id"] for i in api["items"]] == expected


def test_list_pages_page_through_all_articles(web, store):
    first = web.get("/api/articles", params={"page_size": 7}).json()
    second = web.get(first["pager"]["next_url"]).json()
    assert [i["id"] for i in first["items"] + second["items"]] == [a.id for a in articles.recent(store, 14)]
    assert second["pager"]["prev_url"].endswith("page=1")
    doc = _page(web.get("/categories/" + quote("体育", safe=""), params={"page": 2}))
    assert doc.xpath("//a[@rel='prev']") and doc.xpath("//a[@rel='next']")


def test_hot_lists_by_window_and_category(web, store):
    day = web.get("/api/hot", params={"window": "24h"}).json()
    week = web.get("/api/hot", params={"window": "7d", "limit": 50}).json()
    assert day["items"] and len(week["items"]) >= len(day["items"])
    for entry in week["items"]:
        assert SAMPLE_END - datetime.fromisoformat(entry["article"]["published_at"]) <= timedelta(days=7, hours=1)
    sport = web.get("/api/hot", params={"window": "7d", "category": "体育"}).json()
    assert sport["items"] and all(e["article"]["category"] == "体育" for e in sport["items"])
    doc = _page(web.get("/hot", params={"window": "7d", "category": "体育"}))
    assert doc.xpath("//p[@class='why']/text()") == [
        e["explanation"]
        for e in web.get("/api/hot", params={"window": "7d", "category": "体育", "limit": 30}).json()["items"]
    ]


def test_every_article_item_links_to_its_page_and_json(web):
    items = web.get("/api/home").json()["sections"][0]["items"]
    for item in items:
        assert set(item) >= {"id", "guid", "title", "url", "api_url"}
        assert web.get(item["url"]).status_code == 200
        assert web.get(item["api_url"]).json()["article"]["guid"] == item["guid"]


# --- search -------------------------------------------------------------------------------------


def test_search_page_highlights_a_two_character_word(web):
    doc = _page(web.get("/search", params={"q": "足球"}))
    marks = doc.xpath("//ul[contains(@class, 'results')]//mark/text()")
    assert marks and set(marks) == {"足球"}
    api = web.get("/api/search", params={"q": "足球"}).json()
    assert api["total"] >= 1 and api["words"] == ["足球"]
    shown = [h.rsplit("/", 1)[1] for h in doc.xpath("//ul[contains(@class, 'results')]//a[@class='item-title']/@href")]
    assert shown == [h["article"]["id"] for h in api["hits"]]


def test_search_filters_sort_and_pages(web):
    everything = web.get("/api/search", params={"q": "中国", "page_size": 100}).json()
    assert everything["total"] > 10
    sport = web.get("/api/search", params={"q": "中国", "category": "体育", "page_size": 100}).json()
    assert 0 < sport["total"] < everything["total"]
    assert all(h["article"]["category"] == "体育" for h in sport["hits"])
    newest = web.get("/api/search", params={"q": "中国", "sort": "newest", "page_size": 100}).json()
    times = [h["article"]["published_at"] for h in newest["hits"]]
    assert times == sorted(times, reverse=True)
    window = web.get("/api/search", params={"q": "中国", "since": "2018-11-01", "until": "2018-11-05"}).json()
    shanghai = timezone(timedelta(hours=8))
    for hit in window["hits"]:
        day = datetime.fromisoformat(hit["article"]["published_at"]).astimezone(shanghai).date().isoformat()
        assert "2018-11-01" <= day <= "2018-11-05"
    page_two = _page(web.get("/search", params={"q": "中国", "page": 2, "since": "", "until": ""}))
    assert page_two.xpath("//a[@rel='prev']/@href") and "第 2 页" in _text(page_two, "//nav[@class='pager']")


def test_search_escapes_what_it_echoes(web):
    response = web.get("/search", params={"q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<script>alert" not in response.text and "&lt;script&gt;" in response.text


def test_empty_search_page_is_just_the_form(web):
    doc = _page(web.get("/search"))
    assert doc.xpath("//form[@class='search-form']") and not doc.xpath("//ul[contains(@class, 'results')]")


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/articles/000000000000",
        "/api/articles/000000000000",
        "/api/articles/000000000000/related",
        "/categories/不存在",
        "/api/categories/不存在",
        "/authors/无名氏",
        "/sources/无此来源",
        "/api/sources/无此来源",
        "/articles?page=999",
        "/api/articles?page=999",
        "/no/such/page",
    ],
)
def test_unknown_things_are_404(web, store, path):
    response = web.get(path)
    assert response.status_code == 404
    if path.startswith("/api/"):
        assert response.json()["detail"]
    else:
        assert "找不到页面" in response.text
        # the store answered: the page that is missing still shows where to go, the category menu
        menu = lxml.html.fromstring(response.text).xpath('//nav[contains(@class, "menu")]//a/@href')
        assert {f"/categories/{quote(name)}" for name, _ in facets.categories(store)} <= set(menu)


@pytest.mark.parametrize(
    "path, names",
    [
        ("/api/articles?page=0", "page"),
        ("/articles?page=abc", "page"),
        ("/api/articles?page_size=1000", "page_size"),
        ("/api/hot?window=1h", "window"),
        ("/hot?window=forever", "window"),
        ("/api/search", "q"),
        ("/api/search?q=a&sort=best", "sort"),
        ("/api/search?q=a&since=2018-13-01", "since"),
        ("/search?q=a&since=yesterday", "since"),
        ("/api/search?q=a&since=2018-11-05&until=2018-11-01", "until"),
        ("/api/search?q=%00", "q"),
        ("/api/articles?category=%00", "category"),
    ],
)
def test_bad_parameters_are_422_naming_the_parameter(web, path, names):
    response = web.get(path)
    assert response.status_code == 422
    message = response.json()["detail"] if path.startswith("/api/") else response.text
    assert f"'{names}'" in message or f"&#39;{names}&#39;" in message


# --- the commands -------------------------------------------------------------------------------


def test_demo_store_is_redated_to_now_and_says_so(tmp_path):
    import json

    from zixun.demo import NEWS, build_demo

    now = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
    settings, summary = build_demo(tmp_path / "demo.db", Settings(ingest_workers=1), now)
    news = [json.loads(line) for line in NEWS.open(encoding="utf-8")]
    assert summary.new == 300 + len(news) + 1 and settings.demo_note
    engine = open_store(settings.database_url)
    with engine.connect() as connection:
        dates = [a.published_at for a in articles.iterate(connection) if a.title != SEED_TITLE]
        made = {r["id"]: articles.get(connection, r["id"]) for r in news if r["id"][-2:] in ("-w", "-t", "-r")}
        events = [stories.of_article(connection, articles.get(connection, r["id"]).id) for r in news]
    engine.dispose()
    assert max(dates) <= now and now - max(dates) < timedelta(hours=1)
    assert sum(now - d <= timedelta(hours=24) for d in dates) >= 10
    assert any(now - d > timedelta(days=30) for d in dates)
    # the demo news: its events each one story of several outlets, within the month; its made copies reposts
    told = [s for s in events if s is not None and s.sources >= 2 and now - s.updated_at < timedelta(days=30)]
    assert len({s.id for s in told}) >= 6, [(s.title, s.size) for s in told]
    assert len(made) == 3
    with live_server(settings, FakeClock(now)) as (_server, client):
        assert "演示数据：发布时间与阅读数为固定种子合成" in client.get("/").text
        assert client.get("/api/hot").json()["items"]
        assert len(client.get("/api/stories", params={"window": "30d"}).json()["items"]) >= 6
        for guid, article in made.items():
            detail = client.get(f"/api/articles/{article.id}").json()["article"]
            assert detail["duplicate_of"] is not None, guid  # 首发于 on the rewrite that declares itself original
            original = client.get(f"/api/articles/{detail['duplicate_of']['id']}").json()["article"]
            assert article.id in [r["id"] for r in original["reposts"]]  # 另有 N 家转载 on its original


def test_commands_print_what_the_api_answers(web, store_url, store, clock):
    import json
    import subprocess
    import sys

    key = next(a.id for a in articles.iterate(store) if related_articles(store, a.id, limit=1))
    asked = {  # the same question to the API and to the command (the command's --at is the portal's clock)
        "/api/search?q=比赛&sort=relevance&page_size=3": ["search", "比赛", "--limit", "3", "--format", "json"],
        "/api/hot?window=7d&limit=5": [
            "hot",
            "--window",
            "7d",
            "--limit",
            "5",
            "--at",
            clock.now.isoformat(),
            "--format",
            "json",
        ],
        f"/api/articles/{key}/related": ["related", key, "--limit", str(RELATED_LIMIT)],
    }
    for path, args in asked.items():
        done = subprocess.run(
            [sys.executable, "-m", "zixun", "--db", store_url, *args], capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        answer = web.get(path).json()
        assert json.loads(done.stdout) == answer, path
        assert answer.get("hits") or answer.get("items") or answer.get("related"), path


def test_serve_command_serves_the_portal(tmp_path):
    import socket
    import subprocess
    import sys

    import httpx

    url = f"sqlite:///{tmp_path / 'zixun.db'}"
    fill_store(url)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "zixun", "serve", "--port", str(port), "--db", url]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/search", params={"q": "足球"}, timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, server.stdout.read().decode()
                time.sleep(0.2)
        assert response.status_code == 200 and "<mark>足球</mark>" in response.text
        assert httpx.get(f"http://127.0.0.1:{port}/openapi.json").json()["paths"]["/api/articles/{article_id}"]
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_pages_load_nothing_from_outside_the_machine(web, store):
    seed = _by_title(store, SEED_TITLE).id
    for path in ("/", f"/articles/{seed}", "/search?q=足球", "/hot", "/docs", "/no/such/page"):
        doc = lxml.html.fromstring(web.get(path).text)
        assets = doc.xpath("//link/@href | //script/@src | //img/@src | //iframe/@src | //source/@src")
        assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets), (path, assets)
        assert not doc.xpath("//script"), path  # and the pages need no JavaScript at all


def test_docs_page_lists_every_api_route_from_the_schema(web):
    spec = web.get("/openapi.json").json()
    doc = _page(web.get("/docs"))
    shown = {
        " ".join(h.split())
        for h in doc.xpath(
            "//section[contains(@class, 'docs')]/h2/text() | //section[contains(@class, 'docs')]/h2/code/text()"
        )
    }
    for path in spec["paths"]:
        assert path.startswith("/api/") and path in shown
    assert "ArticleItem" in doc.text_content()


def _until(fetch, done, seconds: float = 30):
    """fetch() again until done(result) or seconds pass; the last result."""
    deadline = time.monotonic() + seconds
    while not done(result := fetch()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return result


def _shown_views(html: str) -> int:
    return int(lxml.html.fromstring(html).xpath("string(//p[@class='counts']/span[1]/b)").replace(",", ""))


def test_article_pages_are_reassembled_after_their_lifetime_and_follow_changes(db_url, tmp_path):
    fill_store(db_url)
    engine = open_store(db_url)
    with engine.connect() as connection:
        article = _by_title(connection, SEED_TITLE)
    clock = FakeClock(SAMPLE_END + timedelta(days=3))
    settings = Settings(
        database_url=db_url,
        view_flush_seconds=0.05,
        hot_cache_seconds=30,
        warm_pages=False,
        trusted_proxies=["127.0.0.1"],
    )
    try:
        with live_server(settings, clock) as (server, client):
            path, cache = f"/articles/{article.id}", server.app.state.article_pages.parts

            addresses = {"one": "198.51.100.11", "two": "198.51.100.12", "four": "198.51.100.14"}

            def page(reader: str) -> str:  # each reader at an address of its own
                return client.get(path, headers={"user-agent": BROWSER, "x-forwarded-for": addresses[reader]}).text

            first = page("one")
            parts = cache.get(article.id)
            assert parts is not None and _shown_views(first) == article.views
            assert _wait_for_views(client, article.id, article.views + 1) == article.views + 1
            assert page("two") == first  # the assembled page is sent again while it is fresh
            assert _wait_for_views(client, article.id, article.views + 2) == article.views + 2
            clock.now += timedelta(seconds=31)

            def crawl() -> str:  # a bot's request: not a counted view, so the counters stay put
                return client.get(path, headers={"user-agent": BOT}).text

            assert crawl() == first  # expired less than a lifetime ago: sent while it is reassembled
            third = _until(crawl, lambda html: html != first)
            assert _shown_views(third) == article.views + 2  # reassembled with the current counters...
            assert cache.get(article.id) is parts  # ...from the same rendered text and 相关内容
            # re-ingested with an edited paragraph; the page is then too old to send: rendered for its reader
            edited = tmp_path / "seed-edited.txt"
            edited.write_text(
                SEED_PAGE.read_text(encoding="utf-8").replace("9月9日晚上", "9月9日深夜"), encoding="utf-8"
            )
            assert not pipeline.ingest_paths(engine, [edited], Settings(database_url=db_url, ingest_workers=1)).failed
            clock.now += timedelta(seconds=61)
            fourth = page("four")
            assert "9月9日深夜" in fourth and "9月9日晚上" not in fourth
            assert _shown_views(fourth) == article.views + 2
            assert cache.get(article.id) is not parts
    finally:
        engine.dispose()


def test_workers_warm_the_newest_pages_at_start_up(store_url, store):
    settings = Settings(database_url=store_url, page_cache_entries=5)
    with live_server(settings, FakeClock(SAMPLE_END + timedelta(days=3))) as (server, client):
        deadline = time.monotonic() + 60
        while (status := client.get("/api/status").json())["page_cache"]["warming"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert status["articles"] == articles.count(store)
        assert status["page_cache"] == {"entries": 5, "capacity": 5, "warming": False}
        newest = articles.recent(store, 5)
        assert all(server.app.state.article_pages.parts.get(a.id) is not None for a in newest)
    cold = Settings(database_url=store_url, warm_pages=False)
    with live_server(cold) as (_server, client):
        assert client.get("/api/status").json()["page_cache"] == {"entries": 0, "capacity": 20_000, "warming": False}


def test_highlight_escapes_the_text_and_marks_the_words():
    from zixun.web.render import highlight

    assert (
        str(highlight("<b>足球</b>比赛 & 足球", ["足球"]))
        == "&lt;b&gt;<mark>足球</mark>&lt;/b&gt;比赛 &amp; <mark>足球</mark>"
    )
    assert str(highlight("a<mark>", [])) == "a&lt;mark&gt;"
    assert str(highlight("Apple apple", ["apple"])) == "<mark>Apple</mark> <mark>apple</mark>"


def test_ttl_cache_keeps_values_for_its_lifetime_only():
    from zixun.web.cache import TTLCache

    calls = []
    kept, expired = TTLCache(60), TTLCache(0)
    for cache in (kept, expired):
        for _ in range(3):
            cache.get("k", lambda cache=cache: calls.append(cache) or len(calls))
    assert calls.count(kept) == 1 and calls.count(expired) == 3
    assert kept.peek("k") == 1 and expired.peek("k") is None


def test_ttl_cache_serves_the_old_value_while_one_thread_refreshes_it():
    import threading

    from zixun.web.cache import TTLCache

    cache, started, release = TTLCache(0.2), threading.Event(), threading.Event()

    def slow_refresh():
        started.set()
        release.wait(10)
        return "new"

    def no_reader_computes():
        raise AssertionError("a reader waited for the value")

    assert cache.get("k", lambda: "old") == "old"
    time.sleep(0.25)  # expired, but less than one lifetime ago
    assert cache.get("k", no_reader_computes, slow_refresh) == "old"
    assert started.wait(10)
    assert cache.get("k", no_reader_computes, slow_refresh) == "old"  # one refresh at a time
    release.set()
    deadline = time.monotonic() + 10
    while cache.peek("k") != "new" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert cache.get("k", no_reader_computes) == "new"
    time.sleep(0.45)  # expired more than one lifetime ago: too old to show, the reader computes
    assert cache.get("k", lambda: "newest", slow_refresh) == "newest"


def test_the_article_shell_is_cut_at_each_slot_once_and_fills_them_in_order():
    from zoneinfo import ZoneInfo

    from jinja2 import ChoiceLoader, DictLoader

    from zixun.web.fragments import Shell
    from zixun.web.render import Renderer

    renderer = Renderer(ZoneInfo("Asia/Shanghai"), demo_note=False)
    shell = Shell(renderer)
    fragments = {slot: f"<i>{slot}</i>".encode() for slot in Shell.SLOTS}
    page = shell.fill(fragments).decode("utf-8")
    assert page.startswith("<!doctype html>") and "\x00" not in page
    assert [
        page.index(f"<i>{slot}</i>")
        for slot in ("title", "feeds", "nav_html", "top", "counts", "body", "related", "hot")
    ] == sorted(page.index(f"<i>{slot}</i>") for slot in Shell.SLOTS)
    # a shell that drops a slot (say, an edited template without the hot list) is refused at start-up
    renderer.env.loader = ChoiceLoader([DictLoader({"article.html": "{{ title }}{{ top }}"}), renderer.env.loader])
    renderer.env.cache.clear()
    with pytest.raises(ValueError, match=r"article\.html must show each of"):
        Shell(renderer)


# --- one context, two renderings ----------------------------------------------------------------


def _texts(doc, xpath: str) -> list[str]:
    return [" ".join(str(t).split()) for t in doc.xpath(xpath)]


def _one(doc, xpath: str) -> str | None:
    found = doc.xpath(xpath)
    return str(found[0]) if found else None


def _count(doc, n: int) -> int:
    return int(doc.xpath(f"string(//p[@class='counts']/span[{n}]/b)").replace(",", ""))


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# where the article page shows each field of the API's article; a field added to ArticleDetail must be
# added here (shown, and how to read it from the page) or to _API_ONLY, so the two cannot drift apart
_PAGE_ARTICLE = {
    "id": lambda doc: _one(doc, "//form[@class='share']/@action").split("/")[2],
    "url": lambda doc: _one(doc, "//form[@class='share']/@action").removesuffix("/share"),
    "title": lambda doc: "".join(doc.xpath("//article//h1/text()")),
    "declared_original": lambda doc: bool(doc.xpath("//article//h1/span[@class='badge']")),
    "verified_original": lambda doc: bool(doc.xpath("//article//h1/span[@class='badge verified']")),
    "duplicate_of": lambda doc: _one(doc, "//p[contains(@class, 'first-published')]/a/@href"),
    "reposts": lambda doc: doc.xpath("//p[contains(@class, 'reposts')]/a/@href"),
    "story": lambda doc: _one(doc, "//p[@class='story-link']/a/@href"),
    "author": lambda doc: _one(doc, "//p[@class='meta']/a[@class='author']/text()"),
    "author_url": lambda doc: _one(doc, "//p[@class='meta']/a[@class='author']/@href"),
    "published_at": lambda doc: _moment(_one(doc, "//p[@class='meta']/time/@datetime")),
    "source": lambda doc: _one(doc, "//p[@class='meta']/span/a/text()"),
    "source_url": lambda doc: _one(doc, "//p[@class='meta']/span/a/@href"),
    "category": lambda doc: _one(doc, "//p[@class='meta']/a[@class='tag']/text()"),
    "category_url": lambda doc: _one(doc, "//p[@class='meta']/a[@class='tag']/@href"),
    "views": lambda doc: _count(doc, 1),
    "comments": lambda doc: _count(doc, 2),
    "shares": lambda doc: _count(doc, 3),
    "body": lambda doc: doc.xpath("//div[@class='body']/p/text()"),
    "keywords": lambda doc: doc.xpath("//p[@class='keywords']/a/text()"),
    "entities": lambda doc: [
        {
            "kind": a.get("class").split("entity-")[1],
            "name": a.text,
            "url": a.get("href"),
            "api_url": "/api" + a.get("href"),
        }
        for a in doc.xpath("//p[@class='entities']/a")
    ],
}
_API_ONLY = {"guid", "api_url", "summary", "original_url"}
_HOT_WINDOWS = {"24 小时": "24h", "7 天": "7d"}
# the same for the rest of the API's article page
_PAGE = {
    "article": lambda doc: {name: read(doc) for name, read in _PAGE_ARTICLE.items()},
    "age_note": lambda doc: _one(doc, "//p[@class='age-note']/text()"),
    "related": lambda doc: [
        (
            li.xpath("string(a/@href)").rsplit("/", 1)[1],
            li.xpath("string(a/@title)"),
            li.xpath("string(p/span[@class='reasons'])"),
        )
        for li in doc.xpath("//ul[@class='related-list']/li")
    ],
    "hot_window": lambda doc: _HOT_WINDOWS[doc.xpath("string(//aside//h2/small)")],
    "hot": lambda doc: list(
        zip(
            _texts(doc, "//aside//ol[@class='hot-list']/li/span/text()"),
            [h.rsplit("/", 1)[1] for h in doc.xpath("//aside//ol[@class='hot-list']/li/div/a/@href")],
            _texts(doc, "//aside//p[@class='why']/text()"),
            strict=True,
        )
    ),
}


def _as_page_shows(api: dict) -> dict:
    """What the article page should show of an API answer, in the shape _PAGE reads it."""
    article = {name: api["article"][name] for name in _PAGE_ARTICLE}
    article["published_at"] = _moment(article["published_at"])
    article["duplicate_of"] = article["duplicate_of"] and article["duplicate_of"]["url"]  # the page links it
    article["reposts"] = [copy["url"] for copy in article["reposts"]]
    article["story"] = article["story"] and article["story"]["url"]  # the page links it
    note = api["age_note"] and f"{api['age_note']}，文中信息可能已有变化。"
    related = [(r["article"]["id"], r["article"]["title"], " · ".join(r["reasons"])) for r in api["related"]]
    hot = [(str(h["rank"]), h["article"]["id"], h["explanation"]) for h in api["hot"]]
    return {"article": article, "age_note": note, "related": related, "hot_window": api["hot_window"], "hot": hot}


def _page_and_api(web, key: str) -> tuple[dict, dict]:
    """What the HTML page and the API show of key, read while no counter moved between them."""
    for _ in range(5):
        before = web.get(f"/api/articles/{quote(key, safe='')}").json()
        doc = _page(web.get(f"/articles/{quote(key, safe='')}", headers={"user-agent": BOT}))  # no view counted
        after = web.get(f"/api/articles/{quote(key, safe='')}").json()
        if before == after:
            break
    assert doc.xpath("string(//title)") == f"{after['article']['title']} · 资讯"
    return {name: read(doc) for name, read in _PAGE.items()}, after


def test_article_page_and_api_show_the_same_facts_of_one_context(web, store, clock):
    from zixun.schemas import ArticleDetail, ArticlePage

    # every field of the API's article page is either read back from the HTML page or named API-only
    assert set(ArticlePage.model_fields) == set(_PAGE)
    assert set(ArticleDetail.model_fields) == set(_PAGE_ARTICLE) | _API_ONLY
    seed, orphan = _by_title(store, SEED_TITLE), _by_title(store, ORPHAN_TITLE)
    with_related = [a.id for a in articles.iterate(store) if related_articles(store, a.id, limit=1)][:4]
    keys = [seed.id, seed.guid, orphan.id, *with_related]
    try:
        for moved in (timedelta(0), timedelta(days=100)):  # with the hot list, then with an age note
            clock.now = SAMPLE_END + moved
            for key in keys:
                shown, api = _page_and_api(web, key)
                assert shown == _as_page_shows(api), key
                assert (api["age_note"] is not None) == (moved > timedelta(0) and key != seed.id and key != seed.guid)
            assert api["hot"] or moved
    finally:
        clock.now = SAMPLE_END
