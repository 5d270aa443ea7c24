"""qualkit's data model: Document, Passage, FormField and Corpus.

These are frozen dataclasses that validate themselves. Everything downstream (coding,
tables, exports) refers to passages by ``passage_id`` and to evidence by character
offsets into ``Document.text``.

Offsets are 0-based Unicode code points into the analysed text, end exclusive, so that
``document.text[p.start:p.end] == p.text`` always holds (checked on construction of a
Corpus). The analysed text is the decoded source with the BOM removed and CRLF / CR line
ends turned into LF; ``Document.source_offset`` maps an analysed offset back to the
decoded source.

Example
-------
>>> doc = Document(id="a.txt", text="P: Halo.\\nK: Saya takut.", source_type="interview")
>>> p = Passage(doc_id="a.txt", id="a.txt#p2", start=12, end=24, speaker="K")
>>> corpus = Corpus(documents=(doc,), passages=(p.with_text(doc),))
>>> corpus.passages_frame().loc[0, "text"]
'Saya takut.'
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import pandas as pd

from qualkit.errors import LoadError, PassageError
from qualkit.segment import split_sentences

class _SourceTypes(tuple):
    """Common source types (iterating lists them, for messages); ``in`` accepts any id:
    a letter, then letters, digits, ``_`` or ``-`` (``focus_group``, ``survey``)."""

    _ID = re.compile(r"^[A-Za-z][\w\-]*$")

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and bool(self._ID.match(value))


SOURCE_TYPES = _SourceTypes(("interview", "observation", "document", "focus_group", "survey",
                             "field_note"))
"""Source types: any id (``value in SOURCE_TYPES`` checks its form); the study design
(:mod:`qualkit.study`) gives their labels and order. Iterating lists common ones."""

UNITS = ("turn", "sentence")
"""Passage granularities: a speaker turn (a paragraph where there are no speakers), or a
sentence inside it."""

ROLES = ("interviewer", "informant", "prompt")
"""Passage roles. ``interviewer`` and ``informant`` are who speaks; ``prompt`` marks
task-sheet or questionnaire text read out or shown to the informant (the manifest's
``prompts``): shown in transcripts, never evidence, never coded by default, never
quoted. ``None`` where a passage has no speaker (field notes, documents)."""


def _frozen_mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


@dataclass(frozen=True)
class FormField:
    """One ``Label : value`` field of a fill-in form (e.g. the intake form).

    ``start``/``end`` are the offsets of the *value* in ``Document.text``.
    """

    section: str | None
    label: str
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """One source file as analysed.

    Attributes
    ----------
    id : path relative to the loaded folder, ``/``-separated (``interviews/p01.txt``).
    text : the decoded text exactly as analysed (all offsets point into it).
    source_type : ``interview``, ``observation`` or ``document``.
    informant_group : e.g. ``victim``, ``family``, ``ngo_management``, ``case_companion``.
    case_id : the case the document belongs to, or None.
    language : ISO 639-1 code (``id``, ``en``, ...).
    title : a human title (defaults to the file name).
    source_path : absolute path of the file it was read from (None for in-memory data).
    sha256 : hex digest of the source bytes.
    metadata : free metadata (extra manifest columns, format details such as ``pages``).
    fields : form fields, for fill-in forms; empty otherwise.
    removed : sorted offsets in ``text`` before which one source character (a ``\\r``)
        was dropped when line ends were normalised; see :meth:`source_offset`.
    """

    id: str
    text: str
    source_type: str = "document"
    informant_group: str | None = None
    case_id: str | None = None
    language: str = "id"
    title: str = ""
    source_path: str | None = None
    sha256: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)
    fields: tuple[FormField, ...] = ()
    removed: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "metadata", _frozen_mapping(self.metadata))
        object.__setattr__(self, "fields", tuple(self.fields))
        object.__setattr__(self, "removed", tuple(self.removed))
        if not self.title:
            object.__setattr__(self, "title", self.id.rsplit("/", 1)[-1])
        if self.source_type not in SOURCE_TYPES:
            raise LoadError(
                f"unknown source_type {self.source_type!r}",
                path=self.id,
                hint=f"use one of {', '.join(SOURCE_TYPES)} (in the manifest)",
            )

    def source_offset(self, offset: int) -> int:
        """Map an offset in ``text`` to the code-point offset in the decoded source file.

        >>> Document(id="a.txt", text="a\\nb", removed=(1,)).source_offset(2)
        3
        """
        return offset + bisect.bisect_right(self.removed, offset - 1)

    def field(self, label: str, default: str | None = None) -> str | None:
        """Value of the first form field with this label (case-insensitive)."""
        key = label.casefold()
        for f in self.fields:
            if f.label.casefold() == key:
                return f.value
        return default


@dataclass(frozen=True)
class Passage:
    """The unit that gets coded: a span of one document.

    Attributes
    ----------
    doc_id : the document's id.
    id : stable passage id, ``<doc_id>#p<n>`` for turns and paragraphs (n from 1) and
        ``<doc_id>#p<n>.s<m>`` for sentences inside them.
    start, end : 0-based code-point offsets into the document text, end exclusive.
    text : ``document.text[start:end]``.
    speaker : speaker label as written (``Interviewer``, ``P1``), or None.
    role : ``interviewer``, ``informant``, ``prompt`` (task-sheet or questionnaire text)
        or None (no speaker).
    unit : ``turn``, ``paragraph``, ``sentence`` or ``field`` (a form value).
    parent_id : for a sentence, the id of its turn or paragraph.
    section : form section or document heading the passage falls under, or None.
    page : 1-based page number (PDF), or None.
    time_start, time_end : seconds from the start of a recording (vtt/srt), or None.
    """

    doc_id: str
    id: str
    start: int
    end: int
    text: str = ""
    speaker: str | None = None
    role: str | None = None
    unit: str = "turn"
    parent_id: str | None = None
    section: str | None = None
    page: int | None = None
    time_start: float | None = None
    time_end: float | None = None

    def __post_init__(self) -> None:
        if not (0 <= self.start <= self.end):
            raise PassageError(
                f"passage {self.id}: offsets {self.start}..{self.end} are not 0 <= start <= end",
                path=self.doc_id,
            )
        if self.role is not None and self.role not in ROLES:
            raise PassageError(
                f"passage {self.id}: role {self.role!r} is not one of {ROLES}", path=self.doc_id
            )

    def with_text(self, document: Document) -> Passage:
        """Return a copy whose ``text`` is taken from ``document`` at its offsets."""
        return replace(self, text=document.text[self.start : self.end])

    def check(self, document: Document) -> None:
        """Raise PassageError unless ``document.text[start:end] == text``."""
        if document.id != self.doc_id or document.text[self.start : self.end] != self.text:
            raise PassageError(
                f"passage {self.id}: text does not match {self.doc_id}[{self.start}:{self.end}]",
                path=self.doc_id,
                hint="build passages with Passage.with_text(document) or from a loader",
            )


PASSAGE_COLUMNS = (
    "passage_id", "doc_id", "start", "end", "speaker", "role", "unit", "parent_id",
    "section", "page", "time_start", "time_end", "source_type", "informant_group",
    "case_id", "language", "text",
)
DOCUMENT_COLUMNS = (
    "doc_id", "title", "source_type", "informant_group", "case_id", "language",
    "n_chars", "n_words", "n_passages", "n_fields", "sha256", "source_path",
)


@dataclass(frozen=True)
class LoadProblem:
    """A file that was skipped (or loaded with a warning) and why.

    ``by_rule`` marks a file left out on purpose (not in the manifest, hidden, a system
    folder), as opposed to one that could not be read.
    """

    path: str
    message: str
    skipped: bool = True
    by_rule: bool = False


@dataclass(frozen=True)
class Corpus:
    """Documents plus their passages at one granularity (``unit``).

    Build one with :func:`qualkit.load_corpus`; methods return new objects, never
    mutate. ``problems`` lists the files that were skipped while loading and why.

    >>> import qualkit
    >>> corpus = qualkit.load_corpus("data/demo")             # doctest: +SKIP
    >>> corpus.passages_frame().columns[:4].tolist()           # doctest: +SKIP
    ['passage_id', 'doc_id', 'start', 'end']
    """

    documents: tuple[Document, ...]
    passages: tuple[Passage, ...]
    unit: str = "turn"
    problems: tuple[LoadProblem, ...] = ()
    _by_id: Mapping[str, Document] = field(default=None, repr=False, compare=False)  # type: ignore[assignment]
    _of_doc: Mapping[str, tuple[Passage, ...]] = field(default=None, repr=False, compare=False)  # type: ignore[assignment]
    _documents_frame: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "documents", tuple(self.documents))
        object.__setattr__(self, "passages", tuple(self.passages))
        object.__setattr__(self, "problems", tuple(self.problems))
        if self.unit not in UNITS:
            raise ValueError(f"The 'unit' parameter of Corpus must be one of {UNITS}; got {self.unit!r} instead.")
        by_id: dict[str, Document] = {}
        for d in self.documents:
            if d.id in by_id:
                raise LoadError(f"two documents share the id {d.id!r}", path=d.id,
                                hint="give every document a unique id (its relative path)")
            by_id[d.id] = d
        object.__setattr__(self, "_by_id", MappingProxyType(by_id))
        seen: set[str] = set()
        of_doc: dict[str, list[Passage]] = {}
        for p in self.passages:
            doc = by_id.get(p.doc_id)
            if doc is None:
                raise PassageError(f"passage {p.id} refers to unknown document {p.doc_id!r}")
            if p.id in seen:
                raise PassageError(f"duplicate passage id {p.id!r}", path=p.doc_id)
            seen.add(p.id)
            if p.end > len(doc.text) or doc.text[p.start : p.end] != p.text:
                p.check(doc)
            of_doc.setdefault(p.doc_id, []).append(p)
        object.__setattr__(self, "_of_doc", MappingProxyType({k: tuple(v) for k, v in of_doc.items()}))
        object.__setattr__(self, "_documents_frame", None)  # built on first use

    # -- access ---------------------------------------------------------------------
    def document(self, doc_id: str) -> Document:
        """The document with this id (KeyError with the known ids if absent)."""
        try:
            return self._by_id[doc_id]
        except KeyError:
            raise KeyError(f"no document {doc_id!r}; known: {sorted(self._by_id)[:5]}...") from None

    def __iter__(self) -> Iterator[Passage]:
        return iter(self.passages)

    def __len__(self) -> int:
        return len(self.passages)

    def passages_of(self, doc_id: str) -> tuple[Passage, ...]:
        """The passages of one document, in corpus order (indexed once: no scan)."""
        return self._of_doc.get(doc_id, ())

    def segment(self, unit: str) -> Corpus:
        """Return the corpus re-cut into ``unit`` passages (``turn`` or ``sentence``)."""
        return segment_corpus(self, unit)

    def replace(self, **changes: Any) -> Corpus:
        """A copy with some attributes replaced (validated again)."""
        changes.setdefault("_by_id", None)
        changes.setdefault("_of_doc", None)
        return replace(self, **changes)

    # -- frames ---------------------------------------------------------------------
    def documents_frame(self) -> pd.DataFrame:
        """One row per document.

        Columns: ``doc_id, title, source_type, informant_group, case_id, language,
        n_chars, n_words, n_passages, n_fields, sha256, source_path``, then one column per
        free metadata key (sorted). Built once per corpus (counting words reads every
        text); each call returns a copy.
        """
        if self._documents_frame is not None:
            return self._documents_frame.copy()
        counts: dict[str, int] = {}
        for p in self.passages:
            counts[p.doc_id] = counts.get(p.doc_id, 0) + 1
        rows = []
        for d in self.documents:
            row = {
                "doc_id": d.id, "title": d.title, "source_type": d.source_type,
                "informant_group": d.informant_group, "case_id": d.case_id,
                "language": d.language, "n_chars": len(d.text),
                "n_words": len(d.text.split()), "n_passages": counts.get(d.id, 0),
                "n_fields": len(d.fields), "sha256": d.sha256, "source_path": d.source_path,
            }
            for k, v in sorted(d.metadata.items()):
                row.setdefault(k, v)
            rows.append(row)
        frame = pd.DataFrame(rows, columns=None if rows else list(DOCUMENT_COLUMNS))
        object.__setattr__(self, "_documents_frame", frame)
        return frame.copy()

    def passages_frame(self) -> pd.DataFrame:
        """One row per passage, in corpus order.

        Columns: ``passage_id, doc_id, start, end, speaker, role, unit, parent_id, section,
        page, time_start, time_end`` (as on :class:`Passage`), the document's
        ``source_type, informant_group, case_id, language``, and ``text``.
        """
        by_id = self._by_id
        rows = [
            (
                p.id, p.doc_id, p.start, p.end, p.speaker, p.role, p.unit, p.parent_id,
                p.section, p.page, p.time_start, p.time_end,
                by_id[p.doc_id].source_type, by_id[p.doc_id].informant_group,
                by_id[p.doc_id].case_id, by_id[p.doc_id].language, p.text,
            )
            for p in self.passages
        ]
        frame = pd.DataFrame(rows, columns=list(PASSAGE_COLUMNS))
        return frame.astype({"start": "int64", "end": "int64"})

    def roles_frame(self) -> pd.DataFrame:
        """Passages and words per document and role: ``doc_id, role, passages, words``.

        ``role`` is ``interviewer``, ``informant``, ``prompt`` or None (no speaker), one
        row per role a document has, documents in corpus order. A transcript with no
        ``informant`` row has no participant speech: check its ``interviewer`` labels.

        >>> doc = Document(id="a", text="P: Halo?\\nI: Saya takut.")
        >>> c = Corpus((doc,), (Passage("a", "a#p1", 3, 8, "Halo?", "P", "interviewer"),
        ...                     Passage("a", "a#p2", 12, 23, "Saya takut.", "I", "informant")))
        >>> c.roles_frame().to_dict("records")[1]
        {'doc_id': 'a', 'role': 'informant', 'passages': 1, 'words': 2}
        """
        counts: dict[tuple[str, str | None], list[int]] = {}
        for p in self.passages:
            row = counts.setdefault((p.doc_id, p.role), [0, 0])
            row[0] += 1
            row[1] += len(p.text.split())
        rows = [(doc, role, n, words) for (doc, role), (n, words) in counts.items()]
        return pd.DataFrame(rows, columns=["doc_id", "role", "passages", "words"])

    def fields_frame(self) -> pd.DataFrame:
        """Form fields of every document: ``doc_id, section, label, value, start, end``."""
        rows = [
            (d.id, f.section, f.label, f.value, f.start, f.end)
            for d in self.documents
            for f in d.fields
        ]
        return pd.DataFrame(rows, columns=["doc_id", "section", "label", "value", "start", "end"])

    def _repr_html_(self) -> str:
        frame = self.documents_frame()
        summary = (
            f"<p><b>Corpus</b>: {len(self.documents)} documents, {len(self.passages)} "
            f"{self.unit} passages, {len(self.problems)} skipped file(s)</p>"
        )
        cols = ["doc_id", "source_type", "informant_group", "case_id", "language", "n_passages"]
        return summary + frame[cols].to_html(index=False) if len(frame) else summary


# --------------------------------------------------------------------------------------
# re-cutting: turns <-> sentences
# --------------------------------------------------------------------------------------


def sentence_passages(passage: Passage, language: str = "id", *, page_starts: Sequence[int] = ()) -> list[Passage]:
    """Split one turn/paragraph/field passage into sentence passages ``<id>.s<m>``.

    The sentences keep the speaker, role, section and times of their parent; with
    ``page_starts`` (offsets where each PDF page begins) each gets its own page.

    >>> p = Passage("a", "a#p1", 0, 11, "Satu. Dua.")
    >>> [(s.id, s.text) for s in sentence_passages(p)]
    [('a#p1.s1', 'Satu.'), ('a#p1.s2', 'Dua.')]
    """
    out = []
    base, text, pid = passage.start, passage.text, passage.id
    for m, (s, e) in enumerate(split_sentences(text, language), start=1):
        start = base + s
        page = (bisect.bisect_right(page_starts, start) or passage.page) if page_starts else passage.page
        out.append(Passage(
            doc_id=passage.doc_id, id=f"{pid}.s{m}", start=start, end=base + e, text=text[s:e],
            speaker=passage.speaker, role=passage.role, unit="sentence", parent_id=pid,
            section=passage.section, page=page, time_start=passage.time_start,
            time_end=passage.time_end,
        ))
    return out


def segment_corpus(corpus: Corpus, unit: str) -> Corpus:
    """Re-cut ``corpus`` into ``unit`` passages: ``sentence`` or ``turn``.

    Turns (and paragraphs, form fields) become sentences ``<id>.s<m>`` with
    ``parent_id``; sentences are merged back into their parent turns.

    >>> doc = Document(id="a", text="Satu. Dua.")
    >>> c = Corpus((doc,), (Passage("a", "a#p1", 0, 10, "Satu. Dua.", unit="paragraph"),))
    >>> [p.text for p in segment_corpus(c, "sentence")]
    ['Satu.', 'Dua.']
    """
    if unit not in UNITS:
        raise ValueError(
            f"The 'unit' parameter of segment_corpus must be one of {UNITS}; got {unit!r} instead."
        )
    if unit == corpus.unit:
        return corpus
    docs = {d.id: d for d in corpus.documents}
    passages: list[Passage] = []
    if unit == "sentence":
        for p in corpus.passages:
            if p.unit == "sentence":
                passages.append(p)
                continue
            doc = docs[p.doc_id]
            passages.extend(sentence_passages(p, doc.language,
                                              page_starts=doc.metadata.get("page_starts", ())))
    else:
        passages = _merge_sentences(corpus.passages, docs)
    return corpus.replace(passages=tuple(passages), unit=unit)


def _merge_sentences(sentences: Sequence[Passage], docs: Mapping[str, Document]) -> list[Passage]:
    groups: dict[str, list[Passage]] = {}
    for p in sentences:
        key = p.parent_id if (p.unit == "sentence" and p.parent_id) else p.id
        groups.setdefault(key, []).append(p)
    merged = []
    for key, group in groups.items():
        first = group[0]
        if first.unit != "sentence":
            merged.append(first)
            continue
        doc = docs[first.doc_id]
        start = min(p.start for p in group)
        end = max(p.end for p in group)
        field_spans = {(f.start, f.end) for f in doc.fields}
        kind = "field" if (start, end) in field_spans else ("turn" if first.speaker else "paragraph")
        merged.append(replace(first, id=key, start=start, end=end, text=doc.text[start:end],
                              unit=kind, parent_id=None,
                              page=_page_at(doc, start, first.page)))
    return merged


def _page_at(doc: Document, offset: int, default: int | None) -> int | None:
    starts = doc.metadata.get("page_starts", ())
    return bisect.bisect_right(starts, offset) if starts else default
