"""Near-duplicates at ingest, on SQLite and PostgreSQL: reposts found across sources and spellings, the
earliest published copy is the original whatever the arrival order, and groups are decided again when a
member arrives, changes or is deleted."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import opencc
import pytest
import sqlalchemy as sa

from tests.conftest import ROOT
from tests.test_cli import zixun
from tests.test_migrations import _downgrade
from tests.test_stories import _deletes_of, _plan
from zixun import pipeline
from zixun.dedup import groups
from zixun.models import Extracted
from zixun.store import articles, duplicates, migrate, schema, writing
from zixun.text import fingerprint

SAMPLE = {r["id"]: r for r in map(json.loads, (ROOT / "zixun" / "data" / "sample.jsonl").open(encoding="utf-8"))}
BY_TITLE = {r["title"]: r for r in SAMPLE.values()}
STORY = BY_TITLE["金庸曾唤记者“小师妹” 谈吐风趣举止温文尔雅"]
SAME_EVENT = BY_TITLE['金庸祖籍地举行追思会 查氏子孙齐聚缅怀"查大侠"']  # the same death, written independently
T0 = datetime(2018, 10, 31, 8, tzinfo=UTC)


def article(guid: str, body: str, *, title: str = "标题", source: str = "新华社", hours: float = 0) -> Extracted:
    """An extracted article published hours after T0."""
    return Extracted(
        path="test",
        title=title,
        body=[p for p in body.split("\n") if p.strip()],
        guid=guid,
        source=source,
        published_at=T0 + timedelta(hours=hours),
    )


def ingest(engine, settings, *found: Extracted) -> None:
    pipeline.ingest_records(engine, list(found), settings)


def originals(engine) -> dict[str, str]:
    """{repost guid: original guid} as stored."""
    with engine.connect() as connection:
        return duplicates.duplicate_guids(connection)


def wrapped(body: str) -> str:
    return f"来源：新华社\n原标题：金庸逝世\n{body}\n（责任编辑：张伟）\n声明：本文转载自新华社，版权归原作者所有。\n相关阅读\n另一篇文章的标题"


def test_reposts_of_every_kind_are_found_and_the_same_event_written_independently_is_not(engine, settings):
    body = STORY["body"]
    sentences = body.split("。")
    heavy = "。".join(s for i, s in enumerate(sentences) if i % 5 != 2)  # a fifth of the sentences dropped
    ingest(
        engine,
        settings,
        article("wire", body, hours=0),
        article("big5", opencc.OpenCC("s2t").convert(body), source="蘋果日報", hours=1),
        article("heavy", heavy, title="重磅！金庸其人", source="网易", hours=2),
        article("excerpt", "。".join(sentences[: len(sentences) // 2 + 1]), source="搜狐", hours=3),
        article("wrapped", wrapped(body), source="头条号", hours=4),
        article("independent", SAME_EVENT["body"], source="澎湃新闻", hours=5),
    )
    assert originals(engine) == dict.fromkeys(("big5", "heavy", "excerpt", "wrapped"), "wire")


def test_a_repost_ingested_before_its_original_is_decided_again_when_the_original_arrives(engine, settings):
    ingest(engine, settings, article("repost", wrapped(STORY["body"]), source="头条号", hours=6))
    assert originals(engine) == {}
    ingest(engine, settings, article("wire", STORY["body"], hours=0))
    assert originals(engine) == {"repost": "wire"}
    with engine.connect() as connection:
        repost, wire = articles.get(connection, "repost"), articles.get(connection, "wire")
        original, share = duplicates.decision_of(connection, repost.id)
        assert original == wire.id and share > 0.95
        assert duplicates.reposts_of(connection, wire.id) == [(repost.id, share)]
        assert duplicates.original_of(connection, [repost.id, wire.id]) == {repost.id: wire.id, wire.id: wire.id}


def test_an_article_copied_under_a_new_guid_at_the_same_time_is_ordered_by_source_then_guid(engine, settings):
    ingest(
        engine,
        settings,
        article("b-guid", STORY["body"], source="新华社"),
        article("a-guid", STORY["body"], source="新华社"),
        article("other", STORY["body"], source="人民网"),  # 人民网 sorts before 新华社
    )
    assert originals(engine) == {"a-guid": "other", "b-guid": "other"}


def test_two_reposts_published_at_the_same_time_both_point_at_the_original(engine, settings):
    ingest(
        engine,
        settings,
        article("one", wrapped(STORY["body"]), source="网易", hours=3),
        article("two", wrapped(STORY["body"]), source="搜狐", hours=3),
        article("wire", STORY["body"], hours=0),
    )
    assert originals(engine) == {"one": "wire", "two": "wire"}


def test_when_the_original_is_deleted_the_earliest_remaining_copy_becomes_the_original(engine, settings):
    ingest(
        engine,
        settings,
        article("wire", STORY["body"], hours=0),
        article("first-repost", wrapped(STORY["body"]), source="网易", hours=1),
        article("second-repost", wrapped(STORY["body"]), source="搜狐", hours=2),
    )
    with writing(engine) as connection:
        articles.delete(connection, [articles.article_id("wire")])
    groups.refresh(engine)
    assert originals(engine) == {"second-repost": "first-repost"}


def test_when_the_original_is_rewritten_into_another_text_its_reposts_form_their_own_group(engine, settings):
    ingest(
        engine,
        settings,
        article("wire", STORY["body"], hours=0),
        article("first-repost", wrapped(STORY["body"]), source="网易", hours=1),
        article("second-repost", wrapped(STORY["body"]), source="搜狐", hours=2),
    )
    ingest(engine, settings, article("wire", SAME_EVENT["body"], hours=0))  # the same guid, another text
    assert originals(engine) == {"second-repost": "first-repost"}
    wire = articles.article_id("wire")
    with engine.connect() as connection:  # its pairs are gone both ways (each pair is kept both ways)
        pairs = schema.duplicate_pairs.c
        either = sa.or_(pairs.article_id == wire, pairs.other_id == wire)
        assert connection.execute(sa.select(sa.func.count()).where(either)).scalar() == 0
    # forgetting finds the other way of its pairs by the primary key, not by a scan of every pair for other_id
    deletes = _deletes_of(
        engine, lambda connection: duplicates.forget(connection, [articles.article_id("first-repost")])
    )
    if engine.dialect.name == "sqlite":  # PostgreSQL scans a table of a few rows whatever its indexes
        with engine.connect() as connection:
            plans = " ".join(_plan(connection, statement, parameters) for statement, parameters in deletes)
        assert "duplicate_pairs" in plans and "SCAN duplicate_pairs" not in plans, plans
    ingest(engine, settings, article("wire", STORY["body"], hours=0))  # and back
    assert originals(engine) == {"first-repost": "wire", "second-repost": "wire"}


def test_short_texts_are_not_fingerprinted(engine, settings):
    ingest(engine, settings, article("a", "金庸逝世，享年94岁。"), article("b", "金庸逝世，享年94岁。", hours=1))
    assert originals(engine) == {}
    assert fingerprint.band_keys(fingerprint.shingles(fingerprint.text_of("金庸逝世，享年94岁。"))) == []


def test_reindex_and_a_store_migrated_from_before_duplicates_find_the_same_groups(engine, settings):
    ingest(
        engine,
        settings,
        article("repost", wrapped(STORY["body"]), source="网易", hours=1),
        article("wire", STORY["body"], hours=0),
    )
    _downgrade(engine, "0011")  # the schema before duplicates: their tables go, the articles stay
    migrate(engine)
    with engine.connect() as connection:
        assert articles.count(connection) == 2 and len(duplicates.pending(connection)) == 2
    assert originals(engine) == {}
    pipeline.reindex(engine, settings)
    assert originals(engine) == {"repost": "wire"}


@pytest.mark.parametrize(
    "wrapper",
    [
        "来源：人民网",
        "原标题：别的标题",
        "【责任编辑：李娜】",
        "声明：本文版权归原作者所有",
        "编辑 | 王芳",
        "(责任编辑:张三)",
    ],
)
def test_wrapper_lines_are_not_compared_text(wrapper):
    assert fingerprint.text_of(f"{wrapper}\n正文第一段。") == "正文第一段"


def test_a_related_reading_footer_and_style_rules_are_not_compared_text():
    body = ".tech-con p{margin:0;}正文第一段。\n相关阅读\n另一篇文章的标题"
    assert fingerprint.text_of(body) == "正文第一段"


def test_export_gives_each_article_its_duplicate_of_and_reindex_keeps_it(db_url, seed_page):
    wire = ROOT / "tests" / "data" / "duplicates" / "seed_wire.jsonl"
    assert zixun("ingest", str(seed_page), str(wire), db=db_url).returncode == 0

    def exported() -> dict[str, str | None]:
        done = zixun("export", "--format", "jsonl", db=db_url)
        assert done.returncode == 0, done.stderr
        return {r["source"] or r["author"]: r["duplicate_of"] for r in map(json.loads, done.stdout.splitlines())}

    assert exported() == {"环球时报": None, "创始人": "wire:seed-2025-09-12"}
    done = zixun("reindex", db=db_url)
    assert done.returncode == 0 and "re-indexed 2 articles" in done.stdout
    assert exported() == {"环球时报": None, "创始人": "wire:seed-2025-09-12"}
