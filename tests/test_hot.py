"""Hot ranking with a fake clock: decay, 24 h / 7 d windows, bot and repeat-view filtering, categories."""

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from zixun import pipeline
from zixun.rank.hot import hot_articles, hot_score
from zixun.store import articles, writing
from zixun.store.engagement import record_comment, record_share, record_view, record_views

NOW = datetime(2018, 11, 10, 12, 0, tzinfo=UTC)
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
ARTICLES = [  # guid, category, hours before NOW it was published
    ("a-sport-new", "体育", 2),
    ("b-sport-old", "体育", 20),
    ("c-tech", "科技", 3),
    ("d-tech-old", "科技", 60),
]
# four unrelated events, so each article is an entry of its own (the hot list ranks stories)
TEXTS = {
    "a-sport-new": ("火箭客场击败勇士", "哈登砍下35分，火箭在奥克兰以112比105击败勇士。"),
    "b-sport-old": ("国足热身赛战平叙利亚", "里皮执教的国足在热身赛中与叙利亚1比1战平。"),
    "c-tech": ("华为发布新款笔记本电脑", "华为在深圳发布会上推出了搭载新处理器的轻薄笔记本。"),
    "d-tech-old": ("苹果下调季度营收预期", "苹果公司表示，由于手机销量不及预期，下调了本季度营收预期。"),
}


@pytest.fixture
def stored(engine, settings, tmp_path):
    path = tmp_path / "hot.jsonl"
    lines = [
        json.dumps(
            {
                "id": guid,
                "title": TEXTS[guid][0],
                "body": TEXTS[guid][1],
                "category": cat,
                "published_at": (NOW - timedelta(hours=hours)).isoformat(),
            },
            ensure_ascii=False,
        )
        for guid, cat, hours in ARTICLES
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    pipeline.ingest_paths(engine, [path], settings)
    return engine


def _views(engine, guid, count, at, prefix="client"):
    with engine.begin() as connection:
        return [record_view(connection, articles.article_id(guid), f"{prefix}{i}", BROWSER, at) for i in range(count)]


def test_a_batch_counts_what_one_by_one_recording_counts(stored):
    a, c = articles.article_id("a-sport-new"), articles.article_id("c-tech")
    hours = [3, 2.9, 1.95, 1.9, 0.5, 0.1]  # for one reader: counted at 3, 1.95, 0.5 hours before NOW
    views = [(a, "reader", BROWSER, NOW - timedelta(hours=h)) for h in reversed(hours)]  # out of order
    views += [(c, "reader", BROWSER, NOW), (c, "bot", "curl/8.0", NOW), ("no-such-id", "reader", BROWSER, NOW)]
    with writing(stored) as connection:
        counted = record_views(connection, views)
    assert counted == [False, True, False, True, False, True] + [True, False, False]
    with writing(stored) as connection:  # the hour is measured from the last counted view, across batches
        assert record_views(connection, [(a, "reader", BROWSER, NOW + timedelta(minutes=29))]) == [False]
        assert record_views(connection, [(a, "reader", BROWSER, NOW + timedelta(minutes=31))]) == [True]
    views_of = {i.article.guid: i.views for i in _hot(stored, window="7d", now_at=NOW + timedelta(hours=1))}
    assert views_of == {"a-sport-new": 4, "c-tech": 1}


def test_concurrent_view_writers_lose_nothing(stored):
    """Several writers at once (as uvicorn workers are) wait for each other instead of failing."""
    article = articles.article_id("c-tech")
    errors = []

    def write(worker: int) -> None:
        try:
            for batch in range(5):
                with writing(stored) as connection:
                    connection.execute(sa.select(1)).all()  # a read first: SQLite's lock upgrade case
                    record_views(connection, [(article, f"w{worker}-{batch}-{i}", BROWSER, NOW) for i in range(20)])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    (item,) = _hot(stored)
    assert item.views == 4 * 5 * 20


def _hot(engine, now_at=NOW, **kwargs):
    with engine.connect() as connection:
        return hot_articles(connection, now=now_at, **kwargs)


def test_score_decays_with_age_and_grows_with_engagement():
    assert hot_score(100, 0, 0, 1) > hot_score(100, 0, 0, 5) > hot_score(100, 0, 0, 50)
    assert hot_score(200, 0, 0, 5) > hot_score(100, 0, 0, 5)
    assert hot_score(100, 5, 1, 5) > hot_score(100, 0, 0, 5)


def test_comment_points_are_capped_so_a_flame_war_does_not_win():
    assert hot_score(10, 1000, 0, 3) == hot_score(10, 7, 0, 3)  # cap: 0.2 * 10 views + 5


def test_same_views_newer_article_ranks_higher(stored):
    _views(stored, "a-sport-new", 10, NOW - timedelta(minutes=30))
    _views(stored, "b-sport-old", 10, NOW - timedelta(minutes=30))
    items = _hot(stored)
    assert [i.article.guid for i in items] == ["a-sport-new", "b-sport-old"]
    assert items[0].score > items[1].score and items[0].views == items[1].views == 10


def test_windows_count_only_their_engagement(stored):
    _views(stored, "d-tech-old", 50, NOW - timedelta(hours=30))
    _views(stored, "c-tech", 3, NOW - timedelta(hours=1))
    day = {i.article.guid: i.views for i in _hot(stored, window="24h")}
    week = {i.article.guid: i.views for i in _hot(stored, window="7d")}
    assert day == {"c-tech": 3}
    assert week == {"c-tech": 3, "d-tech-old": 50}
    with pytest.raises(ValueError, match="window must be one of 24h, 7d"):
        _hot(stored, window="1y")


def test_bots_and_repeat_views_within_an_hour_are_not_counted(stored):
    article = articles.article_id("c-tech")
    with stored.begin() as connection:
        assert (
            record_view(connection, article, "reader", "Googlebot/2.1 (+http://www.google.com/bot.html)", NOW) is False
        )
        assert record_view(connection, article, "reader", "", NOW) is False
        assert record_view(connection, article, "reader", BROWSER, NOW - timedelta(hours=3)) is True
        assert record_view(connection, article, "reader", BROWSER, NOW - timedelta(hours=2, minutes=1)) is False
        assert record_view(connection, article, "reader", BROWSER, NOW - timedelta(hours=1, minutes=59)) is True
        assert record_view(connection, article, "other", BROWSER, NOW - timedelta(hours=1, minutes=59)) is True
    (item,) = _hot(stored)
    assert item.views == 3 and item.article.views == 3


def test_lists_per_category(stored):
    _views(stored, "a-sport-new", 2, NOW - timedelta(hours=1))
    _views(stored, "c-tech", 5, NOW - timedelta(hours=1))
    assert [i.article.guid for i in _hot(stored, category="体育")] == ["a-sport-new"]
    assert [i.article.guid for i in _hot(stored, category="科技")] == ["c-tech"]
    assert _hot(stored, category="娱乐") == []


def test_explanation_states_the_figures(stored):
    _views(stored, "a-sport-new", 1234, NOW - timedelta(minutes=10))
    article = articles.article_id("a-sport-new")
    with stored.begin() as connection:
        for _ in range(56):
            record_comment(connection, article, NOW - timedelta(minutes=5))
        record_share(connection, article, NOW - timedelta(minutes=5))
    (item,) = _hot(stored)
    assert (item.views, item.comments, item.shares) == (1234, 56, 1)
    assert item.explanation == "24小时内 1,234 次阅读 · 56 条评论 · 1 次分享 · 发布 2 小时"


def test_unknown_article_is_refused(stored):
    with stored.begin() as connection, pytest.raises(LookupError, match="no article with id 'nope'"):
        record_share(connection, "nope", NOW)


def test_ingested_counters_count_at_publish_time(engine, settings, tmp_path):
    path = tmp_path / "counted.jsonl"
    record = {
        "id": "feed-1",
        "title": "有阅读数的文章",
        "body": "正文。",
        "category": "科技",
        "views": 900,
        "comments": 12,
        "published_at": (NOW - timedelta(hours=5)).isoformat(),
    }
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    pipeline.ingest_paths(engine, [path], settings)
    pipeline.ingest_paths(engine, [path], settings)  # a second run must not count them again
    (item,) = _hot(engine)
    assert (item.views, item.comments) == (900, 12)
    assert _hot(engine, window="24h") and not _hot(engine, now_at=NOW + timedelta(days=2))
