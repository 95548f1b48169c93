"""The text stage of one article: segment once, derive everything else from that cut."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

from zixun.text.entities import named_entities
from zixun.text.keywords import keyword_candidates
from zixun.text.segment import Segmenter
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


def analyze(segmenter: Segmenter, title: str, paragraphs: list[str], summary_chars: int = 120) -> Analysis:
    """Segment title and body, and derive index terms, keyword candidates, entities and a summary."""
    # 1. one cut of the title and one of the body
    title_cut = segmenter.segment(title)
    body_cut = segmenter.segment("\n".join(paragraphs))
    # 2. the title counts twice for keywords and names: it says what the story is about
    tokens = (title_cut.tokens, body_cut.tokens, title_cut.tokens)
    return Analysis(
        title_terms=" ".join(title_cut.terms),
        body_terms=" ".join(body_cut.terms),
        sub_terms=" ".join(title_cut.subterms + body_cut.subterms),
        candidates=dict(keyword_candidates(chain(*tokens))),
        entities=named_entities(chain(*tokens)),
        summary=summarize(paragraphs, summary_chars),
    )
