"""How a fitted Redactor's edits reach a corpus and a codings table (offsets kept true).

>>> apply("call 0812", (Edit(5, 9, "[PHONE]", "phone", "0812"),))
'call [PHONE]'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from qualkit.corpus import Corpus, FormField, LoadProblem
from qualkit.errors import QualkitError
from qualkit.privacy.names import name_key
from qualkit.privacy.offsets import Edit, OffsetMap, _all_plain, _move_id, _move_spans, _plain_spans
from qualkit.privacy.offsets import apply_edits as apply
from qualkit.privacy.patterns import METADATA_NAME_KEYS


def merge(text: str, cands: list[tuple[int, int, str, str]], priority: Mapping[str, int]) -> tuple[Edit, ...]:
    """One edit per cluster of overlapping candidates ``(start, end, kind, replacement)``,
    over their union (no part of either leaks), replaced as the best of them: the
    longest, then by kind ``priority``, then the first."""
    cands.sort(key=lambda c: (c[0], -c[1]))
    chosen: list[tuple[int, int, str, str]] = []
    cluster: list[tuple[int, int, str, str]] = []
    end = -1
    for c in [*cands, None]:
        if c is not None and cluster and c[0] < end:
            cluster.append(c)
            end = max(end, c[1])
            continue
        if cluster:
            best = min(cluster, key=lambda x: (-(x[1] - x[0]), priority.get(x[2], 9), x[0]))
            chosen.append((cluster[0][0], end, best[2], best[3]))
        if c is not None:
            cluster, end = [c], c[1]
    return tuple(Edit(s, e, r, k, text[s:e]) for s, e, k, r in chosen)


def transform_corpus(self: Any, corpus: Corpus) -> Corpus:
    """A new Corpus with every text, passage, field, label, title, id and metadata redacted."""
    documents, passages = [], []
    id_map: dict[str, str] = {}
    labels: dict[str, str] = {}  # speaker labels and sections recur: redact each once

    def label(text: str) -> str:
        if text not in labels:
            labels[text] = self.redact_text(text)
        return labels[text]

    case_ids = redact_case_ids(self, [d.case_id for d in corpus.documents if d.case_id])
    for doc in corpus.documents:
        edits = self.edits_of(doc, unfitted="find")  # the fitted text: the edits fit learnt
        new_text = apply(doc.text, edits)
        omap = OffsetMap.from_edits(edits)
        new_id = self.redact_id(doc.id)
        if new_id in id_map.values():
            new_id = f"{new_id}~{len(id_map)}"
        id_map[doc.id] = new_id
        fields = []
        for f in doc.fields:
            if doc.text[f.start:f.end] == f.value:
                s, e = omap.start(f.start), omap.end(f.end)
                value = new_text[s:e]
            else:
                s, e, value = omap.start(f.start), omap.end(f.end), self.redact_text(f.value)
            fields.append(FormField(section=self.redact_text(f.section) if f.section else f.section,
                                    label=self.redact_text(f.label), value=value, start=s, end=e))
        documents.append(replace(
            doc, id=new_id, text=new_text, title=self.redact_text(doc.title),
            case_id=case_ids.get(doc.case_id, doc.case_id),
            source_path=self.redact_id(doc.source_path) if doc.source_path else doc.source_path,
            metadata=_redact_metadata(self, doc.metadata), fields=tuple(fields), removed=(),
        ))
        same_text = not edits and new_id == doc.id
        for p in corpus.passages_of(doc.id):
            speaker = label(p.speaker) if p.speaker else p.speaker
            section = label(p.section) if p.section else p.section
            if same_text and speaker == p.speaker and section == p.section:
                passages.append(p)  # nothing in it to redact: shared, not copied
                continue
            s, e = omap.start(p.start), omap.end(p.end)
            passages.append(replace(
                p, doc_id=new_id, id=_move_id(p.id, doc.id, new_id), start=s, end=e,
                text=new_text[s:e], speaker=speaker,
                parent_id=_move_id(p.parent_id, doc.id, new_id) if p.parent_id else p.parent_id,
                section=section,
            ))
    problems = tuple(LoadProblem(path=self.redact_id(pr.path), message=self.redact_text(pr.message),
                                 skipped=pr.skipped) for pr in corpus.problems)
    return Corpus(documents=tuple(documents), passages=tuple(passages), unit=corpus.unit,
                  problems=problems)


def redact_case_ids(self: Any, case_ids: list[str]) -> dict[str, str]:
    """``{case id: as written out}``: a case id that holds personal data (a village, a
    name) becomes a numbered place tag (``Place_1``, one per case, so cases never merge),
    never a person's pseudonym; the others stay as they are."""
    out: dict[str, str] = {}
    for case_id in sorted(set(case_ids)):
        if self.redact_id(case_id) != case_id:
            out[case_id] = f"Place_{len(out) + 1}"
    return out


def _redact_metadata(self: Any, metadata: Mapping[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in metadata.items():
        if str(k).casefold() in METADATA_NAME_KEYS and isinstance(v, str) and v.strip():
            person = self.people_.get(name_key(v))
            out[k] = person.pseudonym if person and person.pseudonym else self.tags_["name"]
        else:
            out[k] = self.redact_value(v)
    return out


def transform_codings(self: Any, codings: pd.DataFrame) -> pd.DataFrame:
    """Move a codings table onto the redacted corpus (ids, offsets, spans, memos)."""
    if not isinstance(codings, pd.DataFrame):
        raise QualkitError(f"codings must be a pandas DataFrame; got {type(codings).__name__}")
    out = codings.copy()
    if out.empty:
        return out
    doc_ids = out["doc_id"].astype(str) if "doc_id" in out.columns else None
    if doc_ids is None:
        raise QualkitError("codings table lacks the column 'doc_id'",
                           hint="use a codings table as built by qualkit.coding.frame.codings_frame")
    docs = doc_ids.unique().tolist()
    maps = {d: self.offset_map(d) for d in docs}
    new_ids = {d: self.redact_id(d) for d in docs}
    # rows of documents with edits are moved one document at a time (numpy); the
    # others keep their offsets
    edited = [d for d in docs if maps[d].starts]
    rows_of = doc_ids.groupby(doc_ids, sort=False).indices if edited else {}
    if "start" in out.columns and "end" in out.columns:
        starts = out["start"].to_numpy(dtype="int64", copy=True)
        ends = out["end"].to_numpy(dtype="int64", copy=True)
        for d in edited:
            rows = rows_of[d]
            starts[rows] = maps[d].start_many(starts[rows])
            ends[rows] = maps[d].end_many(ends[rows])
        out["start"], out["end"] = starts, ends
    if "spans" in out.columns:
        spans = out["spans"].tolist()
        moved = np.zeros(len(spans), dtype=bool)
        for d in edited:
            rows = rows_of[d]
            moved[rows] = True
            for i in rows.tolist():
                spans[i] = _move_spans(spans[i], maps[d])
        kept = np.flatnonzero(~moved).tolist()
        plain = _all_plain([spans[i] for i in kept])
        if not plain:  # normalise (or reject) spans written by hand
            identity = OffsetMap.from_edits(())
            for i in kept:
                if not _plain_spans(spans[i]):
                    spans[i] = _move_spans(spans[i], identity)
        if edited or not plain:
            out["spans"] = spans
    if "passage_id" in out.columns:
        renamed = {d: n for d, n in new_ids.items() if n != d}
        if renamed:
            out["passage_id"] = [_move_id(str(p), d, renamed[d]) if d in renamed else str(p)
                                 for d, p in zip(doc_ids.tolist(), out["passage_id"].tolist())]
        else:
            out["passage_id"] = out["passage_id"].astype(str)
    out["doc_id"] = doc_ids.map(new_ids)
    for col in ("memo", "text", "quote"):
        if col in out.columns:
            out[col] = _redact_column(self, out[col])
    return out

def _redact_column(self: Any, column: pd.Series) -> list[Any]:
    """:meth:`redact_value` of every cell, each distinct text redacted once."""
    done: dict[str, Any] = {}
    values = column.tolist()
    out = []
    for v in values:
        if isinstance(v, str):
            if v not in done:
                done[v] = self.redact_text(v)
            out.append(done[v])
        else:
            out.append(self.redact_value(v))
    return out
