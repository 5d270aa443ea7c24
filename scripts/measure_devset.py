"""Recall and precision of the migrant-care codebook on the blind development set.

Each passage of ``data/devset/migrant_care_devset.csv`` is coded on its own with
``qualkit.code``; a factor counts as found when its code (see ``FACTOR_CODES``) codes the
passage. Prints per factor, per language and overall (micro) figures::

    PYTHONPATH=$PWD python scripts/measure_devset.py [codebooks/migrant_care.yaml]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import qualkit
from qualkit.corpus import Corpus, Document, Passage

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "data" / "devset" / "migrant_care_devset.csv"
FACTOR_CODES = {
    "government_involvement": "org_support_government", "victim_involvement": "org_support_victims",
    "family_involvement": "org_support_families", "media_involvement": "org_support_media",
    "missing_documents": "org_inhibit_documents", "phone_confiscation": "org_inhibit_phone_confiscation",
    "cross_national_conflict": "org_inhibit_cross_national", "resilience": "ind_support_resilience",
    "courage": "ind_support_courage", "motivation": "ind_support_motivation",
    "skills": "ind_support_skills", "fear_of_risks": "ind_inhibit_fear",
}


def judged(rows: pd.DataFrame, codebook: Path) -> pd.DataFrame:
    """One row per passage and factor: ``id, language, factor, gold, predicted``."""
    docs = [Document(id=r.id, text=r.text, source_type="document", language=r.language)
            for r in rows.itertuples()]
    passages = [Passage(doc_id=d.id, id=f"{d.id}#p1", start=0, end=len(d.text)).with_text(d)
                for d in docs]
    codings = qualkit.code(Corpus(documents=tuple(docs), passages=tuple(passages)),
                           qualkit.load_codebook(codebook))
    found = codings.groupby("doc_id")["code_id"].apply(set).to_dict()
    return pd.DataFrame([
        {"id": r.id, "language": r.language, "factor": factor,
         "gold": factor in r.factor.split(";"), "predicted": code in found.get(r.id, set())}
        for r in rows.itertuples() for factor, code in FACTOR_CODES.items()])


def scores(frame: pd.DataFrame) -> pd.Series:
    tp = int((frame.gold & frame.predicted).sum())
    fp = int((~frame.gold & frame.predicted).sum())
    fn = int((frame.gold & ~frame.predicted).sum())
    return pd.Series({"found": tp, "expected": tp + fn, "false_hits": fp,
                      "recall": round(tp / max(1, tp + fn), 2),
                      "precision": round(tp / max(1, tp + fp), 2)})


def main(codebook: Path) -> None:
    rows = pd.read_csv(DEVSET, dtype=str, keep_default_na=False)
    frame = judged(rows, codebook)
    for by in ("factor", "language"):
        table = pd.DataFrame({key: scores(group) for key, group in frame.groupby(by)}).T
        counts = ["found", "expected", "false_hits"]
        table[counts] = table[counts].astype(int)
        print(table.to_string(), end="\n\n")
    print("overall", scores(frame).to_dict())


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "codebooks" / "migrant_care.yaml")
