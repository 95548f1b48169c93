"""Related content: truly related (quality gate on held-out real news), never itself or a copy, [] rather
than filler, and older lists refreshed when new articles arrive; on SQLite and PostgreSQL."""

import json
import os
import random
from pathlib import Path

import pytest
from conftest import SHARED

from zixun import pipeline
from zixun.evaluate.related import related_quality, split_of
from zixun.rank.related import related_articles
from zixun.settings import Settings
from zixun.store import open_store, related_lists

SAMPLE = Path(__file__).resolve().parents[1] / "zixun" / "data" / "sample.jsonl"
RECORDS = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
HELD_OUT_SIZE, SEED = 2500, 20181115
# measured on this held-out sample: precision@5 0.937, coverage 0.961 (tuning used the dev split only); since issue 9
# a list puts its story's other coverage first, some of it filed under another category: 0.921 / 0.971 at b38273b
# (stop 30), 0.920 / 0.971 once a headline's names were found by any of their forms (4ae3fec: 詹皇 names 詹姆斯, 上港
# 上海上港; 87 of 2,500 lists changed, 33 more items, 10 more of another category, the changes read: one player's or
# club's other pieces). The floors sit a little below, so a real regression fails and run-to-run noise does not
PRECISION_FLOOR, COVERAGE_FLOOR = 0.91, 0.94


def _held_out_sample() -> list[str]:
    files = sorted((SHARED / "data").glob("dev_news_2018_*.jsonl"))
    if not files:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the dev corpus is missing from {SHARED / 'data'}")
        pytest.skip(f"the dev corpus ({SHARED / 'data'}) is absent on this machine")
    lines = [line for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    held_out = [line for line in lines if split_of(json.loads(line)["id"]) == "heldout"]
    return random.Random(SEED).sample(held_out, HELD_OUT_SIZE)


@pytest.mark.slow
def test_related_quality_on_held_out_news_does_not_drop(tmp_path):
    data = tmp_path / "heldout.jsonl"
    data.write_text("\n".join(_held_out_sample()), encoding="utf-8")
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'q.db'}")
    engine = open_store(settings.database_url)
    pipeline.ingest_paths(engine, [data], settings)
    with engine.connect() as connection:
        quality = related_quality(connection, k=5)
    engine.dispose()
    assert quality.articles == HELD_OUT_SIZE
    assert quality.precision >= PRECISION_FLOOR, quality.line()
    assert quality.coverage >= COVERAGE_FLOOR, quality.line()


def _write(tmp_path, name, records) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    return path


def _related_guids(engine, guid, limit=10) -> list[str]:
    with engine.connect() as connection:
        return [r.article.guid for r in related_articles(connection, guid, limit)]


def test_related_never_holds_the_article_or_a_copy(engine, settings, tmp_path):
    original = RECORDS[0]
    copy = dict(original, id="copy-of-0")  # another outlet's exact repost
    near = dict(
        original, id="near-copy-of-0", title=original["title"] + "（转载）", body=original["body"].replace("，", ",", 3)
    )
    pipeline.ingest_paths(engine, [_write(tmp_path, "a.jsonl", RECORDS + [copy, near])], settings)
    family = {original["id"], copy["id"], near["id"]}
    for guid in family:
        assert not family & set(_related_guids(engine, guid)), guid
    with engine.connect() as connection:
        for guid, related in related_lists.all_lists(connection):
            assert guid not in related and len(related) == len(set(related))


def test_article_without_a_real_neighbour_gets_nothing(engine, settings, tmp_path):
    lonely = {
        "id": "lonely",
        "title": "量子色动力学中的胶子禁闭",
        "category": "科技",
        "body": "格点量子色动力学计算表明，夸克与胶子在低能标下被禁闭于强子之内，渐近自由则在高能标成立。",
    }
    pipeline.ingest_paths(engine, [_write(tmp_path, "b.jsonl", RECORDS + [lonely])], settings)
    assert _related_guids(engine, "lonely") == []
    # and the sample's own articles mostly do have neighbours (the threshold is not simply too high)
    with engine.connect() as connection:
        assert related_quality(connection).coverage > 0.5


def test_a_new_article_enters_older_lists(engine, settings, tmp_path):
    pipeline.ingest_paths(engine, [_write(tmp_path, "c.jsonl", RECORDS)], settings)
    target = next(r for r in RECORDS if len(r["body"]) > 1200)
    half = target["body"][: len(target["body"]) // 2]
    follow_up = {
        "id": "follow-up",
        "title": "追踪：" + target["title"][:8],
        "category": target["category"],
        "body": half + "\n" + RECORDS[1]["body"][:300],
    }
    before = _related_guids(engine, target["id"])
    pipeline.ingest_paths(engine, [_write(tmp_path, "d.jsonl", [follow_up])], settings)
    assert "follow-up" not in before
    # stored lists, as computed: half of the target is an excerpt of it (a repost), which pages leave out
    stored = _all_lists(engine)
    assert stored[target["id"]][0] == "follow-up"
    assert target["id"] in stored["follow-up"]


def test_unknown_article_has_no_related(engine):
    with engine.connect() as connection:
        assert related_articles(connection, "no-such-id") == []


def _all_lists(engine) -> dict[str, list[str]]:
    with engine.connect() as connection:
        return dict(related_lists.all_lists(connection))


def test_lists_do_not_depend_on_block_sizes(engine, settings, tmp_path, monkeypatch):
    """The corpus is scored in blocks (rank/corpus.py) to bound memory: tiny blocks, query blocks that
    straddle corpus blocks, and a second ingest whose new articles enter older lists give the lists that
    one block over everything gives."""
    from zixun.rank import corpus, related

    first, second = _write(tmp_path, "e.jsonl", RECORDS[:200]), _write(tmp_path, "f.jsonl", RECORDS[200:])
    whole = Settings(database_url=f"sqlite:///{tmp_path / 'whole.db'}")
    reference = open_store(whole.database_url)
    monkeypatch.setattr(corpus, "BLOCK_ROWS", 10_000)
    monkeypatch.setattr(related, "QUERY_ROWS", 10_000)
    for path in (first, second):
        pipeline.ingest_paths(reference, [path], whole)
    expected = _all_lists(reference)
    reference.dispose()

    monkeypatch.setattr(corpus, "BLOCK_ROWS", 7)
    monkeypatch.setattr(related, "QUERY_ROWS", 5)
    for path in (first, second):
        pipeline.ingest_paths(engine, [path], settings)
    assert sum(map(len, expected.values())) > len(RECORDS) // 2  # lists that can differ
    assert _all_lists(engine) == expected
