"""Names an article gives only as credits: the outlet of its dateline (新浪娱乐讯, 中新网10月30日电), of a 来源 line,
of a 据…报道, of its reporter (新京报记者) or of its promotions (欢迎关注新浪NBA公众号), and the people of its bylines (（记者 刘玮）, 文/张三, 责任编辑：王芳) or
of the signature closing a paragraph (（泽宇）). The extractor lists them (readers label them so), but they say
who wrote or published the article, not whom the news is about: an outlet credits itself in each of its
articles, and 新浪 would head every list of organisations in the news. Their mention rows are not written
(store/mentions.py), so entity pages and the trending lists (rank/trending.py) leave such articles out, and an
article's page does not link them as names it gives.

Matched on the folded text (NFKC: full-width brackets and colons are ASCII here). A name counts as credited only
when every place the text gives it is inside a credit; places never are (来自北京 says where someone is from)."""

from __future__ import annotations

import re

from zixun.text.normalize import fold

# how an outlet's name ends where the text cites it or its reporter (新京报, 中新网, 新华社, 新浪体育, 《生命时报》)
_OUTLET_END = r"(?:报|网|社|台|新闻|体育|娱乐|科技|财经|时尚|客户端|周刊|杂志|》)"
_OUTLET_CREDITS = re.compile(
    # a dateline opening a paragraph or after a space (a quoted post before it: ...cn/ew4quiu \u200b新浪娱乐讯 据...):
    # 新浪娱乐讯 据..., 新京报讯 (记者..., 中新网10月30日电, 新华社长春电(记者... (not 由中国信息通信研究院、腾讯...: no
    # pause or space inside, a space, a bracket, a digit or 据 after it)
    r"(?:^|[\s\u200b])\(?(?P<dateline>[^\n,。:()、\s\u200b]{2,16}?)(?:讯|电)(?=[\s(\d]|据|$)"
    # a source line: 来源:新浪娱乐, 本文来源:瑞丽网, 转自 人民网, 文转自《国际学校》的新浪博客
    r"|(?:(?:来源|稿源|出处)\s*[:|/ ]|转自|转载自)\s*(?P<source>[^\n,。()]{1,20})"
    # an outlet cited: 据新京报报道, 据美国中文网报道 (not 据NBA官方消息: the league's own word is news of it)
    rf"|据(?P<cited>[^\n,。]{{1,12}}?{_OUTLET_END})(?:报道|消息)",
    re.MULTILINE,
)
# an outlet's promotion of its own channels: 欢迎关注新浪nba公众号, 扫描下方二维码,加入新浪高考官方微信家长群 (the text is
# folded: lower case); what lies between the call and the channel is credited (the outlet, its column)
_CALLS = ("关注", "扫码", "二维码", "下载", "加入", "订阅")
_PROMOTION = re.compile(
    rf"(?:{'|'.join(_CALLS)})(?P<promoted>[^\n。!?]{{1,24}}?)(?:公众号|微信号|官方微信|官方微博|微信|微博|客户端|app|家长群)"
)
# an outlet's reporter: 新京报记者, 告诉《生命时报》记者 (not 湖人随队记者), read back from each 记者 (one pattern tried
# at every place of the text costs 4 times the others together)
_REPORTER = re.compile(rf"(?P<reporter>[^\n,。()\s]{{1,10}}?{_OUTLET_END})$")
# an outlet's disclaimer, the sentence read on from each 声明: 新浪声明:此消息系转载自合作单位,新浪网登载此文出于...
_DISCLAIMER = re.compile(r"(?P<outlet>[^\n,。:]{2,8})$")
_DISCLAIMER_REST = re.compile(r"\s*:[^\n。]*")
_PEOPLE_CREDITS = re.compile(
    # a byline's people: (记者 刘玮), 记者 王伟 李明 报道, 责任编辑:王芳, 文/张三, 作者:李四
    r"(?:(?:^|[\s(/])(?:记者|通讯员|编辑|责任编辑|实习编辑|责编|实习生|审稿|校对|编译|撰文|翻译|摄影|摄像)\s*[:/| ]?"
    r"|(?:^|[\s(])(?:文|图|作者|来源)\s*[:/|])"
    r"\s*(?P<byline>[\u4e00-\u9fff]{2,4}(?:[\s、]+[\u4e00-\u9fff]{2,4}){0,3})"
    # the signature closing a paragraph: 。(泽宇), (编辑 张三)
    r"|\((?P<signed>[^()\n]{1,12})\)\s*(?:\n|$)"
)


def credited_only(text: str, entities: dict[str, list[str]]) -> list[str]:
    """The people and organisations of entities ({kind: names}) the article gives only inside credits, sorted;
    text: its title and body, folded (the text stage has it from the cut: text/analysis.py)."""
    people, orgs = ([n for n in entities.get(kind, []) if isinstance(n, str) and n] for kind in ("people", "orgs"))
    if not people and not orgs:
        return []
    signed = _spans(_PEOPLE_CREDITS, text)  # an outlet may sign too: (新华社)
    outlets = _spans(_OUTLET_CREDITS, text) + _promotions(text) + _read_back(text) + signed if orgs else []
    found = {
        n for names, spans in ((people, signed), (orgs, outlets)) for n in names if _only_inside(fold(n), text, spans)
    }
    return sorted(found)


def _spans(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    """(start, end) of the credited text of each credit the pattern finds."""
    return [found.span(group) for found in pattern.finditer(text) for group in (found.lastgroup,) if group]


def _promotions(text: str) -> list[tuple[int, int]]:
    """(start, end) of what each promotion of a channel calls on readers to follow (most texts have no call: the
    pattern is tried only where one is)."""
    return _spans(_PROMOTION, text) if any(call in text for call in _CALLS) else []


def _read_back(text: str) -> list[tuple[int, int]]:
    """(start, end) of each outlet's reporter (read back from 记者) and disclaimer (from 声明 to the sentence's end)."""
    spans = []
    at = text.find("记者")
    while at >= 0:
        if found := _REPORTER.search(text, max(at - 11, 0), at):
            spans.append(found.span("reporter"))
        at = text.find("记者", at + 2)
    at = text.find("声明")
    while at >= 0:
        if (outlet := _DISCLAIMER.search(text, max(at - 8, 0), at)) and (rest := _DISCLAIMER_REST.match(text, at + 2)):
            spans.append((outlet.start(), rest.end()))
        at = text.find("声明", at + 2)
    return spans


def _only_inside(name: str, text: str, spans: list[tuple[int, int]]) -> bool:
    """Whether the text gives name at least once and only inside the spans."""
    start = text.find(name)
    if start < 0 or not spans:
        return False
    while start >= 0:
        if not any(s <= start and start + len(name) <= e for s, e in spans):
            return False
        start = text.find(name, start + 1)
    return True
