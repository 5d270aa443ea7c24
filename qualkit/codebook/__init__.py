"""Codebooks: the model (:mod:`.model`) and YAML files (:mod:`.io`); running a codebook's
examples is :mod:`qualkit.coding.check` (it needs the coder).

>>> from qualkit.codebook import load_codebook
>>> book = load_codebook("codebooks/migrant_care.yaml")   # doctest: +SKIP
"""

from __future__ import annotations

from qualkit.codebook.io import load_codebook, save_codebook, validate_codebook
from qualkit.codebook.model import Code, Codebook, Cue, Example

__all__ = ["Code", "Codebook", "Cue", "Example", "load_codebook", "save_codebook", "validate_codebook"]
