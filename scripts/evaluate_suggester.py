"""Evaluate the code suggester and keyword coding against human coders on real data.

Datasets (read from ``../shared/realdata`` beside the repository, never copied):

- **PDPilot** (``pdpilot_user_study``): 7 interviews ``P1..P7.txt`` (``Dan:`` /
  ``Participant:`` turns) and 239 MAXQDA segments in ``coded_segments.csv``.
  Passages: the participants' turns (the interviewer's turns are not coded material).
- **SERDIF** (``serdif_usability_thinkaloud``): 2 think-aloud sessions (``.odt``, text
  extracted with odfpy, one passage per non-empty paragraph) and 269 Taguette highlights
  in ``tags_20220303_P1_P2.csv``.

Mapping human codings onto passages: :func:`qualkit.import_codings` places each
segment/highlight in its document by its text (quotes, dashes and whitespace folded; a
long segment whose middle differs, such as the PDF line numbers left in the .txt, by its
start and end). Every passage the span overlaps gets the code. Segments that cannot be
placed are counted (``import_codings``' report) and left out.

Methods compared (same passages, same human codes):

- ``suggester``: :func:`qualkit.coding.suggest.cross_validate_suggester`, shuffled
  K-fold over passages (``--folds``, seed 0), suggestions = top-k codes with
  probability >= ``--threshold``.
- ``suggester/doc-out``: the same, folds holding out whole documents (harder, honest
  about transfer to a new interview).
- ``keyword``: a keyword codebook built from each code's own name and description
  (PDPilot: code name + MAXQDA memo; SERDIF: tag + description): every distinct word of
  >= 3 letters that is not an English stop word (scikit-learn's list) becomes an English
  ``word`` cue matched on Snowball stems; coded with ``qualkit.code``. Precision/recall/F1
  count every code the keywords assign; the top-k hit rate ranks codes by the number of
  distinct cues matched.
- ``majority``: always suggests the k most frequent codes (frequencies over all
  passages, so slightly optimistic) -- the floor any method must beat.

Run ``python scripts/evaluate_suggester.py [--json] [--folds 5] [--top-k 3]``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualkit.codebook.model import Code, Codebook, Cue  # noqa: E402
from qualkit.coding.suggest import cross_validate_suggester, evaluate_rankings  # noqa: E402
from qualkit.corpus import Corpus, Document, Passage  # noqa: E402
from qualkit.exchange import import_codings  # noqa: E402

REALDATA = ROOT / ".." / "shared" / "realdata"
SPEAKER_RE = re.compile(r"^(Dan|Participant|Particpant):[ \t]*", re.MULTILINE)


@dataclass(frozen=True)
class Dataset:
    """Passages to evaluate on, the human codings mapped onto them, and the code texts."""

    name: str
    corpus: Corpus
    passages: pd.DataFrame  # evaluated passages (passages_frame rows)
    codings: pd.DataFrame  # passage_id, code_id (human, any coder)
    code_texts: dict[str, str]  # code id -> name + description words for keyword cues
    n_segments: int
    n_unmapped: int
    loader: str


# -- human codings ------------------------------------------------------------------------------
def _human(export: Path, corpus: Corpus, passages: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str], int, int]:
    """Import ``export`` onto ``corpus``: (passage_id/code_id rows on ``passages``, code id -> name,
    number of segments, number not placed)."""
    result = import_codings(export, corpus)
    keep = result.codings[result.codings["passage_id"].isin(set(passages["passage_id"]))]
    codings = keep[["passage_id", "code_id"]].drop_duplicates().reset_index(drop=True)
    names = {c.id: c.name for c in result.codebook.codes}
    return codings, names, len(result.segments), len(result.report)


# -- PDPilot -------------------------------------------------------------------------------------
def _turns(doc: Document) -> list[Passage]:
    """Speaker turns of a PDPilot transcript (``Dan:`` / ``Participant:`` labels)."""
    marks = list(SPEAKER_RE.finditer(doc.text))
    out = []
    for n, m in enumerate(marks):
        end = marks[n + 1].start() if n + 1 < len(marks) else len(doc.text)
        start = m.end()
        body = doc.text[start:end]
        lead = len(body) - len(body.lstrip())
        s, e = start + lead, start + len(body.rstrip())
        if e <= s:
            continue
        speaker = "Dan" if m.group(1) == "Dan" else "Participant"
        role = "interviewer" if speaker == "Dan" else "informant"
        out.append(Passage(doc.id, f"{doc.id}#p{len(out) + 1}", s, e, speaker=speaker, role=role)
                   .with_text(doc))
    return out


def _pdpilot_corpus(folder: Path) -> tuple[Corpus, str]:
    """Load the transcripts with qualkit.load_corpus when it yields informant turns, else
    with this script's turn parser (same text: BOM dropped, CRLF -> LF)."""
    files = sorted(folder.glob("P*.txt"))
    try:
        import qualkit

        loaded = [qualkit.load_corpus(f) for f in files]
        docs = tuple(d for c in loaded for d in c.documents)
        passages = tuple(p for c in loaded for p in c.passages)
        if passages and any(p.role == "informant" for p in passages) and len({d.id for d in docs}) == len(docs):
            return Corpus(documents=docs, passages=passages), "qualkit.load_corpus"
    except Exception:  # noqa: BLE001 - the loader is optional here; fall back below
        pass
    docs, passages = [], []
    for f in files:
        text = f.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        doc = Document(id=f.name, text=text, source_type="interview", language="en")
        docs.append(doc)
        passages.extend(_turns(doc))
    return Corpus(documents=tuple(docs), passages=tuple(passages)), "script turn parser"


def load_pdpilot(root: Path = REALDATA) -> Dataset:
    """PDPilot interviews, participant turns, MAXQDA segments mapped onto them."""
    folder = root / "pdpilot_user_study"
    corpus, loader = _pdpilot_corpus(folder)
    frame = corpus.passages_frame()
    informant = frame[frame["speaker"].fillna("").isin(["Participant", "Particpant"])]
    system = pd.read_csv(folder / "code_system.csv", dtype=str, keep_default_na=False)
    memo = dict(zip(system["code"], system["memo"]))
    codings, names, n_segments, unmapped = _human(folder / "coded_segments.csv", corpus, informant)
    texts = {cid: f"{name} {memo.get(name, '')}" for cid, name in names.items()}
    return Dataset("PDPilot", corpus, informant.reset_index(drop=True), codings, texts,
                   n_segments, unmapped, loader)


# -- SERDIF --------------------------------------------------------------------------------------
def _odt_document(path: Path) -> tuple[Document, list[Passage]]:
    from odf import teletype, text
    from odf.opendocument import load

    paragraphs = [teletype.extractText(p) for p in load(str(path)).getElementsByType(text.P)]
    body = "\n".join(paragraphs)
    doc = Document(id=path.name, text=body, source_type="observation", language="en")
    passages, offset = [], 0
    for para in paragraphs:
        stripped = para.strip()
        if stripped:
            s = offset + (len(para) - len(para.lstrip()))
            p = Passage(doc.id, f"{doc.id}#p{len(passages) + 1}", s, s + len(stripped), unit="turn")
            passages.append(p.with_text(doc))
        offset += len(para) + 1
    return doc, passages


def load_serdif(root: Path = REALDATA) -> Dataset:
    """SERDIF think-aloud sessions, one passage per paragraph, Taguette highlights mapped."""
    folder = root / "serdif_usability_thinkaloud"
    docs, passages = [], []
    for path in sorted(folder.glob("*.odt")):
        doc, ps = _odt_document(path)
        docs.append(doc)
        passages.extend(ps)
    corpus = Corpus(documents=tuple(docs), passages=tuple(passages))
    book = pd.read_csv(folder / "codebook_20220303_8.csv", dtype=str, keep_default_na=False)
    describe = dict(zip(book["tag"], book["description"]))
    frame = corpus.passages_frame()
    codings, names, n_segments, unmapped = _human(folder / "tags_20220303_P1_P2.csv", corpus, frame)
    used = set(codings["code_id"])
    texts = {cid: f"{name} {describe.get(name, '')}" for cid, name in names.items() if cid in used}
    return Dataset("SERDIF", corpus, frame, codings, texts, n_segments, unmapped, "odfpy paragraphs")


# -- methods -------------------------------------------------------------------------------------
def keyword_codebook(code_texts: dict[str, str], name: str) -> Codebook:
    """One code per human code; cues = its name/description words (see module docstring)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    codes = []
    for cid, text in sorted(code_texts.items()):
        words = []
        for w in re.findall(r"[A-Za-z][A-Za-z'-]+", text):
            w = w.casefold().strip("'-")
            if len(w) >= 3 and w not in ENGLISH_STOP_WORDS and w not in words:
                words.append(w)
        cues = tuple(Cue(pattern=w, lang="en", kind="word", match="stem") for w in words)
        codes.append(Code(id=cid, name=cid, description=text, cues=cues))
    return Codebook(name=f"{name} keywords", codes=tuple(codes), languages=("en",))


def _truth(data: Dataset) -> pd.DataFrame:
    from qualkit.coding.suggest import _positives

    return _positives(data.passages["passage_id"], data.codings)


def keyword_scores(data: Dataset) -> pd.DataFrame:
    """Passage x code table of distinct keyword cues matched (via qualkit.code)."""
    import qualkit

    book = keyword_codebook(data.code_texts, data.name)
    keep = set(data.passages["passage_id"])
    corpus = data.corpus.replace(passages=tuple(p for p in data.corpus.passages if p.id in keep))
    coded = qualkit.code(corpus, book, cache_dir=None)
    scores = pd.DataFrame(0.0, index=pd.Index(data.passages["passage_id"], name="passage_id"),
                          columns=sorted(data.code_texts))
    for pid, cid, cue in zip(coded["passage_id"], coded["code_id"], coded["cue"]):
        scores.loc[pid, cid] = float(len({c for c in str(cue).split(";") if c}))
    return scores


def _summary(metrics: pd.DataFrame, hit: pd.DataFrame | None = None) -> dict[str, float]:
    m = metrics.set_index("code_id")
    h = (hit if hit is not None else metrics).set_index("code_id")
    return {
        "precision_micro": float(m.loc["micro", "precision"]), "recall_micro": float(m.loc["micro", "recall"]),
        "f1_micro": float(m.loc["micro", "f1"]), "precision_macro": float(m.loc["macro", "precision"]),
        "recall_macro": float(m.loc["macro", "recall"]), "f1_macro": float(m.loc["macro", "f1"]),
        "top_k_hit_rate": float(h.loc["micro", "top_k_hit_rate"]),
    }


def evaluate(data: Dataset, *, folds: int, top_k: int, threshold: float, seed: int = 0) -> list[dict]:
    """Rows of the comparison table for one dataset."""
    truth = _truth(data)
    info = {"dataset": data.name, "passages": len(truth), "coded_passages": int(truth.any(axis=1).sum()),
            "codes": truth.shape[1]}
    rows = []
    t = time.perf_counter()
    cv = cross_validate_suggester(data.passages, data.codings, folds=folds, top_k=top_k,
                                  threshold=threshold, seed=seed)
    rows.append({**info, "method": f"suggester ({folds}-fold)", **_summary(cv),
                 "seconds": round(time.perf_counter() - t, 1)})
    n_docs = data.passages["doc_id"].nunique()
    t = time.perf_counter()
    cvd = cross_validate_suggester(data.passages, data.codings, folds=min(folds, n_docs), top_k=top_k,
                                   threshold=threshold, seed=seed, groups="doc_id")
    rows.append({**info, "method": f"suggester ({min(folds, n_docs)}-fold, doc-out)", **_summary(cvd),
                 "seconds": round(time.perf_counter() - t, 1)})
    t = time.perf_counter()
    scores = keyword_scores(data)
    as_coded = evaluate_rankings(truth, scores, top_k=max(1, truth.shape[1]), threshold=1.0)
    ranked = evaluate_rankings(truth, scores, top_k=top_k, threshold=1.0)
    rows.append({**info, "method": "keyword (name+description)", **_summary(as_coded, ranked),
                 "seconds": round(time.perf_counter() - t, 1)})
    freq = truth.sum(axis=0).astype(float)
    majority = pd.DataFrame(np.tile(freq.to_numpy(), (len(truth), 1)), index=truth.index, columns=truth.columns)
    rows.append({**info, "method": f"majority top-{top_k}",
                 **_summary(evaluate_rankings(truth, majority, top_k=top_k, threshold=0.0)), "seconds": 0.0})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--top-k", type=int, default=3)
    parser.add_argument("--threshold", type=float, default=0.3)
    parser.add_argument("--realdata", type=Path, default=REALDATA)
    args = parser.parse_args(argv)
    if not args.realdata.is_dir():
        print(f"no real data at {args.realdata}; pass --realdata", file=sys.stderr)
        return 2
    rows, notes = [], []
    for load in (load_pdpilot, load_serdif):
        data = load(args.realdata)
        notes.append({"dataset": data.name, "segments": data.n_segments, "unmapped": data.n_unmapped,
                      "passages_loaded_with": data.loader,
                      "codings_on_passages": len(data.codings)})
        rows.extend(evaluate(data, folds=args.folds, top_k=args.top_k, threshold=args.threshold))
    if args.json:
        print(json.dumps({"settings": {"folds": args.folds, "top_k": args.top_k, "threshold": args.threshold},
                          "data": notes, "results": rows}, indent=1))
        return 0
    for n in notes:
        print(f"{n['dataset']}: {n['segments']} human segments, {n['unmapped']} not found in the text, "
              f"{n['codings_on_passages']} passage x code codings; passages from {n['passages_loaded_with']}")
    table = pd.DataFrame(rows)
    cols = ["dataset", "method", "passages", "coded_passages", "codes", "precision_micro", "recall_micro",
            "f1_micro", "precision_macro", "recall_macro", "f1_macro", "top_k_hit_rate", "seconds"]
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table[cols].rename(columns={"top_k_hit_rate": f"top{args.top_k}_hit"}).round(3).to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
