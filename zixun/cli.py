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
from zixun.ingest.checks import Limits
from zixun.ingest.files import extract_records, find_inputs
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
    """Store the articles in PATHS (files or folders, recursively): text page dumps, HTML, JSONL, feeds."""
    settings = settings.with_database(db)
    summary = pipeline.IngestSummary()
    try:
        engine = open_store(settings.database_url)
        with progress_bar() as progress:
            pipeline.ingest_paths(engine, paths, settings, progress, summary=summary)
    except Exception as error:  # noqa: BLE001 - the last net: the summary so far and one line, no traceback
        _report(summary)
        click.echo(f"error: the run stopped: {type(error).__name__}: {error}", err=True)
        sys.exit(1)
    _report(summary)
    sys.exit(1 if summary.failed else 0)


def _report(summary: pipeline.IngestSummary) -> None:
    for error in summary.failed:
        click.echo(f"failed: {error}", err=True)
    for note in summary.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(summary.line())


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl")
@click.pass_obj
def extract(settings: Settings, paths: tuple[Path, ...], fmt: str) -> None:
    """Print what PATHS hold, one JSON object per article, without storing anything."""
    failed = 0
    limits = Limits.of(settings)
    for path in find_inputs(paths):
        for found in extract_records(path, limits):   # never raises: a bad input is an IngestError
            if isinstance(found, IngestError):
                click.echo(f"failed: {found}", err=True)
                failed += 1
                continue
            for note in found.notes:
                click.echo(f"note: {note}", err=True)
            record = jsonable(found)
            record["body"] = "\n".join(found.body)
            del record["notes"]
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


@main.command("related")
@click.argument("key", required=False, metavar="ID_OR_GUID")
@click.option("--all", "every", is_flag=True, help="Every article's list, one JSON line each.")
@click.option("--limit", default=5, type=click.IntRange(1, 10))
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl", "text"]), default="json")
@db_option
@click.pass_obj
def related_command(settings, key, every, limit, fmt, db) -> None:
    """Articles related to ID_OR_GUID by content (precomputed at ingest), best first; or --all."""
    from zixun.rank.related import related_articles
    from zixun.store import related as lists

    if bool(key) == every:
        raise click.UsageError("give one ID_OR_GUID, or --all")
    engine = open_store(settings.with_database(db).database_url)
    with engine.connect() as connection:
        if every:
            for guid, guids in lists.all_lists(connection):
                _echo_json({"guid": guid, "related": guids[:limit]})
            return
        article = stored.get(connection, key)
        if article is None:
            err.print(f"related: no article with id or guid {key!r}", highlight=False, markup=False)
            sys.exit(1)
        found = related_articles(connection, article, limit)
    items = [{"id": r.article.id, "guid": r.article.guid, "title": r.article.title, "score": r.score,
              "reasons": r.reasons} for r in found]
    if fmt == "text":
        for item in items:
            click.echo(f"{item['id']}  {item['score']:.3f}  {item['title']}  ({'；'.join(item['reasons'])})")
        return
    _echo_json({"id": article.id, "guid": article.guid, "title": article.title, "related": items})


@main.command("hot")
@click.option("--window", type=click.Choice(["24h", "7d"]), default="24h")
@click.option("--category", default=None)
@click.option("--limit", default=10, type=click.IntRange(1, 100))
@click.option("--at", "at", default=None, metavar="ISO-TIME", help="Rank as of this time (default: now).")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
@db_option
@click.pass_obj
def hot_command(settings, window, category, limit, at, fmt, db) -> None:
    """The hottest articles of a window (engagement with time decay), with why each is hot."""
    from zixun.ingest.dates import parse_datetime
    from zixun.rank.hot import hot_articles

    now = parse_datetime(at) if at else None
    if at and now is None:
        raise click.BadParameter(f"not a date-time: {at!r}", param_hint="--at")
    engine = open_store(settings.with_database(db).database_url)
    with engine.connect() as connection:
        items = hot_articles(connection, window=window, category=category, limit=limit, now=now)
    rows = [{"id": h.article.id, "guid": h.article.guid, "title": h.article.title, "score": h.score,
             "views": h.views, "comments": h.comments, "shares": h.shares, "age_hours": h.age_hours,
             "explanation": h.explanation} for h in items]
    if fmt == "json":
        _echo_json({"window": window, "category": category, "items": rows})
        return
    for row in rows:
        click.echo(f"{row['id']}  {row['title']}\n    {row['explanation']}")


@main.group("eval")
def eval_group() -> None:
    """Measure quality on labelled data."""


@eval_group.command("related")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--k", default=5, type=click.IntRange(1, 10))
@click.option("--split", type=click.Choice(["all", "dev", "heldout"]), default="all",
              help="Only the articles of this hash split of the ids (see zixun/rank/evaluate.py).")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
@click.pass_obj
def eval_related(settings, paths, k, split, fmt) -> None:
    """Ingest labelled JSONL (category = label) into a fresh store; precision@k and coverage of related."""
    import tempfile
    import time

    from zixun.rank.evaluate import related_quality, write_split

    with tempfile.TemporaryDirectory(prefix="zixun-eval-") as tmp:
        data = Path(tmp) / "labeled.jsonl"
        write_split(list(paths), split, data)
        run = settings.with_database(f"sqlite:///{Path(tmp) / 'eval.db'}")
        engine = open_store(run.database_url)
        started = time.perf_counter()
        summary = pipeline.ingest_paths(engine, [data], run)
        seconds = time.perf_counter() - started
        with engine.connect() as connection:
            quality = related_quality(connection, k)
        engine.dispose()
    for error in summary.failed:
        err.print(f"failed {error}", highlight=False, markup=False)
    if fmt == "json":
        _echo_json({"split": split, "k": k, "articles": quality.articles, "precision": round(quality.precision, 4),
                    "coverage": round(quality.coverage, 4), "items": quality.items,
                    "ingest_seconds": round(seconds, 2)})
    else:
        click.echo(quality.line())
    sys.exit(1 if summary.failed else 0)
