"""Page chrome that Chinese portals wrap around an article: list headings and boilerplate lines.

Shared by every extractor (text dumps, HTML) so that one list decides what is not the article.
"""

from __future__ import annotations

import re

# Headings that open a block of links to other articles; everything under them is not the body.
LIST_HEADINGS = (
    "相关内容",
    "相关阅读",
    "相关新闻",
    "相关文章",
    "相关推荐",
    "相关链接",
    "相关报道",
    "相关专题",
    "推荐阅读",
    "延伸阅读",
    "扩展阅读",
    "热门资讯",
    "热门推荐",
    "热门文章",
    "热门新闻",
    "热点推荐",
    "热点新闻",
    "猜你喜欢",
    "为你推荐",
    "精彩推荐",
    "今日推荐",
    "大家都在看",
    "更多精彩",
    "最新资讯",
    "热文推荐",
    "阅读排行",
    "点击排行",
    "排行榜",
    "24小时热文",
    "往期回顾",
    "网友评论",
    "热门评论",
    "最新评论",
    "评论列表",
    "精彩评论",
    # Seen on HTML article pages (baidu 百家号, government and portal sidebars).
    "作者最新文章",
    "最新文章",
    "精华文章",
    "最近发表",
    "相关搜索",
    "热门搜索",
    "相关稿件",
    "新闻排行榜",
    "本周热门",
    "热帖",
    # Traditional-Chinese portals (Big5 pages from Hong Kong and Taiwan) write the same headings this way.
    "相關內容",
    "相關閱讀",
    "相關新聞",
    "相關文章",
    "相關推薦",
    "相關鏈接",
    "相關連結",
    "相關報道",
    "相關報導",
    "推薦閱讀",
    "延伸閱讀",
    "擴展閱讀",
    "熱門資訊",
    "熱門推薦",
    "熱門文章",
    "熱門新聞",
    "熱點新聞",
    "猜你喜歡",
    "為你推薦",
    "精彩推薦",
    "大家都在看",
    "更多精彩",
    "最新資訊",
    "閱讀排行",
    "點擊排行",
    "排行榜",
    "網友評論",
    "熱門評論",
    "最新評論",
    "最新文章",
    "熱門搜索",
)

_HEADING = re.compile(
    r"^\s*[【\[〖]?\s*(?:"
    + "|".join(map(re.escape, LIST_HEADINGS))
    + r")\s*[】\]〗]?\s*[:：]?\s*(?:>>|》|更多[+＋]?)?\s*$"
)

# Lines that are boilerplate wherever they stand: editor credits, share bars, copyright notices.
_BOILERPLATE = re.compile(
    r"^\s*[（(【\[]?\s*(?:"
    r"责任编辑|责编|编辑|校对|审核|监制|值班编辑|本文编辑|实习编辑|責任編輯|責編|編輯|校對|審核"
    r")\s*[:：︰|｜]\s*\S{1,24}\s*[）)】\]]?\s*$"
    r"|^\s*(?:分享到|分享至|扫一扫|扫描二维码|点击进入|点击查看|长按识别|返回搜狐|查看更多|打开APP|下载APP|"
    r"关注我们|关注微信|微信扫码|更多精彩内容|举报/反馈|举报\s*$|声明[:：]|免责声明|"
    r"版权声明|版权所有|Copyright|©|未经授权|未经许可|本文(?:系|为)?转载|转载请注明|本网站?所刊载|"
    r"分享到|掃一掃|掃描二維碼|點擊進入|點擊查看|查看更多|打開APP|下載APP|關注我們|版權聲明|版權所有|"
    r"未經授權|轉載請註明|免責聲明)"
    # The portal's note of the headline the story first ran under: （原标题：…）, 本文原标题：《…》, （原题为《…》）
    r"|^\s*[（(]?\s*(?:本文)?原(?:标|標)?题(?:为|為)?\s*[:：《]",
    re.IGNORECASE,
)


# A promotion's call to action set in brackets anywhere in the line: "…评选火热进行中！【点击投票】Pick你心目中的…".
_PROMO = re.compile(r"【\s*点击[^】]{0,10}】")
# A reprint notice anywhere in a short line: "本文为CSDN原创文章，未经允许不得转载，如需转载请联系…".
_REPRINT = re.compile(
    r"未经[^，。]{0,8}(?:允许|授权|许可|同意)[^，。]{0,6}不得转载|禁止转载|谢绝转载|转载请(?:注明|联系)"
)


def heading_label(line: str) -> str | None:
    """Return the chrome heading a line is (e.g. 相关内容), or None if it is not one."""
    match = _HEADING.match(line)
    if not match:
        return None
    return next(label for label in LIST_HEADINGS if label in line)


def is_boilerplate(line: str) -> bool:
    """True for a line that is page chrome wherever it stands (责任编辑, share bars, copyright)."""
    return bool(_BOILERPLATE.match(line) or _PROMO.search(line) or (len(line) <= 100 and _REPRINT.search(line)))
