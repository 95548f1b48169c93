"""The text stage: segment an article once, derive everything else from that cut; many articles in worker
processes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from itertools import chain
from pathlib import Path

from zixun.text import fingerprint
from zixun.text.entities import named_entities
from zixun.text.entities.credits import credited_only
from zixun.text.keywords import keyword_candidates
from zixun.text.segment import Segmented, Segmenter, Token, segmenter
from zixun.text.snippets import summarize


@dataclass(frozen=True)
class Analysis:
    """What the text stage knows of an article; keywords come later, once corpus df is known."""

    title_terms: str
    body_terms: str
    sub_terms: str
    candidates: dict[str, int]
    entities: dict[str, list[str]]
    summary: str
    # the body's MinHash band keys (text/fingerprint.py), computed here in the worker processes and handed to
    # the dedupe stage, not stored as a column
    band_keys: bytes = field(default=b"", compare=False)

    def columns(self) -> dict:
        """The stored fields by name (dataclasses.asdict would deep-copy every dict, per article)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "band_keys"}


def analyze(segmenter: Segmenter, title: str, paragraphs: list[str], summary_chars: int = 120) -> Analysis:
    """Segment title and body, and derive index terms, keyword candidates, entities and a summary."""
    # 1. one cut of the title and one of the body
    title_cut = segmenter.segment(title)
    body_cut = segmenter.segment("\n".join(paragraphs))
    tokens = article_tokens(title_cut, body_cut)
    return Analysis(
        title_terms=" ".join(title_cut.terms),
        body_terms=" ".join(body_cut.terms),
        sub_terms=" ".join(title_cut.subterms + body_cut.subterms),
        candidates=dict(keyword_candidates(chain(*tokens))),
        entities=_with_credits(article_names(segmenter, title_cut, body_cut), title_cut, body_cut),
        summary=summarize(paragraphs, summary_chars),
        band_keys=_band_keys(paragraphs, body_cut),
    )


def _band_keys(paragraphs: list[str], body_cut: Segmented) -> bytes:
    """fingerprint.packed_keys(paragraphs), from the lines the cut folded when they are the paragraphs (fold changes
    no line break and folds each line as it would alone), so the body is not folded twice (a quarter of the keys'
    time); a paragraph holding a line break of its own is folded again, as it was."""
    lines = body_cut.folded.split("\n")
    if len(lines) == len(paragraphs):
        return fingerprint.packed_keys(lines, folded=True)
    return fingerprint.packed_keys(paragraphs)


def _with_credits(entities: dict[str, list[str]], title_cut: Segmented, body_cut: Segmented) -> dict:
    """entities and, under "credited" when there are any, its people and organisations the article gives only as
    credits (its outlet's dateline, its bylines: text/entities/credits.py), over the folded text the cuts hold."""
    folded = "".join(word for word, _ in title_cut.tokens) + "\n" + "".join(word for word, _ in body_cut.tokens)
    credited = credited_only(folded, entities)
    return {**entities, "credited": credited} if credited else entities


def article_tokens(title_cut: Segmented, body_cut: Segmented) -> tuple[list[Token], ...]:
    """The tokens keywords and names are counted over: the title counts twice, it says what the story is about;
    a line break between the parts, so that no name runs from the end of one into the next."""
    return (title_cut.tokens, _BREAK, body_cut.tokens, _BREAK, title_cut.tokens)


_BREAK: list[Token] = [("\n", "x")]


def article_names(segmenter: Segmenter, title_cut: Segmented, body_cut: Segmented) -> dict[str, list[str]]:
    """The people, places and organisations an article names, from its cuts (`zixun eval entities` reads the
    labelled articles through this too, so it scores what ingest stores)."""
    cased = {**title_cut.cased, **body_cut.cased}
    return named_entities(chain(*article_tokens(title_cut, body_cut)), known_word=segmenter.knows, cased=cased)


POOL_CHUNK = 16  # articles a worker process takes at a time


@contextmanager
def analyzer(
    user_dict: tuple[Path, ...], summary_chars: int, workers: int
) -> Iterator[Callable[[list[tuple[str, list[str]]]], Iterator[Analysis]]]:
    """A function from (title, paragraphs) pairs to their analyses, in order: in this process when workers
    is 1, else in that many worker processes.

    The pool lives for the whole run, so workers build their dictionary once (~130 ms) and segment the
    next batches while the main process writes the current one to the store.
    """
    if workers <= 1:
        cut = segmenter(user_dict)
        yield lambda jobs: (analyze(cut, title, body, summary_chars) for title, body in jobs)
        return
    with ProcessPoolExecutor(workers, initializer=_warm_worker, initargs=(user_dict, summary_chars)) as pool:
        yield lambda jobs: pool.map(_analyze_in_worker, jobs, chunksize=POOL_CHUNK)


_worker: tuple[Segmenter, int] | None = None  # a worker process's tokenizer and summary length


def _warm_worker(user_dict: tuple[Path, ...], summary_chars: int) -> None:
    global _worker
    _worker = (segmenter(user_dict), summary_chars)


def _analyze_in_worker(job: tuple[str, list[str]]) -> Analysis:
    cut, summary_chars = _worker
    return analyze(cut, job[0], job[1], summary_chars)
