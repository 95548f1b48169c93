"""People, places and organisations named in a text: the tokenizer's part-of-speech tags, checked against a
curated dictionary (entities.txt), a list of tagged words that are not names (not_entities.txt) and the
shapes names take; aliases merged into one name (entity_aliases.txt; traditional characters are already
folded to simplified by the tokenizer)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from zixun.text.normalize import fold
from zixun.text.segment import Token

KINDS = ("people", "places", "orgs")
LIMIT = 20  # names kept per kind and article, most mentioned first
_HERE = Path(__file__).parent
LEXICON, NOT_NAMES, ALIASES = _HERE / "entities.txt", _HERE / "not_entities.txt", _HERE / "entity_aliases.txt"
_TAG_KINDS = {"nr": "people", "nrfg": "people", "nrt": "people", "ns": "places", "nt": "orgs"}
_CJK = re.compile(r"^[\u3400-\u9fff]+$")
_DOTS = frozenset("·•‧・")  # 勒布朗·詹姆斯: a transliterated full name is cut at its dot
# the most common family names (about nine in ten people): an unknown word tagged as a name that does not
# start with one is more often an ordinary word (高达, 明白, 诸如)
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛"
    "邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝"
    "路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂"
    "全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
    "惠阚鞠奚寿冀郜栗蔺晁芮闻訾逯仝扈邸眭练糜蒯隗铁帅战郁昝阎揭暴钮厉储桓宿况亢乐匡鄢"
)
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "尉迟", "公孙", "长孙", "夏侯")
# a name the tokenizer ran into the next word (李咏是, 李咏说): the last character is a verb or particle
_NOT_NAME_ENDINGS = frozenset("是因于说对有出在和与的了将也都就称为被把向从等们继及")
# a name the tokenizer ran into the word before (对惠若琪, 人葛爱平): the first character is a preposition
_NOT_NAME_STARTS = frozenset("对和与向在被把给让将人")
# what an organisation's name ends with; an unknown word tagged nt without one is usually not a name (国际化)
_ORG_ENDINGS = (
    "大学", "学院", "中学", "小学", "公司", "集团", "银行", "医院", "协会", "学会", "委员会", "研究院", "研究所",
    "科学院", "部", "局", "署", "厅", "办", "社", "报", "台", "队", "俱乐部", "联盟", "联合会", "组织", "政府",
    "法院", "检察院", "基金会", "中心", "党", "军", "总局", "交易所",
)  # fmt: skip
_PLACE_ENDINGS = frozenset("省市县区州镇乡村岛国城港湾山河湖江海峡岭郡")
# an organisation's head word: the names just before it are part of the organisation's name
# (中国 + 传媒大学, 爱因斯坦 + 医学院), not places or people of their own
_ORG_HEADS = ("大学", "学院", "医院", "公司", "集团", "银行", "研究院", "研究所", "教育部", "俱乐部", "委员会")
_SOURCE_TAGS = frozenset(["n", "nz", "eng", "nr", "ns", "nt", "nrt", "vn", "j", "l"])  # words of an outlet's name
_DOTTED = "nr·"  # the tag of a dotted full name's last part: the dot says it is a person
_JOINED = "nr+"  # the tag of a person's name joined from the pieces the tokenizer cut it into (王 + 大陆)
_TEAM = "nt队"  # the tag of a team's or club's name without its 队 / 俱乐部 (开拓者队 → 开拓者)
_NAME_TAGS = frozenset([*_TAG_KINDS, _DOTTED, _JOINED, _TEAM])
_PEOPLE_TAGS = frozenset(["nr", "nrfg", "nrt", _DOTTED, _JOINED])
# characters of transliterated names: the pieces of one cut apart (艾哈迈 + 多夫, 汤姆 + 菲尔 + 顿) are joined
_TRANSLITERATION = frozenset(
    "阿埃艾爱安奥巴拜班邦保鲍贝本比彼毕宾波伯博布查达戴丹道德迪蒂丁东杜多厄恩法菲费芬弗福盖甘戈格根古哈海汉豪赫亨"
    "霍基吉加贾杰金卡凯坎康考柯科克肯库夸奎拉莱赖兰朗劳勒雷里利列林琳隆卢鲁伦罗洛马玛迈麦曼梅蒙米密莫默姆穆纳娜内"
    "尼纽努诺欧帕潘佩彭皮珀普奇齐恰乔切琼丘萨塞桑森沙莎舍什施斯松苏索塔泰汤唐特提图托瓦万维威温沃乌伍西希谢辛休雅"
    "亚扬耶伊因尤约泽扎詹兹佐夫顿尔茨姆"
)
_SPLIT_TAGS = frozenset(["nr", "nrfg", "nrt"])  # the tags of a name's first piece
_MEND_TAGS = frozenset([*_SPLIT_TAGS, "eng"])  # tokens _mended looks at (and 《, and teams)
_TEAM_TAGS = frozenset(["n", "nz", "nt"])  # what a team's or club's name is tagged (开拓者队, 上港俱乐部)
# what a given name cut off its family name is tagged
_GIVEN_TAGS = frozenset(["n", "nr", "nz", "g", "ng", "zg", "j", "ag", "nrt", "nrfg"])
_MORPHEMES = frozenset(["g", "ng", "zg", "ag"])  # a single character that is not a word (李子 + 璇, 王子 + 异)
# words after a family name that are no given name: a form of address or a role (王 + 先生, 陈 + 医生)
_NOT_GIVEN = frozenset([
    "先生", "女士", "小姐", "老师", "阿姨", "师傅", "同学", "大爷", "大妈", "太太", "夫人", "家", "氏", "某", "总", "姐", "哥", "姐姐",
    "哥哥", "妹妹", "弟弟", "大夫", "导", "嫂", "叔", "婶", "伯", "爷", "奶奶", "爷爷", "主任", "经理", "律师", "博士", "指导", "姓", "妈",
    "爸", "少", "董", "局", "处", "科", "所",
])  # fmt: skip
_HELD_TAGS = frozenset([*_NAME_TAGS, "nz", "eng"])  # words that may begin a longer name
_PERSON_LIKE_TAGS = frozenset(["nr", "nrt", "nrfg", "n", "nz"])  # new words the tokenizer found are tagged n
_ROLES = frozenset(
    [
        "记者",
        "通讯员",
        "编辑",
        "责任编辑",
        "实习编辑",
        "导演",
        "主持人",
        "演员",
        "歌手",
        "女星",
        "男星",
        "主演",
        "扮演者",
        "董事长",
        "总裁",
        "创始人",
        "首席执行官",
        "教练",
        "主教练",
        "主帅",
        "球员",
        "队长",
        "部长",
        "总统",
        "总理",
        "主席",
        "市长",
        "省长",
        "局长",
        "校长",
        "院长",
        "教授",
        "医生",
        "研究员",
        "分析师",
        "作家",
        "设计师",
        "模特",
        "妻子",
        "丈夫",
        "女儿",
        "儿子",
        "搭档",
        "队友",
        "对手",
        "艺人",
        "女演员",
        "男演员",
        "球星",
        "名将",
        "选手",
        "前锋",
        "后卫",
        "中锋",
        "门将",
        "ceo",
        "作者",
        "经纪人",
        "老板",
    ]
)
_SAYS = frozenset(
    ["说", "表示", "称", "指出", "透露", "认为", "坦言", "介绍", "回应", "强调", "告诉", "宣布", "说道", "写道", "解释"]
)
_PLAYS = frozenset(["饰演", "扮演", "饰"])
# what a person does after being named (王大陆 扮演, 林志玲 现身): weaker than a verb of saying (明星 出席)
_ACTS = frozenset(
    ["饰演", "扮演", "出演", "主演", "笑称", "直言", "回忆", "感叹", "发文", "晒出", "现身", "出席", "饰"]
)
_NOT_PERSON_ENDINGS = ("人", "先生", "女士", "小姐", "老师")  # 马来人, 杨先生: a people or a form of address


@dataclass(frozen=True)
class Lexicon:
    """The curated names (folded word → kind), how to show them, the tagged words that are not names,
    and aliases (variant → canonical name)."""

    kinds: dict[str, str]
    shown: dict[str, str]
    not_names: frozenset[str]
    aliases: dict[str, str]

    def canonical(self, word: str) -> str:
        """The name word is an alias of, else word itself."""
        return self.aliases.get(word, word)

    def forms(self, name: str) -> list[str]:
        """Every name of the entity name (folded) is or is an alias of: its canonical name first."""
        canonical = self.canonical(name)
        return [canonical, *sorted(v for v, c in self.aliases.items() if c == canonical and v != canonical)]

    def display(self, word: str) -> str:
        """How a name is shown: as the dictionary spells it (NBA, not the folded nba)."""
        return self.shown.get(word, word)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The bundled lexicon (read once per process, a few ms)."""
    kinds, shown = {}, {}
    for word, tag in _pairs(LEXICON):
        key = fold(word)
        if tag in _TAG_KINDS and key not in kinds:
            kinds[key], shown[key] = _TAG_KINDS[tag], word
    aliases = {fold(variant): fold(name) for variant, name in _pairs(ALIASES)}
    not_names = frozenset(fold(w) for line in _lines(NOT_NAMES) for w in line.split())
    return Lexicon(kinds, shown, not_names, aliases)


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]


def _pairs(path: Path) -> list[tuple[str, str]]:
    """(word, tag) of each line; a Latin-script name of several words is written with underscores (Elon_Musk)."""
    return [(line.split()[0].replace("_", " "), line.split()[1]) for line in _lines(path) if len(line.split()) >= 2]


def entity_forms(text: str) -> list[str]:
    """The names a search for text matches: all names of the entity text names (海格塞斯 → 赫格塞思 and its
    aliases), else text alone."""
    known = lexicon()
    key = fold(text)
    if key in known.aliases or key in known.kinds:
        forms = known.forms(key)
        return forms if len(forms) > 1 else [text]
    return [text]


def names_of(name: str) -> tuple[list[str], list[str]]:
    """The names of the entity a reader asks for by any of them (traditional characters, another
    transliteration, any case), the one shown first; and every name it may be stored under."""
    known = lexicon()
    key = known.canonical(fold(name.strip()))
    forms = [known.display(f) for f in known.forms(key)]
    return forms, list(dict.fromkeys([*forms, name.strip(), key]))


def dictionary_words() -> list[tuple[str, str]]:
    """(word, jieba tag) of every curated name and alias, for the tokenizer to cut each as one word."""
    known = lexicon()
    tags = {kind: tag for tag, kind in reversed(_TAG_KINDS.items())}
    words = [(word, tags[kind]) for word, kind in known.kinds.items() if " " not in word]
    for variant, name in known.aliases.items():
        kind = known.kinds.get(name) or known.kinds.get(variant)
        if kind:
            words.append((variant, tags[kind]))
    return words


def kind_of(word: str, tag: str, known: Lexicon) -> str | None:
    """The kind of name a tagged word is (people, places, orgs), or None when it is not a name."""
    name = known.canonical(word)
    kind = known.kinds.get(name) or known.kinds.get(word)
    if kind:
        return kind
    if tag == _DOTTED:
        return "people" if 2 <= len(word) <= 6 and word[-1] not in _NOT_NAME_ENDINGS else None
    if tag == _TEAM:
        return "orgs"
    if tag == _JOINED:
        return (
            "people" if word not in known.not_names and _person_shaped(word, "nrt" if len(word) > 3 else "nr") else None
        )
    tagged = _TAG_KINDS.get(tag)
    if tagged is None or word in known.not_names or not _CJK.match(word) or len(word) < 2:
        return None
    if tagged == "people":
        return "people" if _person_shaped(word, tag) else None
    if tagged == "places":
        return "places" if word[-1] in _PLACE_ENDINGS else None
    return "orgs" if word.endswith(_ORG_ENDINGS) and len(word) >= 3 else None


def _person_shaped(word: str, tag: str) -> bool:
    if word[-1] in _NOT_NAME_ENDINGS or word.endswith(_NOT_PERSON_ENDINGS):
        return False
    if tag == "nrt":  # a transliteration: two characters are mostly ordinary words (令人, 科普, 多达)
        return len(word) >= 3
    if word.startswith(_COMPOUND_SURNAMES):
        return 3 <= len(word) <= 4
    return 2 <= len(word) <= 3 and word[0] in _SURNAMES


def _sources(tokens: list[Token]) -> Iterable[str]:
    """The outlets an article credits: （来源：红酒世界网）, 内容来源：时尚Cosmo, an opening 来源：猫眼电影."""
    for i in [i for i, token in enumerate(tokens) if token[0] == "来源" and i + 2 < len(tokens)]:
        if tokens[i + 1][0] in ":：" and (i == 0 or tokens[i - 1][0] in ("(", "（", "内容")):
            parts = []
            for part, tag in tokens[i + 2 : i + 6]:
                if tag not in _SOURCE_TAGS:
                    break
                parts.append(part)
            if 2 <= len(name := "".join(parts)) <= 16:
                yield name


def named_entities(
    tokens: Iterable[Token], limit: int = LIMIT, known_word: Callable[[str], bool] | None = None
) -> dict[str, list[str]]:
    """The most mentioned people, places and orgs: {"people": [...], "places": [...], "orgs": [...]}, each
    name in its canonical form (aliases merged). known_word says whether the tokenizer's dictionary has a
    word: a word it does not have, shaped like a name (a family name and one or two characters), is a new
    name the tokenizer found (范丞丞)."""
    known = lexicon()
    counts: dict[str, Counter] = {kind: Counter() for kind in KINDS}
    confirmed: set[str] = set()  # names the dictionary, a dotted name or the words around one vouch for
    found = _joined(_mended(tokens, known, known_word))
    for name in _sources(found):
        counts["orgs"][known.canonical(name)] += 1
        confirmed.add(known.canonical(name))
    kinds, aliases, new_word_tags = known.kinds, known.aliases, ("n", "nz")
    for i, (word, tag) in enumerate(found):
        plain = tag not in _NAME_TAGS and word not in kinds and word not in aliases
        if plain and (tag not in new_word_tags or not _new_name_shaped(found, i)):
            continue  # most words: no name tag, not in the dictionary, not shaped like a new name
        kind = kind_of(word, tag, known)
        sure = kind is not None and (known.canonical(word) in known.kinds or word in known.kinds or tag == _DOTTED)
        if kind == "people" and not sure:
            sure = _cued(found, i)
        elif kind is None:
            kind = _person_by_context(found, i, known, known_word)
            sure = kind is not None and _cued(found, i)
        if kind:
            counts[kind][known.canonical(word)] += 1
            if sure:
                confirmed.add(known.canonical(word))
    return {
        kind: [known.display(w) for w, n in c.most_common(limit) if n >= 2 or w in confirmed or kind != "people"]
        for kind, c in counts.items()
    }


def _new_name_shaped(tokens: list[Token], i: int) -> bool:
    """Whether a word the tokenizer tags n or nz may be a new name: a family name and two characters (范丞丞), or
    two characters tagged nz after a role (导演 哈文)."""
    word, tag = tokens[i]
    if len(word) == 3:
        return word[0] in _SURNAMES
    return len(word) == 2 and tag == "nz" and _around(tokens, i)[0] in _ROLES


def _person_by_context(
    tokens: list[Token], i: int, known: Lexicon, known_word: Callable[[str], bool] | None
) -> str | None:
    """'people' when a name-like token the tags do not call a person is one: the words around it say so
    (a role before it: 记者 滕朝, 导演 哈文; a verb of saying after it: 陈戌源 表示; a byline in brackets), or it
    is a new word (not in the tokenizer's dictionary) of a family name and two characters (范丞丞)."""
    word, tag = tokens[i]
    if tag not in _PERSON_LIKE_TAGS or not 2 <= len(word) <= 4 or not _CJK.match(word) or known.kinds.get(word):
        return None
    if word[-1] in _NOT_NAME_ENDINGS or word.endswith(_NOT_PERSON_ENDINGS):
        return None
    if word in known.not_names:  # reviewed as no name: only a role or a verb of saying says otherwise (CEO 张勇)
        return "people" if tag.startswith("nr") and _cued(tokens, i, strong=True) else None
    before = _around(tokens, i)[0]
    if tag in ("n", "nz"):  # a new word shaped like a name, or a new name a role introduces (导演 哈文)
        new = known_word is not None and not known_word(word)
        if len(word) == 3 and word[0] in _SURNAMES:
            if new and not (known_word(word[:2]) or known_word(word[1:])):  # 卫衣里, 成学渣: words run together
                return "people"
        elif not (new and tag == "nz" and len(word) == 2 and before in _ROLES):
            return None
    return "people" if _cued(tokens, i) else None


def _cued(tokens: list[Token], i: int, strong: bool = False) -> bool:
    """Whether the words around tokens[i] say it names a person: a role or an @ before it (主教练 索拉里,
    @陈意涵), a verb of saying or acting after it (陈戌源 表示, 王大陆 扮演), or a byline in brackets ((木尔));
    strong: a role, a verb of saying or a byline only."""
    before, after, earlier = _around(tokens, i)
    byline = before in "(（" and after in ")）" and tokens[i][1] in _PEOPLE_TAGS
    if strong:
        return before in _ROLES or after in _SAYS or byline
    if before in '“"「' and earlier in _PLAYS:  # a role in quotes: 扮演 “原湘琴”
        return True
    return before in _ROLES or before == "@" or after in _SAYS or after in _ACTS or byline


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


def _mended(tokens: Iterable[Token], known: Lexicon, known_word: Callable[[str], bool] | None) -> list[Token]:
    """The tokens with the names the tokenizer cut apart put together, tagged _JOINED: a family name and
    its given name (王 + 大陆, 陈 + 意涵, 李子 + 璇), the pieces of a transliterated name (艾哈迈 + 多夫,
    汤姆 + 菲尔 + 顿; a first name before a last name the dictionary has is dropped: 蒂姆 库克 → 库克); a name
    run into the next word cut off it (陈玉珊继 → 陈玉珊 + 继); a newspaper in title marks joined into one
    organisation (《 每日 邮报 》); a Latin-script name of two or three words that the dictionary has (elon +
    musk), tagged eng; a team or club as its name (上港俱乐部 → 上港, tagged _TEAM) when the dictionary has the
    name or the tokenizer does not know the word (开拓者队)."""
    tokens = tokens if isinstance(tokens, list) else list(tokens)
    # the few places to look at, found by one comprehension (most tokens need nothing)
    starts = [
        i for i, (w, t) in enumerate(tokens) if t in _MEND_TAGS or w == "《" or (t in _TEAM_TAGS and w[-1] in "队部")
    ]
    if not starts:
        return tokens
    out: list[Token] = []
    done = 0  # tokens before done are in out
    for i in starts:
        if i >= done:
            out.extend(tokens[done:i])
            done = _mend_at(tokens, i, out, known, known_word)
    out.extend(tokens[done:])
    return out


def _mend_at(
    tokens: list[Token], i: int, out: list[Token], known: Lexicon, known_word: Callable[[str], bool] | None
) -> int:
    """Append to out what tokens[i] and the tokens after it that belong to it make; the index after them."""
    end = len(tokens)
    token = tokens[i]
    word, tag = token
    if word == "《":
        paper = _newspaper(tokens, i + 1)
        if paper:  # a place it begins with stays a place (成都 of 《成都商报》), as before an organisation's head
            out.extend((token, tokens[i + 1], ("", "x")) if tokens[i + 1][1] == "ns" else (token,))
            out.append((paper[0], "nt"))
            return paper[1]
    if tag in _TEAM_TAGS and word[-1] in "队部" and len(word) > 2:
        team = _team(word, known, known_word)
        if team:
            out.append((team, _TEAM))
            return i + 1
    if tag == "eng":
        latin = _latin_name(tokens, i, known)
        if latin:
            out.append((latin[0], "eng"))
            return latin[1]
    if tag not in _SPLIT_TAGS or i + 1 == end:
        out.append(token)
        return i + 1
    after, after_tag = tokens[i + 1]
    if len(word) == 1:
        given = (
            word in _SURNAMES
            and after_tag in _GIVEN_TAGS
            and len(after) <= 2
            and after not in _NOT_GIVEN
            and after not in _ROLES
            and after not in _SAYS
            and after not in _ACTS
            and after[-1] not in _NOT_NAME_ENDINGS
            and _CJK.match(after)
        )
        if given:
            out.append((word + after, _JOINED))
            return i + 2
    elif len(word) == 2 and word[0] in _SURNAMES and after_tag in _MORPHEMES and len(after) == 1 and tag != "nrt":
        out.append((word + after, _JOINED))
        return i + 2
    elif after_tag == "nrt" and _transliterated(word) and _transliterated(after):
        if known.kinds.get(after) == "people":  # a first name and a known last name (蒂姆 库克): the last
            out.append((after, _DOTTED))
            return i + 2
        name, i = word + after, i + 2
        if i < end and len(tokens[i][0]) == 1 and _transliterated(tokens[i][0]) and tokens[i][1] in ("q", "g", "nrt"):
            name, i = name + tokens[i][0], i + 1
        out.append((name, _JOINED))
        return i
    elif len(word) == 4 and word[-1] in _NOT_NAME_ENDINGS and word[0] in _SURNAMES:
        out.extend(((word[:3], tag), (word[3], "d")))
        return i + 1
    out.append(token)
    return i + 1


def _latin_name(tokens: list[Token], i: int, known: Lexicon) -> tuple[str, int] | None:
    """(name, index after it) when the Latin words from tokens[i] (apart by one space at most) make a name
    of two or three words the dictionary has (Elon Musk, Faraday Future)."""
    words, at, found = [tokens[i][0]], i + 1, None
    while at < len(tokens) and len(words) < 3:
        if tokens[at][0] == " " and at + 1 < len(tokens):
            at += 1
        if tokens[at][1] != "eng":
            break
        words.append(tokens[at][0])
        at += 1
        if " ".join(words) in known.kinds:
            found = (" ".join(words), at)
    return found


def _team(word: str, known: Lexicon, known_word: Callable[[str], bool] | None) -> str | None:
    """The name of the team or club word names (开拓者队 → 开拓者, 上港俱乐部 → 上港), else None."""
    stem = word[:-3] if word.endswith("俱乐部") else word[:-1] if word.endswith("队") else ""
    if len(stem) < 2 or not _CJK.match(stem):
        return None
    if known.kinds.get(known.canonical(stem)) == "orgs":
        return stem
    new = known_word is not None and not known_word(word) and len(stem) <= 4
    return stem if new and stem not in known.not_names and known.kinds.get(stem) is None else None


def _transliterated(word: str) -> bool:
    return all(c in _TRANSLITERATION for c in word)


def _newspaper(tokens: list[Token], start: int) -> tuple[str, int] | None:
    """(name, index after it) when the title marks opened before start hold a newspaper's name (《每日邮报》,
    《中国报》: ends with 报, not an academic 学报)."""
    for stop in range(start + 1, min(start + 6, len(tokens))):
        if tokens[stop][0] == "》":
            name = "".join(w for w, _ in tokens[start:stop])
            if 3 <= len(name) <= 8 and name.endswith("报") and not name.endswith(("学报", "画报")) and _CJK.match(name):
                return name, stop
            return None
    return None


def _joined(tokens: Iterable[Token]) -> list[Token]:
    """The tokens as names: a dotted full name (勒布朗·詹姆斯) as its last part, tagged _DOTTED (news calls
    a transliterated person by that part after the first mention); the names before an organisation's head
    word joined to it (中国 + 传媒大学, tagged nt); a place followed by 时间 dropped (北京时间 is a time zone);
    a person's name run into the preposition before it (对惠若琪) trimmed. One pass: it sees every word."""
    out: list[Token] = []
    held: list[Token] = []  # names that may begin an organisation's name
    dotted = False  # the last word held is a name followed by a dot
    known = lexicon().kinds
    for token in tokens:
        word, tag = token
        if dotted:
            dotted = False
            if _CJK.match(word):
                held[-1] = (word, _DOTTED)
                continue
        if word in _DOTS:
            if held and held[-1][1] in _PEOPLE_TAGS:
                dotted = True
                continue
        elif held and word in ("俱乐部", "队") and "".join(w for w, _ in held) in known:  # 上港 俱乐部: the club
            out.extend(held)
            held = []
            continue
        elif held and word.endswith(_ORG_HEADS) and _CJK.match(word):
            while len(held) > 1 and held[0][1] == "ns":  # 美国 + 爱因斯坦医学院: the country stays a place
                out.append(held.pop(0))
            out.append(("".join(w for w, _ in held) + word, "nt"))
            held = []
            continue
        elif tag in _HELD_TAGS or word in known:
            if len(word) == 4 and tag in ("nr", "nrfg") and word[0] in _NOT_NAME_STARTS and word[1] in _SURNAMES:
                out.extend(held)
                out.append((word[0], "p"))
                held, token = [], (word[1:], tag)
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
    return out


def tagged_names(tokens: Iterable[Token], limit: int = 10) -> dict[str, list[str]]:
    """The tokenizer's name tags alone, as zixun extracted names before the dictionary (the baseline that
    `zixun eval entities` reports beside named_entities)."""
    counts: dict[str, Counter] = {kind: Counter() for kind in KINDS}
    for word, tag in tokens:
        kind = _TAG_KINDS.get(tag)
        if kind and len(word) >= 2:
            counts[kind][word] += 1
    return {kind: [w for w, _ in c.most_common(limit)] for kind, c in counts.items()}
