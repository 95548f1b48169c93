"""Labelled JSONL files as every evaluator reads them: one JSON value per line, and a LabelError that names the
file, the line and the reason when one cannot be read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

# the splits of each labelled set, as `zixun eval NAME --split` offers them ("all": every line); the CLI reads them
# here, so that it offers what the sets hold without importing the evaluators (numpy, the tokenizer) to start
SPLITS = {
    "entities": ("all", "dev", "test", *(f"test{n}" for n in range(2, 18))),  # test2 ... test17
    "related": ("all", "dev", "heldout"),
    "duplicates": ("all", "dev", "heldout"),
    # heldout2 to heldout12: the second to twelfth draws, events of new kinds
    "stories": ("all", "dev", "heldout", *(f"heldout{n}" for n in range(2, 13))),
}


class LabelError(ValueError):
    """A labelled file that cannot be scored; the message names the file (and line) and the reason."""


def json_lines(path: Path) -> Iterator[tuple[int, object]]:
    """(line number, value) of each non-blank line of path."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise LabelError(f"{path}: cannot read ({error})") from None
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise LabelError(f"{path}:{number}: not valid JSON ({error.msg})") from None
        yield number, value
