"""HTML news pages → Extracted: title, byline, publish time, counters and the article body without chrome.

extract_html runs in stages: 1. parse and clean the tree, 2. read head metadata (meta, JSON-LD),
3. lay the page out as text lines, 4. pick the article container by Chinese text density,
5. filter its lines into paragraphs, 6. fill title, byline, time and counters from metadata and
the lines just before and after the body.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import lxml.etree

from zixun.ingest.chrome import heading_label, is_boilerplate
from zixun.ingest.dates import find_datetime, parse_datetime
from zixun.models import Discarded, Extracted, IngestError

_BLOCK = frozenset("p div li ul ol h1 h2 h3 h4 h5 h6 tr td th table center section article header footer "
                   "blockquote dd dt dl figure figcaption main nav aside form pre hr br body".split())
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_DROP_TAGS = ("script", "style", "noscript", "iframe", "template", "svg", "select", "button", "textarea", "input")
_PUNCT = re.compile(r"[，。！？；：、“”…,.!?;]")
_SENTENCE = re.compile(r"[，。！？；…]")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Links that portals append inside the last paragraph ("返回腾讯网首页>>", "返回富达，查看更多").
_CHROME_LINK = re.compile(r"^\s*(?:返回\S{0,8}(?:首页|查看更多)|点击进入|查看原文|阅读原文)")
# Lines after which a page only carries chrome, wherever they stand.
_END = re.compile(r"^\s*[（(【]?\s*(?:责任编辑|责编)\s*[:：]|^\s*【纠错】|正文已结束")
_CREDIT = re.compile(r"^\s*[（(]?\s*(?:作者|采写|撰文|记者|摄影|文/图|文|图)\s*[:：/|]\s*(?P<who>[^:：]{1,24}?)\s*[)）]?$"
                     r"|^\S{0,12}作者\s+(?P<who2>\S{2,8})$|供稿|摄影\s*/|编辑\s*/")
# 来源：人民网-文化频道 / 作者：李在山 — a value runs until a space or the next byline word.
_NEXT_FIELD = r"来源|作者|编辑|责任|时间|发布|日期|浏览|阅读|点击|字号|分享"
_SOURCE_RE = re.compile(rf"来源(?:于)?\s*[:：]\s*(?P<v>[^\s|｜]{{1,30}}?)(?=\s|$|{_NEXT_FIELD}|\d{{4}}[-年/])")
_AUTHOR_RE = re.compile(rf"(?:作者\s*[:：]|文\s*/|记者\s*[:：])\s*(?P<v>[^\s|｜:：]{{2,12}}(?:\s[^\s|｜:：]{{2,4}})*?)"
                        rf"(?=\s{{2,}}|$|{_NEXT_FIELD}|\s*\d{{4}}[-年/])")
_OUTLET = re.compile(r"(?:网|报|社|台|新闻|日报|时报|网站|中心|频道|杂志|传媒|APP|发布)$")
_COMMENTS = (re.compile(r"共有\s*(\d+)\s*条评论"), re.compile(r"(\d+)\s*条?评论"),
             re.compile(r"评论\s*[:：(（]\s*(\d+)"))
_VIEWS = re.compile(r"(?:阅读|浏览|点击|人气)(?:量|数|次数)?\s*[:：]?\s*(\d+)")
_TIME_META = ("article:published_time", "og:release_date", "publishdate", "pubdate", "publish_date", "publishtime",
              "firstpublishedtime", "ptime", "weibo: article:create_at", "datepublished", "dateupdate",
              "sailthru.date", "parsely-pub-date", "dc.date.issued", "dc.date", "published_time")
_SCRIPT_TIME = re.compile(r"""(?:publishdate|pubtime|pubdate|publish_time|ptime)["']?\s*[:=]\s*["']([^"']{8,30})""",
                          re.I)
_HAS_CLOCK = re.compile(r"\d{1,2}\s*[:：时]\s*\d{2}")
_SITE_SPLIT = re.compile(r"\s*(?:_{1,2}|\|{1,2}|｜|--|——|－|—| - | – |-(?=\S*$))\s*")
_AUTHOR_CLASS = re.compile(r"(?:^|\s)(?:author|author-name|author_name|writer|byline|auth-name)(?:\s|$)", re.I)
_SOURCE_CLASS = re.compile(r"(?:^|\s|_)(?:source|a_source|origin|media-name|source-name)(?:\s|$)", re.I)


# XPath narrows the element scans to C speed; the Python checks after it stay the judges.
_STYLED = lxml.etree.XPath("//*[@style or @hidden]")
_LINK_CANDIDATES = lxml.etree.XPath("//a[contains(., '返回') or contains(., '点击进入') or contains(., '原文')]")
_HEADING_CANDIDATES = lxml.etree.XPath(
    "//h1|//h2|//h3|//h4|//h5|//h6|//*[contains(translate(@class, 'TITLE', 'title'), 'title')"
    " or contains(translate(@id, 'TITLE', 'title'), 'title')]")
_BYLINE_CANDIDATES = lxml.etree.XPath(
    "//*[contains(@class, 'author') or contains(@class, 'writer') or contains(@class, 'byline')"
    " or contains(@class, 'source') or contains(@id, 'source') or contains(@class, 'origin')"
    " or contains(@class, 'media-name')]")


@dataclass
class _Line:
    text: str
    el: lxml.etree._Element
    links: int = 0


@dataclass
class _Page:
    root: lxml.etree._Element
    meta: dict[str, str]
    ld: dict
    lines: list[_Line]
    order: dict = field(default_factory=dict)


def looks_like_html(text: str) -> bool:
    """True when text is an HTML document rather than a text dump or JSON lines."""
    head = text[:4096].lstrip("\ufeff \t\r\n").lower()
    if not head.startswith("<"):
        return False
    return bool(re.search(r"<(?:!doctype\s+html|html|head|body|meta|title|div|table|p)[\s>/]", head))


def extract_html(text: str, path: str, url: str | None = None) -> Extracted:
    """Extract one article from an HTML page; IngestError names the path when the page has no article body."""
    page = _parse(text, path)                                          # 1-3. tree, metadata, text lines
    container = _container(page.lines)                                # 4. densest Chinese text block
    if container is None:
        raise IngestError(path, "no article body: no block of Chinese sentences (an index page, or cut short?)")
    inside = set(container.iter())
    first, last = _span(page.lines, inside)
    body, credits, dropped = _paragraphs(page.lines[first:last + 1])   # 5. filter into paragraphs
    if sum(map(len, body)) < 40:
        raise IngestError(path, f"no article body: only {sum(map(len, body))} characters survive the chrome filter")
    # 6. the page's own fields, read around the body
    title_el, title = _title(page, page.lines[first].el)
    start = _line_index(page.lines, title_el, default=max(0, first - 15))
    around = [ln.text for ln in page.lines[start:first]] + [ln.text for ln in page.lines[last + 1:last + 16]]
    art = Extracted(path=path, title=title, body=body, url=_url(page) or url)
    art.published_at = _published(page, around, text)
    _byline(art, page, around, credits, container)
    art.comments, art.views = _counters(page.lines, around)
    art.declared_original = _original(page, around)
    art.discarded = _discarded(page.lines) + ([Discarded("boilerplate", dropped)] if dropped else [])
    return art


# 1-3. parse, metadata, layout -------------------------------------------------------------------

def _parse(text: str, path: str) -> _Page:
    # Plain etree elements: lxml.html's element classes cost a Python lookup per node on 5,000-link portals.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)   # lxml refuses str input that declares an encoding
    try:
        root = lxml.etree.fromstring(text, lxml.etree.HTMLParser(remove_comments=True, remove_pis=True))
    except (lxml.etree.ParserError, ValueError) as error:
        raise IngestError(path, f"not parseable as HTML ({error})") from None
    if root is None:
        raise IngestError(path, "no article body: the page is empty")
    meta = _meta(root)
    ld = _json_ld(root)
    _clean(root)
    return _Page(root, meta, ld, _layout(root), {el: i for i, el in enumerate(root.iter())})


def _meta(root) -> dict[str, str]:
    meta: dict[str, str] = {}
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        if key and el.get("content") and key not in meta:
            meta[key] = el.get("content").strip()
    for el in root.iter("link"):
        if (el.get("rel") or "").lower() == "canonical" and el.get("href"):
            meta.setdefault("canonical", el.get("href").strip())
    return meta


def _json_ld(root) -> dict:
    merged: dict = {}
    for el in root.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(el.text or "")
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                merged = {**item, **merged}
    return merged


def _clean(root) -> None:
    doomed = list(root.iter(*_DROP_TAGS))
    doomed += [el for el in _STYLED(root) if el.get("hidden") is not None or _HIDDEN.search(el.get("style") or "")]
    doomed += [a for a in _LINK_CANDIDATES(root) if _CHROME_LINK.match(_text(a))]
    for el in doomed:
        _drop(el)


def _drop(el) -> None:
    """Remove an element but keep its tail text, which belongs to the parent."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _text(el) -> str:
    return "".join(el.itertext())


def _layout(root) -> list[_Line]:
    """The page as text lines: a new line at every block element and <br>, each owned by its block."""
    lines: list[_Line] = []
    buf: list[str] = []
    owners, link_chars, in_links = [root], 0, 0

    def flush() -> None:
        nonlocal link_chars
        text = re.sub(r"\s+", " ", "".join(buf)).strip() if buf else ""
        if text:
            lines.append(_Line(text, owners[-1], min(link_chars, len(text))))
        buf.clear()
        link_chars = 0

    for event, el in lxml.etree.iterwalk(root, events=("start", "end")):
        block = el.tag in _BLOCK
        if event == "start":
            if block:
                flush()
                owners.append(el)
            in_links += el.tag == "a"
            piece = el.text
        else:
            if block:
                flush()
                owners.pop()
            in_links -= el.tag == "a"
            piece = el.tail if el is not root else None
        if piece:
            buf.append(piece)
            link_chars += len(piece.strip()) if in_links else 0
    flush()
    return lines


# 4-5. container and paragraphs ------------------------------------------------------------------

def _line_score(line: _Line) -> float:
    text_chars = len(line.text) - line.links
    if text_chars < 8 or line.links > len(line.text) / 2:
        return 0.0
    sentences = len(_SENTENCE.findall(line.text))
    return text_chars * (1.0 if sentences else 0.15) + 10 * sentences


def _container(lines: list[_Line]):
    """The element whose own lines and children's lines carry the most sentence text."""
    scores: dict = defaultdict(float)
    totals: dict = defaultdict(float)
    chrome = _chrome_zone(lines)
    for line in lines:
        score = _line_score(line)
        if score and (line.el in chrome or _is_heading(line.el) or is_boilerplate(line.text)):
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
    while (child := max(best, key=lambda c: totals.get(c, 0.0), default=None)) is not None \
            and totals.get(child, 0.0) >= 0.85 * totals[best]:
        best = child
    return best


def _chrome_zone(lines: list[_Line]) -> set:
    """Elements inside the block a list heading (相关文章, 为你推荐...) opens: never the article."""
    zone: set = set()
    for line in lines:
        if heading_label(line.text):
            block = line.el if len(line.el) > 1 else line.el.getparent()
            members = set(block.iter()) if block is not None else set()
            if block is not None and block.tag not in ("body", "html") and len(members) < 400:
                zone |= members
    return zone


def _span(lines: list[_Line], inside: set) -> tuple[int, int]:
    hits = [i for i, line in enumerate(lines) if line.el in inside]
    return hits[0], hits[-1]


def _paragraphs(lines: list[_Line]) -> tuple[list[str], list[str], int]:
    """Body paragraphs, credit lines (作者：…) and how many boilerplate lines were dropped."""
    body, credits, dropped = [], [], 0
    for line in lines:
        text = line.text
        if heading_label(text) or (_END.search(text) and body):
            break
        if _CREDIT.search(text):
            credits.append(text)
        elif is_boilerplate(text) or _END.search(text) or line.links > len(text) / 2:
            dropped += 1
        else:
            body.append(text)
    while body and not _PUNCT.search(body[0]) and len(body[0]) < 12:
        body.pop(0)
    while body and not _PUNCT.search(body[-1]) and len(body[-1]) < 12:
        body.pop()
    return body, credits, dropped


def _discarded(lines: list[_Line]) -> list[Discarded]:
    """Chrome lists on the page (相关文章, 热门文章...) and how many link items each holds."""
    found: list[Discarded] = []
    for i, line in enumerate(lines):
        label = heading_label(line.text)
        if label:
            items = 0
            for nxt in lines[i + 1:i + 40]:
                if heading_label(nxt.text) or nxt.links < len(nxt.text) / 2:
                    break
                items += 1
            found.append(Discarded(label, items))
    return found


# 6. title, time, byline, counters ---------------------------------------------------------------

def _nows(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _title(page: _Page, body_start) -> tuple[object, str]:
    """(element, title): a headline the <title> contains, else the heading nearest above the body."""
    raw = " ".join((page.root.findtext(".//title") or "").split())
    limit = page.order.get(body_start, len(page.order))
    heads = [(el, " ".join(_text(el).split())) for el in _HEADING_CANDIDATES(page.root) if _is_heading(el)]
    heads = [(el, t) for el, t in heads if 4 <= len(t) <= 100 and page.order.get(el, limit) <= limit]
    metas = [page.meta.get("og:title"), page.meta.get("articletitle"), page.ld.get("headline"), page.ld.get("title")]
    for pool in ([(None, m.strip()) for m in metas if m], heads):
        inside = [(el, t) for el, t in pool if len(t) >= 4 and _nows(t) in _nows(raw)]
        if inside:
            el, title = max(inside, key=lambda item: len(item[1]))
            return el if el is not None else next((h for h, t in heads if _nows(t) == _nows(title)), None), title
    near = [(el, t) for el, t in heads if len(t) >= 6 and not heading_label(t)]
    if near:
        return max(near, key=lambda item: page.order.get(item[0], 0))
    return None, _strip_site(raw)


def _is_heading(el) -> bool:
    if not isinstance(el.tag, str):
        return False
    marks = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return el.tag in _HEADINGS or ("title" in marks and el.tag in ("div", "span", "p", "h1", "h2", "h3", "td"))


def _strip_site(raw: str) -> str:
    parts = [p for p in _SITE_SPLIT.split(raw) if p]
    return max(parts, key=len) if parts else raw


def _line_index(lines: list[_Line], el, default: int) -> int:
    if el is None:
        return default
    inside = set(el.iter())
    return next((i for i, line in enumerate(lines) if line.el in inside), default)


def _published(page: _Page, around: list[str], html: str) -> datetime | None:
    """Meta and JSON-LD first, then the byline lines, then script variables; a clock time beats a bare date."""
    found = [page.meta.get(key) for key in _TIME_META] + [page.ld.get("datePublished"), page.ld.get("pubDate")]
    stamps = _stamps(found + around)
    if not any(clock for _, clock in stamps):   # script variables only when the page shows no clock time
        stamps += _stamps(_SCRIPT_TIME.findall(html[:200_000]))
    if not stamps:
        return None
    first = stamps[0][0]
    return next((s for s, clock in stamps if clock and s.date() == first.date()), first)


def _stamps(texts: list[str | None]) -> list[tuple[datetime, bool]]:
    """(time, shows a clock time) for each text that holds a date."""
    stamps = []
    for raw in filter(None, texts):
        raw = re.sub(r"(\d)-(\d{1,2}:\d{2})", r"\1 \2", raw.strip())   # 2007-08-20-23:59:59
        stamp = parse_datetime(raw) if len(raw) <= 32 else find_datetime(raw)
        if stamp is not None:
            stamps.append((stamp, bool(_HAS_CLOCK.search(raw))))
    return stamps


def _byline(art: Extracted, page: _Page, around: list[str], credits: list[str], container) -> None:
    """Fill source (an outlet) and author (a person) from byline text, classes, credit lines and meta."""
    limit = page.order.get(container, 0)
    classed = [el for el in _BYLINE_CANDIDATES(page.root) if page.order.get(el, 0) < limit]
    marks = {el: f"{el.get('class') or ''} {el.get('id') or ''}" for el in classed}
    # Each list is in order of trust: visible byline text, then classed elements, then credits or meta.
    authors = _groups(_AUTHOR_RE, around, "v") + [_text(el) for el in classed if _AUTHOR_CLASS.search(marks[el])]
    authors += _groups(_CREDIT, credits, "who", "who2")
    sources = _groups(_SOURCE_RE, around, "v") + [_text(el) for el in classed if _SOURCE_CLASS.search(marks[el])]
    sources += [page.meta.get(k, "") for k in ("source", "contentsource", "mediaid")]
    art.author = next(filter(None, map(_clean_name, authors)), None)
    art.source = next(filter(None, map(_clean_name, sources)), None)
    # <meta name="author"> holds a person on some sites and the outlet (网易, 证券时报网) on others.
    meta_name = next(filter(None, map(_clean_name, (page.meta.get("author"), page.meta.get("article:author")))), None)
    if meta_name and _OUTLET.search(meta_name):
        art.source = art.source or meta_name
    elif meta_name:
        art.author = art.author or meta_name


def _groups(pattern: re.Pattern, texts: list[str], *names: str) -> list[str]:
    """The first non-empty named group of each text the pattern finds something in."""
    found = []
    for text in texts:
        match = pattern.search(text)
        value = match and next((match.group(n) for n in names if match.group(n)), None)
        if value:
            found.append(value)
    return found


def _clean_name(raw: str | None) -> str | None:
    name = re.sub(r"^\s*来源\s*[:：]\s*|\s*原创稿?\s*$", "", " ".join((raw or "").split())).strip(" ：:|")
    if not 2 <= len(name) <= 20 or name.isdigit() or "http" in name or name in ("本站", "本站原创", "原创"):
        return None
    return name


def _counters(lines: list[_Line], around: list[str]) -> tuple[int | None, int | None]:
    comments = next((int(m.group(1)) for ln in lines for m in [_COMMENTS[0].search(ln.text)] if m), None)
    for line in around:
        for pattern in _COMMENTS[1:]:
            match = pattern.search(line)
            if match and comments is None:
                comments = int(match.group(1))
    views = next((int(m.group(1)) for line in around for m in [_VIEWS.search(line)] if m), None)
    return comments, views


def _original(page: _Page, around: list[str]) -> bool:
    marks = around + [page.meta.get("source", "")]
    return any(re.search(r"原创(?!作者)", text) for text in marks)


def _url(page: _Page) -> str | None:
    for candidate in (page.meta.get("canonical"), page.meta.get("og:url"), page.ld.get("url"), page.ld.get("@id")):
        if candidate and candidate.startswith("http"):
            return candidate
    return None
