"""The article page from cached fragments: what changes rarely is rendered once, what changes often per request.

An article page is four parts that change at different rates:
- the title, byline and text change when the article is re-ingested (its updated_at);
- 相关内容 changes when its related list, or an article on it, does (rank's refresh);
- 热门资讯 changes every hot_cache_seconds, and is the same on every page;
- the counters (阅读, 评论, 分享) and the 本文发布于 note change all the time.
A page once assembled is sent as it is for hot_cache_seconds (like the hot list it shows), so its
counters lag by at most that much. Then one indexed query reads the article's version, counters and
related-list version; the rendered parts are reused while those versions hold, and the counters are
filled in again. When a worker starts, a background thread assembles the newest articles' pages, so
their first readers do not wait for rendering.
"""
from __future__ import annotations

import gc
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
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

log = logging.getLogger(__name__)
_WARM_BATCH = 100


@dataclass(frozen=True)
class Parts:
    """The rendered fragments of one version of an article page."""

    version: Any
    title: str
    top: Markup
    body: Markup
    related: Markup


@dataclass(frozen=True)
class Assembled:
    """A whole article page as sent, and until when (on the portal's clock) it may be sent again."""

    article_id: str
    html: bytes
    expires: datetime


@dataclass(frozen=True)
class HotPanel:
    """The rendered hot list shared by every article page until it expires."""

    window: str
    html: Markup


class ArticlePages:
    """Renders article pages for one app, keeping the rendered parts of up to max_entries articles."""

    def __init__(self, renderer: Renderer, max_entries: int, page_seconds: float):
        self.renderer = renderer
        self.parts = LRUCache(max_entries)
        self.pages = LRUCache(max_entries)
        self.page_seconds = timedelta(seconds=page_seconds)
        self.warming = False
        self._stop = threading.Event()
        self._shared_html: dict[str, tuple[Any, Markup]] = {}

    async def page(self, portal: Portal, key: str) -> tuple[str, bytes]:
        """(article id, page as UTF-8 HTML) for an id or guid: the assembled page while it is fresh, else render()."""
        ready = self.pages.get(key)
        if ready is not None and ready.expires > portal.clock():
            return ready.article_id, ready.html
        return await portal.read_quick(self.render, key)

    def render(self, portal: Portal, connection: sa.Connection, key: str) -> tuple[str, bytes]:
        """Assemble the page of the article whose id or guid is key with its current counters; NotFound if none."""
        state, parts = self._current(portal, connection, key)
        now = portal.clock()
        note = contexts.age_note(state.published_at, now, portal.settings.old_article_days)
        html = self.renderer.env.get_template("article.html").render(
            title=parts.title, parts=parts, counters=state, age_note=note, hot=self._hot(portal, connection),
            nav_html=self._nav(portal, connection)).encode("utf-8")
        self.pages.put(key, Assembled(state.id, html, now + self.page_seconds))
        return state.id, html

    def forget(self, key: str) -> None:
        """Drop the assembled page of key (after a share or comment, so its counters show at once)."""
        self.pages.pop(key)

    def start_warming(self, portal: Portal) -> None:
        """Render the parts of the newest articles (as many as the cache keeps) in a background thread."""
        if self.parts.max_entries > 0:
            self.warming = True
            threading.Thread(target=self._warm, args=(portal,), name="zixun-warm-pages", daemon=True).start()

    def stop_warming(self) -> None:
        """Stop a warm-up that is still running."""
        self._stop.set()

    def _warm(self, portal: Portal) -> None:
        try:
            with portal.engine.connect() as connection:
                # oldest first, so that the newest end up the most recently used
                ids = articles.newest_ids(connection, self.parts.max_entries)[::-1]
            for start in range(0, len(ids), _WARM_BATCH):
                if self._stop.is_set():
                    return
                with portal.engine.connect() as connection:  # short reads: never holds a snapshot for long
                    for article_id in ids[start:start + _WARM_BATCH]:
                        self.render(portal, connection, article_id)
        except Exception:  # noqa: BLE001 - pages still render on demand
            log.exception("warming article pages failed")
        finally:
            self.warming = False
        # the cached parts live long: keep the cyclic collector from re-scanning them on every full pass
        gc.freeze()

    def _current(self, portal: Portal, connection: sa.Connection, key: str) -> tuple[sa.Row, Parts]:
        """The article's changing state, and its parts rendered for the current version (cached)."""
        found = lists.page_state(connection, key, contexts.RELATED_LIMIT)
        if found is None:
            raise contexts.NotFound(f"没有 id 为 {key!r} 的文章")
        state, shown = found
        version = (state.updated_at, shown)
        parts = self.parts.get(state.id)
        if parts is None or parts.version != version:
            parts = self._render_parts(portal, connection, state.id, version)
            self.parts.put(state.id, parts)
        return state, parts

    def _render_parts(self, portal: Portal, connection: sa.Connection, article_id: str, version: Any) -> Parts:
        article = articles.get(connection, article_id)
        related = portal.related(connection, article, contexts.RELATED_LIMIT)
        detail, fragment = ArticleDetail.of(article), self.renderer.fragment
        return Parts(version, article.title, fragment("partials/article_top.html", a=detail),
                     fragment("partials/article_body.html", a=detail),
                     fragment("partials/related.html", related=related))

    def _nav(self, portal: Portal, connection: sa.Connection) -> Markup:
        return self._rendered("nav", portal.categories(connection), "partials/nav.html", "nav")

    def _hot(self, portal: Portal, connection: sa.Connection) -> HotPanel:
        window, entries = contexts.hot_list(portal, connection)
        return HotPanel(window, self._rendered("hot", entries, "partials/hot.html", "entries", title_width=40))

    def _rendered(self, name: str, value: Any, template: str, as_name: str, **extra) -> Markup:
        # a shared list (menu, hot list) is rendered again only when the portal's cache holds a new one
        last = self._shared_html.get(name)
        if last is None or last[0] is not value:
            last = (value, self.renderer.fragment(template, **{as_name: value}, **extra))
            self._shared_html[name] = last
        return last[1]
