"""Real human-coded studies for evaluation scripts (read from ../shared/realdata, never copied).

- ``pdpilot()`` and ``serdif()``: the loaders of ``scripts/evaluate_suggester.py`` (PDPilot
  participant turns with MAXQDA segments; the two SERDIF sessions with Taguette tags).
- ``serdif_taguette()``: the SERDIF Taguette project database (17 think-aloud sessions,
  1,794 highlights): one passage per ``<p>`` paragraph of each document's HTML, a
  highlight codes every paragraph its HTML offsets overlap.

Every loader returns ``(corpus, passages, human)``: the Corpus, the evaluated passages
(``passages_frame`` rows) and the human codings (``passage_id, doc_id, code_id``) with
code ids taken from the study codebook ``codebooks/serdif_usability.yaml`` (SERDIF: the
tag name is the code name) or the slugs of the PDPilot code names.
"""

from __future__ import annotations

import html
import re
import sqlite3
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import evaluate_suggester as es  # noqa: E402  (owned by the imports engineer; read-only here)

import qualkit  # noqa: E402
from qualkit.corpus import Corpus, Document, Passage  # noqa: E402

REALDATA = ROOT / ".." / "shared" / "realdata"
SERDIF_BOOK = ROOT / "codebooks" / "serdif_usability.yaml"
_P = re.compile(r"<p>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")


def _serdif_ids() -> dict[str, str]:
    book = qualkit.load_codebook(SERDIF_BOOK)
    return {c.name: c.id for c in book.codes}


def _with_docs(codings: pd.DataFrame, passages: pd.DataFrame) -> pd.DataFrame:
    doc_of = dict(zip(passages["passage_id"], passages["doc_id"]))
    return codings.assign(doc_id=codings["passage_id"].map(doc_of))


def pdpilot(root: Path = REALDATA):
    data = es.load_pdpilot(root)
    return data.corpus, data.passages, _with_docs(data.codings, data.passages), data


def serdif(root: Path = REALDATA):
    data = es.load_serdif(root)
    tags = pd.read_csv(root / "serdif_usability_thinkaloud" / "tags_20220303_P1_P2.csv", dtype=str)
    book = pd.read_csv(root / "serdif_usability_thinkaloud" / "codebook_20220303_8.csv", dtype=str)
    taken: set[str] = set()
    slugs = {es._slug(n, taken): n for n in sorted(set(tags["tag"]) | set(book["tag"]))}
    ids = _serdif_ids()
    codings = data.codings.assign(code_id=data.codings["code_id"].map(lambda s: ids[slugs[s]]))
    return data.corpus, data.passages, _with_docs(codings, data.passages), data


def serdif_taguette(root: Path = REALDATA):
    path = root / "exports" / "taguette_serdif" / "SERDIF_P2_ThematicAnalysis.sqlite3"
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    ids = _serdif_ids()
    docs, passages, ranges = [], [], {}
    for doc_key, name, contents in db.execute("SELECT id, name, contents FROM documents ORDER BY id"):
        pieces, spans, offset = [], [], 0
        for m in _P.finditer(contents):
            text = " ".join(html.unescape(_TAG.sub("", m.group(1))).split())
            if text:
                spans.append((offset, offset + len(text), m.start(), m.end()))
            pieces.append(text)
            offset += len(text) + 1
        doc = Document(id=name, text="\n".join(pieces), source_type="observation", language="en")
        docs.append(doc)
        for n, (s, e, hs, he) in enumerate(spans, start=1):
            passages.append(Passage(doc.id, f"{doc.id}#p{n}", s, e).with_text(doc))
            ranges.setdefault(doc_key, []).append((hs, he, f"{doc.id}#p{n}", doc.id))
    rows = []
    sql = ("SELECT h.document_id, h.start_offset, h.end_offset, t.path FROM highlights h "
           "JOIN highlight_tags ht ON ht.highlight_id = h.id JOIN tags t ON t.id = ht.tag_id")
    for doc_key, start, end, tag in db.execute(sql):
        for hs, he, pid, doc_id in ranges.get(doc_key, []):
            if hs < end and he > start and tag in ids:
                rows.append((pid, doc_id, ids[tag]))
    db.close()
    corpus = Corpus(documents=tuple(docs), passages=tuple(passages))
    human = pd.DataFrame(rows, columns=["passage_id", "doc_id", "code_id"]).drop_duplicates()
    return corpus, corpus.passages_frame(), human.reset_index(drop=True), None
