"""Characters as units: which characters of a document a coder coded with a code.

Shared by :mod:`qualkit.evaluate` and :mod:`qualkit.agreement` (``unit="character"``).
The universe of a document is the characters inside its passages (speaker labels and
blank lines between passages do not count); a coder's coverage of a code is the union
of its evidence spans, clipped to the document.

>>> doc = Document(id="d", text="ab cd ef")
>>> corpus = Corpus(documents=(doc,), passages=(Passage("d", "d#p1", 0, 8).with_text(doc),))
>>> int(universe(corpus, ["d"])["d"].sum())
8
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from qualkit.corpus import Corpus, Document, Passage  # noqa: F401  (Document, Passage: doctest)
from qualkit.errors import QualkitError


def need_corpus(passages: Any, owner: str) -> Corpus:
    """The Corpus given as ``passages=``, or a clear error: characters need the texts."""
    if not isinstance(passages, Corpus):
        raise QualkitError(
            f"{owner}(unit='character') needs passages=<Corpus>; got {type(passages).__name__}",
            hint="pass the corpus the codings were made on (qualkit.load_corpus(...)), "
                 "so text nobody coded counts too",
        )
    return passages


def universe(corpus: Corpus, doc_ids: Iterable[str]) -> dict[str, np.ndarray]:
    """Per document, a boolean mask of the characters inside its passages."""
    out: dict[str, np.ndarray] = {}
    for doc_id in doc_ids:
        try:
            doc = corpus.document(doc_id)
        except KeyError:
            raise QualkitError(f"document {doc_id!r} of the codings is not in the corpus",
                               hint="pass the corpus the codings were made on") from None
        mask = np.zeros(len(doc.text), dtype=bool)
        for p in corpus.passages_of(doc_id):
            mask[p.start:p.end] = True
        out[doc_id] = mask
    return out


def coverage(frame: pd.DataFrame, length: int, parse: Any) -> np.ndarray:
    """Boolean array of length ``length``: the characters inside any span of ``frame``."""
    covered = np.zeros(length, dtype=bool)
    spans_col = frame["spans"] if "spans" in frame.columns else pd.Series("", index=frame.index)
    for sp, s, e in zip(spans_col, frame["start"], frame["end"]):
        for a, b in parse(sp, s, e):
            covered[max(0, a):min(length, b)] = True
    return covered
