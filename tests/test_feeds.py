"""RSS and Atom feed files: one article per entry, legacy encodings, and unsafe or broken XML refused."""

import json
import logging
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from zixun import pipeline
from zixun.ingest.checks import Limits
from zixun.ingest.feeds import read_feed
from zixun.ingest.files import extract_file
from zixun.models import IngestError
from zixun.store import articles

FEEDS = Path(__file__).resolve().parent / "data" / "feeds"
BAD = FEEDS / "bad"
LIMIT = Limits()
BEIJING = timezone(timedelta(hours=8))

_SIMPLIFIED = """<?xml version="1.0"{declaration}?>
<rss version="2.0"><channel><title>人民日报-要闻</title>
<item><title>全国秋粮收获进度过半</title><link>https://paper.example.cn/1.html</link>
<description>农业农村部调度显示，全国秋粮已收获过半，进度快于去年同期。</description></item>
</channel></rss>
"""
_TRADITIONAL = """<?xml version="1.0"{declaration}?>
<rss version="2.0"><channel><title>中央社即時新聞</title>
<item><title>颱風逼近臺灣 氣象局發布海上警報</title><link>https://news.example.tw/1.html</link>
<description>中央氣象局表示，颱風中心預計明天清晨進入巴士海峽，各地應嚴加防範。</description></item>
</channel></rss>
"""


def _by_guid(path: Path) -> dict:
    return {a.guid: a for a in extract_file(path, LIMIT)}


def test_rss_items_become_articles_with_their_fields():
    entries = _by_guid(FEEDS / "huanqiu.xml")
    assert len(entries) == 3
    un = entries["hq-world-1130012"]
    assert un.title == "联合国大会开幕 多国领导人聚焦气候融资"
    assert un.url == "https://news.example.cn/world/2025-09/12/c_1130012.htm"
    assert (un.author, un.source, un.category) == ("李明", "环球资讯网 - 国际新闻", "国际")
    assert un.published_at == datetime(2025, 9, 12, 22, 3, tzinfo=BEIJING)
    assert un.declared_original is False and un.path == str(FEEDS / "huanqiu.xml")
    # content:encoded wins over the one-line description; <br/> splits a paragraph, <script> is gone
    assert len(un.body) == 4 and un.body[0].startswith("新华社纽约9月12日电")
    assert un.body[2] == "多位与会代表认为，今年的谈判将为年底的气候大会定下基调。"
    assert not any("trackView" in p or "<" in p for p in un.body)


def test_entry_source_element_and_plain_description_and_gmt_time():
    ecb = _by_guid(FEEDS / "huanqiu.xml")["hq-world-1130002"]
    assert ecb.source == "经济观察报"  # the entry's <source>, not the feed's title
    assert ecb.body == [
        "欧洲中央银行11日宣布维持三大关键利率不变。",
        "欧洲央行行长在新闻发布会上说，欧元区通胀压力有所缓解，但仍需保持警惕。",
    ]
    assert ecb.published_at == datetime(2025, 9, 11, 20, 45, tzinfo=UTC)


def test_entry_without_guid_is_keyed_by_its_link_and_naive_time_is_beijing():
    link = "https://news.example.cn/world/2025-09/12/c_1130015.htm"
    travel = _by_guid(FEEDS / "huanqiu.xml")[link]
    assert travel.url == link and travel.author == "王芳"  # "email (name)" keeps the name
    assert travel.published_at == datetime(2025, 9, 12, 18, 30, tzinfo=BEIJING)
    assert len(travel.body) == 2 and travel.body[0].startswith("进入九月")


def test_entry_without_title_or_body_is_skipped_with_a_reason(caplog):
    feed = read_feed((FEEDS / "huanqiu.xml").read_bytes(), "huanqiu.xml")
    assert feed.skipped == ["huanqiu.xml entry 4: skipped, no title and no body"]
    assert "hq-world-placeholder" not in {a.guid for a in feed.articles}
    with caplog.at_level(logging.WARNING, logger="zixun.ingest.feeds"):
        extract_file(FEEDS / "huanqiu.xml", LIMIT)
    assert "huanqiu.xml entry 4: skipped, no title and no body" in caplog.text


def test_atom_entries_read_html_titles_content_authors_and_labels():
    entries = _by_guid(FEEDS / "keji.atom")
    plane = entries["tag:tech.example.cn,2025:article-88231"]
    assert plane.title == "国产大飞机完成高原试飞"  # type="html" title: the tags go
    assert plane.url == "https://tech.example.cn/2025/09/88231.html"
    assert (plane.author, plane.source, plane.category) == ("赵磊", "科技前沿日报", "航空")
    assert plane.published_at == datetime(2025, 9, 13, 7, 30, tzinfo=BEIJING)  # published, not updated
    assert len(plane.body) == 2 and plane.body[1].startswith("试飞团队负责人介绍")
    quantum = entries["tag:tech.example.cn,2025:article-88197"]
    assert quantum.source == "中国科学报" and quantum.category == "科研"
    assert quantum.published_at == datetime(2025, 9, 12, 16, 20, tzinfo=BEIJING)  # naive <updated>
    assert quantum.body[0].startswith("研究团队宣布") and len(quantum.body) == 2  # xhtml content


def test_description_only_entry_is_titled_by_its_first_sentence(tmp_path):
    feed = tmp_path / "weibo.rss"
    feed.write_text(
        '<rss version="2.0"><channel><title>微博快讯</title><item><guid>w-1</guid>'
        "<description>今晚八点，天宫课堂第五课开讲。航天员将在轨演示多个实验。</description>"
        "<pubDate>Fri, 12 Sep 2025 20:00:00 CST</pubDate></item></channel></rss>",
        encoding="utf-8",
    )
    (article,) = extract_file(feed, LIMIT)
    assert article.title == "今晚八点，天宫课堂第五课开讲" and article.guid == "w-1" and article.url is None
    assert article.published_at == datetime(2025, 9, 12, 20, 0, tzinfo=BEIJING)  # CST is China's


def test_gbk_declared_feed_is_read():
    entries = extract_file(FEEDS / "sina_gbk.rss", LIMIT)
    assert [a.title for a in entries] == [
        "央行开展逆回购操作 市场流动性保持合理充裕",
        "镕铸匠心：老字号企业探索数字化转型",
    ]
    assert entries[0].source == "新浪财经-滚动新闻" and entries[0].author == "经济日报"
    assert entries[0].published_at == datetime(2025, 9, 12, 9, 20, tzinfo=BEIJING)


@pytest.mark.parametrize(
    "template, codec, declaration",
    [
        (_TRADITIONAL, "big5", ' encoding="Big5"'),
        (_SIMPLIFIED, "gb18030", ' encoding="GB18030"'),
        (_SIMPLIFIED, "gbk", ' encoding="gb2312"'),
        (_SIMPLIFIED, "gbk", ""),  # no declaration: detected
        (_SIMPLIFIED, "gbk", ' encoding="UTF-8"'),  # declared wrong: detected
        (_TRADITIONAL, "big5", ""),
    ],
)
def test_legacy_encodings_declared_missing_or_wrong(tmp_path, template, codec, declaration):
    path = tmp_path / "feed.xml"
    path.write_bytes(template.format(declaration=declaration).encode(codec))
    (article,) = extract_file(path, LIMIT)
    expected = "颱風逼近臺灣 氣象局發布海上警報" if template is _TRADITIONAL else "全国秋粮收获进度过半"
    assert article.title == expected
    assert article.source in ("中央社即時新聞", "人民日报-要闻") and article.body[0].endswith("。")


@pytest.mark.parametrize("name", ["bomb.xml", "quadratic.xml", "xxe.xml"])
def test_feeds_with_a_dtd_are_refused(name):
    with pytest.raises(IngestError) as caught:
        extract_file(BAD / name, LIMIT)
    assert caught.value.source == str(BAD / name)
    assert "DTD" in caught.value.reason and "entit" in caught.value.reason
    assert "root:" not in str(caught.value)  # nothing of /etc/passwd


def test_truncated_feed_is_refused_naming_the_file_and_position():
    with pytest.raises(IngestError) as caught:
        extract_file(BAD / "truncated.xml", LIMIT)
    assert caught.value.source == str(BAD / "truncated.xml")
    assert "not well-formed XML" in caught.value.reason and "line 19" in caught.value.reason


def test_xml_that_is_not_a_feed_and_feeds_over_the_limit_are_refused(tmp_path):
    sitemap = tmp_path / "sitemap.xml"
    sitemap.write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://news.example.cn/</loc></url></urlset>",
        encoding="utf-8",
    )
    with pytest.raises(IngestError, match="not an RSS or Atom feed"):
        extract_file(sitemap, LIMIT)
    size = (FEEDS / "huanqiu.xml").stat().st_size
    with pytest.raises(IngestError, match=r"over the .*-byte limit"):
        extract_file(FEEDS / "huanqiu.xml", Limits(file_bytes=size - 1))


def test_feed_folder_is_stored_and_bad_feeds_fail_alone(engine, settings):
    summary = pipeline.ingest_paths(engine, [FEEDS], settings)
    assert sorted(Path(e.source).name for e in summary.failed) == [
        "bomb.xml",
        "quadratic.xml",
        "truncated.xml",
        "xxe.xml",
    ]
    # 3 + 2 + 2 entries, and update/ holds 3 entries of which 2 share a guid: the later file wins
    assert (summary.new, summary.skipped) == (9, 1)
    with engine.connect() as connection:
        assert articles.count(connection) == 9
        weather = articles.get(connection, "city-20250912-0001")
        assert weather.title.startswith("暴雨橙色预警") and weather.source == "城市快报"
        gbk = articles.get(connection, "http://finance.example.com.cn/roll/2025-09-12/doc-imiqfs1002.shtml")
        assert gbk.title == "镕铸匠心：老字号企业探索数字化转型" and gbk.category == "产业"
        assert gbk.published_at.utcoffset() is not None and gbk.keywords
        titles = {a.title for a in articles.iterate(connection)}
    assert not any("笑话" in t or "维护" in t for t in titles)


def test_second_feed_with_the_same_guid_updates_the_first_in_place(engine, settings):
    first = pipeline.ingest_paths(engine, [FEEDS / "update" / "a_morning.xml"], settings)
    assert (first.new, first.updated) == (2, 0)
    with engine.connect() as connection:
        before = articles.get(connection, "city-20250912-0001")
    assert before.title.startswith("暴雨黄色预警") and len(before.body) == 1
    second = pipeline.ingest_paths(engine, [FEEDS / "update" / "b_evening.xml"], settings)
    assert (second.new, second.updated, second.failed) == (0, 1, [])
    with engine.connect() as connection:
        after = articles.get(connection, "city-20250912-0001")
        assert articles.count(connection) == 2
    assert after.id == before.id and after.ingested_at == before.ingested_at
    assert after.title.startswith("暴雨橙色预警") and after.body[1] == "市教育局通知，全市中小学明天停课一天。"
    again = pipeline.ingest_paths(engine, [FEEDS / "update" / "b_evening.xml"], settings)
    assert (again.new, again.updated, again.skipped) == (0, 0, 1)


def test_extract_command_prints_one_object_per_entry():
    done = subprocess.run(
        [sys.executable, "-m", "zixun", "extract", str(FEEDS / "huanqiu.xml"), "--format", "jsonl"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["guid"] for r in records] == [
        "hq-world-1130012",
        "https://news.example.cn/world/2025-09/12/c_1130015.htm",
        "hq-world-1130002",
    ]
    assert records[0]["published_at"] == "2025-09-12T22:03:00+08:00" and len(records[0]["body"]) == 4
    assert "entry 4: skipped, no title and no body" in done.stderr
