"""HTML news pages → Extracted: title, byline, publish time, counters and the article body without chrome.

extract_html runs in stages: 1-3. parse the page into a cleaned tree, head metadata and text lines
(layout.py), 4. pick the article container by Chinese text density, 5. filter its lines into
paragraphs, 6. fill title, byline, time and counters from metadata and the lines just before and
after the body (byline.py).
"""

from __future__ import annotations

import re
from collections import defaultdict

from zixun.ingest import byline
from zixun.ingest.chrome import heading_label, is_boilerplate
from zixun.ingest.layout import Line, is_heading, parse_page
from zixun.models import Discarded, Extracted, IngestError

_PUNCT = re.compile(r"[，。！？；：、“”…,.!?;]")
_SENTENCE = re.compile(r"[，。！？；…]")
# Lines after which a page only carries chrome, wherever they stand: 责任编辑：…, 责编|…, 【纠错】.
# A closing note wholly in brackets: （应受访者要求，文中张严为化名。）, （实习生王某对此文亦有贡献）.
_NOTE = re.compile(r"^\s*[（(][^（）()]{2,60}[）)]\s*$")
_END = re.compile(
    r"^\s*[（(【]?\s*(?:责任编辑|责编|責任編輯)\s*[:：|｜]|^\s*【纠错】|正文已结束"
    r"|^.{0,30}\s(?:责任编辑|責任編輯)\s*[:：]\S{1,24}\s*$"
)


def looks_like_html(text: str) -> bool:
    """True when text is an HTML document rather than a text dump or JSON lines."""
    head = text[:4096].lstrip("\ufeff \t\r\n").lower()
    if not head.startswith("<"):
        return False
    return bool(re.search(r"<(?:!doctype\s+html|html|head|body|meta|title|div|table|p)[\s>/]", head))


def extract_html(text: str, path: str, url: str | None = None) -> Extracted:
    """Extract one article from an HTML page; IngestError names the path when the page has no article body."""
    page = parse_page(text, path)  # 1-3. tree, metadata, text lines
    container = _container(page.lines)  # 4. densest Chinese text block
    if container is None:
        raise IngestError(path, "no article body: no block of Chinese sentences (an index page, or cut short?)")
    inside = set(container.iter())
    first, last = _span(page.lines, inside)
    body, credits, dropped = _paragraphs(page.lines[first : last + 1])  # 5. filter into paragraphs
    if sum(map(len, body)) < 40:
        raise IngestError(path, f"no article body: only {sum(map(len, body))} characters survive the chrome filter")
    # 6. the page's own fields, read around the body
    title_el, title = byline.read_title(page, page.lines[first].el)
    start = _line_index(page.lines, title_el, default=max(0, first - 15))
    before = [ln.text for ln in page.lines[start:first]]
    after = [ln.text for ln in page.lines[last + 1 : last + 16]]
    art = Extracted(path=path, title=title, body=body, url=byline.canonical_url(page) or url)
    art.published_at = byline.read_published(page, before, after, text)
    strip = [ln.el for ln in page.lines[start:first]] if title_el is not None else []
    byline.read_byline(art, page, before + after, credits, container, strip)
    art.comments, art.views = byline.read_counters(page.lines, before + after)
    art.declared_original = byline.declared_original(page, before + after)
    art.discarded = _discarded(page.lines) + ([Discarded("boilerplate", dropped)] if dropped else [])
    return art


def _line_score(line: Line) -> float:
    text_chars = len(line.text) - line.links
    if text_chars < 8 or line.links > len(line.text) / 2:
        return 0.0
    sentences = len(_SENTENCE.findall(line.text))
    return text_chars * (1.0 if sentences else 0.15) + 10 * sentences


def _container(lines: list[Line]):
    """The element whose own lines and children's lines carry the most sentence text."""
    scores: dict = defaultdict(float)
    totals: dict = defaultdict(float)
    chrome = _chrome_zone(lines)
    for line in lines:
        score = _line_score(line)
        if score and (line.el in chrome or is_heading(line.el) or is_boilerplate(line.text)):
            score = 0.0
        el, weight = line.el, 1.0
        while score and el is not None:
            scores[el] += score * weight if weight > 0.4 else 0.0
            totals[el] += score
            el, weight = el.getparent(), weight * 0.75
    best = max(scores, key=scores.get, default=None)
    if best is None or scores[best] < 30:
        return None
    # A lone long paragraph lets its parent (with title and byline) win; step down to the child holding the text.
    while (child := max(best, key=lambda c: totals.get(c, 0.0), default=None)) is not None and totals.get(
        child, 0.0
    ) >= 0.85 * totals[best]:
        best = child
    return best


def _chrome_zone(lines: list[Line]) -> set:
    """Elements inside the block a list heading (相关文章, 为你推荐...) opens: never the article."""
    zone: set = set()
    for line in lines:
        if heading_label(line.text):
            block = line.el if len(line.el) > 1 else line.el.getparent()
            members = set(block.iter()) if block is not None else set()
            if block is not None and block.tag not in ("body", "html") and len(members) < 400:
                zone |= members
    return zone


def _span(lines: list[Line], inside: set) -> tuple[int, int]:
    hits = [i for i, line in enumerate(lines) if line.el in inside]
    return hits[0], hits[-1]


def _paragraphs(lines: list[Line]) -> tuple[list[str], list[str], int]:
    """Body paragraphs, credit lines (作者：…) and how many boilerplate lines were dropped."""
    body, credits, dropped = [], [], 0
    for line in lines:
        text = line.text
        if heading_label(text) or (_END.search(text) and body):
            break
        if byline.is_credit(text):
            credits.append(text)
        elif is_boilerplate(text) or _END.search(text) or line.links > len(text) / 2:
            dropped += 1
        else:
            body.append(text)
    while body and not _PUNCT.search(body[0]) and len(body[0]) < 12:
        body.pop(0)
    while body and (_NOTE.match(body[-1]) or (not _PUNCT.search(body[-1]) and len(body[-1]) < 12)):
        body.pop()
    return body, credits, dropped


def _discarded(lines: list[Line]) -> list[Discarded]:
    """Chrome lists on the page (相关文章, 热门文章...) and how many link items each holds."""
    found: list[Discarded] = []
    for i, line in enumerate(lines):
        label = heading_label(line.text)
        if label:
            items = 0
            for nxt in lines[i + 1 : i + 40]:
                if heading_label(nxt.text) or nxt.links < len(nxt.text) / 2:
                    break
                items += 1
            found.append(Discarded(label, items))
    return found


def _line_index(lines: list[Line], el, default: int) -> int:
    if el is None:
        return default
    inside = set(el.iter())
    return next((i for i, line in enumerate(lines) if line.el in inside), default)
