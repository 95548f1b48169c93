"""Which block of a page is the article: candidate spans, a scored plausibility check, and a confidence.

Stage 4 of extract_html. The Chinese-aware density picker proposes the densest block and the next densest
blocks that neither hold nor sit inside it; when it is unsure (a weak best block, a close rival, a short
text) readability-lxml proposes its own. Each candidate is a span of the page's text lines, filtered into
paragraphs the same way, and scored by how much it reads like an article:

- Chinese sentence density: the share of its text in lines that carry sentence punctuation;
- link density: the share of its text that is link text (menus, related lists);
- comment marks: lines that are only a time, a "3小时前", a 回复/举报/赞 bar, one or more per paragraph
  in a list of readers' comments, almost none in an article;
- position relative to the title: sentence text standing between the headline and the span (an article
  starts under its headline; comments and related items come after the article), and a span above the
  headline counts half;
- agreement between candidates: the chosen body's character F1 with readability-lxml's, when it was asked.

plausibility = log(1 + characters) x sentence share x (1 - link density) x (1 - 0.8 x comment share) x position.
The most plausible candidate wins; confidence (0-1) is its quality (the product without the size term)
times how far it stands from its rival, or its agreement with readability-lxml when that was asked.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache

from zixun.ingest.chrome import heading_label, is_boilerplate
from zixun.ingest.layout import Line, is_heading

SENTENCE = re.compile(r"[，。！？；…]")
_SPACE = re.compile(r"\s+")
# A line that is only a comment's or list item's stamp: a date/time, "3小时前", "昨天 12:30", a 回复/赞 bar.
_STAMP = re.compile(
    r"^\s*(?:\S{0,16}\s+)?(?:(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{1,2}[-/月]\d{1,2}日?)"
    r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*\S{0,6}\s*$"
    r"|^\s*\S{0,16}\s*(?:\d+\s*(?:秒|分钟|小时|天|周|个月)前|刚刚|昨天|前天)(?:\s*\d{1,2}:\d{2})?\s*\S{0,6}\s*$"
    r"|^\s*(?:回复|举报|点赞|赞|踩|分享|查看回复)[\s\d⋅·|]*(?:条回复)?[\s\d]*(?:(?:回复|举报|赞|踩|收藏)[\s\d]*)*$"
)
_UNSURE_QUALITY = 0.7  # below this quality, or with a rival this close, readability-lxml is asked too
_CLOSE_RIVAL = 0.7
_MARGIN = 1.15  # how much more plausible than the densest block another candidate must be to replace it
_SHORT = 150  # characters: a body this short is checked against readability-lxml as well


@dataclass
class Candidate:
    """A span of page lines proposed as the article, with its filtered paragraphs and marks."""

    origin: str
    first: int
    last: int
    el: object
    body: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    dropped: int = 0
    quality: float = 0.0
    plausibility: float = 0.0


def density_candidates(lines: list[Line], chrome: set, limit: int = 4) -> list[tuple[object, int, int]]:
    """(element, first line, last line) of the densest blocks of sentence text, none inside another."""
    scores: dict = defaultdict(float)
    totals: dict = defaultdict(float)
    for line in lines:
        score = line_score(line)
        if score and (line.el in chrome or is_heading(line.el) or is_boilerplate(line.text)):
            score = 0.0
        el, weight = line.el, 1.0
        while score and el is not None:
            scores[el] += score * weight if weight > 0.4 else 0.0
            totals[el] += score
            el, weight = el.getparent(), weight * 0.75
    picked: list = []
    for el in sorted(scores, key=scores.get, reverse=True):
        if scores[el] < 30 or len(picked) >= limit:
            break
        best = _step_down(el, totals)
        # Neither inside a block already picked nor holding one: a walk up the ancestors, not a set of subtrees.
        above = set(best.iterancestors())
        if any(p is best or p in above or best in set(p.iterancestors()) for p in picked):
            continue
        picked.append(best)
    found = []
    for el in picked:
        inside = set(el.iter())
        hits = [i for i, line in enumerate(lines) if line.el in inside]
        if hits:
            found.append((el, hits[0], hits[-1]))
    return found


def line_score(line: Line) -> float:
    """How much sentence text a line carries (0 for link lines and fragments)."""
    text_chars = len(line.text) - line.links
    if text_chars < 8 or line.links > len(line.text) / 2:
        return 0.0
    sentences = len(SENTENCE.findall(line.text))
    return text_chars * (1.0 if sentences else 0.15) + 10 * sentences


def _step_down(best, totals: dict):
    """A lone long paragraph lets its parent (with title and byline) win; step down to the child holding the text."""
    while (child := max(best, key=lambda c: totals.get(c, 0.0), default=None)) is not None and totals.get(
        child, 0.0
    ) >= 0.85 * totals[best]:
        best = child
    return best


def readability_span(html: str, lines: list[Line]) -> tuple[int, int] | None:
    """The span of page lines readability-lxml takes for the article (its densest cluster), or None."""
    # Loaded here: readability is asked only on pages the density picker is unsure about (about 1 in 7).
    import lxml.etree
    from readability.readability import Unparseable

    reader = _reader()(html)
    try:
        reader.summary(html_partial=True)
    except (Unparseable, ValueError, TypeError, lxml.etree.LxmlError):
        return None
    # The article node summary() serialised: its text, without parsing the summary string back.
    flat = _SPACE.sub("", "".join(reader.html.itertext())) if reader.html is not None else ""
    if not flat:
        return None
    hits = [i for i, line in enumerate(lines) if len(key := _SPACE.sub("", line.text)) >= 6 and key in flat]
    if not hits:
        return None
    clusters: list[list[int]] = [[hits[0]]]
    for i in hits[1:]:
        if i - clusters[-1][-1] <= 8:
            clusters[-1].append(i)
        else:
            clusters.append([i])
    best = max(clusters, key=lambda c: sum(len(lines[i].text) for i in c))
    first = best[0]
    while first < best[-1] and is_heading(lines[first].el):  # readability keeps the headline: the body starts below
        first += 1
    return first, best[-1]


@cache
def _reader() -> type:
    """readability-lxml's Document without its lxml_html_clean pass, 43% of its CPU time on the untrimmed pages.

    The Cleaner it runs before scoring rewrites every link to drop `javascript:` URLs and strips `on*` and
    `style` attributes: nothing readability scores (tags, class and id, text, link text) changes, so only the
    elements the Cleaner kills are removed here, in C. Subclassing Document and replacing _parse is the way
    the maintainers point to (buriy/python-readability#140).
    """
    import lxml.etree
    from readability import Document
    from readability.htmls import build_doc
    from readability.readability import REGEXES

    class Reader(Document):
        def _parse(self, page):  # called positionally by Document._html
            doc, self.encoding = build_doc(page)
            for elem in doc.xpath("//*[@hidden]"):
                elem.drop_tree()
            for elem in doc.xpath("//*[@style]"):
                if REGEXES["displayNoneRe"].search(elem.get("style")):
                    elem.drop_tree()
            kill = ("script", "style", "link", lxml.etree.Comment, lxml.etree.ProcessingInstruction)
            lxml.etree.strip_elements(doc, *kill, with_tail=False)
            doc.resolve_base_href(handle_failures=self.handle_failures)
            return doc

    return Reader


def judge(candidate: Candidate, lines: list[Line], title_line: int | None) -> None:
    """Fill the candidate's quality and plausibility from its own lines and its place under the title."""
    span = lines[candidate.first : candidate.last + 1]
    chars = sum(map(len, candidate.body))
    if not chars:
        candidate.quality = candidate.plausibility = 0.0
        return
    sentence_share = sum(len(b) for b in candidate.body if SENTENCE.search(b)) / chars
    link_density = sum(line.links for line in span) / max(1, sum(len(line.text) for line in span))
    stamps = sum(1 for line in span if len(line.text) <= 40 and _STAMP.match(line.text))
    comment_share = min(1.0, stamps / max(1, len(candidate.body)))
    position = 1.0
    if title_line is not None:
        if candidate.first < title_line - 2:
            position = 0.5
        else:
            between = lines[title_line + 1 : candidate.first]
            gap = sum(len(line.text) for line in between if line_score(line) and not heading_label(line.text))
            position = 1.0 / (1.0 + gap / max(chars, 200))
    candidate.quality = sentence_share * (1.0 - link_density) * (1.0 - 0.8 * comment_share) * position
    candidate.plausibility = math.log1p(chars) * candidate.quality


def choose(candidates: list[Candidate]) -> tuple[Candidate | None, Candidate | None]:
    """(best, rival): the most plausible candidate and the next one.

    The first candidate proposed (the densest block) keeps its place unless another is more plausible by
    _MARGIN: two readings of nearly the same text differ by a headline or a byline line, not by the article.
    """
    ranked = sorted((c for c in candidates if c.plausibility > 0), key=lambda c: (-c.plausibility, candidates.index(c)))
    if not ranked:
        return None, None
    first = candidates[0]
    if ranked[0] is not first and first.plausibility > 0 and ranked[0].plausibility < _MARGIN * first.plausibility:
        ranked.remove(first)
        ranked.insert(0, first)
    return ranked[0], (ranked[1] if len(ranked) > 1 else None)


def unsure(best: Candidate | None, rival: Candidate | None) -> bool:
    """True when the density picker's choice should be checked against readability-lxml."""
    if best is None or best.quality < _UNSURE_QUALITY or sum(map(len, best.body)) < _SHORT:
        return True
    return rival is not None and rival.plausibility > _CLOSE_RIVAL * best.plausibility


def confidence(best: Candidate, rival: Candidate | None, reference: Candidate | None) -> float:
    """0-1: the chosen body's quality, times its agreement with readability-lxml or its lead over its rival."""
    if reference is not None and reference is not best:
        agreement = char_f1("".join(best.body), "".join(reference.body))
    elif reference is best:
        agreement = 1.0
    elif rival is not None:
        agreement = min(1.0, 1.5 - rival.plausibility / best.plausibility)
    else:
        agreement = 1.0
    return round(max(0.0, min(1.0, best.quality * (0.5 + 0.5 * agreement))), 3)


def char_f1(a: str, b: str) -> float:
    """F1 over the multiset of non-space characters of two texts."""
    left, right = Counter(re.sub(r"\s", "", a)), Counter(re.sub(r"\s", "", b))
    overlap = sum((left & right).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(left.values()), overlap / sum(right.values())
    return 2 * precision * recall / (precision + recall)
