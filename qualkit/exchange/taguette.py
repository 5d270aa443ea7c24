"""Taguette: codebook CSVs, the highlights ``.docx`` export and the ``.sqlite3`` project.

Codebook CSVs have the columns ``tag, description, number of highlights``; highlights
CSV/xlsx exports are read by :mod:`qualkit.exchange.coded_tables`.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "codebook.csv"
>>> _ = path.write_text("tag,description,number of highlights\\nSystem issue,Slow or crashing,45\\n")
>>> [(c.id, c.name, c.description) for c in read_codebook_csv(path).codes]
[('system_issue', 'System issue', 'Slow or crashing')]
"""

from __future__ import annotations

import csv
import io
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from docx import Document as DocxDocument

from qualkit.codebook.model import Code, Codebook
from qualkit.errors import ExchangeError
from qualkit.exchange._fold import html_text, strip_html
from qualkit.exchange._text import decode
from qualkit.exchange.qdc import _unique, slug
from qualkit.exchange.segments import Segment


def read_codebook_csv(path: str | os.PathLike[str]) -> Codebook:
    """Read a Taguette-style codebook CSV into a Codebook.

    Columns (header names case-insensitive): ``tag`` (required; the code name),
    ``description`` (optional), ``number of highlights`` (optional; kept in the code's
    ``memo`` as ``highlights: N``). Code ids are made from the tag names (unique).
    Raises ExchangeError naming the file and line for a missing ``tag`` column, an empty
    tag or a tag listed twice.
    """
    where = str(path)
    try:
        text = decode(Path(path).read_bytes())[0]
    except OSError as err:
        raise ExchangeError(f"cannot read the codebook CSV ({err.strerror})", path=where, hint="check the path") from err
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = {(h or "").strip().lower(): h for h in reader.fieldnames or []}
    if "tag" not in header:
        raise ExchangeError(f"no 'tag' column (columns: {list(reader.fieldnames or [])})", path=where, line=1,
                            hint="a Taguette codebook CSV has the columns tag, description, number of highlights")
    codes: list[Code] = []
    taken: set[str] = set()
    names: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        name = (row.get(header["tag"]) or "").strip()
        if not name:
            raise ExchangeError("empty tag", path=where, line=line, hint="give every row a tag name or remove it")
        if name in names:
            raise ExchangeError(f"tag {name!r} is listed twice (first on line {names[name]})", path=where,
                                line=line, hint="merge the two rows")
        names[name] = line
        description = (row.get(header.get("description", ""), "") or "").strip() if "description" in header else ""
        count = (row.get(header["number of highlights"]) or "").strip() if "number of highlights" in header else ""
        codes.append(Code(id=_unique(slug(name), taken), name=name, description=description,
                          memo=f"highlights: {count}" if count else "", line=line))
    if not codes:
        raise ExchangeError("the codebook CSV has no tags", path=where, hint="export the codebook again from Taguette")
    return Codebook(name=Path(path).stem, codes=tuple(codes), description="imported from a Taguette codebook CSV",
                    path=where)


# -- highlights -----------------------------------------------------------------------

_DOCX_META = re.compile(r"^\s*Document:\s*(?P<doc>.*?)\s+Tags:\s*(?P<tags>.*?)\s*$")


def docx_segments(path: str | os.PathLike[str]) -> list[Segment]:
    """Highlights from Taguette's "highlights" ``.docx`` export.

    Each highlight is its text paragraphs followed by a ``Document: NAME Tags: A, B`` line.
    """
    try:
        paragraphs = [p.text for p in DocxDocument(str(path)).paragraphs]
    except Exception as err:  # noqa: BLE001 - python-docx raises many kinds on a bad file
        raise ExchangeError(f"cannot read the .docx ({type(err).__name__}: {err})", path=str(path),
                            hint="export the highlights from Taguette again") from err
    segments: list[Segment] = []
    block: list[str] = []
    for number, text in enumerate(paragraphs, start=1):
        meta = _DOCX_META.match(text)
        if meta is None:
            if text.strip() and text.strip() != "Taguette highlights":
                block.append(text)
            continue
        tags = [t.strip() for t in meta.group("tags").split(", ") if t.strip()]
        segments.append(Segment(document=meta.group("doc"), codes=tuple((t,) for t in tags),
                                text="\n".join(block), line=number))
        block = []
    if not segments:
        raise ExchangeError("no 'Document: ... Tags: ...' lines: not a Taguette highlights export",
                            path=str(path), hint="export the highlights from Taguette as .docx")
    return segments


@dataclass(frozen=True)
class TaguetteProject:
    """What a Taguette ``.sqlite3`` project holds: document texts, tag descriptions, segments."""

    texts: dict[str, str]
    descriptions: dict[tuple[str, ...], str]
    segments: list[Segment]


def _query(db: sqlite3.Connection, sql: str, where: str) -> list[tuple]:
    try:
        return db.execute(sql).fetchall()
    except sqlite3.DatabaseError as err:
        raise ExchangeError(f"not a Taguette project ({err})", path=where,
                            hint="give the .sqlite3 file of a Taguette project") from err


def read_project(path: str | os.PathLike[str]) -> TaguetteProject:
    """Read a Taguette ``.sqlite3`` project (opened read-only).

    Document texts are the text of the stored HTML (tags removed, entities decoded).
    Taguette's offsets count close to, but not exactly in, this text (they drift by a few
    characters per paragraph), so each highlight is placed by its snippet's text and the
    offset only chooses between repeats.
    """
    where = str(path)
    try:
        db = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as err:
        raise ExchangeError(f"cannot open the database ({err})", path=where, hint="check the path") from err
    try:
        docs = {i: (name, html_text(contents)) for i, name, contents in
                _query(db, "SELECT id, name, contents FROM documents ORDER BY id", where)}
        tags = {i: (p, d) for i, p, d in _query(db, "SELECT id, path, description FROM tags", where)}
        links: dict[int, list[int]] = {}
        for highlight, tag in _query(db, "SELECT highlight_id, tag_id FROM highlight_tags ORDER BY tag_id", where):
            links.setdefault(highlight, []).append(tag)
        users = [u for (u,) in _query(db, "SELECT DISTINCT user_login FROM commands", where)] \
            if _has_table(db, "commands") else []
        rows = _query(db, "SELECT id, document_id, start_offset, end_offset, snippet FROM highlights "
                          "ORDER BY document_id, start_offset, id", where)
    finally:
        db.close()
    coder = users[0] if len(users) == 1 else ""
    segments = []
    for hid, doc_id, start, end, snippet in rows:
        name, text = docs.get(doc_id, (f"document {doc_id}", ""))
        segments.append(Segment(document=name, codes=tuple((tags[t][0],) for t in links.get(hid, ()) if t in tags),
                                text=strip_html(snippet), start=start, end=end, unit="char", coder=coder,
                                line=hid))
    return TaguetteProject(texts=dict(docs.values()), descriptions={(p,): d for p, d in tags.values() if d},
                           segments=segments)


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone() is not None
