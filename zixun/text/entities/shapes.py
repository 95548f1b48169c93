"""The shapes names take: a family name and a given name, a transliteration, an organisation's or a place's
ending; the words around a name that say it is a person (a role before it, a verb of saying after it); and the
kind of name a tagged word is."""

from __future__ import annotations

import re

from zixun.text.entities.lexicon import TAG_KINDS, WORDS, Lexicon

CJK = re.compile(r"^[\u3400-\u9fff]+$")
DOTS = frozenset("·•‧・")  # 勒布朗·詹姆斯: a transliterated full name is cut at its dot
HYPHENS = frozenset("-－")  # a dot between the parts of a transliterated name in sports news (乔治-希尔)
# the most common family names (about nine in ten people): an unknown word tagged as a name that does not
# start with one is more often an ordinary word (高达, 明白, 诸如)
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛"
    "邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝"
    "路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂"
    "全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
    "惠阚鞠奚寿冀郜栗蔺晁芮闻訾逯仝扈邸眭练糜蒯隗铁帅战郁昝阎揭暴钮厉储桓宿况亢乐匡鄢"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "尉迟", "公孙", "长孙", "夏侯")
# a name the tokenizer ran into the next word (李咏是, 李咏说): the last character is a verb or particle
NOT_NAME_ENDINGS = frozenset("是因于说对有出在和与的了将也都就称为被把向从等们继及以")
# a name the tokenizer ran into the word before (对惠若琪, 人葛爱平): the first character is a preposition
NOT_NAME_STARTS = frozenset("对和与向在被把给让将人有")
# a local office named by its city or county: 江门海关, 惠阳区气象局, 重庆市教育考试院 (the places before it are
# part of its name)
OFFICE_HEADS = (
    "海关", "气象局", "公安局", "教育局", "教育厅", "考试院", "调查队", "调查总队", "法院", "检察院", "管理局", "统计局",
    "税务局", "海事局", "缉私局", "派出所", "政府", "卫健委", "教委", "体育局", "卫生局", "环保局", "交通局", "高院", "网信办",
)  # fmt: skip
# a broadcaster or a team named by its province or city: 浙江卫视, 福建女排, 广东男篮 are organisations, not places
TEAM_HEADS = ("卫视", "女排", "男排", "女篮", "男篮", "男足", "女足")
NATIONAL_TEAMS = ("女乒", "男乒", "国青", "国奥")  # a country's national team (日本 + 女乒, 沙特 + 国青)
# what an organisation's name ends with; an unknown word tagged nt without one is usually not a name (国际化)
ORG_ENDINGS = (
    "大学", "学院", "医大", "师大", "农大", "工大", "中学", "小学", "学校", "公司", "集团", "银行", "医院", "协会", "学会",
    "委员会", "研究院", "研究所", "科学院", "部", "局", "署", "厅", "办", "社", "报", "台", "队", "俱乐部", "联盟", "联合会", "组织", "政府",
    "法院", "检察院", "基金会", "中心", "党", "军", "总局", "交易所", "工作室", "网", "使馆", "领事馆", "总领馆", "办公室", *TEAM_HEADS, *NATIONAL_TEAMS,
    *OFFICE_HEADS, "务省", "科学省", "文科省", "劳动省", "水产省", "产业省", "交通省", "环境省", "防卫省",  # Japan's ministries
)  # fmt: skip
PLACE_ENDINGS = frozenset("省市县区州镇乡村岛国城港湾山河湖江海峡岭郡")
# an organisation's head word: the names just before it are part of the organisation's name
# (中国 + 传媒大学, 爱因斯坦 + 医学院), not places or people of their own
ORG_HEADS = (
    "大学", "学院", "医院", "公司", "集团", "银行", "研究院", "研究所", "教育部", "俱乐部", "委员会", "学校", "中学", "小学",
    "日报", "晚报", "电视台", "出版社", "交易所", *TEAM_HEADS, *NATIONAL_TEAMS, *OFFICE_HEADS,
)  # fmt: skip
SOURCE_TAGS = frozenset(["n", "nz", "eng", "nr", "ns", "nt", "nrt", "vn", "j", "l"])  # words of an outlet's name
DOTTED = "nr·"  # the tag of a dotted full name's last part: the dot says it is a person
JOINED = "nr+"  # the tag of a person's name joined from the pieces the tokenizer cut it into (王 + 大陆)
TEAM = "nt队"  # the tag of a team's or club's name without its 队 / 俱乐部 (开拓者队 → 开拓者)
LATIN_PERSON, LATIN_ORG = "nr@", "nt@"  # the tags of a Latin-script name the text capitalises (Michael Yerger)
SITE = "ns+"  # the tag of a named site joined from a place and what it is (海淀 + 公园)
FIRM = "nt+"  # the tag of a firm joined from a word of its own and a firm's word (柔宇 + 科技, 连尚 + 网络)
NAME_TAGS = frozenset([*TAG_KINDS, DOTTED, JOINED, TEAM, LATIN_PERSON, LATIN_ORG, SITE, FIRM])
PEOPLE_TAGS = frozenset(["nr", "nrfg", "nrt", DOTTED, JOINED, LATIN_PERSON])
# characters of transliterated names: the pieces of one cut apart (艾哈迈 + 多夫, 汤姆 + 菲尔 + 顿) are joined
TRANSLITERATION = frozenset(
    "阿埃艾爱安奥巴拜班邦保鲍贝本比彼毕宾波伯博布查达戴丹道德迪蒂丁东杜多厄恩法菲费芬弗福盖甘戈格根古哈海汉豪赫亨"
    "霍基吉加贾杰金卡凯坎康考柯科克肯库夸奎拉莱赖兰朗劳勒雷里利列林琳隆卢鲁伦罗洛马玛迈麦曼梅蒙米密莫默姆穆纳娜内"
    "尼纽努诺欧帕潘佩彭皮珀普奇齐恰乔切琼丘萨塞桑森沙莎舍什施斯松苏索塔泰汤唐特提图托瓦万维威温沃乌伍西希谢辛休雅"
    "亚扬耶伊因尤约泽扎詹兹佐夫顿尔茨姆"
)
SPLIT_TAGS = frozenset(["nr", "nrfg", "nrt"])  # the tags of a name's first piece
MEND_TAGS = frozenset([*SPLIT_TAGS, "eng"])  # tokens mended looks at (and 《, and teams)
TEAM_TAGS = frozenset(["n", "nz", "nt"])  # what a team's or club's name is tagged (开拓者队, 上港俱乐部)
# what a given name cut off its family name is tagged
GIVEN_TAGS = frozenset(["n", "nr", "nz", "g", "ng", "zg", "j", "ag", "nrt", "nrfg"])
MORPHEMES = frozenset(["g", "ng", "zg", "ag"])  # a single character that is not a word (李子 + 璇, 王子 + 异)
# words after a family name that are no given name: a form of address or a role (王 + 先生, 陈 + 医生)
NOT_GIVEN = frozenset([
    "先生", "女士", "小姐", "老师", "阿姨", "师傅", "同学", "大爷", "大妈", "太太", "夫人", "家", "氏", "某", "总", "姐", "哥", "姐姐",
    "哥哥", "妹妹", "弟弟", "大夫", "导", "嫂", "叔", "婶", "伯", "爷", "奶奶", "爷爷", "主任", "经理", "律师", "博士", "指导", "姓", "妈",
    "爸", "少", "董", "局", "处", "科", "所", "小哥", "母亲", "父亲", "妈妈", "爸爸", "夫妇", "一家",
])  # fmt: skip
HELD_TAGS = frozenset([*NAME_TAGS, "nz", "eng"])  # words that may begin a longer name
PERSON_LIKE_TAGS = frozenset(["nr", "nrt", "nrfg", "n", "nz"])  # new words the tokenizer found are tagged n
ROLES = WORDS["roles"]
SAYS = frozenset(
    ["说", "表示", "称", "指出", "透露", "认为", "坦言", "介绍", "回应", "强调", "告诉", "宣布", "说道", "写道", "解释"]
)
PLAYS = frozenset(["饰演", "扮演", "饰"])
# what a person does after being named (王大陆 扮演, 林志玲 现身): weaker than a verb of saying (明星 出席)
ACTS = frozenset(["饰演", "扮演", "出演", "主演", "笑称", "直言", "回忆", "感叹", "发文", "晒出", "现身", "出席", "饰"])
# countries whose names do not end with 国: a country before an organisation's name stays a place (美国 +
# 爱因斯坦医学院, 加拿大 + 哥伦比亚大学), a city or a province is part of it (济南 + 天山外国语学校)
COUNTRIES = WORDS["countries"]
PROVINCES = WORDS["provinces"]  # China's provinces and regions
# given names: capitalised Latin words after one of them are a person's name (Michael Yerger, Neil Mawston)
FIRST_NAMES = WORDS["first_names"]
# a partner, a parent or a poster just before capitalised Latin words: they name a person (女友 Halston Sage, 未婚夫 Jack
# Brooksbank, 用户 Jessica Whitaker), as a role does (设计师 Hedi Slimane)
LATIN_PERSON_BEFORE = frozenset(["女友", "男友", "未婚夫", "未婚妻", "前妻", "前夫", "老公", "老婆", "女朋友", "男朋友", "用户", "网友", "法官", "父亲", "母亲"])  # fmt: skip
# the last word of an organisation's name in Latin script (Strategy Analytics, First Solar, Live Nation)
ORG_WORDS = WORDS["org_words"]
# words of a match: two of them in an article say it is about sport, so 火箭 and 骑士 are clubs there (teams.txt)
SPORT_WORDS = WORDS["sport_words"]
STAT_WORDS = WORDS["stat_words"]  # a number then one of them after a name: a player's line
JAPANESE_SURNAMES = WORDS["japanese_surnames"]
# 马来人, 杨先生, 刘总, 陈姓: a people, a form of address, a family name alone; 谢某, 李教授, 张阿姨: a name withheld, a title
NOT_PERSON_ENDINGS = ("人", "先生", "女士", "小姐", "老师", "总", "姓", "博士", "教授", "某", "医生", "律师", "大爷", "阿姨", "同学")  # fmt: skip


def country(word: str) -> bool:
    """Whether a place's name is a country's: ends with 国 or is one of COUNTRIES (日本, 加拿大)."""
    return word.endswith("国") or word in COUNTRIES


def kind_of(word: str, tag: str, known: Lexicon) -> str | None:
    """The kind of name a tagged word is (people, places, orgs), or None when it is not a name."""
    name = known.canonical(word)
    kind = known.kinds.get(name) or known.kinds.get(word)
    if kind:
        return kind
    if tag == DOTTED:
        return "people" if 2 <= len(word) <= 6 and word[-1] not in NOT_NAME_ENDINGS else None
    if tag == SITE:
        return "places"
    if tag in (TEAM, LATIN_ORG, FIRM):
        return "orgs"
    if tag == LATIN_PERSON:
        return "people"
    if tag == JOINED:
        return (
            "people"
            if word not in known.not_names
            and person_shaped(word, "nrt" if len(word) > 3 or transliterated(word) else "nr")
            else None
        )
    tagged = TAG_KINDS.get(tag)
    if tagged is None or word in known.not_names or len(word) < 2:
        return None
    if tagged == "orgs" and not CJK.match(word):  # nhk + 电视台: a Latin name before an organisation's head word
        return "orgs" if CJK.match(word[-2:]) and word.endswith(ORG_ENDINGS) and len(word) >= 4 else None
    if not CJK.match(word):
        return None
    if tagged == "people":
        # a transliteration the tokenizer tagged nr (斯莫林, 德洛夫) is shaped as one tagged nrt
        shaped_as = "nrt" if tag == "nr" and len(word) >= 3 and transliterated(word) else tag
        return "people" if person_shaped(word, shaped_as) else None
    if tagged == "places":
        return "places" if (word[-1] in PLACE_ENDINGS or _street(word)) and not _vague_place(word) else None
    return "orgs" if word.endswith(ORG_ENDINGS) and len(word) >= 3 else None


# what before 城市, 地区 or 国 makes a vague region, not a place (周边城市, 西南地区, 大城市, 北国, 南国)
VAGUE_STEMS = frozenset(["周边", "东", "南", "西", "北", "中", "东南", "西南", "东北", "西北", "小", "大", "各", "全"])


# what a street's name ends with, and what such words that name none end with or hold (a way, a kind of street)
STREET_ENDS = ("路", "街")
NOT_STREETS = ("道路", "铺路", "坡路", "美食街", "步行街", "商业街", "小吃街", "潮人街", "老街", "大街小巷")


def _street(word: str) -> bool:
    """Whether a word the tokenizer tags as a place is a street's name (仙霞路, 迪化街, 前门大街): three characters or more
    ending with 路 or 街, no word for a way or a kind of street (铺平道路, 上坡路, 美食街)."""
    return len(word) >= 3 and word.endswith(STREET_ENDS) and not any(w in word for w in NOT_STREETS)


def _vague_place(word: str) -> bool:
    """Whether a word with a place's ending names a vague region (周边城市, 西南地区, 北国, 百城) or a kind of country
    (小人国): a direction or a size before 城市, 地区 or 国, a number before 城, a people before 国 (two-character
    places stay: 西城, 东湖, 南海 are districts, a lake, a sea)."""
    if word.endswith(("城市", "地区")):
        return word[:-2] in VAGUE_STEMS
    if len(word) == 2 and word[0] == "驻":
        return True  # 驻港, 驻市: stationed in a place (驻马店 is a city)
    stem = word[:-1]
    if word.endswith("国"):
        return stem in VAGUE_STEMS or (len(stem) >= 2 and stem.endswith("人"))
    return word.endswith("城") and stem in ("百", "千", "万")


def person_shaped(word: str, tag: str) -> bool:
    if word[-1] in NOT_NAME_ENDINGS or word.endswith(NOT_PERSON_ENDINGS):
        return False
    if tag == "nrt":  # a transliteration: two characters are mostly ordinary words (令人, 科普, 多达)
        return len(word) >= 3
    if word.startswith(COMPOUND_SURNAMES):
        return 3 <= len(word) <= 4
    return 2 <= len(word) <= 3 and word[0] in SURNAMES


def transliterated(word: str) -> bool:
    return all(c in TRANSLITERATION for c in word)
