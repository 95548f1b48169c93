"""Near-duplicate detection against a labelled repost set (scripts/make_repost_set writes one).

Each line of the set is an ingestable JSONL article plus its label: "group" (the id of the original it
copies, its own id for an original or a standalone article), "kind" (original, light, heavy, traditional,
excerpt, wrapped, same-event, weak) and "split" (dev or heldout, by the hash of the original's id). The set
is ingested in file order (shuffled: reposts often come before their originals) into a temporary SQLite
store through the real pipeline; the groups the store decided are scored as pairs against the labels.
Weak labels (same-title groups of the corpus, not checked by hand) are scored apart, as recall only.

Tuning rule: the constants of zixun/dedup/groups.py and zixun/text/fingerprint.py are tuned on --split dev
only; heldout is scored to report.
"""

from __future__ import annotations

import tempfile
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

from pydantic import BaseModel

from zixun import pipeline
from zixun.evaluate.labels import LabelError, json_lines
from zixun.settings import Settings
from zixun.store import duplicates, open_store

REPOST_KINDS = ("light", "heavy", "traditional", "excerpt", "wrapped")


class Scores(BaseModel):
    """Pairwise precision and recall of one detector's groups, recall of each kind of repost, and more."""

    precision: float
    recall: float
    pairs_found: int
    pairs_labelled: int
    kinds: dict[str, float]  # kind → share of its reposts grouped with their original
    kind_counts: dict[str, str]  # kind → "found/total"
    original_right: float | None = None  # share of found reposts whose duplicate_of is the labelled original
    same_event_merged: int = 0  # same-event negatives grouped with any other article
    weak_recall: float = 0.0  # share of the same-title (weak) pairs grouped together

    def line(self) -> str:
        """Summary lines for the terminal."""
        kinds = " · ".join(f"{k} {self.kinds[k]:.3f} ({self.kind_counts[k]})" for k in self.kinds)
        original = f" · original right {self.original_right:.4f}" if self.original_right is not None else ""
        return (
            f"precision {self.precision:.4f} recall {self.recall:.4f} "
            f"({self.pairs_found} pairs found, {self.pairs_labelled} labelled){original}\n"
            f"  recall by kind: {kinds}\n"
            f"  same-event articles wrongly merged: {self.same_event_merged} · weak same-title pairs found: "
            f"{self.weak_recall:.3f}"
        )


class DuplicateQuality(BaseModel):
    """What `zixun eval duplicates --format json` prints: zixun's scores, and the baseline's when asked."""

    split: str
    articles: int
    ingest_seconds: float
    zixun: Scores
    baseline: Scores | None = None


def read_labels(path: Path) -> list[dict]:
    """The labelled lines of path; LabelError when one lacks its id, group or kind."""
    records = []
    for number, record in json_lines(path):
        if not isinstance(record, dict) or not all(isinstance(record.get(k), str) for k in ("id", "group", "kind")):
            raise LabelError(f"{path}:{number}: each line needs string 'id', 'group' and 'kind'")
        records.append(record)
    return records


def evaluate_duplicates(path: Path, split: str = "all", baseline: bool = False) -> DuplicateQuality:
    """Ingest the labelled set into a temporary store and score the duplicate groups zixun decided."""
    records = read_labels(path)
    with tempfile.TemporaryDirectory(prefix="zixun-eval-") as folder:
        url = f"sqlite:///{Path(folder) / 'eval.db'}"
        engine = open_store(url)
        started = time.perf_counter()
        pipeline.ingest_paths(engine, [path], Settings(database_url=url))
        seconds = time.perf_counter() - started
        with engine.connect() as connection:
            decided = duplicates.duplicate_guids(connection)
        engine.dispose()
    chosen = [r for r in records if split == "all" or r.get("split") == split]
    found = Scores(**_scores(chosen, {r["id"]: decided.get(r["id"], r["id"]) for r in records}, decided))
    other = Scores(**_scores(chosen, baseline_groups(records))) if baseline else None
    return DuplicateQuality(
        split=split, articles=len(chosen), ingest_seconds=round(seconds, 2), zixun=found, baseline=other
    )


def _scores(records: list[dict], group_of: dict[str, str], decided: dict[str, str] | None = None) -> dict:
    """Pairwise precision/recall over the labelled (non-weak) articles, recall by kind, and the rest."""
    main = [r for r in records if r["kind"] != "weak"]
    labelled = _pairs(main, lambda r: r["group"])
    found = _pairs(main, lambda r: group_of[r["id"]])
    hits = len(labelled & found)
    kinds, counts = {}, {}
    for kind in REPOST_KINDS:
        mine = [r for r in main if r["kind"] == kind]
        right = sum(group_of[r["id"]] == group_of.get(r["group"]) for r in mine)
        kinds[kind] = round(right / len(mine), 4) if mine else 0.0
        counts[kind] = f"{right}/{len(mine)}"
    sizes = defaultdict(int)
    for r in records:
        sizes[group_of[r["id"]]] += 1
    reposts = [r for r in main if r["kind"] in REPOST_KINDS and r["id"] in (decided or {})]
    weak = _pairs([r for r in records if r["kind"] == "weak"], lambda r: r["group"])
    weak_found = sum(group_of[a] == group_of[b] for a, b in weak)
    return {
        "precision": round(hits / len(found), 4) if found else 0.0,
        "recall": round(hits / len(labelled), 4) if labelled else 0.0,
        "pairs_found": len(found),
        "pairs_labelled": len(labelled),
        "kinds": kinds,
        "kind_counts": counts,
        "original_right": round(sum(decided[r["id"]] == r["group"] for r in reposts) / len(reposts), 4)
        if decided is not None and reposts
        else None,
        "same_event_merged": sum(sizes[group_of[r["id"]]] > 1 for r in main if r["kind"] == "same-event"),
        "weak_recall": round(weak_found / len(weak), 4) if weak else 0.0,
    }


def _pairs(records: list[dict], key) -> set[tuple[str, str]]:
    groups = defaultdict(list)
    for r in records:
        groups[key(r)].append(r["id"])
    return {tuple(sorted(pair)) for ids in groups.values() for pair in combinations(ids, 2)}


BASELINE_SHINGLE, BASELINE_THRESHOLD, BASELINE_PERMUTATIONS = 4, 0.5, 128


def baseline_groups(records: list[dict]) -> dict[str, str]:
    """Plain MinHash-LSH (datasketch, 4-gram character shingles of title and body as given, threshold 0.5):
    {id: a group id}, candidates joined as groups with no verification, folding or boilerplate removal."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=BASELINE_THRESHOLD, num_perm=BASELINE_PERMUTATIONS)
    parent = {r["id"]: r["id"] for r in records}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for r in records:
        text = r["title"] + r["body"]
        signature = MinHash(num_perm=BASELINE_PERMUTATIONS, seed=1)
        signature.update_batch(
            [text[i : i + BASELINE_SHINGLE].encode("utf-8") for i in range(len(text) - BASELINE_SHINGLE + 1)]
        )
        for other in lsh.query(signature):
            parent[root(other)] = root(r["id"])
        lsh.insert(r["id"], signature)
    return {key: root(key) for key in parent}
