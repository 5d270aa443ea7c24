"""Evidence spans: integer pairs in memory, ``"s-e;s-e"`` only in files.

A coding's evidence is a tuple of ``(start, end)`` document offsets (code points, end
exclusive, ``0 <= start <= end``). The codings table keeps its ``spans`` column as the
file form (so CSV bytes stay as they are and every reader sees the same cell); code that
needs the pairs calls :func:`parse_spans`, code that writes them calls
:func:`format_spans`. The parser is strict: any malformed item raises
:class:`SpanError` naming it, never a silent skip.

Example
-------
>>> parse_spans("0-6;10-17")
((0, 6), (10, 17))
>>> format_spans([(0, 6), (10, 17)])
'0-6;10-17'
>>> evidence_spans("", 3, 9)
((3, 9),)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from qualkit.errors import QualkitError

_ITEM = re.compile(r"\s*(\d+)-(\d+)\s*")


class SpanError(QualkitError, ValueError):
    """A ``spans`` cell is not ``start-end`` items joined by ``;`` with start <= end."""


def parse_spans(text: str, *, where: str | None = None) -> tuple[tuple[int, int], ...]:
    """The ``(start, end)`` pairs of a ``"s-e;s-e"`` cell (``""`` gives ``()``).

    Spaces around an item are allowed; anything else that is not ``digits-digits`` with
    start <= end raises :class:`SpanError` (``where``, e.g. ``"codings.csv, row 4"``, is
    named in the message).

    >>> parse_spans(" 3-5 ; 8-8")
    ((3, 5), (8, 8))
    >>> parse_spans("5-3")
    Traceback (most recent call last):
    ...
    qualkit.coding.spans.SpanError: bad evidence span '5-3' in '5-3': start after end. What to do: write spans as start-end offsets (start <= end) joined by ';', e.g. 0-6;10-17
    """
    if not isinstance(text, str):
        raise SpanError(f"spans must be text such as '0-6;10-17'; got {type(text).__name__} {text!r}",
                        path=where, hint="write spans as start-end offsets joined by ';'")
    if not text.strip():
        return ()
    out = []
    for item in text.split(";"):
        m = _ITEM.fullmatch(item)
        problem = "not start-end" if m is None else ("start after end" if int(m[1]) > int(m[2]) else "")
        if problem:
            raise SpanError(f"bad evidence span {item!r} in {text!r}: {problem}", path=where,
                            hint="write spans as start-end offsets (start <= end) joined by ';', "
                                 "e.g. 0-6;10-17")
        out.append((int(m[1]), int(m[2])))
    return tuple(out)


def format_spans(pairs: Iterable[tuple[int, int]]) -> str:
    """The file form of ``(start, end)`` pairs: ``"s-e;s-e"`` (the inverse of
    :func:`parse_spans`).

    >>> format_spans(())
    ''
    """
    items = []
    for pair in pairs:
        start, end = (int(x) for x in pair)
        if not 0 <= start <= end:
            raise SpanError(f"bad evidence span ({start}, {end}): offsets must satisfy 0 <= start <= end",
                            hint="pass (start, end) document offsets")
        items.append(f"{start}-{end}")
    return ";".join(items)


def evidence_spans(text: str, start: int, end: int, *, where: str | None = None) -> tuple[tuple[int, int], ...]:
    """A coding's evidence: its ``spans`` cell parsed, or ``((start, end),)`` when the
    cell is empty (a coding without recorded pieces is evidence as a whole)."""
    return parse_spans(text, where=where) or ((int(start), int(end)),)


__all__ = ["SpanError", "evidence_spans", "format_spans", "parse_spans"]
