"""Codebooks: the model (:mod:`.model`), YAML files (:mod:`.io`) and checks (:mod:`.check`).

>>> from qualkit.codebook import load_codebook
>>> book = load_codebook("codebooks/migrant_care.yaml")   # doctest: +SKIP
"""

from __future__ import annotations

from qualkit.codebook.check import CheckReport, check_codebook
from qualkit.codebook.io import load_codebook, save_codebook, validate_codebook
from qualkit.codebook.model import Code, Codebook, Cue, Example

__all__ = ["CheckReport", "Code", "Codebook", "Cue", "Example", "check_codebook",
           "load_codebook", "save_codebook", "validate_codebook"]
