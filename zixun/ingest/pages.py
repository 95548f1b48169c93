"""Text dumps of portal pages, like shared/examples: badge + title, author, time, counters, body, chrome.

原创 中美昨晚究竟发生了什么?...      ← optional 原创 badge, then the title
创始人                              ← author account
2025-09-12 22:03:00                 ← publish time
0                                   ← counter (comments), or labelled: 阅读 12 评论 3
<blank>
body paragraphs...
相关内容 / 热门资讯 / ...            ← chrome blocks to the end
"""

from __future__ import annotations

import re

from zixun.ingest.chrome import heading_label, is_boilerplate
from zixun.ingest.dates import find_datetime
from zixun.models import Discarded, Extracted, IngestError

_BADGE = re.compile(r"^\s*(原创|独家|首发)\s+")
_COUNTER = re.compile(r"^\s*(?:(?P<label>阅读|浏览|评论|点赞|阅)\s*[:：]?\s*)?(?P<n>\d[\d,]*)\s*(?:次|条)?\s*$")
_TIME_LINE = re.compile(r"^\s*(?:发布(?:时间|于)?\s*[:：]?\s*)?(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}")
_HEADER_MAX = 6


def extract_page(text: str, path: str) -> Extracted:
    """Read a page dump into an article, keeping chrome blocks out of the body."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise IngestError(path, "no text in the page")
    article = Extracted(path=path, title="", body=[])
    body_start = _read_header(lines, article)
    _read_body(lines[body_start:], article)
    if not article.title:
        raise IngestError(path, "no title line at the top of the page")
    if not article.body:
        raise IngestError(path, "no article body after the header")
    return article


def _read_header(lines: list[str], article: Extracted) -> int:
    """Fill title, badge, author, time and counters; return the index where the body starts."""
    first = lines[0].strip()
    badge = _BADGE.match(first)
    article.declared_original = bool(badge and badge.group(1) == "原创")
    article.title = first[badge.end() :].strip() if badge else first
    i = 1
    while i < min(len(lines), _HEADER_MAX) and lines[i].strip():
        _read_header_line(lines[i].strip(), article)
        i += 1
    return i


def _read_header_line(line: str, article: Extracted) -> None:
    counter = _COUNTER.match(line)
    if counter:
        digits = counter.group("n").replace(",", "")
        value = int(digits) if len(digits) <= 40 else 10**40  # out of range either way (checks.py refuses it)
        if counter.group("label") in ("阅读", "浏览", "阅"):
            article.views = value
        else:
            article.comments = value
    elif _TIME_LINE.match(line) and article.published_at is None:
        article.published_at = find_datetime(line)
    elif article.author is None and len(line) <= 40:
        article.author = re.sub(r"^(?:作者|来源)\s*[:：]\s*", "", line)


def _read_body(lines: list[str], article: Extracted) -> None:
    """Body paragraphs until the first chrome heading; each chrome block is counted and dropped."""
    block: list[str] | None = None
    label = ""
    boilerplate = 0
    for raw in lines:
        line = raw.strip()
        new_label = heading_label(line) if line else None
        if new_label:
            _close_block(article, label, block)
            label, block = new_label, []
        elif block is not None:
            if line:
                block.append(line)
        elif is_boilerplate(line):
            boilerplate += 1
        elif line:
            article.body.append(line)
    _close_block(article, label, block)
    if boilerplate:
        article.discarded.append(Discarded("boilerplate", boilerplate))


def _close_block(article: Extracted, label: str, block: list[str] | None) -> None:
    if block is None:
        return
    # list items end in a timestamp line where the portal shows one (相关内容), else one line each
    stamps = sum(1 for line in block if _TIME_LINE.match(line) and len(line) <= 25)
    article.discarded.append(Discarded(label, stamps or len(block)))
