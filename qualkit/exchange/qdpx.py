"""REFI-QDA projects (``.qdpx``): export a coded corpus, import any tool's project.

Export (:func:`write_qdpx`) writes a zip with ``project.qde`` and one
``sources/<guid>.txt`` per document (UTF-8, no BOM, ``Document.text`` exactly), valid
against Project.xsd: Users (one per coder), CodeBook (see :mod:`qualkit.exchange.qdc`),
Variables ``source_type``, ``informant_group``, ``case_id``, ``language`` with their
values on each TextSource, one Case per ``case_id``, TextSources named by the document id
(``/`` as ``__``; tools such as qc use the name as a file name) with PlainTextSelections
in code points over the stored text, Codings with
``creatingUser``, memos as Notes (``NoteRef`` on the Coding), and Sets carrying the
facets. What REFI-QDA has no element for (passages, form fields, metadata, coding
method/cue/confidence) is kept in ``qualkit: {json}`` lines of Description elements so that
qualkit restores it; ``Document.source_path`` (a local path) is not exported.

write_qdpx exports what it is given: pass an already-redacted corpus and codings
(``qualkit analyze`` and the CLI pass redacted data unless asked not to redact).

Import (:func:`~qualkit.exchange.qdpx_read.read_qdpx`, its own module) reads projects
from NVivo (Windows positions are UTF-16 code units, chosen from ``Project/@origin``),
NVivo for Mac (``.docx`` sources), ATLAS.ti, MAXQDA, QualCoder, qc and Taguette into a :class:`RefiProject`. Every document becomes one
passage per paragraph (non-blank line); paragraphs that a coded selection crosses are
merged into one passage, so every coding's ``passage_id`` names a passage containing its
span. Nothing is half-imported: the whole project is built in memory and checked first.

>>> from qualkit.exchange import read_qdpx                        # doctest: +SKIP
>>> project = read_qdpx("../shared/refi/samples/minimal_full.qdpx")   # doctest: +SKIP
>>> project.codings[["code_id", "start", "end", "coder"]].values.tolist()  # doctest: +SKIP
[['work', 40, 63, 'alice'], ['family_home', 67, 83, 'alice']]
"""

from __future__ import annotations

import functools
import itertools
import json
import operator
import os
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from qualkit import __version__
from qualkit._io import BackgroundWriter, atomic_write, zip_entry
from qualkit.codebook.model import Codebook
from qualkit.coding.frame import validate_codings
from qualkit.corpus import Corpus, Document
from qualkit.errors import ExportError
from qualkit.exchange._xml import (
    MARKER, PROJECT_NS, root_element, serialise, stable_guid, stable_guids, sub, with_marker,
)
from qualkit.exchange.qdc import add_codes, add_sets, code_guid

_encode_string = json.encoder.encode_basestring  # how json.dumps(ensure_ascii=False) writes strings

VARIABLES = ("source_type", "informant_group", "case_id", "language")
"""Document attributes exported as REFI-QDA Variables (and read back from them)."""


@dataclass(frozen=True)
class RefiUser:
    """A user (coder) declared in a project."""

    guid: str
    name: str
    id: str | None = None


@dataclass(frozen=True)
class RefiNote:
    """A note (memo) of a project and the GUIDs of what refers to it."""

    guid: str
    name: str
    text: str
    targets: tuple[str, ...] = ()


@dataclass(frozen=True)
class RefiProject:
    """A REFI-QDA project as qualkit data.

    Attributes
    ----------
    corpus : one Document per text source (id from its name, made unique) with paragraph
        passages (see the module docstring).
    codebook : the project's code tree.
    codings : codings table (``qualkit.coding.frame``), one row per REFI ``Coding``;
        ``coder`` is the user's name (or the GUID of an undeclared user), ``method``
        ``manual`` unless the file was written by qualkit.
    users, notes : declared users and notes.
    origin : ``Project/@origin`` (the tool that wrote the file).
    warnings : what was skipped or guessed, one sentence each.
    position_model : ``codepoint`` or ``utf16`` (how selections were counted).
    code_guids, source_guids : code id / document id -> GUID as written in the file.
    """

    corpus: Corpus
    codebook: Codebook
    codings: pd.DataFrame
    users: tuple[RefiUser, ...] = ()
    notes: tuple[RefiNote, ...] = ()
    origin: str = ""
    warnings: tuple[str, ...] = ()
    position_model: str = "codepoint"
    code_guids: Mapping[str, str] = field(default_factory=dict)
    source_guids: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "users", tuple(self.users))
        object.__setattr__(self, "notes", tuple(self.notes))
        object.__setattr__(self, "warnings", tuple(self.warnings))
        object.__setattr__(self, "code_guids", MappingProxyType(dict(self.code_guids)))
        object.__setattr__(self, "source_guids", MappingProxyType(dict(self.source_guids)))

    def _repr_html_(self) -> str:
        warn = "".join(f"<li>{w}</li>" for w in self.warnings[:10])
        return (
            f"<p><b>REFI-QDA project</b> from {self.origin or 'unknown tool'}: "
            f"{len(self.corpus.documents)} sources, {len(self.codebook.codes)} codes, "
            f"{len(self.codings)} codings, {len(self.users)} users, {len(self.notes)} notes</p>"
            + (f"<ul>{warn}</ul>" if warn else "")
        )


# =====================================================================================
# export
# =====================================================================================

def source_guid(doc_id: str) -> str:
    """The stable GUID qualkit writes for a document id."""
    return stable_guid("source", doc_id)


def source_name(doc_id: str) -> str:
    """TextSource ``name`` for a document id: ``/`` becomes ``__`` (tools such as qc use the
    name as a file name); the exact id is kept in the source's ``qualkit:`` block.

    >>> source_name("interviews/korban_01.txt")
    'interviews__korban_01.txt'
    """
    return doc_id.replace("/", "__").replace("\\", "__")


@functools.lru_cache(maxsize=4096)
def user_guid(coder: str) -> str:
    """The stable GUID qualkit writes for a coder."""
    return stable_guid("user", coder)


def _doc_data(doc: Document, corpus: Corpus) -> dict[str, Any]:
    return {
        "id": doc.id, "title": doc.title, "language": doc.language, "sha256": doc.sha256,
        "metadata": dict(doc.metadata), "removed": list(doc.removed),
        "fields": [[f.section, f.label, f.value, f.start, f.end] for f in doc.fields],
        "passages": [
            [p.id, p.start, p.end, p.speaker, p.role, p.unit, p.parent_id, p.section, p.page,
             p.time_start, p.time_end]
            for p in corpus.passages_of(doc.id)
        ],
    }


def _check_codings(frame: pd.DataFrame, corpus: Corpus, codebook: Codebook, where: str) -> None:
    known_docs = {d.id: len(d.text) for d in corpus.documents}
    # find the offending rows column-wise, then describe (at most) the first ten of them
    lengths = pd.Series(_per_value(frame["doc_id"].to_numpy(dtype=object), known_docs.get), dtype=float)
    starts, ends = frame["start"].to_numpy(), frame["end"].to_numpy()
    bad = (lengths.isna().to_numpy()
           | ~((0 <= starts) & (starts <= ends) & (ends <= lengths.fillna(-1).to_numpy()))
           | ~frame["code_id"].isin([c.id for c in codebook.codes]).to_numpy()
           | (frame["coder"].astype(str).str.strip() == "").to_numpy())
    problems = []
    for i in np.flatnonzero(bad):
        row = frame.iloc[int(i)]
        if row.doc_id not in known_docs:
            problems.append(f"row {i}: document {row.doc_id!r} is not in the corpus")
        elif not 0 <= row.start <= row.end <= known_docs[row.doc_id]:
            problems.append(f"row {i}: span {row.start}..{row.end} is outside {row.doc_id!r} "
                            f"({known_docs[row.doc_id]} characters)")
        if row.code_id not in codebook:
            problems.append(f"row {i}: code {row.code_id!r} is not in codebook {codebook.name!r}")
        if not str(row.coder).strip():
            problems.append(f"row {i}: empty coder")
        if len(problems) >= 10:
            break
    if problems:
        raise ExportError("cannot export these codings: " + "; ".join(problems), path=where,
                          hint="export the corpus, codebook and codings of one analysis together "
                               "(redact corpus and codings with the same Redactor)")


def _add_variables_and_cases(root: ET.Element, corpus: Corpus) -> list[str]:
    """Add ``<Variables>`` (those the documents use, returned) and one ``<Case>`` per case id."""
    used = [v for v in VARIABLES if any(getattr(d, v) for d in corpus.documents)]
    if used:
        vars_el = sub(root, "Variables")
        for v in used:
            sub(vars_el, "Variable", guid=stable_guid("variable", v), name=v, typeOfVariable="Text")
    cases: dict[str, list[str]] = {}
    for d in corpus.documents:
        if d.case_id:
            cases.setdefault(d.case_id, []).append(d.id)
    if cases:
        cases_el = sub(root, "Cases")
        for case_id, doc_ids in cases.items():
            case_el = sub(cases_el, "Case", guid=stable_guid("case", case_id), name=case_id)
            value = sub(case_el, "VariableValue")
            sub(value, "VariableRef", targetGUID=stable_guid("variable", "case_id"))
            sub(value, "TextValue").text = case_id
            for doc_id in doc_ids:
                sub(case_el, "SourceRef", targetGUID=source_guid(doc_id))
    return used


def write_qdpx(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame | None,
               path: str | os.PathLike[str], *, users: Mapping[str, str] | None = None,
               name: str | None = None) -> Path:
    """Write a REFI-QDA project (``.qdpx``) that other QDA tools can import.

    Parameters
    ----------
    corpus, codebook, codings : what to export, taken as given (pass redacted data to
        share it; ``None`` or an empty table exports the corpus and codebook only).
    path : the ``.qdpx`` file, written atomically.
    users : optional display names per coder (``{"auto": "qualkit auto-coder"}``); a User
        is written for every coder, with ``id`` = the coder as in the codings table.
    name : project name (default: the codebook's name).

    Over 80 lines only with this docstring: the code itself is about 75 lines.

    >>> from qualkit.corpus import Corpus, Document, Passage
    >>> from qualkit.codebook.model import Code, Codebook
    >>> from qualkit.coding.frame import codings_frame
    >>> doc = Document(id="a.txt", text="Saya takut.", source_type="interview")
    >>> corpus = Corpus(documents=(doc,), passages=(Passage("a.txt", "a.txt#p1", 0, 11).with_text(doc),))
    >>> book = Codebook(name="demo", codes=(Code(id="fear", name="Fear"),))
    >>> rows = [dict(passage_id="a.txt#p1", doc_id="a.txt", code_id="fear", start=5, end=10,
    ...              coder="auto", method="auto")]
    >>> import tempfile, pathlib
    >>> out = write_qdpx(corpus, book, codings_frame(rows), pathlib.Path(tempfile.mkdtemp()) / "a.qdpx")
    >>> from qualkit.exchange.qdpx_read import read_qdpx
    >>> read_qdpx(out).codings[["code_id", "start", "end", "coder"]].values.tolist()
    [['fear', 5, 10, 'auto']]
    """
    where = str(path)
    frame = validate_codings(codings) if codings is not None and len(codings) else None
    if frame is not None:
        _check_codings(frame, corpus, codebook, where)
    coders = list(pd.unique(frame["coder"].astype(str))) if frame is not None else []
    for extra in users or {}:
        if extra not in coders:
            coders.append(extra)
    display = dict(users or {})

    root = root_element("Project", PROJECT_NS, name=name or codebook.name or "qualkit project",
                        origin=f"qualkit {__version__}",
                        creatingUserGUID=user_guid(coders[0]) if coders else None)
    if coders:
        users_el = sub(root, "Users")
        for coder in coders:
            sub(users_el, "User", guid=user_guid(coder), name=display.get(coder, coder), id=coder)
    if codebook.codes:
        add_codes(codebook, sub(sub(root, "CodeBook"), "Codes"))

    used = _add_variables_and_cases(root, corpus)

    files: dict[str, bytes] = {}
    coded: list[str] = []  # documents with selections, in order (a placeholder each)
    if corpus.documents:
        sources_el = sub(root, "Sources")
        has_codings = set(pd.unique(frame["doc_id"])) if frame is not None else set()
        for doc in corpus.documents:
            guid = source_guid(doc.id)
            files[f"sources/{guid}.txt"] = doc.text.encode("utf-8")
            src = sub(sources_el, "TextSource", guid=guid, name=source_name(doc.id),
                      plainTextPath=f"internal://{guid}.txt")
            sub(src, "Description").text = with_marker(doc.title, _doc_data(doc, corpus))
            if doc.id in has_codings:
                sub(src, _PLACEHOLDER, n=str(len(coded)))
                coded.append(doc.id)
            for v in used:
                if getattr(doc, v):
                    value = sub(src, "VariableValue")
                    sub(value, "VariableRef", targetGUID=stable_guid("variable", v))
                    sub(value, "TextValue").text = str(getattr(doc, v))
    sub(root, _PLACEHOLDER, n="notes")
    add_sets(codebook, sub(root, "Sets"), member_attr="targetGUID")
    sub(root, "Description").text = with_marker(
        "Exported by qualkit", {"unit": corpus.unit, "qualkit": __version__})

    # The tree holds everything but the selections (one element per coding: too many for
    # ElementTree at scale); they are streamed into the placeholders, laid out as
    # serialise() would lay them out, and the Notes they refer to go after the Sources.
    skeleton = serialise(root).decode("utf-8")
    pieces = _PLACEHOLDER_RE.split(skeleton)

    def write_zip(tmp: Path) -> None:
        notes: list[tuple[str, str, str]] = []  # (guid, coder guid, text)
        selections = itertools.groupby(_selections_xml(frame, coded, notes) if frame is not None else (),
                                       key=operator.itemgetter(0))
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
            # compression of the (large) project.qde runs in a second thread
            with z.open(zip_entry("project.qde", level=_COMPRESS_LEVEL), "w", force_zip64=True) as fh, BackgroundWriter(fh) as out:
                out.write(pieces[0].encode("utf-8"))
                for n, text in zip(pieces[1::2], pieces[2::2]):
                    if n == "notes":
                        out.write(_notes_xml(notes).encode("utf-8"))
                        text = text if notes else text[len("\n  "):]  # drop the empty line
                    else:  # the next coded document's selections
                        _, doc_pieces = next(selections)
                        for i, (_, xml) in enumerate(doc_pieces):
                            out.write(((_SELECTION_SEP if i else "") + xml).encode("utf-8"))
                    out.write(text.encode("utf-8"))
            for entry, data in files.items():
                z.writestr(zip_entry(entry, level=_COMPRESS_LEVEL), data)

    atomic_write(path, write_zip)
    return Path(path)


_PLACEHOLDER = "qualkit-placeholder"
_PLACEHOLDER_RE = re.compile(rf'<{_PLACEHOLDER} n="([^"]+)" />')
_COMPRESS_LEVEL = 1
"""zlib level of the archive: the fastest; project.qde is very repetitive XML."""


SELECTION_BATCH = 20_000
"""Codings turned into XML at a time (selections are never split across batches)."""

_SELECTION = ('<PlainTextSelection guid="%s" startPosition="%s" endPosition="%s" creatingUser="%s">'
              '\n        <Description>' + MARKER + '{"codings": [%s]}</Description>%s'
              '\n      </PlainTextSelection>')
_CODING_META = ('{"codebook_hash": %s, "confidence": %s, "cue": %s, "guid": "%s", "method": %s, '
                '"passage_id": %s, "spans": %s}')
_CODING = ('\n        <Coding guid="%s" creatingUser="%s">'
           '\n          <CodeRef targetGUID="%s" />%s'
           '\n        </Coding>')
_NOTE_REF = '\n          <NoteRef targetGUID="%s" />'
_SINGLE_SELECTION = _SELECTION % ("%s", "%s", "%s", "%s", _CODING_META, _CODING)
_SELECTION_SEP = "\n      "
"""How serialise() lays out PlainTextSelections inside a TextSource (the templates above:
the JSON values in them are escaped for XML text already, the GUIDs need no escaping)."""


def _selections_xml(frame: pd.DataFrame, doc_ids: list[str],
                    notes: list[tuple[str, str, str]]) -> Iterator[tuple[int, str]]:
    """The PlainTextSelections of the coded documents ``doc_ids`` (one per span, a Coding
    per coding; a document's codings sorted by span, codings of one span in table order),
    as ``(index in doc_ids, XML)`` pieces in document order; a document's pieces are
    joined by :data:`_SELECTION_SEP`. Memos are added to ``notes`` as ``(GUID, user GUID,
    text)``.

    Column-wise: each distinct value is encoded once, then a batch of codings becomes
    XML with one ``%`` format per coding and per selection, and GUIDs by
    :func:`stable_guids`."""
    position = {d: i for i, d in enumerate(doc_ids)}
    doc_pos = _per_value(frame["doc_id"].to_numpy(dtype=object), position.__getitem__).astype(np.int64)
    order = np.lexsort((frame["end"].to_numpy(), frame["start"].to_numpy(), doc_pos))
    pos, starts, ends = doc_pos[order], frame["start"].to_numpy()[order], frame["end"].to_numpy()[order]
    docs = np.array(doc_ids, dtype=object)[pos]

    def column(name: str) -> np.ndarray:
        return frame[name].to_numpy(dtype=object)[order]

    code_ids, coders, memos = column("code_id"), column("coder"), column("memo")
    users = _per_value(coders, lambda c: user_guid(str(c)))
    codes = _per_value(code_ids, code_guid)
    book_hash, cue, method, passage, spans = (
        _per_value(column(name), _xml_json) for name in ("codebook_hash", "cue", "method", "passage_id", "spans"))
    confidence = _float_reprs(frame["confidence"].to_numpy(dtype=np.float64)[order])
    has_memo = _per_value(memos, lambda m: bool(str(m).strip())).astype(bool)

    first = np.ones(len(order), dtype=bool)  # the first coding of each selection
    first[1:] = (pos[1:] != pos[:-1]) | (starts[1:] != starts[:-1]) | (ends[1:] != ends[:-1])
    heads = np.flatnonzero(first)
    # batches of about SELECTION_BATCH codings, each starting at a selection
    cuts = np.searchsorted(heads, np.arange(0, len(order), SELECTION_BATCH))
    edges = np.unique(np.append(heads[np.minimum(cuts, len(heads) - 1)], len(order)))
    for lo, hi in itertools.pairwise(edges.tolist()):
        batch = slice(lo, hi)
        keys = list(map("%s:%s:%s:%s:%s".__mod__, zip(docs[batch], starts[batch].tolist(), ends[batch].tolist(),
                                                       code_ids[batch], coders[batch])))
        _number_repeats(keys)
        guids = stable_guids("coding", keys)
        user = users[batch].tolist()
        note_refs = [""] * len(keys)
        for i in np.flatnonzero(has_memo[batch]).tolist():
            note = stable_guid("note", guids[i])
            note_refs[i] = _NOTE_REF % note
            notes.append((note, user[i], str(memos[lo + i])))
        at = heads[(heads >= lo) & (heads < hi)]
        keys = list(map("%s:%s:%s".__mod__, zip(docs[at], starts[at].tolist(), ends[at].tolist())))
        selection = [stable_guids("selection", keys), starts[at].tolist(), ends[at].tolist(), users[at].tolist()]
        meta = [book_hash[batch].tolist(), confidence[batch].tolist(), cue[batch].tolist(), guids,
                method[batch].tolist(), passage[batch].tolist(), spans[batch].tolist()]
        coding = [guids, user, codes[batch].tolist(), note_refs]
        if len(at) == hi - lo:  # a coding per selection (the usual case): one format each
            selections = list(map(_SINGLE_SELECTION.__mod__, zip(*selection, *meta, *coding)))
        else:
            bounds = list(itertools.pairwise([*(at - lo).tolist(), hi - lo]))
            metas = list(map(_CODING_META.__mod__, zip(*meta)))
            codings = list(map(_CODING.__mod__, zip(*coding)))
            selections = list(map(_SELECTION.__mod__, zip(
                *selection, [", ".join(metas[a:b]) for a, b in bounds], ["".join(codings[a:b]) for a, b in bounds])))
        doc_at = pos[at]
        cuts = [0, *(np.flatnonzero(np.diff(doc_at)) + 1).tolist(), len(at)]
        for a, b in itertools.pairwise(cuts):
            yield int(doc_at[a]), _SELECTION_SEP.join(selections[a:b])


def _number_repeats(keys: list[str]) -> None:
    """Append ``:n`` to the n-th (n > 1) occurrence of a key, in place."""
    repeated = pd.Index(keys).duplicated(keep=False)
    if repeated.any():
        seen: dict[str, int] = {}
        for i in np.flatnonzero(repeated).tolist():
            seen[keys[i]] = n = seen.get(keys[i], 0) + 1
            if n > 1:
                keys[i] = f"{keys[i]}:{n}"


def _per_value(values: np.ndarray, function: Any) -> np.ndarray:
    """``function(v)`` for each of ``values`` (object array), computed once per distinct
    text (codings repeat coders, codes, passages)."""
    if set(map(type, values)) <= {str}:  # factorize would merge equal values of other types (1, 1.0, True)
        found, uniques = pd.factorize(values)
        return np.array([function(u) for u in uniques], dtype=object)[found]
    return np.array([function(v) for v in values], dtype=object)


def _float_reprs(values: np.ndarray) -> np.ndarray:
    """``_float_repr`` of each float, computed once per distinct value (bit pattern)."""
    found, uniques = pd.factorize(values.view(np.int64))
    return np.array([_float_repr(float(u)) for u in uniques.view(np.float64)], dtype=object)[found]


def _xml_json(value: Any) -> str:
    """``value`` as JSON (:func:`_json`), escaped as XML text."""
    return _xml_text(_json(value))


def _xml_text(text: str) -> str:
    """Text content escaped as ElementTree escapes it."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _json(value: Any) -> str:
    """One JSON value as ``json.dumps(..., ensure_ascii=False, default=str)`` writes it."""
    if type(value) is str:
        return _encode_string(value)
    if type(value) is float:
        return _float_repr(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def _float_repr(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(value)


def _notes_xml(notes: list[tuple[str, str, str]]) -> str:
    """The Notes element (memos of codings) as serialise() lays it out at level 1."""
    if not notes:
        return ""
    notes_el = ET.Element("Notes")
    for guid, creator, text in notes:
        note = sub(notes_el, "Note", guid=guid, name="memo", creatingUser=creator)
        sub(note, "PlainTextContent").text = text
    ET.indent(notes_el, space="  ", level=1)
    return ET.tostring(notes_el, encoding="unicode")
