"""The article page from cached fragments: what changes rarely is rendered once, what changes often per request.

An article page is four parts that change at different rates:
- the title, byline and text change when the article is re-ingested (its updated_at);
- 相关内容 changes when its related list, or an article on it, does (rank's refresh);
- 热门资讯 changes every hot_cache_seconds, and is the same on every page;
- the counters (阅读, 评论, 分享) and the 本文发布于 note change all the time.
So each request reads only the article's version, counters and related-list version (two small indexed
queries), reuses the rendered parts while those versions hold, and fills in the counters.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup

from zixun.store import articles
from zixun.store import related as lists
from zixun.web import contexts
from zixun.web.cache import LRUCache
from zixun.web.portal import Portal
from zixun.web.render import Renderer
from zixun.web.schemas import ArticleDetail


@dataclass(frozen=True)
class Parts:
    """The rendered fragments of one version of an article page."""

    version: Any
    title: str
    top: Markup
    body: Markup
    related: Markup


@dataclass(frozen=True)
class HotPanel:
    """The rendered hot list shared by every article page until it expires."""

    window: str
    html: Markup


class ArticlePages:
    """Renders article pages for one app, keeping the rendered parts of up to max_entries articles."""

    def __init__(self, renderer: Renderer, max_entries: int):
        self.renderer = renderer
        self.parts = LRUCache(max_entries)

    def render(self, portal: Portal, connection: sa.Connection, key: str) -> tuple[str, str]:
        """(article id, page HTML) of the article whose id or guid is key; NotFound when there is none."""
        found = lists.page_state(connection, key, contexts.RELATED_LIMIT)
        if found is None:
            raise contexts.NotFound(f"没有 id 为 {key!r} 的文章")
        state, shown = found
        version = (state.updated_at, shown)
        parts = self.parts.get(state.id)
        if parts is None or parts.version != version:
            parts = self._render_parts(portal, connection, state.id, version)
            self.parts.put(state.id, parts)
        note = contexts.age_note(state.published_at, portal.clock(), portal.settings.old_article_days)
        html = self.renderer.env.get_template("article.html").render(
            title=parts.title, parts=parts, counters=state, age_note=note, hot=self._hot(portal, connection),
            nav_html=self._nav(portal, connection))
        return state.id, html

    def _render_parts(self, portal: Portal, connection: sa.Connection, article_id: str, version: Any) -> Parts:
        article = articles.get(connection, article_id)
        related = portal.related(connection, article, contexts.RELATED_LIMIT)
        detail, fragment = ArticleDetail.of(article), self.renderer.fragment
        return Parts(version, article.title, fragment("partials/article_top.html", a=detail),
                     fragment("partials/article_body.html", a=detail),
                     fragment("partials/related.html", related=related))

    def _nav(self, portal: Portal, connection: sa.Connection) -> Markup:
        def menu() -> Markup:
            return self.renderer.fragment("partials/nav.html", nav=portal.categories(connection))
        return portal.shared.get(("nav html",), menu)

    def _hot(self, portal: Portal, connection: sa.Connection) -> HotPanel:
        def panel() -> HotPanel:
            window, entries = contexts.hot_list(portal, connection)
            return HotPanel(window, self.renderer.fragment("partials/hot.html", entries=entries, title_width=40))
        return portal.shared.get(("hot panel",), panel)
