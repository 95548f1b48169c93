"""The zixun command as a user runs it: a real process, real files, a real store on both backends."""

import json
import subprocess
import sys
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "zixun" / "data" / "sample.jsonl"


def zixun(*args: str, db: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "zixun", *(["--db", db] if db else []), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def test_extract_prints_the_seed_page_contract(seed_page):
    done = zixun("extract", str(seed_page), "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    (record,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert record["path"] == str(seed_page)
    assert record["published_at"] == "2025-09-12T22:03:00+08:00"
    assert record["declared_original"] is True and record["comments"] == 0 and record["author"] == "创始人"
    assert len(record["body"]) == 16 and "notes" not in record  # paragraphs, as export and the API give them
    assert {"label": "相关内容", "items": 9} in record["discarded"]


def test_ingest_reports_bad_files_and_exits_non_zero(db_url, tmp_path):
    (tmp_path / "broken.jsonl").write_text('{"id": "x", "title": "标题"\n', encoding="utf-8")
    done = zixun("ingest", str(SAMPLE), str(tmp_path / "broken.jsonl"), db=db_url)
    assert done.returncode == 1
    assert "broken.jsonl line 1" in done.stderr and "not valid JSON" in done.stderr
    assert "300 new" in done.stdout and "1 failed" in done.stdout


def test_search_and_export_contracts(db_url):
    assert zixun("ingest", str(SAMPLE), db=db_url).returncode == 0
    done = zixun("search", "比赛", "--limit", "3", "--format", "json", db=db_url)
    result = json.loads(done.stdout)  # the API's SearchPage (tests/test_web.py compares them)
    assert result["q"] == "比赛" and result["total"] > 3 and len(result["hits"]) == 3
    assert {"article", "score", "snippet"} == set(result["hits"][0])
    assert result["pager"]["next_url"] == "/api/search?q=%E6%AF%94%E8%B5%9B&sort=relevance&page_size=3&page=2"
    exported = [json.loads(line) for line in zixun("export", "--format", "jsonl", db=db_url).stdout.splitlines()]
    assert len(exported) == 300 and all(r["guid"].startswith("zx18-") for r in exported)
    assert {"id", "guid", "title", "body", "published_at", "keywords", "views"} <= set(exported[0])


def test_db_is_accepted_before_and_after_the_command(db_url, tmp_path):
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert zixun("ingest", str(SAMPLE), "--db", other).returncode == 0  # after the command, as it always was
    unused = tmp_path / "unused.db"
    assert zixun("--db", f"sqlite:///{unused}", "export", "--db", other).stdout.count("\n") == 300  # nearest wins
    assert not unused.exists()
    assert zixun("export", db=db_url).stdout == ""  # before it: the group's option


def test_related_and_hot_print_the_api_shapes(db_url):
    assert zixun("ingest", str(SAMPLE), db=db_url).returncode == 0
    hot = json.loads(
        zixun(
            "hot", "--window", "7d", "--at", "2018-11-16T00:00:00+08:00", "--limit", "3", "--format", "json", db=db_url
        ).stdout
    )
    assert hot["window"] == "7d" and [e["rank"] for e in hot["items"]] == [1, 2, 3]
    assert {"score", "views", "comments", "shares", "age_hours", "explanation"} < set(hot["items"][0])
    key = hot["items"][0]["article"]["id"]
    related = json.loads(zixun("related", key, "--format", "json", db=db_url).stdout)
    assert related["article"]["id"] == key and set(related) == {"article", "related"}
    missing = zixun("related", "no-such-article", db=db_url)
    assert missing.returncode == 1 and "no-such-article" in missing.stderr


def test_eval_offers_every_split_the_labelled_sets_hold():
    from tests.conftest import ROOT
    from zixun.evaluate.labels import SPLITS

    held = {
        "entities": ROOT / "tests" / "data" / "entities_labeled.jsonl",
        "stories": ROOT / "tests" / "data" / "stories" / "labeled.jsonl",
    }
    for name, path in held.items():
        splits = {json.loads(line)["split"] for line in path.read_text(encoding="utf-8").splitlines()}
        assert splits | {"all"} == set(SPLITS[name]), name
    done = zixun("eval", "stories", "--help")
    assert "heldout12" in done.stdout and done.returncode == 0
