"""Input files → extracted articles: finds files, decodes them, hands each to its format's extractor.

Formats by suffix: .jsonl/.ndjson JSON lines, .xml/.rss/.atom RSS or Atom feeds; any other file is an
HTML page when it looks like one, else a text dump of a page.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from zixun.ingest.encoding import decode_bytes
from zixun.ingest.feeds import extract_feed
from zixun.ingest.html import extract_html, looks_like_html
from zixun.ingest.jsonl import extract_jsonl
from zixun.ingest.pages import extract_page
from zixun.models import Extracted, IngestError

_JSONL_SUFFIXES = {".jsonl", ".ndjson"}
_FEED_SUFFIXES = {".xml", ".rss", ".atom"}


def find_inputs(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Each file named, and every file under each folder named, in sorted order (hidden ones skipped)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            yield path


def extract_file(path: Path, max_page_bytes: int) -> list[Extracted]:
    """The articles in one file; IngestError names the file (and line) and the reason."""
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise IngestError(name, f"cannot read the file ({error.strerror})") from None
    is_jsonl = path.suffix.lower() in _JSONL_SUFFIXES
    if not is_jsonl and size > max_page_bytes:
        raise IngestError(name, f"page is {size:,} bytes, over the {max_page_bytes:,}-byte limit (ZIXUN_MAX_FILE_BYTES)")
    data = path.read_bytes()
    if path.suffix.lower() in _FEED_SUFFIXES:
        return extract_feed(data, name)   # decodes on its own: the XML parsers need UTF-8 bytes
    text = decode_bytes(data, name)
    if is_jsonl:
        return extract_jsonl(text, name)
    if looks_like_html(text):
        return [extract_html(text, name)]
    return [extract_page(text, name)]
