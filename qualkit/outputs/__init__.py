"""Outputs of an analysis: charts, the Word report, the findings workbook, and all at once.

- :mod:`qualkit.outputs.charts` — ``factor_chart``, ``triangulation_heatmap``,
  ``stage_chart``, ``cooccurrence_heatmap``, ``save_figure``.
- :mod:`qualkit.outputs.report` — ``build_report``, ``write_report`` (python-docx).
- :mod:`qualkit.outputs.spreadsheet` — ``write_spreadsheet`` (``findings.xlsx``).
- :mod:`qualkit.outputs.contents` — :func:`output_tables`: the one rule for which tables
  an output holds (a table the study's design does not have is not written; an empty
  one is written and flagged).
- :mod:`qualkit.outputs.write` — :func:`write_outputs`: everything above plus the CSV
  tables, the REFI-QDA project and codebook and a run manifest, as one transaction
  (staging folder, lock, swap); :func:`check_output_dir`, :func:`mapping_path`.

The outputs hold what the Analysis holds: when it was redacted (the default), so are
they, and the codebook's texts are redacted on the way out.

Example
-------
>>> import qualkit                                                          # doctest: +SKIP
>>> result = qualkit.analyze(qualkit.load_corpus("data/demo"),
...                          qualkit.load_codebook("codebooks/migrant_care.yaml"))  # doctest: +SKIP
>>> paths = write_outputs(result, "out/demo")                               # doctest: +SKIP
"""

from __future__ import annotations

from qualkit.outputs.charts import (
    cooccurrence_heatmap,
    factor_chart,
    save_figure,
    stage_chart,
    triangulation_heatmap,
)
from qualkit.outputs.contents import OutputTable, output_tables
from qualkit.outputs.report import build_report, write_report
from qualkit.outputs.spreadsheet import write_spreadsheet
from qualkit.outputs.write import CHARTS_FOLDER, check_output_dir, mapping_path, write_charts, write_outputs

__all__ = [
    "OutputTable", "output_tables", "build_report", "check_output_dir", "cooccurrence_heatmap", "factor_chart", "mapping_path",
    "save_figure", "stage_chart", "triangulation_heatmap", "write_charts", "write_outputs",
    "write_report", "write_spreadsheet",
]


