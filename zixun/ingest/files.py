"""Input files → extracted articles: finds files, decodes them, hands each to its format's extractor.

Formats by suffix: .jsonl/.ndjson JSON lines, .xml/.rss/.atom RSS or Atom feeds; any other file is an
HTML page when it looks like one, else a text dump of a page. Only regular files are read: symbolic
links (inside folders or named), FIFOs, devices and sockets are reported and skipped, never followed or
opened for reading (a FIFO would hang the run, /dev/zero exhaust its memory).
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from zixun.ingest.checks import Limits, admit
from zixun.ingest.encoding import decode_noted
from zixun.ingest.feeds import extract_feed
from zixun.ingest.html import extract_html, looks_like_html
from zixun.ingest.jsonl import read_jsonl
from zixun.ingest.pages import extract_page
from zixun.models import Extracted, IngestError

log = logging.getLogger(__name__)

_JSONL_SUFFIXES = {".jsonl", ".ndjson"}
_FEED_SUFFIXES = {".xml", ".rss", ".atom"}
_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def find_inputs(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Each path named, and every entry under each folder named, in sorted order (hidden ones skipped).

    Entries that are not regular files (links, FIFOs, unreadable folders) are yielded too, so that
    extract_file reports them; links to folders are not descended into.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(_walk(path))
        else:
            yield path


def _walk(top: Path) -> Iterator[Path]:
    unreadable: list[OSError] = []
    for folder, dirs, files in os.walk(top, onerror=unreadable.append):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        base = Path(folder)
        for name in files + [d for d in dirs if (base / d).is_symlink()]:
            if not name.startswith("."):
                yield base / name
    yield from (Path(error.filename) for error in unreadable)


def extract_records(path: Path, limits: Limits) -> Iterator[Extracted | IngestError]:
    """What one input holds, article by article, and an IngestError for each bad record or a bad file.

    Never raises: an unexpected exception becomes an IngestError naming the file (logged in full at
    debug level), so one odd input cannot end a run.
    """
    try:
        yield from extract_file(path, limits)
    except IngestError as error:
        yield error
    except Exception as error:
        log.debug("unexpected error reading %s", path, exc_info=True)
        yield IngestError(str(path), f"unexpected error: {type(error).__name__}: {error}")


def extract_file(path: Path, limits: Limits) -> Iterable[Extracted | IngestError]:
    """The articles in one file, and an IngestError per bad record of a JSONL file or feed; raises
    IngestError naming the file when the file itself is bad (a page fails whole). JSONL is streamed."""
    name = str(path)
    suffix = path.suffix.lower()
    if suffix in _JSONL_SUFFIXES:
        return read_jsonl(os.fdopen(_open_regular(path), "rb"), name, limits)
    data = _read_page(path, limits.file_bytes)
    if suffix in _FEED_SUFFIXES:
        return extract_feed(data, name, limits)  # decodes on its own: the XML parsers need UTF-8 bytes
    text, notes = decode_noted(data, name)
    page = extract_html(text, name) if looks_like_html(text) else extract_page(text, name)
    page.notes.extend(notes)  # a few bytes shown as U+FFFD, as a browser shows them
    return [admit(page, name, limits)]


def _open_regular(path: Path) -> int:
    """A descriptor of path opened for reading when it is a regular file; IngestError names what else it is."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOFOLLOW: a link is not followed
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        if os.path.islink(path):
            raise IngestError(str(path), "skipped: a symbolic link") from None
        raise IngestError(str(path), f"cannot read the file ({error.strerror})") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = next((what for test, what in _KINDS if test(mode)), "not a file")
        raise IngestError(str(path), f"skipped: not a regular file ({kind})")
    os.set_blocking(fd, True)
    return fd


def _read_page(path: Path, limit: int) -> bytes:
    """The bytes of a page or feed, at most limit of them; IngestError when there are more."""
    with os.fdopen(_open_regular(path), "rb") as file:
        data = file.read(limit + 1)
    if len(data) > limit:
        size = os.stat(path, follow_symlinks=False).st_size
        raise IngestError(
            str(path), f"page is {max(size, len(data)):,} bytes, over the {limit:,}-byte limit (ZIXUN_MAX_FILE_BYTES)"
        )
    return data
