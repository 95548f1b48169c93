"""The near-duplicate quality gate: a smaller repost set built by scripts/make_repost_set from the dev corpus
(../shared/data), scored by `zixun eval duplicates` on its held-out split; floors a little under the figures
in the README, so a regression fails."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT, SHARED

from zixun.evaluate.duplicates import REPOST_KINDS, evaluate_duplicates

FLOORS = {"precision": 0.98, "recall": 0.97, "kind": 0.9}


@pytest.fixture(scope="module")
def labeled(tmp_path_factory):
    if not (SHARED / "data" / "dev_news_2018_a.jsonl").exists():
        pytest.skip("the dev corpus (../shared/data) is not beside the repository")
    out = tmp_path_factory.mktemp("reposts") / "labeled.jsonl"
    command = [sys.executable, str(ROOT / "scripts" / "make_repost_set"), "--out", str(out), "--originals", "40"]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    return out


def test_held_out_reposts_of_every_kind_are_found_precisely(labeled):
    quality = evaluate_duplicates(labeled, "heldout", baseline=True)
    scores = quality.zixun
    assert scores.precision >= FLOORS["precision"] and scores.recall >= FLOORS["recall"], scores.line()
    assert all(scores.kinds[kind] >= FLOORS["kind"] for kind in REPOST_KINDS), scores.line()
    assert scores.original_right == 1.0 and scores.same_event_merged == 0
    # the plain MinHash-LSH baseline finds no traditional-character repost: folding is what finds them
    assert quality.baseline.kinds["traditional"] < 0.1 and scores.kinds["traditional"] == 1.0
