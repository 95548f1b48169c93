"""The article page from cached parts: what changes rarely is rendered once, what changes often per request.

What an article page shows is defined once, in zixun/contexts.py, as parts that change at different rates:
- its content (ArticleContent: the article, and 相关内容), new when the article is re-ingested or its
  related list, or an article on it, changes (rank's refresh): the parts' version;
- its state (ArticleState: the counters 阅读, 评论, 分享, and the version), and the 本文发布于 note,
  which change all the time;
- 热门资讯 and the category menu, which change every hot_cache_seconds and are the same on every page.
The API returns the same parts composed (contexts.article_page); this module only keeps them rendered:
each slot of CONTENT_SLOTS is its partial rendered from the ArticleContent once per version, the
counters partial from the ArticleState per assembly. A page is article.html cut once into byte runs
around its slots (Shell), filled with those parts. Showing a new field means adding it to its context
part (and the schema) and to its partial: nothing here.
A page once assembled is sent as it is for hot_cache_seconds (like the hot list it shows). For as
long again after that, it is still sent while the event loop reassembles it between requests (stale
while revalidate): one query reads the states of a few pages that fell due, the rendered parts are
reused while their versions hold, and only the counters are rendered again (a page whose figures did
not change keeps its bytes). So counters lag by at most twice hot_cache_seconds and no reader waits
for a reassembly; a page older than that is reassembled for its reader. A counted share drops the
page, so its counters show at once. When a worker starts, a background thread assembles the newest
articles' pages, so their first readers do not wait.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import logging
import re
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup

from zixun import contexts
from zixun.contexts import ArticleContent, ArticleState
from zixun.web.cache import LRUCache
from zixun.web.portal import Portal
from zixun.web.render import Renderer

log = logging.getLogger(__name__)
_WARM_BATCH = 100
_REFRESH_BATCH = 8  # expired pages reassembled per query (about 2 ms of the event loop)
_REFRESH_GATHER_SECONDS = 0.02  # how long the refresher lets expired pages gather before one query
_REFRESH_PAUSE_SECONDS = 0.002  # between steps: a wave of expired pages is spread out, not served back to back
_SLOT = re.compile(r"\x00(\w+)\x00")  # a slot marker in the rendered shell
# the shell's slots that an article's content fills, each by a partial given the ArticleContent's fields
CONTENT_SLOTS = {
    "title": "partials/article_title.html",
    "top": "partials/article_top.html",
    "body": "partials/article_body.html",
    "related": "partials/related.html",
    "feeds": "partials/article_feeds.html",
}


@dataclass(frozen=True)
class Parts:
    """The CONTENT_SLOTS of one version of an article's content, rendered as UTF-8 HTML."""

    version: Any
    slots: dict[str, bytes]


@dataclass(frozen=True)
class Assembled:
    """A whole article page as sent, and until when (on the portal's clock) it may be sent again."""

    article_id: str
    html: bytes
    expires: datetime
    shows: tuple  # what the page was assembled from: parts, state and age note, hot list, menu

    def still_shows(self, shows: tuple) -> bool:
        """Whether assembling shows again would give this page."""
        return _same(self.shows, shows)


def _same(old: tuple, new: tuple) -> bool:
    """Whether two tuples of what a fragment was made from are equal: cached objects (rendered parts,
    lists from the portal's cache) compare by identity first, so an unchanged one costs no comparison."""
    return all(a is b or a == b for a, b in zip(old, new, strict=True))


class Shell:
    """article.html rendered once around slot markers and cut into UTF-8 runs: a page is the runs joined
    with its slots' fragments, so assembling one renders no template but its counters."""

    SLOTS = ("title", "feeds", "nav_html", "top", "counts", "body", "related", "hot")

    def __init__(self, renderer: Renderer):
        marked = renderer.env.get_template("article.html").render(
            **{slot: Markup(f"\x00{slot}\x00") for slot in self.SLOTS}
        )
        pieces = _SLOT.split(marked)
        self.runs = [piece.encode("utf-8") for piece in pieces[0::2]]
        self.slots = pieces[1::2]
        if sorted(self.slots) != sorted(self.SLOTS):
            raise ValueError(f"article.html must show each of {self.SLOTS} once, not {self.slots}")

    def fill(self, fragments: dict[str, bytes]) -> bytes:
        """The page with each slot's fragment in place."""
        out = [self.runs[0]]
        for slot, run in zip(self.slots, self.runs[1:], strict=True):
            out += (fragments[slot], run)
        return b"".join(out)


class ArticlePages:
    """Renders article pages for one app, keeping the rendered parts of up to max_entries articles."""

    def __init__(self, renderer: Renderer, max_entries: int, page_seconds: float):
        self.renderer = renderer
        self.parts = LRUCache(max_entries)
        self.pages = LRUCache(max_entries)
        self.page_seconds = timedelta(seconds=page_seconds)
        self.warming = False
        self._stop = threading.Event()
        self._shared_html: dict[str, tuple[tuple, bytes]] = {}
        self.shell = Shell(renderer)
        # expired pages waiting for the refresher (ordered, no repeats), and pages forgotten meanwhile
        self._due: dict[str, None] = {}
        self._refresher: asyncio.Task | None = None
        self._lock = threading.Lock()  # forget() against a reassembly in a thread (network databases)
        self._forgets = 0
        self._forgotten: dict[str, int] = {}

    async def page(self, portal: Portal, key: str) -> tuple[str, bytes]:
        """(article id, page as UTF-8 HTML) for an id or guid: the assembled page while it is fresh or
        being reassembled in the background, else render()."""
        ready = self.pages.get(key)
        now = portal.clock() if ready is not None else None
        # a page assembled "after" now (the clock was set back) is not fresh: it may show a later state
        if ready is not None and ready.expires - self.page_seconds <= now:
            if ready.expires > now:
                return ready.article_id, ready.html
            if ready.expires + self.page_seconds > now:
                self._refresh_later(portal, key)
                return ready.article_id, ready.html
        return await portal.read_quick(self.render, key)

    def render(self, portal: Portal, connection: sa.Connection, key: str) -> tuple[str, bytes]:
        """Assemble the page of the article whose id or guid is key with its current counters; NotFound if none."""
        assembled = self._assemble(portal, connection, contexts.article_state(connection, key), self.pages.get(key))
        self.pages.put(key, assembled)
        return assembled.article_id, assembled.html

    def forget(self, key: str) -> None:
        """Drop the assembled page of key (after a counted share, so its counters show at once)."""
        with self._lock:
            self._forgets += 1
            self._forgotten[key] = self._forgets  # a reassembly that read the counters before now is not kept
        self.pages.pop(key)

    def stop(self) -> None:
        """Stop the warm-up and the refresher."""
        self._stop.set()
        if self._refresher is not None:
            self._refresher.cancel()

    def _refresh_later(self, portal: Portal, key: str) -> None:
        self._due[key] = None
        if self._refresher is None or self._refresher.done():
            self._refresher = asyncio.get_running_loop().create_task(self._refresh(portal))

    async def _refresh(self, portal: Portal) -> None:
        """Reassemble the pages that fell due, a small batch per query, on the event loop between requests:
        a background thread would hold the GIL in turns of 5 ms, and every request would wait for it."""
        await asyncio.sleep(_REFRESH_GATHER_SECONDS)
        while self._due and not self._stop.is_set():
            keys = list(itertools.islice(self._due, _REFRESH_BATCH))
            read_after = self._forgets
            try:
                await portal.read_quick(self._reassemble, keys, read_after)
            except Exception:  # logged: the pages are reassembled for their readers once too old
                log.exception("reassembling %d article pages failed", len(keys))
            for key in keys:
                self._due.pop(key, None)
            with self._lock:
                self._forgotten = {k: n for k, n in self._forgotten.items() if n > read_after}
            await asyncio.sleep(_REFRESH_PAUSE_SECONDS)  # requests that arrived meanwhile go first

    def _reassemble(self, portal: Portal, connection: sa.Connection, keys: list[str], read_after: int) -> None:
        states = contexts.article_states(connection, keys)
        for key in keys:
            state = states.get(key)
            if state is None:  # an article since deleted
                self.pages.pop(key)
                continue
            assembled = self._assemble(portal, connection, state, self.pages.get(key))
            with self._lock:
                if self._forgotten.get(key, 0) <= read_after:
                    self.pages.put(key, assembled)

    def _assemble(
        self, portal: Portal, connection: sa.Connection, state: ArticleState, last: Assembled | None
    ) -> Assembled:
        """The whole page of an article's state: its content's parts (rendered again only for a new version),
        the state's counters, the hot list and the menu; last's bytes again if nothing it shows changed."""
        parts = self._parts(portal, connection, state)
        now = portal.clock()
        note = contexts.article_age_note(portal, state, now)
        hot, nav = self._hot(portal, connection), self._nav(portal, connection)
        shows = (parts, state, note, hot, nav)
        if last is not None and last.article_id == state.id and last.still_shows(shows):
            html = last.html
        else:
            counts = self.renderer.fragment("partials/article_counts.html", counters=state, age_note=note)
            html = self.shell.fill({**parts.slots, "nav_html": nav, "counts": counts.encode("utf-8"), "hot": hot})
        return Assembled(state.id, html, now + self.page_seconds, shows)

    def start_warming(self, portal: Portal) -> None:
        """Render the parts of the newest articles (as many as the cache keeps) in a background thread."""
        if self.parts.max_entries > 0:
            self.warming = True
            threading.Thread(target=self._warm, args=(portal,), name="zixun-warm-pages", daemon=True).start()

    def _warm(self, portal: Portal) -> None:
        try:
            with portal.engine.connect() as connection:
                # oldest first, so that the newest end up the most recently used
                ids = contexts.newest_article_ids(connection, self.parts.max_entries)[::-1]
            for start in range(0, len(ids), _WARM_BATCH):
                if self._stop.is_set():
                    return
                with portal.engine.connect() as connection:  # short reads: never holds a snapshot for long
                    for article_id in ids[start : start + _WARM_BATCH]:
                        self.render(portal, connection, article_id)
        except Exception:  # logged: pages still render on demand
            log.exception("warming article pages failed")
        finally:
            self.warming = False
        # the cached parts live long: keep the cyclic collector from re-scanning them on every full pass
        gc.freeze()

    def _parts(self, portal: Portal, connection: sa.Connection, state: ArticleState) -> Parts:
        """The rendered content of the article at state's version (cached per article)."""
        parts = self.parts.get(state.id)
        if parts is None or parts.version != state.version:
            parts = self._render_parts(contexts.article_content(portal, connection, state))
            self.parts.put(state.id, parts)
        return parts

    def _render_parts(self, content: ArticleContent) -> Parts:
        """Each of CONTENT_SLOTS rendered from content's fields."""
        shown = vars(content)
        return Parts(
            content.version,
            {
                slot: self.renderer.fragment(template, **shown).encode("utf-8")
                for slot, template in CONTENT_SLOTS.items()
            },
        )

    def _nav(self, portal: Portal, connection: sa.Connection) -> bytes:
        categories = portal.categories(connection)
        return self._rendered("nav", (categories,), "partials/nav.html", nav=categories)

    def _hot(self, portal: Portal, connection: sa.Connection) -> bytes:
        window, entries = contexts.hot_list(portal, connection)
        return self._rendered("hot", (window, entries), "partials/hot_panel.html", window=window, entries=entries)

    def _rendered(self, name: str, shown: tuple, template: str, **context) -> bytes:
        # a shared list (menu, hot list) is rendered again only when the portal's cache holds a new one
        last = self._shared_html.get(name)
        if last is None or not _same(last[0], shown):
            last = (shown, self.renderer.fragment(template, **context).encode("utf-8"))
            self._shared_html[name] = last
        return last[1]
