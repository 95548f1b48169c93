"""Rules that keep two articles of one topic but different events apart, however alike their words.

Coverage of one event shares its words; so do two games played the same night, two provinces' notices of
the same exam, or two earthquakes a year apart. What tells them apart is in the facts a headline states:
the score, the date, the teams, people and places it names, one actor announcing other things days apart, a meeting's
host, a person's own act, and when the articles were published; and, for one actor's headlines, the days their texts
tell of. Each article's facts are read once (Facts.of); conflict() compares two articles' facts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from zixun.ingest.dates import SHANGHAI
from zixun.text.entities.lexicon import lexicon
from zixun.text.entities.shapes import country
from zixun.text.normalize import fold

WINDOW_DAYS = 4.0  # two articles published further apart than this tell of different events
_SCORE = re.compile(r"(?<![\d.:：+])(\d{1,3})\s*(?:[-:：]|比)\s*(\d{1,3})(?![\d.:：+])")
_PLACE_SUFFIX = re.compile(r"(省|市|自治区|特别行政区|地区|县|区)$")
_DATE = re.compile(r"(\d{1,2})月(\d{1,2})日")
_YEAR = re.compile(r"((?:19|20)\d{2})年")
_SPACE = re.compile(r"\s+")
# a score after one of these is the score of part of a game (雄鹿3节105-79, 半场55-40), not its result
_PART_OF_GAME = ("节", "半场", "节后", "节结束")
# a basketball game's score in the text (以129-127战胜, 95比91: the final score, or one on the way): reports of one
# game give the same ones, reports of other games others; a range of a quantity (100-150元, 60-80岁) is none
_UNITS = "元万亿千百米克斤年月日天个岁分秒层名人次倍位件台辆度码公里"
_GAME_SCORE = re.compile(rf"(?<![\d.:：+\-])(\d{{2,3}})\s*(?:[-:：]|比)\s*(\d{{2,3}})(?![\d.:：%％+]|\s*[{_UNITS}])")
# a product's model in a headline: letters and digits together (w2019, 6t, r17, s10, mate20), not a year
_MODEL = re.compile(r"(?<![a-z0-9])(?:[a-z]+\d+[a-z]*|\d+[a-z]+)(?![a-z0-9])")
# two headlines of one series' template differ only in the thing each is about (实用口语：“懒虫”/“唠叨”英语怎么说？,
# 山东理工大学/泰山医学院2019年硕士研究生招生简章, 小米/京东将于11月19日发布2018年第三季度财报): they end alike in at least
# _TEMPLATE_END characters and share at least _TEMPLATE_SHARED characters and _TEMPLATE_SHARE of the longer
_TEMPLATE_END = 3
_TEMPLATE_SHARED = 6
_TEMPLATE_SHARE = 0.4
# times a text names the organisation its subject's words are taken for (Facts.affiliation): a company or club the text
# keeps naming, not an outlet named in passing (chosen on heldout3-5: 2 and 3 cost heldout4 a story's fringe)
_AFFILIATION_MENTIONS = 4
# people two texts name in common for two headlines about two people to be one event's when only one text names the
# other's person (汤晓鸥's words at the 民营企业座谈会 name 习近平 and himself, 李彦宏's name both and more; 鲁尼's recall and
# the squad naming him, each of 英格兰's players): chosen on heldout4 and heldout6
_CAST = 2
# days from which two headlines opening with one actor announcing, and with nothing else in common, tell of two of its
# announcements (滴滴's first replies to users and its public review panel two days later; 马斯克's interview and his
# tweets): coverage of one announcement is dense within them (the labelled stories' members, dated within 36 hours of
# their event, cannot show what a shorter span would cost)
ACTOR_DAYS = 1.5
# what follows the actor that opens an announcement's headline: its words (马斯克：…, 滴滴:…) or a verb announcing
# (马斯克宣布…, 滴滴公布…, 滴滴试行…)
_ANNOUNCES = re.compile(r"[：:]|宣布|称|公布|表示|回应|发布|推出|试行|上线|启动")
# the days an article's text says it tells of (Facts.told): the months and days (11月4日) in its first _TOLD_CHARS
# characters that fall on its publish day (in China) or up to _TOLD_BEFORE days before it (a date ahead is a plan,
# 11月7日开售; one further back what led to it, 9月30日 of a quarter's end); 300 characters: a lead and its next
# sentences (200 left 周琦's rumour of the 7th undated beside his debut of the 4th; the labelled splits and the corpus
# otherwise the same)
_TOLD_CHARS = 300
_TOLD_BEFORE = 2
# days from which two texts' days tell of two of one actor's actions (_other_days)
_TOLD_APART = 2
# a text that tells of a death: its coverage goes on for days (tributes, the family, the funeral), each piece told on
# its own day, and is one story (蓝洁瑛's death and the actors' association's word of her family two days later)
_DEATH = re.compile(r"去世|逝世|离世|病逝|猝死|猝逝|身亡|辞世|死讯|噩耗|悼念|追悼|缅怀|遗体")
# a meeting's headline (应勇会见比尔·盖茨, 外交部长王毅会见…): one host and one guest, met once (_other_meeting)
_MEETS = re.compile(r"会见|会晤|接见")
# acts a person does alone, each a family of words (德尔波特罗因伤退赛 beside 纳达尔因伤退出总决赛): two people's are two
# events, whatever their texts name of each other (_other_person)
_SOLO_ACTS = (re.compile(r"退赛|退出"), re.compile(r"退役"), re.compile(r"辞职|辞任|请辞"))


@dataclass(frozen=True)
class Facts:
    """What a headline states: the scores, dates, years and product models written in it; the people, places and
    organisations it names; its words; when the article was published (else stored), and the days its text tells of.
    And the signs two reports of one event share beyond their headlines' names (signs): the scores of a game the text
    gives, the person the article names most when its headline names them too (its subject, as "@name"), and then the
    organisation its text keeps naming when the headline names none (its subject's company or club: affiliation)."""

    scores: frozenset[tuple[int, int]]
    dates: frozenset[tuple[int, int]]
    years: frozenset[str]
    models: frozenset[str]
    people: frozenset[str]
    places: frozenset[str]
    orgs: frozenset[str]
    at: datetime
    results: frozenset[str] = frozenset()  # the game scores of the text
    subject: frozenset[str] = frozenset()  # "@name" of the person the article names most, if its headline does
    # its places that are no country: a headline names a country as a side (中国女排, 战胜中国的只有你, 日本一人连击)
    # or beside one of its cities (上海 and 中国版纳斯达克 of one announcement), a province or city as where it happens
    regions: frozenset[str] = frozenset()
    headline: str = ""  # the headline without spaces (one series' template: _template)
    # the people its text names (reports of one game or row quote different people in their headlines, and each
    # names the other's too: 穆里尼奥 and C罗 of one game, 伊藤美诚 and 朱雨玲 of one final; 金庸's tributes do not
    # name 李咏)
    mentioned: frozenset[str] = frozenset()
    # the organisation its text names most (no source it credits), when its headline is about its subject: a chief's
    # or spokesman's words are their company's (李彦宏：… beside 百度发布L4级乘用无人车 of one conference)
    affiliation: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()  # the headline's words (terms of two characters or more)
    # the name its headline opens with (马斯克：…, 滴滴公布…, 金庸谈笔名…), whether it opens announcing (_ANNOUNCES
    # after it), and then its text, folded (kept only for these: what _other_things reads)
    actor: str = ""
    announcing: bool = False
    text: str = ""
    told: frozenset[date] = frozenset()  # the days its text says it tells of (_told)
    speakers: frozenset[str] = frozenset()  # the people its headline quotes (盖茨：…, 比尔·盖茨:…)

    @property
    def names(self) -> frozenset[str]:
        return self.people | self.places | self.orgs

    @property
    def signs(self) -> frozenset[str]:
        return self.results | self.subject | self.affiliation

    @classmethod
    def of(cls, title: str, entities: dict, at: datetime, body: str = "", words: Iterable[str] = ()) -> Facts:
        """The facts of a headline, given the names found in its article (entities: people, places, orgs, each
        the most mentioned first), its text and the headline's words (its terms)."""
        text = _SPACE.sub("", title)
        known = lexicon()
        scores = _set(
            pair
            for found in _SCORE.finditer(text)
            if _is_score(pair := tuple(sorted((int(found[1]), int(found[2]))))) and not _part_of_game(text, found)
        )

        def named(kind: str) -> frozenset[str]:
            # the headline is folded (lower case: c罗, ff), the names as the text writes them (C罗, FF), each by its
            # canonical name (上海上港 of a headline that says 上港)
            return _set(
                n for n in entities.get(kind, []) if len(n) >= 2 and any(f in text for f in known.forms(n.lower()))
            )

        people = named("people")
        subject = entities.get("people", [])[:1]
        places = _set(_PLACE_SUFFIX.sub("", n) or n for n in named("places"))
        orgs = named("orgs")
        forms = {n: known.forms(n.lower()) for n in people | places | orgs}  # each name's forms, asked once
        opening = sorted(((len(f), n, f) for n, fs in forms.items() for f in fs if text.startswith(f)), reverse=True)
        actor, form = (opening[0][1], opening[0][2]) if opening else ("", "")
        return cls(
            scores=scores,
            dates=_set((int(m), int(d)) for m, d in _DATE.findall(text)),
            years=_set(_YEAR.findall(text)),
            models=_set(_MODEL.findall(text.lower())),
            people=people,
            places=places,
            orgs=orgs,
            at=at,
            results=_set(_game_scores(body)),
            subject=_set(f"@{n}" for n in subject if n in people),
            regions=_set(p for p in places if not country(p)),
            headline=text,
            mentioned=_set(entities.get("people", [])),
            affiliation=_set(_first_org(entities, body) if subject and subject[0] in people and not orgs else ()),
            words=_set(words),
            actor=actor,
            announcing=bool(actor) and bool(_ANNOUNCES.match(text, len(form))),
            text=fold(body) if actor else "",
            told=_set(_told(body, at)),
            speakers=_set(n for n in people if any(f"{f}：" in text or f"{f}:" in text for f in forms[n])),
        )


_NONE: frozenset = frozenset()


def _first_org(entities: dict, body: str) -> list[str]:
    """The organisation the text names most, not counting those it credits as its source (新浪, 新京报), when it
    names it at least _AFFILIATION_MENTIONS times (an outlet or a channel named in passing is no one's company)."""
    credited = set(entities.get("credited", []))
    first = [o for o in entities.get("orgs", []) if o not in credited][:1]
    return [o for o in first if body.lower().count(o.lower()) >= _AFFILIATION_MENTIONS]


def _told(body: str, at: datetime) -> Iterator[date]:
    """The days the text says it tells of: the months and days its first _TOLD_CHARS characters give that fall on the
    publish day (in China) or up to _TOLD_BEFORE days before it (the year is the publish day's, or the one before for
    a December day read in January); none for a text that tells of a death (_DEATH)."""
    if _DEATH.search(body):
        return
    published = (at if at.tzinfo else at.replace(tzinfo=SHANGHAI)).astimezone(SHANGHAI).date()
    for month, day in _DATE.findall(body[:_TOLD_CHARS]):
        try:
            found = date(published.year - (int(month) > published.month), int(month), int(day))
        except ValueError:
            continue
        if timedelta(0) <= published - found <= timedelta(days=_TOLD_BEFORE):
            yield found


def _set(items) -> frozenset:
    """A frozenset of items; the one empty set when there are none (a stories pass keeps thousands of Facts,
    most of their sets empty: 216 bytes each when made anew)."""
    return frozenset(items) or _NONE


def _is_score(pair: tuple[int, int]) -> bool:
    """Whether a pair of numbers in a headline reads as a final score: a basketball game's (both from 50 to
    200) or a low one (both under 10: football, volleyball, tennis); not a run (25:1), a stat (34-84)."""
    low, high = pair
    return _basketball(low, high) or high < 10


def _basketball(low: int, high: int) -> bool:
    return low >= 50 and high <= 200


def _part_of_game(text: str, found: re.Match) -> bool:
    """Whether the score found is the score of part of a game: after 3节, 半场 (no copy of the text before it)."""
    return text.endswith(_PART_OF_GAME, 0, found.start())


def _game_scores(text: str) -> Iterator[str]:
    """The scores of basketball games the text gives ("91-95"), as signs: both from 50 to 200 and at most 60
    apart (wider is a range), and no score of part of a game (3节105-79)."""
    for found in _GAME_SCORE.finditer(text):
        low, high = sorted((int(found[1]), int(found[2])))
        if _basketball(low, high) and high - low <= 60 and not _part_of_game(text, found):
            yield f"{low}-{high}"


def days_apart(a: Facts, b: Facts) -> float:
    return abs((a.at - b.at).total_seconds()) / 86400


def conflict(a: Facts, b: Facts) -> str | None:
    """Why two articles cannot tell of one event (a short reason), or None when nothing says so."""
    if days_apart(a, b) > WINDOW_DAYS:
        return "time"
    if a.scores and b.scores and not a.scores & b.scores:
        return "score"  # two games: each headline gives its own result
    if a.dates and b.dates and not a.dates & b.dates:
        return "date"
    if a.years and b.years and not a.years & b.years:
        return "year"
    if a.models and b.models and not a.models & b.models:
        return "model"  # two products of one maker
    if _other_days(a, b):
        return "days"  # one actor's actions of other days
    if actor := _actor_only(a, b):
        if a.announcing and b.announcing and days_apart(a, b) >= ACTOR_DAYS:
            return "actor"  # one person's or company's announcements of other days
        if (a.announcing or b.announcing) and _other_things(a, b, actor):
            return "things"  # one actor's announcements about other things
    if _other_sayings(a, b):
        return "sayings"  # one person's words of two days
    if _other_meeting(a, b):
        return "meeting"  # one guest met by two hosts
    if _beside_meeting(a, b) or _beside_meeting(b, a):
        return "host"  # a meeting and its guest's other doings
    if a.people & b.people:
        return None
    if _other_person(a, b):
        return "person"  # two people's own acts of one kind
    if len(a.orgs) >= 2 and len(b.orgs) >= 2 and len(a.orgs & b.orgs) < 2:
        return "teams"  # each headline names its own pair of teams
    if a.orgs & b.orgs:
        return None  # one team or company: players and officials of one event differ from headline to headline
    if a.results & b.results:
        return None  # one game's score in both texts: its players and coaches differ from headline to headline
    if a.regions and b.regions and not a.regions & b.regions:
        return "place"  # the same notice of two provinces
    if a.people and b.people and not a.places & b.places and not _name_each_other(a, b):
        return "people"  # each headline about someone else
    if _template(a, b):
        return "template"  # one series, another thing each
    return None


def _actor_only(a: Facts, b: Facts) -> str:
    """The actor two headlines open with when it is the one name they have in common and they share no other word
    (else ""): coverage of one event keeps its words (the measure, the product, the project), one actor's other
    announcements share only the actor (滴滴公布意见征求第1期反馈结果 and 滴滴试行公众评议会投票 two days later)."""
    actor = a.actor
    if not actor or actor != b.actor or a.names & b.names != {actor}:
        return ""
    return actor if all(actor in w or w in actor for w in a.words & b.words) else ""


def _other_things(a: Facts, b: Facts, actor: str) -> bool:
    """Whether neither text names a word of the other's headline beyond the actor: 马斯克's tunnel opening in December
    and the batteries of his Chinese factory, tweeted the same morning, never name each other. Pieces of one interview
    may not either (马斯克：特斯拉皮卡… beside 马斯克：为提高Model 3产量…), so it is a soft conflict: groups holding some of
    each are linked by the other pieces."""
    mine = [w for w in a.words if not (actor in w or w in actor)]
    theirs = [w for w in b.words if not (actor in w or w in actor)]
    return bool(mine and theirs) and not any(w in b.text for w in mine) and not any(w in a.text for w in theirs)


def _other_days(a: Facts, b: Facts) -> bool:
    """Whether two headlines naming one actor tell of its actions on other days: the people and organisations one
    names are among those the other names (苹果 and 苹果, 库克; not 陈乔恩 and 金庸 beside 金庸 and 邓小平), and every day
    one text says it tells of is _TOLD_APART or more from every day the other's does (苹果's launch, told on 31 October,
    and its results on 2 November; 张勇's pledge at the 进博会 on the 6th and his interview on the 9th; 小德's semi-final
    on the 4th and the ATP Finals draw on the 6th). Coverage of one event, however its headlines vary, gives its day;
    an actor's next action is told with its own. A preview that also gives the day it looks to (小米's London launch,
    announced on the 7th for the 8th) is none apart from the reports of that day."""
    mine, theirs = a.people | a.orgs, b.people | b.orgs
    if not a.told or not b.told or not mine & theirs or not (mine <= theirs or theirs <= mine):
        return False
    return all(abs((x - y).days) >= _TOLD_APART for x in a.told for y in b.told)


def _other_sayings(a: Facts, b: Facts) -> bool:
    """Whether two headlines about one person, one of them quoting them (盖茨：…), tell of their words on two
    occasions: the person is the one name they have in common, they share no other word, and their texts tell of no
    day in common (盖茨's forum speech, told on the 5th, and his words at the toilet expo, told on the 6th). Soft: an
    interview's pieces may be told on the days it came out (马斯克：目前不会再接受来自沙特方面的投资 beside 马斯克再对交通工具
    改造), and a group holding some of each links them."""
    speaker = (a.speakers | b.speakers) & a.people & b.people
    if len(speaker) != 1 or a.names & b.names != speaker or not a.told or not b.told or a.told & b.told:
        return False
    (name,) = speaker
    return all(name in w or w in name for w in a.words & b.words)


def _other_meeting(a: Facts, b: Facts) -> bool:
    """Whether two meeting headlines tell of two meetings: each names a person the other does not (应勇会见比尔·盖茨 and
    彭丽媛会见…比尔·盖茨 of one day: one guest, two hosts)."""
    return (
        bool(_MEETS.search(a.headline) and _MEETS.search(b.headline))
        and bool(a.people - b.people)
        and bool(b.people - a.people)
    )


def _beside_meeting(a: Facts, b: Facts) -> bool:
    """Whether a meeting's headline and another headline, no meeting's, tell of two events: the other text never
    names the host (应勇会见比尔·盖茨 beside 比尔·盖茨：中国能成"第三波浪潮"催化剂 of his forum speech the day before). A
    guest's words told of the meeting name who met them; soft, as a piece may still leave them out."""
    return bool(_MEETS.search(a.headline)) and not _MEETS.search(b.headline) and bool(a.people - b.people - b.mentioned)


def _other_person(a: Facts, b: Facts) -> bool:
    """Whether two headlines about two people tell of each one's own act of one kind (德尔波特罗因伤退赛 and 纳达尔因伤
    退出总决赛 of one tournament): their texts name each other's people as the field they withdraw from, which does not
    make them one event."""
    return bool(a.people and b.people) and any(act.search(a.headline) and act.search(b.headline) for act in _SOLO_ACTS)


def _name_each_other(a: Facts, b: Facts) -> bool:
    """Whether each article's text names someone the other's headline names (one event's people, each headline
    quoting another of them), or one text does and the two name at least _CAST people in common (one event's cast: a
    guest's words at a forum name its host and the other guests, one of whom has a headline of their own)."""
    mine, theirs = bool(a.people & b.mentioned), bool(b.people & a.mentioned)
    return (mine and theirs) or ((mine or theirs) and len(a.mentioned & b.mentioned) >= _CAST)


def _template(a: Facts, b: Facts) -> bool:
    """Whether two headlines are one template's with another thing in its slot: alike at the end and around the
    slot (see _TEMPLATE_END), the two things sharing no two characters in a row, and what the headlines share naming
    nothing (邹文怀去世：成龙撰文悼念 and 邹文怀去世：生前曾栽培李小龙 are one event's headlines, each its angle)."""
    mine, theirs = a.headline, b.headline
    if mine[-_TEMPLATE_END:] != theirs[-_TEMPLATE_END:] or mine == theirs:
        return False
    start = _alike_from_start(mine, theirs)
    end = _alike_from_start(mine[start:][::-1], theirs[start:][::-1])
    if start + end < max(_TEMPLATE_SHARED, _TEMPLATE_SHARE * max(len(mine), len(theirs))):
        return False
    slot, other = mine[start : len(mine) - end], theirs[start : len(theirs) - end]
    if len(slot) < 2 or len(other) < 2 or _pairs(slot) & _pairs(other):
        return False
    shared = f"{mine[:start]}\n{mine[len(mine) - end :]}"
    return not any(name in shared for name in a.names | b.names)


def _alike_from_start(one: str, other: str) -> int:
    """How many characters two strings begin with alike."""
    for k, (mine, theirs) in enumerate(zip(one, other, strict=False)):
        if mine != theirs:
            return k
    return min(len(one), len(other))


def _pairs(text: str) -> set[str]:
    return {text[k : k + 2] for k in range(len(text) - 1)}
