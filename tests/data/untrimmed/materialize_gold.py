#!/usr/bin/env python3
"""Turn gold_spec.jsonl (hand-chosen first/last article paragraph per page) into gold.jsonl with the gold body.

Uses the same independent block renderer as tests/data/pages/materialize_gold.py (never zixun's extractor),
reading each page's original bytes as UTF-8 (every page here is stored as its package shipped it, in UTF-8).
Run: .venv/bin/python tests/data/untrimmed/materialize_gold.py
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "pages"))

from materialize_gold import gold_body, render_lines  # noqa: E402


def main() -> None:
    rows = []
    for raw in (HERE / "gold_spec.jsonl").read_text(encoding="utf-8").splitlines():
        spec = json.loads(raw)
        fields = {k: v for k, v in spec.items() if k not in ("start", "end", "drop", "strip")}
        if spec.get("readable", True):
            html = (HERE / spec["file"]).read_bytes().decode("utf-8")
            fields["gold_body"] = gold_body(render_lines(html), spec)
        rows.append(json.dumps(fields, ensure_ascii=False))
    (HERE / "gold.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
