"""Ingest in batches written by a background thread, related lists computed while it writes, and the
faster text folding: the same results as one batch at a time, on SQLite and PostgreSQL."""

import json
import random
import unicodedata
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

from zixun import pipeline
from zixun.rank import related
from zixun.store import articles, related_lists, schema
from zixun.text.normalize import nfkc

SAMPLE = Path(__file__).resolve().parents[1] / "zixun" / "data" / "sample.jsonl"
RECORDS = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _stored_df(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {term: df for term, df in connection.execute(sa.select(schema.term_df)) if df}


def _df_of_stored_articles(engine) -> dict[str, int]:
    with engine.connect() as connection:
        counts = Counter(t for row in connection.execute(sa.select(schema.articles.c.candidates)) for t in row[0])
    return dict(counts)


def test_an_article_repeated_across_small_batches_ends_as_its_last_version(engine, settings, tmp_path):
    # batches of 3: while one is written the next ones are prepared, and must see it
    first = {"id": "story", "title": "湖人队主场赢球", "body": "詹姆斯得到30分，湖人队主场赢球。", "category": "体育"}
    changed = {**first, "body": "詹姆斯得到40分，浓眉哥抢下15个篮板，湖人队主场大胜。"}
    records = RECORDS[:5] + [first] + RECORDS[5:12] + [changed] + RECORDS[12:20] + [changed] + RECORDS[20:24]
    small = settings.model_copy(update={"ingest_batch": 3})
    summary = pipeline.ingest_paths(engine, [_write(tmp_path / "a.jsonl", records)], small)
    assert (summary.new, summary.updated, summary.skipped) == (25, 1, 1)
    with engine.connect() as connection:
        assert articles.count(connection) == 25
        assert articles.get(connection, "story").body == [changed["body"]]
    # the df kept batch by batch is the df of what is stored
    assert _stored_df(engine) == _df_of_stored_articles(engine)


def test_lists_computed_while_writing_equal_a_refresh_from_the_committed_store(engine, settings, tmp_path):
    half = len(RECORDS) // 2
    pipeline.ingest_paths(engine, [_write(tmp_path / "old.jsonl", RECORDS[:half])], settings)
    changed = {**RECORDS[0], "body": RECORDS[0]["body"] + "\n" + RECORDS[half]["body"]}
    later = RECORDS[half:] + [changed]
    # many new articles: their lists are planned from the ingest's own view before its writes commit
    summary = pipeline.ingest_paths(engine, [_write(tmp_path / "new.jsonl", later)], settings)
    assert (summary.new, summary.updated) == (len(RECORDS) - half, 1)
    with engine.connect() as connection:
        planned = dict(related_lists.all_lists(connection))
        ids = [articles.get(connection, r["id"]).id for r in later]
    with engine.begin() as connection:  # the same articles again, now from the committed store
        connection.execute(schema.related_done.delete().where(schema.related_done.c.article_id.in_(ids)))
    assert related.refresh(engine).computed == len(ids)
    with engine.connect() as connection:
        assert dict(related_lists.all_lists(connection)) == planned
    assert any(planned.values())


def test_fast_nfkc_is_unicode_nfkc():
    texts = [r["title"] + "\n" + r["body"] for r in RECORDS]
    assert [nfkc(t) for t in texts] == [unicodedata.normalize("NFKC", t) for t in texts]
    # full-width forms, compatibility characters, and sequences that compose only after mapping
    alphabet = list("ＧＰＴ－４ｏ，。！？　①㎡…ﬁｶﾞﾊﾟ") + [
        "e",
        "\u0301",
        "\u0308",
        "\u1100",
        "\u1161",
        "\u11a8",
        "\U0001d400",
    ]
    rng = random.Random(7)
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6)))
        assert nfkc(text) == unicodedata.normalize("NFKC", text), repr(text)
