"""Outputs of an analysis: charts, the Word report, the findings workbook, and all at once.

- :mod:`qualkit.outputs.charts` — ``factor_chart``, ``triangulation_heatmap``,
  ``stage_chart``, ``cooccurrence_heatmap``, ``save_figure``.
- :mod:`qualkit.outputs.report` — ``build_report``, ``write_report`` (python-docx).
- :mod:`qualkit.outputs.spreadsheet` — ``write_spreadsheet`` (``findings.xlsx``).
- :func:`write_outputs` — everything above plus the CSV tables and, when
  :mod:`qualkit.exchange` is available, a REFI-QDA project and codebook.

Every file is written atomically (:func:`qualkit._io.atomic_write`). The outputs hold
what the Analysis holds: when it was redacted (the default), so are they.

Example
-------
>>> import qualkit                                                          # doctest: +SKIP
>>> result = qualkit.analyze(qualkit.load_corpus("data/demo"),
...                          qualkit.load_codebook("codebooks/migrant_care.yaml"))  # doctest: +SKIP
>>> paths = write_outputs(result, "out/demo")                               # doctest: +SKIP
"""

from __future__ import annotations

import os
import sys
from importlib import import_module
from pathlib import Path
from typing import Any

import pandas as pd

from qualkit._io import write_csv
from qualkit.outputs.charts import (
    cooccurrence_heatmap,
    factor_chart,
    save_figure,
    stage_chart,
    triangulation_heatmap,
)
from qualkit.outputs.report import build_report, write_report
from qualkit.outputs.spreadsheet import write_spreadsheet

__all__ = [
    "build_report", "cooccurrence_heatmap", "factor_chart", "save_figure", "stage_chart",
    "triangulation_heatmap", "write_charts", "write_outputs", "write_report", "write_spreadsheet",
]

CHARTS_FOLDER = "charts"


def write_charts(analysis: Any, out_dir: str | os.PathLike[str]) -> dict[str, list[Path]]:
    """Draw the standard charts of an Analysis into ``out_dir`` (PNG + SVG each).

    Returns chart stem -> [png, svg]: ``factors``, ``factors_documents``, ``stages``,
    ``triangulation_source_type``, ``triangulation_informant_group`` and, when the
    co-occurrence matrix has any off-diagonal count, ``cooccurrence``.
    """
    out = Path(out_dir)
    language = getattr(analysis, "language", "en")
    book = analysis.codebook
    drawn: dict[str, Any] = {
        "factors": lambda: factor_chart(analysis.factors, language=language, codebook=book),
        "factors_documents": lambda: factor_chart(analysis.factors, count="documents",
                                                  language=language, codebook=book),
        "stages": lambda: stage_chart(analysis.stages, language=language, codebook=book),
        "triangulation_source_type": lambda: triangulation_heatmap(
            analysis.triangulation, by="source_type", language=language),
        "triangulation_informant_group": lambda: triangulation_heatmap(
            analysis.triangulation, by="informant_group", language=language),
    }
    matrix = (getattr(analysis, "matrices", None) or {}).get("cooccurrence")
    if isinstance(matrix, pd.DataFrame) and _has_cooccurrence(matrix):
        drawn["cooccurrence"] = lambda: cooccurrence_heatmap(matrix, codebook=book, language=language)
    return {stem: save_figure(draw(), out / stem) for stem, draw in drawn.items()}


def _has_cooccurrence(matrix: pd.DataFrame) -> bool:
    numeric = matrix.select_dtypes("number")
    if numeric.empty:
        return False
    values = numeric.to_numpy(dtype=float).copy()
    if values.shape[0] == values.shape[1]:
        values[range(values.shape[0]), range(values.shape[0])] = 0
    return bool((values > 0).any())


def write_outputs(analysis: Any, out_dir: str | os.PathLike[str], *, passages: bool = True,
                  charts: bool = True) -> list[Path]:
    """Write every output of an Analysis into ``out_dir``; return all paths written.

    Files: ``passages.csv`` (when ``passages``), ``codings.csv``, the analysis CSVs
    (``analysis.to_csv``), ``charts/*.png|svg`` (when ``charts``; they are also the
    report's figures), ``report.docx``, ``findings.xlsx`` and,
    when :mod:`qualkit.exchange` can be imported, ``project.qdpx`` and
    ``codebook.qdc``. For large analyses (:data:`PARALLEL_MIN_CODINGS`) on Linux, outside
    notebook kernels, the REFI-QDA files are written by a forked child process at the same
    time as the other outputs (two cores: writing takes about as long as the slower of the two).

    >>> paths = write_outputs(result, "out/demo")                   # doctest: +SKIP
    >>> sorted(p.name for p in paths)[:3]                           # doctest: +SKIP
    ['codebook.qdc', 'codings.csv', 'conclusions.csv']
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    # The REFI-QDA project is the largest output (an element per coding); where the OS can
    # fork, a child process writes it while this one writes everything else.
    with _in_child(_write_refi, analysis, out) as refi_paths:
        if passages:
            paths.append(write_csv(analysis.corpus.passages_frame(), out / "passages.csv"))
        paths.append(write_csv(analysis.codings, out / "codings.csv"))
        if hasattr(analysis, "to_csv"):
            paths.extend(Path(p) for p in analysis.to_csv(out))
        in_report: dict[str, Path] | bool = False
        if charts:
            drawn = write_charts(analysis, out / CHARTS_FOLDER)
            for pair in drawn.values():
                paths.extend(pair)
            from qualkit.outputs.report import _t

            language = getattr(analysis, "language", "en")
            in_report = {
                _t("cap_factor_chart", language): drawn["factors"][0],
                _t("cap_stage_chart", language): drawn["stages"][0],
                _t("cap_tri_chart", language): drawn["triangulation_source_type"][0],
            }
        paths.append(write_report(analysis, out / "report.docx", charts=in_report))
        paths.append(write_spreadsheet(analysis, out / "findings.xlsx"))
    paths.extend(refi_paths)
    return paths


PARALLEL_MIN_CODINGS = 200_000
"""Below this many codings the outputs are written in one process (forking costs more)."""


class _in_child:
    """Context manager: run ``function(analysis, out) -> list[Path]`` in a forked child
    while the body runs; on exit wait for it and extend the yielded list with its paths
    (an error in the child is raised here, as an ExportError naming it). Without
    ``os.fork`` (Windows, or small analyses) the function simply runs on exit."""

    def __init__(self, function: Any, analysis: Any, out: Path) -> None:
        self.function, self.analysis, self.out = function, analysis, out
        self.paths: list[Path] = []
        codings = getattr(analysis, "codings", None)
        # not inside a notebook kernel: its other threads may hold locks a child would inherit
        self.fork = (hasattr(os, "fork") and sys.platform.startswith("linux")
                     and "ipykernel" not in sys.modules
                     and codings is not None and len(codings) >= PARALLEL_MIN_CODINGS)
        self.pid: int | None = None

    def __enter__(self) -> list[Path]:
        if self.fork:
            self.read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: write, report the paths (or the error), leave
                os.close(self.read_fd)
                try:
                    message = "ok\n" + "\n".join(str(p) for p in self.function(self.analysis, self.out))
                    code = 0
                except BaseException as err:  # noqa: BLE001 - reported to the parent
                    message, code = f"error\n{type(err).__name__}: {err}", 1
                with os.fdopen(write_fd, "w", encoding="utf-8") as fh:
                    fh.write(message)
                os._exit(code)
            os.close(write_fd)
            self.pid = pid
        return self.paths

    def __exit__(self, exc_type: Any, *rest: Any) -> None:
        if self.pid is None:
            if exc_type is None:
                self.paths.extend(self.function(self.analysis, self.out))
            return
        with os.fdopen(self.read_fd, encoding="utf-8") as fh:
            status, _, body = fh.read().partition("\n")
        os.waitpid(self.pid, 0)
        if exc_type is not None:
            return
        if status != "ok":
            from qualkit.errors import ExportError

            raise ExportError(f"writing the REFI-QDA export failed: {body or 'the writer process died'}",
                              path=str(self.out), hint="run again; QUALKIT_DEBUG=1 shows tracebacks")
        self.paths.extend(Path(p) for p in body.split("\n") if p)


def _write_refi(analysis: Any, out: Path) -> list[Path]:
    try:
        refi = import_module("qualkit.exchange")
    except ImportError:
        return []
    written = []
    if hasattr(refi, "write_qdpx"):
        target = out / "project.qdpx"
        refi.write_qdpx(analysis.corpus, analysis.codebook, analysis.codings, target)
        written.append(target)
    if hasattr(refi, "write_qdc"):
        target = out / "codebook.qdc"
        refi.write_qdc(analysis.codebook, target)
        written.append(target)
    return written
