"""Coded segments read from another QDA tool, placed in a corpus by their text.

Every reader (Taguette, MAXQDA, ATLAS.ti, CATMA, tag columns) turns an export into
:class:`Segment` records: the document as the tool named it, the code paths, the coded
text and the stored position. :func:`place_segments` matches each document name to a
loaded document, finds the text there (folded: see :mod:`qualkit.exchange._fold`), uses
the stored position only to choose between repeats, and returns an :class:`ImportResult`.
Nothing is dropped silently: a segment that cannot be placed is listed in
``ImportResult.report`` with the reason.

>>> import qualkit
>>> from qualkit.loading.passages import text_passages
>>> doc = qualkit.Document(id="interview_p12.txt", text="I: Why?\\nR: I was “afraid”.", title="Interview P12")
>>> corpus = qualkit.Corpus(documents=(doc,), passages=text_passages(doc.id, doc.text))
>>> seg = Segment(document="Interview P12", codes=(("Emotion", "Fear"),), text='was "afraid"', coder="ana")
>>> result = place_segments([seg], corpus, format="example")
>>> result.codings[["passage_id", "code_id", "start", "end", "coder"]].values.tolist()
[['interview_p12.txt#p1', 'fear', 13, 25, 'ana']]
>>> [(c.id, c.parent) for c in result.codebook.codes]
[('emotion', None), ('fear', 'emotion')]
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

import pandas as pd

from qualkit.codebook.model import Code, Codebook
from qualkit.coding.frame import CODING_KEY, codings_frame
from qualkit.corpus import Corpus, Document, Passage
from qualkit.exchange._fold import FoldedText, fold_needle
from qualkit.exchange.qdc import _unique, slug
from qualkit.loading.passages import text_passages

DOCUMENT_GROUP = "document_group"
"""The document metadata key that holds a document's group (MAXQDA document group, REFI source set)."""
GROUPS_AS = ("informant_group", "case_id")
"""Document attributes a document group can also be written to (``document_groups_as``)."""
POSITION_UNITS = ("char", "paragraph", "fraction")
SEGMENT_COLUMNS = ("segment", "line", "document", "codes", "text", "doc_id", "start", "end", "placed", "reason")


@dataclass(frozen=True)
class Segment:
    """One coded segment as another tool exported it.

    ``codes`` holds code paths (``("Theme", "Subcode")``); ``start``/``end`` are the
    stored position in ``unit`` (``char``: character offsets in the tool's text;
    ``paragraph``: paragraph numbers from 1; ``fraction``: share of the document length),
    used only to choose between repeats of the text. ``exact=True`` says the offsets are
    character offsets into the very text the corpus was built from (then they are used
    as they are). ``aliases`` are other names of the document (tried when ``document``
    matches nothing). ``preview=True`` says ``text`` may be only the start of the segment (a
    tool's preview): when the stored positions are longer, the placed span is extended to
    their length. ``line`` is where the segment stands in the export (for the report).
    ``group`` is the document's group in the tool (MAXQDA's document group), "" if none.
    """

    document: str
    codes: tuple[tuple[str, ...], ...]
    text: str
    start: float | None = None
    end: float | None = None
    unit: str | None = None
    coder: str = ""
    created: str = ""
    memo: str = ""
    line: int | None = None
    exact: bool = False
    preview: bool = False
    aliases: tuple[str, ...] = ()
    group: str = ""


@dataclass(frozen=True)
class ImportResult:
    """Human coding imported from another QDA tool.

    Attributes
    ----------
    codings : the codings table (:mod:`qualkit.coding.frame` columns, ``method="imported"``,
        plus ``created``: the date the tool stored, as written there); a segment that
        runs over several passages gives one row per passage, clipped to it.
    codebook : the tool's code tree (parents from ``Parent\\Child`` paths, ``Theme: Sub``
        names or groups) with the tool's descriptions.
    corpus : the corpus the codings point into (given, or built from the export's texts);
        a document the export puts in a group has it in ``metadata["document_group"]``
        (:mod:`qualkit.exchange.groups`).
    segments : one row per exported segment: ``segment`` (number), ``line`` (in the
        export), ``document``, ``codes`` (``;``-joined paths), ``text``, ``doc_id``,
        ``start``, ``end`` (placed offsets in ``Document.text``, -1 when not placed),
        ``placed`` (bool) and ``reason`` (why not placed, or a note on a choice made).
    report : the rows of ``segments`` that were not placed.
    unmatched_documents : document names in the export that match no loaded document.
    format : the export format read (``taguette-sqlite``, ``maxqda-table``, ...).
    """

    codings: pd.DataFrame
    codebook: Codebook
    corpus: Corpus
    segments: pd.DataFrame
    unmatched_documents: tuple[str, ...] = ()
    format: str = ""
    source: str = ""
    report: pd.DataFrame = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "unmatched_documents", tuple(self.unmatched_documents))
        report = self.segments[~self.segments["placed"]].reset_index(drop=True)
        object.__setattr__(self, "report", report)

    def __repr__(self) -> str:
        placed = int(self.segments["placed"].sum())
        return (f"ImportResult(format={self.format!r}, segments={len(self.segments)}, placed={placed}, "
                f"codings={len(self.codings)}, codes={len(self.codebook.codes)}, "
                f"unmatched_documents={len(self.unmatched_documents)})")


# -- documents ------------------------------------------------------------------------

def name_key(name: str) -> str:
    """A document name folded for matching: case, spaces and punctuation removed.

    >>> name_key("Interview P12"), name_key("interview_p12")
    ('interviewp12', 'interviewp12')
    """
    return re.sub(r"[\W_]+", "", name.casefold())


def _keys(name: str) -> set[str]:
    path = PurePath(name.replace("\\", "/"))
    return {k for k in (name_key(name), name_key(path.name), name_key(path.stem)) if k}


class DocumentMatcher:
    """Match document names from an export to a corpus's documents.

    A name matches a document when its folded form (see :func:`name_key`), or that of
    its file name or stem, equals the folded id, file name, stem, title or source file
    name of exactly one document.
    """

    def __init__(self, documents: Iterable[Document]) -> None:
        self._by_key: dict[str, set[str]] = {}
        for doc in documents:
            for name in (doc.id, doc.title, doc.source_path or ""):
                for key in _keys(name) if name else ():
                    self._by_key.setdefault(key, set()).add(doc.id)

    def match(self, name: str) -> tuple[str | None, str]:
        """``(doc_id, "")`` or ``(None, reason)``."""
        found: set[str] = set()
        for key in _keys(name):
            found |= self._by_key.get(key, set())
        if len(found) == 1:
            return next(iter(found)), ""
        if not found:
            return None, f"document {name!r} matches no loaded document"
        return None, f"document {name!r} matches several documents ({', '.join(sorted(found))})"


def corpus_from_texts(texts: Mapping[str, str], *, language: str = "und") -> Corpus:
    """A corpus of paragraphs/turns built from ``{document name: text}`` an export carries."""
    docs = tuple(Document(id=name, text=text, language=language, title=name) for name, text in texts.items())
    passages = tuple(p for d in docs for p in text_passages(d.id, d.text))
    return Corpus(documents=docs, passages=passages)


def with_document_groups(corpus: Corpus, groups: Mapping[str, str], *, also_as: str | None = None) -> Corpus:
    """``corpus`` with ``groups`` (doc id -> group name) in each document's metadata under
    :data:`DOCUMENT_GROUP`, and, with ``also_as`` (one of :data:`GROUPS_AS`), as its
    informant group or case id where the document has none.

    >>> doc = Document(id="a.txt", text="Hello.")
    >>> corpus = Corpus(documents=(doc,), passages=())
    >>> out = with_document_groups(corpus, {"a.txt": "Group A"}, also_as="informant_group")
    >>> out.document("a.txt").metadata["document_group"], out.document("a.txt").informant_group
    ('Group A', 'Group A')
    """
    if not groups:
        return corpus
    documents = []
    for doc in corpus.documents:
        group = groups.get(doc.id)
        if not group:
            documents.append(doc)
            continue
        changes: dict = {"metadata": {**doc.metadata, DOCUMENT_GROUP: group}}
        if also_as is not None and not getattr(doc, also_as):
            changes[also_as] = group
        documents.append(dataclasses.replace(doc, **changes))
    return Corpus(documents=tuple(documents), passages=corpus.passages, unit=corpus.unit, problems=corpus.problems)


# -- codes ----------------------------------------------------------------------------

def build_codebook(paths: Iterable[tuple[str, ...]], *, name: str, description: str = "",
                   descriptions: Mapping[tuple[str, ...], str] | None = None) -> tuple[Codebook, dict]:
    """A codebook from code paths (parents first); return it and ``{path: code id}``."""
    descriptions = descriptions or {}
    ids: dict[tuple[str, ...], str] = {}
    codes: list[Code] = []
    taken: set[str] = set()
    for path in [*descriptions, *paths]:
        for depth in range(1, len(path) + 1):
            node = path[:depth]
            if node in ids:
                continue
            ids[node] = _unique(slug(node[-1]), taken)
            codes.append(Code(id=ids[node], name=node[-1], description=descriptions.get(node, ""),
                              parent=ids[node[:-1]] if depth > 1 else None))
    return Codebook(name=name, codes=tuple(codes), description=description), ids


# -- placing --------------------------------------------------------------------------

@dataclass
class _Doc:
    doc: Document
    folded: FoldedText
    passages: list[Passage]
    starts: list[int]
    paragraphs: list[int]


def _prepare(doc: Document, passages: Sequence[Passage]) -> _Doc:
    ordered = sorted(passages, key=lambda p: (p.start, p.end))
    paragraphs = [m.start() for m in re.finditer(r"[^\n]*\S[^\n]*", doc.text)]
    return _Doc(doc, FoldedText(doc.text), ordered, [p.start for p in ordered], paragraphs)


def _hint(seg: Segment, d: _Doc) -> tuple[float, float] | None:
    """Where the export says the segment is, as a range of offsets in the document."""
    if seg.start is None or seg.unit is None:
        return None
    if seg.unit == "char":
        return float(seg.start), float(seg.start)
    if seg.unit == "fraction":
        return seg.start * len(d.doc.text), seg.start * len(d.doc.text)
    if not d.paragraphs:
        return None
    last = len(d.paragraphs) - 1
    first = min(max(int(seg.start) - 1, 0), last)  # paragraph numbers count from 1
    after = min(max(int(seg.end if seg.end is not None else seg.start), first + 1), last + 1)
    return float(d.paragraphs[first]), float(d.paragraphs[after] if after <= last else len(d.doc.text))


def _distance(span: tuple[int, int], hint: tuple[float, float]) -> float:
    return max(hint[0] - span[0], span[0] - hint[1], 0.0)


def _locate(seg: Segment, d: _Doc) -> tuple[tuple[int, int] | None, str]:
    """Where ``seg`` stands in ``d``: ``((start, end), note)`` or ``(None, reason)``."""
    text = d.doc.text
    if seg.exact and seg.unit == "char" and seg.start is not None and seg.end is not None:
        s, e = int(seg.start), int(seg.end)
        if 0 <= s < e <= len(text):
            return (s, e), ""
        return None, f"offsets {s}-{e} lie outside the document ({len(text)} characters)"
    needle = fold_needle(seg.text)
    if not needle:
        return None, "the segment has no text to find"
    found = d.folded.find_all(needle, folded=False)
    note = ""
    if not found:
        bare = needle.strip("\"' ")
        if bare != needle and len(bare) >= 10:  # quote marks the tool (or the coder) put around it
            found, note = d.folded.find_all(bare, folded=False), "found without the quote marks around it"
    if not found:
        short = re.sub(r"(\.\.\.|…)$", "", needle).rstrip()
        if short != needle and len(short) >= 10:  # a preview cut short by the tool
            found, note = d.folded.find_all(short, folded=False), "the export's text was cut short; its start was found"
    if not found:
        found = _ends(needle, d)
        note = "its start and end were found; the text between differs from the export"
    if not found:
        return None, "the text was not found in the document"
    hint = _hint(seg, d)
    if len(found) > 1 and hint is None:
        note = f"the text occurs {len(found)} times and the export gives no position: the first was taken"
    start, end = found[0] if hint is None else min(found, key=lambda se: _distance(se, hint))
    if seg.preview and seg.unit == "char" and seg.start is not None and seg.end is not None:
        length = int(seg.end - seg.start)
        if end - start < length <= len(text) - start:
            end, note = start + length, "the export's preview was extended to the stored length"
    return (start, end), note


def _ends(needle: str, d: _Doc, *, size: int = 40) -> list[tuple[int, int]]:
    """Spans that start with the needle's first ``size`` folded characters and end with
    its last ``size`` (or, failing that, ``size // 2``) characters.

    For a long segment whose middle differs (page or line numbers left in an extracted
    text, a word the tool changed); the end must follow within three times the length
    plus 500 characters.
    """
    if len(needle) < 3 * size:
        return []
    head = needle[:size].strip()
    folded = d.folded.folded
    for tail in (needle[-size:].strip(), needle[-size // 2:].strip()):
        spans = []
        at = folded.find(head)
        while at >= 0:
            stop = folded.find(tail, at + len(head), at + 3 * len(needle) + 500)
            if stop >= 0:
                spans.append(d.folded.span(at, stop + len(tail)))
            at = folded.find(head, at + 1)
        if spans:
            return spans
    return []


def _passage_rows(d: _Doc, start: int, end: int) -> list[tuple[Passage, int, int]]:
    """Passages that the span overlaps, with the span clipped to each."""
    i = max(bisect.bisect_right(d.starts, start) - 1, 0)
    rows = []
    for p in d.passages[i:]:
        if p.start >= end:
            break
        s, e = max(start, p.start), min(end, p.end)
        if s < e or (start == end and p.start <= start <= p.end):
            rows.append((p, s, e))
    return rows


def _merge(rows: list[dict]) -> list[dict]:
    """One row per (passage, code, coder): repeated segments join their spans."""
    merged: dict[tuple, dict] = {}
    for row in rows:
        key = tuple(row[k] for k in CODING_KEY)
        if key not in merged:
            merged[key] = dict(row)
            continue
        first = merged[key]
        first["spans"] = f"{first['spans']};{row['spans']}"
        if row["start"] < first["start"]:
            first["start"], first["end"] = row["start"], row["end"]
        for col in ("memo", "created"):
            if row[col] and row[col] not in first[col].split("\n"):
                first[col] = f"{first[col]}\n{row[col]}".strip()
    return list(merged.values())


def place_segments(segments: Iterable[Segment], corpus: Corpus, *, format: str, source: str = "",
                   descriptions: Mapping[tuple[str, ...], str] | None = None,
                   default_coder: str = "imported", groups_as: str | None = None) -> ImportResult:
    """Place ``segments`` in ``corpus`` by their text; see the module docstring.

    The segments' document groups go to the matched documents' metadata (and to
    ``groups_as``, ``informant_group`` or ``case_id``, where a document has none; see
    :func:`qualkit.exchange.groups.with_document_groups`)."""
    segments = list(segments)
    book, code_ids = build_codebook((p for s in segments for p in s.codes), name=PurePath(source).stem or format,
                                    description=f"imported from a {format} export", descriptions=descriptions)
    matcher = DocumentMatcher(corpus.documents)
    prepared: dict[str, _Doc] = {}
    unmatched: dict[str, None] = {}
    rows: list[dict] = []
    table: list[dict] = []
    groups: dict[str, str] = {}
    for number, seg in enumerate(segments, start=1):
        doc_id, reason = matcher.match(seg.document)
        for alias in seg.aliases if doc_id is None else ():
            doc_id = matcher.match(alias)[0] or doc_id
        if doc_id is not None and seg.group:
            groups.setdefault(doc_id, seg.group)
        span = None
        if doc_id is None:
            unmatched[seg.document] = None
        elif not seg.codes:
            reason = "the segment has no code"
        else:
            if doc_id not in prepared:
                prepared[doc_id] = _prepare(corpus.document(doc_id), corpus.passages_of(doc_id))
            span, reason = _locate(seg, prepared[doc_id])
        pieces = _passage_rows(prepared[doc_id], *span) if span else []
        if span and not pieces:
            span, reason = None, "no passage of the document holds the text"
        for path in seg.codes if span else ():
            for passage, s, e in pieces:
                rows.append({"passage_id": passage.id, "doc_id": doc_id, "code_id": code_ids[path], "start": s,
                             "end": e, "spans": f"{s}-{e}", "coder": seg.coder or default_coder, "method": "imported",
                             "memo": seg.memo, "created": seg.created})
        table.append({"segment": number, "line": seg.line if seg.line is not None else -1,
                      "document": seg.document, "codes": ";".join("\\".join(p) for p in seg.codes),
                      "text": seg.text, "doc_id": doc_id or "", "start": span[0] if span else -1,
                      "end": span[1] if span else -1, "placed": span is not None, "reason": reason})
    frame = pd.DataFrame(table, columns=list(SEGMENT_COLUMNS)).astype(
        {"segment": "int64", "line": "int64", "start": "int64", "end": "int64", "placed": "bool"})
    codings = codings_frame(_merge(rows))
    if "created" not in codings.columns:
        codings["created"] = pd.Series(dtype="object")
    corpus = with_document_groups(corpus, groups, also_as=groups_as)
    return ImportResult(codings=codings, codebook=book, corpus=corpus, segments=frame,
                        unmatched_documents=tuple(unmatched), format=format, source=source)
