"""Extraction on whole pages as served (tests/data/untrimmed): a quality gate, decoding as a browser does,
pages no candidate can read, comments that outweigh the article, and the dates and bylines of older pages."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest

from zixun import pipeline
from zixun.evaluate.extraction import Reading, evaluate, load_cases
from zixun.ingest import byline
from zixun.ingest.dates import SHANGHAI, find_datetime
from zixun.ingest.encoding import decode_bytes, decode_noted
from zixun.ingest.html import extract_html
from zixun.models import IngestError
from zixun.store import articles

UNTRIMMED = Path(__file__).parent / "data" / "untrimmed"
PAGES = Path(__file__).parent / "data" / "pages"
GOLD = {row["name"]: row for row in map(json.loads, (UNTRIMMED / "gold.jsonl").read_text("utf-8").splitlines())}

# Pinned a little below what the extractor measures (tests/data/untrimmed/README.md has the figures: dev F1 1.000,
# title/time/byline 1.00; heldout F1 0.959 with 1 page of 30 below 0.5, title 0.97, time 0.96, byline 0.64, and
# the held-out split's first run before any change). One page costs about 0.03-0.04 of a rate, so the rate floors
# leave room for one miss. Raise them when the extractor improves; never lower them quietly.
FLOORS = {
    "dev": {"body_f1": 0.99, "below_half": 0.0, "title": 0.97, "time": 0.96, "byline": 0.96},
    "heldout": {"body_f1": 0.95, "below_half": 0.04, "title": 0.93, "time": 0.92, "byline": 0.60},
    # 2 pages from other packages' test folders (first run: body F1 1.000, title 1.00, time 1.00, byline 0.50):
    # one page is half a rate, so these floors allow no miss in body, title or time.
    "heldout2": {"body_f1": 0.95, "below_half": 0.0, "title": 1.0, "time": 1.0, "byline": 0.50},
}


def _reading(text: str, path: str) -> Reading:
    article = extract_html(text, path)
    return Reading(article.title, "\n".join(article.body), article.published_at, article.author, article.source)


@pytest.mark.parametrize("split", ["dev", "heldout", "heldout2"])
def test_quality_gate_on_whole_pages(split):
    report = evaluate(_reading, load_cases(UNTRIMMED, split))
    floors = FLOORS[split]
    measured = {
        "body_f1": report.body_f1,
        "title": report.title_rate,
        "time": report.time_rate,
        "byline": report.byline_rate,
    }
    failing = {name: round(value, 3) for name, value in measured.items() if value < floors[name]}
    if report.below_half > floors["below_half"]:
        failing["below_half"] = round(report.below_half, 3)
    assert not failing, f"split {split}: below the pinned floors {floors}: {failing}"


def test_every_scored_page_gets_a_confidence_between_0_and_1():
    for case in load_cases(UNTRIMMED, "dev"):
        article = extract_html(case.path.read_text(encoding="utf-8"), case.path.name)
        assert 0.0 < article.confidence <= 1.0, case.name


def test_a_page_whose_article_is_not_on_it_is_refused_with_its_reason():
    assert GOLD["other-1"]["readable"] is False  # gov.cn's header shell, as the package ships it
    with pytest.raises(IngestError, match="no article body") as error:
        extract_html((UNTRIMMED / "other-1.html").read_text(encoding="utf-8"), "other-1.html")
    assert error.value.source == "other-1.html"


def test_a_page_of_pure_navigation_is_refused_with_its_reason():
    # Every link of a real portal page (its menus, related lists and footer), and nothing else.
    root = lxml.html.fromstring((UNTRIMMED / "163-2.html").read_bytes())
    links = [" ".join(a.text_content().split()) for a in root.iter("a")]
    items = "".join(f'<li><a href="/n/{i}">{text}</a></li>' for i, text in enumerate(links) if text)
    assert len(links) > 300
    page = f"<html><head><title>网易新闻</title></head><body><ul>{items}</ul></body></html>"
    with pytest.raises(IngestError, match="no article body") as error:
        extract_html(page, "nav.html")
    assert error.value.source == "nav.html"


def _comments(count: int) -> str:
    """A readers' comment list as portals lay it out: user, time, the comment, a reply bar."""
    said = (
        "我觉得这件事情说明了很多问题，交通网络建设需要长期投入，不能只看眼前，希望有关部门认真听取群众意见，"
        "把好事办好，把实事办实，让老百姓真正得到实惠。"
    )
    items = "".join(
        f'<div class="comment-item"><div class="user"><span>网友{i:04d}</span><span class="time">'
        f'2019-09-26 1{i % 10}:{i:02d}</span></div><p class="text">第{i}楼：{said}</p>'
        f'<div class="bar"><span>回复</span> <span>赞 {i * 3}</span> <span>举报</span></div></div>'
        for i in range(count)
    )
    return f'<div class="comments"><h3>网友评论</h3>{items}</div>'


def test_comments_that_outweigh_the_article_are_not_taken_for_it():
    page = (UNTRIMMED / "hexun-1.html").read_text(encoding="utf-8")
    gold = "".join(GOLD["hexun-1"]["gold_body"])
    with_comments = page.replace("</body>", _comments(12) + "</body>", 1)
    assert len(_comments(12)) > 10 * len(gold)
    article = extract_html(with_comments, "hexun-comments.html")
    body = "".join(article.body)
    assert gold in body and "第3楼" not in body
    # and with the list's heading gone, the comments are still told from the article by their marks
    unlabelled = page.replace("</body>", _comments(12).replace("<h3>网友评论</h3>", "") + "</body>", 1)
    body = "".join(extract_html(unlabelled, "hexun-unlabelled.html").body)
    assert gold in body and "第3楼" not in body


def _with_bad_bytes(data: bytes, count: int) -> bytes:
    """GB bytes with `count` lone 0xFF bytes (never valid GB18030, UTF-8 or Big5) inside the article text."""
    at = data.index("太原".encode("gb18030"))
    for _ in range(count):
        at = data.index("。".encode("gb18030"), at + 1)
        data = data[:at] + b"\xff" + data[at:]
    return data


def test_a_few_invalid_bytes_decode_with_replacement_characters_and_a_note():
    data = _with_bad_bytes((PAGES / "shanxi-1.gb2312.html").read_bytes(), 3)
    text, notes = decode_noted(data, "shanxi.html")
    assert text.count("\ufffd") == 3
    assert notes == ["shanxi.html: 3 byte sequences not valid gb18030, shown as U+FFFD (�)"]
    assert decode_bytes(data, "shanxi.html") == text


def test_bytes_no_encoding_fits_are_still_refused():
    noise = bytes((i * 7919 + 13) % 128 + 128 for i in range(20_000))
    with pytest.raises(IngestError, match="undecodable") as error:
        decode_bytes(noise, "noise.html")
    assert error.value.source == "noise.html"


def test_a_page_with_a_few_invalid_bytes_is_stored_with_them_and_a_note(engine, settings, tmp_path):
    page = tmp_path / "shanxi-bad.html"
    page.write_bytes(_with_bad_bytes((PAGES / "shanxi-1.gb2312.html").read_bytes(), 2))
    summary = pipeline.ingest_paths(engine, [page], settings)
    assert (summary.new, summary.failed) == (1, [])
    assert summary.notes == [f"{page}: 2 byte sequences not valid gb18030, shown as U+FFFD (�)"]
    with engine.connect() as connection:
        (stored,) = list(articles.iterate(connection))
    assert "".join(stored.body).count("\ufffd") == 2
    assert stored.title.startswith("山西品牌丝路行")
    assert 0.0 < stored.extraction_confidence <= 1.0  # kept, so that `zixun export` shows it


def test_zixun_extract_and_export_print_the_confidence(tmp_path, db_url):
    page = tmp_path / "page.html"
    page.write_bytes((UNTRIMMED / "163-2.html").read_bytes())

    def zixun(*args: str) -> str:
        command = [sys.executable, "-m", "zixun", "--db", db_url, *args]
        return subprocess.run(command, capture_output=True, text=True, check=True, timeout=300).stdout

    record = json.loads(zixun("extract", str(page)))
    assert 0.0 < record["confidence"] <= 1.0 and record["title"].startswith("姚明对周琦说了啥")
    zixun("ingest", str(page))
    (stored,) = map(json.loads, zixun("export").splitlines())
    assert stored["extraction_confidence"] == record["confidence"]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("2005-5-7 21:23:57", "2005-05-07 21:23"),
        ("发表于 2005-5-7 21:23:57 | 阅读(123) | 评论(4)", "2005-05-07 21:23"),
        ("2005年05月07日 星期六 21:23", "2005-05-07 21:23"),
        ("posted @ 2006-1-3 9:05 PM", "2006-01-03 21:05"),
        ("2006-1-3 下午 09:05", "2006-01-03 21:05"),
        ("2006-1-3 12:05 AM", "2006-01-03 00:05"),
        ("更新时间 2012年12月10日, 格林尼治标准时间10:41", "2012-12-10 18:41"),
        ("2012-12-10 10:41 GMT", "2012-12-10 18:41"),
        ("2012-12-10 10:41 UTC", "2012-12-10 18:41"),
    ],
)
def test_dates_of_older_and_blog_pages(text, want):
    """Read in Beijing time: a clock given in GMT (BBC中文网's 格林尼治标准时间) is eight hours behind."""
    assert find_datetime(text).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") == want


def _blog(after_post: str, before_post: str = "", tail: str = "") -> str:
    post = "".join(
        f"<p>第{i}段：今天去了趟图书馆，借了几本关于宋代历史的书，读得津津有味，顺便记下一些想法和感受。</p>"
        for i in range(4)
    )
    return (
        "<html><head><title>读书笔记：宋代的城市 - 水木年华的博客</title></head><body>"
        '<div id="nav"><a href="/">首页</a> <a href="/archive">存档</a></div>'
        f'<div class="post"><h2 class="title">读书笔记：宋代的城市</h2>{before_post}<div class="content">{post}</div>'
        f'<div class="meta">{after_post}</div></div>'
        '<div class="comments"><h3>网友评论</h3><div class="c"><span>过客</span> <span>2005-5-9 08:00:00</span>'
        "<p>写得好，我也喜欢宋史，推荐读一读《东京梦华录》。</p></div></div>"
        f"{tail}</body></html>"
    )


def test_a_blog_post_dated_below_the_post_takes_that_date_and_its_user_name():
    article = extract_html(_blog("水木年华 发表于 2005-5-7 21:23:57 | 阅读(123) | 评论(1)"), "blog.html")
    assert article.published_at.strftime("%Y-%m-%d %H:%M") == "2005-05-07 21:23"  # not the comment's 2005-5-9
    assert article.author == "水木年华"
    assert article.title == "读书笔记：宋代的城市"


def test_a_bare_date_above_takes_the_clock_time_of_the_post_below():
    article = extract_html(_blog("posted @ 2005-5-7 9:23 PM", before_post="<div>2005年5月7日 星期六</div>"), "b.html")
    assert article.published_at.strftime("%Y-%m-%d %H:%M") == "2005-05-07 21:23"


def test_a_short_blog_post_is_read_not_refused():
    page = (
        "<html><head><title>小记 - 某某的博客</title></head><body><h2 class='title'>小记</h2>"
        "<div class='content'><p>今天下雨，没有出门，在家把那本书读完了，很喜欢。</p></div>"
        "<div>博主：老猫 发表于 2006-3-1 22:10</div></body></html>"
    )
    article = extract_html(page, "short.html")
    assert article.body == ["今天下雨，没有出门，在家把那本书读完了，很喜欢。"]
    assert (article.author, article.published_at.strftime("%H:%M")) == ("老猫", "22:10")


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("作者：张三 李四  2019-09-07 10:00", "张三 李四"),
        ("记者：王五、赵六 来源：新华网", "王五、赵六"),
        ("本报记者 钱七 孙八 周九", "钱七 孙八 周九"),
    ],
)
def test_byline_lines_with_several_names(line, want):
    body = ["正文第一段，讲的是一件事情的来龙去脉，写得很清楚。" * 3]
    page = f"<html><body><h1>某地举行活动</h1><div>{line}</div><div><p>{body[0]}</p></div></body></html>"
    assert extract_html(page, "names.html").author == want


@pytest.mark.parametrize(
    ("line", "author", "source"),
    [
        ("2006-05-07 21:23 稿源：某某晚报 编辑：李四", None, "某某晚报"),
        ("出处：某某日报  作者：王五", "王五", "某某日报"),
        ("2006/05/07 來源：某某時報 記者：陳大文", "陳大文", "某某時報"),
        ("文｜赵六 2019-09-07 10:00", "赵六", None),
        ("中文｜English", None, None),
    ],
)
def test_byline_words_of_older_cms_and_big5_pages(line, author, source):
    body = "".join(f"<p>第{i}段正文，记录了会议的主要内容和下一步的工作安排，请大家注意。</p>" for i in range(3))
    page = f"<html><body><h1>某市召开工作会议</h1><div>{line}</div><div class='text'>{body}</div></body></html>"
    article = extract_html(page, "words.html")
    assert (article.author, article.source) == (author, source)


def test_a_source_given_only_in_the_page_footer_is_read_but_not_a_related_items():
    body = "".join(f"<p>第{i}段正文，记录了会议的主要内容和下一步的工作安排，请大家注意。</p>" for i in range(3))
    related = "<div><h3>相关新闻</h3><ul><li><a href='/1'>另一条消息</a> 来源：别的报社</li></ul></div>"
    footer = "<div class='footer'><p>来源：某某市人民政府办公室</p><p>版权所有 © 2006</p></div>"
    page = f"<html><body><h1>某市召开工作会议</h1><div class='text'>{body}</div>{related}{footer}</body></html>"
    assert extract_html(page, "footer.html").source == "某某市人民政府办公室"
    assert byline.footer_source(["相关新闻", "来源：别的报社 2006-01-01"]) is None


def test_share_buttons_above_the_text_are_not_read_as_the_source():
    body = "".join(f"<p>第{i}段正文，记录了会议的主要内容和下一步的工作安排，请大家注意。</p>" for i in range(4))
    share = (
        '<ul class="tools"><li><a href="http://www.kaixin001.com/login/index.php?url=http://example.com/a.html">'
        '开心网</a></li><li><a href="http://service.weibo.com/share/share.php?url=http%3A%2F%2Fexample.com">'
        "新浪微博</a></li></ul>"
    )
    page = f"<html><body><h1>某市召开工作会议</h1><div>2006-01-01 10:00</div>{share}<div>{body}</div></body></html>"
    assert extract_html(page, "share.html").source is None
    outlet = '<div>2006-01-01 10:00 <a href="http://www.example.com/">某某日报</a></div>'
    page = f"<html><body><h1>某市召开工作会议</h1>{outlet}<div>{body}</div></body></html>"
    assert extract_html(page, "outlet.html").source == "某某日报"


def test_the_gold_of_the_untrimmed_set_is_complete():
    assert len(GOLD) == 69 and {row["split"] for row in GOLD.values()} == {"dev", "heldout", "heldout2"}
    licences = {"gne": "MIT", "newspaper4k": "MIT", "node-readability (npm)": "Apache-2.0"}
    for name, row in GOLD.items():
        assert (UNTRIMMED / row["file"]).is_file(), name
        assert licences[row["provenance"]["package"]] == row["provenance"]["licence"], name
        assert row.get("readable", True) is False or row["gold_body"], name
        assert re.fullmatch(r"[\w.-]+\.html", row["file"])


@pytest.mark.parametrize("name", ["sina-2", "gsc-1", "hexun-1", "thepaper-2", "ednchina-1"])
def test_readability_without_its_cleaner_reads_the_same_article_text(name):
    """candidates' Reader skips lxml_html_clean's pass (43% of readability's CPU time): the article text it takes must
    stay readability-lxml's own, on dev pages the density picker is unsure of (and one it is sure of)."""
    from readability import Document

    from zixun.ingest.candidates import _reader

    html = (UNTRIMMED / f"{name}.html").read_text("utf-8")
    stock = lxml.html.fromstring(Document(html).summary(html_partial=True)).text_content()
    reader = _reader()(html)
    reader.summary(html_partial=True)
    ours = "".join(reader.html.itertext())
    assert len(re.sub(r"\s", "", stock)) > 100
    assert re.sub(r"\s", "", ours) == re.sub(r"\s", "", stock)
