"""People, places and organisations named in a text, from the tokenizer's part-of-speech tags."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from zixun.text.segment import Token

_KINDS = {"nr": "people", "nrfg": "people", "nrt": "people", "ns": "places", "nt": "orgs"}


def named_entities(tokens: Iterable[Token], limit: int = 10) -> dict[str, list[str]]:
    """The most mentioned people, places and orgs: {"people": [...], "places": [...], "orgs": [...]}."""
    counts: dict[str, Counter] = {kind: Counter() for kind in ("people", "places", "orgs")}
    for word, pos in tokens:
        kind = _KINDS.get(pos)
        if kind and len(word) >= 2:
            counts[kind][word] += 1
    return {kind: [w for w, _ in c.most_common(limit)] for kind, c in counts.items()}
