#!/usr/bin/env python3
"""Turn gold_spec.json (hand-chosen paragraph boundaries) into expected.json with the gold body text.

Deliberately independent of zixun's extractor: a plain block renderer over lxml, so the gold
cannot inherit the extractor's mistakes. Run: .venv/bin/python tests/data/pages/materialize_gold.py
"""

import json
import re
from pathlib import Path

import lxml.html

HERE = Path(__file__).parent
BLOCK = {
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "td",
    "table",
    "center",
    "section",
    "article",
    "blockquote",
    "dd",
    "dt",
    "dl",
    "figure",
    "figcaption",
    "header",
    "footer",
    "br",
}


def render_lines(html: str) -> list[str]:
    """Visible text of a page, one line per block element or <br>."""
    root = lxml.html.fromstring(html)
    for el in root.xpath("//script|//style|//comment()|//*[contains(translate(@style,' ',''),'display:none')]"):
        if el.getparent() is not None:
            el.drop_tree()
    lines, buf = [], []

    def flush():
        text = re.sub(r"\s+", " ", "".join(buf)).strip(" \u3000")
        if text:
            lines.append(text)
        buf.clear()

    def walk(el):
        block = isinstance(el.tag, str) and el.tag in BLOCK
        if block:
            flush()
        buf.append(el.text or "")
        for child in el:
            walk(child)
            buf.append(child.tail or "")
        if block:
            flush()

    walk(root)
    flush()
    return lines


def gold_body(lines: list[str], spec: dict) -> list[str]:
    """The lines from the one holding spec['start'] to the one holding spec['end'], minus spec['drop']."""
    first = next(i for i, line in enumerate(lines) if spec["start"] in line)
    last = next(i for i in range(len(lines) - 1, first - 1, -1) if spec["end"] in lines[i])
    body = []
    for line in lines[first : last + 1]:
        if any(d in line for d in spec.get("drop", [])):
            continue
        for s in spec.get("strip", []):
            line = line.replace(s, "").strip()
        body.append(line)
    return body


def main() -> None:
    specs = json.loads((HERE / "gold_spec.json").read_text(encoding="utf-8"))
    expected = {}
    for name, spec in specs.items():
        if name.startswith("_"):
            continue
        html = (HERE / f"{name}.html").read_text(encoding="utf-8")
        fields = {k: v for k, v in spec.items() if k not in ("start", "end", "drop", "strip")}
        expected[name] = {**fields, "file": f"{name}.html", "gold_body": gold_body(render_lines(html), spec)}
    out = {"_comment": specs["_comment"], "pages": expected}
    (HERE / "expected.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
