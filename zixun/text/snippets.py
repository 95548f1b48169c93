"""Summaries and snippets cut at clause boundaries, and truncation by display width."""

from __future__ import annotations

import re

from zixun.text.normalize import char_width, display_width

_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
ELLIPSIS = "..."


def sentences(text: str) -> list[str]:
    """Split text after each 。！？； (closing quotes stay with their sentence)."""
    parts = _SENTENCE_END.split(text)
    merged: list[str] = []
    for part in parts:
        if merged and part[:1] in "”’」』）)\"'":
            merged[-1] += part[:1]
            part = part[1:]
        if part.strip():
            merged.append(part.strip())
    return merged


def summarize(paragraphs: list[str], max_chars: int = 120) -> str:
    """Leading whole sentences up to max_chars; a first sentence too long is cut by width with '...'."""
    out = ""
    for sentence in (s for p in paragraphs for s in sentences(p)):
        if len(out) + len(sentence) > max_chars:
            break
        out += sentence
    return out or truncate("".join(paragraphs), max_chars * 2)


def truncate(text: str, width: int) -> str:
    """Cut text to at most width display columns, marking a cut with '...' as the seed page's lists do."""
    # every character takes one or two columns: only the first width + 1 can decide
    if 2 * len(text) <= width or display_width(text[: width + 1]) <= width:
        return text
    budget = width - len(ELLIPSIS)
    used, cut = 0, 0
    for i, ch in enumerate(text):
        used += char_width(ch)
        if used > budget:
            break
        cut = i + 1
    return text[:cut] + ELLIPSIS


def snippet_around(text: str, terms: list[str], max_chars: int = 120) -> str:
    """The clause-bounded stretch of text that holds the most query terms (for search results)."""
    parts = sentences(text)
    if not parts:
        return ""
    best = max(range(len(parts)), key=lambda i: (sum(t in parts[i] for t in terms), -i))
    out = ""
    for sentence in parts[best:]:
        if out and len(out) + len(sentence) > max_chars:
            break
        out += sentence
    return truncate(out, max_chars * 2)
