"""Keywords by TF-IDF, with document frequencies taken from the corpus itself."""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping

from zixun.text.segment import Token

# jieba tags worth a keyword: nouns of all kinds, verbal nouns, Latin words
_KEYWORD_POS = frozenset(["n", "nr", "nrt", "nrfg", "ns", "nt", "nz", "nw", "vn", "eng", "an", "l", "i", "j"])
_WORD = re.compile(r"^\w+$")  # the same shape as an index term, so df lines up with the index
_NUMERIC = re.compile(r"^[\d.%,/\-+:]+$|^[\d一二三四五六七八九十百千万亿零两]+[年月日号时分秒岁个元多余]?$")
_STOPWORDS = frozenset(
    [
        "记者",
        "报道",
        "新闻",
        "消息",
        "时间",
        "今天",
        "昨天",
        "目前",
        "表示",
        "认为",
        "进行",
        "问题",
        "方面",
        "情况",
        "时候",
        "东西",
        "一个",
        "没有",
        "这个",
        "那个",
        "我们",
        "他们",
        "你们",
        "自己",
        "什么",
        "记者站",
        "通讯员",
        "原标题",
        "来源",
        "作者",
        "编辑",
        "图片",
        "视频",
        "微博",
        "网友",
        "大家",
        "有人",
        "工作",
        "发展",
        "活动",
        "公司",
        "用户",
        "产品",
        "市场",
        "国家",
        "地区",
        "人员",
        "相关",
        "部分",
        "主要",
        "其中",
        "同时",
        "以及",
        "已经",
        "可以",
        "正在",
        "这样",
        "因此",
    ]
)


def keyword_candidates(tokens: Iterable[Token]) -> Counter:
    """Term counts of the tokens that can be keywords (nouns and names, no numbers or stop words)."""
    # count by tag first (one cheap test per token), then judge each distinct word once per process
    counts = Counter(word for word, pos in tokens if pos in _KEYWORD_POS)
    unjudged = set(counts).difference(_JUDGED)
    if len(_JUDGED) + len(unjudged) > _JUDGED_LIMIT:
        _JUDGED.clear()
        unjudged = counts.keys()
    _JUDGED.update((word, _can_be_keyword(word)) for word in unjudged)
    return Counter({word: count for word, count in counts.items() if _JUDGED[word]})


_JUDGED: dict[str, bool] = {}  # word → _can_be_keyword(word)
_JUDGED_LIMIT = 1_000_000  # news vocabulary repeats; bound the memory


def _can_be_keyword(word: str) -> bool:
    return len(word) >= 2 and word not in _STOPWORDS and bool(_WORD.match(word)) and not _NUMERIC.match(word)


def idf(df: int, n_docs: int) -> float:
    """Smoothed inverse document frequency (never negative, defined for an empty corpus)."""
    return math.log((n_docs + 1) / (df + 1)) + 1.0


def top_keywords(counts: Mapping[str, int], df: Mapping[str, int], n_docs: int, limit: int = 8) -> list[str]:
    """The limit highest TF-IDF terms of one document, ties broken by the term itself for stability."""
    total = sum(counts.values()) or 1
    # (-score, term) tuples order as the ranking does: highest score first, then by term
    scored = [(-(tf / total * idf(df.get(term, 0), n_docs)), term) for term, tf in counts.items()]
    return [term for _, term in heapq.nsmallest(limit, scored)]
