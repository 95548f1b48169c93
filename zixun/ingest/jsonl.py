"""JSON Lines of articles, in the format of the dev corpus (id, title, body, category, source, ...).

The file is streamed: read in chunks, split on b"\\n" only (a raw U+2028 inside a JSON string is valid
JSON, not a line break), and a line over the size limit is skipped without being held in memory. Each
line is UTF-8 (a BOM on line 1 is allowed); a line that is not is read as GB18030, the one legacy
encoding Chinese JSON is written in. A bad line fails alone, named by its number; the others go on.
"""

from __future__ import annotations

import codecs
import json
import logging
from collections.abc import Iterator
from typing import BinaryIO

from zixun.ingest.checks import Limits, admit
from zixun.ingest.dates import parse_datetime
from zixun.models import Extracted, IngestError

log = logging.getLogger(__name__)

_TEXT_FIELDS = ("url", "author", "source", "category")
_COUNTERS = ("views", "comments")
_CHUNK = 1 << 20


def read_jsonl(stream: BinaryIO, path: str, limits: Limits) -> Iterator[Extracted | IngestError]:
    """Every article of a JSONL stream, and an IngestError for each bad line; closes the stream."""
    found = False
    with stream:
        for number, line, size in _lines(stream, limits.line_bytes):
            where = f"{path} line {number}"
            if line is None:
                found = True
                yield IngestError(
                    where, f"line is {size:,} bytes, over the {limits.line_bytes:,}-byte limit (ZIXUN_MAX_LINE_BYTES)"
                )
            elif line.strip():
                found = True
                yield _record(line, number, where, path, limits)
    if not found:
        yield IngestError(path, "no JSON lines in the file")


def _lines(stream: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None, int]]:
    """(number, line without its b"\\n", size) per line; line is None when it is over limit bytes."""
    pending, over, number = bytearray(), 0, 0  # over: bytes of a too-long line so far, skipped
    while chunk := stream.read(_CHUNK):
        start = 0
        while (end := chunk.find(b"\n", start)) != -1:
            number += 1
            yield _line(number, pending, over, chunk[start:end], limit)
            pending, over, start = bytearray(), 0, end + 1
        rest = memoryview(chunk)[start:]
        if over or len(pending) + len(rest) > limit:
            over, pending = (over or len(pending)) + len(rest), bytearray()
        else:
            pending += rest
    if pending or over:
        yield _line(number + 1, pending, over, b"", limit)


def _line(number: int, pending: bytearray, over: int, tail: bytes, limit: int) -> tuple[int, bytes | None, int]:
    size = (over or len(pending)) + len(tail)
    return (number, None, size) if over or size > limit else (number, bytes(pending) + tail, size)


def _record(line: bytes, number: int, where: str, path: str, limits: Limits) -> Extracted | IngestError:
    """The line's article admitted by checks.py, or an IngestError naming the line and the reason."""
    try:
        return admit(_article(_decode(line, number, where), where, path), where, limits)
    except IngestError as error:
        return error
    except Exception as error:  # one odd line fails alone, named; the file's other lines go on
        log.debug("unexpected error in %s", where, exc_info=True)
        return IngestError(where, f"unexpected error: {type(error).__name__}: {error}")


def _decode(line: bytes, number: int, where: str) -> str:
    if number == 1 and line.startswith(codecs.BOM_UTF8):
        line = line[len(codecs.BOM_UTF8) :]
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return line.decode("gb18030")
    except UnicodeDecodeError:
        raise IngestError(where, "not UTF-8 (nor GB18030) text") from None


def _article(line: str, where: str, path: str) -> Extracted:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise IngestError(where, f"not valid JSON ({error.msg} at column {error.colno})") from None
    except (ValueError, RecursionError) as error:  # an int of over 4,300 digits; nesting too deep
        raise IngestError(where, f"not valid JSON ({error})") from None
    if not isinstance(record, dict):
        raise IngestError(where, "a line must hold one JSON object")
    for field in ("title", "body"):
        if not isinstance(record.get(field), str) or not record[field].strip():
            raise IngestError(where, f"'{field}' must be a non-empty string")
    published = record.get("published_at")
    published_at = parse_datetime(published) if isinstance(published, str) else None
    if published and published_at is None:
        raise IngestError(where, f"'published_at' is not a date-time: {published!r}")
    article = Extracted(
        path=path,
        title=record["title"].strip(),
        body=[p.strip() for p in record["body"].split("\n") if p.strip()],
        guid=str(record["id"]) if record.get("id") is not None else None,
        published_at=published_at,
        declared_original=bool(record.get("declared_original", False)),
    )
    for field in _TEXT_FIELDS:
        if isinstance(record.get(field), str) and record[field].strip():
            setattr(article, field, record[field].strip())
    for field in _COUNTERS:
        if record.get(field) is not None:
            if not isinstance(record[field], int) or isinstance(record[field], bool) or record[field] < 0:
                raise IngestError(where, f"'{field}' must be a non-negative integer")
            setattr(article, field, record[field])
    return article
