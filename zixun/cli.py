"""The zixun command: each command a few lines over a pipeline, store or context function.

What a command prints as JSON is what the API returns for the same question: the same context builders
(zixun/contexts.py) and the same models (zixun/schemas.py)."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from datetime import UTC
from pathlib import Path

import click
from pydantic import BaseModel
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
from rich.progress import Progress as Bar

from zixun import contexts, pipeline
from zixun.contexts import NotFound, Paging, Reader, SearchQuery
from zixun.evaluate.labels import SPLITS
from zixun.ingest.checks import Limits
from zixun.ingest.files import extract_records, find_inputs
from zixun.models import IngestError, jsonable
from zixun.search.query import SORTS
from zixun.settings import Settings
from zixun.store import articles, duplicates, open_store, stories

err = Console(stderr=True)
_PHASES = {
    "read": "reading files",
    "store": "analysing and storing",
    "reindex": "re-indexing",
    "duplicates": "finding duplicates",
    "stories": "grouping stories",
}


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


def _echo_json(value: BaseModel | dict) -> None:
    if isinstance(value, BaseModel):
        click.echo(value.model_dump_json())  # non-ASCII as is, like json.dumps(ensure_ascii=False)
    else:
        click.echo(json.dumps(value, ensure_ascii=False))


def _use_database(ctx: click.Context, _param: click.Parameter, url: str | None) -> None:
    # ctx.obj is the Settings: the group's, or (after the command's name) the copy the command received
    if url is not None:
        ctx.obj = (ctx.obj or Settings()).with_database(url)


# one option, accepted before the command (zixun --db URL ingest ...) and after it (zixun ingest ... --db URL)
db_option = click.option(
    "--db",
    default=None,
    metavar="URL",
    expose_value=False,
    callback=_use_database,
    help="Database URL (overrides ZIXUN_DATABASE_URL).",
)


@click.group()
@db_option
@click.pass_context
def main(ctx: click.Context) -> None:
    """zixun (资讯): a Chinese news portal engine."""
    if ctx.obj is None:
        ctx.obj = Settings()


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@click.pass_obj
def ingest(settings: Settings, paths: tuple[Path, ...]) -> None:
    """Store the articles in PATHS (files or folders, recursively): text page dumps, HTML, JSONL, feeds."""
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
        for found in extract_records(path, limits):  # never raises: a bad input is an IngestError
            if isinstance(found, IngestError):
                click.echo(f"failed: {found}", err=True)
                failed += 1
                continue
            for note in found.notes:
                click.echo(f"note: {note}", err=True)
            _echo_json(jsonable(found, exclude={"notes"}))  # the notes went to stderr
    sys.exit(1 if failed else 0)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl")
@db_option
@click.pass_obj
def export(settings: Settings, fmt: str) -> None:
    """Print every stored article with all its fields, one JSON object per line (duplicate_of: the guid of
    the original a repost copies, null for any other article; story: its story's id, null when alone)."""
    engine = open_store(settings.database_url)
    with engine.connect() as connection:
        originals, in_story = duplicates.duplicate_guids(connection), stories.all_story_ids(connection)
        for article in articles.iterate(connection):
            fields = {**jsonable(article), "duplicate_of": originals.get(article.guid)}
            _echo_json({**fields, "story": in_story.get(article.id)})


@main.command("search")
@click.argument("query")
@click.option("--limit", default=10, type=click.IntRange(1, 100), help="Results per page.")
@click.option("--page", default=1, type=click.IntRange(1, 1000))
@click.option("--category", default=None)
@click.option("--source", default=None)
@click.option("--sort", type=click.Choice(SORTS), default="relevance")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
@db_option
@click.pass_obj
def search_command(settings, query, limit, page, category, source, sort, fmt) -> None:
    """Full-text search of the stored articles; as JSON, what /api/search answers."""
    asked = SearchQuery(q=query, category=category, source=source, sort=sort)
    paging = Paging(
        page,
        limit,
        "/api/search",
        {"q": query, "category": category, "source": source, "sort": sort, "page_size": limit},
    )
    found = _read(settings, contexts.search_page, asked, paging)
    if fmt == "json":
        _echo_json(found)
        return
    click.echo(f"{found.total} found")
    for hit in found.hits:
        click.echo(f"{hit.article.id}  {hit.article.title}\n    {hit.snippet}")


def _read(settings: Settings, build, *args, reader: Reader | None = None):
    """build(reader, connection, *args) on the store, as a page handler would; NotFound exits with code 1."""
    engine = open_store(settings.database_url)
    try:
        with engine.connect() as connection:
            return build(reader or Reader(settings), connection, *args)
    except NotFound as missing:
        err.print(f"{click.get_current_context().info_name}: {missing}", highlight=False, markup=False)
        sys.exit(1)
    finally:
        engine.dispose()


@main.command()
@db_option
@click.pass_obj
def reindex(settings: Settings) -> None:
    """Re-segment every article (after a user dictionary change); rebuild keywords and the index."""
    engine = open_store(settings.database_url)
    with progress_bar() as progress:
        total = pipeline.reindex(engine, settings, progress)
    click.echo(f"re-indexed {total} articles")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Server processes.")
@click.option("--crawl", "crawl", is_flag=True, help="Also run the feed crawler (zixun crawl) beside the portal.")
@db_option
@click.pass_obj
def serve(settings: Settings, host: str, port: int, workers: int, crawl: bool) -> None:
    """Serve the portal (HTML pages, JSON API under /api/, docs at /docs)."""
    from zixun.web.server import serve as run_server  # the web stack loads only for this command

    if not crawl:
        run_server(settings, host, port, workers)
        return
    with _crawler_thread(settings):
        run_server(settings, host, port, workers)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--db-file",
    default="var/demo.db",
    show_default=True,
    type=click.Path(path_type=Path),
    help="SQLite file to (re)create.",
)
@click.pass_obj
def demo(settings: Settings, host: str, port: int, db_file: Path) -> None:
    """Rebuild the demo store from the bundled sample (dates synthesized from now) and serve it."""
    from datetime import datetime

    from zixun.demo import build_demo
    from zixun.web.server import serve as run_server

    demo_settings, summary = build_demo(db_file, settings, datetime.now(UTC))
    click.echo(f"demo store {db_file}: {summary.line()}")
    click.echo(f"serving http://{host}:{port}/")
    run_server(demo_settings, host, port, 1)


@main.command("related")
@click.argument("key", required=False, metavar="ID_OR_GUID")
@click.option("--all", "every", is_flag=True, help="Every article's list of guids, one JSON line each.")
@click.option("--limit", default=5, type=click.IntRange(1, 10))
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl", "text"]), default="json")
@db_option
@click.pass_obj
def related_command(settings, key, every, limit, fmt) -> None:
    """Articles related to ID_OR_GUID by content (precomputed at ingest), best first; or --all."""
    if bool(key) == every:
        raise click.UsageError("give one ID_OR_GUID, or --all")
    if every:
        _print_all_related(settings, limit)
        return
    found = _read(settings, contexts.related_page, key, limit)
    if fmt != "text":
        _echo_json(found)
        return
    for entry in found.related:
        click.echo(f"{entry.article.id}  {entry.score:.3f}  {entry.article.title}  ({'；'.join(entry.reasons)})")


def _print_all_related(settings: Settings, limit: int) -> None:
    from zixun.schemas import RelatedList
    from zixun.store import related_lists

    engine = open_store(settings.database_url)
    with engine.connect() as connection:
        for guid, guids in related_lists.all_lists(connection):
            _echo_json(RelatedList(guid=guid, related=guids[:limit]))


@main.command("hot")
@click.option("--window", type=click.Choice(["24h", "7d"]), default="24h")
@click.option("--category", default=None)
@click.option("--limit", default=10, type=click.IntRange(1, 100))
@click.option("--at", "at", default=None, metavar="ISO-TIME", help="Rank as of this time (default: now).")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
@db_option
@click.pass_obj
def hot_command(settings, window, category, limit, at, fmt) -> None:
    """The hottest articles of a window (engagement with time decay), with why each is hot; as JSON, /api/hot."""
    found = _read(settings, contexts.hot_page, window, category, limit, reader=_reader_at(settings, at))
    if fmt == "json":
        _echo_json(found)
        return
    for entry in found.items:
        click.echo(f"{entry.article.id}  {entry.article.title}\n    {entry.explanation}")


def _reader_at(settings: Settings, at: str | None) -> Reader:
    """A Reader whose clock says at (an ISO date-time), or the real clock when at is None."""
    from zixun.ingest.dates import parse_datetime

    now = parse_datetime(at) if at else None
    if at and now is None:
        raise click.BadParameter(f"not a date-time: {at!r}", param_hint="--at")
    return Reader(settings, (lambda: now) if now else None)


@main.command("stories")
@click.option("--window", type=click.Choice(["24h", "7d", "30d"]), default="7d")
@click.option(
    "--sort",
    type=click.Choice(["latest", "sources"]),
    default="latest",
    help="Latest development or most sources first.",
)
@click.option("--limit", default=20, type=click.IntRange(1, 100), help="Stories per page.")
@click.option("--page", default=1, type=click.IntRange(1, 1000))
@click.option("--at", "at", default=None, metavar="ISO-TIME", help="The window ends then (default: now).")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
@db_option
@click.pass_obj
def stories_command(settings, window, sort, limit, page, at, fmt) -> None:
    """The stories developed in a window, latest development (or most sources) first; as JSON, /api/stories."""
    paging = Paging(page, limit, "/api/stories", {"window": window, "sort": sort, "page_size": limit})
    found = _read(settings, contexts.stories_index_page, window, sort, paging, reader=_reader_at(settings, at))
    if fmt == "json":
        _echo_json(found)
        return
    for story in found.items:
        latest = story.updated_at.isoformat(timespec="minutes") if story.updated_at else "时间不详"
        sources = f"{story.sources} 家来源，" if story.sources else ""  # no source known: none counted
        click.echo(f"{story.id}  {story.title}\n    {story.size} 篇，{sources}最新 {latest}")


@main.command("entities")
@click.option("--window", type=click.Choice(["24h", "7d", "30d"]), default="7d")
@click.option("--sort", type=click.Choice(["most", "rising"]), default="most", help="Most named or rising first.")
@click.option("--at", "at", default=None, metavar="ISO-TIME", help="The window ends then (default: now).")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
@db_option
@click.pass_obj
def entities_command(settings, window, sort, at, fmt) -> None:
    """The people, places and organisations most named in a window (or rising in it), with their counts in the
    window before; as JSON, /api/entities."""
    found = _read(settings, contexts.entities_index_page, window, sort, reader=_reader_at(settings, at))
    if fmt == "json":
        _echo_json(found)
        return
    marks = {"new": "新", "up": "↑", "down": "↓", "same": "-"}
    for group in found.groups:
        click.echo(group.kind_label)
        for item in group.items:
            click.echo(f"  {item.name}  {item.articles} 篇（前一时段 {item.before}）{marks[item.change]}")


@main.command("story")
@click.argument("story_id", type=click.IntRange(1, 2**31 - 1))
@click.option("--limit", default=20, type=click.IntRange(1, 100), help="Articles per page.")
@click.option("--page", default=1, type=click.IntRange(1, 1000))
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
@db_option
@click.pass_obj
def story_command(settings, story_id, limit, page, fmt) -> None:
    """A story (one event's coverage): its sources, first publisher and timeline; as JSON, /api/stories/ID."""
    paging = Paging(page, limit, f"/api/stories/{story_id}", {"page_size": limit})
    found = _read(settings, contexts.story_page, story_id, paging)
    if fmt == "json":
        _echo_json(found)
        return
    story = found.story
    sources = f"，{story.sources} 家来源：{'、'.join(found.sources)}" if story.sources else ""
    click.echo(f"{story.title}\n    {story.size} 篇{sources}")
    if found.first:
        click.echo(f"    首发：{found.first.source or '未知来源'}  {found.first.id}")
    for day in found.days:
        click.echo(day.day.isoformat() if day.day else "日期不详")
        for item in day.items:
            mark = f"  (转载 {item.copy_of})" if item.copy_of else ""
            click.echo(f"  {item.article.id}  {item.article.source or ''}  {item.article.title}{mark}")


@main.group("eval")
def eval_group() -> None:
    """Measure quality on labelled data."""


@eval_group.command("entities")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--split",
    type=click.Choice(SPLITS["entities"]),
    default="all",
    help="Only the lines of this split.",
)
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
@click.pass_obj
def eval_entities(settings, paths, split, fmt) -> None:
    """Precision and recall of people, places and orgs against labelled JSONL, beside the raw POS tags."""
    from zixun.evaluate.entities import LabelError, evaluate_entities
    from zixun.text.segment import segmenter

    try:
        quality = evaluate_entities(list(paths), segmenter(settings.user_dict), split)
    except LabelError as error:
        err.print(f"failed {error}", highlight=False, markup=False)
        sys.exit(1)
    if fmt == "json":
        _echo_json(quality)
    else:
        click.echo("\n".join(quality.lines()))


@eval_group.command("related")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--k", default=5, type=click.IntRange(1, 10))
@click.option(
    "--split",
    type=click.Choice(SPLITS["related"]),
    default="all",
    help="Only the articles of this hash split of the ids (see zixun/evaluate/related.py).",
)
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
@click.pass_obj
def eval_related(settings, paths, k, split, fmt) -> None:
    """Ingest labelled JSONL (category = label) into a fresh store; precision@k and coverage of related."""
    from zixun.evaluate.related import evaluate_related

    quality, summary = evaluate_related(list(paths), split, k, settings)
    for error in summary.failed:
        err.print(f"failed {error}", highlight=False, markup=False)
    if fmt == "json":
        _echo_json(quality)
    else:
        click.echo(quality.line())
    sys.exit(1 if summary.failed else 0)


@eval_group.command("duplicates")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="LABELED.jsonl")
@click.option(
    "--split",
    type=click.Choice(SPLITS["duplicates"]),
    default="all",
    help="Only the articles of this split (by the hash of the original's id, see zixun/evaluate/duplicates.py).",
)
@click.option("--baseline", is_flag=True, help="Also score plain MinHash-LSH (4-grams, threshold 0.5) in the same run.")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
def eval_duplicates(path, split, baseline, fmt) -> None:
    """Ingest a labelled repost set (scripts/make_repost_set) into a fresh store; precision and recall of the
    duplicate groups, recall by kind of edit."""
    from zixun.evaluate.duplicates import LabelError, evaluate_duplicates

    try:
        quality = evaluate_duplicates(path, split, baseline)
    except LabelError as error:
        err.print(f"failed {error}", highlight=False, markup=False)
        sys.exit(1)
    if fmt == "json":
        _echo_json(quality)
        return
    click.echo(f"{quality.articles} articles ({quality.split}), ingested in {quality.ingest_seconds:.1f} s")
    click.echo("zixun:    " + quality.zixun.line())
    if quality.baseline is not None:
        click.echo("baseline: " + quality.baseline.line())


@eval_group.command("stories")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="LABELED.jsonl")
@click.option(
    "--split",
    type=click.Choice(SPLITS["stories"]),
    default="all",
    help="Only this split's articles (heldout2 to heldout12: the second to twelfth draws, events of new kinds).",
)
@click.option("--baseline", is_flag=True, help="Also score offline average-linkage TF-IDF clustering in the same run.")
@click.option(
    "--within",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="CORPUS.jsonl",
    help="Ingest the split among this corpus's articles (repeatable; undated ones get times within the split's).",
)
@click.option(
    "--judged",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="PAIRS.jsonl",
    help="With --within: score the stories against pairs of corpus articles a reader judged (corpus_pairs.jsonl).",
)
@click.option("--draw", type=click.IntRange(min=1), help="With --within: write this many pairs of one story to judge.")
@click.option("--sheet", type=click.Path(file_okay=False, path_type=Path), help="The folder --draw writes to.")
@click.option("--seed", type=int, default=1, show_default=True, help="The draw's seed.")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
def eval_stories(path, split, baseline, within, judged, draw, sheet, seed, fmt) -> None:
    """Ingest a labelled story set (scripts/make_story_set) into a fresh store, alone or among a corpus's
    articles; B-cubed scores of the stories, same-topic pairs wrongly merged, and how related lists put the
    story first; among a corpus, how its stories place pairs a reader judged, and pairs to judge."""
    from zixun.evaluate.stories import LabelError, evaluate_stories

    if baseline and within:
        raise click.UsageError("--baseline clusters the labelled articles alone: it cannot be scored --within a corpus")
    if bool(draw) != bool(sheet):
        raise click.UsageError("--draw and --sheet go together: how many pairs, and the folder they are written to")
    try:
        quality = evaluate_stories(path, split, baseline, list(within), judged, (draw, sheet, seed) if draw else None)
    except LabelError as error:
        err.print(f"failed {error}", highlight=False, markup=False)
        sys.exit(1)
    if fmt == "json":
        _echo_json(quality)
        return
    among = f" among {quality.background} corpus articles" if quality.background else ""
    click.echo(f"{quality.articles} articles ({quality.split}){among}, ingested in {quality.ingest_seconds:.1f} s")
    click.echo("zixun:    " + quality.zixun.line())
    click.echo("          " + quality.related.line())
    if quality.baseline is not None:
        click.echo("baseline: " + quality.baseline.line())
    if quality.judged is not None:
        click.echo("          " + quality.judged.line())
    if quality.drawn:
        click.echo(f"{quality.drawn} pairs to judge -> {sheet / 'sheet.txt'} (key: {sheet / 'key.jsonl'})")


@main.group("feeds")
def feeds_group() -> None:
    """The feeds the crawler polls: add, list, remove, OPML import and export."""


@feeds_group.command("add")
@click.argument("url")
@click.option("--category", default=None, help="Category given to the feed's articles (e.g. 国际).")
@db_option
@click.pass_obj
def feeds_add(settings: Settings, url: str, category: str | None) -> None:
    """Add the feed at URL (RSS, Atom or JSON Feed); it is fetched on the next crawl."""
    from datetime import datetime

    from zixun.crawl.sources import add_feed

    try:
        source = add_feed(open_store(settings.database_url), settings, url, category, datetime.now(UTC))
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"added feed {source.id}: {source.url}")


@feeds_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
@db_option
@click.pass_obj
def feeds_list(settings: Settings, fmt: str) -> None:
    """Every feed with its status: last fetch, HTTP status, new items, last error, next fetch."""
    found = _read(settings, contexts.sources_page)
    if fmt == "json":
        _echo_json(found)
        return
    for source in found.feeds:
        when = source.last_fetch_at.isoformat(timespec="seconds") if source.last_fetch_at else "never"
        click.echo(
            f"{source.id}  {source.url}  [{source.category or '-'}]  last fetch {when}  "
            f"status {source.last_status or '-'}  new {source.last_new if source.last_new is not None else '-'}  "
            f"next {source.next_fetch_at.isoformat(timespec='seconds') if source.next_fetch_at else '-'}"
        )
        if source.last_error:
            click.echo(f"    error: {source.last_error}")
        if source.last_note:
            click.echo(f"    note: {source.last_note}")


@feeds_group.command("remove")
@click.argument("key", metavar="URL_OR_ID")
@db_option
@click.pass_obj
def feeds_remove(settings: Settings, key: str) -> None:
    """Stop polling a feed (its articles stay)."""
    from zixun.crawl.sources import remove_feed

    try:
        source = remove_feed(open_store(settings.database_url), key)
    except LookupError as error:
        raise click.UsageError(str(error.args[0])) from None
    click.echo(f"removed feed {source.id}: {source.url}")


@feeds_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@click.pass_obj
def feeds_import(settings: Settings, path: Path) -> None:
    """Add the feeds an OPML file lists (categories from their folders or category attributes)."""
    from datetime import datetime

    from zixun.crawl.sources import import_opml

    try:
        added, skipped = import_opml(
            open_store(settings.database_url), settings, path.read_bytes(), str(path), datetime.now(UTC)
        )
    except IngestError as error:
        click.echo(f"failed: {error}", err=True)
        sys.exit(1)
    for reason in skipped:
        click.echo(f"skipped: {reason}", err=True)
    click.echo(f"{added} feeds added, {len(skipped)} skipped")


@feeds_group.command("export")
@db_option
@click.pass_obj
def feeds_export(settings: Settings) -> None:
    """Print every feed as an OPML 2.0 document."""
    from zixun.crawl.sources import export_opml

    click.echo(export_opml(open_store(settings.database_url)).decode("utf-8"))


@main.command()
@click.option("--once", is_flag=True, help="Fetch every due feed once, then exit.")
@db_option
@click.pass_obj
def crawl(settings: Settings, once: bool) -> None:
    """Fetch the due feeds and store their new items; without --once, run as a scheduler until stopped."""
    from zixun.crawl.crawler import Crawler

    engine = open_store(settings.database_url)
    crawler = Crawler(engine, settings)
    if not once:
        import logging
        import threading

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")  # one line per round
        stop = threading.Event()
        try:
            crawler.run_forever(stop)
        except KeyboardInterrupt:
            stop.set()
        return
    with progress_bar() as progress:
        summary = crawler.run_once(progress)
    for error in summary.failed + [str(e) for e in summary.ingest.failed]:
        click.echo(f"failed: {error}", err=True)
    for note in summary.notes + summary.ingest.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(summary.line())
    sys.exit(1 if summary.failed else 0)


@contextmanager
def _crawler_thread(settings: Settings):
    """A long-lived crawler in a background thread while the block runs (zixun serve --crawl)."""
    import threading

    from zixun.crawl.crawler import Crawler

    stop = threading.Event()
    crawler = Crawler(open_store(settings.database_url), settings)
    thread = threading.Thread(target=crawler.run_forever, args=(stop,), name="zixun-crawler", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)
