"""Stories at ingest, on SQLite and PostgreSQL: coverage of one event across sources is one story, events of
one topic stay apart (two games of one night, two provinces' notices, the same event a year later), a repost
joins its original's story, arrival order does not matter, and a changed or deleted member re-decides."""

from __future__ import annotations

import json
import random
import time
from datetime import UTC, date, datetime, timedelta

import numpy as np
import sqlalchemy as sa

from tests.conftest import ROOT
from tests.test_cli import zixun
from tests.test_migrations import _downgrade
from zixun import pipeline
from zixun.models import Extracted
from zixun.rank import related
from zixun.settings import Settings
from zixun.store import articles, migrate, open_store, related_lists, stories, writing
from zixun.stories import clusters
from zixun.stories.conflicts import Facts, conflict
from zixun.text.normalize import fold

SAMPLE = {r["id"]: r for r in map(json.loads, (ROOT / "zixun" / "data" / "sample.jsonl").open(encoding="utf-8"))}
BY_TITLE = {r["title"]: r for r in SAMPLE.values()}
STORY = BY_TITLE["金庸曾唤记者“小师妹” 谈吐风趣举止温文尔雅"]
T0 = datetime(2018, 11, 4, 12, tzinfo=UTC)


def article(guid: str, title: str, body: str, *, source: str | None = "新华社", hours: float = 0) -> Extracted:
    """An extracted article published hours after T0."""
    return Extracted(
        path="test",
        title=title,
        body=[p for p in body.split("\n") if p.strip()],
        guid=guid,
        source=source,
        published_at=T0 + timedelta(hours=hours),
    )


def ingest(engine, settings, *found: Extracted) -> None:
    pipeline.ingest_records(engine, list(found), settings)


def grouping(engine) -> set[frozenset[str]]:
    """The stories as sets of guids."""
    with engine.connect() as connection:
        guids = {a.id: a.guid for a in articles.iterate(connection)}
        found: dict[int, set[str]] = {}
        for article_id, story_id in stories.all_story_ids(connection).items():
            found.setdefault(story_id, set()).add(guids[article_id])
    return {frozenset(s) for s in found.values()}


def halves(body: str) -> tuple[str, str]:
    """Two texts of one event that are no copies of each other: the even and the odd sentences."""
    sentences = [s for s in body.replace("\n", "").split("。") if s]
    return "。".join(sentences[0::2]) + "。", "。".join(sentences[1::2]) + "。"


GAME = (
    "北京时间11月4日，NBA常规赛继续进行，{home}主场迎战{away}。首节比赛{home}手感火热，{star}连续命中三分球，"
    "{home}以30比22领先。第二节{away}替补阵容发力，一度将分差缩小到3分。下半场{star}持续发挥，全场砍下{points}分"
    "{rebounds}个篮板，帮助{home}稳住局面。第四节{away}反扑未果，最终{home}以{score}战胜{away}，取得{streak}连胜。"
    "赛后{star}表示，球队防守做得很好，接下来的客场之旅同样重要。{away}主帅则认为球队失误太多，需要尽快调整。"
)


def game(
    guid: str, home: str, away: str, star: str, score: str, *, source: str, points: int, hours: float
) -> Extracted:
    body = GAME.format(home=home, away=away, star=star, score=score, points=points, rebounds=points // 3, streak=3)
    return article(guid, f"{star}{points}分 {home}{score}力克{away}", body, source=source, hours=hours)


EXAM = (
    "{province}省教育考试院发布通知，{year}年全国硕士研究生招生考试网上确认工作将于11月5日开始。考生须在规定时间内"
    "登录{province}省网上确认系统，核对报名信息并上传本人照片。逾期未确认者视为自动放弃。{province}省各报考点将"
    "提供现场咨询服务，考生可拨打{province}省招生考试咨询电话了解详情。通知提醒考生认真核对姓名、身份证号和报考"
    "专业，确认后信息不得修改。"
)


def exam(guid: str, province: str, *, source: str, hours: float, year: int = 2019) -> Extracted:
    body = EXAM.format(province=province, year=year)
    return article(guid, f"{province}省{year}年研究生招生考试网上确认11月5日开始", body, source=source, hours=hours)


def test_coverage_of_one_event_across_sources_is_one_story_and_reads_agree(engine, settings):
    first, second = halves(STORY["body"])
    ingest(
        engine,
        settings,
        article("a", STORY["title"], first, source="钱江晚报"),
        article("b", "金庸谈吐风趣 曾唤记者小师妹", second, source="新浪", hours=5),
        article("other", "爱奇艺诉豆瓣索赔50万", BY_TITLE["爱奇艺诉豆瓣索赔50万 称其用户诋毁《奇妙的食光》"]["body"]),
    )
    assert grouping(engine) == {frozenset({"a", "b"})}
    with engine.connect() as connection:
        a, b, other = (articles.get(connection, g) for g in ("a", "b", "other"))
        story = stories.of_article(connection, b.id)
        assert story is not None and stories.get(connection, story.id) == story
        assert story.first_article_id == a.id and story.title == STORY["title"]
        assert (story.size, story.sources) == (2, 2)
        assert (story.started_at, story.updated_at) == (T0, T0 + timedelta(hours=5))
        assert stories.of_article(connection, other.id) is None  # an article alone has no story
        assert stories.of_articles(connection, [a.id, b.id, other.id]) == {a.id: story, b.id: story}
        assert stories.member_ids(connection, story.id) == [a.id, b.id]
        assert [m.guid for m in stories.members(connection, story.id, limit=1, offset=1)] == ["b"]


def test_two_games_of_one_night_and_two_provinces_notices_are_different_stories(engine, settings):
    ingest(
        engine,
        settings,
        game("lal-1", "湖人", "开拓者", "詹姆斯", "116-110", source="新浪体育", points=32, hours=0),
        game("lal-2", "湖人", "开拓者", "詹姆斯", "116-110", source="腾讯体育", points=32, hours=2),
        game("hou-1", "火箭", "爵士", "哈登", "104-98", source="新浪体育", points=35, hours=0.5),
        game("hou-2", "火箭", "爵士", "哈登", "104-98", source="搜狐体育", points=35, hours=1),
        exam("hebei", "河北", source="河北日报", hours=0),
        exam("shandong", "山东", source="大众日报", hours=1),
    )
    found = grouping(engine)
    assert not any({"hebei", "shandong"} <= s for s in found)
    assert not any({"lal-1", "hou-1"} <= s for s in found)


def test_a_score_after_three_quarters_or_at_half_time_is_no_result_of_the_game():
    at = datetime(2018, 11, 9, tzinfo=UTC)
    assert Facts.of("勇士惨败！雄鹿3节105-79，竟打得勇士提前下班", {}, at).scores == frozenset()
    assert Facts.of("半场55-40领先，湖人终场114-110胜森林狼", {}, at).scores == {(110, 114)}
    final = Facts.of("雄鹿客场134-111大胜勇士", {}, at)
    assert conflict(final, Facts.of("雄鹿3节105-79领先勇士", {}, at)) is None  # one game: no two results
    assert conflict(final, Facts.of("雄鹿118-110胜勇士", {}, at)) == "score"


def test_two_provinces_conflict_and_a_country_named_as_a_side_or_beside_its_city_does_not():
    at = datetime(2018, 11, 5, tzinfo=UTC)

    def facts(title: str, places: list[str]) -> Facts:
        return Facts.of(title, {"places": places}, at)

    henan, hebei = facts("河南2019年高考11月22日开始报名", ["河南"]), facts("河北2019年高考11月22日开始报名", ["河北"])
    assert conflict(henan, hebei) == "place"
    board = facts("习近平：将在上海证券交易所设立科创板并试点注册制", ["上海"])
    assert conflict(board, facts("快评：升级型科创板，中国新版纳斯达克终出炉？", ["中国"])) is None
    mother = facts("伊藤母亲：每晚都在她耳边说战胜中国的只有你", ["中国"])
    assert conflict(mother, facts("国乒三大主力被日本一人连击 准东京阵容崩塌？", ["日本", "东京"])) is None
    assert conflict(facts("东京奥运会场馆建设提速", ["东京"]), facts("北京冬奥会场馆建设提速", ["北京"])) == "place"


def test_a_name_written_in_latin_capitals_is_found_in_the_folded_headline():
    at = datetime(2018, 11, 8, tzinfo=UTC)
    facts = Facts.of(
        fold("C罗：尤文统治了整场比赛 曼联啥也没做"), {"people": ["C罗"], "orgs": ["尤文", "曼联", "FF"]}, at
    )
    assert facts.people == {"C罗"} and facts.orgs == {"尤文", "曼联"}
    assert "C罗" in facts.names


def test_a_name_is_found_in_the_headline_by_any_of_its_forms():
    # the extractor gives a club by its canonical name (上港 → 上海上港), the headline as the article writes it
    at = datetime(2018, 11, 7, tzinfo=UTC)
    facts = Facts.of(fold("上港2-1人和夺得中超冠军"), {"people": ["武磊"], "orgs": ["上海上港", "中超"]}, at)
    assert facts.orgs == {"上海上港", "中超"}
    assert Facts.of(fold("人和主场告负"), {"orgs": ["上海上港"]}, at).orgs == frozenset()


def test_headlines_about_two_people_conflict_unless_each_text_names_the_others():
    at = datetime(2018, 11, 8, tzinfo=UTC)
    coach = Facts.of("穆里尼奥换人致胜", {"people": ["穆里尼奥", "C罗"]}, at)
    star = Facts.of(fold("C罗：尤文统治了整场比赛"), {"people": ["C罗", "穆里尼奥"]}, at)
    assert conflict(coach, star) is None  # one game's two people, each text naming the other
    assert conflict(coach, Facts.of(fold("C罗：尤文统治了整场比赛"), {"people": ["C罗"]}, at)) == "people"
    jin, li = Facts.of("金庸逝世", {"people": ["金庸"]}, at), Facts.of("李咏逝世", {"people": ["李咏", "哈文"]}, at)
    assert conflict(jin, li) == "people"


def test_headlines_about_two_people_whose_texts_share_a_cast_do_not_conflict_when_one_names_the_other():
    at = datetime(2018, 11, 2, tzinfo=UTC)
    guest = Facts.of("李彦宏：民营企业家信心大增", {"people": ["李彦宏", "习近平", "汤晓鸥", "雷军"]}, at)
    other = Facts.of("汤晓鸥：总书记给了企业坚定的信心", {"people": ["汤晓鸥", "习近平"]}, at)
    assert conflict(guest, other) is None  # one forum: the texts name its host and the guest, one text the other guest
    alone = Facts.of("汤晓鸥：总书记给了企业坚定的信心", {"people": ["汤晓鸥"]}, at)
    assert conflict(guest, alone) == "people"  # one person in common is no cast
    stranger = Facts.of("王小兰：企业家的信心", {"people": ["王小兰", "习近平", "雷军"]}, at)
    assert conflict(other, stranger) == "people"  # neither text names the other's person


def test_one_guest_met_by_two_hosts_is_two_meetings_and_the_guests_other_doings_conflict_softly():
    at = datetime(2018, 11, 6, tzinfo=UTC)
    ying = Facts.of(fold("应勇会见比尔·盖茨：欢迎盖茨基金会与上海合作交流"), {"people": ["应勇", "盖茨"]}, at)
    peng = Facts.of(fold("彭丽媛会见美国盖茨基金会联席主席比尔·盖茨"), {"people": ["彭丽媛", "盖茨", "习近平"]}, at)
    assert conflict(ying, peng) == "meeting"  # one guest, two hosts, however the texts name each other
    again = Facts.of(fold("上海市长应勇会见盖茨"), {"people": ["盖茨", "应勇"]}, at)
    assert conflict(ying, again) is None  # one meeting's two headlines
    speech = Facts.of(fold("比尔·盖茨：中国将为全球第三波脱贫提供催化剂"), {"people": ["盖茨"]}, at)
    assert conflict(ying, speech) == "host" and "host" in clusters.SOFT  # his forum speech never names the host
    words = Facts.of(fold("盖茨：愿与上海合作"), {"people": ["盖茨", "应勇"]}, at)
    assert conflict(ying, words) is None  # the guest's words told of the meeting name who met him


def test_one_persons_words_told_of_two_days_conflict_softly():
    def facts(title: str, published: str, body: str, words: str) -> Facts:
        return Facts.of(fold(title), {"people": ["盖茨"]}, datetime.fromisoformat(published), body, words.split())

    speech = facts(
        "比尔·盖茨：中国将为全球第三波脱贫提供催化剂",
        "2018-11-05T19:54+08:00",
        "11月5日，比尔·盖茨在虹桥国际经贸论坛上说",
        "比尔 盖茨 中国 全球 第三 脱贫 提供 催化剂",
    )
    expo = facts(
        "新世代厕所博览会举办 盖茨：看看挽救生命的新技术",
        "2018-11-06T05:49+08:00",
        "11月6日，新世代厕所博览会在北京开幕",
        "世代 厕所 博览会 举办 盖茨 看看 挽救 生命 技术",
    )
    assert speech.speakers == {"盖茨"}
    assert conflict(speech, expo) == "sayings" and "sayings" in clusters.SOFT  # his speech and the expo a day later
    again = facts("盖茨谈脱贫：中国是催化剂", "2018-11-06T08:00+08:00", "11月6日消息，11月5日", "盖茨 脱贫 中国 催化剂")
    assert conflict(speech, again) is None  # a day in common, and words beyond him
    undated = facts(
        "盖茨：看看挽救生命的新技术", "2018-11-06T05:49+08:00", "新世代厕所博览会开幕", "盖茨 看看 生命 技术"
    )
    assert conflict(speech, undated) is None  # a text telling of no day


def test_two_peoples_own_acts_of_one_kind_conflict_whatever_their_texts_name():
    at = datetime(2018, 11, 5, tzinfo=UTC)
    field = ["德尔波特罗", "纳达尔", "锦织圭", "德约科维奇"]
    potro = Facts.of(fold("德尔波特罗因伤退赛 锦织圭时隔两年重返总决赛"), {"people": field}, at)
    nadal = Facts.of(fold("纳达尔因伤退出总决赛 小德第五次加冕年终NO.1"), {"people": field[1:] + field[:1]}, at)
    assert conflict(potro, nadal) == "person"  # each text names the field, each headline its own withdrawal
    fans = Facts.of(fold("纳达尔：总决赛的对手都很强"), {"people": field[1:] + field[:1]}, at)
    assert conflict(potro, fans) is None  # no withdrawal of his own: the texts naming each other make one event


def test_one_actors_announcements_days_apart_conflict_and_one_announcements_angles_do_not():
    at = datetime(2018, 10, 31, 9, tzinfo=UTC)

    def facts(title: str, words: str, days: float = 0.0) -> Facts:
        body = "滴滴此前公布了意见征求的反馈结果，现试行公众评议会。"  # each text names the other's things
        return Facts.of(fold(title), {"orgs": ["滴滴"]}, at + timedelta(days=days), body, words.split())

    replies = facts(
        "滴滴公布意见征求第1期反馈结果 顺风车仍无限期下线", "滴滴 公布 意见 征求 反馈 结果 顺风车 无限期 下线"
    )
    panel = "滴滴试行公众评议会投票：醉酒乘客独行该不该拒载？", "滴滴 试行 公众 评议会 投票 醉酒 乘客 独行 拒载"
    # its first replies to users, and its public review panel two days later
    assert conflict(replies, facts(*panel, days=2.1)) == "actor"
    assert conflict(replies, facts(*panel, days=1.0)) is None  # within a day and a half: one announcement's angles
    alarm = facts(
        "滴滴:顺风车继续无限期下线 正测试短信报警功能", "滴滴 顺风车 继续 无限期 下线 测试 短信 报警 功能", 2.1
    )
    assert conflict(replies, alarm) is None  # a word in common beyond the actor
    users = facts("乘客投票评议滴滴醉酒拒载规则", "乘客 投票 评议 滴滴 醉酒 拒载 规则", 2.1)
    assert conflict(replies, users) is None  # a headline the actor does not open announcing


def test_one_actors_headlines_whose_texts_never_name_each_others_things_conflict_softly():
    at = datetime(2018, 11, 4, 2, tzinfo=UTC)
    tunnel = Facts.of(
        fold("马斯克宣布洛杉矶隧道12月10日开通"),
        {"people": ["马斯克"], "places": ["洛杉矶"]},
        at,
        "马斯克在推特上宣布，Boring公司在洛杉矶挖掘的隧道将于12月10日开通。",
        ["马斯克", "宣布", "洛杉矶", "隧道", "开通"],
    )
    words = ["马斯克", "特斯拉", "中国", "超级工厂", "生产", "电池", "模组"]
    battery = "马斯克：特斯拉将在中国超级工厂生产所有的电池模组", {"people": ["马斯克"], "orgs": ["特斯拉"]}
    factory = Facts.of(fold(battery[0]), battery[1], at + timedelta(hours=7), "特斯拉上海工厂将生产电池模组。", words)
    assert conflict(tunnel, factory) == "things"  # the same morning, two tweets that never name each other's thing
    assert "things" in clusters.SOFT  # an interview's pieces may not either: groups holding some of each are linked
    interview = Facts.of(fold(battery[0]), battery[1], at + timedelta(hours=7), "他还谈到了隧道和电池。", words)
    assert conflict(tunnel, interview) is None  # a text naming the other's thing


def test_one_actors_headlines_whose_texts_tell_of_days_two_apart_conflict():
    def facts(title: str, names: dict, published: str, body: str) -> Facts:
        return Facts.of(fold(title), names, datetime.fromisoformat(published), body)

    apple = {"orgs": ["苹果"]}
    results = facts(
        "苹果第四财季营收629亿美元", apple, "2018-11-02T09:38+08:00", "11月2日消息，苹果今天公布了第四财季财报"
    )
    launch = facts(
        "苹果发布新iPad Pro", apple, "2018-10-31T19:18+08:00", "10月31日消息，苹果在纽约发布新iPad，11月7日开售"
    )
    assert launch.told == {date(2018, 10, 31)}  # 11月7日 is ahead of the publish day: a plan, not the day told
    assert conflict(results, launch) == "days"
    repair = facts(
        "苹果推出维修计划", {"orgs": ["苹果"], "people": ["库克"]}, "2018-11-01T07:57+08:00", "11月1日，苹果称"
    )
    assert conflict(launch, repair) is None  # a day apart
    cook = facts("库克：中国市场强劲", {"people": ["库克"]}, "2018-10-31T19:00+08:00", "10月31日")
    assert conflict(results, cook) is None  # no name in common
    # a preview that also gives the day it looks to is none apart from that day's reports
    preview = facts(
        "小米计划在英国发布手机", {"orgs": ["小米"]}, "2018-11-09T09:58+08:00", "11月7日消息，小米11月8日在伦敦"
    )
    report = facts("小米进入英国市场", {"orgs": ["小米"]}, "2018-11-09T02:22+08:00", "11月9日上午消息，当地时间11月8日")
    assert conflict(preview, report) is None
    # a death's coverage tells of the days after it, each piece on its own: no days of its own
    first = facts("蓝洁瑛猝死家中", {"people": ["蓝洁瑛"]}, "2018-11-03T18:27+08:00", "11月3日，蓝洁瑛被发现在家中猝死")
    later = facts(
        "演协会未联络到蓝洁瑛家人", {"people": ["蓝洁瑛"]}, "2018-11-05T12:00+08:00", "11月5日消息，蓝洁瑛离世后"
    )
    assert later.told == frozenset() and conflict(first, later) is None


def test_two_headlines_of_one_series_template_about_other_things_conflict_and_one_events_angles_do_not():
    at = datetime(2018, 11, 5, tzinfo=UTC)

    def facts(title: str, people: list[str] = ()) -> Facts:
        return Facts.of(title, {"people": list(people)}, at)

    assert conflict(facts("实用口语：“懒虫”英语怎么说？"), facts("实用口语：“唠叨”英语怎么说？")) == "template"
    brochure = facts("山东理工大学2019年硕士研究生招生简章")
    assert conflict(brochure, facts("泰山医学院2019年硕士研究生招生简章")) == "template"
    # the slot at the end (one event's angles), or what the two share naming someone, is no template
    death = facts("嘉禾创始人邹文怀去世 成龙撰文悼念感激救命恩", ["邹文怀", "成龙"])
    assert conflict(death, facts("嘉禾创始人邹文怀去世 生前曾栽培李小龙等巨星", ["邹文怀", "李小龙"])) is None
    gates = facts("彭丽媛会见比尔·盖茨", ["彭丽媛", "盖茨"])
    # no template (what the two share names 盖茨), but one guest's meetings with two hosts (_other_meeting)
    assert conflict(gates, facts("外交部长王毅会见比尔·盖茨", ["王毅", "盖茨"])) == "meeting"
    # two copies of one headline, or slots sharing two characters in a row (an edited headline), are none
    assert conflict(brochure, facts("山东理工大学2019年硕士研究生招生简章")) is None
    assert conflict(brochure, facts("山东理工2019年硕士研究生招生简章")) is None


def test_a_texts_final_score_and_its_subject_are_signs_two_reports_of_one_event_share():
    at = datetime(2018, 11, 9, tzinfo=UTC)
    body = "第四节翟晓川上篮得手，北京首钢最终以95-91险胜广厦。此前广厦3节72-60领先，票价100-150元，50-120分。"
    facts = Facts.of("李春江：输在细节", {"people": ["翟晓川", "李春江"]}, at, body)
    # the final score only: no score of three quarters, no range of prices, no two numbers 70 apart; and no
    # subject: the person named most (翟晓川) is not in the headline
    assert facts.signs == {"91-95"}
    facts = Facts.of("翟晓川命中决胜球", {"people": ["翟晓川", "李春江"]}, at, "最终北京95比91战胜广厦。")
    assert facts.signs == {"91-95", "@翟晓川"}
    coach = Facts.of("李春江：输在细节", {"people": ["李春江"]}, at, body)
    other_game = Facts.of("李春江：输在细节", {"people": ["李春江"]}, at, "广厦102-99战胜北控。")
    # headlines about two people conflict, unless the texts give one game's final score
    assert conflict(coach, facts) is None
    assert conflict(other_game, facts) == "people"


def test_a_headline_about_a_chief_shares_the_company_its_text_keeps_naming():
    at = datetime(2018, 11, 1, tzinfo=UTC)
    body = "百度世界大会上，李彦宏说，百度将与一汽合作量产无人车。新浪科技讯 百度还发布了百度小度音箱。"
    entities = {"people": ["李彦宏"], "orgs": ["新浪", "百度", "一汽"], "credited": ["新浪"]}
    chief = Facts.of("李彦宏：互联网思维过时了", entities, at, body)
    company = Facts.of("百度发布l4级乘用无人车", {"people": ["李彦宏"], "orgs": ["百度"]}, at, body)
    # his headline and the company's share a sign: the organisation his text names most (no outlet it credits)
    assert chief.signs == {"@李彦宏", "百度"} and chief.signs & company.names == {"百度"}
    # none when the text names it under four times, when the headline names an organisation itself, or is about no one
    few = "李彦宏在百度世界大会上说，百度将与一汽合作，百度还发布了小度音箱。"
    assert Facts.of("李彦宏：互联网思维过时了", entities, at, few).signs == {"@李彦宏"}
    assert Facts.of("李彦宏：一汽是好伙伴", entities, at, body).signs == {"@李彦宏"}
    assert Facts.of("互联网思维过时了", entities, at, body).signs == frozenset()


def test_reports_of_one_game_about_different_people_share_its_final_score_and_are_one_story(engine, settings):
    ingest(
        engine,
        settings,
        article(
            "coach",
            "李春江：我们输在最后两分钟的细节",
            "赛后新闻发布会上，广厦主帅李春江表示，球队在最后两分钟处理球不够冷静，翟晓川最后时刻的突破上篮没有防住。\n"
            "广厦最终91-95输给北京首钢，八连胜就此终结。李春江说，球员们已经尽力，下一场要尽快调整。",
        ),
        article(
            "player",
            "翟晓川命中决胜上篮 北京本土一哥带伤作战",
            "北京时间11月9日晚，翟晓川在最后时刻突破上篮命中，帮助北京首钢以95-91客场击败广厦。\n"
            "赛前他的脚踝仍有伤，但他坚持出战并打满关键时刻。队友纷纷称赞他的大心脏。",
            source="新浪体育",
            hours=2,
        ),
        article(
            "next",
            "孙悦：下一场我们要打出防守强度",
            "北京首钢将在两天后迎来北控，孙悦表示球队要打出防守强度。\n"
            "上一轮北京首钢以88-80战胜天津，孙悦说球队的轮换正在磨合，主帅雅尼斯对替补很有信心。",
            source="搜狐体育",
            hours=3,
        ),
    )
    found = grouping(engine)
    assert {"coach", "player"} in found
    assert not any("next" in s and len(s) > 1 for s in found)


def _articles(titles: list[str]) -> list[clusters.Article]:
    """Articles as clustering knows them, made from rows of a title each (no words: _attach is given their sums)."""
    from types import SimpleNamespace

    made = []
    for k, title in enumerate(titles):
        row = SimpleNamespace(
            id=f"a{k}", title=title, source=None, published_at=T0, ingested_at=T0, updated_at=T0, entities={},
            body="", candidates={}, title_terms="", keywords=[],
        )  # fmt: skip
        made.append(clusters.Article(row))
    return made


def test_an_article_left_alone_joins_a_large_story_it_is_alike_as_a_whole_and_no_small_group():
    # ten reports alike at 0.4 pair by pair, and an article alike at 0.2 to each (too little for average linkage):
    # with the story's sum its cosine is 10 * 0.2 / sqrt(10 + 90 * 0.4) = 0.29, over STORY_SCORE
    def attached(size: int, alike: float) -> bool:
        n = size + 1
        items = _articles([f"报道{k}" for k in range(size)] + ["赛后评论"])
        groups = {0: list(range(size)), size: [size]}
        sums = np.full((n, n), -np.inf)
        sums[0, size] = sums[size, 0] = alike * size
        within = np.ones(n)
        within[0] = size + size * (size - 1) * 0.4
        clusters._attach(items, groups, sums, within, np.zeros((n, n), bool))
        return groups == {0: list(range(n))}

    assert clusters.ATTACH_SIZE == 10
    assert attached(10, 0.2)
    assert not attached(10, 0.12)  # 0.17: not alike enough
    assert not attached(9, 0.2)  # a small group's sum is no better than its members
    # a conflict with a member keeps it out: another game's result
    items = _articles(["雄鹿134-111大胜勇士"] * 10 + ["雄鹿118-110胜勇士"])
    groups = {0: list(range(10)), 10: [10]}
    sums = np.full((11, 11), -np.inf)
    sums[0, 10] = sums[10, 0] = 2.0
    within = np.ones(11)
    within[0] = 46.0
    clusters._attach(items, groups, sums, within, np.zeros((11, 11), bool))
    assert groups == {0: list(range(10)), 10: [10]}
    # kept apart from a part of the story during average linkage (a soft conflict with each of its members) is no
    # conflict with the story as a whole: the story's own conflicts decide
    items = _articles([f"报道{k}" for k in range(10)] + ["赛后评论"])
    groups = {0: list(range(10)), 10: [10]}
    blocked = np.zeros((11, 11), bool)
    blocked[0, 10] = blocked[10, 0] = True
    clusters._attach(items, groups, sums, within, blocked)
    assert groups == {0: list(range(11))}


def test_two_groups_alike_as_wholes_join_when_their_headlines_share_a_key_of_their_own():
    # a death's reports (three) and two tributes, 0.5 alike within each group: at 0.3 across their sums' cosine is
    # 6 * 0.3 / sqrt((3 + 6 * 0.5) * (2 + 2 * 0.5)) = 0.42, at 0.2 it is 0.28 (under JOIN_SCORE)
    class Store:
        def __init__(self, stored: int):
            self.stored = stored

        def key_counts(self, keys):
            return dict.fromkeys(keys, self.stored)

    def joined(across: float, stored: int = 5, tribute_heads: tuple[str, ...] = ("蓝洁瑛", "悼念")) -> bool:
        items = _articles(["蓝洁瑛逝世", "蓝洁瑛追思弥撒", "蓝洁瑛生前", "悼念蓝洁瑛", "众星哀悼蓝洁瑛"])
        for k, a in enumerate(items):
            a.heads = frozenset(("蓝洁瑛", "逝世") if k < 3 else tribute_heads)
            a.keys = sorted(a.heads)
        groups = {0: [0, 1, 2], 3: [3, 4]}
        sums = np.full((5, 5), -np.inf)
        sums[0, 3] = sums[3, 0] = across * 6
        within = np.ones(5)
        within[0], within[3] = 3 + 6 * 0.5, 2 + 2 * 0.5
        clusters._join_by_key(items, groups, sums, within, np.zeros((5, 5), bool), Store(stored))
        return groups == {0: [0, 1, 2, 3, 4]}

    assert clusters.JOIN_SCORE == 0.35
    assert joined(0.3)
    assert not joined(0.2)  # not alike enough as wholes
    # the key is a topic's, not theirs: 5 of the store's 20 articles with it (one star's, one team's other events)
    assert not joined(0.3, stored=20)
    assert not joined(0.3, tribute_heads=("悼念",))  # the tributes' headlines do not give it


def test_a_reposts_headline_lifts_a_soft_conflict_of_its_original_and_no_hard_one():
    # one text under two headlines (a repost and its original) beside a third report of the ranking: the original's
    # organisations and the third's share one ("teams"), the repost's share three
    def article(title: str, orgs: list[str]) -> clusters.Article:
        (made,) = _articles([title])
        made.facts = Facts.of(fold(title), {"orgs": orgs}, T0)
        return made

    original = article("亚洲大学排行榜出炉：港大清华北大复旦跻身前10", ["亚洲大学", "香港大学", "复旦大学"])
    repost = article("亚洲大学排行榜出炉：港大、清华、北大等上榜", ["亚洲大学", "香港大学", "北京大学", "清华"])
    ranking = article("QS发布2019亚洲大学排名 清华第三北大第五", ["清华", "北京大学", "亚洲大学"])
    assert clusters._conflict(ranking, original) == "teams"
    original.copies = (repost.facts,)
    assert clusters._conflict(ranking, original) is None
    assert clusters._conflict(original, ranking) is None
    # another game's score is a hard conflict: a repost's headline without one lifts nothing
    game, other = article("雄鹿134-111大胜勇士", []), article("雄鹿118-110胜勇士", [])
    other.copies = (Facts.of(fold("雄鹿胜勇士"), {}, T0),)
    assert clusters._conflict(game, other) == "score"


def test_the_same_event_a_year_later_is_another_story(engine, settings):
    first, second = halves(STORY["body"])
    ingest(
        engine,
        settings,
        article("now", STORY["title"], first),
        article("year-later", STORY["title"], second, source="新浪", hours=24 * 365),
    )
    assert grouping(engine) == set()


def test_tributes_to_one_man_that_share_only_his_name_among_their_keys_are_one_story(engine, settings):
    # each headline names someone else beside him: what their keys share is 金庸 alone, and a headline name
    # counts as two keys (clusters.NAME_KEY), so each is the other's candidate
    ingest(
        engine,
        settings,
        article(
            "dong",
            "董桥悼金庸：他的成就不是奇迹 来自博学和毅力",
            "作家董桥撰文悼念金庸。董桥说，金庸的成就不是奇迹，而是来自博学和毅力。\n"
            "他回忆两人在明报共事的岁月，金庸每天清晨亲自撰写社评，从不间断。",
        ),
        article(
            "ni",
            "倪匡电邮回复金庸仙逝：不必过分悲伤",
            "倪匡通过电邮回复记者，谈及金庸仙逝一事。倪匡表示，大家不必过分悲伤，金庸一生精彩。\n"
            "他说金庸留下的武侠世界会一直流传下去。",
            source="新浪",
            hours=5,
        ),
    )
    assert grouping(engine) == {frozenset({"dong", "ni"})}


def test_a_repost_joins_its_originals_story_whatever_the_arrival_order(engine, settings):
    first, second = halves(STORY["body"])
    ingest(engine, settings, article("copy", STORY["title"], first, source="网易", hours=3))  # the repost first
    ingest(engine, settings, article("b", "金庸谈吐风趣 曾唤记者小师妹", second, source="新浪", hours=5))
    ingest(engine, settings, article("wire", STORY["title"], first, source="钱江晚报", hours=0))
    assert grouping(engine) == {frozenset({"copy", "b", "wire"})}
    with engine.connect() as connection:
        story = stories.of_article(connection, articles.get(connection, "copy").id)
        assert story.first_article_id == articles.get(connection, "wire").id
        assert (story.size, story.sources) == (3, 3)


def test_a_member_changed_into_another_text_or_deleted_re_decides_its_story(engine, settings):
    first, second = halves(STORY["body"])
    third = BY_TITLE["爱奇艺诉豆瓣索赔50万 称其用户诋毁《奇妙的食光》"]["body"]
    ingest(
        engine,
        settings,
        article("a", STORY["title"], first, source="钱江晚报"),
        article("b", "金庸谈吐风趣 曾唤记者小师妹", second, source="新浪", hours=5),
    )
    with engine.connect() as connection:
        before = stories.of_article(connection, articles.get(connection, "a").id)
    time.sleep(0.01)
    ingest(engine, settings, article("b", "爱奇艺诉豆瓣索赔50万", third, source="新浪", hours=5))
    assert grouping(engine) == set()
    with engine.connect() as connection:
        assert stories.get(connection, before.id) is None
    ingest(engine, settings, article("c", "金庸谈吐风趣 曾唤记者小师妹", second, source="新浪", hours=6))
    assert grouping(engine) == {frozenset({"a", "c"})}
    with writing(engine) as connection:
        articles.delete(connection, [articles.get(connection, "c").id])
    ingest(engine, settings)  # the next pass decides the deleted member's story again
    assert grouping(engine) == set()


def test_reindex_and_a_store_migrated_from_before_stories_find_the_same_stories(engine, settings):
    first, second = halves(STORY["body"])
    ingest(
        engine,
        settings,
        article("a", STORY["title"], first, source="钱江晚报"),
        article("b", "金庸谈吐风趣 曾唤记者小师妹", second, source="新浪", hours=5),
    )
    _downgrade(engine, "0013")  # the schema before stories: their tables go, the articles stay
    migrate(engine)
    with engine.connect() as connection:
        assert articles.count(connection) == 2 and len(stories.pending(connection)) == 2
    assert grouping(engine) == set()
    pipeline.reindex(engine, settings)
    assert grouping(engine) == {frozenset({"a", "b"})}


def test_export_gives_each_article_its_story(db_url, tmp_path):
    first, second = halves(STORY["body"])
    lines = [
        {"id": "a", "title": STORY["title"], "body": first, "published_at": "2018-11-04T12:00:00+00:00"},
        {
            "id": "b",
            "title": "金庸谈吐风趣 曾唤记者小师妹",
            "body": second,
            "published_at": "2018-11-04T15:00:00+00:00",
        },
        {
            "id": "c",
            "title": "爱奇艺诉豆瓣索赔50万",
            "body": BY_TITLE["爱奇艺诉豆瓣索赔50万 称其用户诋毁《奇妙的食光》"]["body"],
        },
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    assert zixun("ingest", str(path), db=db_url).returncode == 0
    done = zixun("export", "--format", "jsonl", db=db_url)
    assert done.returncode == 0, done.stderr
    found = {r["guid"]: r["story"] for r in map(json.loads, done.stdout.splitlines())}
    assert found["a"] == found["b"] and isinstance(found["a"], int) and found["c"] is None


def test_related_list_starts_with_the_story_and_an_older_members_list_and_page_version_change_as_it_grows(
    engine, settings
):
    first, second = halves(STORY["body"])
    ingest(
        engine,
        settings,
        article("a", STORY["title"], first, source="钱江晚报"),
        article("copy", STORY["title"], first, source="网易", hours=1),  # a's repost: one entry per group
        article("b", "金庸谈吐风趣 曾唤记者小师妹", second, source="新浪", hours=5),
        *(game(f"g{n}", "湖人", "开拓者", "詹姆斯", "116-110", source="s", points=32, hours=n) for n in range(2)),
    )
    with engine.connect() as connection:
        found = related.related_articles(connection, "b")
        version = related_lists.page_state(connection, "b", 5)[1]
    assert [r.article.guid for r in found] == ["a"] and found[0].reasons[0] == "同一事件"
    third = "。".join(s for s in STORY["body"].split("。")[::3]) + "。"
    ingest(engine, settings, article("c", "追忆金庸：谈吐风趣 曾唤记者小师妹", third, source="腾讯", hours=8))
    with engine.connect() as connection:
        assert {r.article.guid for r in related.related_articles(connection, "b")} == {"a", "c"}
        assert all(r.reasons[0] == "同一事件" for r in related.related_articles(connection, "b"))
        assert related_lists.page_state(connection, "b", 5)[1] != version
        assert stories.of_article(connection, articles.get(connection, "b").id).size == 4


def test_arrival_order_does_not_change_the_stories(db_url, tmp_path):
    first, second = halves(STORY["body"])
    found = [
        article("a", STORY["title"], first, source="钱江晚报"),
        article("b", "金庸谈吐风趣 曾唤记者小师妹", second, source="新浪", hours=5),
        game("lal-1", "湖人", "开拓者", "詹姆斯", "116-110", source="新浪体育", points=32, hours=0),
        game("lal-2", "湖人", "开拓者", "詹姆斯", "116-110", source="腾讯体育", points=32, hours=2),
        game("hou-1", "火箭", "爵士", "哈登", "104-98", source="新浪体育", points=35, hours=0.5),
        game("hou-2", "火箭", "爵士", "哈登", "104-98", source="搜狐体育", points=35, hours=1),
    ]
    results = []
    for order, records in enumerate((found, found[::-1], found[1::2] + found[0::2])):
        settings = Settings(database_url=f"{db_url}" if order == 0 else f"sqlite:///{tmp_path / f'{order}.db'}")
        engine = open_store(settings.database_url)
        for record in records:  # one at a time: each ingest decides again what it touched
            ingest(engine, settings, record)
        results.append(grouping(engine))
        engine.dispose()
    assert results[0] == results[1] == results[2]
    assert frozenset({"a", "b"}) in results[0] and not any({"lal-1", "hou-1"} <= s for s in results[0])


def test_deciding_again_reads_the_touched_stories_whole_but_follows_no_further_links(engine, settings):
    first, second = halves(STORY["body"])
    others = [r for r in SAMPLE.values() if "金庸" not in r["title"]][:3]
    ingest(
        engine,
        settings,
        article("x1", STORY["title"], first, source="钱江晚报"),
        article("x2", "金庸谈吐风趣 曾唤记者小师妹", second, source="新浪", hours=5),
        *(article(f"p{k}", r["title"], r["body"], hours=k) for k, r in enumerate(others)),
    )
    with writing(engine) as connection:
        ids = {a.guid: a.id for a in articles.iterate(connection)}
        story_of = stories.story_of_members(connection, list(ids.values()))
        assert story_of.keys() == {ids["x1"], ids["x2"]} and len(set(story_of.values())) == 1
        # a chain p0 - x1 (story with x2) - x2 - p1 - p2, written as the stage writes links
        chain = [("p0", "x1"), ("x2", "p1"), ("p1", "p2")]
        stories.save(connection, {}, [(ids[a], ids[b], 0.3) for a, b in chain], {})
        # p0 arrived and was linked with x1: the two are touched (what the stage's linking step returns)
        reached, links, _, mates = clusters._reach(connection, {ids["p0"], ids["x1"]})
    # x1's whole story (x2) is decided again with them; p1 and p2, further along the chain, are left as they are
    assert reached == {ids["p0"], ids["x1"], ids["x2"]}
    # the links among them (x1 - x2 found at ingest); none leads out of them
    assert links[ids["p0"]] == {ids["x1"]: 0.3} and links[ids["x2"]].keys() == {ids["x1"]}
    assert set(links) == reached and all(others.keys() <= reached for others in links.values())
    assert {ids["x1"], ids["x2"]} in mates


def test_a_story_of_5000_articles_is_decided_and_read_through_indexes(engine, settings):
    words = [
        "湖人",
        "开拓者",
        "詹姆斯",
        "三分球",
        "篮板",
        "助攻",
        "主场",
        "客场",
        "首节",
        "第四节",
        "反扑",
        "防守",
        "进攻",
        "连胜",
        "替补",
        "命中率",
        "罚球",
        "主帅",
        "赛后",
        "表示",
    ]
    rng = random.Random(5000)

    def text() -> str:  # the same words in another order each time: one event, no copies of one another
        return "，".join("".join(rng.sample(words, 4)) for _ in range(12)) + "。"

    records = [
        article(f"m{n}", f"詹姆斯32分 湖人116-110力克开拓者 第{n}篇", text(), source=f"源{n % 50}", hours=n / 5000)
        for n in range(5000)
    ]
    ingest(engine, settings, *records)
    with engine.connect() as connection:
        story = stories.of_article(connection, articles.get(connection, "m0").id)
        assert story is not None and story.size == 5000 and story.sources == 50
        assert len(stories.member_ids(connection, story.id)) == 5000
        page = stories.members(connection, story.id, limit=20, offset=4980)
        assert [a.guid for a in page][-1] == "m4999"
        assert len(related.related_articles(connection, "m10")) == 5
        plans = " ".join(_plan(connection, query) for query in _READS)
    assert "SCAN story_members" not in plans and "Seq Scan on story_members" not in plans
    # forgetting articles (an update, a deletion) finds the other way of their links by the primary key: a scan of
    # every link for other_id would cost each batch of a growing store more
    deletes = _deletes_of(engine, lambda connection: stories.forget(connection, ["m1", "m2", "m3"]))
    assert any("story_links" in statement for statement, _ in deletes)
    with engine.connect() as connection:
        plans = " ".join(_plan(connection, statement, parameters) for statement, parameters in deletes)
    assert "SCAN story_links" not in plans and "Seq Scan on story_links" not in plans, plans


def _deletes_of(engine, work) -> list:
    """The DELETE statements (with their parameters) work(connection) sends, rolled back afterwards."""
    found = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("DELETE"):
            found.append((statement, parameters))

    with engine.connect() as connection:
        sa.event.listen(connection, "before_cursor_execute", record)
        work(connection)
        sa.event.remove(connection, "before_cursor_execute", record)
        connection.rollback()
    return found


_READS = (
    (
        "SELECT stories.id FROM stories JOIN story_members ON story_members.story_id = stories.id "
        "WHERE story_members.article_id = 'x'"
    ),
    "SELECT article_id FROM story_members WHERE story_id = 1 ORDER BY listed_at, article_id LIMIT 20 OFFSET 100",
)


def _plan(connection, query: str, parameters=None) -> str:
    prefix = "EXPLAIN QUERY PLAN " if connection.dialect.name == "sqlite" else "EXPLAIN "
    return " ".join(str(row[-1]) for row in connection.exec_driver_sql(prefix + query, parameters))
