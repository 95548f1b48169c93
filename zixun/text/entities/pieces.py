"""Names the tokenizer cut apart, put together: a family name and its given name (王 + 大陆), the pieces of a
transliteration (艾哈迈 + 多夫), a dotted full name (勒布朗·詹姆斯), a newspaper in title marks, a Latin-script name
of several words, a team without its 队, the names before an organisation's head word (中国 + 传媒大学)."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable

from zixun.text.entities.lexicon import Lexicon, lexicon
from zixun.text.entities.shapes import (
    ACTS,
    CJK,
    DOTS,
    DOTTED,
    FIRM,
    FIRST_NAMES,
    GIVEN_TAGS,
    HELD_TAGS,
    HYPHENS,
    JAPANESE_SURNAMES,
    JOINED,
    LATIN_ORG,
    LATIN_PERSON,
    LATIN_PERSON_BEFORE,
    MEND_TAGS,
    MORPHEMES,
    NATIONAL_TEAMS,
    NOT_GIVEN,
    NOT_NAME_ENDINGS,
    NOT_NAME_STARTS,
    OFFICE_HEADS,
    ORG_ENDINGS,
    ORG_HEADS,
    ORG_WORDS,
    PEOPLE_TAGS,
    PLAYS,
    PROVINCES,
    ROLES,
    SAYS,
    SITE,
    SPLIT_TAGS,
    SURNAMES,
    TEAM,
    TEAM_TAGS,
    country,
    kind_of,
    transliterated,
)
from zixun.text.segment import Token

_START_WORDS = frozenset(["《", "小", *JAPANESE_SURNAMES])  # words mended looks at whatever their tag
# the tags of words that end a name rather than go on with it (说, 和, 的, 在, 都)
_NOT_PIECE_TAGS = frozenset(["v", "vn", "c", "p", "u", "uj", "ul", "uz", "ug", "d", "r", "m", "y", "f", "a"])
# the tags of a single character that may begin a name (张/q 常宁, 德/ns 安东尼, 卡/n 佩拉, 林/ng 德洛夫; nr is
# looked at as a name's first piece anyway)
_FIRST_PIECE = frozenset(["q", "ns", "n", "ng"])
# the tags of a given name after a family name tagged nr that count only when the article names the two twice
_GIVEN_ALSO = frozenset(["a", "ns"])
_PAPERS = ("日报", "晚报", "晨报", "时报", "都市报", "商报", "青年报")  # a newspaper's name ends with one
_PAPER_TAGS = frozenset(["n", "nz", "nt"])  # what the tokenizer tags a newspaper it has as a word
# a newspaper's name the tokenizer cut off the city's before it (北京 + 商报, 南国 + 早报)
_PAPER_WORDS = frozenset([*_PAPERS, "早报", "快报", "商报", "法制报", "科技报"])
# the words that make a website's name only after a name (澳洲 + 网, 中国 + 新闻网)
_SITE_WORDS = frozenset(["网", "新闻网", "中文网", "英文网", "门户网"])
# words ending with 网 that name no website: networks, nets and going online (互联网, 上网, 官网 of any company)
_NOT_SITES = frozenset([
    "互联网", "物联网", "局域网", "因特网", "蜘蛛网", "万维网", "以太网", "广域网", "城域网", "铁丝网", "防护网", "安全网", "关系网", "保护网", "天罗地网", "法网", "球网", "渔网", "联网", "上网", "官网", "外网", "内网", "社交网", "校园网", "宽带网", "光网", "触网", "入网", "结网", "撒网", "落网", "漏网", "拦网", "电网", "光纤网", "无线网", "移动网", "卫星网", "交通网", "公路网", "铁路网", "高铁网", "管网", "路网", "水网", "情网", "天网", "火网", "鱼网", "发网", "补网", "收网", "破网"
])  # fmt: skip
# what a transliterated name's last syllable cut off it is tagged (顿/q, 里/f; 姆/x: a character the tokenizer has no word
# for alone)
_LAST_SYLLABLE = ("q", "g", "ng", "f", "x")


def mended(
    tokens: Iterable[Token],
    known: Lexicon,
    known_word: Callable[[str], bool] | None,
    cased: dict[str, str] | None = None,
) -> list[Token]:
    """The tokens with the names the tokenizer cut apart put together, tagged JOINED: a family name and
    its given name (王 + 大陆, 陈 + 意涵, 李子 + 璇, 郭明 + 𫓹), the pieces of a transliterated name (艾哈迈 + 多夫,
    汤姆 + 菲尔 + 顿; a first name before a last name the dictionary has is dropped: 蒂姆 库克 → 库克); a name
    run into the next word cut off it (陈玉珊继 → 陈玉珊 + 继); a newspaper in title marks joined into one
    organisation (《 每日 邮报 》); a Latin-script name of two or three words that the dictionary has (elon +
    musk), tagged eng, or a capitalised one shaped like a person's or an organisation's name (_latin_name); a team or club as its name (上港俱乐部 → 上港, tagged TEAM) when the dictionary has the
    name or the tokenizer does not know the word (开拓者队); a full name cut in two in a list of people (曹柔理、安宥 真、崔艺娜);
    a state university cut after its state (亚利桑那州 + 立 + 大学); a news app cut off 新闻记者 (封面 + 新闻记者); a
    country or province and a place in it, cut as one word, as the two places (法国巴黎, 吉林长春/nr)."""
    tokens = tokens if isinstance(tokens, list) else list(tokens)
    # the few places to look at, found by one comprehension (most tokens need nothing)
    starts = [
        i
        for i, (w, t) in enumerate(tokens)
        if t in MEND_TAGS
        or w in _START_WORDS
        or (t in TEAM_TAGS and w[-1] in "队部")
        or (len(w) == 1 and t in _FIRST_PIECE)
        or (t == "x" and len(w) > 1 and _rare_name(w))
        or (t == "nt" and len(w) >= 4)
        or w in _FIRM_WORDS
        or w == _OUTLET_REPORTER
        or w == "、"
        or w == "立"
        or (len(w) >= 4 and t in _TWO_PLACES_TAGS and _two_places(w, known.kinds))
    ]
    if not starts:
        return tokens
    named = _named_twice(tokens, starts, known)
    out: list[Token] = []
    done = 0  # tokens before done are in out
    for i in starts:
        if i >= done:
            out.extend(tokens[done:i])
            done = _mend_at(tokens, i, out, known, known_word, cased or {}, named)
    out.extend(tokens[done:])
    return out


def _mend_at(
    tokens: list[Token],
    i: int,
    out: list[Token],
    known: Lexicon,
    known_word: Callable[[str], bool] | None,
    cased: dict[str, str],
    named: frozenset[str] = frozenset(),
) -> int:
    """Append to out what tokens[i] and the tokens after it that belong to it make; the index after them.
    named: family name + word pairs the article names twice or more (_named_twice)."""
    end = len(tokens)
    token = tokens[i]
    word, tag = token
    if len(word) >= 4 and tag in _TWO_PLACES_TAGS and (places := _two_places(word, known.kinds)):
        out.extend(((places[0], "ns"), (places[1], "ns")))  # 法国巴黎/ns, 美国纽约/nz, 吉林长春/nr: two places
        return i + 1
    if word == "、" and _listed_cut_name(tokens, i, out, known, known_word):
        out.extend((token, (tokens[i + 1][0] + tokens[i + 2][0], JOINED)))  # 崔艺娜、安宥/v 真/d、权恩菲: one name
        return i + 3
    if word == "立" and _state_university(tokens, i, out):  # 宾夕法尼亚州/ns 立/v 大学教授/n: a state university
        rest = tokens[i + 1][0][len("大学") :]
        out[-1] = (out[-1][0] + "立大学", "nt")
        if rest:
            out.append((rest, tokens[i + 1][1]))  # 教授 of 大学教授
        return i + 2
    if word == _OUTLET_REPORTER:
        if out and _news_outlet(out[-1], known):  # 封面/n + 新闻记者: 封面新闻's reporter
            out[-1] = (out[-1][0] + "新闻", FIRM)
            out.append(("记者", "n"))
        else:
            out.append(token)
        return i + 1
    if word in _FIRM_WORDS:
        if out and _firm_name(tokens, i, out, known, known_word):
            out[-1] = (out[-1][0] + word, FIRM)  # 连尚/a + 网络, 柔宇/n + 科技: a firm named by a word of its own
        else:
            out.append(token)
        return i + 1
    # 周鸿祎, 王燊超: a name with a character the tokenizer's dictionary lacks is tagged x (no word): a name
    if tag == "x" and _rare_name(word):
        token = word, tag = word, "nr"
    if tag == "nt" and (foreign := _foreign(word, known.kinds)):
        rest_tag = "n" if foreign[1] in _BARE_HEADS else "nt"  # 日本公司: a company of Japan, no name
        out.extend(((foreign[0], "ns"), (foreign[1], rest_tag)))  # 美国明尼苏达大学: the country stays a place
        return i + 1
    if word == "《":
        paper = _newspaper(tokens, i + 1)
        if paper:  # a place it begins with is part of its name (成都 of 《成都商报》), no place of its own
            out.extend((token, (paper[0], "nt")))
            return paper[1]
    if tag in TEAM_TAGS and word[-1] in "队部" and len(word) > 2:
        team = _team(word, known, known_word)
        if team:
            out.append((team, TEAM))
            return i + 1
    if tag == "eng":
        latin = _latin_name(tokens, i, known, cased)
        if latin:
            out.append((latin[0], latin[2]))
            return latin[1]
    if word == "小" and i + 1 < end and _junior(tokens[i + 1], known):
        out.append((word + tokens[i + 1][0], JOINED))  # 小/a + 哈达威/nr: a son named for his father (Jr.), no other
        return i + 2
    if i + 1 < end and word in JAPANESE_SURNAMES:  # 川上/ns + 洋平/n, 广濑 + 信义: a Japanese name
        after, after_tag = tokens[i + 1]
        if after_tag in (*GIVEN_TAGS, "ns") and 1 <= len(after) <= 2 and CJK.match(after) and _given(after):
            out.append((word + after, JOINED))
            return i + 2
    if i + 2 < end and tag in ("nr", "q") and word in SURNAMES and _introduced_given(tokens, i, known):
        out.append((word + tokens[i + 1][0], JOINED))  # 营养科主任 王/nr 兴国/ns 提醒, 稽查专员 张/q 晋京/ns 说
        return i + 2
    if i + 1 < end and len(word) == 1 and (tag in _FIRST_PIECE or tag == "nr"):
        after, after_tag = tokens[i + 1]
        # 张/q + 常宁/nr: a family name the tokenizer took for a measure word; 博/nr + 塔斯/nrt, 德/ns + 安东尼/nr:
        # the first syllable of a transliteration cut off it (林/ng + 德洛夫/nr: a family name, but no Chinese given
        # name has three characters)
        family = tag == "q" and word in SURNAMES and after_tag in ("nr", "nrfg") and len(after) == 2
        syllable = (
            (tag == "ns" or word not in SURNAMES or len(after) >= 3) and after_tag in ("nr", "nrt") and len(after) >= 2
        )
        syllable = syllable and (tag != "n" or after_tag == "nrt")  # 卡/n + 佩拉/nrt
        if (family and CJK.match(after)) or (syllable and transliterated(word + after)):
            out.append((word + after, JOINED))
            return i + 2
    if tag not in SPLIT_TAGS or i + 1 == end:
        out.append(token)
        return i + 1
    after, after_tag = tokens[i + 1]
    if len(word) >= 3 and word[-1] == "场" and after.startswith("均"):  # 吴楠场/nr 均: a player's 场均 (per game)
        out.extend(((word[:-1], tag), ("场", "q")))
        return i + 1
    if len(word) == 1:
        if word in SURNAMES and after_tag in GIVEN_TAGS and len(after) <= 2 and CJK.match(after) and _given(after):
            out.append((word + after, JOINED))
            return i + 2
        if word + after in named:  # 毛/nr + 不易/a, 陈/nr + 平原/ns, twice or more
            out.append((word + after, JOINED))
            return i + 2
    elif (
        len(word) == 2
        and word[0] in SURNAMES
        and len(after) == 1
        and tag != "nrt"
        and (_given_end(word, after, after_tag, tokens, i + 2, known) or _introduced_end(tokens, i, known))
    ):
        out.append((word + after, JOINED))
        return i + 2
    elif _pieces(word, tag, after, after_tag, known):
        if known.kinds.get(after) == "people":  # a first name and a known last name (蒂姆 库克): the last
            out.append((after, DOTTED))
            return i + 2
        name, i = word + after, i + 2
        if i < end and len(tokens[i][0]) == 1 and transliterated(tokens[i][0]) and tokens[i][1] in ("q", "g", "nrt"):
            name, i = name + tokens[i][0], i + 1
        out.append((name, JOINED))
        return i
    elif len(after) == 1 and len(word) >= 2 and transliterated(word + after) and _last_syllable(word, after_tag, known):
        out.append(
            (word + after, JOINED)
        )  # 塞克斯/nr + 顿/q, 兰德/nrt + 里/f, 舒斯特/nr + 尔/nr: the last syllable cut off
        return i + 2
    elif (
        word[0] in SURNAMES
        and (len(word) == 4 or (len(word) == 3 and word[-1] in _RUN_INTO_TWO and not _piece_before(out)))
        and word[-1] in NOT_NAME_ENDINGS
    ):
        # 陈玉珊继, 刘冰以, 张宏说, 费根称: not 陈忠和, 张永和 (和 ends names)
        out.extend(((word[:-1], tag), (word[-1], "v" if word[-1] in SAYS else "d")))
        return i + 1
    out.append(token)
    return i + 1


# what a name of two characters is run into by the tokenizer and no given name ends with: 以 and verbs of saying (刘冰以,
# 张宏说, 费根称); a name of three characters run into any of NOT_NAME_ENDINGS (陈玉珊继)
_RUN_INTO_TWO = frozenset("以说称")


def _junior(token: Token, known: Lexicon) -> bool:
    """Whether a word after 小 is a transliterated person the dictionary has, of three characters or more (小 + 加索尔,
    小 + 克鲁伊夫, 小 + 哈达威): the son or the younger of two players of that name, as sports news calls him."""
    word, tag = token
    return len(word) >= 3 and tag in SPLIT_TAGS and transliterated(word) and known.kinds.get(word) == "people"


def _piece_before(out: list[Token]) -> bool:
    """Whether the word just before is a name's piece, so that a name of two characters after it is the end of a longer
    one (舍夫/nrt 沙万说, 久保/v 龙彦说, 雷克/nr 霍姆称: not 沙万, 龙彦, 霍姆)."""
    return bool(out) and (out[-1][1] in SPLIT_TAGS or out[-1][0] in JAPANESE_SURNAMES)


# what a firm's name ends with after a word of its own (柔宇科技, 连尚网络)
# (not 网络, 娱乐, 唱片, 电子 or 物流: 家校网络, 电竞娱乐, 英语唱片, 诚信电子, 冷链物流 name none)
_FIRM_WORDS = frozenset(["科技", "资本", "集团", "传媒", "控股", "影业", "影视", "汽车", "证券"])
_FIRM_NAME_TAGS = frozenset(["nr", "nrt", "nz"])
_NOT_FIRM_STARTS = frozenset([*NOT_NAME_STARTS, *"即这那每各该此某其几最两"])
_NOT_FIRM_TAGS = frozenset(["m", "x", "eng", "v", "d", "p", "c", "u", "uj", "r", "f", "t", "q"])
# what goes on after a firm's word in a company's registered name, which _offices reads whole (上海 聚力 传媒 技术 有限公司)
_FIRM_GOES_ON = frozenset(["电子", "技术", "文化", "发展", "股份", "小额", "贷款", "有限", "集团", "控股", "科技", "网络", "管理"])  # fmt: skip


_LIST_ENDS = frozenset(["、", "和", "与", "及", "等"])  # what ends a name listed after 、
_NOT_PIECES = frozenset(["x", "eng", "p", "c", "u", "uj", "ul", "y"])  # what no piece of a cut name is tagged


def _listed_cut_name(
    tokens: list[Token], i: int, out: list[Token], known: Lexicon, known_word: Callable[[str], bool] | None
) -> bool:
    """Whether the two words after the 、 at tokens[i] are one Chinese full name the tokenizer cut apart, listed
    after a person's name: three characters, a family name first, no word of its dictionary, ending where the list
    goes on (张元英、曹柔理、安宥/v 真/d、崔艺娜; 金彩/n 元/m 、金珉周): a list's items are of one kind."""
    if known_word is None or i + 3 >= len(tokens) or not out or tokens[i + 3][0] not in _LIST_ENDS:
        return False
    before, before_tag = out[-1]
    if before_tag not in PEOPLE_TAGS or kind_of(before, before_tag, known) != "people":
        return False  # 智能家居/nr、车联 网: no person's name
    (first, first_tag), (second, second_tag) = tokens[i + 1], tokens[i + 2]
    name = first + second
    if len(name) != 3 or first_tag in _NOT_PIECES or second_tag in _NOT_PIECES or not CJK.match(name):
        return False
    return name[0] in SURNAMES and not known_word(name) and name not in known.kinds and name not in known.not_names


def _state_university(tokens: list[Token], i: int, out: list[Token]) -> bool:
    """Whether the 立 at tokens[i] is the middle of a state university's name the tokenizer cut after the state: a place
    ending with 州 before it, a word beginning with 大学 after it (宾夕法尼亚州 + 立 + 大学, 亚利桑那州 + 立 + 大学)."""
    if not out or i + 1 >= len(tokens) or not tokens[i + 1][0].startswith("大学"):
        return False
    before, tag = out[-1]
    return tag == "ns" and len(before) >= 3 and before.endswith("州") and CJK.match(before) is not None


# the tokenizer's word for a news reporter: the word it cut off before it is a news app's name (封面 + 新闻记者, 紫牛,
# 上游, 界面, 看法: 封面新闻, 紫牛新闻 ...), the news outlet the reporter writes for
_OUTLET_REPORTER = "新闻记者"
_OUTLET_NAME_TAGS = frozenset(["n", "nz", "f", "v", "j"])


def _news_outlet(before: Token, known: Lexicon) -> bool:
    """Whether the word just before 新闻记者 is a news outlet's own name: two Chinese characters tagged as a noun, a
    place word or a verb (封面/n, 上游/f, 看法/v), no name the lexicon has (网易 stays 网易) or lists as none, no verb of
    playing a part (饰演/n 新闻记者) and no role (over the corpus every such word but 饰演 is an outlet)."""
    word, tag = before
    if len(word) != 2 or tag not in _OUTLET_NAME_TAGS or not CJK.match(word):
        return False
    return not (word in known.kinds or word in known.not_names or word in PLAYS or word in ROLES or word in SAYS)


def _firm_name(
    tokens: list[Token], i: int, out: list[Token], known: Lexicon, known_word: Callable[[str], bool] | None
) -> bool:
    """Whether the word just before the firm's word tokens[i] (科技, 网络, 资本 ...) is the firm's own name: two
    characters the tokenizer's dictionary lacks, no name the lexicon has or lists as none (柔宇 + 科技, 连尚 + 网络),
    after a Chinese word that is no country (法国 赛峰 集团: a foreign firm with its country; Boost 缓震 科技, N 项黑
    科技: no firm) and not in a registered name that goes on (上海 聚力 传媒 技术 有限公司)."""
    word, tag = out[-1]
    if known_word is None or len(word) != 2 or tag in _NOT_FIRM_TAGS or not CJK.match(word):
        return False
    if (known_word(word) and tag not in _FIRM_NAME_TAGS) or word in known.kinds or word in known.not_names:
        return False  # a word of the tokenizer's, unless it took it for a name (凯兴/nrt + 资本, 金石/nr + 集团)
    if word[0] in _NOT_FIRM_STARTS or word[-1] in "着了过":
        return False  # 即陆 + 逊梯卡集团, 这波 + 资本, 摆着 + 汽车: a word run into the name, a pointing word, a verb
    j = len(out) - 2
    while j >= 0 and out[j][0].isspace():
        j -= 1
    if j >= 0 and (out[j][1] in ("eng", "m") or _country(out[j])):
        return False
    after = tokens[i + 1][0] if i + 1 < len(tokens) else ""
    return not (after.endswith("公司") or after in _FIRM_GOES_ON)


def _given_end(word: str, after: str, after_tag: str, tokens: list[Token], j: int, known: Lexicon) -> bool:
    """Whether the one character after a two-character name (a family name first) ends its given name: a character
    that is no word (李子 + 璇/g); one the tokenizer's dictionary lacks (郭明 + 𫓹/x); or one tagged a name of its own
    before the name ends (屈楚 + 萧/nr + 、, 武笑 + 羽/nr + 表示, 张轩 + 睿/nrt + 还), unless the two are a name already (丁宁 + 连追, 吴尊 +
    帅; 陈希 + 昌 stays cut) or a transliterated first name (艾伦 + 连, 马克 + 金)."""
    if after_tag in MORPHEMES:
        return True
    if known.kinds.get(word) == "people":
        return False
    if after_tag == "x":  # a character of the rarer planes (𫓹) is no CJK.match
        return unicodedata.name(after, "").startswith("CJK")
    if not CJK.match(after) or transliterated(word):
        return False
    if j < len(tokens) and (tokens[j][0] in DOTS or tokens[j][0] in HYPHENS):
        return False  # 和丽 + 芙/nrt · 休森: a transliterated first name
    ends = j >= len(tokens) or tokens[j][1] in _NOT_PIECE_TAGS or not CJK.match(tokens[j][0])
    # one tagged nrt or nrfg ends it wherever it stands (郭雪 + 芙/nrt 呢, 叶明 + 睿/nrt 微博, 韩沁 + 珂/nrfg 作为)
    return after_tag in _GIVEN_END_TAGS or (after_tag == "nr" and ends)


_GIVEN_END_TAGS = frozenset(["nrt", "nrfg"])  # a given name's last character the tokenizer tagged as a name of its own


# what a given name the tokenizer took for another word is tagged (兴国/ns, 辉耀/a, 占领/v, 巍巍/z): not a word of time,
# a conjunction, an adverb (杨 对此 说) or a name's own tag (the joins above see those)
_GIVEN_WORD_TAGS = frozenset(["ns", "a", "v", "vn", "z", "an", "ad", "l", "i"])
_SAYS_ALSO = frozenset([*SAYS, *ACTS, "提醒", "提示", "建议"])  # what an expert introduced by a role does next


def _introduced_given(tokens: list[Token], i: int, known: Lexicon) -> bool:
    """Whether the family name at tokens[i] and the two-character word after it are a full name because a role stands
    before them and a verb of saying after (主任 王 辉耀 认为, 院长 李 立国 表示, 教授 陈 平原 表示: over the corpus 24
    such names, 23 people; 杨 对此 说 is none)."""
    given, tag = tokens[i + 1]
    if tag not in _GIVEN_WORD_TAGS or len(given) != 2 or not CJK.match(given) or given in known.kinds:
        return False
    if tokens[i + 2][0] not in _SAYS_ALSO or not _given(given):
        return False
    j = i - 1
    while j >= 0 and tokens[j][0].isspace():
        j -= 1
    before = tokens[j][0] if j >= 0 else ""
    return before in ROLES or (len(before) > 2 and (before[-2:] in ROLES or before[-3:] in ROLES))


# what a given name's last character cut off it was taken for (吴铁 + 男/n), and words of a sentence that are none
# (杨杰 则 表示)
_END_TAGS_ALSO = frozenset(["n", "ng", "a", "v", "zg"])
_NOT_GIVEN_END = frozenset("则却曾只均好也都还又就再便亦仍")


def _introduced_end(tokens: list[Token], i: int, known: Lexicon) -> bool:
    """Whether the one character after the two-character name tokens[i] (a family name first) ends its given name
    because a role stands before and a verb of saying after (局长 吴铁 + 男/n 表示, 负责人 李德 + 哲/n 表示)."""
    word, (after, after_tag) = tokens[i][0], tokens[i + 1]
    if after_tag not in _END_TAGS_ALSO or not CJK.match(after) or after in NOT_NAME_ENDINGS or after in _NOT_GIVEN_END:
        return False
    if known.kinds.get(word) == "people":
        return False
    if i + 2 >= len(tokens) or tokens[i + 2][0] not in _SAYS_ALSO or transliterated(word):
        return False
    before = tokens[i - 1][0] if i else ""
    return before in ROLES or (len(before) > 2 and (before[-2:] in ROLES or before[-3:] in ROLES))


def _last_syllable(word: str, after_tag: str, known: Lexicon) -> bool:
    """Whether a transliteration's syllable after it, tagged after_tag, is its last one cut off: tagged as no word of its own
    (顿/q, 里/f), or as a name after a transliteration that is no one's name the dictionary has (舒斯特 + 尔/nr; not 马克 +
    金/nr, a first name and a word)."""
    return after_tag in _LAST_SYLLABLE or (after_tag == "nr" and known.kinds.get(word) is None)


def _rare_name(word: str) -> bool:
    """Whether a word the tokenizer tagged x (a word it has no tag for: 周鸿祎, 王燊超, 李若彤, whose last
    characters its dictionary lacks) is shaped like a Chinese full name: a family name and one or two characters."""
    return 2 <= len(word) <= 4 and word[0] in SURNAMES and CJK.match(word) is not None


def _named_twice(tokens: list[Token], starts: list[int], known: Lexicon) -> frozenset[str]:
    """A family name tagged nr and a two-character word the tokenizer took for an adjective or a place, named so
    two or more times in one article: a person's full name (毛 + 不易 thirteen times, 陈 + 平原; once, 连 + 印度 and
    周 + 中国 are words: a place the dictionary has is never a given name)."""
    pairs = Counter(
        word + after
        for i in starts
        if i + 1 < len(tokens)
        for (word, tag), (after, after_tag) in [(tokens[i], tokens[i + 1])]
        if tag == "nr"
        and len(word) == 1
        and word in SURNAMES
        and after_tag in _GIVEN_ALSO
        and len(after) == 2
        and CJK.match(after)
        and after not in known.kinds
        and _given(after)
    )
    return frozenset(name for name, n in pairs.items() if n >= 2)


def _pieces(word: str, tag: str, after: str, after_tag: str, known: Lexicon) -> bool:
    """Whether two words are pieces of one transliterated name: a piece and one tagged nrt (艾哈迈 + 多夫); one
    tagged nrt and one tagged nr (梅里 + 查尔); a name and a syllable the tokenizer took for a place that is
    none (阿布里 + 内斯/ns, 贝尔 + 坦斯/ns). In the last two, no word the dictionary has (特斯拉 + 皮卡)."""
    if not (transliterated(word) and transliterated(after)):
        return False
    if after_tag == "nrt":
        return True
    if word in known.kinds or after in known.kinds:
        return False
    return (tag == "nrt" and after_tag == "nr") or (after_tag == "ns" and len(after) == 2)


def _given(word: str) -> bool:
    """Whether a word after a family name may be its given name: no form of address, role or verb (王 + 先生)."""
    return (
        word not in NOT_GIVEN
        and word not in ROLES
        and word not in SAYS
        and word not in ACTS
        and word[-1] not in NOT_NAME_ENDINGS
    )


def _latin_name(tokens: list[Token], i: int, known: Lexicon, cased: dict[str, str]) -> tuple[str, int, str] | None:
    """(name, index after it, tag) when the Latin words from tokens[i] (apart by one space at most) make a name
    of two or three words: one the dictionary has (Elon Musk, Faraday Future; tagged eng), else words the text
    capitalises (cased) that begin with a given name (Michael Yerger; tagged LATIN_PERSON) or end with a word of
    an organisation's name (Strategy Analytics; tagged LATIN_ORG)."""
    words, ends, at, found = [tokens[i][0]], [i + 1], i + 1, None
    while at < len(tokens) and len(words) < 3:
        if tokens[at][0] == " " and at + 1 < len(tokens):
            at += 1
        if tokens[at][1] != "eng":
            break
        words.append(tokens[at][0])
        at += 1
        ends.append(at)
        if " ".join(words) in known.kinds:
            found = (" ".join(words), at, "eng")
    if found or not cased:
        return found
    run = 0  # the words written with a capital, from the first
    while run < len(words) and words[run] in cased and words[run].isalpha() and len(words[run]) > 1:
        run += 1
    if run < 2:
        return None
    if words[0] in FIRST_NAMES or (_person_before(tokens, i) and not cased[words[0]].isupper()):
        return " ".join(words[:run]), ends[run - 1], LATIN_PERSON
    last = max((n for n in range(2, run + 1) if words[n - 1] in ORG_WORDS), default=0)
    return (" ".join(words[:last]), ends[last - 1], LATIN_ORG) if last else None


def _person_before(tokens: list[Token], i: int) -> bool:
    """Whether a role, a partner or a parent stands just before tokens[i] (设计师 Hedi Slimane, 女友 Halston Sage, 父亲
    Sergio Rossi): the capitalised Latin words there name a person though the first is no given name we list (not words
    in capitals: 最佳艺人 BEST ARTIST, an award's name)."""
    j = i - 1
    while j >= 0 and tokens[j][0].isspace():
        j -= 1
    return j >= 0 and (tokens[j][0] in ROLES or tokens[j][0] in LATIN_PERSON_BEFORE)


def _team(word: str, known: Lexicon, known_word: Callable[[str], bool] | None) -> str | None:
    """The name of the team or club word names (开拓者队 → 开拓者, 上港俱乐部 → 上港), else None."""
    stem = word[:-3] if word.endswith("俱乐部") else word[:-1] if word.endswith("队") else ""
    if len(stem) < 2 or not CJK.match(stem):
        return None
    if known.kinds.get(known.canonical(stem)) == "orgs" or stem in known.teams:  # 勇士队: a club of teams.txt
        return stem
    new = known_word is not None and not known_word(word) and len(stem) <= 4
    return stem if new and stem not in known.not_names and known.kinds.get(stem) is None else None


def _newspaper(tokens: list[Token], start: int) -> tuple[str, int] | None:
    """(name, index after it) when the title marks opened before start hold a newspaper's name (《每日邮报》,
    《中国报》: ends with 报, not an academic 学报)."""
    for stop in range(start + 1, min(start + 6, len(tokens))):
        if tokens[stop][0] == "》":
            name = "".join(w for w, _ in tokens[start:stop])
            if not name.endswith("报") or name.endswith(("学报", "画报")) or not CJK.match(name) or len(name) > 8:
                return None
            if len(name) >= 3 or _reported(tokens, start, stop):
                return name, stop
            return None
    return None


# what follows a newspaper cited as a source (《卫报》报道, 《快报》14日报道, 《明报》称)
_REPORTS = frozenset(["报道", "报导", "称", "援引", "消息", "文章", "指出", "刊登", "刊文", "社论", "评论"])


def _reported(tokens: list[Token], start: int, stop: int) -> bool:
    """Whether a two-character title ending with 报 (《卫报》, 《快报》; not 《海报》, 《年报》) is a newspaper: a country or
    city before it (英国《快报》) or a source's verb after it, a date between (《卫报》11月7日文章)."""
    if start >= 2 and tokens[start - 2][1] == "ns" and country(tokens[start - 2][0]):
        return True
    k = stop + 1
    while k < len(tokens) and (tokens[k][1] in ("m", "t") or tokens[k][0] in ("日", "月")):
        k += 1
    return k < len(tokens) and tokens[k][0] in _REPORTS


def _country(token: Token) -> bool:
    """Whether a word held before an organisation's name is a country (美国, 加拿大), which stays a place."""
    return token[1] == "ns" and country(token[0])


# what the name of a foreign university, hospital or firm the tokenizer has with its country ends with (美国明尼苏达大学)
_FOREIGN_ENDS = ("大学", "学院", "分校", "医院", "公司", "集团")


def _own_name(word: str, known: dict[str, str]) -> bool:
    """Whether an organisation's name after a country is a name of its own, not the country's institution: one the
    dictionary has (庆应义塾大学, 哈佛大学), one a place other than China begins (多伦多大学, 明尼苏达大学) or a state's
    university (宾夕法尼亚州立大学)."""
    if len(word) < 4 or not CJK.match(word):
        return False
    return known.get(word) == "orgs" or _place_first(word, known) or word.endswith("州立大学")


def _place_first(word: str, known: dict[str, str]) -> bool:
    """Whether an organisation's name begins with a place the dictionary has, China aside (苏州大学, 多伦多大学)."""
    return any(known.get(word[:n]) == "places" and word[:n] != "中国" for n in range(2, min(5, len(word) - 1)))


def _named_by_place(word: str, known: dict[str, str]) -> bool:
    """Whether a university's or college's name begins with a place the dictionary has that is no country (苏州大学,
    华东师范大学; not 哥伦比亚大学, named for a country, or one named by the place before it: 不列颠 + 哥伦比亚大学)."""
    if not word.endswith(("大学", "学院")):
        return False
    return any(known.get(word[:n]) == "places" and not country(word[:n]) for n in range(2, min(5, len(word) - 1)))


# what the name of a hospital or a group the dictionary has ends with (养和医院, 娃哈哈集团); not a university's, an
# office's or a paper's, which a place before makes another body (杭州 + 电子科技大学, 山东省 + 卫健委, 香港 + 经济日报)
_WHOLE_ENDS = ("医院", "集团")


def _whole_body(word: str, known: dict[str, str]) -> bool:
    """Whether an organisation's name is a hospital's or a group's the dictionary has whole (养和医院, 娃哈哈集团)."""
    return len(word) >= 4 and word.endswith(_WHOLE_ENDS) and known.get(word) == "orgs"


def _two_places(word: str, known: dict[str, str]) -> tuple[str, str] | None:
    """(country or province, place in it) when one word the tokenizer has is a country or one of China's provinces
    and a place in it (法国巴黎, 美国纽约/nz, 广西南宁, 吉林长春/nr, 上海浦东): two places, as every reader labels them
    (湖北武汉); not China and a place of it, one place (中国香港, 中国台北), nor two countries (捷克斯洛伐克)."""
    if word.startswith("中国") or known.get(word) not in (None, "places") or not CJK.fullmatch(word):
        return None
    for n in range(2, len(word) - 1):
        head, rest = word[:n], word[n:]
        if not (country(head) or head.removesuffix("省") in PROVINCES) or known.get(head) != "places":
            continue
        stem = next((rest.removesuffix(e) for e in ("市", "新区", "区") if rest.endswith(e) and len(rest) > 2), rest)
        if not country(rest) and (known.get(rest) == "places" or known.get(stem) == "places"):
            return head, rest
    return None


_TWO_PLACES_TAGS = frozenset(["ns", "nz", "nr"])  # what the tokenizer tags a country and a city as one word


def _foreign(word: str, known: dict[str, str]) -> tuple[str, str] | None:
    """(country, name) when a word the tokenizer tags an organisation is a country other than China and a university,
    hospital or firm of its own name (美国明尼苏达大学, 加拿大多伦多大学, 美国苹果公司; not 英国广播公司, 新加坡国立大学)."""
    for n in range(2, 5):
        stem, rest = word[:n], word[n:]
        if country(stem) and stem != "中国" and known.get(stem) == "places":
            if rest in _BARE_HEADS:  # 日本公司, a company of Japan; not 哥伦比亚大学, named for a country
                return None if known.get(word) == "orgs" else (stem, rest)
            return (stem, rest) if rest.endswith(_FOREIGN_ENDS) and _own_name(rest, known) else None
    return None


# an organisation's head word that names none alone: after a country, the kind of body it has (日本公司, 巴西 学校)
_BARE_HEADS = frozenset(["公司", "学校", "大学", "中学", "小学", "医院", "银行", "集团", "学院"])


def _place(token: Token, known: dict[str, str]) -> bool:
    """Whether a word is a place: tagged so, or one the dictionary has (密尔沃基, 休斯顿 are tagged nrt)."""
    return token[1] == "ns" or known.get(token[0]) == "places"


def _chinese_places(held: list[Token], known: dict[str, str]) -> bool:
    """Whether the words before a university's head word are a Chinese province and a city in it (湖南 + 长沙, 南通市 +
    扬州): the first a province (省 or not) or a city (市), each a place, no district (北京市 + 海淀区 + 学院: no name);
    not a foreign state's (加州 + 圣地亚哥 + 大学, 东 + 英吉利 + 大学: one name)."""
    first = held[0][0]
    if first.removesuffix("省") not in PROVINCES and not (len(first) >= 3 and first.endswith("市")):
        return False
    return all(_place(h, known) and not country(h[0]) and not h[0].endswith(("区", "县")) for h in held)


_OFFICE_VERBS = frozenset("任为")  # serves as, is: run into a name before the body (曾勇任 + 电子科技大学)


def _full_name(token: Token, known: dict[str, str]) -> bool:
    """Whether a word is a Chinese full name of three characters (黄志纯, 温建民; not 约翰 or 约瑟夫 of a university's
    name, nor 吴淞 or 张江, places the tokenizer tags as names)."""
    word = token[0]
    if token[1] not in ("nr", "nrfg", JOINED) or len(word) != 3 or word[0] not in SURNAMES:
        return False
    return CJK.match(word) is not None and not transliterated(word) and known.get(word) in (None, "people")


def _first_name(word: str) -> bool:
    """Whether word, before a dot, may be a transliterated first name the tags call no person (本, 奥利维亚/ns)."""
    return len(word) <= 5 and CJK.match(word) is not None and transliterated(word)


def _owned(held: list[Token], token: Token, owner: bool) -> list[Token]:
    """The held names and token, the last name joined to it as one organisation when it is its owner (a star's
    studio, a country's team); the names before it stay names of their own."""
    return [*held[:-1], (held[-1][0] + token[0], "nt")] if owner else [*held, token]


def joined(tokens: Iterable[Token]) -> list[Token]:
    """The tokens as names: a dotted full name (勒布朗·詹姆斯) as its last part, tagged DOTTED (news calls
    a transliterated person by that part after the first mention); the names before an organisation's head
    word joined to it (中国 + 传媒大学, tagged nt); a place followed by 时间 dropped (北京时间 is a time zone);
    a person's name run into the preposition before it (对惠若琪) trimmed; a place just before a club's name
    dropped (金州 + 勇士: part of the club's name; not a country, 中国 + 火箭). One pass: it sees every word."""
    out: list[Token] = []
    held: list[Token] = []  # names that may begin an organisation's name
    dotted = False  # the last word held is a name followed by a dot
    hyphen = False  # the dot is a hyphen (乔治-希尔)
    known, teams, not_names = lexicon().kinds, lexicon().teams, lexicon().not_names
    last_part = False  # the last word held is a dotted name's last part, which may go on (卡帕 + 尔蒂)
    for token in tokens:
        word, tag = token
        if last_part:
            # a part of two characters at most, or any after a part of one (德米特里·古/a + 德科夫/nr)
            short = len(word) <= 2 or len(held[-1][0]) == 1
            last_part = short and tag not in _NOT_PIECE_TAGS and CJK.match(word) is not None
            if last_part and transliterated(word):  # 彼得·卡帕 + 尔蒂, 詹姆斯·麦卡沃 + 伊: the tokenizer cut it
                held[-1] = (held[-1][0] + word, DOTTED)
                continue
            last_part = False
        if dotted:
            dotted = False
            # not 柳叶刀·胃肠病; after a hyphen, a transliteration tagged as a name only
            # a place's name after a first name tagged a person's is a family name (弗兰/nr · 威尔士/ns, 杰克 · 伦敦)
            # (not in a list of places a dot separates: 纳什维尔/nrt · 新泽西州/ns)
            surname = tag == "ns" and held[-1][1] in SPLIT_TAGS and not hyphen and known.get(held[-1][0]) != "places"
            surname = surname and not word.endswith(("州", "市", "县", "省", "区"))
            if (
                CJK.match(word)
                and (tag in SPLIT_TAGS or transliterated(word) or surname)
                and (not hyphen or tag in SPLIT_TAGS)
            ):
                held[-1] = (word, DOTTED)
                last_part = True
                continue
        # 乔治-希尔, 克里斯-保罗: sports news writes a full name's dot as a hyphen (after a transliterated name or a
        # person the dictionary has; not 3-1, not 中-美)
        hyphen = word in HYPHENS and bool(held) and held[-1][1] in ("nr", "nrt")
        hyphen = hyphen and (transliterated(held[-1][0]) or known.get(held[-1][0]) == "people")
        if hyphen:
            dotted = True
            continue
        if word in DOTS:
            if held and (held[-1][1] in PEOPLE_TAGS or _first_name(held[-1][0])):
                dotted = True
                continue
            if not held and out and _first_name(out[-1][0]):  # 本/r · 金斯利: a first name tagged as no name
                held.append(out.pop())
                dotted = True
                continue
        elif held and word in ("俱乐部", "队") and "".join(w for w, _ in held) in known:  # 上港 俱乐部: the club
            out.extend(held)
            held = []
            continue
        elif word.endswith("网") and CJK.match(word) and word not in _NOT_SITES and (held or word not in _SITE_WORDS):
            # a website: 环球网, 人民网; a name before it is part of its name (澳洲 + 网, 中国 + 新闻网, elle + 中文网)
            while held and held[0][1] == "nz" and held[0][0] not in known:  # 转载自 + elle中文网: no name
                out.append(held.pop(0))
            # a foreign country before a site's own name stays a place (新西兰 + 天维网); China's national outlets are
            # named 中国 + 侨网, 中国 + 体彩网
            named = word not in _SITE_WORDS and len(held) == 1 and held[0][0] != "中国"
            while held and _country(held[0]) and (len(held) > 1 or named):
                out.append(held.pop(0))
            out.append(("".join(w for w, _ in held) + word, "nt"))
            held = []
            continue
        elif held and (
            (word == "公司" and all(t == "ns" for _, t in held)) or (word in _BARE_HEADS and all(map(_country, held)))
        ):  # 中国 + 公司, 巴西 + 学校: a company, the schools of somewhere
            out.extend(held)
            held = []
        elif held and word == "工作室":  # 冯绍峰 + 工作室: a star's studio, which speaks for them (not 伦敦 + 工作室)
            out.extend(_owned(held, token, held[-1][1] in PEOPLE_TAGS and CJK.match(held[-1][0]) is not None))
            held = []
            continue
        elif held and word in NATIONAL_TEAMS:  # 日本 + 女乒, 沙特 + 国青: a country's team; no other name joins it
            out.extend(_owned(held, token, country(held[-1][0])))
            held = []
            continue
        elif held and word.endswith(ORG_HEADS) and CJK.match(word) and (word not in not_names or word in OFFICE_HEADS):
            # not 上市公司; but 江门 + 海关 (海关 alone is no name)
            if len(held) > 1 and held[0][0] in not_names and not transliterated(held[0][0]) and _place(held[1], known):
                out.append(held.pop(0))  # 本赛季/nr + 山东 男篮: a word listed as no name before the place begins none
            if _full_name(held[0], known) and (_own_name(word, known) or tag == "nt"):
                # 主任医师 黄志纯 + 东南大学: a person before a body's whole name is no part of it; 曾勇任 + 电子科技大学:
                # a verb of office run into a name of two characters
                name, name_tag = person = held.pop(0)
                out.extend(((name[:2], name_tag), (name[2], "v")) if name[2] in _OFFICE_VERBS else (person,))
            while held and _country(held[0]) and (len(held) > 1 or _own_name(word, known)):
                # 美国 + 爱因斯坦医学院, 日本 + 庆应义塾大学: the country stays a place; 济南 + 天山外国语学校: the city is
                # part of it (美国 + 大学 is one name)
                out.append(held.pop(0))
            if len(held) > 1 and word in _UNIVERSITY_HEADS and _chinese_places(held, known):
                out.extend(held[:-1])  # 南通市 + 扬州 + 大学: a university is named by the one place just before it
                held = held[-1:]
            if len(held) == 1 and _place(held[0], known) and (_named_by_place(word, known) or _whole_body(word, known)):
                # 镇江市 + 苏州大学, 陕西省 + 西安交通大学: the university's city is in its name; 香港 + 养和医院: a hospital
                # or group the dictionary has whole is named without the place, which stays one (as a country: _own_name)
                out.append(held.pop())
            out.append(("".join(w for w, _ in held) + word, "nt"))
            held = []
            continue
        elif held and word in _PAPER_WORDS and _place(held[-1], known) and CJK.match(held[-1][0]):
            out.extend(held[:-1])  # 北京 + 商报, 沈阳 + 晚报: a newspaper cut after its city
            out.append((held[-1][0] + word, "nt"))
            held = []
            continue
        elif tag in _PAPER_TAGS and len(word) >= 4 and word.endswith(_PAPERS) and CJK.match(word):
            out.extend(held)  # 广州日报/nz, 华西都市报/nz: a newspaper the tokenizer has as a word
            out.append((word, "nt"))
            held = []
            continue
        elif tag in HELD_TAGS or word in known or word in teams:
            # 对惠若琪, 有罗霍: a name run into the word before it (three characters only when the first is no
            # family name: 向佐 is one)
            run_into = len(word) == 4 or (len(word) == 3 and word[0] not in SURNAMES)
            if run_into and tag in ("nr", "nrfg") and word[0] in NOT_NAME_STARTS and word[1] in SURNAMES:
                out.extend(held)
                out.append((word[0], "p"))
                held, token = [], (word[1:], tag)
            elif held and _place(held[-1], known) and (tag == TEAM or word in teams) and not held[-1][0].endswith("国"):
                held.pop()
            held.append(token)
            if len(held) > 3:
                out.append(held.pop(0))
            continue
        if held:
            if word == "时间" and held[-1][1] == "ns":
                held.pop()
            out.extend(held)
            held = []
        out.append(token)
    out.extend(held)
    return _offices(out)


# what a local office's or an institution's name ends with when the tokenizer cut it into words: 上海市浦东新区 +
# 市场 监督 管理局, 西城区 + 人力 社保局, 荥阳市 + 第三 小学, 广州 + 楚颜 化妆品 有限公司 (局 of three characters or
# more: not 骗局, 开局; the 厅 of offices, not 餐厅 or 营业厅)
_OFFICE_ENDS = (
    "局", "医院", "小学", "中学", "学校", "法院", "检察院", "有限公司", "研究所", "研究院", "学院", "大学", "派出所", "考试院",
    "委员会", "协会", "学会", "卫计委", "纪委", "监委", "教委", "教育厅", "环保厅", "办公厅", "公安厅", "财政厅", "卫生厅", "文化厅",
    "司法厅", "商务厅", "民政厅", "出版社", "交易所",
)  # fmt: skip
# what the name of a country's institution ends with: 美国 + 国家 衰老 研究所, 美国 + 心脏 协会 (not 美国 + 名牌 大学)
_NATIONAL_ENDS = ("研究所", "研究院", "协会", "学会", "委员会", "科学院")
# the words between the place and that end (n 市场, vn 监督, v 招生, j 中西医, m 第三, nz 楚颜)
_OFFICE_MIDDLE = frozenset(["n", "vn", "v", "j", "m", "nz", "nr", "ns"])
# middle words that say the place and the end are not one name: a verb of going or being (读 大学, 考入, 成为, 来自)
# or a word that picks among many (部分 学校, 热门 小学, 区属 学校)
_NOT_MIDDLE = frozenset([
    "进入", "考入", "成为", "登上", "赶到", "已有", "包括", "开展", "现任", "报道", "就读", "锁定", "来到", "前往", "回到",
    "离开", "加入", "毕业", "考上", "考取", "录取", "入读", "就职", "任职", "担任", "位于", "来自", "进驻", "走进", "参观",
    "访问", "成立", "设立", "设在", "创办", "建立", "收购", "起诉", "部分", "最牛", "目标", "热门", "区属", "市属", "所有", "多所", "主城区",
    "一些", "其他", "本地", "当地", "知名", "著名", "重点", "顶尖", "名校", "各地", "全国", "五大", "十大", "定点",
])  # fmt: skip
_MIDDLE_WORDS = 4  # at most this many words between the place and the end
# a part of an office after its name: 乌鲁木齐海关 + 缉私局
_GOVERNING = ("委员会", "政府", "局", "厅", "委")  # a body whose 办公室 is an office of its own
_PARTS = ("缉私局", "缉私分局", "分局", "派出所", "支队", "大队")
_END_TAGS = frozenset(["n", "nt", "nz", "j", "l"])  # the tags of that end (not a verb)
_NUMERALS = frozenset("一二三四五六七八九十两几")  # 鏖战 + 五局: a number of games, no office
_LOCAL = ("省", "市", "县", "区", "州", "镇")  # what a place an office is named by may end with (not 城市)
_OFFICE_STARTS = frozenset(["ns", "nt"])  # the tags of a word an office's name begins with (a place, an office)


def _offices(tokens: list[Token]) -> list[Token]:
    """The tokens with a place and the words the tokenizer cut an office's or institution's name into after it joined
    into one organisation (上海市浦东新区市场监督管理局, tagged nt), and an office's part joined to it (海关 + 缉私局); a
    country begins one only that ends as a national institution does (美国 + 心脏 协会, _NATIONAL_ENDS)."""
    known = lexicon().kinds
    out: list[Token] = []
    done = 0  # the tokens before this index are in out
    # most tokens begin no office
    for i in [i for i, (word, tag) in enumerate(tokens) if tag in _OFFICE_STARTS or word in _STARTS_ALSO]:
        if i < done:
            continue
        word, tag = tokens[i]
        end = 0
        if word == "(":
            if company := _bracketed_company(tokens, i, done):
                out.extend(tokens[done : company[0]])
                out.append(("".join(w for w, _ in tokens[company[0] : company[1]]), "nt"))
                done = company[1]
            continue
        if tag == "ns" and i + 1 < len(tokens) and tokens[i + 1][0] in _SITES and not _country(tokens[i]):
            if _office_place(word, known):  # 海淀 + 公园, 首尔 + 竞技场: a named site, one place
                out.extend(tokens[done:i])
                out.append((word + tokens[i + 1][0], SITE))
                done = i + 2
            continue
        if word in _BARE_DIVISIONS:
            end = _bare_office_end(tokens, i)
        elif tag == "ns" and (embassy := _embassy_end(tokens, i + 1)):
            end = embassy
        elif tag == "ns" and _office_place(word, known) and not _country(tokens[i]):
            end = _office_end(tokens, i + 1) or _university_end(tokens, i + 1) or _head_end(tokens, i + 1)
        elif _country(tokens[i]) and word not in _NOT_NATIONS and (ministry := _ministry_end(tokens, i + 1, word)):
            end = ministry
        elif _country(tokens[i]):
            end = _office_end(tokens, i + 1)
            end = end if end and tokens[end - 1][0].endswith(_NATIONAL_ENDS) else 0
        elif tag == "nt" and CJK.match(word) and _campus(tokens, i):
            out.extend(tokens[done : i + 1])  # 南京师范大学 + 仙林 + 校区: a university's campus, a named site (and
            out.append(("".join(w for w, _ in tokens[i : i + 3]), SITE))  # the university, named in it)
            done = i + 3
            continue
        elif tag == "nt" and CJK.match(word):
            end = _branch_end(tokens, i)  # an office the tokenizer or joined named: its branch or parts follow, if any
        while end and end < len(tokens) and tokens[end][0] in _PARTS:
            end += 1
        if end and (affiliated := _affiliated_end(tokens, end - 1)):
            end = affiliated  # 广州 中医药大学 + 第一 附属 医院: the university's hospital, one name
        if end and end < len(tokens) and tokens[end][0] == "办公室" and tokens[end - 1][0].endswith(_GOVERNING):
            end += 1  # 内蒙古自治区招生考试委员会 + 办公室: a body's office (not a company's room)
        if end > i + 1:
            out.extend(tokens[done:i])
            out.append(("".join(w for w, _ in tokens[i:end]), "nt"))
            done = end
    out.extend(tokens[done:])
    return out


# a division named by itself in its own news (省 教育 考试院, 区 教育局, 自治区 教育厅): the office is named by it
_BARE_DIVISIONS = frozenset(["省", "市", "区", "县", "自治区"])


# what a division standing alone comes after: a verb, a preposition, a conjunction (关注 省 教育 考试院, 由 省 ...), not a
# word it may end (航站/n 区, 达川/nrt 区) or one picking among divisions (一 省, 本 市)
_BEFORE_BARE = frozenset(["v", "vn", "p", "c", "d", "u", "uj", "f", "t"])
# what the name of an office named by a division alone ends with (省 大学, 市 ... 学院 are no names)
_BARE_ENDS = ("局", "厅", "委", "办", "考试院", "医院", "法院", "检察院", "派出所", "委员会")


def _bare_office_end(tokens: list[Token], i: int) -> int:
    """The index after an office's last word when the division tokens[i] names stands alone before it (省 人民 医院,
    区 教育局, 市 卫健委), after a verb, a preposition or a pause (_BEFORE_BARE), else 0."""
    if tokens[i][1] != "n" or (i and tokens[i - 1][1] not in _BEFORE_BARE and CJK.match(tokens[i - 1][0])):
        return 0
    if (
        i + 1 < len(tokens)
        and tokens[i + 1][1] in _END_TAGS
        and (_office_word(tokens[i + 1][0]) or tokens[i + 1][0] in OFFICE_HEADS)
    ):
        end = i + 2
    else:
        end = _office_end(tokens, i + 1)
    return end if end and tokens[end - 1][0].endswith(_BARE_ENDS) else 0


# China's ministries are named without it (教育部: one page each); a country that is none (外国旅游局: any)
_NOT_NATIONS = frozenset(["中国", "中华人民共和国", "外国", "各国", "本国", "他国", "全国", "该国"])
# what a foreign government's ministry or agency ends with (新西兰 移民局, 韩国 统计 厅, 日本 法务 省, 美国 环保署)
_MINISTRY_ENDS = ("部", "局", "厅", "署")
# words with those ends that name none: a direction or a part (西部, 总部, 内部, 俱乐部), a room (餐厅, 展厅), a game or
# a state of things (开局, 格局, 当局: the authorities)
_NOT_MINISTRIES = (
    "总部", "全部", "内部", "外部", "局部", "干部", "俱乐部", "中学部", "小学部", "本部", "分部", "头部", "腹部", "面部",
    "当局", "格局", "开局", "胜局", "败局", "搅局", "布局", "结局", "大局", "骗局", "饭局", "赌局", "棋局", "残局", "僵局", "出局",
    "餐厅", "展厅", "大厅", "客厅", "歌厅", "舞厅", "门厅", "前厅", "咖啡厅", "营业厅", "宴会厅",
)  # fmt: skip
_DIRECTIONS = frozenset("东南西北中")


def _ministry_end(tokens: list[Token], start: int, nation: str) -> int:
    """The index after a foreign ministry's or agency's last word when the words from start, after a country, name one:
    up to two middle words, then a word ending with 部, 局, 厅 or 署 (新西兰 移民局, 泰国 国家 移民局, 韩国 统计 厅,
    马来西亚 高等教育部), or Japan's 省 (日本 法务 省, 日本 厚生劳动省); 0 when not (日本 餐厅, 美国 中西部, 美国 当局)."""
    known, end = lexicon().kinds, 0
    for k in range(start, min(start + 3, len(tokens))):
        word, tag = tokens[k]
        if (
            not CJK.match(word)
            or tag not in _MINISTRY_TAGS
            or _place_first(word, known)
            or (tag == "nt" and len(word) > 5)
        ):
            break  # 美国 + 田纳西河谷管理局 (joined): a body its own place names
        last = word.endswith(_MINISTRY_ENDS) or (nation == "日本" and word.endswith("省"))
        if last and (len(word) > 1 or k > start):
            if word[0] in _DIRECTIONS or word.endswith(_NOT_MINISTRIES):
                break
            end = k + 1  # and on: 日本 文部 科学 省
        elif word.endswith(ORG_ENDINGS) or word in _NOT_MIDDLE or word in ROLES or (tag == "v" and len(word) < 2):
            break  # 日本 选手 阿部, 日本 想 搅局
    return end


_MINISTRY_TAGS = frozenset(["n", "vn", "v", "nz", "nt", "j"])
# a branch named by its place after the body's name (中国银行保险监督管理委员会 + 江苏 + 监管局, 北京市工商局 + 海淀 + 分局,
# 北京师范大学 + 珠海 + 分校)
_BRANCHES = ("监管局", "分局", "分校", "分院", "分行", "分公司")


def _campus(tokens: list[Token], i: int) -> bool:
    """Whether a university tokens[i] is followed by a place and 校区 (南京师范大学 + 仙林 + 校区, 山东大学 + 青岛 + 校区)."""
    if i + 2 >= len(tokens) or not tokens[i][0].endswith(("大学", "学院")) or tokens[i + 2][0] != "校区":
        return False
    return tokens[i + 1][1] == "ns" and CJK.match(tokens[i + 1][0]) is not None


def _branch_end(tokens: list[Token], i: int) -> int:
    """The index after a body's branch when the words after the organisation tokens[i] name one: a place and a branch
    (_BRANCHES), a university's numbered hospital (北京大学 + 第六 + 医院), an agency of the United Nations (联合国 +
    世界旅游组织); else i + 1."""
    if tokens[i][0] == "联合国" and i + 1 < len(tokens) and tokens[i + 1][1] == "nt" and CJK.match(tokens[i + 1][0]):
        return i + 2  # 联合国 + 世界旅游组织: one of its agencies
    if i + 2 < len(tokens):
        (place, place_tag), (branch, branch_tag) = tokens[i + 1], tokens[i + 2]
        if place_tag == "ns" and branch_tag == "n" and branch.endswith(_BRANCHES) and CJK.match(place):
            return i + 3
        if tokens[i][0].endswith("大学") and place_tag == "m" and place.startswith("第") and branch == "医院":
            return i + 3
    return i + 1


_AFFILIATED = "附属"
# what a university's affiliated hospital or school ends with (附属瑞金医院, 附属第三医院, 附属中学)
_AFFILIATED_ENDS = ("医院", "中学", "小学", "学校", "幼儿园")
# the tags of the words between 附属 and that end (第三/m, 中/f 大/a 医院, 肿瘤医院/n, 北京 朝阳医院); not a verb or 的
_AFFILIATED_TAGS = frozenset(["m", "n", "nt", "nz", "ns", "nr", "f", "a", "j"])


def _affiliated_end(tokens: list[Token], i: int) -> int:
    """The index after a university's affiliated hospital or school when the words after the university or college
    tokens[i] name one: an ordinal or not, 附属, then up to three words, the last ending with a hospital's or school's
    head (广州中医药大学 + 第一 + 附属 + 医院, 上海交通大学医学院 + 附属 + 瑞金医院, 东南大学 + 附属 + 中 大 医院): one name,
    as readers give it; else 0."""
    if not tokens[i][0].endswith(("大学", "学院")):
        return 0
    k = i + 1
    if k < len(tokens) and tokens[k][1] == "m" and tokens[k][0].startswith("第"):
        k += 1
    if k >= len(tokens) or tokens[k][0] != _AFFILIATED:
        return 0
    for end in range(k + 1, min(k + 4, len(tokens))):
        word, tag = tokens[end]
        if tag not in _AFFILIATED_TAGS or not CJK.match(word) or word == "部分":
            return 0
        if word.endswith(_AFFILIATED_ENDS):
            return end + 1
    return 0


# the tags of the words of a company's name around the place in brackets (腾讯 科技 (深圳) 有限公司)
_COMPANY_TAGS = frozenset(["n", "nz", "nr", "nrt", "nt", "j", "l", "vn", "ns", "x"])


def _bracketed_company(tokens: list[Token], j: int, done: int) -> tuple[int, int] | None:
    """(start, end) of a company's name with its place in the brackets opened at tokens[j] (腾讯 科技 (深圳) 有限公司,
    惠人贷 商务 顾问 (北京) 有限公司, 武田 (中国) 投资 有限公司): a name of one to three words, the place, up to two
    words and 有限公司; the place is no mention of its own. None when the words around are not such a name."""
    if j + 3 >= len(tokens) or tokens[j + 2][0] != ")" or tokens[j + 1][1] != "ns" or not CJK.match(tokens[j + 1][0]):
        return None
    end = 0
    for k in range(j + 3, min(j + 6, len(tokens))):
        word, tag = tokens[k]
        if not CJK.match(word) or tag not in _COMPANY_TAGS:
            return None
        if word.endswith("有限公司"):
            end = k + 1
            break
    start = j
    while start > max(done, j - 3):
        word, tag = tokens[start - 1]
        if not CJK.match(word) or tag not in _COMPANY_TAGS or word.endswith(("公司", *_NOT_COMPANY)) or word in ROLES:
            break
        start -= 1
    if not end or start == j or all(w in _TRADES for w, _ in tokens[start:j]):
        return None  # 科技 (成都) 有限公司: the company's own name is cut off before (not known)
    return start, end


# words of a trade, no company's own name (科技, 网络科技 (上海) 有限公司: the name before them is missing)
_TRADES = frozenset([
    "科技", "投资", "网络", "网络科技", "信息", "信息技术", "技术", "文化", "传播", "文化传播", "传媒", "数字", "数字技术", "集团",
    "汽车", "智能", "智能汽车", "贸易", "商业", "管理", "咨询", "软件", "电子", "实业", "发展", "计算机", "通信", "医疗", "生物",
    "健康", "教育", "国际", "体育", "产业", "娱乐", "影视", "金融", "服务", "能源", "新能源", "物流", "电子商务", "控股",
])  # fmt: skip
# words before a company's name that are none of it (运营主体, 培训机构, 旗下, 商户)
_NOT_COMPANY = ("主体", "机构", "企业", "商户", "品牌", "平台", "旗下", "运营", "法人", "股东", "合作方", "牌")


# what a place's name before it makes a named site of (海淀 + 公园, 京仁 + 运河, 南京师范大学仙林 + 校区)
_SITES = frozenset(["公园", "乐园", "球馆", "体育馆", "体育场", "竞技场", "博物馆", "美术馆", "运河", "校区", "群岛"])
_STARTS_ALSO = frozenset([*_BARE_DIVISIONS, "("])  # the words besides places and offices _offices looks at
_MISSIONS = ("大使馆", "使馆", "总领事馆", "领事馆", "总领馆")  # a country's mission abroad


def _embassy_end(tokens: list[Token], start: int) -> int:
    """The index after a mission's last word when the words from start say where it is (中国 + 驻 泰国 大使馆, 美国 +
    驻华 使馆, 中国 + 驻 美国 芝加哥 总领事馆), else 0: the country, the place and the mission are one organisation."""
    if start >= len(tokens) or not tokens[start][0].startswith("驻") or tokens[start][0] == "驻外":
        return 0  # 中国驻外大使馆: any of its missions
    k = start + 1 if len(tokens[start][0]) == 2 else start + 1 + _places_at(tokens, start + 1)
    if k == start + 1 and tokens[start][0] == "驻":
        return 0  # 驻 and no place
    return k + 1 if k < len(tokens) and tokens[k][0] in _MISSIONS else 0


def _places_at(tokens: list[Token], start: int) -> int:
    """How many places (one or two) stand from start."""
    n = 0
    while n < 2 and start + n < len(tokens) and tokens[start + n][1] == "ns":
        n += 1
    return n


def _office_place(word: str, known: dict[str, str]) -> bool:
    """Whether a word tagged as a place may name an office after it: a place the dictionary has, or a city, county or
    district of three characters or more (浦东新区, 荥阳市; not 城市)."""
    return CJK.match(word) is not None and (
        known.get(word) == "places" or (len(word) >= 3 and word.endswith(_LOCAL) and word != "城市")
    )


# a university's head word right after its place (扬州 + 大学, 江苏 + 师范大学); the words of one named by its city
# after a province (湖南 + 长沙 + 师范大学, joined)
_UNIVERSITY_ENDS = ("大学", "学院", "医大", "师大", "农大", "工大")
_UNIVERSITY_TAGS = frozenset(["n", "nt", "j"])  # 医大/j
_UNIVERSITY_HEADS = frozenset(["大学", "学院", "师范大学", "工学院", "理工大学", "理工学院", "师范学院", "医学院", "科技大学"])  # fmt: skip


def _university_end(tokens: list[Token], start: int) -> int:
    """The index after a university's head word when it stands just after the place that names it (扬州 + 大学, 江苏 +
    师范大学, 盐城 + 工学院, 东京 + 医大/j), else 0."""
    if start >= len(tokens) or tokens[start][1] not in _UNIVERSITY_TAGS:
        return 0
    if not tokens[start][0].endswith(_UNIVERSITY_ENDS):
        return 0
    known = lexicon().kinds  # not one named already (镇江市 + 苏州大学: a place of its own, and the university)
    return 0 if known.get(tokens[start][0]) == "orgs" or _place_first(tokens[start][0], known) else start + 1


# what begins a word for a kind of institution, no office's own name (上海 + 公立医院, 南昌 + 民办学校); and 中心医院,
# which `test`'s reader gave with its city as a place of its own too (辽宁省大连市中心医院: 大连市 labelled)
_KIND_STARTS = ("公立", "私立", "民办", "公办", "民营", "国立", "省属", "市属", "中心医院")


def _head_end(tokens: list[Token], start: int) -> int:
    """The index after an office's or institution's name of one word of three characters or more right after the place
    that names it (诸暨市 + 人民法院, 泗阳县 + 中医院, 湖北省 + 保密局), else 0: not a word for a kind of institution
    (上海 + 公立医院), an organisation the dictionary has (北京 + 协和医院: _whole_body) nor one another place begins
    (南通市 + 扬州大学: a university named by its own city, in a list of cities and universities)."""
    if start >= len(tokens):
        return 0
    word, tag = tokens[start]
    if tag not in _END_TAGS or len(word) < 3 or not CJK.match(word) or not _office_word(word):
        return 0
    known = lexicon().kinds
    return 0 if word.startswith(_KIND_STARTS) or known.get(word) == "orgs" or _place_first(word, known) else start + 1


def _office_word(word: str) -> bool:
    """Whether a word ends an office's or institution's name (管理局, 第三 + 小学; not 骗局, 五局)."""
    if not word.endswith(_OFFICE_ENDS) or word[0] in _NUMERALS:
        return False
    return len(word) >= 3 or not word.endswith("局")


def _office_end(tokens: list[Token], start: int) -> int:
    """The index after an office's or institution's last word when the words from start are a few middle words and
    that end; 0 when not: no middle word, a number other than an ordinal, a middle word that is an organisation's
    name of its own (调查总队, 中心医院), or another place next (辽宁省 + 大连市: only the place just before the middle
    words may name the office)."""
    # a one-character verb or an adjective among the middle words: only a company's name holds one (怡乐 食 食品科技
    # 有限公司, 北京 + 大 梦 科技 有限公司)
    company_only = False
    for k in range(start, min(start + _MIDDLE_WORDS + 1, len(tokens))):
        word, tag = tokens[k]
        if not CJK.match(word) or (k == start and tag == "ns"):
            return 0
        if k > start and _office_word(word) and tag in _END_TAGS:
            return 0 if company_only and not word.endswith("有限公司") else k + 1
        if (tag not in _OFFICE_MIDDLE and tag != "a") or (tag == "m" and not word.startswith("第")):
            return 0
        if word.endswith(ORG_ENDINGS) or word in _NOT_MIDDLE:
            return 0
        company_only = company_only or (tag == "v" and len(word) < 2) or tag == "a"
    return 0
