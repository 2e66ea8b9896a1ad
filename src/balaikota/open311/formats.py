"""GeoReport v2's two formats: JSON (top-level arrays) and XML (named root and items).

Both are built from the same plain dicts, so that the two formats cannot drift apart.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpResponse

from balaikota.core import plaintext

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


def _xml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return plaintext.clean(str(value))


def _append(parent: ET.Element, name: str, value: Any, item_names: Mapping[str, str]) -> None:
    element = ET.SubElement(parent, name)
    if value is None:
        return
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _append(element, key, inner, item_names)
    elif isinstance(value, list | tuple):
        child = item_names.get(name, "item")
        for inner in value:
            _append(element, child, inner, item_names)
    else:
        element.text = _xml_value(value)


def to_xml(
    root: str, item: str, rows: Sequence[Mapping[str, Any]], item_names: Mapping[str, str]
) -> bytes:
    """`<root><item>...</item>...</root>`; lists inside an item repeat the child element
    named in `item_names` (e.g. `values` -> `value`)."""
    element = ET.Element(root)
    for row in rows:
        _append(element, item, row, item_names)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


# Names of list items in XML, per list element.
ITEM_NAMES = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "photos": "photo",
    "answers": "answer",
}


def body(fmt: str, root: str, item: str, rows: Sequence[Mapping[str, Any]]) -> bytes:
    if fmt == "xml":
        return to_xml(root, item, rows, ITEM_NAMES)
    return json.dumps(list(rows), ensure_ascii=False, separators=(",", ":")).encode()


def render(
    fmt: str, root: str, item: str, rows: Sequence[Mapping[str, Any]], status: int = 200
) -> HttpResponse:
    return HttpResponse(body(fmt, root, item, rows), status=status, content_type=CONTENT_TYPES[fmt])


def render_one(fmt: str, root: str, row: Mapping[str, Any]) -> HttpResponse:
    """A single object (discovery, service definition): an object in JSON, the root in XML."""
    if fmt == "xml":
        element = ET.Element(root)
        for key, value in row.items():
            _append(element, key, value, ITEM_NAMES)
        body = ET.tostring(element, encoding="utf-8", xml_declaration=True)
    else:
        body = json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode()
    return HttpResponse(body, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, descriptions: Sequence[str]) -> HttpResponse:
    """The specification's error list: `[{"code", "description"}]` or `<errors><error>`."""
    rows = [{"code": status, "description": text} for text in descriptions]
    return render(fmt if fmt in FORMATS else "json", "errors", "error", rows, status=status)
