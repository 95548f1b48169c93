"""Ranking: related articles (相关内容) and hot articles (热门资讯)."""
