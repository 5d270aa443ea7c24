"""W3C Web Annotations (JSON / JSON-LD) that tag text: Recogito, Hypothesis, INCEpTION, ...

A file holds one annotation, a list of them, or an ``AnnotationCollection`` /
``AnnotationPage`` (``items``, or ``first.items``). Each annotation's tags are the
``value`` (or CATMA-style ``tag``) of its bodies whose ``purpose`` is ``tagging``,
``classifying`` or ``identifying`` (or that give no purpose); ``commenting`` bodies go
into the memo. Each target names the document (``source``, its last path part) and
selects text with a ``TextQuoteSelector`` (``exact``: the text to find) and/or a
``TextPositionSelector`` (``start``/``end``: used to choose between repeats).
CATMA projects are read by :mod:`qualkit.exchange.catma`.

>>> note = {"type": "Annotation", "body": {"purpose": "tagging", "value": "Fear"},
...         "target": {"source": "https://example.org/docs/p12.txt",
...                    "selector": {"type": "TextQuoteSelector", "exact": "I was afraid"}}}
>>> [(s.document, s.codes, s.text) for s in annotation_segments([note], where="x.json")]
[('p12.txt', (('Fear',),), 'I was afraid')]
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from qualkit.errors import ExchangeError
from qualkit.exchange._text import decode
from qualkit.exchange.segments import Segment

_TAGGING = frozenset({"tagging", "classifying", "identifying", ""})


def _listed(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _annotations(data: Any) -> list[dict]:
    if isinstance(data, list):
        return [a for a in data if isinstance(a, dict)]
    if isinstance(data, dict):
        if "items" in data:
            return _annotations(data["items"])
        if isinstance(data.get("first"), dict):
            return _annotations(data["first"])
        if data.get("type") == "Annotation" or "target" in data:
            return [data]
    return []


def _tags_and_notes(note: dict) -> tuple[list[str], list[str]]:
    tags, notes = [], []
    for body in _listed(note.get("body")):
        if isinstance(body, str):
            tags.append(body)
            continue
        if not isinstance(body, dict):
            continue
        value = body.get("value", body.get("tag"))
        if value is None:
            continue
        purpose = str(body.get("purpose", "")).lower()
        (tags if purpose in _TAGGING else notes).append(str(value))
    return tags, notes


def _creator(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or value.get("nickname") or value.get("id") or "")
    return str(value or "")


def annotation_segments(data: Any, *, where: str) -> list[Segment]:
    """Segments of parsed Web Annotation JSON; ExchangeError when it holds no annotation."""
    notes = _annotations(data)
    if not notes:
        raise ExchangeError("no W3C Web Annotations found", path=where,
                            hint="give a JSON list of annotations or an AnnotationCollection")
    segments = []
    for number, note in enumerate(notes, start=1):
        tags, memos = _tags_and_notes(note)
        for target in _listed(note.get("target")):
            source = target if isinstance(target, str) else str(target.get("source", ""))
            quote, start, end = "", None, None
            for sel in _listed(target.get("selector") if isinstance(target, dict) else None):
                if sel.get("type") == "TextQuoteSelector":
                    quote = str(sel.get("exact", ""))
                elif sel.get("type") == "TextPositionSelector":
                    start, end = sel.get("start"), sel.get("end")
            segments.append(Segment(
                document=source.rstrip("/").rsplit("/", 1)[-1].split("#", 1)[0], codes=tuple((t,) for t in tags),
                text=quote, start=start, end=end, unit="char" if start is not None else None,
                coder=_creator(note.get("creator")), created=str(note.get("created", "")),
                memo="\n".join(memos), line=number))
    return segments


def read_annotations(path: str | os.PathLike[str]) -> list[Segment]:
    """Segments of a Web Annotation ``.json``/``.jsonld`` file."""
    try:
        data = json.loads(decode(Path(path).read_bytes())[0])
    except (OSError, ValueError) as err:
        raise ExchangeError(f"cannot read the JSON ({err})", path=str(path), hint="export the annotations again") from err
    return annotation_segments(data, where=str(path))
