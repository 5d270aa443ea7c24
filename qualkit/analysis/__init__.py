"""Reduction, display and synthesis: from codings to the study's tables.

Three steps, one module each, all returning pandas DataFrames with documented columns
(the step functions return plain DataFrames; :class:`Analysis` holds them all and renders
them in a notebook):

- :mod:`~qualkit.analysis.reduce`: :func:`select_codings` (the extracts),
  :func:`merge_evidence`, :func:`representative_quotes`;
- :mod:`~qualkit.analysis.display`: :func:`factor_matrix`, :func:`factor_matrix_wide`,
  :func:`stage_table`, :func:`code_by`, :func:`cooccurrence`;
- :mod:`~qualkit.analysis.synthesize`: :func:`triangulate`, :func:`conclusions`,
  :func:`evidence`, :func:`human_verified`;
- :mod:`~qualkit.analysis.result`: :func:`analyze` runs them all into an :class:`Analysis`.

>>> import qualkit
>>> result = qualkit.analyze(corpus, book, redact=False)   # doctest: +SKIP
>>> result.factor_grid                                     # doctest: +SKIP
"""

from qualkit.analysis.display import (
    FACTOR_COLUMNS, FREQUENCY_COLUMNS, STAGE_COLUMNS, code_by, code_frequencies, cooccurrence,
    factor_matrix, factor_matrix_wide, stage_table,
)
from qualkit.analysis.reduce import (
    EXTRACT_COLUMNS, QUOTE_COLUMNS, merge_evidence, representative_quotes, select_codings,
)
from qualkit.analysis.result import MATRIX_NAMES, Analysis, analyze
from qualkit.analysis.synthesize import (
    CONCLUSION_COLUMNS, TRIANGULATION_COLUMNS, conclusions, evidence, human_verified, strength,
    theme_of, triangulate,
)

__all__ = [
    "Analysis", "analyze", "select_codings", "merge_evidence", "representative_quotes",
    "factor_matrix", "factor_matrix_wide", "stage_table", "code_by", "cooccurrence",
    "triangulate", "conclusions", "strength", "theme_of", "EXTRACT_COLUMNS", "QUOTE_COLUMNS",
    "FACTOR_COLUMNS", "STAGE_COLUMNS", "TRIANGULATION_COLUMNS", "CONCLUSION_COLUMNS",
    "MATRIX_NAMES", "FREQUENCY_COLUMNS", "code_frequencies", "evidence", "human_verified",
]
