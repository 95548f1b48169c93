"""JSON Lines of articles, in the format of the dev corpus (id, title, body, category, source, ...)."""
from __future__ import annotations

import json

from zixun.ingest.dates import parse_datetime
from zixun.models import Extracted, IngestError

_TEXT_FIELDS = ("url", "author", "source", "category")
_COUNTERS = ("views", "comments")


def extract_jsonl(text: str, path: str) -> list[Extracted]:
    """Every article of a JSONL file; one bad line refuses the whole file, naming the line."""
    articles = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            articles.append(_article(line, f"{path} line {number}", path))
    if not articles:
        raise IngestError(path, "no JSON lines in the file")
    return articles


def _article(line: str, where: str, path: str) -> Extracted:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise IngestError(where, f"not valid JSON ({error.msg} at column {error.colno})") from None
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
            if not isinstance(record[field], int) or record[field] < 0:
                raise IngestError(where, f"'{field}' must be a non-negative integer")
            setattr(article, field, record[field])
    return article
