"""The column-wise PlainTextSelection writer against an ElementTree reference, element by element."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from qualkit.codebook.model import Code, Codebook
from qualkit.coding.frame import codings_frame, validate_codings
from qualkit.corpus import Corpus, Document, Passage
from qualkit.exchange import qdpx
from qualkit.exchange._xml import MARKER, stable_guid, stable_guids
from qualkit.exchange.qdc import code_guid

AWKWARD = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8) | st.sampled_from(
    ["", " ", "a & b", "<x>", "]]>", '"q"', "😀𝕏", "tab\there", "new\nline"])


def _reference(frame, doc_id: str) -> str:
    """The selections of one document built as ElementTree elements and serialised as
    ``serialise()`` lays them out inside a TextSource."""
    rows = frame[frame["doc_id"] == doc_id].sort_values(["start", "end"], kind="stable")
    out = []
    for (start, end), group in rows.groupby(["start", "end"], sort=False):
        span = f"{doc_id}:{start}:{end}"
        sel = ET.Element("PlainTextSelection", guid=stable_guid("selection", span), startPosition=str(start),
                         endPosition=str(end), creatingUser=qdpx.user_guid(str(group["coder"].iloc[0])))
        description = ET.SubElement(sel, "Description")
        meta, seen = [], {}
        for row in group.itertuples():
            key = f"{span}:{row.code_id}:{row.coder}"
            seen[key] = n = seen.get(key, 0) + 1
            guid = stable_guid("coding", key if n == 1 else f"{key}:{n}")
            meta.append({"codebook_hash": row.codebook_hash, "confidence": row.confidence, "cue": row.cue,
                         "guid": guid, "method": row.method, "passage_id": row.passage_id, "spans": row.spans})
            coding = ET.SubElement(sel, "Coding", guid=guid, creatingUser=qdpx.user_guid(str(row.coder)))
            ET.SubElement(coding, "CodeRef", targetGUID=code_guid(row.code_id))
            if str(row.memo).strip():
                ET.SubElement(coding, "NoteRef", targetGUID=stable_guid("note", guid))
        description.text = MARKER + json.dumps({"codings": meta}, ensure_ascii=False, default=str)
        ET.indent(sel, space="  ", level=3)
        out.append(ET.tostring(sel, encoding="unicode").rstrip())
    return "\n      ".join(out)


def _study(cues: list[str], coders: list[str], memos: list[str], spans: list[tuple[int, int]]):
    text = "Saya takut & <ragu> 😀 " * 4
    doc = Document(id="d/ä & b.txt", text=text, source_type="interview")
    other = Document(id="e.txt", text="x" * 10, source_type="document")
    corpus = Corpus(documents=(doc, other), passages=(Passage(doc.id, "p<1>", 0, len(text)).with_text(doc),
                                                      Passage(other.id, "e#p1", 0, 10).with_text(other)))
    book = Codebook(name="t", codes=(Code(id="c&1", name="One"), Code(id="c2", name="Two")))
    rows = [dict(passage_id="p<1>", doc_id=doc.id, code_id=("c&1", "c2")[i % 2], start=s, end=e,
                 cue=cues[i % len(cues)], coder=coders[i % len(coders)], method="manual",
                 memo=memos[i % len(memos)], confidence=(1.0, 0.5, 1 / 3)[i % 3])
            for i, (s, e) in enumerate(spans)]
    rows.append(dict(passage_id="e#p1", doc_id=other.id, code_id="c2", start=1, end=2, coder="auto", method="auto"))
    return corpus, book, codings_frame(rows)


def _qde(path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("project.qde").decode("utf-8")


SPANS = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)).map(sorted).map(tuple), min_size=1, max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cues=st.lists(AWKWARD, min_size=1, max_size=3), coders=st.lists(AWKWARD.filter(str.strip), min_size=1, max_size=2),
       memos=st.lists(AWKWARD, min_size=1, max_size=3), spans=SPANS, batch=st.sampled_from([1, 2, 3, 20_000]))
def test_selections_are_laid_out_as_elementtree_would(tmp_path, monkeypatch, cues, coders, memos, spans, batch):
    monkeypatch.setattr(qdpx, "SELECTION_BATCH", batch)  # batches of any size give the same bytes
    corpus, book, codings = _study(cues, coders, memos, spans)
    text = _qde(qdpx.write_qdpx(corpus, book, codings, tmp_path / "p.qdpx"))
    frame = validate_codings(codings)
    for doc in corpus.documents:
        assert f'plainTextPath="internal://{qdpx.source_guid(doc.id)}.txt">' in text
        assert _reference(frame, doc.id) in text
    assert text.count("<PlainTextSelection ") == len(frame.drop_duplicates(["doc_id", "start", "end"]))


def test_repeated_codings_of_one_span_get_numbered_guids(tmp_path):
    corpus, book, codings = _study(["a"], ["rina"], [""], [(1, 4), (1, 4), (1, 4), (2, 3)])
    codings["code_id"] = "c2"
    text = _qde(qdpx.write_qdpx(corpus, book, codings, tmp_path / "p.qdpx"))
    key = f"{corpus.documents[0].id}:1:4:c2:rina"
    for guid in (stable_guid("coding", k) for k in (key, f"{key}:2", f"{key}:3")):
        assert text.count(f'<Coding guid="{guid}"') == 1
    assert _reference(validate_codings(codings), corpus.documents[0].id) in text


@given(st.lists(st.text(), max_size=20), st.sampled_from(["coding", "selection", "ü"]))
def test_stable_guids_equal_stable_guid(keys, kind):
    keys = [k.encode("utf-8", "replace").decode("utf-8", "replace") for k in keys]
    assert stable_guids(kind, keys) == [stable_guid(kind, k) for k in keys]


@pytest.mark.parametrize("values", [[1.0, -0.0, 0.0, float("nan"), float("inf"), -float("inf"), 1 / 3, 1e300]])
def test_float_reprs_per_value(values):
    import numpy as np

    assert qdpx._float_reprs(np.array(values)).tolist() == [qdpx._float_repr(v) for v in values]
