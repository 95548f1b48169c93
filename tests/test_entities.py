"""People, places and organisations: extraction (dictionary, filters, aliases), the quality gate on the labelled
sample, entity_mentions on both backends (ingest, update, reindex, migration), search by alias, export, and the
entity pages over real HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from lxml import html
from web_server import FakeClock, fill_store, live_server

from zixun import contexts, pipeline
from zixun.contexts import NotFound, Paging, Reader
from zixun.evaluate.entities import LabelError, evaluate_entities
from zixun.models import Extracted
from zixun.search.query import search
from zixun.settings import Settings
from zixun.store import articles, create_engine, migrate, schema, writing
from zixun.store.batches import article_row
from zixun.text.analysis import analyze
from zixun.text.entities import dictionary_words, lexicon, named_entities, names_of, tagged_names
from zixun.text.entities.extract import _people_kept
from zixun.text.segment import segmenter

DATA = Path(__file__).resolve().parent / "data"
FIXTURE = DATA / "entities" / "articles.jsonl"
LABELED = DATA / "entities_labeled.jsonl"
HEGSETH = "赫格塞思"


def _entities(title: str, body: str) -> dict:
    return analyze(segmenter(), title, body.split("\n")).entities


# --- extraction -------------------------------------------------------------------------------------


def test_tagged_noise_is_not_a_name_but_the_tokenizer_alone_says_it_is():
    text = "外交部发言人表示严正关切，认为此事尤为重要。本赛季明星球员詹姆斯表现出色。"
    tokens = segmenter().tag(text)
    raw = {n for names in tagged_names(tokens).values() for n in names}
    assert {"严正", "本赛季", "明星"} & raw  # what the POS tags alone call names
    found = named_entities(tokens)
    shown = {n for names in found.values() for n in names}
    assert not {"严正", "尤为重要", "本赛季", "明星"} & shown
    assert found["people"] == ["詹姆斯"] and found["orgs"] == ["外交部"]


def test_transliterations_and_traditional_characters_are_one_person():
    found = [
        _entities(r["title"], r["body"]) for r in map(json.loads, FIXTURE.read_text(encoding="utf-8").splitlines())
    ]
    assert [f["people"][0] for f in found] == [HEGSETH] * 3  # 海格塞斯, 赫格塞思 (traditional text), 赫格塞斯
    assert "董军" in found[1]["people"] and "美国" in found[1]["places"]  # 董軍, 美國 folded
    assert "严正" not in found[0]["people"] and "日本" in found[0]["places"]


def test_dictionary_kinds_and_dotted_names():
    found = _entities("华为与阿里巴巴", "华为和阿里巴巴在北京时间昨晚宣布合作。勒布朗·詹姆斯出席，詹皇表示支持。")
    assert set(found["orgs"]) >= {"华为", "阿里巴巴"}  # the stock tags call them people
    assert found["people"] == ["詹姆斯"]  # 勒布朗·詹姆斯 and 詹皇 are 詹姆斯
    assert "北京" not in found["places"]  # 北京时间 is a time zone


def test_names_the_tokenizer_cut_apart_are_put_together_when_confirmed():
    # 王 + 大陆 (named twice), 陈 + 意涵 (after @), 陈玉珊继 (run into the next word), 艾哈迈 + 多夫 (pieces)
    found = _entities(
        "王大陆新片曝光",
        "导演陈玉珊继前作后再度开拍，由王大陆扮演男主角。@陈意涵 点赞。艾哈迈多夫与队友训练，艾哈迈多夫说状态很好。",
    )
    assert {"王大陆", "陈意涵", "陈玉珊", "艾哈迈多夫"} <= set(found["people"])
    assert "大陆" not in found["places"]
    # a form of address is no given name; a first name before a known last name is dropped (蒂姆 库克 → 库克)
    found = _entities("苹果发布会", "王先生说他很满意。苹果首席执行官蒂姆库克表示，新品将在年底上市。")
    assert "王先生" not in found["people"] and "库克" in found["people"] and "蒂姆库克" not in found["people"]


def test_new_words_shaped_like_names_and_context_cues():
    # 范丞丞 is not in the tokenizer's dictionary: a family name and two characters, named in the title
    found = _entities("范丞丞毛衣造型清新", "他在活动中穿了一件毛衣，造型清新。")
    assert found["people"] == ["范丞丞"]
    # a single mention counts when a role or a verb of saying vouches for it; a lone unknown word does not
    found = _entities("新闻", "（记者 滕朝）消息称，衣里面还有一件。")
    assert found["people"] == ["滕朝"]


def test_a_name_after_a_credit_is_a_person_whatever_the_tokenizer_made_of_it():
    # a word it tags as no name (晨风), one cut in two (王国 + 安), one the second of a byline, a credit before a slash
    found = _entities("新闻", "本报讯（记者 王国安 周慧晓玲）展会开幕。\n（编译/晨风）\n审稿：李小川")
    assert set(found["people"]) == {"王国安", "周慧晓玲", "晨风", "李小川"} and not found["places"]
    # the expert a report asked; not a reporter's question, nor an expert's verdict in a headline
    found = _entities("专家：夸大其辞", "受访专家：王奕明 主任医师\n记者：你认为这是什么原因呢？")
    assert found["people"] == ["王奕明"]


def test_a_name_in_brackets_after_the_last_sentence_of_a_paragraph_signs_the_report():
    found = _entities("新闻", "球队在主场取胜。\n（小雨）\n公司称将继续投资。（晨曦）\n他说得对。")
    assert set(found["people"]) == {"小雨", "晨曦"}
    # not a column's name of ordinary words, nor a line after a table's numbers, nor 未完待续
    found = _entities("新闻", "比赛结束了。\n（冰雪季节）\n名单如下：\n3\n（新体）\n比赛结束。\n（未完待续）")
    assert not found["people"]


def test_newspapers_teams_and_latin_names():
    found = _entities(
        "外媒报道",
        "据英国《每日邮报》报道，开拓者队主场获胜，上港俱乐部宣布续约。Elon Musk 表示 Netflix 的内容很好。",
    )
    assert {"每日邮报", "开拓者", "上海上港", "Netflix"} <= set(found["orgs"])
    assert "英国" in found["places"] and "Elon Musk" in found["people"]
    found = _entities("论文", "他在《中华医学杂志》和《清华大学学报》发表论文。")  # journals are no organisations
    assert not {"中华医学杂志", "清华大学学报"} & set(found["orgs"])


def test_clubs_are_organisations_in_an_article_about_sport_and_their_city_is_part_of_the_name():
    found = _entities("火箭主场不敌雷霆", "本赛季火箭主场输给雷霆，球迷很失望。金州勇士队客场获胜，伯恩利战平。")
    assert {"火箭", "雷霆", "勇士", "伯恩利"} <= set(found["orgs"])
    assert "金州" not in found["places"]  # 金州勇士: the club's name, no place of its own
    # a city the tokenizer tags as a person (密尔沃基/nrt) but the dictionary knows as a place: the same
    found = _entities("勇士主场", "金州勇士坐镇主场迎战密尔沃基雄鹿。全场打完，雄鹿赢了。")
    assert "密尔沃基" not in found["places"] and "雄鹿" in found["orgs"]
    found = _entities("火箭发射成功", "长征火箭今天在酒泉发射成功，太阳能电池板展开。")
    assert not {"火箭", "太阳"} & set(found["orgs"])  # no sport: a rocket and the sun


def test_a_clubs_full_name_is_an_alias_of_its_name_but_not_cut_as_one_word():
    known = lexicon()
    assert known.canonical("密尔沃基雄鹿") == known.canonical("密尔沃基雄鹿队") == "雄鹿"
    assert known.canonical("休斯敦火箭") == known.canonical("休斯顿火箭") == "火箭"  # either spelling of the home
    assert known.canonical("洛杉矶湖人") == "湖人" and known.canonical("洛杉矶快船") == "快船"
    assert "密尔沃基雄鹿" in known.forms("雄鹿") and "雄鹿" in known.forms("密尔沃基雄鹿")
    words = {word for word, _ in dictionary_words()}
    assert not {"密尔沃基雄鹿", "金州勇士", "休斯顿火箭队"} & words  # a search for 雄鹿 still finds 密尔沃基雄鹿
    assert segmenter().segment("密尔沃基雄鹿主场").terms[:2] == ["密尔沃基", "雄鹿"]
    # an article naming the club both ways names one organisation
    found = _entities("雄鹿胜猛龙", "密尔沃基雄鹿主场迎战多伦多猛龙。雄鹿最终获胜，猛龙客场落败。")
    assert [n for n in found["orgs"] if n.endswith("雄鹿")] == ["雄鹿"]


def test_a_place_named_with_its_shi_sheng_or_diqu_is_the_place_named_without_it():
    known = lexicon()
    assert known.canonical("厦门市") == known.canonical("厦门") == "厦门"
    assert known.canonical("达州市") == "达州" and known.canonical("广东省") == "广东"
    assert known.canonical("超市") == "超市" and known.canonical("城市") == "城市"  # no place before the ending
    assert names_of("北京市")[0][0] == "北京"  # one entity page, whichever name a reader asks for
    found = _entities("达州通报", "达州市公安局通报了案情。达州警方表示，市民可拨打电话。四川省达州市的市民点赞。")
    assert "达州市" not in found["places"] and "四川省" not in found["places"]


def test_a_family_name_with_a_title_or_mou_is_no_persons_name():
    # 谢某 (a name withheld), 李教授, 张阿姨: a family name and a form of address, as 张女士 (one page for every 谢某 of
    # every case would merge strangers)
    found = _entities(
        "案情通报", "犯罪嫌疑人谢某被抓获，谢某供认不讳。李教授说，李教授的学生张阿姨也来了，张阿姨点头。"
    )
    assert not {"谢某", "李教授", "张阿姨"} & set(found["people"])


def test_organisations_news_writes_in_latin_script_are_known():
    found = _entities(
        "共享办公",
        "WeWork宣布完成新一轮融资。据cnBeta报道，Counterpoint的数据显示手机销量下滑，T-Mobile也发布了公告。",
    )
    assert {"WeWork", "cnBeta", "Counterpoint", "T-Mobile"} <= set(found["orgs"])


def test_a_place_the_tokenizer_cut_as_one_word_with_its_press_or_films_is_named():
    found = _entities("谢霆锋", "据香港媒体报道，谢霆锋拍摄新节目。北京市民纷纷点赞。北京时间11月4日，节目开播。")
    assert {"香港", "北京"} <= set(found["places"])
    assert _entities("开赛", "北京时间11月4日，比赛开始。")["places"] == []  # 北京时间 names no place


def test_a_vague_region_with_a_places_ending_is_no_place():
    found = _entities("旅行", "周边城市的游客来到西北地区，感受北国风光，仿佛来自小人国。他们又去了西城和东湖。")
    assert not {"周边城市", "西北地区", "北国", "小人国"} & set(found["places"])
    assert {"西城", "东湖"} <= set(found["places"])  # a district and a lake: two characters stay places
    # a place inside an event's name is no mention of its own, unless it also stands alone
    found = _entities(
        "乒乓", "马龙退出瑞典公开赛。丁磊在虹桥国际经贸论坛上演讲。他将征战2020东京奥运会，东京的天气很热。"
    )
    assert found["places"] == ["东京"]
    # a place and what it is (公园, 体育场, 博物馆, 校区 ...) cut apart is one named site
    found = _entities("公园", "由百度与海淀公园联合打造的AI公园开放。深足在深圳体育场冲超成功。")["places"]
    assert {"海淀公园", "深圳体育场"} <= set(found) and not {"海淀", "深圳"} & set(found)
    # 驻 and a place's character: stationed there, no place (驻马店 is a city)
    found = _entities("联络办", "中央政府驻港联络办官员到访。驻马店的游客很多。")["places"]
    assert "驻港" not in found and "驻马店" in found


def test_names_cut_into_pieces_are_joined():
    found = _entities(
        "德安东尼终于改了",
        "德安东尼意识到防守策略行不通了。博塔斯说他想赢。塞克斯顿15分。队长张常宁拿到23分。"
        "德安东尼表示满意，博塔斯表示感谢，塞克斯顿表示遗憾，张常宁表示开心。",
    )
    assert {"德安东尼", "博塔斯", "塞克斯顿", "张常宁"} <= set(found["people"])
    assert not {"安东尼", "塔斯", "塞克斯"} & set(found["people"])
    found = _entities("论文", "英国《柳叶刀·胃肠病与肝脏病学》杂志发表研究。")  # a dot inside a journal's title
    assert "胃肠病" not in found["people"]
    # a transliteration's pieces tagged nrt + nr, a syllable taken for a place (内斯/ns), a last syllable
    # tagged f (里), a first one tagged n (卡); never two words the dictionary has (特斯拉 + 皮卡)
    found = _entities(
        "球员",
        "天津公开赛，梅里查尔，佩斯克获双打冠军。梅里查尔很高兴。亚当斯、阿布里内斯、弗格森等角色球员表现出色。"
        "就业部长米歇尔•兰德里表示满意。火箭队中表现最好的就是卡佩拉，他全场12中8。卡佩拉抢下15个篮板。",
    )
    assert {"梅里查尔", "阿布里内斯", "兰德里", "卡佩拉"} <= set(found["people"])
    assert not {"查尔", "阿布里", "兰德", "佩拉"} & set(found["people"])
    assert "特斯拉皮卡" not in _entities("皮卡", "马斯克：特斯拉皮卡将有《银翼杀手》般的未来感。")["people"]


def test_a_given_names_last_character_cut_off_a_two_character_name_is_put_back_unless_the_two_are_a_name():
    found = _entities("采访", "果产品知名分析师郭明𫓹发布的一份新报告。武笑羽表示，她最怕冷场。丁宁连追三分，吴尊帅！")
    assert {"郭明𫓹", "武笑羽", "丁宁", "吴尊"} <= set(found["people"])  # 𫓹: a character the tokenizer lacks
    assert not {"郭明", "武笑", "丁宁连", "吴尊帅"} & set(found["people"])
    # the last character tagged a transliteration's (睿/nrt, 芙/nrt) ends a given name as well
    found = _entities(
        "台剧", "男主角张轩睿还因该剧入围金钟奖，男孩安庆辉（张轩睿饰）重拾自我。郭雪芙和张钧甯外貌相似。"
    )
    assert {"张轩睿", "郭雪芙"} <= set(found["people"]) and not {"张轩", "郭雪"} & set(found["people"])


def test_a_family_name_and_a_word_between_a_role_and_a_verb_of_saying_are_a_full_name():
    found = _entities(
        "专家",
        "中国政法大学知识产权中心特约研究员赵占领认为，乘客担心隐私。隆基股份总裁李振国介绍，产能将达28GW。"
        "北京大学中文系教授陈平原表示，人文精神很重要。队长杨对此说，他很满意。",
    )
    assert {"赵占领", "李振国", "陈平原"} <= set(found["people"]) and not found["places"]  # not 振国 or 平原
    assert "杨对此" not in found["people"]
    # 吴楠 was listed as no name: every corpus article naming it names the player
    assert "吴楠" in _entities("CBA", "吴楠18分6篮板，贾诚14分。本场比赛，吴楠表现抢眼。")["people"]
    # a player's line after a verb of scoring vouches for a name named once, not for a piece after a name (威廉 姆森)
    found = _entities("CBA", "替补登场的卫猛也摘下10个篮板。锋线大将吴迪贡献15分。威廉姆森得到28分。")["people"]
    assert {"卫猛", "吴迪"} <= set(found) and "姆森" not in found
    # a name run into the 场 of 场均 (per game) is cut off it
    found = _entities("CBA", "作为唯一的内援，吴楠场均得到12分，成为了本土的主要得分点。")["people"]
    assert "吴楠场" not in found
    # a name run into 以 (by, with: 柳雅欣以2分05秒85列第一) is cut off it; 陈忠和 keeps its 和
    found = _entities("仰泳", "中国选手柳雅欣以2分05秒85列第一。名帅陈忠和称赞她，陈忠和说她有天赋。")["people"]
    assert {"柳雅欣", "陈忠和"} <= set(found) and "柳雅欣以" not in found


def test_seventh_round_names_the_tokenizer_tags_or_cuts_as_no_name():
    def people(title: str, body: str) -> list[str]:
        return _entities(title, body)["people"]

    # a transliteration tagged nr (斯莫林) is shaped as one tagged nrt; 林/ng + 德洛夫/nr: one name, no piece of it
    assert "斯莫林" in people("曼联后防", "穆里尼奥手下的后卫有罗霍、斯莫林和琼斯。斯莫林本赛季状态一般。")
    found = people("曼联阵容", "主帅让罗霍、林德洛夫搭档中卫。赛后林德洛夫说，球队还要努力。")
    assert "林德洛夫" in found and "德洛夫" not in found
    # a number and 分, 篮板 after a name named once: a player's line
    assert "卡尔文" in people("马刺胜热火", "马刺方面，阿尔德里奇15分，卡尔文20分4篮板。")
    # a family name tagged nr and a word tagged as an adjective, twice: a full name (毛 + 不易)
    assert "毛不易" in people("毛不易发新专辑", "毛不易数字专辑销量破纪录。毛不易在现场表示感谢。")
    assert not people("时间不多", "周末不易出行。")  # once, and no family name tagged nr
    # a rare character makes the tokenizer tag a full name x (no word)
    assert "周鸿祎" in people("360发布会", "360集团董事长周鸿祎发表讲话。周鸿祎建议企业重视安全。")
    # a word the tokenizer lacks, after a role, though tagged as a verb
    assert "韩置" in people("零售业务", "该公司零售业务董事韩置表示，今年业绩不错。")
    assert not people("任命", "他出任总经理一职。")  # 一职 begins with no family name
    # a two-character transliteration is a person only when listed with one
    assert "拜利" in people("曼联阵容", "后卫有琼斯、拜利、斯莫林等人。")
    assert "拜利" not in people("拜利", "拜利今天去了商店。")


def test_eighth_round_rolls_of_names_hyphenated_names_newspapers_and_what_follows_a_role():
    # three or more names shaped as people's, listed side by side, vouch for each other (each named once)
    found = _entities("追悼会", "送花圈的有孙春兰、朱镕基、温家宝、张德江等同志。")["people"]
    assert {"孙春兰", "朱镕基", "温家宝", "张德江"} <= set(found)
    assert not _entities("追悼会", "到场的有李春生、王明宇。")["people"]  # two unconfirmed names named once
    # a hyphen between the parts of a transliterated name is its dot (the last part is the name), not a score's
    found = _entities("骑士伤病", "骑士队首发控卫乔治-希尔由于右肩伤势缺阵，球队以3-1领先。")["people"]
    assert "希尔" in found and "乔治" not in found
    # a newspaper the tokenizer has as one word; a word after a role that runs on into its sentence is no name
    found = _entities("李咏追悼", "据广州日报报道，华西都市报记者曾到现场采访。")
    assert {"广州日报", "华西都市报"} <= set(found["orgs"]) and "曾到" not in found["people"]
    # a name the tokenizer ran into the 有 before it (有罗霍/nr): the name alone
    found = _entities("曼联后防", "穆里尼奥手下的后卫有罗霍、斯莫林和琼斯。")["people"]
    assert "罗霍" in found and "有罗霍" not in found


def test_capitalised_latin_names_are_people_or_organisations_shown_as_written():
    found = _entities(
        "手表",
        "Strategy Analytics行业分析师Steven Waltzer表示，市场增长。Michael Yerger在洛杉矶做模特，Michael Yerger说。",
    )
    assert {"Steven Waltzer", "Michael Yerger"} <= set(found["people"])  # a given name, then capitals
    assert "Strategy Analytics" in found["orgs"]  # ends with a word of an organisation's name
    found = _entities("手表", "strategy analytics 分析师 steven waltzer 表示，手表市场增长。")
    assert not found["people"] and not found["orgs"]  # no capitals: no name; a product is none
    # more given names (round 16): Virgil, Selena, Josh, Doug ...
    found = _entities("时装", "设计师Virgil Abloh带来首个系列。Virgil Abloh说，街头风是陷阱。")
    assert found["people"] == ["Virgil Abloh"]


def test_a_place_inside_an_organisations_name_is_no_place_of_its_own():
    found = _entities(
        "报道",
        "据《成都商报》报道，济南天山外国语学校开学。中国证监会上市公司并购重组审核委员会开会。文章来源：济南日报",
    )
    assert {"成都商报", "济南天山外国语学校", "济南日报"} <= set(found["orgs"])
    assert not {"成都", "济南", "天山"} & set(found["places"])
    assert "中国证监会上市公司" not in found["orgs"]  # 上市公司 is no organisation's head word


def test_roles_latin_heads_and_the_break_between_title_and_body():
    found = _entities("访问", "英国首相特蕾莎访问日本。据日本NHK电视台报道，会谈顺利。")
    assert "特蕾莎" in found["people"]  # named once, after a role
    assert "nhk电视台" in {n.lower() for n in found["orgs"]} and "日本" in found["places"]
    found = _entities("马来西亚教育部长呼吁", "文章来源：中国侨网")  # the body's last words do not run into the title
    assert found["orgs"] == ["中国侨网"]


def test_japanese_family_names_take_their_given_name():
    found = _entities("日本", "老年内科医生广濑信义调查发现。乐队成员川上洋平说。高桥小哥和伊藤母亲也来了。")
    assert {"广濑信义", "川上洋平"} <= set(found["people"])
    assert not {"高桥小哥", "伊藤母亲"} & set(found["people"])  # a form of address is no given name


def test_a_dictionary_word_cut_out_of_a_longer_latin_word_is_no_name():
    assert _entities("节目", "真人秀（Survivor）开播。")["orgs"] == []  # the tokenizer cuts it sur + vivo + r
    assert _entities("手机", "vivo发布新手机。")["orgs"] == ["vivo"]


def test_an_outlet_credited_at_the_start_of_the_body_ends_before_a_known_name():
    found = _entities("谷歌屏蔽广告", "来源：cnBeta谷歌宣布，它将移除广告。")
    assert set(found["orgs"]) == {"cnBeta", "谷歌"}  # shown as the text writes it


def test_an_outlet_credited_in_brackets_is_all_they_hold_and_one_before_the_original_title_ends_there():
    found = _entities("新闻", "蟹肉很甜。（来源：海鸥吃喝指南）\n来源：青鸟财经原标题：蟹季到了")
    assert found["orgs"] == ["海鸥吃喝指南", "青鸟财经"]  # 吃喝 is tagged a verb
    # after a sentence, in a text without line breaks, the outlet's name may run on: no name is better than half
    assert not _entities("新闻", "学生应放松心态。来源：家长帮社区")["orgs"]
    # a name of Latin and Chinese words shows the Latin ones as the text writes them
    assert _entities("新闻", "报名开始。（来源：TimeOut上海）")["orgs"] == ["TimeOut上海"]


def test_a_countrys_institution_cut_into_words_is_one_organisation():
    found = _entities("新闻", "美国心脏协会发布新指南。英国国家经济社会研究院称经济放缓。据山东汽车行业协会统计。")
    assert set(found["orgs"]) == {"美国心脏协会", "英国国家经济社会研究院", "山东汽车行业协会"}
    assert not found["places"]  # a country in an institution's name is no mention of its own
    found = _entities("新闻", "公司在美国设立研究所。")  # a verb between: the country's, no institution of it
    assert found["places"] == ["美国"] and not found["orgs"]


def test_a_universitys_affiliated_hospital_or_school_is_one_organisation():
    # the university, an ordinal or not, 附属 and the hospital's words, as readers give it (round 20)
    found = _entities(
        "健康",
        "广州中医药大学第一附属医院肛肠外科副主任医师说。上海交通大学医学院附属瑞金医院皮肤科主任说。"
        "东南大学附属中大医院的医生提醒。北京师范大学附属中学的学生。",
    )
    assert set(found["orgs"]) == {
        "广州中医药大学第一附属医院",
        "上海交通大学医学院附属瑞金医院",
        "东南大学附属中大医院",
        "北京师范大学附属中学",
    }
    assert _entities("新闻", "清华大学附属的小吃一条街很热闹。")["orgs"] == ["清华大学"]  # 的: no name goes on


def test_a_full_name_before_a_bodys_whole_name_stays_a_person():
    # 主任医师 黄志纯 + 东南大学: the tokenizer's person is no part of the university (round 20); a verb of office run
    # into a name of two characters is cut off it (曾勇任 + 电子科技大学)
    found = _entities("健康", "主任医师 黄志纯东南大学附属中大医院主任。黄志纯提醒，不要熬夜。")
    assert found["people"] == ["黄志纯"] and found["orgs"] == ["东南大学附属中大医院"]
    found = _entities("教育", "曾勇任电子科技大学校长。曾勇表示，学校将改革。")
    assert found["people"] == ["曾勇"] and found["orgs"] == ["电子科技大学"]
    # a family name and a word of two (约翰 of 约翰霍普金斯大学) and a star's studio are as before
    assert _entities("娱乐", "江疏影工作室发布声明。")["orgs"] == ["江疏影工作室"]


def test_a_city_before_a_hospital_or_group_the_dictionary_has_stays_a_place():
    # 香港 + 养和医院, 杭州 + 娃哈哈集团: the body is named without its city (round 20); a university's or an office's
    # name with a place before it is another body's (杭州电子科技大学, 山东省卫健委)
    found = _entities("新闻", "金庸在香港养和医院逝世。杭州娃哈哈集团董事长宗庆后说。")
    assert set(found["orgs"]) == {"养和医院", "娃哈哈集团"} and set(found["places"]) == {"香港", "杭州"}
    assert _entities("教育", "他毕业于杭州电子科技大学。")["orgs"] == ["杭州电子科技大学"]
    # Japan's broadcasters by their short names (round 20)
    assert _entities("娱乐", "据日本媒体报道，富士台将于12月24日播出特别剧。")["orgs"] == ["富士台"]


def test_a_country_before_a_university_or_firm_of_its_own_name_stays_a_place():
    # one word of the tokenizer's (美国明尼苏达大学/nt, 美国哈佛大学 in the dictionary) or two (日本 + 庆应义塾大学)
    found = _entities(
        "研究",
        "此次，美国明尼苏达大学将看电视列入风险。加拿大多伦多大学的研究人员发现。日本庆应义塾大学的研究显示。"
        "美国哈佛大学医学院附属医院的专家说。",
    )
    # (the hospital affiliated with the medical school is one name with it: round 20)
    assert set(found["orgs"]) == {"明尼苏达大学", "多伦多大学", "庆应义塾大学", "哈佛大学医学院附属医院"}
    assert set(found["places"]) == {"美国", "加拿大", "日本"}
    # a country's own institution or a generic name keeps its country (英国广播公司, 新加坡国立大学)
    found = _entities("新闻", "英国广播公司报道。新加坡国立大学的学者指出。")
    assert set(found["orgs"]) == {"英国广播公司", "新加坡国立大学"} and not found["places"]
    # a country and a bare head word is no organisation (日本公司/nt, 巴西 + 学校); 哥伦比亚大学 is one
    found = _entities(
        "新闻", "一家名为海藻食品研究所的日本公司推出雪糕。巴西学校的不平等现象严重。他去了哥伦比亚大学。"
    )
    assert found["orgs"] == ["哥伦比亚大学"] or set(found["orgs"]) == {"哥伦比亚大学", "海藻食品研究所"}
    assert {"日本", "巴西"} <= set(found["places"])
    # a city before a university its own place names is a place of its own (a list that lost its line breaks);
    # an office keeps the places before it
    found = _entities("高考", "对应如下：南京师范大学：南京市、镇江市苏州大学：无锡市。北京市海淀法院受理了此案。")
    assert {"苏州大学", "北京市海淀法院"} <= set(found["orgs"]) and {"镇江", "无锡"} <= set(found["places"])
    # a word listed as no name (本赛季/nr, 大胜) before the place that begins a team's name is none of it
    found = _entities("CBA", "作为本赛季山东男篮唯一的内援，他场均得到12分。江苏队主场大胜福建女篮。")
    assert {"山东男篮", "福建女篮"} <= set(found["orgs"]) and not {"本赛季山东男篮", "大胜福建女篮"} & set(
        found["orgs"]
    )


def test_a_countrys_mission_is_one_organisation_with_the_place_it_is_in():
    found = _entities("新闻", "中国驻泰国大使馆提醒游客。日本驻上海总领事馆举办活动。中国驻外使馆提醒。")
    assert set(found["orgs"]) == {"中国驻泰国大使馆", "日本驻上海总领事馆"} and found["places"] == ["中国"]


def test_a_province_named_alone_in_an_article_about_its_team_is_the_team():
    found = _entities(
        "CBA", "辽宁本钢队主场迎战吉林队，辽宁队排名前四。辽宁真核末节连得12分逆转吉林。中国队明天比赛，中国派出主力。"
    )
    assert {"辽宁", "吉林"} <= set(found["orgs"]) and not {"辽宁", "吉林"} & set(found["places"])
    assert "中国" in found["places"]  # a country named for its national team stays a place
    # without its team named, a province is a place
    assert _entities("旅游", "辽宁的冬天很冷。")["places"] == ["辽宁"]
    # nor a continent (亚洲男篮: Asia's teams)
    assert "亚洲" in _entities("篮球", "对于亚洲男篮来说，亚洲篮球水平在提高。")["places"]


def test_a_foreign_ministry_or_agency_is_one_organisation_with_its_country():
    found = _entities(
        "外国",
        "泰国国家移民局17日表示。韩国统计厅发布的资料显示。日本文部科学省已对大学进行调查。日本厚生劳动省日前发布数据。"
        "新西兰移民局将加强审核。",
    )
    assert {"泰国国家移民局", "韩国统计厅", "日本文部科学省", "日本厚生劳动省", "新西兰移民局"} <= set(found["orgs"])
    assert not found["places"]  # the country is part of the name, as in 美国国家衰老研究所
    # not a room, a part, a game or a player
    found = _entities("新闻", "他在日本餐厅吃饭。美国中西部降温。日本选手阿部大志夺冠。日本想搅局。")
    assert not found["orgs"]


def test_a_latin_name_after_a_kind_of_organisation_is_one():
    found = _entities("戴尔", "戴尔将收购旗下控股公司VMware的股票。摇滚组合ALEXANDROS发新歌，乐队MV公开。")
    assert {"VMware", "ALEXANDROS"} <= set(found["orgs"]) and "MV" not in found["orgs"]
    found = _entities("韩团", "据外媒Sammobile报道，三星将展示手机。韩国女团TWICE发新歌，韩国男团JYJ成员退伍。")
    assert {"Sammobile", "TWICE", "JYJ"} <= set(found["orgs"])
    # the platform a post is on is no organisation that acts (在Twitter上表示), the company that acts is
    assert not _entities("马斯克", "马斯克周六在Twitter上表示，他刚刚走出工厂。")["orgs"]
    assert _entities("推特", "Twitter宣布将删除虚假账号。")["orgs"] == ["Twitter"]


def test_words_of_a_works_title_are_no_names():
    found = _entities("动画", "Netflix将推出《环太平洋》动画。他出现在《早安英国》节目。据英国《每日邮报》报道。")
    assert not {"太平洋", "环太平洋"} & set(found["places"]) and found["places"] == ["英国"]
    assert "每日邮报" in found["orgs"]  # a newspaper in title marks is still an organisation


# --- the quality gate ---------------------------------------------------------------------------------

# pinned floors on the held-out split, a point under what it measured after the second round of tuning on dev
# (P 0.882, R 0.650 overall; people 0.778 / 0.507, places 0.895 / 0.850, orgs 0.960 / 0.623; after the first
# round P 0.896, R 0.626; scored before any tuning it was P 0.745, R 0.568, the raw POS tags P 0.444, R 0.495):
# a change that loses more than a point fails (places recall 0.83: since the third round, h-ent, a city just before
# its club's name is part of the club, where the first labels may count it as a place)
# round 9 (1,600 well-known names of 2018 written from general knowledge, no split seen): P 0.932, R 0.801 (people
# 0.857 / 0.696); floors a point under
# round 18 (tuned on it): P 0.951, R 0.840 (orgs 0.960 / 0.909); floors a point under
HELD_OUT_FLOORS = {"overall": (0.94, 0.82), "places": (0.97, 0.82), "orgs": (0.95, 0.89), "people": (0.84, 0.68)}


def test_a_club_named_by_a_short_form_is_given_by_its_name():
    """One club, one name: an entity page, the trending lists and a story's headlines count 上港 as 上海上港."""
    found = _entities("上港2-1人和夺得中超冠军", "上港在主场2-1击败人和，提前一轮夺得中超冠军。武磊打进一球。")
    assert "上海上港" in found["orgs"] and "上港" not in found["orgs"]
    found = _entities("尤文1-2曼联", "尤文在主场1-2负于曼联，C罗进球。")
    assert "尤文图斯" in found["orgs"] and "尤文" not in found["orgs"]
    assert _entities("上海上港夺冠", "上海上港队夺得冠军，上港球迷庆祝。")["orgs"] == ["上海上港"]


def test_names_given_only_as_credits_are_listed_apart():
    """An outlet's dateline, a byline's reporter and a cited outlet are names of the article (the lists keep them,
    as readers label them) listed again under "credited" when the text gives them nowhere else."""
    found = _entities("李咏去世", "新浪娱乐讯 10月29日，央视主持人李咏妻子哈文发微博称李咏在美国因病去世。")
    assert "新浪" in found["orgs"] and found["credited"] == ["新浪"]
    found = _entities(
        "马云谈进口", "新京报讯（记者 罗亦丹）11月5日，阿里巴巴董事局主席马云在上海表示。（责任编辑：王芳）"
    )
    assert {"新京报", "罗亦丹"} <= set(found["credited"]) and not {"阿里巴巴", "马云"} & set(found["credited"])
    found = _entities("欧冠", "据新京报报道，尤文在主场1-2负于曼联。")
    assert found["credited"] == ["新京报"]
    # an outlet's promotion of its channels closing the article: no news of it
    found = _entities("高考报名", "北京教育考试院发布通知。高中生家长可扫描下方二维码，加入新浪高考官方微信家长群。")
    assert "新浪" in found["orgs"] and found["credited"] == ["新浪"]
    # (NBA named only as the name of the outlet's column)
    found = _entities("湖人胜森林狼", "湖人击败森林狼。更多精彩内容欢迎关注新浪NBA公众号：")
    assert found["credited"] == ["NBA", "新浪"] and "湖人" not in found["credited"]
    # named beside the credit too: the news is about it
    found = _entities("新浪财报", "新浪科技讯 北京时间11月5日，新浪公司今日公布了第三季度财报，新浪营收同比增长。")
    assert "新浪" in found["orgs"] and "credited" not in found
    # a paragraph opening with a name is no dateline (腾讯 ends in 讯), and a place is never a credit
    found = _entities("报告发布", "由中国信息通信研究院、腾讯金融科技联合发布的报告显示，来源：北京的数据。")
    assert "中国信息通信研究院" in found["orgs"] and "中国信息通信研究院" not in found.get("credited", [])
    assert "北京" in found["places"] and "北京" not in found.get("credited", [])


def test_entity_quality_does_not_regress_on_the_held_out_labels():
    quality = evaluate_entities([LABELED], segmenter(), "test")
    assert quality.articles == 30 and quality.mentions >= 200
    assert evaluate_entities([LABELED], segmenter()).mentions >= 300
    ours, baseline = quality.scores["zixun"], quality.scores["pos_tags"]
    for kind, (precision, recall) in HELD_OUT_FLOORS.items():
        assert ours[kind].precision >= precision, (kind, ours[kind])
        assert ours[kind].recall >= recall, (kind, ours[kind])
    assert ours["overall"].precision > baseline["overall"].precision + 0.3
    assert ours["overall"].recall > baseline["overall"].recall


# the third held-out split (36 articles drawn and labelled on 2026-12-06 by two readers who saw no output of the
# extractor; a dotted name's last part added to its label afterwards, as the rules say, for all 23 such names):
# scored before the round that added the gazetteer, the national bodies and the broadcasters and teams named by a
# province it gave P 0.745, R 0.592 (raw POS tags 0.402 / 0.492); after it P 0.753, R 0.605 (people 0.857 / 0.533,
# places 0.671 / 0.891, orgs 0.754 / 0.505). Floors a point under the latter: far under the 0.90 / 0.80,
# which this split says the rules do not reach on unseen articles. Its readers named NBA clubs in full (密尔沃基雄鹿):
# since teams.txt gives the clubs' homes (full names merged as aliases) P 0.823 -> 0.859, R 0.689 -> 0.719, orgs
# 0.754 / 0.571 -> 0.855 / 0.648; floors a point under the orgs' new figures
# round 9 (the dictionary of well-known names): P 0.878, R 0.790 (people 0.961 / 0.815); round 10 (organisations):
# P 0.874, R 0.790 (orgs 0.849 / 0.681); floors a point under
# round 17 (tuned on it): P 0.911, R 0.819 (places 0.864 / 0.927, orgs 0.883 / 0.747); floors a point under
# round 18 (tuned on it): P 0.911, R 0.824 (people 0.974 / 0.837); floors a point under
# round 21 (tuned on it): P 0.915, R 0.824 (orgs 0.895 / 0.747); floors a point under
THIRD_FLOORS = {"overall": (0.90, 0.81), "places": (0.85, 0.91), "orgs": (0.88, 0.73), "people": (0.96, 0.82)}


# the fourth held-out split (34 articles drawn and labelled on 2026-12-06, after the third had been used to tune):
# scored before the fifth round (lists, dotted names cut apart, websites, local offices, new full names, world
# cities) P 0.878, R 0.661 (raw POS tags 0.481 / 0.527); after it P 0.880, R 0.678 (people 0.889 / 0.577, places
# 0.863 / 0.917, orgs 0.885 / 0.675); after the sixth (transliterations' pieces) P 0.891, R 0.682 (people
# 0.915 / 0.586); after the seventh (rules read from the tuning splits only: names tagged x or cut as an adjective,
# a player's line, a role before an unknown word, short transliterations in lists) P 0.883, R 0.695 (people
# 0.895 / 0.613: recall for precision, two new wrong names, 曾到 and 泰伦斯, left so the split stays unseen).
# The eighth round tuned on it (test5 held out): P 0.907, R 0.736 (people 0.951 / 0.694, orgs 0.887 / 0.688).
# Floors a point under the last
# Round 9 (the dictionary of well-known names): P 0.917, R 0.778 (people 0.956 / 0.775); round 10 (organisations):
# P 0.919, R 0.799 (orgs 0.912 / 0.762)
# round 18 (tuned on it): P 0.953, R 0.845 (people 0.968 / 0.820, orgs 0.958 / 0.838); floors a point under
# round 20 (tuned on it): P 0.954, R 0.849 (orgs 0.959 / 0.850); floors a point under
# round 23 (tuned on it): P 0.958, R 0.849 (orgs 0.972 / 0.850); floors a point under
FOURTH_FLOORS = {"overall": (0.94, 0.83), "places": (0.85, 0.90), "orgs": (0.96, 0.84), "people": (0.95, 0.80)}


# the fifth held-out split (36 articles drawn and labelled on 2026-12-06 after the seventh round, by two readers who saw
# no output of the extractor; dotted names' last parts added mechanically as the rules say): P 0.893, R 0.702 (people
# 0.887 / 0.747, places 0.844 / 0.675, orgs 0.929 / 0.671; raw POS tags 0.422 / 0.530), the same before the seventh
# round; after the eighth (tuned on the other splits, scored once after) P 0.899, R 0.702 (people 0.902 / 0.747).
# Floors a point under the last
# Round 9 (the dictionary of well-known names): P 0.908, R 0.729 (people 0.922 / 0.803)
# Round 16 lowered its places' recall floor 0.66 -> 0.64: its readers labelled places inside an event's name (雅加达
# of 雅加达亚运会, 匈牙利 of a 公开赛), which the later readers do not (奥地利 of 奥地利公开赛, 瑞典 of 瑞典赛) and the extractor no
# longer gives (places 0.903 / 0.700 -> 0.929 / 0.650, overall 0.930 / 0.768 -> 0.935 / 0.757)
# round 18 (tuned on it): P 0.938, R 0.784 (people 0.926 / 0.859, orgs 0.953 / 0.786); floors a point under
# round 20 (tuned on it): P 0.938, R 0.790 (orgs 0.955 / 0.800); floors a point under
# round 21 (tuned on it): P 0.939, R 0.796 (people 0.927 / 0.873); floors a point under
FIFTH_FLOORS = {"overall": (0.92, 0.78), "places": (0.83, 0.64), "orgs": (0.94, 0.79), "people": (0.91, 0.86)}


# the sixth held-out split (36 articles drawn and labelled on 2026-12-06 after the eighth round, by two new readers who
# saw no output of the extractor): scored when drawn P 0.839, R 0.609 (people 0.903 / 0.689, places 0.729 / 0.786,
# orgs 0.852 / 0.459; raw POS tags 0.421 / 0.517). Its readers counted 20 makers of a brand ranking as companies.
# Floors a point under
# Round 9 (the dictionary of well-known names, written by readers who saw no split), scored once after: P 0.846,
# R 0.665 (people 0.909 / 0.744, orgs 0.857 / 0.541); after round 10 (organisations, the same kind of readers), scored
# once: P 0.853, R 0.683 (orgs 0.879 / 0.582)
# round 16 (tuned on it): P 0.917, R 0.770 (people 0.938 / 0.800, places 0.808 / 0.857, orgs 0.961 / 0.704); floors a point
# under; its last rule (places inside events' names) then P 0.930 (places 0.864)
# round 18 (tuned on it): P 0.931, R 0.783 (orgs 0.962 / 0.735); floors a point under
# round 20 (tuned on it): P 0.932, R 0.796 (orgs 0.963 / 0.765); floors a point under
# round 22 (tuned on it): P 0.933, R 0.800 (places 0.867 / 0.881); floors a point under
# round 23 (tuned on it): P 0.937, R 0.800 (orgs 0.975 / 0.765); floors a point under
SIXTH_FLOORS = {"overall": (0.92, 0.79), "places": (0.85, 0.87), "orgs": (0.96, 0.75), "people": (0.92, 0.79)}


# the seventh held-out split (36 articles drawn and labelled on 2026-12-07 after the tenth round, by two new readers who
# saw no output of the extractor): scored when drawn P 0.870, R 0.726 (people 0.941 / 0.774, places 0.767 / 0.842,
# orgs 0.886 / 0.609; raw POS tags 0.394 / 0.598). Floors a point under
# round 16 (tuned on it): P 0.921, R 0.774 (people 0.943 / 0.806, places 0.919 / 0.868, orgs 0.898 / 0.688); floors a point
# under
# round 18 (tuned on it): P 0.921, R 0.780 (orgs 0.900 / 0.703); floors a point under
# round 20 (tuned on it): P 0.923, R 0.793 (orgs 0.904 / 0.734); floors a point under
# round 21 (tuned on it): P 0.923, R 0.799 (people 0.944 / 0.823); floors a point under
SEVENTH_FLOORS = {"overall": (0.91, 0.78), "places": (0.90, 0.85), "orgs": (0.89, 0.72), "people": (0.93, 0.81)}


# the eighth held-out split (36 articles drawn and labelled on 2026-12-07 after the twelfth round, by two new readers who
# saw no output of the extractor): scored when drawn P 0.844, R 0.676 (people 0.831 / 0.653, places 0.806 / 0.853,
# orgs 0.875 / 0.633; raw POS tags 0.451 / 0.541). Floors a point under
# round 16 (tuned on it): P 0.875, R 0.734 (people 0.859 / 0.733, places 0.811 / 0.882, orgs 0.920 / 0.684); floors a point
# under
# round 17 (tuned on it): P 0.887, R 0.744 (places 0.857 / 0.882, orgs 0.923 / 0.704); floors a point under
# round 18 (tuned on it): P 0.894, R 0.758 (people 0.879 / 0.773); floors a point under
# round 20 (tuned on it): P 0.897, R 0.778 (orgs 0.928 / 0.745); floors a point under
# round 21 (tuned on it): P 0.902, R 0.778 (orgs 0.939 / 0.745); floors a point under
# round 22 (tuned on it): P 0.907, R 0.778 (people 0.892 / 0.773); floors a point under
EIGHTH_FLOORS = {"overall": (0.89, 0.76), "places": (0.84, 0.87), "orgs": (0.92, 0.73), "people": (0.88, 0.76)}


# the ninth held-out split (36 articles drawn and labelled on 2026-12-07 at stop 28, before any change of the entity code
# that session, by two new readers who saw no output of the extractor): scored when drawn P 0.847, R 0.680 (people
# 0.939 / 0.793, places 0.836 / 0.680, orgs 0.806 / 0.623; raw POS tags 0.448 / 0.518). Floors a point under
# round 16 (tuned on it): P 0.900, R 0.741 (people 0.960 / 0.828, places 0.853 / 0.693, orgs 0.900 / 0.728); floors a point
# under; its named sites then P 0.905, R 0.745 (places 0.869 / 0.707)
# round 17 (tuned on it): P 0.922, R 0.781 (places 0.875 / 0.747, orgs 0.932 / 0.781); floors a point under
# round 22 (tuned on it): P 0.923, R 0.798 (people 0.961 / 0.845, orgs 0.933 / 0.798); floors a point under
# round 23 (tuned on it): P 0.927, R 0.798 (places 0.891 / 0.760); floors a point under
NINTH_FLOORS = {"overall": (0.91, 0.78), "places": (0.88, 0.73), "orgs": (0.92, 0.78), "people": (0.95, 0.83)}


# the tenth held-out split (36 articles drawn and labelled on 2026-12-07 at stop 28 after the fifteenth round, by two new
# readers who saw no output of the extractor): scored when drawn P 0.809, R 0.733 (people 0.855 / 0.726, places
# 0.742 / 0.958, orgs 0.824 / 0.635; raw POS tags 0.444 / 0.548); once after the sixteenth round (stop 29) P 0.830,
# R 0.741 (places 0.780 / 0.958, orgs 0.847 / 0.654, people unchanged). Floors a point under
# round 17 (tuned on it, test11 held out): P 0.856, R 0.768 (people 0.871 / 0.740, places 0.836 / 0.958, orgs
# 0.857 / 0.701); floors a point under
# round 18 (tuned on it): P 0.864, R 0.794 (places 0.852 / 0.958, orgs 0.866 / 0.757); floors a point under
# round 20 (tuned on it): P 0.865, R 0.803 (orgs 0.869 / 0.776); floors a point under
# round 21 (tuned on it): P 0.869, R 0.803 (places 0.868 / 0.958); floors a point under
# round 23 (tuned on it): P 0.873, R 0.803 (places 0.885 / 0.958); floors a point under
TENTH_FLOORS = {"overall": (0.86, 0.79), "places": (0.87, 0.94), "orgs": (0.85, 0.76), "people": (0.86, 0.72)}


# the eleventh held-out split (36 articles drawn and labelled on 2026-12-07 at stop 30 after the sixteenth round, by two
# new readers who saw no output of the extractor): scored when drawn P 0.864, R 0.738 (people 0.923 / 0.640, places
# 0.863 / 0.875, orgs 0.824 / 0.707; raw POS tags 0.475 / 0.576). Floors a point under
# round 18 (tuned on it): P 0.878, R 0.769 (people 0.926 / 0.667, places 0.890 / 0.903, orgs 0.831 / 0.744); floors a point under
# round 19 (tuned on it): P 0.883, R 0.777 (places 0.903 / 0.903, orgs 0.835 / 0.768); floors a point under
# round 21 (tuned on it): P 0.892, R 0.777 (places 0.915 / 0.903, orgs 0.846 / 0.768); floors a point under
# round 22 (tuned on it): P 0.896, R 0.777 (people 0.943 / 0.667); floors a point under
ELEVENTH_FLOORS = {"overall": (0.88, 0.76), "places": (0.90, 0.89), "orgs": (0.83, 0.75), "people": (0.93, 0.65)}


# the twelfth held-out split (36 articles drawn and labelled on 2026-12-07 at stop 31 before any change of the entity code
# that session, by two new readers who saw no output of the extractor): scored when drawn P 0.902, R 0.712 (people
# 0.945 / 0.682, places 0.800 / 0.825, orgs 0.925 / 0.688; raw POS tags 0.497 / 0.525). Floors a point under; scored once
# after round 18 (not tuned on): P 0.902, R 0.715 (people 0.946 / 0.691)
# round 19 (tuned on it): P 0.903, R 0.719 (people 0.946 / 0.698); floors a point under
# round 20 (tuned on it): P 0.904, R 0.725 (orgs 0.927 / 0.705); floors a point under
# round 21 (tuned on it): P 0.915, R 0.729 (people 0.947 / 0.706, places 0.814 / 0.825, orgs 0.947 / 0.705); floors a point under
# round 22 (tuned on it): P 0.919, R 0.736 (people 0.947 / 0.714, orgs 0.957 / 0.714); floors a point under
TWELFTH_FLOORS = {"overall": (0.90, 0.72), "places": (0.80, 0.81), "orgs": (0.94, 0.70), "people": (0.93, 0.70)}


# the thirteenth held-out split (36 articles drawn and labelled on 2026-12-07 at stop 32 before any change of the entity
# code that session, by two new readers who saw no output of the extractor): scored when drawn P 0.866, R 0.746 (people
# 0.956 / 0.747, places 0.729 / 0.897, orgs 0.871 / 0.689; raw POS tags 0.504 / 0.582). Floors a point under; scored
# once after round 19 (not tuned on): unchanged
# round 20 (tuned on it): P 0.899, R 0.772 (people 0.957 / 0.759, places 0.795 / 0.897, orgs 0.905 / 0.736); floors a point under
# round 21 (tuned on it): P 0.904, R 0.780 (people 0.958 / 0.782, places 0.814 / 0.897); floors a point under
# round 23 (tuned on it): P 0.909, R 0.780 (places 0.833 / 0.897); floors a point under
THIRTEENTH_FLOORS = {"overall": (0.89, 0.77), "places": (0.82, 0.88), "orgs": (0.89, 0.72), "people": (0.94, 0.77)}


# the fourteenth held-out split (36 articles drawn and labelled on 2026-12-07 at stop 32 after entity round 19, before
# any entity change after it, by two new readers who saw no output of the extractor): scored when drawn P 0.844, R 0.715
# (people 0.876 / 0.700, places 0.808 / 0.808, orgs 0.828 / 0.676; raw POS tags 0.445 / 0.547). Floors a point under;
# scored once after round 20 (not tuned on): P 0.845, R 0.720 (orgs 0.831 / 0.689)
# round 21 (tuned on it): P 0.863, R 0.751 (people 0.879 / 0.720, places 0.860 / 0.915, orgs 0.844 / 0.689); floors a point under
# round 22 (tuned on it): P 0.878, R 0.760 (places 0.915 / 0.915, orgs 0.848 / 0.716); floors a point under
# round 23 (tuned on it): P 0.882, R 0.760 (orgs 0.862 / 0.716); floors a point under
FOURTEENTH_FLOORS = {"overall": (0.87, 0.75), "places": (0.90, 0.90), "orgs": (0.85, 0.70), "people": (0.86, 0.71)}


# the fifteenth held-out split (36 articles drawn and labelled on 2026-12-07 at the start of stop 33, before any entity
# change of that stop, by two new readers who saw no output of the extractor): scored when drawn (9bf1200) P 0.852,
# R 0.730 (people 0.815 / 0.733, places 0.750 / 0.727, orgs 0.936 / 0.728; raw POS tags 0.396 / 0.506). Floors a point
# under; scored once after round 21 (not tuned on): P 0.865, R 0.736 (places 0.781 / 0.758, orgs 0.952 / 0.728)
# round 22 (tuned on it): P 0.885, R 0.753 (people 0.833 / 0.750, places 0.806 / 0.758, orgs 0.968 / 0.753); floors a
# point under
FIFTEENTH_FLOORS = {"overall": (0.87, 0.74), "places": (0.79, 0.74), "orgs": (0.95, 0.74), "people": (0.82, 0.74)}
# The sixteenth draw (36 articles, 218 mentions; seed 2040, drawn at the start of stop 34, before any entity change of
# that stop, by two new readers who saw no output of the extractor): scored when drawn (cfa303f) P 0.887, R 0.821
# (people 0.916 / 0.817, places 0.844 / 0.905, orgs 0.880 / 0.783; raw POS tags 0.476 / 0.578). Floors a point
# under; scored once after round 22 (not tuned on): unchanged
SIXTEENTH_FLOORS = {"overall": (0.87, 0.81), "places": (0.83, 0.89), "orgs": (0.87, 0.77), "people": (0.90, 0.80)}
# The seventeenth draw (36 articles, 187 mentions; seed 2041, drawn in stop 34 after round 22 landed, before round 23,
# by two new readers who saw no output of the extractor): scored when drawn (7967a7b) P 0.899, R 0.754 (people 0.895 /
# 0.685, places 0.872 / 0.773, orgs 0.919 / 0.814; raw POS tags 0.388 / 0.561). Floors a point under; scored once
# after round 23 (not tuned on): P 0.904, R 0.754 (places 0.895 / 0.773)
SEVENTEENTH_FLOORS = {"overall": (0.88, 0.74), "places": (0.86, 0.76), "orgs": (0.90, 0.80), "people": (0.88, 0.67)}


LATER_SPLITS = {
    "test3": (36, 238, THIRD_FLOORS, 0.25),
    "test4": (34, 239, FOURTH_FLOORS, 0.3),
    "test5": (36, 181, FIFTH_FLOORS, 0.3),
    "test6": (36, 230, SIXTH_FLOORS, 0.3),
    "test7": (36, 164, SEVENTH_FLOORS, 0.3),
    "test8": (36, 207, EIGHTH_FLOORS, 0.3),
    "test9": (36, 247, NINTH_FLOORS, 0.3),
    "test10": (36, 228, TENTH_FLOORS, 0.3),
    "test11": (36, 229, ELEVENTH_FLOORS, 0.3),
    "test12": (36, 295, TWELFTH_FLOORS, 0.3),
    "test13": (36, 232, THIRTEENTH_FLOORS, 0.3),
    "test14": (36, 221, FOURTEENTH_FLOORS, 0.3),
    "test15": (36, 174, FIFTEENTH_FLOORS, 0.3),
    "test16": (36, 218, SIXTEENTH_FLOORS, 0.3),
    "test17": (36, 187, SEVENTEENTH_FLOORS, 0.3),
}


@pytest.mark.parametrize("split", sorted(LATER_SPLITS))
def test_entity_quality_does_not_regress_on_the_later_held_out_splits(split):
    articles, mentions, floors, margin = LATER_SPLITS[split]
    quality = evaluate_entities([LABELED], segmenter(), split)
    assert quality.articles == articles and quality.mentions == mentions
    ours, baseline = quality.scores["zixun"], quality.scores["pos_tags"]
    for kind, (precision, recall) in floors.items():
        assert ours[kind].precision >= precision, (kind, ours[kind])
        assert ours[kind].recall >= recall, (kind, ours[kind])
    assert ours["overall"].precision > baseline["overall"].precision + margin
    assert ours["overall"].recall > baseline["overall"].recall


def test_names_listed_with_a_known_person_cut_apart_or_credited_as_sites_and_offices():
    # a list vouches for its names: 布洛克顿 (no name the dictionary has) is named once, beside 詹姆斯 whom it knows
    assert "布洛克顿" in _entities("骑士名单", "骑士队的布洛克顿和詹姆斯都来了。")["people"]
    assert "布洛克顿" not in _entities("骑士名单", "骑士队的布洛克顿来了。")["people"]
    # a dotted name's last part the tokenizer cut (卡帕 + 尔蒂), and a first name it tags as no name (本/r)
    actors = _entities("英国演员", "彼得·卡帕尔蒂出演了这部剧，本·金斯利说他很满意。")["people"]
    assert {"卡帕尔蒂", "金斯利"} <= set(actors) and "卡帕" not in actors
    # a last part cut after its first syllable goes on whatever the length of the rest (古/a + 德科夫/nr)
    found = _entities("俄罗斯", "反对派政客德米特里·古德科夫表示，文化部组织电影上映另有原因。")["people"]
    assert found == ["古德科夫"]
    # a last syllable tagged a name of its own after a transliteration no one's name (阿奇姆 + 彭/nr)
    found = _entities("中超", "最后时刻阿奇姆彭破门将比分锁定在3比1，阿奇姆彭也跑到场边庆祝。")["people"]
    assert found == ["阿奇姆彭"]
    # websites, with the names before them; a foreign country stays a place, 中国 of China's own outlets does not
    names = _entities(
        "网站", "据环球网报道，澳洲网消息，新西兰天维网刊文称，互联网上的消息不实。中国体彩网公布了结果。"
    )
    assert {"环球网", "澳洲网", "天维网", "中国体彩网"} <= set(names["orgs"]) and "互联网" not in names["orgs"]
    assert names["places"] == ["新西兰"]
    # a local office named by its city: the city is part of its name
    offices = _entities("机关", "江门海关和广东省惠州市惠阳区气象局发布通知。")
    assert {"江门海关", "广东省惠州市惠阳区气象局"} <= set(offices["orgs"]) and offices["places"] == []
    # every office head ends an organisation's name (派出所 was joined, then dropped as no organisation's ending)
    assert "中关村派出所" in _entities("机关", "北京市海淀区公安局中关村派出所发布通知。")["orgs"]
    # a full name the tokenizer found itself, no word of its dictionary whole or in part, counts when named once
    assert "朱欣佚" in _entities("名字", "朱欣佚随后赶到。")["people"]
    assert "李宁牌" not in _entities("球鞋", "他穿着李宁牌的鞋。")["people"]
    # a credit of several reports names its outlet without 综合; world cities are places
    assert "新浪时尚综合" not in _entities("来源", "新品发布。（来源：新浪时尚综合）")["orgs"]
    assert {"渥太华", "布拉格"} <= set(_entities("城市", "他从渥太华飞往布拉格。")["places"])


def test_an_office_or_institution_the_tokenizer_cut_into_words_is_one_organisation_named_by_its_place():
    # 上海市浦东新区 + 市场 监督 管理局, 荥阳市 + 第三 小学, 广州 + 楚颜 化妆品 有限公司, 海关 + 缉私局: one name each,
    # the places inside them no places of their own
    found = _entities(
        "通报",
        "上海市浦东新区市场监督管理局接到举报。荥阳市第三小学的学生放学了。广州楚颜化妆品有限公司是供应商。"
        "乌鲁木齐海关缉私局查获一批货物。",
    )
    assert {
        "上海市浦东新区市场监督管理局",
        "荥阳市第三小学",
        "广州楚颜化妆品有限公司",
        "乌鲁木齐海关缉私局",
    } <= set(found["orgs"])
    assert found["places"] == []
    # a company with its place in brackets is one name, the place none of its own; not when its own name is cut off
    found = _entities(
        "公司", "惠人贷商务顾问（北京）有限公司成立于2015年。腾讯科技（深圳）有限公司宣布。科技（成都）有限公司称。"
    )
    assert {"惠人贷商务顾问(北京)有限公司", "腾讯科技(深圳)有限公司"} <= set(found["orgs"])
    assert found["places"] == ["成都"]
    # a body's branch named by its place, a university's numbered hospital
    found = _entities(
        "通报",
        "中国银行保险监督管理委员会四川监管局发布通知。北京市工商局海淀分局近日抽检。北京大学第六医院睡眠医学科主任说。",
    )
    assert {"中国银行保险监督管理委员会四川监管局", "北京市工商局海淀分局", "北京大学第六医院"} <= set(found["orgs"])
    assert not {"北京大学", "中国银行保险监督管理委员会"} & set(found["orgs"]) and not found["places"]
    # 高院 (a province's high court) is an office's head as 法院 is
    found = _entities("宣判", "据北京市高院官方微信消息，宋喆职务侵占案一审宣判。")
    assert found["orgs"] == ["北京市高院"] and not found["places"]
    # an agency of the United Nations; a club with its 队 is the club
    assert _entities("旅游", "据联合国世界旅游组织一项报告显示。")["orgs"] == ["联合国世界旅游组织"]
    # a body's 办公室 is an office of its own, a company's a room
    found = _entities("高考", "近日，内蒙古自治区招生考试委员会办公室下发文件。他在腾讯办公室加班。")["orgs"]
    assert "内蒙古自治区招生考试委员会办公室" in found and "腾讯办公室" not in found
    assert lexicon().canonical("灰熊队") == "灰熊" and lexicon().canonical("雄鹿队") == "雄鹿"
    # a place, then a verb of going or a word picking among many, then an institution: no name (读 大学, 部分 学校);
    # a number of games (鏖战 五局), a two-character 局 (开局); places before an institution's head word alone stay places
    found = _entities(
        "新闻",
        "他在北京读大学。杭州市部分学校停课。江苏鏖战五局。曼联本赛季开局不顺。辽宁省大连市中心医院的医生说。",
    )
    assert not {"北京读大学", "杭州市部分学校", "江苏鏖战五局", "曼联本赛季开局"} & set(found["orgs"])
    assert {"辽宁", "大连"} <= set(found["places"])


def test_an_office_named_by_its_division_alone_is_one_organisation():
    # 省 教育 考试院, 省 人民 医院, 自治区 教育厅: a province's own news names its offices without the province
    found = _entities(
        "通知",
        "请考生及时关注省教育考试院门户网站。省人民医院普外科副主任医师说。来源：内蒙古招生考试院。自治区教育厅发布通知。",
    )
    assert {"省教育考试院", "省人民医院", "内蒙古招生考试院", "自治区教育厅"} <= set(found["orgs"])
    # not after a word it may end (航站 区), nor ending as no office does (省 大学), nor after a verb of placing
    found = _entities("通知", "北京新机场航站区派出所科员。省大学生运动会开幕。市统考考点设在上海戏剧学院。")
    assert not {"区派出所", "省大学", "市统考考点设在上海戏剧学院"} & set(found["orgs"])


def test_the_gazetteer_knows_places_without_changing_how_text_is_cut():
    known = lexicon()
    # 乌干达 and 黎巴嫩 are tagged as people by the stock dictionary; the gazetteer says they are places
    assert known.kinds["乌干达"] == known.kinds["黎巴嫩"] == known.kinds["锦州"] == "places"
    assert "乌干达" in known.gazetteer and "北京" not in known.gazetteer  # curated names stay in entities.txt
    assert "安康" not in known.kinds and "来宾" not in known.kinds  # short forms that are more often another word
    assert not known.gazetteer & known.not_names  # what not_entities.txt says wins (牛津 is listed there)
    words = {word for word, _ in dictionary_words()}
    assert "锦州" not in words and "北京" in words
    names = _entities("卡塔尔队主帅", "多哈消息，黎巴嫩与乌干达在锦州进行了友谊赛。浙江卫视和福建女排也来了。")
    assert {"黎巴嫩", "乌干达", "锦州"} <= set(names["places"])
    assert {"浙江卫视", "福建女排"} <= set(names["orgs"]) and not {"浙江", "福建"} & set(names["places"])


def test_eval_entities_command_reports_both_extractors_and_refuses_bad_labels(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "zixun", "eval", "entities", str(LABELED), "--split", "dev", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["articles"] == 60 and set(report["scores"]) == {"zixun", "pos_tags"}
    assert set(report["scores"]["zixun"]) == {"people", "places", "orgs", "overall"}
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "标题", "body": "正文", "people": "詹姆斯"}\n', encoding="utf-8")
    with pytest.raises(LabelError, match=r"bad\.jsonl:1: people, places and orgs must be lists"):
        evaluate_entities([bad], segmenter())
    one = tmp_path / "one.jsonl"
    one.write_text('{"title": "标题", "body": "正文", "split": "dev"}\n', encoding="utf-8")
    with pytest.raises(LabelError, match=r"one\.jsonl: no labelled articles in split test5"):
        evaluate_entities([one], segmenter(), "test5")


# --- the store, both backends -------------------------------------------------------------------------


def _mentions(engine: sa.Engine) -> set[tuple[str, str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(sa.select(schema.entity_mentions)).all()
    return {(row.kind, row.name, row.article_id) for row in rows}


def _id(guid: str) -> str:
    return articles.article_id(guid)


def test_ingest_fills_mentions_and_an_update_replaces_them(engine, settings, tmp_path):
    pipeline.ingest_paths(engine, [FIXTURE], settings)
    found = _mentions(engine)
    assert {("people", HEGSETH, _id(f"ent-heg-{i}")) for i in (1, 2, 3)} <= found
    assert not any(name in ("严正", "尤为重要") for _, name, _ in found)
    # the same guid again, rewritten: its old names go, the new ones come
    changed = tmp_path / "changed.jsonl"
    record = json.loads(FIXTURE.read_text(encoding="utf-8").splitlines()[0])
    record["title"], record["body"] = "鲁比奥访问巴西", "美国国务卿鲁比奥抵达巴西。"
    changed.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert pipeline.ingest_paths(engine, [changed], settings).updated == 1
    first = {(kind, name) for kind, name, key in _mentions(engine) if key == _id("ent-heg-1")}
    assert ("people", "鲁比奥") in first and ("people", HEGSETH) not in first and ("places", "东京") not in first


def test_reindex_recomputes_mentions(engine, settings):
    pipeline.ingest_paths(engine, [FIXTURE], settings)
    before = _mentions(engine)
    with writing(engine) as connection:
        connection.execute(schema.entity_mentions.delete())
        connection.execute(schema.entity_mentions.insert(), [{"kind": "people", "name": "严正", "article_id": "x"}])
    assert pipeline.reindex(engine, settings) == 3
    assert _mentions(engine) - {("people", "严正", "x")} == before


def test_an_outlet_credited_only_is_no_mention_of_the_article(engine, settings, tmp_path):
    """新浪 credited by a dateline alone is no mention (its page and the trending list leave the article out); an
    article about 新浪 is one. Export keeps the credit."""
    from datetime import timedelta

    from zixun.rank.trending import trending

    now = datetime_now()
    records = [
        ("credit", "李咏去世", "新浪娱乐讯 10月29日，央视主持人李咏妻子哈文发微博称李咏在美国因病去世。"),
        ("about", "新浪财报", "新浪科技讯 北京时间11月5日，新浪公司今日公布了第三季度财报，新浪营收同比增长。"),
    ]
    path = tmp_path / "credits.jsonl"
    path.write_text(
        "".join(
            json.dumps(
                {"id": g, "title": t, "body": b, "published_at": (now - timedelta(hours=1)).isoformat()},
                ensure_ascii=False,
            )
            + "\n"
            for g, t, b in records
        ),
        encoding="utf-8",
    )
    assert pipeline.ingest_paths(engine, [path], settings).new == 2
    found = _mentions(engine)
    assert ("orgs", "新浪", _id("about")) in found and ("orgs", "新浪", _id("credit")) not in found
    assert ("people", "李咏", _id("credit")) in found
    with engine.connect() as connection:
        orgs = {t.name: t.articles for t in trending(connection, now, "7d")["orgs"]}
        assert orgs["新浪"] == 1
        assert articles.get(connection, "credit").entities["credited"] == ["新浪"]
    assert pipeline.reindex(engine, settings) == 2 and _mentions(engine) == found


def test_mention_rows_of_a_malformed_or_old_stored_value_name_no_one_and_keep_what_is_well_formed():
    from zixun.store.mentions import rows_of

    assert rows_of("x", "not a dict") == [] and rows_of("x", {"people": "李咏"}) == []
    kept = [{"kind": "people", "name": "李咏", "article_id": "x"}]
    # an old store's entities have no "credited"; a malformed one credits no one
    for credited in ({}, {"credited": None}, {"credited": "李咏"}, {"credited": [["李咏"], 5]}):
        assert rows_of("x", {"people": ["李咏", 7, ""], **credited}) == kept
    assert rows_of("x", {"people": ["李咏"], "places": ["李咏"], "credited": ["李咏"]}) == [
        {"kind": "places", "name": "李咏", "article_id": "x"}  # a place is never a credit
    ]


def test_migration_fills_mentions_from_the_stored_entities(settings):
    engine = create_engine(settings.database_url)
    try:
        migrate(engine, "0007")
        article = Extracted(path="t", title="标题", body=["正文"], guid="old-1")
        row = article_row(article, _old_analysis(), datetime_now())
        # the articles table as 0007 left it (later migrations add columns the live model has)
        old = sa.Table("articles", sa.MetaData(), autoload_with=engine)
        with writing(engine) as connection:
            connection.execute(old.insert(), [{k: v for k, v in row.items() if k in old.c}])
        migrate(engine)
        assert _mentions(engine) == {("people", "海格塞斯", _id("old-1")), ("places", "东京", _id("old-1"))}
    finally:
        engine.dispose()


def _old_analysis() -> dict:
    return {
        "title_terms": "标题",
        "body_terms": "正文",
        "sub_terms": "",
        "candidates": {},
        "entities": {"people": ["海格塞斯"], "places": ["东京"], "orgs": []},
        "summary": "正文",
    }


def datetime_now():
    from datetime import UTC, datetime

    return datetime(2025, 9, 1, tzinfo=UTC)


def test_search_for_an_alias_finds_every_name_of_the_entity(engine, settings):
    pipeline.ingest_paths(engine, [FIXTURE], settings)
    with engine.connect() as connection:
        for query in ("海格塞斯", "赫格塞思", "赫格塞斯"):
            found = search(connection, segmenter(), query, limit=10)
            assert {hit.article.guid for hit in found.hits} == {"ent-heg-1", "ent-heg-2", "ent-heg-3"}, query
        assert search(connection, segmenter(), "董军", limit=10).total == 1


def test_entity_page_lists_articles_newest_first_with_paging(engine, settings):
    pipeline.ingest_paths(engine, [FIXTURE], settings)
    reader = Reader(settings)
    with engine.connect() as connection:
        page = contexts.entity_page(reader, connection, "people", "海格塞斯", Paging(1, 2, "/entities/people/x"))
        assert page.name == HEGSETH and "海格塞斯" in page.names and page.total == 3
        assert [i.guid for i in page.items] == ["ent-heg-3", "ent-heg-2"]
        second = contexts.entity_page(reader, connection, "people", HEGSETH, Paging(2, 2, "/entities/people/x"))
        assert [i.guid for i in second.items] == ["ent-heg-1"] and second.pager.next_url is None
        for kind, name in (("people", "严正"), ("places", HEGSETH), ("things", HEGSETH)):
            with pytest.raises(NotFound):
                contexts.entity_page(reader, connection, kind, name, Paging(1, 2, "/x"))
        with pytest.raises(NotFound, match="没有第 3 页"):
            contexts.entity_page(reader, connection, "people", HEGSETH, Paging(3, 2, "/x"))


def test_export_keeps_each_articles_entities(db_url):
    ingest = [sys.executable, "-m", "zixun", "--db", db_url]
    assert subprocess.run([*ingest, "ingest", str(FIXTURE)], capture_output=True, timeout=300).returncode == 0
    done = subprocess.run([*ingest, "export", "--format", "jsonl"], capture_output=True, text=True, timeout=300)
    exported = {r["guid"]: r for r in map(json.loads, done.stdout.splitlines())}
    assert exported["ent-heg-2"]["entities"]["people"] == [HEGSETH, "董军"]


# --- over real HTTP ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    """A live portal over a SQLite store holding the sample, the seed page and the entity fixture."""
    url = f"sqlite:///{tmp_path_factory.mktemp('entities') / 'zixun.db'}"
    fill_store(url, [FIXTURE])
    with live_server(Settings(database_url=url), FakeClock()) as (_, client):
        yield client


def test_entity_pages_over_http_merge_aliases_and_agree_with_the_api(web):
    api = web.get(f"/api/entities/people/{quote('海格塞斯')}?page_size=2").json()
    assert api["name"] == HEGSETH and api["total"] == 4  # the three fixtures and the seed page
    assert api["pager"]["next_url"].startswith("/api/entities/people/")
    doc = html.fromstring(web.get(f"/entities/people/{quote(HEGSETH)}").text)
    assert doc.xpath("string(//h1)").split()[0] == HEGSETH
    shown = [a.split("/")[-1] for a in doc.xpath("//ul[@class='list']//a[@class='item-title']/@href")]
    everything = web.get(f"/api/entities/people/{quote(HEGSETH)}").json()
    assert shown == [item["id"] for item in everything["items"]] and len(shown) == 4
    dates = [item["published_at"] for item in everything["items"]]
    assert dates == sorted(dates, reverse=True)
    assert web.get(f"/entities/people/{quote('严正')}").status_code == 404
    assert web.get(f"/api/entities/people/{quote('没有这个人')}").status_code == 404
    assert web.get("/api/entities/things/x").status_code == 422


def test_article_pages_link_their_names_to_entity_pages(web):
    key = _id("ent-heg-2")
    doc = html.fromstring(web.get(f"/articles/{key}", headers={"user-agent": "Googlebot"}).text)
    names, paths = doc.xpath("//p[@class='entities']/a/text()"), doc.xpath("//p[@class='entities']/a/@href")
    links = dict(zip(names, paths, strict=True))
    assert links[HEGSETH] == f"/entities/people/{quote(HEGSETH, safe='')}"
    assert links["美国"] == f"/entities/places/{quote('美国', safe='')}"
    assert web.get(links["董军"]).status_code == 200
    api = web.get(f"/api/articles/{key}").json()["article"]["entities"]
    assert [(e["name"], e["url"]) for e in api] == list(links.items())


def test_an_article_page_does_not_link_the_names_it_gives_only_as_credits(web):
    credited = next(
        item["id"]
        for item in web.get("/api/search", params={"q": "新浪娱乐讯", "page_size": 20}).json()["hits"]
        for item in [item["article"]]
    )
    article = web.get(f"/api/articles/{credited}").json()["article"]
    assert article["body"][0].startswith("新浪娱乐讯") and "新浪" not in article["body"][0][5:]
    assert "新浪" not in [e["name"] for e in article["entities"]]
    listed = web.get(f"/api/entities/orgs/{quote('新浪')}", params={"page_size": 100}).json()["items"]
    assert credited not in [item["id"] for item in listed]


def test_related_reasons_do_not_give_an_outlet_both_articles_only_credit(web):
    """Two articles whose datelines both credit 新浪 share no 共同提及：新浪 (their own names are what a reason gives)."""
    hits = web.get("/api/search", params={"q": "新浪娱乐讯", "page_size": 50}).json()["hits"]
    credited = [h["article"]["id"] for h in hits]
    reasons = [
        reason
        for key in credited
        if "新浪" not in [e["name"] for e in web.get(f"/api/articles/{key}").json()["article"]["entities"]]
        for entry in web.get(f"/api/articles/{key}/related").json()["related"]
        for reason in entry["reasons"]
    ]
    assert any(r.startswith("共同提及") for r in reasons)
    assert not [r for r in reasons if "新浪" in r]


@pytest.mark.browser
def test_browser_screenshot_of_an_entity_page(web):
    from test_browser import ARGS, CHROMIUM, SHOTS, _require_chromium

    sync_playwright = _require_chromium()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = chromium.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False).new_page()
        page.goto(f"{str(web.base_url).rstrip('/')}/articles/{_id('ent-heg-1')}")
        page.locator("p.entities a", has_text=HEGSETH).click()  # from the article to its person's page
        assert page.locator("h1").inner_text().startswith(HEGSETH)
        assert page.locator("ul.list li.item").count() == 4
        page.screenshot(path=SHOTS / "desktop-entity.png", full_page=True)
        chromium.close()
    assert (SHOTS / "desktop-entity.png").stat().st_size > 0


def test_a_firm_named_by_a_word_of_its_own():
    """Round 18: two characters the tokenizer lacks before a firm's word (科技, 资本, 集团 ...) are the firm's name."""
    assert "柔宇科技" in _entities("折叠屏手机", "柔宇科技发布了首款折叠屏手机。")["orgs"]
    assert "均瑶集团" in _entities("民营企业", "均瑶集团董事长王均金在访谈中谈到中国经济。")["orgs"]
    assert "亚夏汽车" in _entities("借壳", "中公教育借壳亚夏汽车上市。")["orgs"]
    # or a word the tokenizer took for a name (亚信/nz + 科技)
    assert "亚信科技" in _entities("合作", "百度与亚信科技达成合作。")["orgs"]
    # a foreign firm keeps its country, a registered name goes on, a pointing word begins none
    assert "这波资本" not in _entities("市场", "这波资本市场的窗口太好了。")["orgs"]


def test_national_teams_short_names_and_handles_used_alone():
    """Round 18: China's national teams' short names (国乒, 女乒, 国青) are organisations, a country's own with it
    (日本 + 女乒), no other name joined to them; 德帅 is 德安东尼 (not out of 时德帅), 沃神 a person."""
    found = _entities("国乒", "国乒迎来坏消息，朱雨玲中国女乒三大主力之一输给日本女乒小将。")
    assert {"国乒", "中国女乒", "日本女乒"} <= set(found["orgs"]) and "朱雨玲中国女乒" not in found["orgs"]
    assert set(_entities("亚青赛", "沙特国青迎战韩国国青。")["orgs"]) == {"沙特国青", "韩国国青"}
    assert "德安东尼" in _entities("火箭", "德帅不给年轻人机会，火箭输球。")["people"]
    assert "时德帅" in _entities("天津男篮", "天津队时德帅拿到了23分，球队取胜。")["people"]
    assert "沃神" in _entities("骑士", "据沃神报道，骑士队已经签下他。")["people"]
    assert "海豹君" in _entities("发型", "下面海豹君就来分享一下怎么打理羊毛卷。")["people"]  # a columnist's handle
    assert _entities("绿军", "绿军将优势扩大到5分，周琦目前还在毒蛇队打球。")["orgs"] == ["凯尔特人", "毒蛇队"]


def test_apple_is_the_company_where_the_article_names_its_products():
    """Round 18: 苹果 is Apple where the article names the iPhone, iOS or 库克; the fruit elsewhere is no name."""
    assert "苹果" in _entities("新iPhone", "苹果2019年iPhone欲配备升级版基带。")["orgs"]
    assert _entities("水果", "苹果和梨都是常见的水果。")["orgs"] == []


def test_mainland_china_is_china():
    """Round 18: 中国内地 and 中国大陆 are written as one place and are China (as 北京市 is 北京): a label of either
    form matches, and no 内地 or 大陆 is left over."""
    assert lexicon().canonical("中国内地") == "中国" and lexicon().canonical("中国大陆") == "中国"
    assert _entities("上映", "影片将在中国内地上映，中国大陆地区的用户可以观看。")["places"] == ["中国"]


def test_an_editors_handle_credited_is_a_person():
    """Round 18: one Latin word credited (an @ before it or not) closing the credit's brackets is the editor's handle."""
    assert "philtre" in _entities("泫雅", "泫雅和金晓钟频频秀恩爱！（编辑：@philtre）前不久，泫雅宣布解约。")["people"]
    assert "Flora" in _entities("唇色", "快来看看同款唇色吧。（编辑：Flora）")["people"]


def test_a_stars_studio_is_an_organisation():
    """Round 18: a person and 工作室 are the star's studio, which issues statements (not a place and 工作室)."""
    assert "冯绍峰工作室" in _entities("声明", "冯绍峰工作室发表声明，否认传闻。")["orgs"]
    assert _entities("设计", "伦敦工作室设计了这座酒吧。")["orgs"] == []


def test_a_news_apps_reporter_names_the_app():
    """Round 19: the word the tokenizer cut off before 新闻记者 is a news app's name (封面 + 新闻记者: 封面新闻), and the
    reporter after it stays a person; not a verb of playing a part (饰演 新闻记者)."""
    found = _entities("专访", "封面新闻记者 杜恩湖 10月29日上午报道。他告诉界面新闻记者。")
    assert {"封面新闻", "界面新闻"} <= set(found["orgs"]) and "杜恩湖" in found["people"]
    assert _entities("新剧", "她在剧中饰演新闻记者。")["orgs"] == []


def test_a_name_the_tokenizer_cut_apart_in_a_list_of_people_is_one():
    """Round 19: two words making three characters, a family name first, after 、 and a person's name and before the
    list goes on, are one name the tokenizer cut apart (曹柔理、安宥/v 真/d、崔艺娜); not after a place."""
    people = _entities("成员", "成员有张元英、曹柔理、安宥真、崔艺娜、金彩元、金珉周和李彩燕。")["people"]
    assert {"安宥真", "金彩元"} <= set(people)
    assert not {"安宥", "金彩"} & set(people)


def test_a_first_name_before_a_dot_the_joins_missed_is_no_name_of_its_own():
    """Round 19: a role or a verb of saying cues no first name that a dot or a hyphen goes on from (主教练 史蒂夫-科尔
    where the tokenizer cut the last part into pieces): news gives a dotted name by its last part."""
    assert "史蒂夫" not in _entities("勇士", "赛后，勇士主教练史蒂夫-科尔接受了采访。")["people"]


def test_a_state_university_cut_after_its_state_is_one_organisation():
    """Round 19: a state the tokenizer cut off 立 + 大学 is the start of a state university's name (亚利桑那州 + 立 +
    大学), no place of its own; a country before it stays a place."""
    found = _entities("研究", "美国宾夕法尼亚州立大学教授说。他毕业于亚利桑那州立大学。")
    assert {"宾夕法尼亚州立大学", "亚利桑那州立大学"} <= set(found["orgs"]) and found["places"] == ["美国"]


def test_round_21_two_places_in_one_word_tournaments_japanese_and_latin_names_credited_outlets():
    # a country or province and a place in it, one word of the tokenizer's: two places (not 中国香港, one)
    places = _entities("旅行", "她曾到访过法国巴黎和英国伦敦，也去过美国纽约和中国香港。")["places"]
    assert {"法国", "巴黎", "英国", "伦敦", "美国", "纽约", "中国香港"} <= set(places)
    assert not {"法国巴黎", "英国伦敦", "美国纽约"} & set(places)
    # a tournament is no organisation (the readers' rule), the clubs playing in it are
    found = _entities("欧冠", "欧冠小组赛中，尤文图斯在主场1-2负于曼联，欧联杯阿森纳取胜。")["orgs"]
    assert not {"欧冠", "欧联杯"} & set(found) and {"尤文图斯", "曼联"} <= set(found)
    # a Japanese family name the tokenizer cuts alone, and the given name after it
    assert "丹羽孝希" in _entities("乒乓球", "日本选手丹羽孝希表示，比赛很难。")["people"]
    assert "米仓凉子" in _entities("日剧", "米仓凉子主演的新剧开播。")["people"]
    # a capitalised Latin name beginning with a given name, named once: a person after 女友, 未婚夫, 用户, before 所著
    found = _entities("婚礼", "公主与未婚夫Jack Brooksbank举行婚礼。剧集根据Josh Malerman所著同名小说改编。")["people"]
    assert {"Jack Brooksbank", "Josh Malerman"} <= set(found)
    # but not a brand named for a person (品牌 James Taylor 也 不错)
    assert "James Taylor" not in _entities("鞋", "英国品牌James Taylor也不错。")["people"]
    # a place inside an outlet credited in brackets names none
    found = _entities("睫毛膏", "睫毛膏的用法很多。（来源：太平洋时尚）")
    assert "太平洋" not in found["places"]


def test_people_past_the_limit_take_the_places_unconfirmed_names_left():
    # 20 names tagged as people named once with nothing to vouch for them rank first, then 5 people the dictionary has:
    # those left fill the places the unconfirmed ones held and lost
    counts = Counter({f"无名{i}": 1 for i in range(20)})
    counts.update({"刘德华": 1, "古天乐": 1})
    kept = _people_kept(counts, {"刘德华", "古天乐"}, 20, lexicon())
    assert kept == ["刘德华", "古天乐"]


def test_a_dotted_names_last_part_a_place_and_a_player_named_like_a_city():
    # a place's name after a person's first name and a dot is the family name (克里斯/nrt · 哥伦布/ns), not in a list of
    # places a dot separates (纳什维尔/nrt · 新泽西州)
    found = _entities("电影", "影片由克里斯·哥伦布执导。")
    assert found["people"] == ["哥伦布"] and found["places"] == []
    assert "新泽西州" not in _entities("巡演", "途经田纳西州纳什维尔·新泽西州纽瓦克。")["people"]
    # a number and 分 or 助攻 just after a city's name the tokenizer tagged a person's: a player
    found = _entities("NBA", "罗切斯特22分14助攻，阿尔德里奇拿下20分。")
    assert "罗切斯特" in found["people"] and "罗切斯特" not in found["places"]
