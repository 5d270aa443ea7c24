"""REFI-QDA project import (:func:`read_qdpx`): any tool's ``.qdpx`` into a
:class:`~qualkit.exchange.qdpx.RefiProject` (the format and the export are described in
:mod:`qualkit.exchange.qdpx`).

>>> project = read_qdpx("../shared/refi/samples/minimal_full.qdpx")   # doctest: +SKIP
"""

from __future__ import annotations

import bisect
import hashlib
import io
import os
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any


from qualkit.coding.frame import codings_frame
from qualkit.corpus import SOURCE_TYPES, Corpus, Document, FormField, Passage
from qualkit.errors import ExchangeError, QualkitError
from qualkit.exchange._archive import MAX_BYTES, MAX_RATIO, SafeZip
from qualkit.exchange._text import SourceText, decode, position_model
from qualkit.exchange._xml import attr, child, children, guid_key, parse_xml, split_marker, text_of
from qualkit.exchange.qdc import read_code_tree
from qualkit.exchange.qdpx import VARIABLES, RefiNote, RefiProject, RefiUser
from qualkit.exchange.segments import DOCUMENT_GROUP


def _paragraphs(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Non-blank lines, merged where a span crosses from one into the next."""
    intervals = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]
    spans = list(spans)
    intervals += [(s, e) for s, e in spans if e > s]
    merged: list[tuple[int, int]] = []
    for s, e in sorted(intervals):
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    for s, e in spans:
        if e == s and not any(a <= s <= b for a, b in merged):
            bisect.insort(merged, (s, s))
    return merged


def _container(passages: list[Passage], starts: list[int], s: int, e: int) -> Passage | None:
    i = bisect.bisect_right(starts, s) - 1
    while i >= 0:
        p = passages[i]
        if p.start <= s and e <= p.end:
            return p
        if p.end < s:
            break
        i -= 1
    return None


def _docx_text(data: bytes, where: str) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as err:  # python-docx raises several types for bad packages
        raise ExchangeError(f"cannot read the .docx source ({err})", path=where,
                            hint="export the project again, or with plain-text sources") from err
    return "\n".join(p.text for p in document.paragraphs)


class _Reader:
    """One import, built entirely in memory."""

    def __init__(self, data: bytes, where: str, *, language: str, max_bytes: int, max_ratio: float) -> None:
        self.where = where
        self.language = language
        self.archive = SafeZip(data, where, max_bytes=max_bytes, max_ratio=max_ratio)
        self.warnings: list[str] = []

    # -- archive ------------------------------------------------------------------------
    def project_entry(self) -> str:
        found = self.archive.find("project.qde")
        if found:
            return found
        qdes = [n for n in self.archive.names() if n.lower().endswith(".qde") and "/" not in n.strip("/")]
        if len(qdes) == 1:
            return qdes[0]
        raise ExchangeError("the archive holds no project.qde", path=self.where,
                            hint="a .qdpx needs a project.qde at its root; export it again")

    def source_bytes(self, ref: str, what: str) -> tuple[bytes, str]:
        if "://" in ref and not ref.lower().startswith("internal://"):
            raise ExchangeError(f"{what} refers to an external file {ref!r} that is not in the archive",
                                path=self.where, hint="export the project with its sources embedded")
        rel = ref.split("://", 1)[-1].replace("\\", "/").lstrip("/")
        for candidate in (f"sources/{rel}", rel, f"sources/{posixpath.basename(rel)}"):
            entry = self.archive.find(candidate)
            if entry:
                return self.archive.read(entry), entry
        raise ExchangeError(f"{what}: its file {ref!r} is missing from the archive", path=self.where,
                            hint="export the project again with its sources")

    # -- whole project --------------------------------------------------------------------
    def read(self) -> RefiProject:
        entry = self.project_entry()
        root = parse_xml(self.archive.read(entry), f"{self.where}!{entry}")
        if root.tag.rsplit("}", 1)[-1].lower() != "project":
            raise ExchangeError(f"{entry} is not a REFI-QDA project (root <{root.tag}>)", path=self.where,
                                hint="is this a .qdpx file?")
        origin = attr(root, "origin") or ""
        model = position_model(origin)
        _, project_meta = split_marker(text_of(child(root, "Description")))
        ours = project_meta is not None

        users = tuple(
            RefiUser(guid=attr(u, "guid") or "", name=attr(u, "name") or "", id=attr(u, "id"))
            for u in children(child(root, "Users"), "User")
        ) if child(root, "Users") is not None else ()
        coder_of = {guid_key(u.guid): ((u.id if ours and u.id else None) or u.name or u.guid) for u in users}

        codebook_el = child(root, "CodeBook")
        tree = read_code_tree(child(codebook_el, "Codes") if codebook_el is not None else None,
                              child(root, "Sets"), name=attr(root, "name") or Path(self.where).stem,
                              where=self.where, origin=origin)
        self.warnings.extend(tree.warnings)

        variables = {guid_key(attr(v, "guid")): attr(v, "name") or ""
                     for v in children(child(root, "Variables"), "Variable")} \
            if child(root, "Variables") is not None else {}
        notes = self._notes(root)
        note_text = {guid_key(n.guid): n.text for n in notes}

        case_of: dict[str, tuple[str, dict[str, str]]] = {}
        for case in children(child(root, "Cases"), "Case") if child(root, "Cases") is not None else []:
            values = self._values(case, variables)
            for ref in children(case, "SourceRef"):
                case_of.setdefault(guid_key(attr(ref, "targetGUID")), (attr(case, "name") or attr(case, "guid") or "", values))

        default_user = attr(root, "creatingUserGUID")
        documents: list[Document] = []
        passages: list[Passage] = []
        rows: list[dict[str, Any]] = []
        source_guids: dict[str, str] = {}
        taken: set[str] = set()
        sources_el = child(root, "Sources")
        for src in list(sources_el) if sources_el is not None else []:
            kind = src.tag.rsplit("}", 1)[-1]
            if kind.lower() != "textsource":
                n = sum(1 for _ in src.iter() if str(_.tag).endswith("Coding"))
                self.warnings.append(f"skipped {kind} {attr(src, 'name') or attr(src, 'guid')!r} "
                                     f"with {n} coding(s): qualkit imports text sources only")
                continue
            doc, doc_passages, doc_rows = self._source(
                src, model=model, ours=ours, tree=tree, coder_of=coder_of, note_text=note_text,
                variables=variables, case_of=case_of, default_user=default_user, taken=taken,
                codebook_hash=tree.codebook.hash)
            documents.append(doc)
            passages.extend(doc_passages)
            rows.extend(doc_rows)
            source_guids[doc.id] = attr(src, "guid") or ""
        sets_of = _source_sets(child(root, "Sets"))
        documents = [replace(d, metadata={**d.metadata, DOCUMENT_GROUP: "; ".join(sets_of[key])})
                     if (key := guid_key(source_guids.get(d.id))) in sets_of else d for d in documents]
        unit = (project_meta or {}).get("unit", "turn")
        try:
            corpus = Corpus(documents=tuple(documents), passages=tuple(passages),
                            unit=unit if unit in ("turn", "sentence") else "turn")
            codings = codings_frame(rows)
        except (QualkitError, ValueError) as err:
            raise ExchangeError(f"the imported data is inconsistent: {err}", path=self.where,
                                hint="export the project again from its tool") from err
        return RefiProject(corpus=corpus, codebook=tree.codebook, codings=codings, users=users,
                           notes=notes, origin=origin, warnings=tuple(self.warnings),
                           position_model=model, code_guids=tree.guids, source_guids=source_guids)

    def _notes(self, root) -> tuple[RefiNote, ...]:
        notes_el = child(root, "Notes")
        if notes_el is None:
            return ()
        targets: dict[str, list[str]] = {}
        for el in root.iter():
            for ref in children(el, "NoteRef"):
                targets.setdefault(guid_key(attr(ref, "targetGUID")), []).append(attr(el, "guid") or "")
        out = []
        for note in children(notes_el, "Note"):
            guid = attr(note, "guid") or ""
            content = child(note, "PlainTextContent")
            if content is not None:
                text = text_of(content)
            elif attr(note, "plainTextPath"):
                data, _ = self.source_bytes(attr(note, "plainTextPath") or "", f"note {guid}")
                text = decode(data)[0]
            else:
                text = ""
            out.append(RefiNote(guid=guid, name=attr(note, "name") or "", text=text,
                                targets=tuple(targets.get(guid_key(guid), ()))))
        return tuple(out)

    @staticmethod
    def _values(el, variables: Mapping[str, str]) -> dict[str, str]:
        values = {}
        for vv in children(el, "VariableValue"):
            ref = child(vv, "VariableRef")
            name = variables.get(guid_key(attr(ref, "targetGUID"))) if ref is not None else None
            value = [c for c in vv if c is not ref]
            if name and value:
                values[name] = text_of(value[0]).strip()
        return values

    # -- one source -----------------------------------------------------------------------
    def _source_text(self, src, what):
        """The source's stored bytes, its text and the archive entry it came from (None: inline)."""
        content = child(src, "PlainTextContent")
        entry = None
        if content is not None:
            raw_bytes = text_of(content).encode("utf-8")
        elif attr(src, "plainTextPath"):
            raw_bytes, entry = self.source_bytes(attr(src, "plainTextPath") or "", what)
        else:
            raw_bytes = b""
        raw = decode(raw_bytes)[0]
        rich = attr(src, "richTextPath") or ""
        if not raw.strip() and rich.lower().endswith(".docx"):
            docx_bytes, entry = self.source_bytes(rich, what)
            raw_bytes = docx_bytes
            raw = _docx_text(docx_bytes, f"{self.where}!{entry}")
        elif content is None and entry is None:
            raise ExchangeError(f"{what} has neither PlainTextContent nor plainTextPath", path=self.where,
                                hint="export the project with text sources")
        return raw_bytes, raw, entry

    def _selections(self, src, st, model, what):
        """``(start, end, selection, codings)`` of the whole-source codings and each selection."""
        spans: list[tuple[int, int, Any, list]] = []  # (start, end, selection, codings)
        whole = [c for c in children(src, "Coding")]
        if whole:
            spans.append((0, len(st.text), src, whole))
        for sel in children(src, "PlainTextSelection"):
            sel_guid = attr(sel, "guid") or "?"
            try:
                a, b = int(attr(sel, "startPosition") or ""), int(attr(sel, "endPosition") or "")
                if a > b:
                    raise ValueError(f"startPosition {a} > endPosition {b}")
                start, end = st.offset(a, model=model), st.offset(b, model=model)
            except ValueError as err:
                raise ExchangeError(f"{what}, selection {sel_guid}: {err}", path=self.where,
                                    hint=f"positions must lie inside the source text "
                                         f"(0..{st.length(model)} {model} units)") from err
            spans.append((start, end, sel, children(sel, "Coding")))
        return spans

    def _coding_rows(self, spans, *, src, what, doc_id, ordered, starts, known_ids, tree, coder_of,
                     note_text, default_user, ours, codebook_hash):
        """One codings-table row per Coding of each span, placed in the passage that holds it."""
        rows = []
        for start, end, sel, codings in spans:
            _, sel_meta = split_marker(text_of(child(sel, "Description"))) if sel is not src else ("", None)
            by_guid = {guid_key(m.get("guid")): m for m in (sel_meta or {}).get("codings", [])} if ours else {}
            sel_notes = [note_text.get(guid_key(attr(r, "targetGUID")), "") for r in children(sel, "NoteRef")] \
                if sel is not src else []
            for coding in codings:
                ref = child(coding, "CodeRef")
                target = attr(ref, "targetGUID") if ref is not None else None
                code_id = tree.code_ids.get(guid_key(target))
                if code_id is None:
                    raise ExchangeError(
                        f"{what}: coding {attr(coding, 'guid')} refers to code {target!r}, which is not "
                        "in the codebook", path=self.where, hint="export the project again with its codebook")
                user = attr(coding, "creatingUser") or attr(sel, "creatingUser") or attr(src, "creatingUser") \
                    or default_user
                coder = coder_of.get(guid_key(user), user) if user else "unknown"
                extra = by_guid.get(guid_key(attr(coding, "guid")), {})
                passage_id = extra.get("passage_id")
                if passage_id not in known_ids:
                    container = _container(ordered, starts, start, end)
                    if container is None:
                        raise ExchangeError(f"{what}: no passage holds the coded span {start}..{end}",
                                            path=self.where, hint="export the project again")
                    passage_id = container.id
                memo = [note_text.get(guid_key(attr(r, "targetGUID")), "") for r in children(coding, "NoteRef")]
                rows.append({
                    "passage_id": passage_id, "doc_id": doc_id, "code_id": code_id, "start": start,
                    "end": end, "spans": extra.get("spans") or f"{start}-{end}", "cue": extra.get("cue", ""),
                    "coder": coder, "method": extra.get("method", "imported"),
                    "confidence": float(extra.get("confidence", 1.0)),
                    "codebook_hash": extra.get("codebook_hash", codebook_hash),
                    "memo": "\n\n".join(t for t in [*memo, *sel_notes] if t),
                })
        return rows

    def _source(self, src, *, model, ours, tree, coder_of, note_text, variables, case_of,
                default_user, taken, codebook_hash):
        """One TextSource: its Document, passages (qualkit's own, else paragraphs) and codings rows."""
        guid = attr(src, "guid") or ""
        label = attr(src, "name") or attr(src, "plainTextPath") or guid
        what = f"source {label!r}"
        raw_bytes, raw, entry = self._source_text(src, what)
        st = SourceText.from_raw(raw)

        human, meta = split_marker(text_of(child(src, "Description")))
        meta = meta if ours and meta else None
        base = (meta or {}).get("id") or attr(src, "name") or posixpath.basename(
            (attr(src, "plainTextPath") or "").split("://", 1)[-1]) or guid
        doc_id, n = base, 2
        while doc_id in taken:
            doc_id, n = f"{base}~{n}", n + 1
        taken.add(doc_id)

        values = dict(case_of.get(guid_key(guid), ("", {}))[1])
        values.update(self._values(src, variables))
        case_name = case_of.get(guid_key(guid), (None, {}))[0]
        source_type = values.get("source_type") or "document"
        if source_type not in SOURCE_TYPES:
            self.warnings.append(f"{what}: source_type {source_type!r} is not one of {SOURCE_TYPES}; "
                                 "imported as 'document'")
            source_type = "document"

        spans = self._selections(src, st, model, what)

        if meta and meta.get("passages"):
            doc_passages = [
                Passage(doc_id=doc_id, id=p[0], start=p[1], end=p[2], text=st.text[p[1]:p[2]], speaker=p[3],
                        role=p[4], unit=p[5], parent_id=p[6], section=p[7], page=p[8],
                        time_start=p[9], time_end=p[10])
                for p in meta["passages"]
            ]
        else:
            doc_passages = [
                Passage(doc_id=doc_id, id=f"{doc_id}#p{i}", start=s, end=e, text=st.text[s:e], unit="paragraph")
                for i, (s, e) in enumerate(_paragraphs(st.text, [(s, e) for s, e, _, _ in spans]), start=1)
            ]
        ordered = sorted(doc_passages, key=lambda p: (p.start, -p.end))
        starts = [p.start for p in ordered]
        known_ids = {p.id for p in doc_passages}

        rows = self._coding_rows(spans, src=src, what=what, doc_id=doc_id, ordered=ordered, starts=starts,
                                 known_ids=known_ids, tree=tree, coder_of=coder_of, note_text=note_text,
                                 default_user=default_user, ours=ours, codebook_hash=codebook_hash)

        metadata = {k: v for k, v in values.items() if k not in VARIABLES}
        metadata.update({"refi_guid": guid, "refi_origin_path": entry or ""})
        if meta:  # JSON has lists where qualkit's frozen data holds tuples
            metadata = {k: tuple(v) if isinstance(v, list) else v for k, v in meta.get("metadata", {}).items()}
        doc = Document(
            id=doc_id, text=st.text, source_type=source_type,
            informant_group=values.get("informant_group") or None,
            case_id=values.get("case_id") or case_name or None,
            language=values.get("language") or (meta or {}).get("language") or self.language,
            title=(meta or {}).get("title") or attr(src, "name") or human or doc_id,
            sha256=meta.get("sha256", "") if meta else hashlib.sha256(raw_bytes).hexdigest(),
            metadata=metadata,
            fields=tuple(FormField(*f) for f in (meta or {}).get("fields", [])),
            removed=tuple((meta or {}).get("removed", ())) if meta else st.removed,
        )
        return doc, doc_passages, rows


def _source_sets(sets_el: Any) -> dict[str, list[str]]:
    """Source guid key -> names of the Sets that list it as a ``<MemberSource>`` (REFI-QDA
    document groups), in the file's order."""
    out: dict[str, list[str]] = {}
    for s in children(sets_el, "Set") if sets_el is not None else []:
        name = attr(s, "name") or ""
        for m in children(s, "MemberSource"):
            target = guid_key(attr(m, "targetGUID") or attr(m, "guid"))
            if name and name not in out.setdefault(target, []):
                out[target].append(name)
    return out


def read_qdpx(path: str | os.PathLike[str], *, language: str = "und", max_bytes: int = MAX_BYTES,
              max_ratio: float = MAX_RATIO) -> RefiProject:
    """Read a REFI-QDA project (``.qdpx``) into corpus, codebook and codings.

    Parameters
    ----------
    path : the ``.qdpx`` file.
    language : language code given to documents without a ``language`` variable
        (``und``: undetermined).
    max_bytes, max_ratio : refuse archives decompressing beyond ``max_bytes`` in total,
        or with an entry compressed more than ``max_ratio`` times (a zip bomb).

    Raises ExchangeError naming the part for malformed XML, hostile archives, a missing
    source file, a selection outside its source's text or a coding of an unknown code.

    >>> project = read_qdpx("../shared/refi/samples/qc_1.7.8_export.qdpx")   # doctest: +SKIP
    >>> len(project.codings), project.position_model                           # doctest: +SKIP
    (4, 'codepoint')
    """
    where = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise ExchangeError(f"cannot read the project ({err.strerror})", path=where, hint="check the path") from err
    return _Reader(data, where, language=language, max_bytes=max_bytes, max_ratio=max_ratio).read()
