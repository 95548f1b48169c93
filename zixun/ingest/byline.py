"""The fields around an article body: headline, publish time, author and 来源, counters, 原创 marker, URL.

Stage 6 of extract_html. Each reader takes the parsed Page and the text lines just before the body
(the byline block) and just after it; metadata (meta tags, JSON-LD) is trusted first where it exists.
"""

from __future__ import annotations

import re
from datetime import datetime
from itertools import pairwise

import lxml.etree

from zixun.ingest.chrome import heading_label
from zixun.ingest.dates import find_datetime, parse_datetime
from zixun.ingest.layout import Line, Page, is_heading, text_of
from zixun.models import Extracted

# Separators pages put between a byline word and its value: 作者：, 作者|, 作者︱ (U+FE31), 作者丨 (U+4E28).
_SEP = r"[:：/|｜︱丨]"
_CREDIT = re.compile(
    rf"^\s*[（(]?\s*(?:作者|采写|撰文|记者|摄影|文/图|文|图)\s*{_SEP}\s*(?P<who>[^:：]{{1,24}}?)\s*[)）]?$"
    r"|^\S{0,12}作者\s+(?P<who2>\S{2,8})$"
    # 澎湃新闻记者 段彦超 廖艳 — an outlet's reporters named on a line of their own
    r"|^\S{0,10}记者\s+(?P<who3>[\u4e00-\u9fff]{2,4}(?:\s[\u4e00-\u9fff]{2,4}){0,3})$"
    # 来源：无锡交警 closing the text: the story's source, not a sentence of it; the footer
    # "本文来源：21世纪经济报道 作者：何苗 张梦洁" names the reporters as well
    r"|^\s*[（(]?\s*(?:本文)?来源\s*[:：|｜]\s*[^\s，。]{1,20}"
    r"(?:\s+作者\s*[:：]\s*(?P<who4>[\u4e00-\u9fff]{2,4}(?:\s[\u4e00-\u9fff]{2,4}){0,3}))?\s*[)）]?$"
    # photo credits under a picture: "…中新社记者 杜洋 摄", "…记者 宋宇晟 翻摄"
    r"|^.{0,50}(?:记者|摄影师?)\s*[\u4e00-\u9fff]{2,4}\s*翻?摄$"
    # production credits closing a feature: "出品︱网易科学人栏目组 胖胖", "策划：…"
    rf"|^\s*(?:出品|监制|策划|统筹|制作|制片)\s*{_SEP}"
    r"|供稿|供图(?:\s*\S{0,12})?$|摄影\s*/|编辑\s*/|^\s*图片来源\s*[:：]|对此文亦有贡献"
)
# 来源：人民网-文化频道 / 作者：李在山 — a value runs until a space or the next byline word.
_NEXT_FIELD = r"来源|來源|稿源|出处|作者|编辑|編輯|责任|責任|时间|時間|发布|日期|浏览|阅读|点击|字号|分享"
# 稿源 and 出处 are older CMSs' words for 来源; 來源 is how Big5 pages write it.
_SOURCE_RE = re.compile(
    rf"(?:来源|來源|稿源|出处|出處)(?:于|於)?\s*[:：]\s*(?P<v>[^\s|｜]{{1,30}}?)(?=\s|$|{_NEXT_FIELD}|\d{{4}}[-年/])"
)
# The value may not itself be a byline word ("作者：责任编辑：…" is an empty author field, not 责任).
_AUTHOR_RE = re.compile(
    rf"(?:作者\s*{_SEP}|文\s*/|(?:^|(?<=\s))文\s*[|｜丨]|[记記]者\s*[:：])\s*(?!{_NEXT_FIELD})"
    rf"(?P<v>[^\s|｜:：]{{2,12}}(?:\s[^\s|｜:：]{{2,4}})*?)"
    rf"(?=\s{{2,}}|$|\s*(?:{_NEXT_FIELD})|\s*\d{{4}}[-年/])"
    # "| 作者魏星" closing a byline strip, the colon left out
    r"|[|｜]\s*作者(?P<v2>[\u4e00-\u9fff]{2,4})\s*$"
    # blogs and forums: "博主：水木年华", "楼主: tiger_2005", "发表者：…", "kingname 发表于 2005-5-7 21:23:57"
    rf"|(?:博主|楼主|发表者|发帖人|发布者|作者名)\s*[:：]\s*(?P<v3>[^\s|｜:：]{{2,20}})"
    # 本报记者 钱七 孙八 周九 — several reporters on a line of their own above the text
    r"|^\S{0,10}记者\s+(?P<v5>[\u4e00-\u9fff]{2,4}(?:\s[\u4e00-\u9fff]{2,4}){0,3})\s*$"
    r"|^\s*(?:\S{0,6}[:：]\s*)?(?P<v4>[^\s|｜:：\d]{2,20})\s*(?:发表于|发布于|发帖于)\s*[:：]?\s*(?:19|20)\d{2}"
)
# The reporter named in brackets in the lead or the last line: "…7月11日电 (记者戚亚平)", "（记者 裴剑飞）".
_BODY_REPORTER = re.compile(
    r"[（(]\s*(?:本报|本台|本刊)?记者\s*(?P<who>[\u4e00-\u9fff]{2,4}(?:[\s、]+[\u4e00-\u9fff]{2,4}){0,3})"
    r"\s*[)）]"
)
# A dateline that names its outlet: "中国网 2019-11-25 10:37:31", "2019-05-17 · 苏皖城市报道".
_DATE = r"(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
_DATELINE = re.compile(
    rf"^(?P<a>[^\s\d:：|｜·]{{2,12}})\s+{_DATE}$|^{_DATE}\s*[·|｜]?\s*(?P<b>[^\s\d:：|｜·]{{2,12}})$"
)
_OUTLET = re.compile(r"(?:网|报|社|台|站|新闻|日报|时报|网站|中心|频道|杂志|传媒|APP|发布)$")
_COMMENTS = (
    re.compile(r"共有\s*(\d+)\s*条评论"),
    re.compile(r"(\d+)\s*条?评论"),
    re.compile(r"评论\s*[:：(（]\s*(\d+)"),
)
_VIEWS = re.compile(r"(?:阅读|浏览|点击|人气)(?:量|数|次数)?\s*[:：]?\s*(\d+)")
_TIME_META = (
    "article:published_time",
    "og:release_date",
    "publishdate",
    "pubdate",
    "publish_date",
    "publishtime",
    "firstpublishedtime",
    "ptime",
    "weibo: article:create_at",
    "datepublished",
    "dateupdate",
    "sailthru.date",
    "parsely-pub-date",
    "dc.date.issued",
    "dc.date",
    "published_time",
)
_SCRIPT_TIME = re.compile(
    r"""(?:publishdate|pubtime|pubdate|publish_time|ptime)["']?\s*[:=]\s*["']([^"']{8,30})""", re.I
)
# CMS templates that keep the publish time in a data attribute of the article wrapper.
_ATTR_TIME = lxml.etree.XPath("//@data-ptime|//@data-pubtime|//@data-publishtime|//@data-publish-time")
# The post's own date where blogs and forums put it, often below the post: 发表于 2005-5-7 21:23:57.
_POSTED = re.compile(r"发表于|发布于|发帖于|posted|Posted|POSTED")
_HAS_CLOCK = re.compile(r"\d{1,2}\s*[:：时]\s*\d{2}")
# A site brand written as one Latin token (chinanews, CSDN.NET) in <meta name="author">: an outlet, not a person.
_BRAND = re.compile(r"^[A-Za-z][A-Za-z0-9.\-]*$")
_SITE_SPLIT = re.compile(r"\s*(?:_{1,2}|\|{1,2}|｜|--|——|－|—| - | – |-(?=\S*$))\s*")
_AUTHOR_CLASS = re.compile(r"(?:^|\s)(?:auth|author|author-name|author_name|writer|byline|auth-name)(?:\s|$)", re.I)
_SOURCE_CLASS = re.compile(r"(?:^|\s|_)(?:source|a_source|origin|media-name|source-name)(?:\s|$)", re.I)
# Classes a byline element may carry (read closer by _AUTHOR_CLASS and _SOURCE_CLASS), or an id with "source".
_BYLINE_MARK = re.compile(r"auth|writer|byline|source|origin|media-name")


def is_credit(text: str) -> bool:
    """True for a credit line inside the article (作者：…, 图片来源：…, （实习生…对此文亦有贡献）)."""
    return bool(_CREDIT.search(text))


def read_title(page: Page, body_start) -> tuple[object, str]:
    """(element, title): the longest headline the <title> contains, else the heading nearest above the body."""
    raw = " ".join((page.root.findtext(".//title") or "").split())
    heads = [(el, " ".join(text_of(el).split())) for el in _up_to(page.root, body_start, True) if is_heading(el)]
    heads = [(el, t) for el, t in heads if 4 <= len(t) <= 100]
    metas = [page.meta.get("og:title"), page.meta.get("articletitle"), page.ld.get("headline"), page.ld.get("title")]
    # Metas and headings compete: a meta can be cut short (a quote inside og:title ends the attribute).
    pool = [(None, m.strip()) for m in metas if m] + heads
    inside = [(el, t) for el, t in pool if len(t) >= 4 and _nows(t) in _nows(raw)]
    if inside:
        el, title = max(inside, key=lambda item: (len(_nows(item[1])), item[0] is None))
        return el if el is not None else next((h for h, t in heads if _nows(t) == _nows(title)), None), title
    near = [(el, t) for el, t in heads if len(t) >= 6 and not heading_label(t)]
    if near:
        return max(near, key=lambda item: page.order.get(item[0], 0))
    return None, _strip_site(raw)


def read_published(page: Page, before: list[str], after: list[str], html: str) -> datetime | None:
    """The page's publish time, chosen between the dates it shows by this rule (the date nearest the title):

    1. meta tags and JSON-LD, unless the byline strip between headline and body shows a clock time of the
       same day: the time the page shows wins (CMSs stamp meta tags when they (re)publish, minutes after the
       time the page gives: 新浪 09:05 shown, 09:10:42 in the meta);
    2. else the first date of that byline strip, the one nearest the title;
    3. data-ptime style attributes and script variables, only when no clock time shows in 1-2;
    4. only when none of these has a date: the lines just below the body, which `after` holds only up to
       the first list or comment heading (相关文章, 网友评论...), so a comment's or a related item's time is
       never read; there a date the page labels as the post's own (发表于, 发布于, posted) comes first
       (blogs and forums put it after the post);
    5. a bare date from 1-3 takes the clock time of the same day a labelled date below the body gives.
    """
    found = [page.meta.get(key) for key in _TIME_META] + [page.ld.get("datePublished"), page.ld.get("pubDate")]
    shown = next((s for s, clock in _stamps(before) if clock), None)
    meta = _stamps(found)
    if shown and meta and meta[0][0].date() == shown.date():
        return shown
    stamps = meta + _stamps(before)
    if not any(clock for _, clock in stamps):  # attributes and script variables only when no clock time shows
        stamps += _stamps([str(v) for v in _ATTR_TIME(page.root)] + _SCRIPT_TIME.findall(html[:200_000]))
    below = _stamps([line for line in after if _POSTED.search(line)]) + _stamps(after)
    if not stamps:
        stamps = below
    if not stamps:
        return None
    first = stamps[0][0]
    same_day = next((s for s, clock in stamps if clock and s.date() == first.date()), None)
    if same_day is None:
        same_day = next((s for s, clock in below if clock and s.date() == first.date()), first)
    return same_day


def read_byline(art: Extracted, page: Page, around: list[str], credits: list[str], container, strip=()) -> None:
    """Fill source (an outlet) and author (a person) from byline text, classes, credit lines and meta.

    strip holds the block elements of the byline strip above the body (between headline and text).
    """
    classed = [
        el
        for el in (_up_to(page.root, container, False) if container in page.order else ())
        if ((names := el.get("class")) and _BYLINE_MARK.search(names)) or "source" in (el.get("id") or "")
    ]
    marks = {el: f"{el.get('class') or ''} {el.get('id') or ''}" for el in classed}
    # Each list is in order of trust: visible byline text, then classed elements, then credits or meta.
    authors = _groups(_AUTHOR_RE, around, "v", "v2", "v3", "v4", "v5")
    authors += [text_of(el) for el in classed if _AUTHOR_CLASS.search(marks[el])]
    authors += _groups(_CREDIT, credits, "who", "who2", "who3", "who4") + _body_reporters(art.body)
    sources = _groups(_SOURCE_RE, around, "v") + [text_of(el) for el in classed if _SOURCE_CLASS.search(marks[el])]
    sources += [page.meta.get(k, "") for k in ("source", "contentsource", "mediaid")]
    sources += _dateline_names(around) + _strip_outlets(strip)
    art.author = next(filter(None, map(_clean_name, authors)), None)
    art.source = next(filter(None, map(_clean_name, sources)), None)
    # <meta name="author"> holds a person on some sites and the outlet (网易, 证券时报网, chinanews) on others.
    meta_name = next(filter(None, map(_clean_name, (page.meta.get("author"), page.meta.get("article:author")))), None)
    if meta_name and (_OUTLET.search(meta_name) or meta_name in _site_part(page) or _BRAND.match(meta_name)):
        art.source = art.source or meta_name
    elif meta_name:
        art.author = art.author or meta_name


def _up_to(root, stop, inclusive: bool):
    """The page's elements in document order up to `stop` (with it when inclusive), every one if it is absent.

    One walk in Python: cheaper than an XPath scan of the whole page and a filter by document order after it.
    """
    for el in root.iter(lxml.etree.Element):
        if el is stop:
            if inclusive:
                yield el
            return
        yield el


# 来源：某某日报 standing alone in the page footer, the only place some pages name their source.
_FOOTER_SOURCE = re.compile(
    r"^\s*[（(【\[]?\s*(?:本文|文章|信息|稿件)?(?:来源|來源|稿源|出处)\s*[:：]\s*(?P<v>[^\s|｜，。:：]{2,20})\s*[）)】\]]?\s*$"
)


def footer_source(below: list[str]) -> str | None:
    """The source a short line standing alone (来源：…) names below the body: between the body and the first
    list heading, else among the page's last 15 lines (its footer). A related item's 来源 sits in a list and
    comes with a title or a date on the same line, which the pattern does not take."""
    until_list = next((i for i, line in enumerate(below) if heading_label(line)), len(below))
    for line in below[:until_list] + below[max(until_list, len(below) - 15) :]:
        match = _FOOTER_SOURCE.match(line)
        if match and (name := _clean_name(match.group("v"))):
            return name
    return None


def _body_reporters(body: list[str]) -> list[str]:
    """Reporters the lead or the closing line names in brackets: "…电 (记者戚亚平)", "（记者 裴剑飞）"."""
    ends = body[:1] + body[-1:]
    return [m.group("who") for line in ends for m in [_BODY_REPORTER.search(line)] if m]


# A share button's link hands the page's address to another site: sharer.php?u=http…, login?url=http%3A…
_SHARE_HREF = re.compile(r"[?&][\w.]+=(?:https?(?::|%3A)|%2F%2F|//)", re.I)


def _strip_outlets(strip) -> list[str]:
    """Outlet names standing alone in the byline strip: a link or span reading 中国新闻网, 环球时报, TNW中文站."""
    found = []
    for block in strip:
        shares = {a for a in block.iter("a") if _SHARE_HREF.search(a.get("href") or "")}
        for el in block.iter("a", "span", "em", "i", "b", "strong", "font"):
            if el in shares or any(a in shares for a in el.iterancestors("a")):
                continue  # 开心网, 新浪微博 as share buttons: links that carry the page's own address
            text = " ".join(text_of(el).split())
            if 2 <= len(text) <= 12 and _OUTLET.search(text) and not re.search(r"\d|来自", text):
                found.append(text)
    return found


def read_counters(lines: list[Line], around: list[str]) -> tuple[int | None, int | None]:
    """(comments, views) as the page shows them next to the article, None where it shows none."""
    comments = next((int(m.group(1)) for ln in lines for m in [_COMMENTS[0].search(ln.text)] if m), None)
    for line in around:
        for pattern in _COMMENTS[1:]:
            match = pattern.search(line)
            if match and comments is None:
                comments = int(match.group(1))
    views = next((int(m.group(1)) for line in around for m in [_VIEWS.search(line)] if m), None)
    return comments, views


def declared_original(page: Page, around: list[str]) -> bool:
    """True when the byline or the source meta claims 原创."""
    marks = around + [page.meta.get("source", "")]
    return any(re.search(r"原创(?!作者)", text) for text in marks)


def canonical_url(page: Page) -> str | None:
    """The page's own URL from canonical link, og:url or JSON-LD, if absolute."""
    for candidate in (page.meta.get("canonical"), page.meta.get("og:url"), page.ld.get("url"), page.ld.get("@id")):
        if candidate and candidate.startswith("http"):
            return candidate
    return None


def _nows(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _strip_site(raw: str) -> str:
    parts = [p for p in _SITE_SPLIT.split(raw) if p]
    return max(parts, key=len) if parts else raw


def _site_part(page: Page) -> str:
    """The <title> minus its longest part: the site name a portal appends (网易新闻, 凤凰网资讯_凤凰网)."""
    raw = " ".join((page.root.findtext(".//title") or "").split())
    parts = [p for p in _SITE_SPLIT.split(raw) if p]
    return "".join(sorted(parts, key=len)[:-1]) if len(parts) > 1 else ""


def _dateline_names(lines: list[str]) -> list[str]:
    """Names a dateline gives: "中国网 2019-11-25 10:37", or an outlet alone on the line above the date."""
    found = [name for name in _groups(_DATELINE, lines, "a", "b") if not name.startswith("来自")]
    for line, nxt in pairwise(lines):
        if len(line) <= 10 and _OUTLET.search(line) and not re.search(r"\d", line) and re.match(_DATE, nxt):
            found.append(line)
    return found


def _stamps(texts: list[str | None]) -> list[tuple[datetime, bool]]:
    """(time, shows a clock time) for each text that holds a date."""
    stamps = []
    for raw in filter(None, texts):
        raw = re.sub(r"(\d)-(\d{1,2}:\d{2})", r"\1 \2", raw.strip())  # 2007-08-20-23:59:59
        stamp = parse_datetime(raw) if len(raw) <= 32 else find_datetime(raw)
        if stamp is not None:
            stamps.append((stamp, bool(_HAS_CLOCK.search(raw))))
    return stamps


def _groups(pattern: re.Pattern, texts: list[str], *names: str) -> list[str]:
    """The first non-empty named group of each text the pattern finds something in."""
    found = []
    for text in texts:
        match = pattern.search(text)
        value = match and next((match.group(n) for n in names if match.group(n)), None)
        if value:
            found.append(value)
    return found


# Byline values that name nobody: the site itself, or "compiled from the web".
_NOT_NAMES = frozenset(("本站", "本站原创", "原创", "网络整理", "综合整理", "网络", "佚名", "未知", "匿名"))


def _clean_name(raw: str | None) -> str | None:
    name = re.sub(r"^\s*来源\s*[:：]\s*|\s*原创稿?\s*$", "", " ".join((raw or "").split())).strip(" ：:|")
    if not 2 <= len(name) <= 20 or name.isdigit() or "http" in name or name in _NOT_NAMES:
        return None
    return name
