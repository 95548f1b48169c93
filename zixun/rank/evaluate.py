"""Quality of related lists against labels: precision@k of same-category items, and coverage.

Split rule for tuning (zixun/rank/similarity.py constants) and reporting: an article is in the dev
split when int(sha1(guid)[:8], 16) is even, held-out otherwise. Constants were tuned on dev only.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from zixun.store import related as lists
from zixun.store.schema import articles

SPLITS = ("all", "dev", "heldout")


@dataclass
class RelatedQuality:
    """precision@k (share of shown related items in the article's category) and coverage."""

    k: int
    articles: int
    precision: float
    coverage: float
    items: int

    def line(self) -> str:
        """One summary line for the terminal."""
        return (f"precision@{self.k} {self.precision:.4f} · coverage {self.coverage:.4f} "
                f"({self.articles} articles, {self.items} related items)")


def split_of(guid: str) -> str:
    """'dev' or 'heldout', by the hash of the guid (stable across runs and machines)."""
    return "dev" if int(hashlib.sha1(guid.encode("utf-8")).hexdigest()[:8], 16) % 2 == 0 else "heldout"


def write_split(paths: list[Path], split: str, out: Path) -> int:
    """Copy the JSONL lines of paths whose id is in split to out; returns how many."""
    kept = 0
    with out.open("w", encoding="utf-8") as sink:
        for path in paths:
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip() and (split == "all" or split_of(str(json.loads(line).get("id"))) == split):
                    sink.write(line + "\n")
                    kept += 1
    return kept


def related_quality(connection: sa.Connection, k: int = 5) -> RelatedQuality:
    """Score the stored related lists: same-category share of the first k items, over all items shown."""
    category = dict(connection.execute(sa.select(articles.c.guid, articles.c.category)).all())
    same = shown = covered = 0
    for guid, related in lists.all_lists(connection):
        top = related[:k]
        covered += bool(top)
        shown += len(top)
        same += sum(category[g] == category[guid] for g in top)
    total = len(category)
    return RelatedQuality(k, total, same / shown if shown else 0.0, covered / total if total else 0.0, shown)
