"""Quality of the people, places and organisations found in articles, against hand labels.

A labelled line is an article (title, body) with the names it mentions per kind: {"people": [...],
"places": [...], "orgs": [...]}; a name written "A/B" is one entity that may be given as either form
(苹果公司/苹果). A mention is one (article, kind, entity). Precision: the share of the names an extractor
gives (what entity pages show) that are labelled; recall: the share of labelled mentions it gives. Both are
scored for the extractor (text/entities.named_entities) and, in the same run, for the baseline: the raw
name tags of the tokenizer, as zixun listed names before (text/entities.tagged_names).

Split: each line says "dev" (used to tune the dictionary's rules) or "test", "test2" ... "test17" (each held
out: scored before any tuning of its round; later rounds may tune on it, tests/data/entities/README.md says which).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain
from pathlib import Path

from pydantic import BaseModel

from zixun.evaluate.labels import LabelError, json_lines
from zixun.text.analysis import article_names, article_tokens
from zixun.text.entities import KINDS, lexicon, named_entities, tagged_names
from zixun.text.normalize import fold
from zixun.text.segment import Segmenter

EXTRACTORS: dict[str, Callable] = {"zixun": named_entities, "pos_tags": tagged_names}


class Score(BaseModel):
    """Precision and recall of one kind (or all kinds) of names."""

    precision: float
    recall: float
    found: int = 0  # names given
    right: int = 0  # of them labelled
    labelled: int = 0  # mentions labelled
    recalled: int = 0  # of them given

    @classmethod
    def of(cls, found: int, right: int, labelled: int, recalled: int) -> Score:
        """The score of these counts (1.0 when there is nothing to count)."""
        return cls(
            precision=round(right / found, 4) if found else 1.0,
            recall=round(recalled / labelled, 4) if labelled else 1.0,
            found=found,
            right=right,
            labelled=labelled,
            recalled=recalled,
        )


class EntityQuality(BaseModel):
    """What `zixun eval entities --format json` prints: per extractor, per kind and overall."""

    split: str
    articles: int
    mentions: int
    scores: dict[str, dict[str, Score]]

    def lines(self) -> list[str]:
        """A table for the terminal."""
        out = [f"{self.articles} articles, {self.mentions} labelled mentions (split: {self.split})"]
        for name, kinds in self.scores.items():
            cells = " · ".join(f"{kind} P {s.precision:.3f} R {s.recall:.3f}" for kind, s in kinds.items())
            out.append(f"{name:9} {cells}")
        return out


def read_labels(path: Path) -> list[dict]:
    """The labelled articles of a JSONL file."""
    found = []
    for number, record in json_lines(path):
        try:
            if not isinstance(record.get("title"), str) or not isinstance(record.get("body"), str):
                raise ValueError("title and body must be strings")
            if not all(isinstance(record.get(kind, []), list) for kind in KINDS):
                raise ValueError("people, places and orgs must be lists of names")
        except (ValueError, AttributeError) as error:
            raise LabelError(f"{path}:{number}: {error}") from None
        found.append(record)
    return found


def _entity(name: str) -> frozenset[str]:
    """The forms one labelled entity may be given as, folded and with aliases resolved."""
    known = lexicon()
    return frozenset(known.canonical(fold(form.strip())) for form in name.split("/"))


def evaluate_entities(paths: list[Path], segmenter: Segmenter, split: str = "all") -> EntityQuality:
    """Score the extractor and the baseline on the labelled articles of split (all, dev or test ... test17)."""
    records = [r for path in paths for r in read_labels(path) if split == "all" or r.get("split") == split]
    if not records:  # nothing to score is no score of 1.0
        raise LabelError(f"{', '.join(map(str, paths))}: no labelled articles in split {split}")
    counts = {name: {kind: [0, 0, 0, 0] for kind in KINDS} for name in EXTRACTORS}
    for record in records:
        # the text path of ingest (text/analysis.py): the title and the body (its lines as paragraphs) cut as there
        cuts = segmenter.segment(record["title"]), segmenter.segment(record["body"])
        tokens = list(chain(*article_tokens(*cuts)))
        for name, extract in EXTRACTORS.items():
            given = article_names(segmenter, *cuts) if extract is named_entities else extract(tokens)
            for kind in KINDS:
                _count(counts[name][kind], given[kind], [_entity(n) for n in record.get(kind, [])])
    scores = {}
    for name, kinds in counts.items():
        scores[name] = {kind: Score.of(*c) for kind, c in kinds.items()}
        scores[name]["overall"] = Score.of(*(sum(c[i] for c in kinds.values()) for i in range(4)))
    mentions = sum(len(r.get(kind, [])) for r in records for kind in KINDS)
    return EntityQuality(split=split, articles=len(records), mentions=mentions, scores=scores)


def _count(tally: list[int], given: list[str], labelled: list[frozenset[str]]) -> None:
    """Add one article's names of one kind to tally: [found, right, labelled, recalled]."""
    known = lexicon()
    names = {known.canonical(fold(n)) for n in given}
    tally[0] += len(names)
    tally[1] += sum(1 for n in names if any(n in forms for forms in labelled))
    tally[2] += len(labelled)
    tally[3] += sum(1 for forms in labelled if forms & names)
