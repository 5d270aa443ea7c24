"""Documents, passages and codebooks to database rows and back (lossless).

A :class:`~qualkit.corpus.Document` becomes its ``text``, ``sha256`` and one JSON object
holding every other field; a :class:`~qualkit.corpus.Passage` its offsets and one JSON
object; a :class:`~qualkit.codebook.model.Codebook` its YAML text (the same format as
:func:`qualkit.codebook.io.save_codebook`).

>>> from qualkit.corpus import Document
>>> doc = Document(id="a.txt", text="Halo", source_type="interview",
...                metadata={"site": 2, "page_starts": (0, 2)})
>>> document_from_row(document_row(doc, 0)) == doc
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import yaml

from qualkit.codebook.io import _build_book, _Dumper, codebook_data
from qualkit.codebook.model import Codebook
from qualkit.corpus import Corpus, Document, FormField, Passage
from qualkit.errors import CodebookError, QualkitError

_DOC_FIELDS = ("source_type", "informant_group", "case_id", "language", "title", "source_path")
_TUPLE = "__tuple__"
_PASSAGE_FIELDS = ("speaker", "role", "unit", "parent_id", "section", "page", "time_start", "time_end")


def _plain(value: Any, where: str) -> Any:
    """``value`` as JSON-ready Python (numpy scalars unwrapped, NaN -> None)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v, where) for k, v in value.items()}
    if isinstance(value, tuple):
        return {_TUPLE: [_plain(v, where) for v in value]}
    if isinstance(value, list):
        return [_plain(v, where) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise QualkitError(
        f"{where}: a value of type {type(value).__name__} cannot be stored in a project",
        hint="keep document metadata to text, numbers, booleans, lists and mappings",
    )


def _restore(value: Any) -> Any:
    """Undo :func:`_plain`'s tuple marking (JSON has lists only)."""
    if isinstance(value, dict):
        if set(value) == {_TUPLE}:
            return tuple(_restore(v) for v in value[_TUPLE])
        return {k: _restore(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore(v) for v in value]
    return value


def document_row(doc: Document, key: int) -> dict[str, Any]:
    """The ``documents`` row of one document."""
    info = {f: getattr(doc, f) for f in _DOC_FIELDS}
    info["metadata"] = _plain(dict(doc.metadata), f"document {doc.id} metadata")
    info = _plain(info, f"document {doc.id}")
    info["fields"] = [[f.section, f.label, f.value, f.start, f.end] for f in doc.fields]
    info["removed"] = list(doc.removed)
    return {"key": key, "doc_id": doc.id, "text": doc.text, "metadata": info,
            "sha256": doc.sha256}


def document_from_row(row: Mapping[str, Any]) -> Document:
    """The document stored in a ``documents`` row."""
    info = dict(row["metadata"])
    info["metadata"] = _restore(info.get("metadata", {}))
    fields = tuple(FormField(*f) for f in info.pop("fields", []))
    removed = tuple(info.pop("removed", []))
    return Document(id=row["doc_id"], text=row["text"], sha256=row["sha256"], fields=fields,
                    removed=removed, **info)


def passage_row(p: Passage, key: int, doc_key: int) -> dict[str, Any]:
    """The ``passages`` row of one passage (``doc_key``: its document's key)."""
    info = {f: getattr(p, f) for f in _PASSAGE_FIELDS}
    return {"key": key, "passage_id": p.id, "doc": doc_key, "start": p.start,
            "end": p.end, "info": _plain(info, f"passage {p.id}")}


def passage_from_row(row: Mapping[str, Any], doc: Document) -> Passage:
    """The passage stored in a ``passages`` row (its text taken from ``doc``)."""
    return Passage(doc_id=doc.id, id=row["passage_id"], start=row["start"], end=row["end"],
                   text=doc.text[row["start"]:row["end"]], **dict(row["info"]))


def corpus_from_rows(doc_rows: list[Mapping[str, Any]], passage_rows: list[Mapping[str, Any]],
                     unit: str) -> Corpus:
    """Rebuild a corpus from its rows (sorted by ``key``)."""
    docs = [document_from_row(r) for r in doc_rows]
    by_key = {r["key"]: d for r, d in zip(doc_rows, docs)}
    found = [passage_from_row(r, by_key[r["doc"]]) for r in passage_rows]
    return Corpus(documents=tuple(docs), passages=tuple(found), unit=unit)


def codebook_yaml(book: Codebook) -> str:
    """The codebook as YAML text (the codebook file format)."""
    return yaml.dump(codebook_data(book), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=100, default_flow_style=None)


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML was built with it: a stored codebook (written by
qualkit, already checked) parses in 0.04 s instead of 0.42 s, which a view polling for new
versions feels."""


def codebook_from_yaml(text: str, *, where: str = "project codebook") -> Codebook:
    """Parse and validate a stored codebook; CodebookError lists every problem."""
    book, problems = _build_book(yaml.load(text, Loader=_SAFE_LOADER), where)
    if problems or book is None:
        raise CodebookError(problems, path=where)
    return book
