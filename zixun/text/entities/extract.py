"""People, places and organisations named in a text: the tokenizer's part-of-speech tags, checked against the
curated lexicon and the shapes names take (shapes.py), after the names it cut apart are put together
(pieces.py); aliases merged into one name."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

from zixun.text.entities.lexicon import KINDS, TAG_KINDS, Lexicon, lexicon
from zixun.text.entities.pieces import joined, mended
from zixun.text.entities.shapes import (
    ACTS,
    CJK,
    DOTS,
    DOTTED,
    HYPHENS,
    LATIN_ORG,
    LATIN_PERSON,
    LATIN_PERSON_BEFORE,
    NAME_TAGS,
    NOT_NAME_ENDINGS,
    NOT_PERSON_ENDINGS,
    PEOPLE_TAGS,
    PERSON_LIKE_TAGS,
    PLAYS,
    ROLES,
    SAYS,
    SOURCE_TAGS,
    SPORT_WORDS,
    STAT_WORDS,
    SURNAMES,
    TEAM,
    TEAM_HEADS,
    country,
    kind_of,
    person_shaped,
    transliterated,
)
from zixun.text.segment import Token

LIMIT = 20  # names kept per kind and article, most mentioned first
LISTED = 3  # names shaped as people's listed side by side that vouch for each other
# the words of the platform a credited account is on, which end the outlet's name (来源：体教联盟 微信 公众 号: 体教联盟)
_PLATFORM_WORDS = frozenset(["微信", "公众", "公众号"])


def _sources(tokens: list[Token], known_names: dict[str, str], spans: set[int] | None = None) -> Iterable[str]:
    """The outlets an article credits: （来源：红酒世界网）, 内容来源：时尚Cosmo, 文章来源：济南日报, an opening 来源：猫眼电影;
    a credit of several reports (来源：新浪时尚综合) names its outlet without 综合, one before the original title
    (来源：蓝鲸财经原标题：...) without 原标题. In brackets the outlet is all they hold (（来源：企鹅 吃喝/v 指南）); not after
    a sentence (。来源：北京中考/v 在线): in a text that lost its line breaks the outlet's name runs into what follows.
    The platform's words end the name (来源：留学杂志 微信 公众 号 → 留学杂志) and, first, are followed by the account
    (来源：公众号“加申汇”: _account; 微信公众, which the credits gave, is no outlet)."""
    for i in [i for i, token in enumerate(tokens) if token[0] == "来源" and i + 2 < len(tokens)]:
        before = tokens[i - 1][0] if i else ""
        opening = i == 0 or before.isspace()  # the article's (or a line's) first word
        if tokens[i + 1][0] in ":：" and (opening or before in ("(", "（", "内容", "文章", "本文", "新闻")):
            if tokens[i + 2][0] in _PLATFORM_WORDS:
                if account := _account(tokens, i + 2):
                    yield account
                continue
            parts = _bracketed(tokens, i + 2) if before in ("(", "（") else []
            whole = bool(parts)  # the brackets hold the outlet's name alone
            for part, tag in [] if parts else tokens[i + 2 : i + 6]:
                if tag not in SOURCE_TAGS or (parts and part in known_names) or part in _PLATFORM_WORDS:
                    break  # cnBeta 谷歌 宣布: the outlet ends
                parts.append(part)
            name = "".join(parts).removesuffix("综合").removesuffix("原标题")
            if 2 <= len(name) <= 16 and not name.endswith(("截图", "供图", "图片")):
                if spans is not None and whole:  # （来源：太平洋 时尚）: no ocean of its own
                    spans.update(range(i + 2, next(j for j in range(i + 2, len(tokens)) if tokens[j][0] in ")）")))
                yield name


def _account(tokens: list[Token], start: int) -> str | None:
    """The account a credit names after its platform's words, in quotation marks (来源：公众 号 “加申汇”, 来源：微信
    公众 号：“艺非凡”), else None: a title in 《》 is a magazine's, no outlet the readers label."""
    j = start
    while j < len(tokens) and (tokens[j][0] in _PLATFORM_WORDS or tokens[j][0] in ("号", "账号", ":", "：")):
        j += 1
    if j >= len(tokens) or tokens[j][0] != "“":
        return None
    for end in range(j + 1, min(j + 8, len(tokens))):
        if tokens[end][0] == "”":
            name = "".join(w for w, _ in tokens[j + 1 : end])
            return name if 2 <= len(name) <= 16 and (CJK.match(name) or name.isalnum()) else None
    return None


def _bracketed(tokens: list[Token], start: int) -> list[str]:
    """The words from start to a closing bracket a few words on, when all are words (no punctuation), else []."""
    for end in range(start, min(start + 8, len(tokens))):
        word = tokens[end][0]
        if word in (")", "）"):
            return [w for w, _ in tokens[start:end] if not w.isspace()]
        if not (CJK.match(word) or (word.isascii() and word.isalnum()) or word == " "):
            return []
    return []


def named_entities(
    tokens: Iterable[Token],
    limit: int = LIMIT,
    known_word: Callable[[str], bool] | None = None,
    cased: dict[str, str] | None = None,
) -> dict[str, list[str]]:
    """The most mentioned people, places and orgs: {"people": [...], "places": [...], "orgs": [...]}, each
    name in its canonical form (aliases merged). known_word says whether the tokenizer's dictionary has a
    word: a word it does not have, shaped like a name (a family name and one or two characters), is a new
    name the tokenizer found (范丞丞). cased maps the Latin words the text capitalises to how it writes them
    (segment.capitalised): capitalised words shaped like a name are one (Michael Yerger), shown as written."""
    known = lexicon()
    counts: dict[str, Counter] = {kind: Counter() for kind in KINDS}
    confirmed: set[str] = set()  # names the dictionary, a dotted name or the words around one vouch for
    found = joined(mended(tokens, known, known_word, cased))
    sourced: set[int] = set()  # the index of each word of an outlet credited in brackets
    for name in _sources(found, known.kinds, sourced):
        counts["orgs"][known.canonical(name)] += 1
        confirmed.add(known.canonical(name))
    credited = _credited(found, known)  # index of each token of a credited name → the name
    kinds, aliases, new_word_tags, teams = known.kinds, known.aliases, ("n", "nz"), known.teams
    sport: tuple[set[str], bool] | None = None  # the leagues the article names, and whether it is about sport
    titled = 0  # the words before this index are inside title marks
    people: list[tuple[int, str]] = []  # (index, name) of each person named
    maybe: list[tuple[int, str]] = []  # (index, word) of two-character transliterations, people only when listed
    latin_to = 0  # the words before this index are in a Latin organisation's name counted
    apple: bool | None = None  # whether the article names Apple's products or chief (iphone, ios, 库克)
    for i in _may_name(found, credited, known):
        word, tag = found[i]
        if i < titled:
            continue  # a word of a work's title: 《环太平洋》, 《早安英国》 name no ocean and no country
        if i < latin_to or (i in sourced and kind_of(word, tag, known) == "places"):
            continue  # a place inside an outlet credited in brackets names none (（来源：太平洋 时尚）)
        if i in credited:  # counted: at its last word, it may begin a list (记者/夏治斌、刘媛媛)
            if credited.get(i + 1) != credited[i]:
                people.append((i, credited[i]))
            continue
        if word == "《":
            titled = _title_end(found, i)
            continue
        if word in teams and tag != TEAM:
            league, ambiguous = teams[word]
            if ambiguous:
                sport = sport or _sport(found, teams)
                ambiguous = league not in sport[0] and not (sport[1] and kinds.get(word) in (None, "orgs"))
            if not ambiguous:
                counts["orgs"][known.canonical(word)] += 1  # 上港 → 上海上港, 尤文 → 尤文图斯: one club, one name
                continue
        if tag == "eng" and cased and (run := _latin_org_run(found, i, cased)):
            counts["orgs"][" ".join(w for w, _ in found[i:run] if not w.isspace())] += 1  # 网络安全公司 Digital Shadows
            latin_to = run
            continue
        if tag == "eng" and cased and word in cased and word not in kinds and _org_noun_before(found, i):
            if not _inside_latin_word(found, i):
                counts["orgs"][word] += 1  # 控股公司 VMware, 摇滚组合 ALEXANDROS, 新闻网站 Digiday
            continue
        if word.endswith(_PLACE_HEADS) and (place := _place_before_head(word, known)):  # endswith first: every word
            counts["places"][place] += 1  # 香港媒体/nt, 香港电影/n: the tokenizer's word for the place's press or films
            continue
        if word == "苹果" and tag not in NAME_TAGS:
            apple = apple if apple is not None else bool(_APPLE_CUES & {w for w, _ in found})
            if apple:  # 苹果 in an article naming the iPhone, iOS or 库克: the company (the fruit elsewhere)
                counts["orgs"][word] += 1
                confirmed.add(word)
            continue
        if _played(found, i, known):
            character = known.canonical(word)  # 饰演 顺嫔, 扮演 虚竹: a character of a series or film
            counts["people"][character] += 1
            confirmed.add(character)
            people.append((i, character))
            continue
        plain = tag not in NAME_TAGS and word not in kinds and word not in aliases
        # what ends like a role (or a space) just before a word no tag calls a name: _introduced looks closer
        role = plain and i and 2 <= len(word) <= 3 and found[i - 1][0][-1:] in _ROLE_ENDS
        if role and _introduced(found, i, known, known_word):
            counts["people"][word] += 1  # 副总理 颂奇/ag, 局长 素拉切/v: a word the tokenizer lacks, after a role
            confirmed.add(word)
            people.append((i, word))
            continue
        if plain and (tag not in new_word_tags or not _new_name_shaped(found, i)):
            continue  # most words: no name tag, not in the dictionary, not shaped like a new name
        if word.isascii() and word.isalnum() and _inside_latin_word(found, i):
            continue  # sur + vivo + r: the tokenizer cut a dictionary word out of a longer Latin word (Survivor)
        if tag in (LATIN_PERSON, LATIN_ORG) and _glossed(found, i, counts):
            continue  # 卡尔·伊坎(Carl Icahn): the name just counted, spelled out again
        kind = kind_of(word, tag, known)
        sure = kind is not None and (known.canonical(word) in known.kinds or word in known.kinds or tag == DOTTED)
        if kind == "people" and not sure:
            sure = _cued(found, i) or _new_full_name(word, tag, known_word) or _latin_cued(found, i)
        elif kind is None:
            kind = _person_by_context(found, i, known, known_word)
            sure = kind is not None and _cued(found, i)
            if kind is None and _short_transliteration(word, tag, known):
                maybe.append((i, word))  # 卡特/nrt, 拜利/nrt: a person only when listed with one (_listed_with)
        if kind == "places" and tag in ("nr", "nrt") and not country(word) and _player_line(found, i):
            kind, sure = "people", True  # 罗切斯特/nrt 22 分 14 助攻: a player named like a city, by his line
        if kind == "orgs" and known.canonical(word) not in kinds and word not in kinds and _kind_only(found, i, cased):
            continue  # 一家 云 服务公司, 很多 硅谷 公司, 网络安全公司 Digital Shadows: a kind of company, no name
        if kind == "orgs" and _posted_on(found, i):
            continue  # 在Instagram上晒出: the platform a post is on, no organisation that acts
        if kind == "places" and _event_named(found, i):
            continue  # 虹桥 国际经贸 论坛, 瑞典 公开赛: a place inside an event's name
        if kind == "places" and _body_named(found, i):
            continue  # 美国 国家 衰老 研究所, 中国 数字经济 投融资 联盟: a place inside an institution's name
        if kind == "places" and _listed_with_club(found, i, known) and not country(word):
            sport = sport or _sport(found, teams)
            kind = "orgs" if sport[1] or sport[0] else kind  # 巴塞罗那 和 尤文图斯, 在 巴塞罗那 或者 拜仁慕尼黑: clubs
        if kind:
            name = known.canonical(word)
            counts[kind][name] += 1
            if sure:
                confirmed.add(name)
            if kind == "people":
                people.append((i, name))
    _home_teams(counts)
    for name in dict.fromkeys(credited.values()):  # after the names of the story, which rank first in a tie
        counts["people"][name] += 1
        confirmed.add(name)
    listed = _listed_with(people, maybe, confirmed, found)
    confirmed.update(listed)
    for _, word in maybe:
        if word in listed:
            counts["people"][word] += 1
    kept = {kind: [w for w, _ in c.most_common(limit)] for kind, c in counts.items()}
    kept["people"] = _people_kept(counts["people"], confirmed, limit, known)
    return {kind: [_shown(w, known, cased) for w in names] for kind, names in kept.items()}


def _people_kept(counts: Counter, confirmed: set[str], limit: int, known: Lexicon) -> list[str]:
    """The people kept: of the limit most mentioned, those named twice or more or vouched for; a place one named
    once and unconfirmed took and lost is given to the next person the dictionary has (in a roll call of 30 names
    the dictionary's own are not pushed out by words the tokenizer only took for names)."""
    ranked = counts.most_common()
    kept = [w for w, n in ranked[:limit] if n >= 2 or w in confirmed]
    for w, n in ranked[limit:]:
        if len(kept) >= limit:
            break
        if known.kinds.get(w) == "people" and (n >= 2 or w in confirmed):
            kept.append(w)
    return kept


def _may_name(tokens: list[Token], credited: dict[int, str], known: Lexicon) -> list[int]:
    """The indexes of the tokens named_entities must look at: every token but those that reach one of its loop's
    `continue`s with nothing counted (no name tag, credit, word of the lexicon, Latin word, place before a head word,
    苹果, character tag, new name's shape or role before it). Most tokens are such words: finding the others in one
    comprehension takes less time than the loop's checks took, token by token (the extractor runs on every article in
    the analysis workers, the largest part of what entities add to an ingest)."""
    words = known.words
    return [
        i
        for i, ((word, tag), (before, _)) in enumerate(zip(tokens, [("", ""), *tokens], strict=False))
        if tag in _MAY_NAME_TAGS
        or word in words
        or word in _MAY_NAME_WORDS
        or i in credited
        or word.endswith(_PLACE_HEADS)
        or (tag == "n" and len(word) == 3 and word[0] in SURNAMES)  # _new_name_shaped
        or (before[-1:] in _ROLE_ENDS and 2 <= len(word) <= 3)  # role (no token before the first: "" is no end)
    ]


def _listed_with_club(tokens: list[Token], i: int, known: Lexicon) -> bool:
    """Whether the place tokens[i] stands beside a club, one list mark or match word apart (巴塞罗那 和 尤文图斯,
    巴塞罗那 或者 拜仁慕尼黑): a club's city named for the club. The club: one of teams.txt whose name is nothing else,
    or a team named with 队."""
    if i + 1 < len(tokens) and (tokens[i + 1][1].startswith("n") or tokens[i + 1][1] == TEAM):
        return False  # 大连 阿尔滨, 贝尔格莱德 红星, 洛杉矶 球市: the place begins a longer name or is a market
    for mark, other in ((i + 1, i + 2), (i - 1, i - 2)):
        if 0 <= other < len(tokens) and tokens[mark][0].strip() in _PAIR_MARKS:
            club = known.teams.get(tokens[other][0])
            if (club and not club[1]) or tokens[other][1] == TEAM:  # not 骑士, 巴塞罗那: also a word or a place
                return True
    return False


# what says that 苹果 is Apple: its products and its chief (read over the corpus: 157 articles, 30 of 30 the company)
_APPLE_CUES = frozenset(["iphone", "ipad", "ios", "macbook", "airpods", "imac", "macos", "库克"])
_PLAYS = frozenset(["饰演", "扮演"])
_CHARACTER_TAGS = frozenset(["nr", "nrt", "nz", "nrfg"])  # not n: 扮演 情侣, 饰演 国王
# the tags and words _may_name keeps whatever else (name tags, Latin words, _played's and _new_name_shaped's tags)
_MAY_NAME_TAGS = frozenset([*NAME_TAGS, *_CHARACTER_TAGS, "eng", "nz"])
_MAY_NAME_WORDS = frozenset(["《", "苹果"])
_AFTER_CHARACTER = frozenset(["，", "。", "、", "）", ")", ",", "；", ";"])


def _played(tokens: list[Token], i: int, known: Lexicon) -> bool:
    """Whether tokens[i] is a character an actor plays: a word of two to four characters tagged as a name just after
    饰演 or 扮演 and just before a pause (扮演 霍青桐 ，, 饰演 苗若兰 、), no place, organisation, role or word listed as
    no name (not 扮演 情侣 ，, 饰演 国王 。: ordinary words, tagged n)."""
    word, tag = tokens[i]
    if tag not in _CHARACTER_TAGS or not 2 <= len(word) <= 4 or not CJK.match(word):
        return False
    before, after, _ = _around(tokens, i)
    if before not in _PLAYS or after not in _AFTER_CHARACTER:
        return False
    if word in ROLES or word in known.not_names:
        return False
    return known.kinds.get(known.canonical(word)) in (None, "people")


def _home_teams(counts: dict[str, Counter]) -> None:
    """Count as an organisation a province or city the article names a team of (江苏女排, 辽宁队, 青岛男篮, 山东西王男篮):
    named alone there it is the team (江苏 鏖战五局 惜败给 上海, 逆转 吉林), as the labels give it; not a country (中国队:
    a country named for its national team is a place)."""
    for place in [p for p in counts["places"] if not country(p) and not p.endswith("洲")]:  # not 亚洲 of 亚洲男篮
        if any(org.startswith(place) and org.endswith(_TEAM_ENDS) and org != place for org in counts["orgs"]):
            counts["orgs"][place] += counts["places"].pop(place)


_TEAM_ENDS = ("队", *TEAM_HEADS[2:])  # 女排, 男篮 ...: not 卫视
_LIST_MARKS = frozenset(["、", "和", "与", "及"])
# what stands between two clubs named side by side or in a match (巴塞罗那 或者 拜仁慕尼黑, 汉堡 vs 科隆)
_PAIR_MARKS = frozenset([*_LIST_MARKS, "或者", "或", "vs", "对阵", "战胜", "击败", "逼平"])
# words that credit who wrote, edited or was asked for a report: the name after one is a person's, whatever the
# tokenizer made of it ((记者：周慧晓婉), 审稿：李小飞, 编译/露天, (通讯员 王/nr 文中/s), 受访专家：王奕鸣/i)
_CREDITS = frozenset(
    ["记者", "通讯员", "编辑", "责任编辑", "实习编辑", "责编", "审稿", "校对", "作者", "编译", "撰文", "实习生", "翻译"]
)  # fmt: skip
_CREDIT_MARKS = frozenset([":", "：", "/", "／"])  # what may stand between the credit and the name
_CREDIT_ENDS = frozenset([")", "）", "/", "／", "、", ""])  # what ends a credited name (and whitespace)
# what a credited name is followed by: what the person did (记者 王伟报道, 西瓜/文)
_CREDITED_WORK = frozenset(["报道", "摄", "摄影", "图片", "供图", "图", "文", "整理", "编译", "发自", "综合"])
_NOT_NAME_START = frozenset(["r", "c", "p", "d", "u", "uj", "m"])  # what no credited name begins with (你, 如果)
_OUTLET_ENDS = ("网", "社", "报", "台", "部", "局")  # a credited outlet or office (作者：海外网, 翻译：熊猫译社)
# what a credit names that is no one: 作者：佚名, 编辑：小编
_NOT_CREDITED = frozenset(["佚名", "小编", "网友", "本报", "综合", "整理", "报道", "编辑", "摄影", "记者", "本文"])


def _credited(tokens: list[Token], known: Lexicon) -> dict[int, str]:
    """The names credit lines give ((记者 杨畅 周慧晓婉), 审稿：李小飞, 编译/露天): {index of each of their tokens: name}.
    A credit is one of _CREDITS with a colon, a slash or a space after it, or at a byline's start (（通讯员 王文中）);
    its names are the runs of two to four Chinese characters (three words at most) up to a bracket, a space, a
    slash or 、; the ones after the first begin with a word tagged as a name. And the name a report is signed with
    (_signature)."""
    found: dict[int, str] = {}
    for c in [
        c for c, (word, _) in enumerate(tokens) if word in _CREDITS or (word == "专家" and _interviewed(tokens, c))
    ]:
        j = _past_spaces(tokens, c + 1)
        marked = j > c + 1 or (j < len(tokens) and tokens[j][0] in _CREDIT_MARKS)
        if j < len(tokens) and tokens[j][0] in _CREDIT_MARKS:
            j = _past_spaces(tokens, j + 1)
        if not marked and _around(tokens, c)[0] not in ("(", "（"):
            continue  # 记者曾到现场, 专家解读: a role in a sentence or a heading (_introduced looks at it)
        if marked and (handle := _handle(tokens, j)):
            found[handle[0]] = handle[1]  # （编辑：@philtre）, （编辑：Flora）: an editor's handle
            continue
        first = True
        while j < len(tokens):
            k = j
            while k < len(tokens) and k - j < 3 and CJK.match(tokens[k][0]):
                k += 1
            end = tokens[k][0] if k < len(tokens) else ""
            if k - j > 1 and tokens[j][0] in ROLES:  # 文/记者 冯冯
                j += 1
            if k - j > 1 and tokens[k - 1][0] in _CREDITED_WORK:  # 记者 王伟 报道, 魏佳 图片
                k -= 1
            if j < k and (tokens[j][1] in _NOT_NAME_START or tokens[k - 1][0] in ROLES or tokens[k - 1][0] in _CREDITS):
                break  # 记者：你认为 ..., 记者 李佳 编辑
            name = known.canonical("".join(w for w, _ in tokens[j:k]))
            if not (end in _CREDIT_ENDS or end.isspace()) or not 2 <= len(name) <= 4 or name in _NOT_CREDITED:
                break
            if known.kinds.get(name, "people") != "people" or name.endswith(_OUTLET_ENDS) or name in ROLES:
                break
            if not first and tokens[j][1] not in PEOPLE_TAGS:
                break  # (记者 张三 报道): the names after the first are tagged as names
            found.update((n, name) for n in range(j, k))
            first = False
            if end != "、" and not (end.isspace() and "\n" not in end):
                break
            j = _past_spaces(tokens, k + 1)
    for j in [j for j, (word, _) in enumerate(tokens) if word in ("(", "（") and 0 < j < len(tokens) - 3]:
        if name := _signature(tokens, j, known):
            found.update((n, name) for n in range(j + 1, j + 1 + _signed_words(tokens, j)))
    return found


def _handle(tokens: list[Token], j: int) -> tuple[int, str] | None:
    """(index, name) of a handle credited at tokens[j]: one Latin word, an @ before it or not, closing the brackets
    of the credit (（编辑：@philtre）, （编辑：Flora）: over the corpus 64 such credits, all editors' handles)."""
    if j < len(tokens) and tokens[j][0] == "@":
        j += 1
    if j + 1 >= len(tokens) or tokens[j][1] != "eng" or tokens[j + 1][0] not in (")", "）"):
        return None
    return (j, tokens[j][0]) if len(tokens[j][0]) >= 3 else None


_SENTENCE_ENDS = frozenset(["。", "！", "？", "!", "?", "”", "…", "……"])
_NOT_SIGNATURE_TAGS = frozenset(["i", "l", "m", "v", "vn", "d", "c", "p", "r", "u", "uj"])


def _signed_words(tokens: list[Token], j: int) -> int:
    """How many words stand in the brackets opened at tokens[j], up to three (0 when more)."""
    for n in range(1, 4):
        if j + n < len(tokens) and tokens[j + n][0] in (")", "）"):
            return n - 1
    return 0


def _signature(tokens: list[Token], j: int, known: Lexicon) -> str | None:
    """The name a report is signed with: two to four Chinese characters in brackets after its last sentence, a line
    ending after them (。（泽宇）, 。（小/a 风/n）, 。（维金/n）); not a known place or outlet, an idiom (（未完待续）) or
    words of which one after the first is an ordinary word (（肆客 足球）, （冰雪 季节）: an outlet's or a column's name)."""
    n = _signed_words(tokens, j)
    after = tokens[j + n + 2][0] if j + n + 2 < len(tokens) else "\n"
    if not n or "\n" not in after or _around(tokens, j)[0] not in _SENTENCE_ENDS:
        return None
    words = tokens[j + 1 : j + 1 + n]
    name = known.canonical("".join(w for w, _ in words))
    if not 2 <= len(name) <= 4 or not CJK.match(name) or name.endswith(_OUTLET_ENDS) or name in _NOT_CREDITED:
        return None
    if known.kinds.get(name, "people") != "people" or (n == 1 and words[0][1] in _NOT_SIGNATURE_TAGS):
        return None
    if any(len(w) > 1 and t not in PEOPLE_TAGS for w, t in words[1:]):
        return None
    return name


def _interviewed(tokens: list[Token], c: int) -> bool:
    """Whether the 专家 at tokens[c] credits the expert a report asked (受访专家：王奕鸣), not one of a headline."""
    return c > 0 and tokens[c - 1][0] == "受访"


def _past_spaces(tokens: list[Token], j: int) -> int:
    """The index of the first token from j that is no space within a line."""
    while j < len(tokens) and tokens[j][0].isspace() and "\n" not in tokens[j][0]:
        j += 1
    return j


# what the tokenizer's dictionary cuts as one word with a place before it (香港媒体, 香港电影, 北京市民): the place is
# named all the same (据香港媒体报道 names 香港 as 据台湾媒体报道 names 台湾, which it cuts apart)
_PLACE_HEADS = ("媒体", "电影", "市民")


def _place_before_head(word: str, known: Lexicon) -> str | None:
    """The known place a word is made of with one of _PLACE_HEADS after it, else None."""
    for head in _PLACE_HEADS:
        if word.endswith(head) and len(word) > len(head):
            place = known.canonical(word[: -len(head)])
            if known.kinds.get(place) == "places":
                return place
    return None


def _short_transliteration(word: str, tag: str, known: Lexicon) -> bool:
    """Whether a word is a two-character transliteration tagged as one (卡特, 拜利): mostly a piece of a longer
    name or an ordinary word (令人, 多达) alone, a person when listed side by side with one."""
    return tag == "nrt" and len(word) == 2 and transliterated(word) and word not in known.not_names


def _listed_with(
    people: list[tuple[int, str]], maybe: list[tuple[int, str]], confirmed: set[str], tokens: list[Token]
) -> set[str]:
    """The people named in one list with a confirmed person (桑切斯、卢卡库、马夏尔 and 拉什福德), or in a list of
    LISTED or more names shaped as people's (孙春兰、黄坤明、朱镕基 ...: a roll of officials): names listed side by
    side, one word of 、, 和, 与 or 及 apart, are of one kind, so the list's vouched-for name vouches for the rest.
    maybe: words that are people only in such a list (_short_transliteration), not counted among the LISTED."""
    entries = sorted([(i, name, True) for i, name in people] + [(i, word, False) for i, word in maybe])
    runs: list[list[tuple[str, bool]]] = []
    for n, (i, name, shaped) in enumerate(entries):
        if n and i - entries[n - 1][0] == 2 and tokens[i - 1][0] in _LIST_MARKS:
            runs[-1].append((name, shaped))
        else:
            runs.append([(name, shaped)])
    found: set[str] = set()
    for run in runs:
        names = [name for name, _ in run]
        if len(run) > 1 and (confirmed.intersection(names) or sum(shaped for _, shaped in run) >= LISTED):
            found.update(names)
    return found


def _shown(name: str, known: Lexicon, cased: dict[str, str] | None) -> str:
    """How a name is shown: as the dictionary spells it (NBA), else its Latin words as the text writes them
    (Michael Yerger, TimeOut北京)."""
    if name in known.shown or not cased:
        return known.display(name)
    return _LATIN_WORD.sub(lambda word: cased.get(word[0], word[0]), name)


_LATIN_WORD = re.compile(r"[a-z0-9]+")


def _title_end(tokens: list[Token], start: int) -> int:
    """The index of the 》 closing the title marks opened at start (within 12 words), or start when there is none
    or they hold a newspaper's name (pieces.py makes 《每日邮报》 one organisation)."""
    for stop in range(start + 1, min(start + 13, len(tokens))):
        if tokens[stop][0] == "》":
            return start if stop == start + 2 and tokens[start + 1][1] == "nt" else stop
    return start


_NOT_ORG_WORDS = frozenset(["cfo", "cto", "coo", "usb", "the", "app", "logo"])
_ORG_NOUNS = (
    "公司", "组合", "乐队", "媒体", "网站", "机构", "电视台", "集团", "银行", "基金", "平台", "研究机构", "外媒", "男团", "女团",
    "供应商", "厂商", "制造商", "运营商", "组织", "基金会", "通讯社", "杂志社", "工作室", "战队", "事务所", "初创企业",
)  # fmt: skip


def _latin_alone(tokens: list[Token], i: int) -> bool:
    """Whether the Latin word tokens[i] may be a name alone: three letters or more, no role, no common word, not the
    first of several Latin words (The Weeknd, Big Hit)."""
    word = tokens[i][0]
    if len(word) < 3 or not word.isalnum() or word in ROLES or word in _NOT_ORG_WORDS:  # not 乐队 MV, 公司 CEO
        return False
    return not (i + 2 < len(tokens) and tokens[i + 1][0] == " " and tokens[i + 2][1] == "eng")


_NOT_LATIN_ORG = frozenset([*ROLES, *_NOT_ORG_WORDS, "usb", "how", "style", "os"])  # words of no organisation's name


def _latin_org_run(tokens: list[Token], i: int, cased: dict[str, str]) -> int:
    """The index after the Latin words from tokens[i] when two or three of them, one space apart and each capitalised,
    follow a word saying what kind of organisation they name (网络安全公司 Digital Shadows, 模特公司 Next Models, 韩国媒体
    The Bell), else 0."""
    if not _around(tokens, i)[0].endswith(_ORG_NOUNS):
        return 0
    end = i
    while end < len(tokens) and end - i < 6:
        word, tag = tokens[end]
        if tag != "eng":
            break
        if word not in cased or not word.isalpha() or len(word) < 2 or (word in _NOT_LATIN_ORG and word != "the"):
            return 0  # not CEO Onur H, USB PD, TO B; The Bell, The Information
        end += 1
        if end + 1 < len(tokens) and tokens[end][0] == " " and tokens[end + 1][1] == "eng":
            end += 1
        else:
            break
    if end < len(tokens) and (tokens[end][1] == "eng" or tokens[end][0] == "."):
        return 0  # a lower-case word after: not the name whole (TLC Foundation for BFRBs, Sanford C. Bernstein)
    while end > i and tokens[end - 1][0].isspace():
        end -= 1
    return end if sum(1 for w, _ in tokens[i:end] if not w.isspace()) >= 2 else 0


def _org_noun_before(tokens: list[Token], i: int) -> bool:
    """Whether the word before tokens[i] says what kind of organisation it names (控股公司, 摇滚组合)."""
    before, after, _ = _around(tokens, i)
    if after[:1] in _NAME_GOES_ON or after == "分部":
        return False  # 事务所 Vandeventer + Carlander, 组合 King & Prince: a longer name; 战队LOL分部, a division
    return tokens[i][0].isalpha() and _latin_alone(tokens, i) and before.endswith(_ORG_NOUNS)


_NAME_GOES_ON = frozenset("+&-–")


# what ends an event's name: the place just before it (or one word before) is inside the name, no mention of its own
_EVENTS = (
    "论坛",
    "峰会",
    "博览会",
    "公开赛",
    "大奖赛",
    "锦标赛",
    "马拉松",
    "电影节",
    "音乐节",
    "时装周",
    "亚运会",
    "奥运会",
    "大师赛",
    "巡回赛",
    "奥运",
    "冬奥会",
    "青奥会",
    "全运会",
    "运动会",
    "世锦赛",
    "世博会",
    "艺术节",
    "车展",
)
_NUMERALS = frozenset("一二三四五六七八九十两几半每")  # 一杯: a cup of something
_NOT_IN_EVENT = frozenset(["p", "c", "uj", "ul", "r"])
# verbs of taking part between a place and an event (代表 中国 征战 亚洲杯, 开赴 阿联酋 参加 亚洲杯)
_GOING_TO = frozenset(["参加", "征战", "出战", "夺得", "举办", "举行", "进行", "前往", "备战", "参赛", "出征", "赢得", "获得"])  # fmt: skip


def _event_named(tokens: list[Token], i: int) -> bool:
    """Whether the place tokens[i] begins an event's name: an event's head word just after it, or one word after it
    (瑞典 公开赛, 虹桥 国际经贸 论坛, 北京 奥运会)."""
    after = [(w, t) for w, t in tokens[i + 1 : i + 4] if not w.isspace()][:2]
    if not after or _event_head(after[0][0]):
        return bool(after)
    # one word between, no verb or particle (中国 征战 亚洲杯, 开赴 阿联酋 参加 亚洲杯: the place is no part of the name)
    middle, tag = after[0]
    return len(after) > 1 and _event_head(after[1][0]) and tag not in _NOT_IN_EVENT and middle not in _GOING_TO


# what ends an institution's name a place begins (美国 + 环境 工作 组织): shapes.ORG_ENDINGS less teams, press, offices
_BODY_ENDS = ("大学", "学院", "研究所", "研究院", "科学院", "学会", "协会", "委员会", "基金", "联盟", "组织", "法院", "中心", "医院")  # fmt: skip
_BODY_MIDDLE = frozenset(["n", "nz", "vn", "j", "b", "l", "ng", "an", "a", "f"])  # fmt: skip  # nouns, no verb or particle


def _body_named(tokens: list[Token], i: int) -> bool:
    """Whether the place tokens[i] begins an institution's name the extractor does not give: it runs straight into one
    to three common words, then a word ending as an institution does (美国 国家 衰老 研究所, 中国 北方 老年病 学会,
    杭州 互联网 法院), and the place inside is no mention of its own, as the readers label. Not a place before a named
    institution (美国 纽约州立大学, 英国 格拉斯哥大学, 香港 养和医院): the readers mostly label the place there."""
    for k, (word, tag) in enumerate(tokens[i + 1 : i + 5]):
        if k and len(word) >= 2 and word.endswith(_BODY_ENDS) and CJK.match(word):
            return True
        if tag not in _BODY_MIDDLE or not CJK.match(word) or word.endswith(_BODY_ENDS):
            return False
    return False


def _event_head(word: str) -> bool:
    """Whether a word ends an event's name: one of _EVENTS, a cup (世界杯, 足协杯, 解放者 + 杯; not 一杯) or a
    tournament cut short (瑞典 + 赛)."""
    if word.endswith(_EVENTS) or word in ("杯", "赛"):
        return True
    return len(word) >= 3 and word.endswith("杯") and CJK.match(word) is not None and word[0] not in _NUMERALS


# a count or a demonstrative of firms or schools (一家, 这家, 多所, 很多): what follows is a kind of body, no name
_COUNTERS = frozenset("家所")
_COUNTING = _NUMERALS | frozenset("这那该某多几每")  # what goes before 家 or 所 in such a count
_SOME = frozenset(["很多", "许多", "一些", "这些", "那些", "不少", "其他", "其它", "各", "某", "各家", "众多"])


def _kind_only(tokens: list[Token], i: int, cased: dict[str, str] | None) -> bool:
    """Whether the organisation tokens[i], a word the dictionary lacks, names only a kind of body: after a count or a
    demonstrative of firms (一家 云服务公司, 很多 硅谷公司, 一所 中专学校), or just before the body's Latin name the
    extractor counts (云服务公司 Dropbox, 谷歌母公司 Alphabet, 网络安全公司 Digital Shadows; not 集团 CMO, 大学 MBA)."""
    before = tokens[i - 1][0] if i else ""
    counted = len(before) == 2 and before[1] in _COUNTERS and before[0] in _COUNTING
    if counted or before in _SOME:
        return True
    if not cased or i + 1 >= len(tokens) or not CJK.match(tokens[i][0]):
        return False
    if _latin_org_run(tokens, i + 1, cased):
        return True
    latin = cased.get(tokens[i + 1][0], "")  # one word as written: not in capitals (集团 CMO, 公司 CTO: a role)
    return bool(latin) and not latin.isupper() and _org_noun_before(tokens, i + 1)


def _posted_on(tokens: list[Token], i: int) -> bool:
    """Whether tokens[i] names the platform something was posted on: 在 before it and 上 after (在Instagram上分享)."""
    before, after, _ = _around(tokens, i)
    return before == "在" and after == "上"


def _inside_latin_word(tokens: list[Token], i: int) -> bool:
    """Whether the Latin word tokens[i] runs into a Latin letter before or after it (digits may: NBA2K)."""
    before = tokens[i - 1][0][-1:] if i > 0 else ""
    after = tokens[i + 1][0][:1] if i + 1 < len(tokens) else ""
    return (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha())


def _glossed(tokens: list[Token], i: int, counts: dict[str, Counter]) -> bool:
    """Whether tokens[i] stands in brackets just after a name counted: its original spelling."""
    before, _, earlier = _around(tokens, i)
    return before in ("(", "（") and bool(CJK.match(earlier)) and any(earlier in c for c in counts.values())


def _sport(tokens: list[Token], teams: dict[str, tuple[str, bool]]) -> tuple[set[str], bool]:
    """The leagues an article names (by name or by one of their clubs whose name is nothing else: 凯尔特人 says
    NBA), and whether two words of a match say it is about sport (主场, 赛季, 球迷 ...)."""
    words = {word for word, _ in tokens}
    leagues = {teams[w][0] for w in words & teams.keys() if not teams[w][1]}
    return leagues, len(words & SPORT_WORDS) >= 2


def _new_full_name(word: str, tag: str, known_word: Callable[[str], bool] | None) -> bool:
    """Whether a word tagged as a person is a Chinese full name the tokenizer found itself: a family name and two
    characters, no word of its dictionary, whole or in part (朱欣佚, 鲁忠芳; not 李宁牌, a word it has) - a name
    even when named once (on the tuning splits 10 such names were people and 4 were not: 成姜茶, 汤代茶)."""
    if known_word is None or tag != "nr" or len(word) != 3 or word[0] not in SURNAMES or not CJK.match(word):
        return False
    return not (known_word(word) or known_word(word[:2]) or known_word(word[1:]))


def _new_name_shaped(tokens: list[Token], i: int) -> bool:
    """Whether a word the tokenizer tags n or nz may be a new name: a family name and two characters (范丞丞), or
    two characters tagged nz after a role (导演 哈文)."""
    word, tag = tokens[i]
    if len(word) == 3:
        return word[0] in SURNAMES
    return len(word) == 2 and tag == "nz" and _around(tokens, i)[0] in ROLES


def _introduced(tokens: list[Token], i: int, known: Lexicon, known_word: Callable[[str], bool] | None) -> bool:
    """Whether tokens[i] is a name a role introduces though the tokenizer tags it as no name: a word of two or
    three characters its dictionary lacks, just after a role (泰国副总理 颂奇/ag, 局长 素拉切/v, 董事 韩置/v)."""
    word = tokens[i][0]
    if not 2 <= len(word) <= 3 or known_word is None:
        return False
    before, after, _ = _around(tokens, i)
    if not _role(before):
        return False
    if not CJK.match(word) or known_word(word) or word in known.not_names or word[-1] in NOT_NAME_ENDINGS:
        return False
    if not (word[0] in SURNAMES or transliterated(word)):
        return False  # a name begins with a family name or is a transliteration (not 总经理 一职)
    # and what follows ends the name: a verb of saying, a pause, 在 ... (记者 曾到 现场: 曾 + 到 is no name)
    return after in SAYS or after in ACTS or not CJK.match(after) or after in _AFTER_NAME


_ROLE_ENDS = frozenset([*(role[-1] for role in ROLES), " ", "\u3000", "\n", "\t"])  # the last character of a role
_AFTER_NAME = frozenset(
    ["在", "也", "还", "则", "等", "和", "与", "一行", "先生", "女士", "的", "结婚", "离婚", "去世", "逝世", "出生"]
)


def _person_by_context(
    tokens: list[Token], i: int, known: Lexicon, known_word: Callable[[str], bool] | None
) -> str | None:
    """'people' when a name-like token the tags do not call a person is one: the words around it say so
    (a role before it: 记者 滕朝, 导演 哈文; a verb of saying after it: 陈戌源 表示; a byline in brackets), or it
    is a new word (not in the tokenizer's dictionary) of a family name and two characters (范丞丞)."""
    word, tag = tokens[i]
    if tag not in PERSON_LIKE_TAGS or not 2 <= len(word) <= 4 or not CJK.match(word) or known.kinds.get(word):
        return None
    if word[-1] in NOT_NAME_ENDINGS or word.endswith(NOT_PERSON_ENDINGS):
        return None
    if word in known.not_names:  # reviewed as no name: only a role or a verb of saying says otherwise (CEO 张勇)
        return "people" if tag.startswith("nr") and person_shaped(word, tag) and _cued(tokens, i, strong=True) else None
    before = _around(tokens, i)[0]
    if tag in ("n", "nz"):  # a new word shaped like a name, or a new name a role introduces (导演 哈文)
        new = known_word is not None and not known_word(word)
        if len(word) == 3 and word[0] in SURNAMES:
            if new and not (known_word(word[:2]) or known_word(word[1:])):  # 卫衣里, 成学渣: words run together
                return "people"
        elif not (new and tag == "nz" and len(word) == 2 and before in ROLES):
            return None
    return "people" if _cued(tokens, i) else None


def _cued(tokens: list[Token], i: int, strong: bool = False) -> bool:
    """Whether the words around tokens[i] say it names a person: a role or an @ before it (主教练 索拉里,
    @陈意涵), a verb of saying or acting after it (陈戌源 表示, 王大陆 扮演), or a byline in brackets ((木尔));
    strong: a role, a verb of saying or a byline only."""
    before, after, earlier = _around(tokens, i)
    if after in DOTS or after in HYPHENS:
        return False  # 律师 吉尔 · 波力斯波尔斯: a first name (news gives a dotted name by its last part)
    byline = before in "(（" and after in ")）" and tokens[i][1] in PEOPLE_TAGS
    role = _role(before)
    if strong:
        return role or after in SAYS or byline
    if before in '“"「' and earlier in PLAYS:  # a role in quotes: 扮演 “原湘琴”
        return True
    return role or before == "@" or after in SAYS or after in ACTS or byline or _stat_line(tokens, i)


def _latin_cued(tokens: list[Token], i: int) -> bool:
    """Whether a capitalised Latin name beginning with a given name (tagged LATIN_PERSON) is a person's by the words
    around it: a partner or a poster before it (男友 Chris Zylka, 未婚夫 Jack Brooksbank, 用户 Jessica Whitaker), or
    what only a person does after it (Josh Malerman 所著, Jonathan Akeroyd 也 继续 担任, Lucy Koh 法官; not 则:
    Louis Vuitton 则 排名第 18 位)."""
    if tokens[i][1] != LATIN_PERSON:
        return False
    before, after, _ = _around(tokens, i)
    return before in LATIN_PERSON_BEFORE or (after in _LATIN_PERSON_AFTER and before not in _BRAND_WORDS)


_LATIN_PERSON_AFTER = frozenset(["所著", "法官", "本人", "夫妇", "也"])
_BRAND_WORDS = frozenset(["品牌", "牌子", "大牌", "时装屋"])  # 品牌 James Taylor 也 不错: a brand named for a person


def _role(word: str) -> bool:
    """Whether a word is a role or ends with one (记者; 英国首相 特蕾莎, 综合科主任 王胜强)."""
    return word in ROLES or (len(word) > 3 and (word[-2:] in ROLES or word[-3:] in ROLES))


def _player_line(tokens: list[Token], i: int, reach: int = 4) -> bool:
    """Whether a number and 分, 篮板, 助攻 ... follow tokens[i] at once, among the next reach tokens (罗切斯特 22 分): a
    player's line, no verb between."""
    words = [w for w, _ in tokens[i + 1 : i + 1 + reach] if not w.isspace()]
    return len(words) >= 2 and words[0].isdigit() and words[1] in STAT_WORDS


def _stat_line(tokens: list[Token], i: int) -> bool:
    """Whether a player's line follows tokens[i]: a number, then 分, 篮板, 助攻 ... (米尔斯 20 分), or a verb of scoring
    before them."""
    if _player_line(tokens, i, reach=5):
        return True
    words = [w for w, _ in tokens[i + 1 : i + 6] if not w.isspace()]
    # a verb of scoring between (卫猛 也 摘下 10 个 篮板, 吴楠 得到 18 分), after no syllable it may be a piece of (瓦兰西 纳斯)
    before, tag = tokens[i - 1] if i else ("", "")
    if CJK.match(before) and (transliterated(before) or tag in ("nr", "nrt", "nrfg")):
        return False  # 威廉/nrt 姆森
    at = 2 if len(words) > 3 and words[0] in ("也", "则", "还", "更") else 1
    return len(words) > at + 1 and words[at - 1] in _SCORES and words[at].isdigit() and words[at + 1] in STAT_WORDS


_SCORES = frozenset(["得到", "拿下", "砍下", "摘下", "贡献", "送出", "轰下", "斩获", "狂砍", "拿到", "抢下", "交出"])


def _around(tokens: list[Token], i: int) -> tuple[str, str, str]:
    """The words just before and after tokens[i], and the one before that, whitespace skipped (记者 滕朝)."""
    j = i - 1
    while j >= 0 and tokens[j][0].isspace():
        j -= 1
    k = i + 1
    while k < len(tokens) and tokens[k][0].isspace():
        k += 1
    h = j - 1
    while h >= 0 and tokens[h][0].isspace():
        h -= 1
    return (tokens[j][0] if j >= 0 else ""), (tokens[k][0] if k < len(tokens) else ""), (tokens[h][0] if h >= 0 else "")


def tagged_names(tokens: Iterable[Token], limit: int = 10) -> dict[str, list[str]]:
    """The tokenizer's name tags alone, as zixun extracted names before the dictionary (the baseline that
    `zixun eval entities` reports beside named_entities)."""
    counts: dict[str, Counter] = {kind: Counter() for kind in KINDS}
    for word, tag in tokens:
        kind = TAG_KINDS.get(tag)
        if kind and len(word) >= 2:
            counts[kind][word] += 1
    return {kind: [w for w, _ in c.most_common(limit)] for kind, c in counts.items()}
