"""The bare-page baseline of bench/web: FastAPI + Jinja2 rendering an article-shaped page, no database.

Every GET renders the same template shape as an article page (title, meta line, body paragraphs, a
related list, a hot list) with the requested path in it, padded so the HTML is BENCH_BARE_PAGE_BYTES
long (bench/web sets it to the mean size of zixun's article pages). Served by uvicorn exactly like
`zixun serve`: uvicorn bench.bare_page:app --workers N. It measures the framework and template floor.
"""

from __future__ import annotations

import os

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from jinja2 import DictLoader, Environment, select_autoescape

_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} - 资讯</title></head>
<body><header><a href="/">资讯</a></header>
<main><article><h1>{{ title }}</h1>
<p class="meta"><span class="badge">原创</span> <a href="/authors/{{ path }}">作者</a> 2018-11-03 08:00 阅读 {{ views }} 评论 {{ comments }}</p>
{% for paragraph in body %}<p>{{ paragraph }}</p>
{% endfor %}</article>
<section><h2>相关内容</h2><ul>{% for item in related %}<li><a href="{{ item.url }}">{{ item.title }}</a> <span>{{ item.snippet }}</span></li>{% endfor %}</ul></section>
<section><h2>热门资讯</h2><ol>{% for item in hot %}<li><a href="{{ item.url }}">{{ item.title }}</a> <small>{{ item.why }}</small></li>{% endfor %}</ol></section>
</main><footer>{{ pad }}</footer></body></html>
"""
_environment = Environment(loader=DictLoader({"page.html": _PAGE}), autoescape=select_autoescape())
_template = _environment.get_template("page.html")
_RELATED = [{"url": f"/articles/r{i}", "title": "相关文章标题" * 3, "snippet": "摘要文字" * 12} for i in range(6)]
_HOT = [
    {"url": f"/articles/h{i}", "title": "热门文章标题" * 3, "why": "24小时内 1,234 次阅读 · 56 条评论"}
    for i in range(10)
]
_PARAGRAPH = "这是一段用于基准测试的正文，长度与真实文章页面相当。" * 6


def render(path: str, pad: str = "", paragraphs: int = 8) -> str:
    """The page for path, with pad appended in the footer."""
    return _template.render(
        title=f"基准页面 {path}",
        path=path,
        views=1234,
        comments=56,
        body=[_PARAGRAPH] * paragraphs,
        related=_RELATED,
        hot=_HOT,
        pad=pad,
    )


def shape(target: int) -> tuple[int, str]:
    """Paragraphs and footer padding that bring a rendered page to target UTF-8 bytes (± the path's length)."""
    size = len(render("x", "", 0).encode("utf-8"))
    per_paragraph = len(render("x", "", 1).encode("utf-8")) - size
    paragraphs = max(0, target - size) // per_paragraph
    missing = max(0, target - len(render("x", "", paragraphs).encode("utf-8")))
    return paragraphs, "页" * (missing // 3) + "." * (missing % 3)  # 3 bytes per CJK character in UTF-8


# the benchmark's own knob, set by bench/web for the server processes (not a zixun setting)
_PARAGRAPHS, _PAD = shape(int(os.environ.get("BENCH_BARE_PAGE_BYTES", "30000")))
app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/{path:path}", response_class=HTMLResponse)
async def page(path: str) -> HTMLResponse:
    """Any path: the rendered article-shaped page."""
    return HTMLResponse(render(path, _PAD, _PARAGRAPHS))
