"""Turn another tool's export into qualkit's own files, and read such a folder back.

``import_to_folder`` reads any export :func:`qualkit.exchange.import_codings` reads (and
codebooks: ``.qdc``, Taguette codebook ``.csv``) and writes, inside ``out_dir`` only:

- ``codebook.yaml`` (always; :func:`qualkit.save_codebook`),
- ``documents.csv`` (``doc_id, title, source_type, informant_group, case_id,
  document_group, language, text``; ``document_group``: the tool's document group), ``passages.csv`` (``Corpus.passages_frame()`` columns), ``codings.csv`` (the
  codings table) and ``import_report.csv`` (``ImportResult.segments`` rows not placed),
  for exports with coding.

By default texts, codings and the codebook are redacted first with
:class:`qualkit.privacy.Redactor` (speaker turns are found in the imported texts as the
loaders find them, so speaker names are declared names), and the re-identification
mapping is written first, beside ``out_dir`` (``qualkit.outputs.mapping_path``), never
inside it; pass ``redact=False`` to keep the text as is. :func:`read_folder` reads such a folder
back into a corpus, codebook and codings, so it can be analysed again as it is.

>>> paths = import_to_folder("../shared/refi/samples/minimal_full.qdpx", "out/refi")  # doctest: +SKIP
>>> [p.name for p in paths]                                                          # doctest: +SKIP
['codebook.yaml', 'documents.csv', 'passages.csv', 'codings.csv', 'import_report.csv']
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import pandas as pd

from qualkit._io import write_csv
from qualkit.codebook.io import load_codebook, save_codebook
from qualkit.codebook.model import Codebook
from qualkit.coding.frame import validate_codings
from qualkit.corpus import Corpus, Document, Passage
from qualkit.errors import ExchangeError
from qualkit.exchange._tables import read_table
from qualkit.exchange.codings import import_codings
from qualkit.exchange.coded_tables import table_format
from qualkit.exchange.qdc import read_qdc
from qualkit.exchange.segments import DOCUMENT_GROUP
from qualkit.exchange.taguette import read_codebook_csv
from qualkit.privacy import Redactor

FILES = ("codebook.yaml", "documents.csv", "passages.csv", "codings.csv", "import_report.csv")
DOCUMENT_FIELDS = ("doc_id", "title", "source_type", "informant_group", "case_id", "document_group", "language",
                   "text")


def _is_codebook_csv(path: Path) -> bool:
    if path.suffix.lower() != ".csv":
        return False
    return table_format(read_table(path)[0]) is None


def _targets(out_dir: str | os.PathLike[str]) -> dict[str, Path]:
    out = Path(out_dir).resolve()
    if out.exists() and not out.is_dir():
        raise ExchangeError(f"{out} is a file, not a folder", path=str(out), hint="choose a folder to write into")
    targets = {name: out / name for name in FILES}
    if any(t.resolve().parent != out for t in targets.values()):  # e.g. a symlink planted in out_dir
        raise ExchangeError("an output would be written outside the chosen folder", path=str(out),
                            hint=f"remove links named {', '.join(FILES)} from the folder")
    return targets


def documents_frame(corpus: Corpus) -> pd.DataFrame:
    """The ``documents.csv`` table: one row per document with its text."""
    return pd.DataFrame([{"doc_id": d.id, "title": d.title, "source_type": d.source_type,
                          "informant_group": d.informant_group or "", "case_id": d.case_id or "",
                          "document_group": d.metadata.get(DOCUMENT_GROUP, ""), "language": d.language, "text": d.text} for d in corpus.documents],
                        columns=list(DOCUMENT_FIELDS))


def import_to_folder(path: str | os.PathLike[str], out_dir: str | os.PathLike[str], *, corpus: Corpus | None = None,
                     redact: bool = True, format: str | None = None,
                     code_groups: str | os.PathLike[str] | None = None,
                     document_groups_as: str | None = None) -> list[Path]:
    """Import ``path`` into ``out_dir``; return the files written. ``code_groups`` and
    ``document_groups_as``: see :func:`qualkit.exchange.import_codings`.

    Everything is read and checked in memory first, so a bad file writes nothing.
    """
    source = Path(path)
    targets = _targets(out_dir)
    suffix = source.suffix.lower()
    if suffix == ".qdc":
        return [save_codebook(read_qdc(source), targets["codebook.yaml"])]
    if format is None and source.is_file() and _is_codebook_csv(source):
        return [save_codebook(read_codebook_csv(source), targets["codebook.yaml"])]
    result = import_codings(source, corpus, format=format, code_groups=code_groups,
                            document_groups_as=document_groups_as)
    texts, codings = result.corpus, result.codings
    report = result.report
    book = result.codebook
    written = []
    if redact:
        from qualkit.outputs.write import mapping_path  # qualkit.outputs imports qualkit.exchange

        redactor = Redactor().fit(texts)
        texts, codings = redactor.transform(texts), redactor.transform_codings(codings)
        book = redactor.redact_codebook(book)
        report = report.assign(text="(redacted)")
        target = mapping_path(targets["codebook.yaml"].parent)
        target.parent.mkdir(parents=True, exist_ok=True)
        written.append(Path(redactor.write_mapping(target)))  # first, outside the output folder
    written.append(save_codebook(book, targets["codebook.yaml"]))
    written.append(write_csv(documents_frame(texts), targets["documents.csv"]))
    written.append(write_csv(texts.passages_frame(), targets["passages.csv"]))
    written.append(write_csv(codings, targets["codings.csv"]))
    written.append(write_csv(report, targets["import_report.csv"]))
    return written


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    return str(value)


def read_folder(folder: str | os.PathLike[str]) -> tuple[Corpus, Codebook, pd.DataFrame]:
    """``(corpus, codebook, codings)`` of a folder written by :func:`import_to_folder`."""
    root = Path(folder)
    missing = [n for n in FILES[:4] if not (root / n).is_file()]
    if missing:
        raise ExchangeError(f"not a folder written by 'qualkit import' (missing {', '.join(missing)})",
                            path=str(root), hint="run 'qualkit import EXPORT --out DIR' first")
    strings = {"doc_id": str, "passage_id": str, "code_id": str, "coder": str, "method": str}
    docs = pd.read_csv(root / "documents.csv", dtype=str, keep_default_na=False)
    passages = pd.read_csv(root / "passages.csv", dtype=strings | {"speaker": str, "role": str, "unit": str,
                                                                    "section": str, "parent_id": str})
    groups = docs["document_group"] if "document_group" in docs.columns else pd.Series([""] * len(docs))
    documents = tuple(Document(id=r.doc_id, text=r.text, title=r.title, source_type=r.source_type,
                               informant_group=r.informant_group or None, case_id=r.case_id or None,
                               language=r.language, metadata={DOCUMENT_GROUP: group} if group else {})
                      for r, group in zip(docs.itertuples(), groups.tolist()))
    rows = tuple(Passage(doc_id=r.doc_id, id=r.passage_id, start=int(r.start), end=int(r.end),
                         speaker=_text(r.speaker), role=_text(r.role), unit=_text(r.unit) or "paragraph",
                         parent_id=_text(r.parent_id), section=_text(r.section), text=str(r.text))
                 for r in passages.itertuples())
    codings = pd.read_csv(root / "codings.csv", dtype=strings, keep_default_na=False, na_values={"confidence": [""]})
    return Corpus(documents=documents, passages=rows), load_codebook(root / "codebook.yaml"), validate_codings(codings)
