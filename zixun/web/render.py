"""Page contexts rendered as HTML with Jinja2: templates, partials and the filters they use."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from pydantic import BaseModel

from zixun.schemas import FEED_FORMATS, feed_path, hot_feed_path
from zixun.text.snippets import truncate


def highlight(text: str, words: list[str]) -> Markup:
    """text, HTML-escaped, with every occurrence of words wrapped in <mark> (longest words first)."""
    terms = sorted({w for w in words if w and w.strip()}, key=len, reverse=True)
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out += [escape(text[last : match.start()]), Markup("<mark>"), escape(match.group()), Markup("</mark>")]
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def thousands(n: int | float) -> str:
    """1234567 → 1,234,567."""
    return f"{n:,.0f}"


class Renderer:
    """The Jinja2 environment of one app: times shown in its time zone, the demo note in its footer."""

    def __init__(self, zone: ZoneInfo, demo_note: bool):
        self.zone, self.demo_note = zone, demo_note
        # templates are compiled once and cached by the environment
        self.env = Environment(
            loader=PackageLoader("zixun.web", "templates"),
            autoescape=select_autoescape(),
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        self.env.filters.update(when=self.when, cut=truncate, highlight=highlight, thousands=thousands)
        self.env.globals.update(
            demo_note=demo_note, feed_formats=FEED_FORMATS, feed_path=feed_path, hot_feed_path=hot_feed_path
        )

    def when(self, moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        """A datetime as local time in the portal's zone ('' when unknown)."""
        return moment.astimezone(self.zone).strftime(fmt) if moment else ""

    def fragment(self, template: str, **context) -> Markup:
        """A partial rendered to markup that pages embed as it is."""
        return Markup(self.env.get_template(template).render(**context))

    def html(self, template: str, status: int = 200, **context) -> HTMLResponse:
        """template rendered with context."""
        return HTMLResponse(self.env.get_template(template).render(**context), status_code=status)

    def page(self, template: str, page: BaseModel, nav: list[tuple[str, int]], **extra) -> HTMLResponse:
        """A page context rendered by its template inside the site layout."""
        return self.html(template, page=page, nav=nav, **extra)


def render_error(
    request: Request, status: int, title: str, message: str, nav: list[tuple[str, int]] | None = None
) -> HTMLResponse:
    """The error page, in the layout; with the category menu only when given (it may be the database that failed)."""
    renderer: Renderer = request.app.state.renderer
    return renderer.html("error.html", status=status, status_code=status, title=title, message=message, nav=nav or [])
