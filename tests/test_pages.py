"""Text page dumps: the seed page parses exactly, and portal chrome never reaches the body."""

from datetime import datetime, timedelta, timezone

import pytest

from zixun.ingest.pages import extract_page
from zixun.models import Discarded, IngestError

SEED_TITLE = "中美昨晚究竟发生了什么?两天接连打了2通电话,重大细节曝光,对外释放信号非同寻常"


def test_seed_page_parses_exactly(seed_page):
    article = extract_page(seed_page.read_text(encoding="utf-8"), str(seed_page))
    assert article.declared_original is True
    assert article.title == SEED_TITLE
    assert article.author == "创始人"
    assert article.published_at == datetime(2025, 9, 12, 22, 3, tzinfo=timezone(timedelta(hours=8)))
    assert article.comments == 0
    assert len(article.body) == 16
    assert article.body[0].startswith("9月9日晚上,")
    assert article.body[-1].endswith("将直接影响全球未来的安全格局。")


def test_seed_page_chrome_is_counted_and_kept_out(seed_page):
    article = extract_page(seed_page.read_text(encoding="utf-8"), str(seed_page))
    body = "\n".join(article.body)
    for chrome in ("相关内容", "热门资讯", "海南自由贸易港", "现货白银", "2026-02-05"):
        assert chrome not in body
    assert article.discarded == [Discarded("相关内容", 9), Discarded("热门资讯", 10)]


PAGE = """独家 某地举办科技节
新京报
发布时间：2018年11月04日 09:30
阅读 1,234
评论 12

第一段正文，讲了科技节的事情。
第二段正文。
责任编辑：张三
【相关阅读】
另一篇文章的标题...
2018-11-03 10:00
猜你喜欢
甲
乙
"""


def test_other_portals_chrome_and_labelled_counters():
    article = extract_page(PAGE, "page.txt")
    assert article.title == "某地举办科技节" and article.declared_original is False
    assert article.author == "新京报"
    assert article.published_at.isoformat() == "2018-11-04T09:30:00+08:00"
    assert (article.views, article.comments) == (1234, 12)
    assert article.body == ["第一段正文，讲了科技节的事情。", "第二段正文。"]
    assert Discarded("相关阅读", 1) in article.discarded
    assert Discarded("猜你喜欢", 2) in article.discarded
    assert Discarded("boilerplate", 1) in article.discarded


@pytest.mark.parametrize(
    "text, reason", [("", "no text"), ("  \n\n", "no text"), ("只有标题\n作者\n", "no article body")]
)
def test_page_without_body_is_refused_with_its_name(text, reason):
    with pytest.raises(IngestError) as error:
        extract_page(text, "bad.txt")
    assert "bad.txt" in str(error.value) and reason in str(error.value)
