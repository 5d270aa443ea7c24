"""MAXQDA's exchange file (``.mex``, an SQLite database): codes and coded segments.

The code tree is ``Codewords`` (``WordID`` names the parent); each row of ``Codings``
gives the document (``TextID`` -> ``Texts.Name``), the code, character positions
(``SegPos1X``/``SegPos2X``), a ``Preview`` of the text (cut after about 63 characters),
the author, date and comment; the document's group is ``Texts.GroupID`` ->
``Textgroups.Name`` (none: ``GroupID`` 0). The document texts inside are encrypted, so the documents
must be given as a corpus; "Coded Segments" table exports are read by
:mod:`qualkit.exchange.coded_tables`.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from qualkit.errors import ExchangeError
from qualkit.exchange.segments import Segment

_CODINGS = ("SELECT c.ID, t.Name, c.WordID, c.SegPos1X, c.SegPos2X, c.Preview, c.Author, c.Date, c.CommentL, "
            "{group} FROM Codings c LEFT JOIN Texts t ON t.ID = c.TextID {join} ORDER BY c.TextID, c.SegPos1X, c.ID")
_GROUPS = {"group": "g.Name", "join": "LEFT JOIN Textgroups g ON g.ID = t.GroupID"}
_NO_GROUPS = {"group": "NULL", "join": ""}


def _paths(words: dict[int, tuple[int, str]]) -> dict[int, tuple[str, ...]]:
    paths: dict[int, tuple[str, ...]] = {}
    for wid in words:
        chain, seen, at = [], set(), wid
        while at in words and at not in seen:
            seen.add(at)
            parent, name = words[at]
            chain.append(name)
            at = parent
        paths[wid] = tuple(reversed(chain))
    return paths


def mex_segments(path: str | os.PathLike[str]) -> list[Segment]:
    """Coded segments of a MAXQDA ``.mex`` file (opened read-only)."""
    where = str(path)
    try:
        db = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            words = {i: (parent or 0, name) for i, parent, name in
                     db.execute("SELECT ID, WordID, Name FROM Codewords").fetchall()}
            tables = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            rows = db.execute(_CODINGS.format(**(_GROUPS if "Textgroups" in tables else _NO_GROUPS))).fetchall()
        finally:
            db.close()
    except sqlite3.DatabaseError as err:
        raise ExchangeError(f"not a MAXQDA exchange file ({err})", path=where,
                            hint="give a .mex file exported by MAXQDA") from err
    paths = _paths(words)
    segments = []
    for cid, doc, word, start, end, preview, author, date, comment, group in rows:
        codes = (paths[word],) if word in paths else ()
        segments.append(Segment(document=doc or "", codes=codes, text=preview or "", start=start, end=end,
                                unit="char" if start is not None else None, coder=author or "",
                                created=date or "", memo=comment or "", line=cid, preview=True,
                                group=group or ""))
    return segments
