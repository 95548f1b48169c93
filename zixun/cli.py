"""The zixun command: each command a few lines over a pipeline, store or search function."""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeRemainingColumn

from zixun import pipeline
from zixun.ingest.files import extract_file, find_inputs
from zixun.models import IngestError, jsonable
from zixun.search.query import SORTS, Filters, search
from zixun.settings import Settings
from zixun.store import articles as stored
from zixun.store import open_store
from zixun.text.segment import segmenter

err = Console(stderr=True)
_PHASES = {"read": "reading files", "store": "analysing and storing", "reindex": "re-indexing"}


class TerminalProgress(pipeline.Progress):
    """A rich progress bar on a terminal; silent when stderr is not one."""

    def __init__(self, bar: Bar):
        self.bar, self.tasks = bar, {}

    def start(self, phase: str, total: int) -> None:
        self.tasks[phase] = self.bar.add_task(_PHASES.get(phase, phase), total=total)

    def advance(self, phase: str, steps: int = 1) -> None:
        self.bar.advance(self.tasks[phase], steps)


@contextmanager
def progress_bar():
    """A TerminalProgress drawn on stderr while the block runs."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Bar(*columns, console=err, transient=False, disable=not err.is_terminal) as bar:
        yield TerminalProgress(bar)


def _echo_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False))


db_option = click.option("--db", "db", default=None, metavar="URL", help="Database URL (overrides ZIXUN_DATABASE_URL).")


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """zixun (资讯): a Chinese news portal engine."""
    ctx.obj = Settings()


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@click.pass_obj
def ingest(settings: Settings, paths: tuple[Path, ...], db: str | None) -> None:
    """Store the articles in PATHS (files or folders, recursively): text page dumps, HTML, JSONL."""
    settings = settings.with_database(db)
    engine = open_store(settings.database_url)
    with progress_bar() as progress:
        summary = pipeline.ingest_paths(engine, paths, settings, progress)
    for error in summary.failed:
        click.echo(f"failed: {error}", err=True)
    click.echo(summary.line())
    sys.exit(1 if summary.failed else 0)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl")
@click.pass_obj
def extract(settings: Settings, paths: tuple[Path, ...], fmt: str) -> None:
    """Print what PATHS hold, one JSON object per article, without storing anything."""
    failed = 0
    for path in find_inputs(paths):
        try:
            found = extract_file(path, settings.max_file_bytes)
        except IngestError as error:
            click.echo(f"failed: {error}", err=True)
            failed += 1
            continue
        for article in found:
            record = jsonable(article)
            record["body"] = "\n".join(article.body)
            _echo_json(record)
    sys.exit(1 if failed else 0)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl")
@db_option
@click.pass_obj
def export(settings: Settings, fmt: str, db: str | None) -> None:
    """Print every stored article with all its fields, one JSON object per line."""
    engine = open_store(settings.with_database(db).database_url)
    with engine.connect() as connection:
        for article in stored.iterate(connection):
            _echo_json(jsonable(article))


@main.command("search")
@click.argument("query")
@click.option("--limit", default=10, type=click.IntRange(1, 1000))
@click.option("--offset", default=0, type=click.IntRange(0))
@click.option("--category", default=None)
@click.option("--source", default=None)
@click.option("--sort", type=click.Choice(SORTS), default="relevance")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
@db_option
@click.pass_obj
def search_command(settings, query, limit, offset, category, source, sort, fmt, db) -> None:
    """Full-text search of the stored articles."""
    settings = settings.with_database(db)
    engine = open_store(settings.database_url)
    with engine.connect() as connection:
        result = search(connection, segmenter(settings.user_dict), query, limit=limit, offset=offset,
                        filters=Filters(category=category, source=source), sort=sort)
    items = [{"id": h.article.id, "guid": h.article.guid, "title": h.article.title,
              "snippet": h.snippet, "score": round(h.score, 6)} for h in result.hits]
    if fmt == "json":
        _echo_json({"query": query, "total": result.total, "items": items})
        return
    click.echo(f"{result.total} found")
    for item in items:
        click.echo(f"{item['id']}  {item['title']}\n    {item['snippet']}")


@main.command()
@db_option
@click.pass_obj
def reindex(settings: Settings, db: str | None) -> None:
    """Re-segment every article (after a user dictionary change); rebuild keywords and the index."""
    settings = settings.with_database(db)
    engine = open_store(settings.database_url)
    with progress_bar() as progress:
        total = pipeline.reindex(engine, settings, progress)
    click.echo(f"re-indexed {total} articles")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Server processes.")
@db_option
@click.pass_obj
def serve(settings: Settings, host: str, port: int, workers: int, db: str | None) -> None:
    """Serve the portal (HTML pages, JSON API under /api/, docs at /docs)."""
    from zixun.web.server import serve as run_server  # the web stack loads only for this command

    run_server(settings.with_database(db), host, port, workers)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--db-file", default="var/demo.db", show_default=True, type=click.Path(path_type=Path),
              help="SQLite file to (re)create.")
@click.pass_obj
def demo(settings: Settings, host: str, port: int, db_file: Path) -> None:
    """Rebuild the demo store from the bundled sample (dates synthesized from now) and serve it."""
    from datetime import datetime, timezone

    from zixun.web.demo import build_demo
    from zixun.web.server import serve as run_server

    demo_settings, summary = build_demo(db_file, settings, datetime.now(timezone.utc))
    click.echo(f"demo store {db_file}: {summary.line()}")
    click.echo(f"serving http://{host}:{port}/")
    run_server(demo_settings, host, port, 1)
