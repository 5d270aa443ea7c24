"""Character-level vs matched-span agreement of two real annotators (CATMA demo project).

Reads ``../shared/realdata/exports/catma_gitma`` (GPL-3, never copied): two annotators
(``MVauth``, ``mvgoogle``) tag event types in the opening of a novel. The universe is the
stretch both annotated: one passage from 0 to the end of the last annotation (the rest
of the book was not annotated by anyone, so it must not count as agreed "no").

Run ``python scripts/catma_agreement.py``: prints both tables.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualkit.agreement import agreement  # noqa: E402
from qualkit.corpus import Corpus, Document, Passage  # noqa: E402

PROJECT = ROOT / ".." / "shared" / "realdata" / "exports" / "catma_gitma" / "GitMA_Demo_Project"


def load() -> tuple[Corpus, pd.DataFrame]:
    text_file = next((PROJECT / "documents").glob("*/*.txt"))
    text = text_file.read_text(encoding="utf-8")
    names = {p.parent.name: json.loads(p.read_text())["name"] for p in PROJECT.glob("tagsets/*/*/propertydefs.json")}
    rows = []
    for path in PROJECT.glob("collections/*/annotations/*.json"):
        coder = path.stem.rsplit("_", 1)[0]
        for ann in json.loads(path.read_text(encoding="utf-8")):
            code = names[ann["body"]["tag"].rsplit("/", 1)[-1]]
            spans = [(i["selector"]["start"], i["selector"]["end"]) for i in ann["target"]["items"]]
            rows.append({"passage_id": "novel#p1", "doc_id": "novel", "code_id": code, "coder": coder,
                         "start": spans[0][0], "end": spans[-1][1],
                         "spans": ";".join(f"{s}-{e}" for s, e in spans)})
    codings = pd.DataFrame(rows)
    end = int(codings["spans"].str.split(";").explode().str.split("-").str[1].astype(int).max())
    doc = Document(id="novel", text=text, language="en")
    corpus = Corpus(documents=(doc,), passages=(Passage("novel", "novel#p1", 0, end).with_text(doc),))
    return corpus, codings


def main() -> int:
    corpus, codings = load()
    cols = ["code_id", "n_units", "percent_agreement", "cohen_kappa", "krippendorff_alpha", "ci_low", "ci_high"]
    print(f"{len(codings)} annotations by {sorted(codings['coder'].unique())}; "
          f"{corpus.passages[0].end} characters annotated\n")
    print("character units:")
    print(agreement(codings, unit="character", passages=corpus)[cols[:-2]].round(3).to_string(index=False))
    print("\nmatched-span units (diagnostic; kappa <= 0 by construction):")
    print(agreement(codings, unit="matched_span")[cols[:-2]].round(3).to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
