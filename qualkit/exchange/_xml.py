"""Safe XML parsing and small helpers shared by the REFI-QDA readers and writers.

Reading goes through defusedxml (no DTD entities, no external references), and element
and attribute names are matched by local name, case-insensitively, so that harmless
deviations of real files (missing namespace, odd case) do not matter.

>>> root = parse_xml(b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>', "x.qdc")
>>> local(root.tag), [local(c.tag) for c in children(root, "codes")]
('CodeBook', ['Codes'])
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from typing import Any

import defusedxml
import defusedxml.ElementTree as DET
import numpy as np

from qualkit.errors import ExchangeError

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"

QUALKIT_NAMESPACE = uuid.UUID("5b0c1f4e-6a8e-5a39-9d57-2f1b7c0e9a11")
"""Fixed namespace of every GUID qualkit writes (uuid5 over ``kind:key``)."""

MARKER = "qualkit: "
"""Prefix of the machine-readable last line qualkit writes into Description elements."""

_GUID_RE = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$")


def stable_guid(kind: str, key: str) -> str:
    """A GUID that is the same on every export: uuid5 over the qualkit namespace.

    >>> stable_guid("code", "fear") == stable_guid("code", "fear")
    True
    """
    # uuid.uuid5 spelled out (same bytes, about three times faster: exports write one GUID
    # per coding and selection); version nibble 5 and variant bits 10 set on the hex digits
    h = hashlib.sha1(_NAMESPACE_BYTES + f"{kind}:{key}".encode("utf-8")).hexdigest()
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


_NAMESPACE_BYTES = QUALKIT_NAMESPACE.bytes
_VARIANT = {f"{n:x}": f"{(n & 0x3) | 0x8:x}" for n in range(16)}


def stable_guids(kind: str, keys: Iterable[str]) -> list[str]:
    """:func:`stable_guid` of many keys at once (the same GUIDs, in order): one C-level
    SHA-1 per key, the version/variant bits and the hex layout done by numpy for all.

    >>> stable_guids("code", ["fear", "hope"]) == [stable_guid("code", k) for k in ("fear", "hope")]
    True
    """
    prefix = _NAMESPACE_BYTES + f"{kind}:".encode("utf-8")
    digests = b"".join(map(_DIGEST, map(hashlib.sha1, map(prefix.__add__, map(str.encode, keys)))))
    raw = np.frombuffer(digests, dtype=np.uint8).reshape(-1, 20)[:, :16].copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x50  # version 5
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # variant 10
    text = np.full((len(raw), 36), ord("-"), dtype=np.uint8)
    text[:, _HEX_AT] = _HEX_DIGITS[np.stack([raw >> 4, raw & 0x0F], axis=2).reshape(len(raw), 32)]
    joined = text.tobytes().decode("ascii")
    return [joined[i:i + 36] for i in range(0, len(joined), 36)]


_DIGEST = type(hashlib.sha1()).digest
_HEX_DIGITS = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_HEX_AT = [i for i in range(36) if i not in (8, 13, 18, 23)]  # where the dashes are not


def guid_key(value: str | None) -> str:
    """Normalise a GUID for lookups: braces and surrounding blanks dropped, lower case.

    Non-GUID ids (``c001``) are kept as they are, only stripped and lower-cased.

    >>> guid_key("{1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294}")
    '1ff58b12-6f6f-4b0c-8be5-bbdc91f55294'
    """
    text = (value or "").strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    return text.lower()


def is_guid(value: str) -> bool:
    """True when ``value`` is a GUID as the REFI schemas define it (braces allowed)."""
    return bool(_GUID_RE.match(value.strip()))


def parse_xml(data: bytes, where: str) -> ET.Element:
    """Parse XML bytes safely; ExchangeError naming ``where`` and the line on failure."""
    try:
        return DET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except ET.ParseError as err:
        line = err.position[0] if getattr(err, "position", None) else None
        raise ExchangeError(
            f"malformed XML: {err.msg if hasattr(err, 'msg') else err}", path=where, line=line,
            hint="repair the file (an unclosed or misspelled tag?) or export it again from its tool",
        ) from err
    except defusedxml.DefusedXmlException as err:
        raise ExchangeError(
            f"refused XML with entity declarations or external references ({type(err).__name__})",
            path=where,
            hint="REFI-QDA files never need DTD entities; export the file again from its tool",
        ) from err


def local(tag: Any) -> str:
    """Local name of an element tag (namespace dropped)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(element: ET.Element, name: str) -> list[ET.Element]:
    """Direct children whose local name equals ``name`` case-insensitively."""
    key = name.lower()
    return [c for c in element if local(c.tag).lower() == key]


def child(element: ET.Element, name: str) -> ET.Element | None:
    """The first direct child with this local name, or None."""
    found = children(element, name)
    return found[0] if found else None


def descendants(element: ET.Element, name: str) -> Iterator[ET.Element]:
    """Every descendant (document order) whose local name equals ``name`` (any case)."""
    key = name.lower()
    return (e for e in element.iter() if e is not element and local(e.tag).lower() == key)


def attr(element: ET.Element, name: str, default: str | None = None) -> str | None:
    """Attribute by local name, case-insensitively."""
    if name in element.attrib:
        return element.attrib[name]
    key = name.lower()
    for k, v in element.attrib.items():
        if local(k).lower() == key:
            return v
    return default


def text_of(element: ET.Element | None) -> str:
    """The element's text ('' when absent)."""
    return (element.text or "") if element is not None else ""


def split_marker(description: str) -> tuple[str, dict[str, Any] | None]:
    """Split a Description into its human text and qualkit's JSON block (or None).

    >>> split_marker('Fear of risks\\nqualkit: {"id": "fear"}')
    ('Fear of risks', {'id': 'fear'})
    """
    text = description.rstrip()
    head, _, last = text.rpartition("\n")
    if not last.startswith(MARKER):
        return description.strip(), None
    try:
        data = json.loads(last[len(MARKER):])
    except json.JSONDecodeError:
        return description.strip(), None
    return (head.strip(), data) if isinstance(data, dict) else (description.strip(), None)


def with_marker(human: str, data: dict[str, Any]) -> str:
    """Human text followed by one ``qualkit: {json}`` line."""
    block = MARKER + json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
    return f"{human.strip()}\n{block}" if human.strip() else block


def root_element(tag: str, ns: str, **attrs: str | None) -> ET.Element:
    """A root element declaring ``ns`` as the default namespace (children use plain tags)."""
    return ET.Element(tag, {"xmlns": ns, **{k: v for k, v in attrs.items() if v is not None}})


def sub(_parent: ET.Element, _tag: str, /, **attrs: str | None) -> ET.Element:
    """Append a child ``_tag`` with the attributes that are not None."""
    return ET.SubElement(_parent, _tag, {k: v for k, v in attrs.items() if v is not None})


def serialise(root: ET.Element) -> bytes:
    """UTF-8 bytes with an XML declaration, indented (text content is left untouched)."""
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")
