"""Feed lists in and out as OPML 2.0: <outline type="rss" xmlUrl=... category=...>, read with defusedxml
(no DTDs, no entities) and written with the standard library's ElementTree."""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from zixun.models import IngestError, Source

_WEB_ADDRESS = re.compile(r"^https?://", re.IGNORECASE)


@dataclass(frozen=True)
class Listed:
    """A feed named in an OPML file: its URL, and its category (the outline's or its parent folder's)."""

    url: str
    category: str | None
    title: str | None


def read_opml(data: bytes, path: str) -> list[Listed]:
    """The feeds an OPML file lists; IngestError names the file when it is unsafe or not OPML."""
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError) as error:
        raise IngestError(path, f"not a safe, well-formed OPML file ({error})") from None
    if root.tag != "opml" or root.find("body") is None:
        raise IngestError(path, "not an OPML file (no <opml><body>)")
    found: list[Listed] = []
    _walk(root.find("body"), None, found)
    return found


def _walk(element, folder: str | None, found: list[Listed]) -> None:
    for outline in element.findall("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        title = outline.get("title") or outline.get("text")
        if url:
            if _WEB_ADDRESS.match(url):
                category = (outline.get("category") or "").strip().strip("/") or folder
                found.append(Listed(url, category, title))
        else:
            _walk(outline, title or folder, found)


def write_opml(sources: list[Source], title: str = "zixun feeds") -> bytes:
    """An OPML 2.0 document listing sources (each with its category)."""
    opml = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(opml, "head")
    ElementTree.SubElement(head, "title").text = title
    body = ElementTree.SubElement(opml, "body")
    for source in sources:
        attributes = {"type": "rss", "text": source.title or source.url, "xmlUrl": source.url}
        if source.title:
            attributes["title"] = source.title
        if source.category:
            attributes["category"] = source.category
        ElementTree.SubElement(body, "outline", attributes)
    return ElementTree.tostring(opml, encoding="utf-8", xml_declaration=True)
