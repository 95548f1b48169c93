"""Story clustering against a labelled story set (scripts/make_story_set writes tests/data/stories/labeled.jsonl).

Each line of the set is an ingestable JSONL article plus its labels: "story" (the event it covers), "topic"
(stories of one topic but different events share it: two games of one night, two provinces' notices) and
"split" (dev or heldout). The split's lines are ingested in file order (shuffled) into a temporary SQLite
store through the real pipeline, so stories are built incrementally as in production; then:
- B-cubed precision, recall and F1 of the stories the store decided (an article in no story is alone);
- how many pairs of one topic but different stories were put in one story (wrongly merged);
- related lists: of an article's first k related items (k = the number of other duplicate groups of its
  story, at most 5), the share in its own story, and the share of articles whose first item is in it.
--baseline clusters the same articles offline, all at once, by average linkage of TF-IDF vectors (scipy).
--within CORPUS ingests the split among the articles of a corpus (JSONL, such as the dev corpus the set was
drawn from): a tiny store of labelled articles overstates recall, since nothing else competes for their links. The
corpus's lines that are labelled articles (by id) are left out; a corpus article without a publish time gets one
between the split's first and last, uniform in the hash of WITHIN_SEED and its id, so time separates no more than
it would in production; all the lines are ingested as one file, in the order of that hash. Each article's time and
place are its own: a draw added to the labelled set (whose articles leave the corpus) moves no other article. Only the
labelled articles are scored; a related item from the corpus counts as outside the story.
Labels never see an unlabelled article that joins a story, so among a corpus two more things can be asked:
--judged FILE scores the stories against pairs of corpus articles a reader judged (the same event or not,
tests/data/stories/corpus_pairs.jsonl): of the judged pairs put in one story, the share judged the same event, and
of those judged the same, the share put in one; --draw N --sheet DIR writes N pairs of unlabelled articles the run
put in one story (random.Random(seed), none judged yet) as a sheet a reader judges blind (DIR/sheet.txt, the titles
and first SHEET_CHARS characters) and its key (DIR/key.jsonl).

Tuning rule: the constants of zixun/stories/ are tuned on --split dev only; heldout is scored to report.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import tempfile
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from itertools import combinations
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from zixun import pipeline
from zixun.evaluate.labels import LabelError, json_lines
from zixun.settings import Settings
from zixun.store import articles, duplicates, open_store, stories

WITHIN_SEED = 2018
SHEET_CHARS = 260
BASELINE_DISTANCE = 0.7  # the baseline's cut: groups whose average cosine is at least 0.3
RELATED_K = 5


class Scores(BaseModel):
    """B-cubed precision, recall and F1 of one clustering, and its same-topic pairs wrongly merged."""

    precision: float
    recall: float
    f1: float
    stories: int  # clusters of two or more articles
    same_topic_merged: int  # pairs of one topic and different stories put in one cluster
    same_topic_pairs: int

    def line(self) -> str:
        return (
            f"B-cubed precision {self.precision:.3f} recall {self.recall:.3f} F1 {self.f1:.3f} "
            f"({self.stories} stories) · same-topic pairs merged {self.same_topic_merged} of {self.same_topic_pairs}"
        )


class RelatedScores(BaseModel):
    """Of each article's first k related items (k: other duplicate groups of its story, at most 5), the share
    in its story; the share of articles whose first item is in it."""

    in_story: float
    first_in_story: float
    articles: int

    def line(self) -> str:
        return (
            f"related: in-story share of the first k {self.in_story:.3f} · first item in story "
            f"{self.first_in_story:.3f} ({self.articles} articles)"
        )


class JudgedScores(BaseModel):
    """How the stories place pairs of corpus articles a reader judged: of those put in one story, how many were
    judged the same event; of those judged the same, how many were put in one story."""

    judged: int
    together: int
    together_same: int
    same: int

    def line(self) -> str:
        precision = self.together_same / self.together if self.together else 0.0
        recall = self.together_same / self.same if self.same else 0.0
        return (
            f"judged corpus pairs: {self.together} of {self.judged} in one story, {self.together_same} of them the "
            f"same event ({precision:.3f}); {self.together_same} of the {self.same} judged the same in one "
            f"({recall:.3f})"
        )


class StoryQuality(BaseModel):
    """What `zixun eval stories --format json` prints."""

    split: str
    articles: int
    background: int = 0  # corpus articles stored with them (--within)
    ingest_seconds: float
    zixun: Scores
    related: RelatedScores
    baseline: Scores | None = None
    judged: JudgedScores | None = None  # --judged
    drawn: int = 0  # pairs written to a sheet (--draw)


def read_labels(path: Path) -> list[dict]:
    """The labelled lines of path; LabelError when one is not JSON or lacks id, story, topic or split."""
    records = []
    for number, record in json_lines(path):
        missing = [k for k in ("id", "story", "topic", "split") if not isinstance(record, dict) or not record.get(k)]
        if missing:
            raise LabelError(f"{path}:{number}: no {', '.join(missing)}")
        records.append(record)
    return records


def evaluate_stories(
    path: Path,
    split: str = "all",
    baseline: bool = False,
    within: list[Path] | None = None,
    judged: Path | None = None,
    draw: tuple[int, Path, int] | None = None,
) -> StoryQuality:
    """Ingest the split of a labelled story set into a fresh store (among the articles of the within corpus
    files, if any) and score its stories and related lists; with a corpus, also against judged pairs of its
    articles, and draw (pairs, sheet folder, seed) pairs of its articles in one story for a reader to judge."""
    labelled = read_labels(path)  # every split's: none of them is taken into the background again
    records = [r for r in labelled if split in ("all", r["split"])]
    if not records:
        raise LabelError(f"{path}: no labelled articles in split {split}")
    if (judged or draw) and not within:
        raise LabelError("judged pairs are of corpus articles: --judged and --draw need --within")
    pairs = read_judged(judged) if judged else []
    background = _background(within, records, labelled) if within else []
    lines = sorted([*records, *background], key=_share) if background else records
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "labeled.jsonl"
        data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), encoding="utf-8")
        workers = 0 if background else 1  # a corpus is analysed by worker processes (0: one per core), as ingest does
        settings = Settings(database_url=f"sqlite:///{Path(folder) / 'stories.db'}", ingest_workers=workers)
        engine = open_store(settings.database_url)
        try:
            started = time.perf_counter()
            pipeline.ingest_paths(engine, [data], settings)
            seconds = time.perf_counter() - started
            with engine.connect() as connection:
                ids = {r["id"]: articles.article_id(r["id"]) for r in records}
                in_story = stories.all_story_ids(connection)
                cluster_of = {guid: f"s{in_story[i]}" if i in in_story else guid for guid, i in ids.items()}
                related = _related(connection, records, ids)
                vectors = _vectors(connection, [ids[r["id"]] for r in records]) if baseline else None
                stored = articles.count(connection) - len(records)  # the corpus articles the store took
                placed = _judged(pairs, in_story) if judged else None
                drawn = _draw(connection, in_story, {r["id"] for r in labelled}, pairs, *draw) if draw else 0
        finally:
            engine.dispose()
    return StoryQuality(
        split=split,
        articles=len(records),
        background=stored,
        ingest_seconds=round(seconds, 2),
        zixun=score(records, cluster_of),
        related=related,
        baseline=score(records, _baseline(records, vectors)) if vectors is not None else None,
        judged=placed,
        drawn=drawn,
    )


def read_judged(path: Path) -> list[dict]:
    """The judged pairs of path: {"a": guid, "b": guid, "same": bool, ...} each; LabelError naming the line
    that is not one."""
    found = []
    for number, pair in json_lines(path):
        if (
            not isinstance(pair, dict)
            or not pair.get("a")
            or not pair.get("b")
            or not isinstance(pair.get("same"), bool)
        ):
            raise LabelError(f"{path}:{number}: a judged pair needs a, b and same (true or false)")
        found.append(pair)
    return found


def _judged(pairs: list[dict], in_story: dict[str, int]) -> JudgedScores:
    """How the store's stories (in_story: {article id: story}) place the judged pairs."""
    story = {}
    for pair in pairs:
        for guid in (pair["a"], pair["b"]):
            story[guid] = in_story.get(articles.article_id(guid))
    together = [p for p in pairs if story[p["a"]] is not None and story[p["a"]] == story[p["b"]]]
    return JudgedScores(
        judged=len(pairs),
        together=len(together),
        together_same=sum(p["same"] for p in together),
        same=sum(p["same"] for p in pairs),
    )


def _draw(
    connection, in_story: dict[str, int], labelled: set[str], judged: list[dict], count: int, sheet: Path, seed: int
) -> int:
    """Write count pairs of unlabelled articles in one story, none judged yet, drawn with random.Random(seed), as a
    blind sheet (sheet/sheet.txt) and its key (sheet/key.jsonl); how many were written."""
    rows = {a.id: a for a in articles.iterate(connection)}
    members: dict[int, list[str]] = defaultdict(list)
    for article_id, story in in_story.items():
        if rows[article_id].guid not in labelled:
            members[story].append(rows[article_id].guid)
    seen = {frozenset((p["a"], p["b"])) for p in judged}
    candidates = [
        (a, b) for found in members.values() for a, b in combinations(sorted(found), 2) if frozenset((a, b)) not in seen
    ]
    chosen = random.Random(seed).sample(candidates, min(count, len(candidates)))
    by_guid = {a.guid: a for a in rows.values()}
    sheet.mkdir(parents=True, exist_ok=True)
    with (sheet / "sheet.txt").open("w", encoding="utf-8") as text, (sheet / "key.jsonl").open("w") as key:
        for n, (a, b) in enumerate(chosen, 1):
            text.write(f"## PAIR {n}\n")
            for mark, guid in (("A", a), ("B", b)):
                body = "".join("".join(by_guid[guid].body).split())
                text.write(f"{mark}: {by_guid[guid].title}\n   {body[:SHEET_CHARS]}\n")
            text.write("\n")
            key.write(json.dumps({"n": n, "a": a, "b": b}) + "\n")
    return len(chosen)


def _background(corpus: list[Path], records: list[dict], labelled: list[dict]) -> list[dict]:
    """The corpus articles to ingest around records: no labelled article (of any split) again, and a publish
    time within the records' span for each that has none."""
    times = sorted(datetime.fromisoformat(r["published_at"]) for r in records if r.get("published_at"))
    if not times:
        raise LabelError("--within needs labelled articles with publish times (the corpus is dated within their span)")
    skip = {r["id"] for r in labelled}
    found = []
    span = (times[-1] - times[0]).total_seconds()
    for file in corpus:
        for _, record in json_lines(file):
            if not isinstance(record, dict) or record.get("id") in skip:
                continue
            if not record.get("published_at"):
                record["published_at"] = (times[0] + timedelta(seconds=_share(record) * span)).isoformat()
            found.append(record)
    return found


def _share(record: dict) -> float:
    """A number in [0, 1) of the record's id alone (sha1 with WITHIN_SEED): its time within the span and its place
    in the order of ingest, whatever else the corpus holds."""
    digest = hashlib.sha1(f"{WITHIN_SEED}:{record.get('id')}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def score(records: list[dict], cluster_of: dict[str, str]) -> Scores:
    """B-cubed scores of cluster_of ({guid: cluster}) against the records' stories, and same-topic merges."""
    story = {r["id"]: r["story"] for r in records}
    topic = {r["id"]: r["topic"] for r in records}
    clusters: dict[str, set[str]] = defaultdict(set)
    labelled: dict[str, set[str]] = defaultdict(set)
    for guid in story:
        clusters[cluster_of[guid]].add(guid)
        labelled[story[guid]].add(guid)
    precision = recall = 0.0
    for guid in story:
        mine, truth = clusters[cluster_of[guid]], labelled[story[guid]]
        both = len(mine & truth)
        precision += both / len(mine)
        recall += both / len(truth)
    precision, recall = precision / len(story), recall / len(story)
    pairs = [(a, b) for a, b in combinations(sorted(story), 2) if topic[a] == topic[b] and story[a] != story[b]]
    merged = sum(cluster_of[a] == cluster_of[b] for a, b in pairs)
    return Scores(
        precision=round(precision, 4),
        recall=round(recall, 4),
        f1=round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0,
        stories=sum(len(found) >= 2 for found in clusters.values()),
        same_topic_merged=merged,
        same_topic_pairs=len(pairs),
    )


def _related(connection, records: list[dict], ids: dict[str, str]) -> RelatedScores:
    """The related-list metric over the articles whose story has another duplicate group."""
    from zixun.rank import related  # numpy and scipy

    story = {ids[r["id"]]: r["story"] for r in records}
    original = duplicates.original_of(connection, list(story))
    groups: dict[str, set[str]] = defaultdict(set)
    for article_id, name in story.items():
        groups[name].add(original[article_id])
    shares, firsts = [], []
    for article_id, name in story.items():
        k = min(len(groups[name] - {original[article_id]}), RELATED_K)
        if k == 0:
            continue
        found = [r.article.id for r in related.related_articles(connection, article_id, limit=k)]
        shares.append(sum(story.get(other) == name for other in found) / k)
        firsts.append(bool(found) and story.get(found[0]) == name)
    return RelatedScores(
        in_story=round(sum(shares) / len(shares), 4) if shares else 0.0,
        first_in_story=round(sum(firsts) / len(firsts), 4) if firsts else 0.0,
        articles=len(shares),
    )


def _vectors(connection, ids: list[str]):
    """L2-normalised TF-IDF rows (keyword candidates, df over these articles) of these articles, in order."""
    from scipy import sparse

    rows = {row.id: row for part in stories.feature_rows(connection, ids) for row in part}
    counts = [rows[i].candidates or {} for i in ids]
    df = Counter(t for found in counts for t in found)
    vocabulary = {t: k for k, t in enumerate(df)}
    data, columns, pointers = [], [], [0]
    for found in counts:
        for term, count in found.items():
            columns.append(vocabulary[term])
            data.append((1 + math.log(count)) * math.log((1 + len(ids)) / (1 + df[term])) + 1)
        pointers.append(len(data))
    matrix = sparse.csr_matrix((data, columns, pointers), shape=(len(ids), max(len(vocabulary), 1)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def _baseline(records: list[dict], vectors) -> dict[str, str]:
    """{guid: cluster} of offline average-linkage clustering of the TF-IDF vectors, cut at BASELINE_DISTANCE."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    distances = np.clip(1.0 - (vectors @ vectors.T).toarray(), 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    labels = fcluster(linkage(squareform(distances, checks=False), "average"), BASELINE_DISTANCE, "distance")
    return {r["id"]: f"b{label}" for r, label in zip(records, labels, strict=True)}
