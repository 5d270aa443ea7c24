"""Manual coding from a notebook: one coder's immutable CodingSheet, and merging coders.

A :class:`CodingSheet` holds one coder's codings. Every method returns a NEW sheet, so a
notebook cell can be re-run without side effects. ``to_frame()`` gives the shared codings
table (:mod:`qualkit.coding.frame`) with ``method="manual"``, the sheet's coder,
``confidence=1.0`` and an empty ``cue``.

Coding the same passage with the same code twice adds the new span to that coding's
``spans`` (the key of a coding is ``(passage_id, code_id, coder)``); the first span stays
in ``start``/``end``, and a new non-empty memo is appended after ``" | "``.

:func:`merge_codings` combines several coders' tables or files without losing anyone's
codings. Rule: rows are keyed by ``(passage_id, code_id, coder)``; exact duplicates
collapse to one row; two different rows with the same key are a conflict, which raises a
:class:`~qualkit.errors.QualkitError` naming both rows (``on_conflict="raise"``, the
default) or keeps the row given last with a warning (``on_conflict="last"``).

Example
-------
>>> from qualkit.corpus import Corpus, Document, Passage
>>> doc = Document(id="a.txt", text="P: Halo.\\nK: Saya takut.", source_type="interview")
>>> corpus = Corpus(documents=(doc,), passages=(Passage("a.txt", "a.txt#p2", 12, 24).with_text(doc),))
>>> sheet = CodingSheet(coder="rina").add("a.txt#p2", "ind_inhibit_fear", corpus=corpus, start=17, end=23)
>>> sheet.to_frame()[["passage_id", "code_id", "start", "end", "coder", "method"]].values.tolist()
[['a.txt#p2', 'ind_inhibit_fear', 17, 23, 'rina', 'manual']]
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from qualkit._io import atomic_write, write_csv
from qualkit.codebook.model import Codebook
from qualkit.coding.frame import CODING_COLUMNS, CODING_KEY, codings_frame, empty_codings, validate_codings
from qualkit.coding.spans import SpanError, evidence_spans, format_spans
from qualkit.corpus import Corpus, Passage
from qualkit.errors import LoadError, QualkitError

__all__ = ["ManualCoding", "CodingSheet", "merge_codings", "read_codings"]

_FORMATS = (".csv", ".json")


@dataclass(frozen=True)
class ManualCoding:
    """One coder's coding of one passage with one code (one or more spans)."""

    passage_id: str
    doc_id: str
    code_id: str
    spans: tuple[tuple[int, int], ...]
    memo: str = ""

    def row(self, coder: str, codebook_hash: str) -> dict[str, Any]:
        """The coding as a codings-table row."""
        start, end = self.spans[0]
        return {
            "passage_id": self.passage_id, "doc_id": self.doc_id, "code_id": self.code_id,
            "start": start, "end": end, "spans": format_spans(self.spans),
            "cue": "", "coder": coder, "method": "manual", "confidence": 1.0,
            "codebook_hash": codebook_hash, "memo": self.memo,
        }


@dataclass(frozen=True)
class CodingSheet:
    """One coder's manual codings; methods return new sheets, never mutate.

    Parameters
    ----------
    coder : the coder's name or initials (recorded in every row).
    codebook_hash : version hash of the codebook coded against (``Codebook.hash``).
    codebook : optional codebook; when given, ``add`` checks the code exists, and an
        empty ``codebook_hash`` is taken from it.
    codings : the codings so far (normally built through :meth:`add`).

    >>> sheet = CodingSheet(coder="rina", codebook_hash="abc123")
    >>> len(sheet.add(Passage("a", "a#p1", 0, 4, text="Halo"), "greeting"))
    1
    >>> len(sheet)   # the original is unchanged
    0
    """

    coder: str
    codebook_hash: str = ""
    codebook: Codebook | None = field(default=None, repr=False, compare=False)
    codings: tuple[ManualCoding, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.coder, str) or not self.coder.strip():
            raise QualkitError(
                f"The 'coder' parameter of CodingSheet must be a non-empty string; got {self.coder!r} instead",
                hint="pass coder='your name or initials'",
            )
        if self.coder == "auto" or self.coder == "suggester":
            raise QualkitError(
                f"coder name {self.coder!r} is reserved for machine codings",
                hint="use a person's name or initials as coder",
            )
        ordered = sorted(self.codings, key=lambda c: (c.doc_id, c.spans[0], c.code_id, c.passage_id))
        object.__setattr__(self, "codings", tuple(ordered))
        if not self.codebook_hash and self.codebook is not None:
            object.__setattr__(self, "codebook_hash", self.codebook.hash)

    def __len__(self) -> int:
        return len(self.codings)

    # -- editing ----------------------------------------------------------------------
    def add(
        self,
        passage: Passage | str,
        code_id: str,
        *,
        corpus: Corpus | None = None,
        start: int | None = None,
        end: int | None = None,
        memo: str = "",
    ) -> CodingSheet:
        """Return a new sheet with ``code_id`` applied to a passage or a span inside it.

        ``passage`` is a :class:`Passage` or a passage id (then ``corpus`` is required).
        ``start``/``end`` are offsets into the document text (code points, end
        exclusive) and must lie inside the passage; omit both to code the whole passage.
        """
        p = self._resolve(passage, corpus)
        if not isinstance(code_id, str) or not code_id:
            raise QualkitError(f"code id must be a non-empty string; got {code_id!r}",
                               hint="pass the code's id from the codebook")
        if self.codebook is not None and code_id not in self.codebook:
            known = ", ".join(c.id for c in self.codebook.codes[:8])
            raise QualkitError(
                f"code {code_id!r} is not in codebook {self.codebook.name!r}",
                hint=f"use one of its code ids ({known}, ...) or add the code to the codebook",
            )
        span = self._span(p, start, end)
        if not isinstance(memo, str):
            raise QualkitError(f"memo must be a string; got {type(memo).__name__}")
        new: list[ManualCoding] = []
        merged = False
        for c in self.codings:
            if c.passage_id == p.id and c.code_id == code_id:
                spans = c.spans if span in c.spans else c.spans + (span,)
                text = c.memo
                if memo and memo not in c.memo.split(" | "):
                    text = f"{c.memo} | {memo}" if c.memo else memo
                c = replace(c, spans=spans, memo=text)
                merged = True
            new.append(c)
        if not merged:
            new.append(ManualCoding(p.id, p.doc_id, code_id, (span,), memo))
        return replace(self, codings=tuple(new))

    def remove(self, passage_id: str, code_id: str) -> CodingSheet:
        """Return a new sheet without this coder's coding of ``code_id`` on the passage."""
        if isinstance(passage_id, Passage):
            passage_id = passage_id.id
        kept = tuple(c for c in self.codings if not (c.passage_id == passage_id and c.code_id == code_id))
        if len(kept) == len(self.codings):
            raise QualkitError(
                f"coder {self.coder!r} has no coding of {code_id!r} on passage {passage_id!r}",
                hint="check the ids with sheet.to_frame()",
            )
        return replace(self, codings=kept)

    def _resolve(self, passage: Passage | str, corpus: Corpus | None) -> Passage:
        if isinstance(passage, Passage):
            if corpus is not None:
                found = _find_passage(corpus, passage.id)
                if found is None or found != passage:
                    raise QualkitError(f"passage {passage.id!r} is not in the corpus given",
                                       path=passage.doc_id,
                                       hint="pass a passage of that corpus, or omit corpus=")
            return passage
        if not isinstance(passage, str):
            raise QualkitError(
                f"The 'passage' parameter of CodingSheet.add must be a Passage or a passage id; "
                f"got {type(passage).__name__} instead"
            )
        if corpus is None:
            raise QualkitError(f"cannot look up passage {passage!r} without a corpus",
                               hint="pass corpus=... or the Passage object itself")
        found = _find_passage(corpus, passage)
        if found is None:
            doc = passage.split("#", 1)[0]
            near = [p.id for p in corpus.passages if p.doc_id == doc][:5]
            raise QualkitError(
                f"no passage {passage!r} in the corpus",
                hint=f"use an id from corpus.passages_frame() (in {doc!r}: {near})" if near
                else "use an id from corpus.passages_frame()",
            )
        return found

    @staticmethod
    def _span(p: Passage, start: int | None, end: int | None) -> tuple[int, int]:
        if start is None and end is None:
            return (p.start, p.end)
        s = p.start if start is None else start
        e = p.end if end is None else end
        for name, value in (("start", s), ("end", e)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise QualkitError(f"{name} must be an integer offset; got {value!r}")
        if not (p.start <= s < e <= p.end):
            raise QualkitError(
                f"span {s}-{e} is not inside passage {p.id} ({p.start}-{p.end}) or is empty",
                path=p.doc_id,
                hint="give document offsets with passage.start <= start < end <= passage.end",
            )
        return (s, e)

    # -- views and files -----------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """The codings table (method ``manual``, this sheet's coder)."""
        return codings_frame(c.row(self.coder, self.codebook_hash) for c in self.codings)

    def _repr_html_(self) -> str:
        head = f"<p><b>CodingSheet</b> of {self.coder}: {len(self)} coding(s)</p>"
        return head + (self.to_frame().to_html(index=False) if len(self) else "")

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the sheet atomically as CSV (the codings table) or JSON; return the path.

        The JSON form also keeps the coder and codebook hash of an empty sheet.
        """
        target = Path(path)
        suffix = target.suffix.lower()
        if suffix == ".csv":
            return write_csv(self.to_frame(), target)
        if suffix == ".json":
            data = {
                "coder": self.coder, "codebook_hash": self.codebook_hash,
                "codings": _records(self.to_frame()),
            }
            atomic_write(target, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
            return target
        raise QualkitError(f"cannot save a coding sheet as {suffix or 'a file without suffix'!r}",
                           path=str(target), hint="use a .csv or .json file name")

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        *,
        coder: str | None = None,
        codebook: Codebook | None = None,
    ) -> CodingSheet:
        """Read a sheet saved by :meth:`save` (or any codings table of one coder).

        A file with several coders needs ``coder=`` to pick one (or use
        :func:`merge_codings` to read them all).
        """
        source = Path(path)
        frame, meta = _read(source)
        frame = frame[frame["method"] == "manual"] if len(frame) else frame
        coders = sorted(set(frame["coder"])) if len(frame) else []
        name = coder or meta.get("coder")
        if name is None:
            if len(coders) != 1:
                raise LoadError(
                    f"file holds codings of {len(coders)} coders {coders}" if coders
                    else "file holds no codings and does not name a coder",
                    path=str(source),
                    hint="pass coder='...' to choose one, or use merge_codings() for several",
                )
            name = coders[0]
        frame = frame[frame["coder"] == name] if len(frame) else frame
        hashes = sorted(set(frame["codebook_hash"])) if len(frame) else []
        if len(hashes) > 1:
            raise LoadError(f"codings of {name!r} were made with several codebook versions {hashes}",
                            path=str(source), hint="split the file by codebook_hash first")
        book_hash = meta.get("codebook_hash") or (hashes[0] if hashes else "")
        codings = []
        for i, row in enumerate(frame.itertuples(index=False), start=2):
            try:
                spans = evidence_spans(row.spans, row.start, row.end)
            except SpanError as err:
                raise LoadError(err.message, path=f"{source}, row {i}", hint=err.hint) from None
            codings.append(ManualCoding(row.passage_id, row.doc_id, row.code_id, spans, row.memo or ""))
        return cls(coder=name, codebook_hash=book_hash, codebook=codebook, codings=tuple(codings))


# -- merging ----------------------------------------------------------------------------------
def merge_codings(
    *frames_or_paths: pd.DataFrame | CodingSheet | str | os.PathLike[str],
    on_conflict: str = "raise",
) -> pd.DataFrame:
    """Merge several coders' codings (tables, sheets or CSV/JSON files) into one table.

    Rows are keyed by ``(passage_id, code_id, coder)``. Exact duplicates collapse; two
    different rows with one key are a conflict: ``on_conflict="raise"`` (default) raises
    naming both rows, ``"last"`` keeps the row given last and warns.

    >>> a = CodingSheet(coder="rina").add(Passage("d", "d#p1", 0, 4, text="Halo"), "x")
    >>> b = CodingSheet(coder="budi").add(Passage("d", "d#p1", 0, 4, text="Halo"), "x")
    >>> merge_codings(a, b, a)["coder"].tolist()
    ['budi', 'rina']
    """
    if on_conflict not in ("raise", "last"):
        raise QualkitError(
            f"The 'on_conflict' parameter of merge_codings must be 'raise' or 'last'; got {on_conflict!r} instead"
        )
    parts: list[pd.DataFrame] = []
    for n, item in enumerate(frames_or_paths, start=1):
        if isinstance(item, CodingSheet):
            frame, label = item.to_frame(), f"sheet of {item.coder}"
        elif isinstance(item, pd.DataFrame):
            frame, label = validate_codings(item), f"table #{n}"
        elif isinstance(item, (str, os.PathLike)):
            frame, label = read_codings(item), str(item)
        else:
            raise QualkitError(f"merge_codings argument #{n} is a {type(item).__name__}",
                               hint="pass codings DataFrames, CodingSheets or .csv/.json paths")
        frame = frame[list(CODING_COLUMNS)].copy()
        frame["_source"] = label
        frame["_row"] = range(len(frame))
        parts.append(frame)
    if not parts:
        return empty_codings()
    allrows = pd.concat(parts, ignore_index=True)
    allrows = allrows.drop_duplicates(subset=list(CODING_COLUMNS), keep="first")
    dup = allrows.duplicated(subset=list(CODING_KEY), keep=False)
    if dup.any():
        clashes = allrows[dup]
        first_key = tuple(clashes.iloc[0][list(CODING_KEY)])
        pair = clashes[(clashes[list(CODING_KEY)] == pd.Series(first_key, index=list(CODING_KEY))).all(axis=1)]
        a, b = pair.iloc[0], pair.iloc[-1]
        diff = [c for c in CODING_COLUMNS if a[c] != b[c]]
        what = (f"{int(dup.sum())} rows share a (passage_id, code_id, coder) key with different "
                f"values; first: passage {first_key[0]!r}, code {first_key[1]!r}, coder {first_key[2]!r} "
                f"in {a['_source']} row {a['_row']} and {b['_source']} row {b['_row']} "
                f"(differ in {', '.join(diff)})")
        if on_conflict == "raise":
            raise QualkitError(what, hint="fix one of the two rows, or pass on_conflict='last' "
                                          "to keep the row given last")
        warnings.warn(what + "; keeping the row given last", stacklevel=2)
        allrows = allrows.drop_duplicates(subset=list(CODING_KEY), keep="last")
    return validate_codings(allrows.drop(columns=["_source", "_row"]))


def read_codings(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a codings table from CSV or JSON (a saved sheet or a list of rows)."""
    return _read(Path(path))[0]


# -- helpers ----------------------------------------------------------------------------------
def _find_passage(corpus: Corpus, passage_id: str) -> Passage | None:
    for p in corpus.passages:
        if p.id == passage_id:
            return p
    return None


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for rec in frame.to_dict(orient="records"):
        out.append({k: (v.item() if hasattr(v, "item") else v) for k, v in rec.items()})
    return out


def _read(path: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    suffix = path.suffix.lower()
    if suffix not in _FORMATS:
        raise LoadError(f"cannot read codings from a {suffix or 'suffix-less'} file", path=str(path),
                        hint="use a .csv or .json file written by qualkit")
    if not path.exists():
        raise LoadError("file not found", path=str(path), hint="check the path")
    meta: dict[str, Any] = {}
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype={"passage_id": str, "doc_id": str, "code_id": str,
                                             "coder": str, "cue": str, "memo": str, "spans": str,
                                             "codebook_hash": str, "method": str},
                                keep_default_na=False)
        else:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict):
                meta = {k: data.get(k) for k in ("coder", "codebook_hash") if data.get(k)}
                data = data.get("codings", [])
            if not isinstance(data, list):
                raise LoadError("JSON codings must be a list of rows or {coder, codings: [...]}",
                                path=str(path), hint="save the sheet with CodingSheet.save")
            frame = pd.DataFrame.from_records(data) if data else empty_codings()
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as err:
        raise LoadError(f"could not parse codings: {err}", path=str(path),
                        hint="check the file is a codings table written by qualkit") from err
    if frame.empty and len(frame.columns) == 0:
        frame = empty_codings()
    try:
        frame = validate_codings(frame)
    except QualkitError as err:
        raise LoadError(err.message, path=str(path), hint=err.hint) from err
    return frame, meta
