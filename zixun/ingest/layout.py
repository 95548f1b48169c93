"""An HTML page as the extractors see it: a cleaned tree, its head metadata and its text laid out as lines.

Stages 1-3 of extract_html: parse (lxml, plain etree elements), read head metadata (meta tags,
canonical link, JSON-LD), drop what a reader never sees (scripts, hidden blocks, chrome links),
then walk the tree once to produce text lines, each owned by the block element it sits in.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import lxml.etree

from zixun.models import IngestError

_BLOCK = frozenset(
    [
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "td",
        "th",
        "table",
        "center",
        "section",
        "article",
        "header",
        "footer",
        "blockquote",
        "dd",
        "dt",
        "dl",
        "figure",
        "figcaption",
        "main",
        "nav",
        "aside",
        "form",
        "pre",
        "hr",
        "br",
        "body",
    ]
)
HEADING_TAGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
_DROP_TAGS = ("script", "style", "noscript", "iframe", "template", "svg", "select", "button", "textarea", "input")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# A box squeezed to nothing: "height:0px; overflow:hidden" keeps copies of the byline for search engines.
_COLLAPSED = re.compile(r"(?:^|;)\s*(?:height|width)\s*:\s*0(?:px)?\s*(?:;|$)", re.I)
_CLIPPED = re.compile(r"overflow\s*:\s*hidden", re.I)
# Links that portals append inside the last paragraph ("返回腾讯网首页>>", "返回富达，查看更多").
_CHROME_LINK = re.compile(r"^\s*(?:返回\S{0,8}(?:首页|查看更多)|点击进入|查看原文|阅读原文)")

# A class rule of the page's stylesheet: the class named just before the brace, and the rule's body.
_CLASS_RULE = re.compile(r"\.([A-Za-z][\w-]*)\s*\{([^{}]*)")
# XPath narrows the link scan to C speed (the string value of every <a>); the Python check after it judges.
_LINK_CANDIDATES = lxml.etree.XPath("//a[contains(., '返回') or contains(., '点击进入') or contains(., '原文')]")


@dataclass
class Line:
    """One line of visible text, the block element that owns it, and how much of it is link text."""

    text: str
    el: lxml.etree._Element
    links: int = 0


@dataclass
class Page:
    """A parsed page: the cleaned tree, head metadata, JSON-LD, text lines and document order of elements."""

    root: lxml.etree._Element
    meta: dict[str, str]
    ld: dict
    lines: list[Line]
    order: dict = field(default_factory=dict)


def parse_page(text: str, path: str) -> Page:
    """Parse HTML text into a Page; IngestError names the path when lxml cannot read it or it is empty."""
    # Plain etree elements: lxml.html's element classes cost a Python lookup per node on 5,000-link portals.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str input that declares an encoding
    try:
        root = lxml.etree.fromstring(text, lxml.etree.HTMLParser(remove_comments=True, remove_pis=True))
    except (lxml.etree.ParserError, ValueError) as error:
        raise IngestError(path, f"not parseable as HTML ({error})") from None
    if root is None:
        raise IngestError(path, "no article body: the page is empty")
    meta = _meta(root)
    ld = _json_ld(root)
    _clean(root)
    return Page(root, meta, ld, _layout(root), {el: i for i, el in enumerate(root.iter())})


def text_of(el) -> str:
    """All text inside an element."""
    return "".join(el.itertext())


def is_heading(el) -> bool:
    """True for h1-h6 and for title-classed blocks (div.article-title, td.title...)."""
    if not isinstance(el.tag, str):
        return False
    marks = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return el.tag in HEADING_TAGS or ("title" in marks and el.tag in ("div", "span", "p", "h1", "h2", "h3", "td"))


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
    hidden = _hidden_classes(root)  # read before the <style> elements go
    doomed = list(root.iter(*_DROP_TAGS))
    # One walk in Python for the attribute checks: cheaper than an XPath `//*[@style]` scan per check.
    styled, classed = [], []
    for el in root.iter(lxml.etree.Element):
        if el.get("hidden") is not None or ((style := el.get("style")) and _invisible(style)):
            styled.append(el)
        if hidden and (names := el.get("class")) and hidden.intersection(names.split()):
            classed.append(el)
    doomed += styled + classed
    doomed += [a for a in _LINK_CANDIDATES(root) if _CHROME_LINK.match(text_of(a))]
    for el in doomed:
        _drop(el)


def _invisible(style: str) -> bool:
    """True for inline styles that hide a box: display:none, visibility:hidden, or zero size with clipping."""
    if "none" not in (low := style.lower()) and "hidden" not in low:  # every way below names one of them
        return False
    return bool(_HIDDEN.search(style) or (_CLIPPED.search(style) and _COLLAPSED.search(style)))


def _hidden_classes(root) -> set[str]:
    """Class names the page's own stylesheet hides (`.hide_word{display:none;}`: text a reader never sees,
    "本文来自…APP"): the class named just before a rule's brace, when the rule hides."""
    css = "".join(el.text or "" for el in root.iter("style"))
    if "none" not in css and "hidden" not in css:
        return set()
    # A plain substring test first: _HIDDEN, case-blind, is slow over the 50 KB of CSS a portal page inlines.
    return {
        name
        for name, rule in _CLASS_RULE.findall(css)
        if ("none" in (low := rule.lower()) or "hidden" in low) and _HIDDEN.search(rule)
    }


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


def _layout(root) -> list[Line]:
    """The page as text lines: a new line at every block element and <br>, each owned by its block."""
    lines: list[Line] = []
    buf: list[str] = []
    owners, link_chars, in_links = [root], 0, 0

    def flush() -> None:
        nonlocal link_chars
        text = " ".join("".join(buf).split()) if buf else ""  # str.split's whitespace is re's \s
        if text:
            lines.append(Line(text, owners[-1], min(link_chars, len(text))))
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
