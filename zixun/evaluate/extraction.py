"""How well an extractor reads the captured pages: the measures the quality gate and bench/extract share.

A case is one page of tests/data/pages/expected.json (hand-written gold). Any extractor is measured
through the same `Reading` record, so zixun and the baselines (readability, trafilatura, gne) are
scored by one piece of code.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from statistics import mean

from zixun.ingest.candidates import char_f1  # the one character F1, shared with the plausibility check


@dataclass
class Case:
    """One captured page and its gold."""

    name: str
    path: Path
    split: str
    gold: dict


@dataclass
class Reading:
    """What an extractor made of a page, in the shape every extractor can fill."""

    title: str | None = None
    body: str = ""
    published_at: datetime | None = None
    author: str | None = None
    source: str | None = None


@dataclass
class Score:
    """Per-page marks."""

    name: str
    f1: float
    title: bool
    time: bool | None
    byline: bool | None


@dataclass
class Report:
    """Means over the pages, plus the speed of the run."""

    scores: list[Score] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # the process's CPU time: what an unloaded machine would take, on a shared one

    @property
    def body_f1(self) -> float:
        """Mean body character F1."""
        return mean(s.f1 for s in self.scores)

    @property
    def below_half(self) -> float:
        """Share of pages whose body F1 is below 0.5 (the wrong block, or nothing)."""
        return mean(s.f1 < 0.5 for s in self.scores)

    @property
    def title_rate(self) -> float:
        """Share of exact titles (whitespace ignored)."""
        return mean(s.title for s in self.scores)

    @property
    def time_rate(self) -> float:
        """Share of publish times right to the minute, over pages whose gold has one."""
        marks = [s.time for s in self.scores if s.time is not None]
        return mean(marks) if marks else 0.0

    @property
    def byline_rate(self) -> float:
        """Share of pages whose gold author and source were both found, over pages that have any."""
        marks = [s.byline for s in self.scores if s.byline is not None]
        return mean(marks) if marks else 0.0

    @property
    def pages_per_second(self) -> float:
        """Throughput of the extractor alone (reading files is excluded)."""
        return len(self.scores) / self.seconds if self.seconds else 0.0

    @property
    def cpu_pages_per_second(self) -> float:
        """Throughput by the process's CPU time (waiting for a busy machine's cores excluded)."""
        return len(self.scores) / self.cpu_seconds if self.cpu_seconds else 0.0


def load_cases(folder: Path, split: str | None = None) -> list[Case]:
    """The pages listed in folder/expected.json or folder/gold.jsonl, optionally only one split (dev, test...).

    gold.jsonl (one page a line) marks a page whose article is not on it at all `"readable": false`: such a
    page is not scored here (an extractor must refuse it, which the tests check on their own).
    """
    if (folder / "gold.jsonl").exists():
        rows = [json.loads(line) for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line]
        pages = {row["name"]: row for row in rows if row.get("readable", True)}
    else:
        pages = json.loads((folder / "expected.json").read_text(encoding="utf-8"))["pages"]
    cases = [Case(name, folder / gold["file"], gold["split"], gold) for name, gold in pages.items()]
    return [case for case in cases if split in (None, case.split)]


def same_title(predicted: str | None, gold: str) -> bool:
    """Exact title match, ignoring whitespace (pages pad titles with full-width spaces)."""
    return re.sub(r"\s", "", predicted or "") == re.sub(r"\s", "", gold)


def same_minute(predicted: datetime | None, gold_iso: str) -> bool:
    """True when an aware datetime equals the gold ISO time to the minute."""
    if predicted is None or predicted.tzinfo is None:
        return False
    gold = datetime.fromisoformat(gold_iso)
    return predicted.replace(second=0, microsecond=0) == gold.replace(second=0, microsecond=0)


def byline_found(reading: Reading, gold: dict) -> bool | None:
    """Author and source each match (containment either way) where the gold names them; None if it names neither."""
    wanted = [(reading.author, gold.get("author")), (reading.source, gold.get("source"))]
    wanted = [(got, want) for got, want in wanted if want]
    if not wanted:
        return None
    return all(got and (_squash(want) in _squash(got) or _squash(got) in _squash(want)) for got, want in wanted)


def score(case: Case, reading: Reading) -> Score:
    """Marks for one page."""
    gold = case.gold
    time_mark = same_minute(reading.published_at, gold["published"]) if gold.get("published") else None
    return Score(
        case.name,
        char_f1(reading.body, "\n".join(gold["gold_body"])),
        same_title(reading.title, gold["title"]),
        time_mark,
        byline_found(reading, gold),
    )


def evaluate(read: Callable[[str, str], Reading], cases: list[Case]) -> Report:
    """Run an extractor (html text, path -> Reading) over the cases; a crash scores zero for that page."""
    report = Report()
    texts = {case.name: case.path.read_text(encoding="utf-8") for case in cases}
    for case in cases:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            reading = read(texts[case.name], str(case.path))
        except Exception:  # noqa: BLE001 - a baseline crashing on a page scores nothing for it, like no answer
            reading = Reading()
        report.seconds += time.perf_counter() - started
        report.cpu_seconds += time.process_time() - cpu
        report.scores.append(score(case, reading))
    return report


def _squash(text: str) -> str:
    return re.sub(r"\s", "", text)
