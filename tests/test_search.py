"""Search over the same tokens on SQLite FTS5 and PostgreSQL tsvector: same matches, sensible ranking."""
import json
from pathlib import Path

import pytest

from zixun import pipeline
from zixun.search.query import Filters, query_phrases, search
from zixun.settings import Settings
from zixun.store import open_store
from zixun.text.segment import segmenter

from conftest import postgres_schema_url

SAMPLE = Path(__file__).resolve().parents[1] / "zixun" / "data" / "sample.jsonl"
RECORDS = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
QUERIES = ["手机", "比赛", "学生 考试", "詹姆斯", "苹果", "健康", "电影 票房", "中国", "5g", "阿里巴巴"]


@pytest.fixture
def loaded(engine, settings):
    pipeline.ingest_paths(engine, [SAMPLE], settings)
    return engine


def _search(engine, query, **kwargs):
    with engine.connect() as connection:
        return search(connection, segmenter(), query, **kwargs)


def test_two_character_words_are_found(loaded):
    result = _search(loaded, "比赛", limit=50)
    expected = {r["id"] for r in RECORDS if "比赛" in r["title"] or "比赛" in r["body"]}
    found = {h.article.guid for h in result.hits}
    assert result.total > 5 and found <= expected
    assert result.total >= 0.8 * len(expected)


def test_exact_title_ranks_its_article_first(loaded):
    for record in RECORDS[::37]:
        hits = _search(loaded, record["title"], limit=3).hits
        assert hits and hits[0].article.guid == record["id"], record["title"]


def test_multi_word_terms_become_phrases():
    assert query_phrases(segmenter(), "外交部长 GPT-4o") == ["外交部长", "gpt 4o"]


def test_filters_and_newest_sort(loaded):
    result = _search(loaded, "中国", limit=100, filters=Filters(category="科技"), sort="newest")
    assert result.hits and all(h.article.category == "科技" for h in result.hits)
    times = [h.article.published_at for h in result.hits]
    assert times == sorted(times, reverse=True)


def test_nothing_to_search_for_returns_nothing(loaded):
    assert _search(loaded, "，。！").total == 0


def test_both_backends_return_the_same_set(tmp_path):
    results = []
    with postgres_schema_url() as postgres:
        for url in (f"sqlite:///{tmp_path / 'a.db'}", postgres):
            engine = open_store(url)
            pipeline.ingest_paths(engine, [SAMPLE], Settings(database_url=url, ingest_workers=1))
            results.append({q: {h.article.guid for h in _search(engine, q, limit=1000).hits} for q in QUERIES})
            engine.dispose()
    assert all(results[0][q] for q in QUERIES[:4])
    assert results[0] == results[1]
