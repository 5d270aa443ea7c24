"""qualkit: qualitative research from raw files to publishable findings.

The pipeline, as the package layout: ``loading`` (files -> Corpus of Documents and
Passages) -> ``codebook`` (YAML codebooks) -> ``coding`` (auto, manual, suggested
codings) -> ``analysis`` (reduction, display, synthesis) -> ``outputs`` (charts, Word,
spreadsheets) and ``exchange`` (REFI-QDA).

>>> import qualkit
>>> corpus = qualkit.load_corpus("data/demo")                       # doctest: +SKIP
>>> book = qualkit.load_codebook("codebooks/migrant_care.yaml")     # doctest: +SKIP
>>> result = qualkit.analyze(corpus, book)                          # doctest: +SKIP
>>> result.factors                                                  # doctest: +SKIP
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from qualkit.errors import QualkitError

__version__ = "0.1.0"

# Public names resolved lazily so that ``import qualkit`` stays fast and light.
_LAZY = {
    "Corpus": "qualkit.corpus",
    "Document": "qualkit.corpus",
    "FormField": "qualkit.corpus",
    "Passage": "qualkit.corpus",
    "load_corpus": "qualkit.loading",
    "Codebook": "qualkit.codebook.model",
    "Code": "qualkit.codebook.model",
    "Cue": "qualkit.codebook.model",
    "load_codebook": "qualkit.codebook.io",
    "check_codebook": "qualkit.coding.check",
    "save_codebook": "qualkit.codebook.io",
    "code": "qualkit.coding.auto",
    "Coder": "qualkit.coding.auto",
    "find_mentions": "qualkit.coding.auto",
    "parse_spans": "qualkit.coding.spans",
    "format_spans": "qualkit.coding.spans",
    "analyze": "qualkit.analysis",
    "Analysis": "qualkit.analysis",
    "Project": "qualkit.project",
    "open_project": "qualkit.project",
    "import_codings": "qualkit.exchange",
    "ImportResult": "qualkit.exchange",
    "Study": "qualkit.study",
    "load_study": "qualkit.study",
    "Redactor": "qualkit.privacy",
    "write_outputs": "qualkit.outputs",
    "evaluate": "qualkit.evaluation",
    "CodingView": "qualkit.widgets",
    "ReviewQueue": "qualkit.widgets",
}

__all__ = ["QualkitError", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'qualkit' has no attribute {name!r}")
