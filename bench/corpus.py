"""Benchmark corpora and stores: the dev corpus with synthesized dates, scaled-up volume, cached stores.

The dev corpus (../shared/data, 11,593 articles, no dates) is read once. Every article gets a
published_at, views and comments drawn from random.Random(SEED) (the source has none; the benchmarks
say so). `synthesize` scales it to any volume: the originals first, then copies 1, 2, ... of every
article in turn, each copy a new guid whose sentences are the original's rotated, with every third one
taken from another article of the same category (also seeded), under a title made of the first half of
its own title and the second half of that partner's; copy k is dated about k × 36 days before the
original, so 100,000 articles span about ten months. The index therefore holds no identical documents
and its term frequencies stay those of real news.

Built stores are cached under var/bench/ (git-ignored), keyed by a hash of what shapes them (corpus
files, SYNTH_VERSION, the code each benchmark names); a stale cache is rebuilt, a matching one reused.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
VAR = ROOT / "var" / "bench"
DEV_FILES = ("dev_news_2018_a.jsonl", "dev_news_2018_b.jsonl")
SEED = 20181115
SYNTH_VERSION = 1  # bump when load_dev or synthesize changes what they emit (it is part of the cache key)
SHANGHAI = timezone(timedelta(hours=8))
CRAWL_START = datetime(2018, 10, 20, tzinfo=SHANGHAI)
CRAWL_MINUTES = 26 * 24 * 60  # 2018-10-20 .. 2018-11-15, the corpus' crawl window
COPY_SHIFT = timedelta(days=36)
# sentence ends (with a closing quote that belongs to the sentence); for mixing synthetic bodies only
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*[”’」』]?")
# what decides the search index: the tokens (text stage) and what is read from the JSONL
INDEX_SHAPERS = ("zixun/text", "zixun/ingest/jsonl.py")


def load_dev(data: Path = DATA, end: datetime | None = None) -> list[dict]:
    """The dev corpus records, each with a seeded published_at, views and comments.

    Times fall in the 26-day crawl window, or in the 26 days before end when it is given (the web
    benchmark wants a populated 24-hour hot list today).
    """
    missing = [name for name in DEV_FILES if not (data / name).exists()]
    if missing:
        sys.exit(f"dev corpus not found: {', '.join(str(data / n) for n in missing)}")
    rng = random.Random(SEED)
    start = CRAWL_START if end is None else end - timedelta(minutes=CRAWL_MINUTES)
    records = []
    for name in DEV_FILES:
        for line in (data / name).open(encoding="utf-8"):
            record = json.loads(line)
            published = start + timedelta(minutes=rng.randrange(CRAWL_MINUTES))
            views = int(rng.paretovariate(1.2) * 200)
            record.update(published_at=published, views=views, comments=int(views * rng.uniform(0, 0.05)))
            records.append(record)
    return records


def synthesize(records: list[dict], total: int) -> Iterator[dict]:
    """total JSON-ready records: the originals, then mixed copies 1, 2, ... (see the module docstring)."""
    by_category: dict[str, list[dict]] = {}
    for record in records:
        by_category.setdefault(record["category"], []).append(record)
    emitted, copy = 0, 0
    while emitted < total:
        for record in records:
            if emitted == total:
                return
            yield _jsonable(record) if copy == 0 else _mixed_copy(record, by_category[record["category"]], copy)
            emitted += 1
        copy += 1


def _mixed_copy(record: dict, same_category: list[dict], copy: int) -> dict:
    rng = random.Random(f"{SEED}:{record['id']}:{copy}")
    partner = same_category[rng.randrange(len(same_category))]
    own, other = _sentences(record["body"]), _sentences(partner["body"])
    turn = rng.randrange(len(own))
    own = own[turn:] + own[:turn]
    mixed = [other[i % len(other)] if i % 3 == copy % 3 else s for i, s in enumerate(own)]
    paragraphs = ["".join(mixed[i : i + 4]) for i in range(0, len(mixed), 4)]
    title = record["title"][: len(record["title"]) // 2 + 1] + partner["title"][len(partner["title"]) // 2 + 1 :]
    published = record["published_at"] - copy * COPY_SHIFT + timedelta(minutes=rng.randrange(-720, 720))
    return _jsonable(
        {
            **record,
            "id": f"{record['id']}-s{copy}",
            "title": title,
            "body": "\n".join(paragraphs),
            "published_at": published,
            "views": int(record["views"] * rng.uniform(0.2, 1.5)),
        }
    )


def _sentences(body: str) -> list[str]:
    return [s for s in _SENTENCE.findall(body) if s.strip()] or [body]


def _jsonable(record: dict) -> dict:
    keep = ("id", "title", "body", "category", "source", "views", "comments")
    return {**{k: record.get(k) for k in keep}, "published_at": record["published_at"].isoformat()}


def write_jsonl(records: Iterable[dict], folder: Path, per_file: int) -> list[Path]:
    """Write records as JSONL files of per_file lines each (bounded memory per ingest call)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths, out = [], None
    for written, record in enumerate(records):
        if written % per_file == 0:
            if out:
                out.close()
            paths.append(folder / f"part{len(paths):03d}.jsonl")
            out = paths[-1].open("w", encoding="utf-8")
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    if out:
        out.close()
    return paths


def inputs_key(shapers: tuple[str, ...], *extra: object) -> str:
    """A hash of the corpus files (size, mtime), the code under shapers (repo paths), and extra values."""
    digest = hashlib.sha1(repr((SYNTH_VERSION, *extra)).encode())
    for name in DEV_FILES:
        stat = (DATA / name).stat()
        digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    for shaper in shapers:
        path = ROOT / shaper
        for file in sorted(path.rglob("*") if path.is_dir() else [path]):
            if file.is_file() and file.suffix in (".py", ".txt"):
                digest.update(file.relative_to(ROOT).as_posix().encode() + file.read_bytes())
    return digest.hexdigest()[:16]


def cached_sqlite(name: str, key: str, build: Callable[[str, Path], None], rebuild: bool = False) -> str:
    """The URL of var/bench/NAME-KEY/zixun.db, built by build(url, folder) unless a finished one exists."""
    folder = VAR / f"{name}-{key}"
    done = folder / "done"
    if done.exists() and not rebuild:
        return f"sqlite:///{folder / 'zixun.db'}"
    for stale in VAR.glob(f"{name}-*"):  # older keys: inputs changed, free the disk
        shutil.rmtree(stale)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    build(f"sqlite:///{folder / 'zixun.db'}", folder)
    done.write_text(f"built in {time.perf_counter() - started:.0f} s\n")
    return f"sqlite:///{folder / 'zixun.db'}"


def say(message: str) -> None:
    """Progress on stderr, so stdout holds only the figures."""
    print(message, file=sys.stderr, flush=True)
