"""Search and hot lists show one entry per duplicate group, on SQLite and PostgreSQL: a story and its reposts
(real sample text, edited as reposts are) are one hit, its original, with totals, pages and category
counts that agree; the marker follows the group when an earlier copy arrives, the original is deleted or
rewritten, and after a migration; the hot list sums a group's engagement under its original; the API and
the command line give the same page."""

from __future__ import annotations

import json
from datetime import timedelta

import opencc

from tests.conftest import ROOT
from tests.test_cli import zixun
from tests.test_duplicates import SAME_EVENT, SAMPLE, STORY, T0, article, ingest, wrapped
from tests.test_duplicates_web import SEED_TITLE
from tests.test_migrations import _downgrade
from tests.web_server import FakeClock, fill_store, live_server
from zixun.dedup import groups
from zixun.rank.hot import hot_articles
from zixun.search.query import Filters, search
from zixun.settings import Settings
from zixun.store import articles, facets, migrate, writing
from zixun.text.segment import segmenter

QUERY = "金庸 小师妹"  # in the story and every copy of it, not in the same event written independently
SENTENCES = STORY["body"].split("。")
HEAVY = "。".join(s for i, s in enumerate(SENTENCES) if i % 5 != 2)  # a fifth of the sentences dropped
OTHER = next(r for r in SAMPLE.values() if "金庸" not in r["body"] and len(r["body"]) > 500)  # another story


def _copies(engine, settings, **views):
    """The story on the wire, two reposts of it (wrapped; traditional and cut) and the same event written
    independently; views: {guid: views} ingested with them."""

    def made(guid, body, category, **kwargs):
        found = article(guid, body, **kwargs)
        found.category, found.views = category, views.get(guid)
        return found

    ingest(
        engine,
        settings,
        made("wire", STORY["body"], "文化", hours=0),
        made("wrapped", wrapped(STORY["body"]), "娱乐", source="头条号", hours=1),
        made("big5", opencc.OpenCC("s2t").convert(HEAVY), "文化", source="蘋果日報", hours=2),
        made("independent", SAME_EVENT["body"] + "\n" + "金庸曾唤记者小师妹。", "文化", source="澎湃新闻", hours=3),
    )


def _found(engine, query=QUERY, limit=50, **kwargs) -> tuple[list[str], int]:
    with engine.connect() as connection:
        result = search(connection, segmenter(), query, limit=limit, **kwargs)
    return [hit.article.guid for hit in result.hits], result.total


def _grouped(engine, query=QUERY, **kwargs) -> tuple[list[str], int]:
    hits, total = _found(engine, query, **kwargs)
    return sorted(hits), total


def test_an_original_and_its_two_reposts_are_one_hit_with_totals_pages_and_counts_that_agree(engine, settings):
    _copies(engine, settings)
    everything, total = _found(engine, filters=Filters(reposts=True))
    assert sorted(everything) == ["big5", "independent", "wire", "wrapped"] and total == 4  # all of them match
    for sort in ("relevance", "newest"):
        hits, total = _found(engine, sort=sort)
        assert sorted(hits) == ["independent", "wire"] and total == 2, sort
        paged = [_found(engine, limit=1, offset=offset, sort=sort)[0] for offset in range(3)]
        assert sorted(guid for page in paged for guid in page) == ["independent", "wire"] and paged[2] == []
    assert _grouped(engine, "标题") == (["independent", "wire"], 2)  # every title: exact title matches, reposts out
    # a category holds the group where its original is: 娱乐 has only a repost
    assert _grouped(engine, filters=Filters(category="文化")) == (["independent", "wire"], 2)
    assert _found(engine, filters=Filters(category="娱乐")) == ([], 0)
    assert _found(engine, filters=Filters(source="头条号")) == ([], 0)
    assert _found(engine, filters=Filters(category="娱乐", reposts=True)) == (["wrapped"], 1)
    since, until = T0 + timedelta(minutes=30), T0 + timedelta(hours=5)  # the reposts' and the independent's hours
    assert _found(engine, filters=Filters(since=since, until=until)) == (["independent"], 1)
    with engine.connect() as connection:
        assert dict(facets.categories(connection)) == {"文化": 2}  # groups, as the category's list shows them
        assert sum(n for _, n in facets.sources(connection)) == 4  # a source's own list shows its reposts


def test_a_repost_stored_before_its_original_is_listed_until_the_original_arrives(engine, settings):
    ingest(engine, settings, article("wrapped", wrapped(STORY["body"]), source="头条号", hours=6))
    assert _found(engine) == (["wrapped"], 1)  # no original yet: the copy stands alone
    ingest(engine, settings, article("wire", STORY["body"], hours=0))
    assert _found(engine) == (["wire"], 1)
    assert _found(engine, sort="newest") == (["wire"], 1)


def test_when_the_original_is_deleted_the_earliest_remaining_copy_is_listed(engine, settings):
    _copies(engine, settings)
    with writing(engine) as connection:
        articles.delete(connection, [articles.article_id("wire")])
    groups.refresh(engine)
    assert _grouped(engine) == (["independent", "wrapped"], 2)


def test_when_the_original_is_rewritten_its_reposts_are_listed_as_their_own_group(engine, settings):
    _copies(engine, settings)
    ingest(engine, settings, article("wire", OTHER["body"], hours=0))  # the same guid, another text
    assert _grouped(engine) == (["independent", "wrapped"], 2)
    ingest(engine, settings, article("wire", STORY["body"], hours=0))  # and back
    assert _grouped(engine) == (["independent", "wire"], 2)


def test_a_store_migrated_from_before_the_marker_keeps_its_articles_and_lists_one_entry_per_group(engine, settings):
    _copies(engine, settings)
    _downgrade(engine, "0012")  # the schema before the marker: duplicates decided, no marker
    migrate(engine)
    assert _grouped(engine) == (["independent", "wire"], 2)
    with engine.connect() as connection:
        assert articles.count(connection) == 4


def test_the_hot_list_counts_a_groups_engagement_for_its_original(engine, settings):
    _copies(engine, settings, wire=100, wrapped=300, big5=50, independent=200)
    with engine.connect() as connection:
        hot = hot_articles(connection, window="7d", now=T0 + timedelta(hours=6), limit=10)
        category = hot_articles(connection, window="7d", category="娱乐", now=T0 + timedelta(hours=6), limit=10)
    assert [(item.article.guid, item.views) for item in hot] == [("wire", 450), ("independent", 200)]
    assert category == []  # the group's original is of 文化


def test_the_api_and_the_command_line_give_the_same_page(tmp_path, db_url):
    wire = json.loads((ROOT / "tests" / "data" / "duplicates" / "seed_wire.jsonl").read_text(encoding="utf-8"))
    copies = [
        {**wire, "id": "copy:wrapped", "source": "头条号", "published_at": "2025-09-13T08:00:00+08:00"}
        | {"body": "来源：环球时报\n" + wire["body"] + "\n（责任编辑：张伟）"},
        {**wire, "id": "copy:big5", "source": "蘋果日報", "published_at": "2025-09-13T09:00:00+08:00"}
        | {"body": opencc.OpenCC("s2t").convert(wire["body"]), "title": "中美防長、外長接連通話"},
    ]
    extra = tmp_path / "copies.jsonl"
    extra.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in copies), encoding="utf-8")
    fill_store(db_url, [ROOT / "tests" / "data" / "duplicates" / "seed_wire.jsonl", extra])  # and the seed page
    query = "赫格塞思 董军"
    done = zixun("search", query, "--limit", "5", "--format", "json", db=db_url)
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    with live_server(Settings(database_url=db_url), FakeClock()) as (_server, client):
        answered = client.get("/api/search", params={"q": query, "sort": "relevance", "page_size": 5}).json()
    assert printed == answered
    guids = [hit["article"]["guid"] for hit in answered["hits"]]
    # the wire version is the original of the seed page and both copies: one hit
    assert guids.count(wire["id"]) == 1 and not {"copy:wrapped", "copy:big5"} & set(guids)
    assert SEED_TITLE not in [hit["article"]["title"] for hit in answered["hits"]]
    assert answered["total"] == len(guids)
