"""The zixun command as a user runs it: a real process, real files, a real store on both backends."""
import json
import subprocess
import sys
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "zixun" / "data" / "sample.jsonl"


def zixun(*args: str, db: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "zixun", *args] + (["--db", db] if db else [])
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def test_extract_prints_the_seed_page_contract(seed_page):
    done = zixun("extract", str(seed_page), "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    (record,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert record["path"] == str(seed_page)
    assert record["published_at"] == "2025-09-12T22:03:00+08:00"
    assert record["declared_original"] is True and record["comments"] == 0 and record["author"] == "创始人"
    assert len(record["body"].split("\n")) == 16
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
    result = json.loads(done.stdout)
    assert result["total"] > 3 and len(result["items"]) == 3
    assert set(result["items"][0]) == {"id", "guid", "title", "snippet", "score"}
    exported = [json.loads(line) for line in zixun("export", "--format", "jsonl", db=db_url).stdout.splitlines()]
    assert len(exported) == 300 and all(r["guid"].startswith("zx18-") for r in exported)
    assert {"id", "guid", "title", "body", "published_at", "keywords", "views"} <= set(exported[0])
