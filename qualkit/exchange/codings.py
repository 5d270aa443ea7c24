"""Human coding in from other QDA tools: one entry point, the format told by the file.

========================  ==================================================================
format                    file
========================  ==================================================================
``taguette-sqlite``       a Taguette project ``.sqlite3`` (documents, tags, highlights)
``taguette-docx``         Taguette's highlights ``.docx`` export
``taguette-table``        Taguette's highlights CSV/xlsx (``id, document, tag, content``)
``maxqda-table``          MAXQDA "Coded Segments" (xlsx, xls, csv, html; localised headers)
``maxqda-mex``            MAXQDA's exchange file ``.mex`` (its texts are encrypted: give them)
``atlasti-table``         ATLAS.ti quotations (csv with ``,`` or ``;``, xlsx)
``catma``                 a CATMA project folder (or a file inside it)
``web-annotations``       W3C Web Annotation JSON/JSON-LD (quote and/or position selectors)
``tags-column``           a transcript table, one row per utterance, with a tags column
``refi-qdpx``             a REFI-QDA project ``.qdpx`` (placed as :func:`read_qdpx` reads it)
========================  ==================================================================

>>> result = import_codings("tags_20220303_P1_P2.csv", corpus)   # doctest: +SKIP
>>> result.report[["document", "text", "reason"]]                 # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from pathlib import Path

import pandas as pd

from qualkit.corpus import Corpus
from qualkit.errors import ExchangeError, check_param
from qualkit.exchange import catma, maxqda, taguette, webanno
from qualkit.exchange._archive import MAX_BYTES
from qualkit.exchange._tables import read_table
from qualkit.exchange.coded_tables import table_format, table_segments, tags_column_texts
from qualkit.exchange.groups import CodeGroups, apply_code_groups, read_code_groups
from qualkit.exchange.qdpx_read import read_qdpx
from qualkit.exchange.segments import (
    DOCUMENT_GROUP, GROUPS_AS, ImportResult, Segment, corpus_from_texts, place_segments, with_document_groups,
)

FORMATS = ("taguette-sqlite", "taguette-docx", "taguette-table", "maxqda-table", "maxqda-mex",
           "atlasti-table", "catma", "web-annotations", "tags-column", "refi-qdpx")
_TABLES = frozenset({".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".html", ".htm"})


def _sqlite_tables(path: Path) -> set[str]:
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            db.close()
    except sqlite3.DatabaseError:
        return set()


def detect_format(path: str | os.PathLike[str]) -> str:
    """The export format of ``path`` (see the module docstring); ExchangeError if unknown."""
    source = Path(path)
    suffix = source.suffix.lower()
    if source.is_dir() or suffix in (".json", ".jsonld"):
        if catma.project_root(source) is not None:
            return "catma"
        if source.is_file():
            return "web-annotations"
    elif suffix == ".qdpx":
        return "refi-qdpx"
    elif suffix == ".docx":
        return "taguette-docx"
    elif suffix in _TABLES:
        found = table_format(read_table(source)[0])
        if found:
            return found
    elif source.is_file() and source.read_bytes()[:16] == b"SQLite format 3\x00":
        tables = _sqlite_tables(source)
        if {"highlights", "documents", "tags"} <= tables:
            return "taguette-sqlite"
        if {"Codings", "Codewords", "Texts"} <= tables:
            return "maxqda-mex"
    raise ExchangeError("cannot tell which tool wrote this file", path=str(source),
                        hint=f"give one of the formats {', '.join(FORMATS)} (format=...), or a codebook "
                             "with qualkit.load_codebook / a .qdc with read_qdc")


def _refi(path: Path, corpus: Corpus | None, groups_as: str | None) -> ImportResult:
    project = read_qdpx(path, max_bytes=MAX_BYTES)
    if corpus is None:
        groups = {d.id: d.metadata[DOCUMENT_GROUP] for d in project.corpus.documents if d.metadata.get(DOCUMENT_GROUP)}
        project = dataclasses.replace(project, corpus=with_document_groups(project.corpus, groups, also_as=groups_as))
        rows = [{"segment": i, "line": -1, "document": r.doc_id, "codes": r.code_id,
                 "text": project.corpus.document(r.doc_id).text[r.start:r.end], "doc_id": r.doc_id,
                 "start": r.start, "end": r.end, "placed": True, "reason": ""}
                for i, r in enumerate(project.codings.itertuples(), start=1)]
        frame = pd.DataFrame(rows, columns=["segment", "line", "document", "codes", "text", "doc_id", "start",
                                            "end", "placed", "reason"])
        return ImportResult(codings=project.codings, codebook=project.codebook, corpus=project.corpus,
                            segments=frame.astype({"placed": "bool"}), format="refi-qdpx", source=str(path))
    by_code = {c.id: c for c in project.codebook.codes}

    def path_of(code_id: str) -> tuple[str, ...]:
        chain, at = [], by_code.get(code_id)
        while at is not None:
            chain.append(at.name)
            at = by_code.get(at.parent) if at.parent else None
        return tuple(reversed(chain))

    segments = [Segment(document=project.corpus.document(r.doc_id).title or r.doc_id, codes=(path_of(r.code_id),),
                        text=project.corpus.document(r.doc_id).text[r.start:r.end], start=r.start, end=r.end,
                        unit="char", coder=r.coder, memo=r.memo,
                        group=project.corpus.document(r.doc_id).metadata.get(DOCUMENT_GROUP, ""))
                for r in project.codings.itertuples()]
    descriptions = {path_of(c.id): c.description for c in project.codebook.codes if c.description}
    return place_segments(segments, corpus, format="refi-qdpx", source=str(path), descriptions=descriptions,
                          groups_as=groups_as)


def import_codings(export: str | os.PathLike[str], corpus: Corpus | None = None, *,
                   format: str | None = None, code_groups: str | os.PathLike[str] | CodeGroups | None = None,
                   document_groups_as: str | None = None) -> ImportResult:
    """Import the human coding in ``export`` onto ``corpus``; see :class:`ImportResult`.

    Documents are matched by name (file name, stem or title, folded); each segment is
    placed by its text, the stored position choosing between repeats. Without a corpus,
    the export's own texts are used (Taguette ``.sqlite3``, CATMA, ``.qdpx``, a tags-column
    transcript); a MAXQDA ``.mex`` or a table export needs the corpus. Raises
    ExchangeError naming the file when it cannot be read; segments that cannot be placed
    are listed in ``result.report``.

    Groups (:mod:`qualkit.exchange.groups`): ``code_groups`` is ATLAS.ti's codebook export
    or Code Manager list (or :class:`CodeGroups`): its codes join the codebook (in its
    order, used or not) and each gets the facet ``group``. Document groups the export
    holds (MAXQDA, REFI-QDA source sets) go to ``metadata["document_group"]`` of the
    documents, and also to their ``informant_group`` or ``case_id`` when
    ``document_groups_as`` names it (where a document has none).
    """
    source = Path(export)
    if not source.exists():
        raise ExchangeError("no such file or folder", path=str(source), hint="check the path of the export")
    if format is not None:
        check_param("import_codings", "format", format, options=FORMATS)
    if document_groups_as is not None:
        check_param("import_codings", "document_groups_as", document_groups_as, options=GROUPS_AS)
    groups = read_code_groups(code_groups) if isinstance(code_groups, (str, os.PathLike)) else code_groups
    result = _import(source, corpus, format or detect_format(source), document_groups_as, groups)
    if groups is not None:
        result = dataclasses.replace(result, codebook=apply_code_groups(result.codebook, groups))
    return result


def _import(source: Path, corpus: Corpus | None, found: str, groups_as: str | None,
            groups: CodeGroups | None) -> ImportResult:
    descriptions: dict = {}
    texts: dict[str, str] | None = None
    if found == "refi-qdpx":
        return _refi(source, corpus, groups_as)
    if found == "taguette-sqlite":
        project = taguette.read_project(source)
        segments, descriptions, texts = project.segments, project.descriptions, project.texts
    elif found == "catma":
        project = catma.read_project(source)
        segments, texts = project.segments, project.texts
    elif found == "taguette-docx":
        segments = taguette.docx_segments(source)
    elif found == "maxqda-mex":
        segments = maxqda.mex_segments(source)
    elif found == "web-annotations":
        segments = webanno.read_annotations(source)
    else:
        known = {": ".join(p) for p in groups.codes} if groups is not None else set()
        found, segments = table_segments(source, format=found, known=known)
        if found == "tags-column":
            texts = tags_column_texts(source)
    if corpus is None:
        if texts is None:
            raise ExchangeError(f"a {found} export does not carry the document texts", path=str(source),
                                hint="load the documents with qualkit.load_corpus and pass them as corpus "
                                     "(CLI: --corpus DATA)")
        corpus = corpus_from_texts(texts)
    else:
        segments = [dataclasses.replace(s, exact=False) if s.exact else s for s in segments]
    if groups is not None:  # the tool's whole codebook, in its order, before the codes the segments use
        descriptions = {**{p: groups.comments.get(p, "") for p in groups.codes}, **descriptions}
    return place_segments(segments, corpus, format=found, source=str(source), descriptions=descriptions,
                          groups_as=groups_as)
