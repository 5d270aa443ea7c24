"""One file -> (Document, passages): dispatch to the reader for its format, then segment.

>>> import tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "k01.txt"
>>> _ = f.write_text("P: Apa yang terjadi?\\nI: Saya takut.\\nP: Kenapa?\\nI: Diancam.")
>>> doc, passages = load_document(f)
>>> doc.language, [(p.speaker, p.role, p.text) for p in passages][:2]
('id', [('P', 'interviewer', 'Apa yang terjadi?'), ('I', 'informant', 'Saya takut.')])
"""

from __future__ import annotations

import bisect
import hashlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from qualkit.corpus import Document, Passage, sentence_passages
from qualkit.errors import LoadError, check_param
from qualkit.loading.captions import read_captions
from qualkit.loading.extracted import Extracted
from qualkit.loading.forms import looks_like_form, parse_form
from qualkit.loading.language import detect_language
from qualkit.loading.manifest import guess_source_type
from qualkit.loading.odt import read_odt
from qualkit.loading.pdf import read_pdf
from qualkit.loading.plaintext import read_text
from qualkit.loading.spreadsheet import read_table
from qualkit.loading.word import read_docx
from qualkit.loading.htmldoc import read_html
from qualkit.loading.passages import Prompts, apply_roles, text_passages
from qualkit.segment import speaker_roles

READERS: Mapping[str, Callable[..., Extracted]] = {
    ".txt": read_text,
    ".text": read_text,
    ".md": partial(read_text, markdown=True),
    ".markdown": partial(read_text, markdown=True),
    ".docx": read_docx,
    ".odt": read_odt,
    ".pdf": read_pdf,
    ".vtt": partial(read_captions, kind="vtt"),
    ".srt": partial(read_captions, kind="srt"),
    ".csv": partial(read_table, kind="csv"),
    ".xlsx": partial(read_table, kind="xlsx"),
    ".html": read_html,
    ".htm": read_html,
}
SUPPORTED_EXTENSIONS = tuple(READERS)
"""File extensions qualkit can load."""

_TABLE_OPTIONS = ("text_column", "speaker_column", "id_column", "sheet")
_UNITS = ("turn", "sentence")


def load_document(
    path: str | os.PathLike[str],
    *,
    root: str | os.PathLike[str] | None = None,
    doc_id: str | None = None,
    source_type: str | None = None,
    informant_group: str | None = None,
    case_id: str | None = None,
    language: str | None = None,
    title: str | None = None,
    interviewers: Iterable[str] = (),
    unlabelled_role: str | None = None,
    prompts: str | Prompts | None = None,
    form: bool | None = None,
    text_column: str | None = None,
    speaker_column: str | None = None,
    id_column: str | None = None,
    sheet: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    unit: str = "turn",
) -> tuple[Document, tuple[Passage, ...]]:
    """Load one file into a Document and its passages (turns/paragraphs, or sentences).

    Parameters
    ----------
    path : the file (.txt .md .docx .odt .pdf .html .vtt .srt .csv .xlsx); opened read-only.
    root : folder the document id is relative to (default: the file's folder).
    doc_id : explicit id (default: path relative to ``root``, ``/``-separated).
    source_type, informant_group, case_id, language, title : Document attributes;
        ``source_type`` defaults to a guess from folder names, ``language`` is detected.
    interviewers : speaker labels that are the interviewer (manifest ``interviewer``).
    unlabelled_role : role of unlabelled paragraphs in a transcript with labelled turns
        (``interviewer``, ``informant`` or ``none``; default ``informant`` when only
        ``interviewers`` are labelled). See :mod:`qualkit.loading.passages`.
    prompts : task-sheet/questionnaire prompts: a regex, ``@file`` or a file of lines
        (relative to ``root``), or a :class:`~qualkit.loading.passages.Prompts`.
    form : force (True) or forbid (False) reading the file as a fill-in form.
    text_column, speaker_column, id_column, sheet : for .csv/.xlsx tables.
    metadata : extra Document metadata (manifest columns).
    unit : ``turn`` (turns/paragraphs/fields) or ``sentence``.
    """
    check_param("load_document", "unit", unit, options=_UNITS)
    file = Path(path)
    base = Path(root) if root is not None else file.parent
    if doc_id is None:
        try:
            doc_id = file.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            doc_id = file.name
    ext = file.suffix.casefold()
    data = _read_bytes(file, doc_id, ext)
    reader = READERS[ext]
    if ext in (".csv", ".xlsx"):
        extracted = reader(data, path=doc_id, text_column=text_column, speaker_column=speaker_column,
                           id_column=id_column, sheet=sheet)
    else:
        extracted = reader(data, path=doc_id)
    text = extracted.text
    lang = language or detect_language(text)
    fields, passages = _passages(doc_id, extracted, form=form, interviewers=tuple(interviewers),
                                 unlabelled_role=unlabelled_role, prompts=Prompts.parse(prompts, base=base))
    page_starts = extracted.page_starts
    if page_starts:
        passages = tuple(replace(p, page=max(1, bisect.bisect_right(page_starts, p.start))) for p in passages)
    meta: dict[str, Any] = {"format": ext.lstrip("."), **dict(extracted.metadata)}
    if extracted.warnings:
        meta["warnings"] = tuple(extracted.warnings)
    if page_starts:
        meta["page_starts"] = page_starts
    if extracted.spans is not None and any(s.row_id for s in extracted.spans):
        meta["row_ids"] = {p.id: s.row_id for p, s in zip(passages, extracted.spans)}
    meta.update(metadata or {})
    document = Document(
        id=doc_id, text=text,
        source_type=source_type or guess_source_type(doc_id),
        informant_group=informant_group, case_id=case_id, language=lang,
        title=title or "", source_path=str(file.resolve()),
        sha256=hashlib.sha256(data).hexdigest(), metadata=meta, fields=fields,
        removed=extracted.removed,
    )
    if unit == "sentence":
        passages = tuple(s for p in passages for s in sentence_passages(p, lang, page_starts=page_starts))
    return document, passages


def _passages(doc_id: str, extracted: Extracted, *, form: bool | None, interviewers: tuple[str, ...],
              unlabelled_role: str | None, prompts: Prompts | None) -> tuple[tuple, tuple[Passage, ...]]:
    """Form fields and passages of an extracted text: ready-made spans, a form, or turns."""
    if extracted.spans is not None:
        return (), _span_passages(doc_id, extracted, interviewers, unlabelled_role, prompts)
    text, headings = extracted.text, extracted.headings
    if form if form is not None else looks_like_form(text, headings=headings):
        fields, passages = parse_form(doc_id, text, headings=headings)
        return fields, apply_roles(passages, prompts=prompts)
    return (), text_passages(doc_id, text, headings=headings, interviewers=interviewers,
                             unlabelled_role=unlabelled_role, prompts=prompts)


def _read_bytes(file: Path, shown: str, ext: str) -> bytes:
    """The file's bytes (opened read-only), or a LoadError saying what is wrong."""
    if ext not in READERS:
        raise LoadError(
            f"unsupported file type {ext or '(no extension)'!r}", path=shown,
            hint=f"convert it to one of {', '.join(SUPPORTED_EXTENSIONS)}, or remove it from the folder",
        )
    if not file.is_file():
        raise LoadError("file not found", path=shown, hint="check the path (and the manifest row)")
    try:
        with open(file, "rb") as fh:  # read-only: sources are never modified
            data = fh.read()
    except OSError as err:
        raise LoadError(f"cannot read the file: {err.strerror}", path=shown,
                        hint="check that it exists and that you may read it") from err
    if not data.strip():
        raise LoadError("the file is empty", path=shown,
                        hint="add the text, or remove the file from the folder/manifest")
    return data


def _span_passages(doc_id: str, extracted: Extracted, interviewers: tuple[str, ...],
                   unlabelled_role: str | None, prompts: Prompts | None) -> tuple[Passage, ...]:
    """Passages of a reader that cut them itself (captions, table rows)."""
    text = extracted.text
    roles = speaker_roles((s.speaker for s in extracted.spans or () if s.speaker), interviewers=interviewers)
    if unlabelled_role is None and interviewers and set(roles.values()) == {"interviewer"}:
        unlabelled_role = "informant"
    passages = tuple(
        Passage(doc_id=doc_id, id=f"{doc_id}#p{n}", start=s.start, end=s.end,
                text=text[s.start : s.end], speaker=s.speaker,
                role=roles.get(s.speaker) if s.speaker else None,
                unit="turn" if s.speaker else "paragraph",
                time_start=s.time_start, time_end=s.time_end)
        for n, s in enumerate(extracted.spans or (), start=1)
    )
    return apply_roles(passages, prompts=prompts, unlabelled_role=unlabelled_role)
