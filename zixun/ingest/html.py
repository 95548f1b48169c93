"""HTML news pages → Extracted: title, byline, publish time, counters and the article body without chrome.

extract_html runs in stages: 1-3. parse the page into a cleaned tree, head metadata and text lines
(layout.py), 4. propose candidate blocks (Chinese text density, readability-lxml when unsure) and keep
the most plausible (candidates.py), 5. filter its lines into paragraphs, 6. fill title, byline, time and
counters from metadata and the lines just before and after the body (byline.py).
"""

from __future__ import annotations

import re

from zixun.ingest import byline, candidates
from zixun.ingest.chrome import heading_label, is_boilerplate
from zixun.ingest.layout import Line, is_heading, parse_page
from zixun.models import Discarded, Extracted, IngestError

_PUNCT = re.compile(r"[，。！？；：、“”…,.!?;]")
_CLOSED = re.compile(r"[。！？…”」]\s*$")  # a line that ends a sentence
_SHORTEST = 12  # characters: the least a short post under its own headline may have
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
    best, confidence, headed = _choose_body(page, text)  # 4. the most plausible candidate block
    if best is None:
        raise IngestError(path, "no article body: no block of Chinese sentences (an index page, or cut short?)")
    first, last, body, credits, dropped = best.first, best.last, best.body, best.credits, best.dropped
    # A short post (a blog's two lines) is an article when it is whole sentences under the page's own headline.
    short_ok = headed and best.quality >= 0.8 and bool(body) and bool(_CLOSED.search(body[-1]))
    if sum(map(len, body)) < (_SHORTEST if short_ok else 40):
        raise IngestError(path, f"no article body: only {sum(map(len, body))} characters survive the chrome filter")
    # 6. the page's own fields, read around the body
    title_el, title = byline.read_title(page, page.lines[first].el)
    start = _line_index(page.lines, title_el, default=max(0, first - 15))
    before = [ln.text for ln in page.lines[start:first]]
    after = _after_body(page.lines[last + 1 : last + 16])
    art = Extracted(path=path, title=title, body=body, url=byline.canonical_url(page) or url)
    art.confidence = confidence
    art.published_at = byline.read_published(page, before, after, text)
    strip = [ln.el for ln in page.lines[start:first]] if title_el is not None else []
    byline.read_byline(art, page, before + after, credits, best.el, strip)
    if art.source is None:
        art.source = byline.footer_source([ln.text for ln in page.lines[last + 1 :]])
    art.comments, art.views = byline.read_counters(page.lines, before + after)
    art.declared_original = byline.declared_original(page, before + after)
    art.discarded = _discarded(page.lines) + ([Discarded("boilerplate", dropped)] if dropped else [])
    return art


def _choose_body(page, html: str) -> tuple[candidates.Candidate | None, float, bool]:
    """4. The density picker's blocks, readability-lxml's when unsure, judged: (best or None, confidence,
    whether the page has a headline its <title> names)."""
    lines = page.lines
    title_line = _title_line(page)
    proposed = [
        _candidate("density", el, first, last, lines, title_line)
        for el, first, last in candidates.density_candidates(lines, _chrome_zone(lines))
    ]
    best, rival = candidates.choose(proposed)
    reference = None
    if candidates.unsure(best, rival):
        span = candidates.readability_span(html, lines)
        if span is not None:
            reference = _candidate("readability", lines[span[0]].el, span[0], span[1], lines, title_line)
            best, rival = candidates.choose([*proposed, reference])
    if best is None:
        return None, 0.0, title_line is not None
    return best, candidates.confidence(best, rival, reference), title_line is not None


def _candidate(origin: str, el, first: int, last: int, lines: list[Line], title_line: int | None):
    body, credits, dropped = _paragraphs(lines[first : last + 1])  # 5. filter into paragraphs
    found = candidates.Candidate(origin, first, last, el, body, credits, dropped)
    candidates.judge(found, lines, title_line)
    return found


def _title_line(page) -> int | None:
    """Index of the headline's line: the first heading the <title> or og:title contains, else None."""
    raw = re.sub(r"\s+", "", (page.root.findtext(".//title") or "") + (page.meta.get("og:title") or ""))
    for i, line in enumerate(page.lines):
        key = re.sub(r"\s+", "", line.text)
        if len(key) >= 2 and is_heading(line.el) and key in raw:
            return i
    return None


def _chrome_zone(lines: list[Line]) -> set:
    """Line owners from a list heading (相关文章, 为你推荐...) to the end of the block it opens: never the article.

    A heading standing in the middle of a block (the article's wrapper ends with 相关推荐 and its list) closes
    off only what follows it there, not the article above it in the same wrapper.
    """
    zone: set = set()
    for i, line in enumerate(lines):
        if heading_label(line.text):
            block = line.el if len(line.el) > 1 else line.el.getparent()
            members = set(block.iter()) if block is not None else set()
            if block is not None and block.tag not in ("body", "html") and len(members) < 400:
                zone |= {later.el for later in lines[i:] if later.el in members}
    return zone


def _after_body(lines: list[Line]) -> list[str]:
    """The lines after the body up to the first list or comment heading: below that stand others' times."""
    after = []
    for line in lines:
        if heading_label(line.text):
            break
        after.append(line.text)
    return after


def _is_caption(el) -> bool:
    """A picture's caption (<figcaption>, <p class="caption">): it describes the photo, it is not article text."""
    return el.tag == "figcaption" or "caption" in (el.get("class") or "").lower()


def _paragraphs(lines: list[Line]) -> tuple[list[str], list[str], int]:
    """Body paragraphs, credit lines (作者：…) and how many boilerplate lines were dropped."""
    body, credits, dropped = [], [], 0
    for line in lines:
        text = line.text
        if heading_label(text) or (_END.search(text) and body):
            break
        if byline.is_credit(text):
            credits.append(text)
        elif is_boilerplate(text) or _END.search(text) or line.links > len(text) / 2 or _is_caption(line.el):
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
