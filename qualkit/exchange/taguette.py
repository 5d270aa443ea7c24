"""Codebook CSVs exported by Taguette (``tag, description, number of highlights``).

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
from pathlib import Path

from qualkit.codebook.model import Code, Codebook
from qualkit.errors import ExchangeError
from qualkit.exchange._text import decode
from qualkit.exchange.qdc import _unique, slug


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
