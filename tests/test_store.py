"""Ingest into the store, on SQLite and PostgreSQL: new, updated in place, skipped, refused."""

import json
from contextlib import ExitStack
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from tests.conftest import postgres_schema_url
from zixun import pipeline
from zixun.store import articles, deriving, open_store

SAMPLE = Path(__file__).resolve().parents[1] / "zixun" / "data" / "sample.jsonl"


def _write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _count(engine) -> int:
    with engine.connect() as connection:
        return articles.count(connection)


def test_sample_and_seed_page_are_stored_with_their_fields(engine, settings, seed_page):
    summary = pipeline.ingest_paths(engine, [SAMPLE, seed_page], settings)
    assert (summary.new, summary.failed) == (301, [])
    with engine.connect() as connection:
        first = json.loads(SAMPLE.read_text(encoding="utf-8").splitlines()[0])
        article = articles.get(connection, first["id"])
        assert article.title == first["title"] and article.category == first["category"]
        assert article.published_at.utcoffset() is not None
        assert article.keywords and article.summary and article.summary in article.body[0]
        seed = next(a for a in articles.iterate(connection) if a.declared_original)
        assert seed.id.isalnum() and articles.get(connection, seed.id).guid == seed.guid
    assert seed.author == "创始人" and len(seed.body) == 16 and seed.comments == 0


def test_same_guid_updates_in_place_and_unchanged_is_skipped(engine, settings, tmp_path):
    record = {"id": "g-1", "title": "湖人队赢球", "body": "詹姆斯得到30分。", "category": "体育"}
    path = _write_jsonl(tmp_path / "a.jsonl", [record])
    assert pipeline.ingest_paths(engine, [path], settings).new == 1
    with engine.connect() as connection:
        first_id = articles.get(connection, "g-1").id
    assert pipeline.ingest_paths(engine, [path], settings).skipped == 1
    _write_jsonl(path, [{**record, "body": "詹姆斯得到40分，湖人队赢球。"}])
    summary = pipeline.ingest_paths(engine, [path], settings)
    assert (summary.new, summary.updated) == (0, 1)
    with engine.connect() as connection:
        article = articles.get(connection, "g-1")
        assert article.id == first_id and article.body == ["詹姆斯得到40分，湖人队赢球。"]
        assert articles.count(connection) == 1


def test_bad_files_and_bad_lines_fail_alone(engine, settings, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("inputs")
    _write_jsonl(tmp_path / "good.jsonl", [{"id": "ok", "title": "好文章", "body": "正文。"}])
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "b1", "title": "一", "body": "正文。"}\n{"id": "b2", "title": \n', encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.html").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "huge.html").write_bytes(
        b"<html><body><p>" + "大".encode() * (50_000_000 // 3) + b"</p></body></html>"
    )  # 50 MB
    summary = pipeline.ingest_paths(engine, [tmp_path], settings)
    reasons = {Path(e.source.split(" line ")[0]).name: e.reason for e in summary.failed}
    assert set(reasons) == {"broken.jsonl", "empty.txt", "binary.html", "huge.html"}
    assert "not valid JSON" in reasons["broken.jsonl"]
    assert "limit" in reasons["huge.html"]
    assert summary.new == 2  # a bad line of a JSONL file fails alone: b1 is stored
    with engine.connect() as connection:
        assert sorted(a.guid for a in articles.iterate(connection)) == ["b1", "ok"]


def test_reindex_applies_a_new_user_dictionary(engine, settings, tmp_path):
    path = _write_jsonl(
        tmp_path / "a.jsonl", [{"id": "q", "title": "量子纠缠通信网开通", "body": "量子纠缠通信网今天开通。"}]
    )
    pipeline.ingest_paths(engine, [path], settings)
    extra = tmp_path / "dict.txt"
    extra.write_text("量子纠缠通信网 10 nz\n", encoding="utf-8")
    with_dict = settings.model_copy(update={"user_dict": (extra,)})
    assert pipeline.reindex(engine, with_dict) == 1
    with engine.connect() as connection:
        row = connection.execute(sa.text("SELECT title_terms FROM articles")).scalar_one()
        assert "量子纠缠通信网" in row.split()
        assert "量子纠缠通信网" in articles.get(connection, "q").keywords


def test_derived_stages_take_turns_within_a_store_not_across_the_schemas_of_one_database():
    # two stores in two schemas of one PostgreSQL database; each connection gives up on a lock after 5 s, so a
    # wait that should not happen fails instead of hanging
    def impatient(url: str) -> str:
        return url.replace("options=-c", "options=-clock_timeout%3D5000%20-c")

    with ExitStack() as stack:
        first, second = stack.enter_context(postgres_schema_url()), stack.enter_context(postgres_schema_url())
        engines = [open_store(impatient(url)) for url in (first, second, first)]
        try:
            with deriving(engines[0]):
                with deriving(engines[1]) as connection:  # another store: no turn to wait for
                    assert connection.execute(sa.text("SELECT 1")).scalar() == 1
                with pytest.raises(OperationalError, match="lock timeout"), deriving(engines[2]):
                    pass  # the same store: its turn waits for the first
        finally:
            for engine in engines:
                engine.dispose()


def test_a_long_in_list_finds_what_a_short_one_does(engine, settings):
    # among() sends many values as one parameter (SQLite: a JSON array read by json_each; PostgreSQL: an array), a few
    # as a plain IN: both find the same rows, of text ids, of numbers, and ids with characters JSON escapes
    from zixun.store import dialect, schema

    pipeline.ingest_paths(engine, [SAMPLE], settings)
    with engine.connect() as connection:
        rows = connection.execute(sa.select(schema.articles.c.id, schema.articles.c.n)).all()
        ids, numbers = [r.id for r in rows], [r.n for r in rows]
        assert len(ids) > dialect.MANY
        wanted = ids[::2] + ['no"such\\id', "中文"] * 60  # more than MANY values, some found nowhere

        def found(column, values):
            query = sa.select(schema.articles.c.id).where(dialect.among(connection, column, values))
            return sorted(connection.execute(query).scalars())

        assert found(schema.articles.c.id, wanted) == sorted(ids[::2])
        assert found(schema.articles.c.id, ids[:3]) == sorted(ids[:3])
        assert found(schema.articles.c.n, numbers[1::2]) == sorted(ids[1::2])
