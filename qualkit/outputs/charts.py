"""Charts of the study's tables (matplotlib, safe on headless machines).

Every function takes ``ax=None`` (a new figure is made when none is given, without
pyplot, so nothing global changes and no window ever opens), draws on it and returns the
Axes. None calls ``plt.show()``. :func:`save_figure` writes PNG and SVG atomically.

- :func:`factor_chart` — the 2 x 2 factor table as bars: one bar per factor code, grouped
  by level, coloured supporting / inhibiting.
- :func:`triangulation_heatmap` — factor x source type (or informant group): documents
  (or codings) with evidence per cell, shaded by count, with each factor's status.
- :func:`stage_chart` — codings per value of the stage (process) facet.
- :func:`cooccurrence_heatmap` — how often two codes apply to the same passage.

Example
-------
>>> import pandas as pd
>>> factors = pd.DataFrame({"level": ["organisation", "individual"],
...     "factor": ["supporting", "inhibiting"], "code_id": ["a", "b"],
...     "code_name": ["Media involvement", "Fear"], "codings": [3, 5], "documents": [2, 4]})
>>> ax = factor_chart(factors)
>>> len(ax.patches)
2
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from qualkit._io import atomic_write
from qualkit.analysis.result import Analysis
from qualkit.analysis.synthesize import split_counts
from qualkit.codebook.model import Codebook
from qualkit.errors import QualkitError
from qualkit.outputs.contents import output_tables
from qualkit.study import Study, id_label

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
"""Okabe-Ito colours, distinguishable with colour-blindness and in grey: the values of the
factor-matrix column facet get them in facet order."""

_TEXT = {
    "en": {
        "factor_title": "Codings per code",
        "codings": "codings", "documents": "documents",
        "stage_title": "Evidence per {facet}",
        "tri_title": "Codes by {attribute}",
        "cooc_title": "Code co-occurrence (same passage)",
        "cooc_top": "the {shown} of {total} codes with most co-occurrences",
        "docs_short": "doc.",
        "cells_documents": "documents with evidence", "cells_codings": "coded passages",
    },
    "id": {
        "factor_title": "Pengodean per kode",
        "codings": "jumlah pengodean", "documents": "jumlah dokumen",
        "stage_title": "Bukti per {facet}",
        "tri_title": "Kode menurut {attribute}",
        "cooc_title": "Kemunculan bersama kode (passage yang sama)",
        "cooc_top": "{shown} dari {total} kode dengan kemunculan bersama terbanyak",
        "docs_short": "dok.",
        "cells_documents": "dokumen dengan bukti", "cells_codings": "passage yang dikodekan",
    },
}


def _text(key: str, language: str) -> str:
    table = _TEXT.get(language, _TEXT["en"])
    return table.get(key, _TEXT["en"].get(key, key.replace("_", " ")))


def _check_language(language: str, where: str) -> None:
    if language not in _TEXT:
        raise QualkitError(
            f"The 'language' parameter of {where} must be one of {tuple(_TEXT)}; got {language!r} instead",
            hint="write 'en' for English or 'id' for Indonesian",
        )


def _require(frame: pd.DataFrame, columns: Iterable[str], where: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise QualkitError(f"{where} needs a pandas DataFrame; got {type(frame).__name__}",
                           hint="pass the table from the Analysis (e.g. analysis.factors)")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise QualkitError(
            f"{where}: the table lacks column(s) {missing}",
            hint=f"pass a table with the columns {', '.join(columns)} (see qualkit.analysis)",
        )


def wrap_label(text: Any, width: int = 28) -> str:
    """Wrap a label on word boundaries to lines of at most ``width`` characters.

    >>> wrap_label("Proactive involvement of the government", 22)
    'Proactive involvement\\nof the government'
    """
    return "\n".join(textwrap.wrap(str(text), width=width, break_long_words=False)) or str(text)


def _new_axes(width: float, height: float) -> Axes:
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig.add_subplot()


def _facet_label(codebook: Codebook | None, key: str, language: str) -> str:
    """A facet (``stage``) or facet value's (``stage.follow_up``) label: the codebook's
    ``facet_labels`` in ``language`` when it declares one, else made from the id."""
    declared = codebook.facet_labels.get(key, {}) if codebook is not None else {}
    label = declared.get(language) or id_label(key.rsplit(".", 1)[-1])
    return label[:1].upper() + label[1:]


def factor_colors(values: Sequence[str], codebook: Codebook | None = None, facet: str = "factor") -> dict[str, str]:
    """A colour per value of the factor-matrix column facet: :data:`PALETTE` in the
    facet's declared order (else in the order given).

    >>> factor_colors(["inhibiting", "supporting"])
    {'inhibiting': '#0072B2', 'supporting': '#D55E00'}
    """
    declared = list(codebook.facets.get(facet, ())) if codebook is not None else []
    order = [v for v in declared if v in values] + [v for v in values if v not in declared]
    return {v: PALETTE[i % len(PALETTE)] for i, v in enumerate(order)}


# -- factor chart ------------------------------------------------------------------------
def factor_chart(
    factors: pd.DataFrame,
    *,
    ax: Axes | None = None,
    count: str = "codings",
    language: str = "en",
    codebook: Codebook | None = None,
) -> Axes:
    """Horizontal bars, one per factor code, grouped by level and coloured by factor.

    Parameters
    ----------
    factors : the ``factors`` table (columns ``level, factor, code_id, code_name`` and
        the ``count`` column), rows in display order (as :func:`qualkit.analyze` gives).
    count : ``"codings"`` (number of codings) or ``"documents"`` (distinct documents).
    language : ``"en"`` or ``"id"`` for titles, axis and legend labels.
    codebook : when given, level and factor labels come from its ``facet_labels``.

    >>> import qualkit                                                   # doctest: +SKIP
    >>> result = qualkit.analyze(qualkit.load_corpus("data/demo"),
    ...     qualkit.load_codebook("codebooks/migrant_care.yaml"))         # doctest: +SKIP
    >>> factor_chart(result.factors, codebook=result.codebook)          # doctest: +SKIP
    """
    if count not in ("codings", "documents"):
        raise QualkitError(
            f"The 'count' parameter of factor_chart must be 'codings' or 'documents'; got {count!r} instead",
            hint="choose what the bars count",
        )
    _check_language(language, "factor_chart")
    _require(factors, ("level", "factor", "code_id", "code_name", count), "factor_chart")
    rows = factors.reset_index(drop=True)
    levels = list(dict.fromkeys(rows["level"].astype(str)))
    n_slots = len(rows) + len(levels)
    if ax is None:
        ax = _new_axes(8.0, max(2.5, 0.42 * n_slots + 1.2))

    y = 0.0
    bar_y, tick_y, tick_labels, headings = [], [], [], []
    order: list[int] = []
    for level in levels:
        tick_y.append(y)
        tick_labels.append(_facet_label(codebook, f"level.{level}", language))
        headings.append(len(tick_labels) - 1)
        y += 1
        for i in rows.index[rows["level"].astype(str) == level]:
            bar_y.append(y)
            order.append(i)
            tick_y.append(y)
            tick_labels.append(wrap_label(rows.loc[i, "code_name"] or rows.loc[i, "code_id"]))
            y += 1
        y += 0.4
    values = pd.to_numeric(rows.loc[order, count], errors="coerce").fillna(0).to_numpy()
    factor_values = list(dict.fromkeys(rows["factor"].astype(str)))
    palette = factor_colors(factor_values, codebook)
    colors = [palette[str(rows.loc[i, "factor"])] for i in order]
    bars = ax.barh(bar_y, values, color=colors, height=0.7)
    top = float(values.max()) if len(values) else 0.0
    for bar, value in zip(bars, values):
        ax.annotate(f"{int(value)}", (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(tick_y, tick_labels)
    for idx in headings:
        label = ax.get_yticklabels()[idx]
        label.set_fontweight("bold")
    ax.tick_params(axis="y", length=0, labelsize=9)
    ax.set_ylim(y - 0.4, -0.8)
    ax.set_xlim(0, max(1.0, top * 1.12 + 0.5))
    ax.set_xlabel(_text(count, language))
    ax.set_title(_text("factor_title", language))
    ax.spines[["top", "right"]].set_visible(False)
    handles = [Patch(color=palette[f],
                     label=_facet_label(codebook, f"factor.{f}", language)) for f in factor_values]
    if handles:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.08 - 0.6 / max(n_slots, 1)),
                  ncol=len(handles), frameon=False, fontsize=9)
    return ax


# -- heatmaps ----------------------------------------------------------------------------
def _ordered(values: Iterable[str], preferred: Sequence[str]) -> list[str]:
    seen = set(values)
    return [v for v in preferred if v in seen] + sorted(seen - set(preferred))


def _triangulation_grid(data: pd.DataFrame, by: str, codebook: Codebook | None, study: Study,
                        count: str, language: str | None = None) -> tuple[pd.DataFrame, list[str] | None, bool]:
    """(grid of counts or 0/1 indexed by row label, statuses or None, binary?)."""
    plural = f"{by}s"
    preferred = [c.id for c in (study.source_types if by == "source_type" else study.informant_groups)]
    if plural in data.columns and "code_id" in data.columns:
        cells = data[plural].fillna("").astype(str).str.split(";")
        present = [{v for v in cell if v} for cell in cells]
        per_cell = f"{count}_by_{by}"
        binary = per_cell not in data.columns
        counted = [{} if binary else split_counts(c) for c in data.get(per_cell, cells)]
        found = set().union(*present, *(set(c) for c in counted))
        columns = _ordered(found | set(preferred), preferred)
        if binary:  # a table without per-cell counts (older CSV): presence only
            grid = pd.DataFrame([[int(c in row) for c in columns] for row in present], columns=columns)
        else:
            grid = pd.DataFrame([[row.get(c, 0) for c in columns] for row in counted], columns=columns)
        names = data["code_name"] if "code_name" in data.columns else data["code_id"]
        grid.index = [str(n) if str(n) else str(c) for n, c in zip(names, data["code_id"])]
        status = data["status"].astype(str).tolist() if "status" in data.columns else None
        return grid, status, binary
    if {"code_id", by}.issubset(data.columns):
        value = count if count in data.columns else "codings" if "codings" in data.columns else data.columns[-1]
        grid = data.pivot_table(index="code_id", columns=by, values=value, aggfunc="sum", fill_value=0, sort=False)
        data = grid
    grid = data.apply(pd.to_numeric, errors="coerce").fillna(0)
    grid = grid[_ordered([str(c) for c in grid.columns], preferred)] if len(grid.columns) else grid
    grid.index = [_code_name(codebook, str(i), language) for i in grid.index]
    return grid, None, False


def _code_name(codebook: Codebook | None, code_id: str, language: str | None = None) -> str:
    if codebook is not None:
        try:
            return codebook.code_name(code_id, language)
        except KeyError:
            pass
    return code_id


def _draw_grid(ax: Axes, grid: pd.DataFrame, *, binary: bool, cmap: str, col_labels: list[str],
               row_labels: list[str], mask_diagonal: bool = False) -> Any:
    """Draw the cells with their values written in; return the image (for a colourbar)."""
    values = grid.to_numpy(dtype=float)
    shown = values.copy()
    if mask_diagonal:
        np.fill_diagonal(shown, np.nan)
    masked = np.ma.masked_invalid(shown)
    vmax = max(1.0, float(np.nanmax(shown)) if np.isfinite(shown).any() else 1.0)
    if binary:
        vmax = 2.0  # ticks on a mid-blue: readable in colour and in grey
    colormap = matplotlib.colormaps[cmap].with_extremes(bad="#eeeeee")
    image = ax.imshow(masked, cmap=colormap, vmin=0, vmax=vmax, aspect="auto", interpolation="nearest")
    # Numbers in the cells only while they stay readable; colour alone above that.
    n_text = values.shape[0] * values.shape[1] if values.size <= MAX_CELL_TEXTS else 0
    for r in range(values.shape[0] if n_text else 0):
        for c in range(values.shape[1]):
            v = shown[r, c]
            if not np.isfinite(v):
                continue
            if binary:
                text = "\u2713" if v else "\u2013"
            else:
                text = f"{int(v)}" if v else ("\u2013" if not mask_diagonal else "")
            dark = v > 0.55 * vmax
            ax.text(c, r, text, ha="center", va="center", fontsize=8,
                    color="white" if dark else ("#333333" if v else "#999999"))
    ax.set_xticks(range(len(col_labels)), col_labels)
    ax.set_yticks(range(len(row_labels)), row_labels)
    ax.tick_params(length=0, labelsize=8)
    ax.set_xticks(np.arange(-0.5, len(col_labels), 1), minor=True)
    ax.set_yticks(np.arange(-0.5, len(row_labels), 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return image


MAX_CELL_TEXTS = 625
"""Heatmaps write their numbers into the cells up to this many cells (25 x 25); larger
grids show colour alone (thousands of cell texts are unreadable and slow to draw)."""

MAX_COOCCURRENCE_CODES = 40
"""The co-occurrence heatmap shows at most this many codes (those with most co-occurrences)."""

MAX_PNG_PIXELS = 3000
"""The longer side of a saved PNG stays under this many pixels (dpi is lowered to fit)."""

STATUS_COLORS = {"corroborated": "#006D4F", "single-source": "#8A5A00", "contested": "#B8330B",
                 "no evidence": "#777777"}
"""Text colours of the status column (dark enough to read on white, also in grey)."""


def triangulation_heatmap(
    triangulation_or_matrix: pd.DataFrame,
    *,
    by: str = "source_type",
    count: str = "documents",
    ax: Axes | None = None,
    language: str = "en",
    codebook: Codebook | None = None,
    study: Study | None = None,
) -> Axes:
    """How much evidence each factor has in each source type (or informant group).

    Each cell holds a number (``count``: ``"documents"`` with evidence, the default, or
    ``"codings"``, coded passages) and is shaded by it on a sequential colour scale
    (a colourbar below the grid); cells without evidence show a dash.

    Accepts the ``triangulation`` table (counts from its ``documents_by_<by>`` /
    ``codings_by_<by>`` columns; the ``status`` is written at the right of each row; a
    table without those columns shows ticks for presence), a wide
    ``code_x_source_type`` / ``code_x_informant_group`` matrix (index code ids, cells
    coded passages) or its long variant (``code_id, <by>, codings, documents``).

    >>> import pandas as pd
    >>> tri = pd.DataFrame({"code_id": ["a"], "code_name": ["Fear"],
    ...     "source_types": ["interview;observation"], "status": ["corroborated"],
    ...     "documents_by_source_type": ["interview:4;observation:1"]})
    >>> ax = triangulation_heatmap(tri)
    >>> ax.get_xticklabels()[0].get_text(), [t.get_text() for t in ax.texts][:3]
    ('Interview', ['4', '1', 'corroborated'])
    """
    if by not in ("source_type", "informant_group"):
        raise QualkitError(
            f"The 'by' parameter of triangulation_heatmap must be 'source_type' or 'informant_group'; got {by!r} instead",
            hint="choose the dimension to triangulate across",
        )
    if count not in ("documents", "codings"):
        raise QualkitError(
            f"The 'count' parameter of triangulation_heatmap must be 'documents' or 'codings'; got {count!r} instead",
            hint="choose what the cells count",
        )
    _check_language(language, "triangulation_heatmap")
    if not isinstance(triangulation_or_matrix, pd.DataFrame):
        raise QualkitError("triangulation_heatmap needs a pandas DataFrame",
                           hint="pass analysis.triangulation or analysis.matrices['code_x_source_type']")
    design = study or Study()
    grid, status, binary = _triangulation_grid(triangulation_or_matrix, by, codebook, design, count, language)
    rows = [wrap_label(r, 34) for r in grid.index]
    cols = [wrap_label(design.label(by, str(c), language), 14) for c in grid.columns]
    if ax is None:
        extra = 1.3 if status is not None else 0.0
        ax = _new_axes(max(4.5, 1.1 * len(cols) + 4.2 + extra), max(3.0, 0.38 * len(rows) + 2.2))
    image = _draw_grid(ax, grid, binary=binary, cmap="Blues", col_labels=cols, row_labels=rows)
    ax.xaxis.tick_top()
    if status is not None:
        for r, s in enumerate(status):
            ax.text(len(cols) - 0.5 + 0.15, r, s, ha="left", va="center", fontsize=8,
                    color=STATUS_COLORS.get(s, "#333333"), clip_on=False)
    if not binary:
        bar = ax.figure.colorbar(image, ax=ax, location="bottom", shrink=0.6, aspect=30, pad=0.02)
        bar.set_label(_text(f"cells_{count}", language), fontsize=8)
        bar.ax.tick_params(labelsize=7)
        bar.ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True, nbins=6))
    ax.set_title(_text("tri_title", language).format(attribute=design.word(by, language)), pad=12)
    return ax


def cooccurrence_heatmap(
    matrix: pd.DataFrame,
    *,
    ax: Axes | None = None,
    codebook: Codebook | None = None,
    drop_empty: bool = True,
    language: str = "en",
    max_codes: int = MAX_COOCCURRENCE_CODES,
) -> Axes:
    """Code x code co-occurrence counts as a heatmap (the diagonal is greyed out).

    ``matrix`` is square with code ids as index and columns (``analysis.matrices
    ["cooccurrence"]``), or a long frame of two code columns and one count column.
    ``drop_empty`` leaves out codes that co-occur with no other code; at most
    ``max_codes`` codes are shown (those with the most co-occurrences).

    >>> import pandas as pd
    >>> m = pd.DataFrame([[2, 1], [1, 3]], index=["a", "b"], columns=["a", "b"])
    >>> len(cooccurrence_heatmap(m).get_yticklabels())
    2
    """
    _check_language(language, "cooccurrence_heatmap")
    if not isinstance(matrix, pd.DataFrame):
        raise QualkitError("cooccurrence_heatmap needs a pandas DataFrame",
                           hint="pass analysis.matrices['cooccurrence']")
    grid = matrix
    numeric = grid.select_dtypes("number").columns
    if len(numeric) == 1 and len(grid.columns) == 3:
        a, b = [c for c in grid.columns if c not in numeric]
        grid = grid.pivot_table(index=a, columns=b, values=numeric[0], aggfunc="sum", fill_value=0)
    grid = grid.apply(pd.to_numeric, errors="coerce").fillna(0)
    labels = list(dict.fromkeys([str(i) for i in grid.index] + [str(c) for c in grid.columns]))
    grid.index = [str(i) for i in grid.index]
    grid.columns = [str(c) for c in grid.columns]
    grid = grid.reindex(index=labels, columns=labels, fill_value=0)
    if drop_empty and len(grid):
        off = grid.to_numpy(dtype=float).copy()
        np.fill_diagonal(off, 0)
        keep = (off.sum(axis=0) + off.sum(axis=1)) > 0
        if keep.any():
            grid = grid.loc[keep, keep]
    total = len(grid)
    if len(grid) > max_codes:  # keep the codes with most co-occurrences, in their order
        off = grid.to_numpy(dtype=float).copy()
        np.fill_diagonal(off, 0)
        strength = off.sum(axis=0) + off.sum(axis=1)
        top = np.sort(np.argsort(-strength, kind="stable")[:max_codes])
        grid = grid.iloc[top, top]
    names = [wrap_label(_code_name(codebook, c, language), 30) for c in grid.index]
    if ax is None:
        side = max(4.0, 0.42 * len(names) + 3.5)
        ax = _new_axes(side + 1.0, side)
    # Rotated column labels stay on one line (wrapped lines of rotated text collide).
    col_names = [wrap_label(_code_name(codebook, c, language), 60) for c in grid.columns]
    _draw_grid(ax, grid, binary=False, cmap="Purples", col_labels=col_names, row_labels=names,
               mask_diagonal=True)
    for label in ax.get_xticklabels():
        label.set_rotation(60)
        label.set_ha("right")
        label.set_rotation_mode("anchor")
    title = _text("cooc_title", language)
    if len(grid) < total:  # say that codes were left out
        title += "\n" + _text("cooc_top", language).format(shown=len(grid), total=total)
    ax.set_title(title)
    return ax


# -- stage chart -------------------------------------------------------------------------
def stage_chart(
    stages: pd.DataFrame,
    *,
    ax: Axes | None = None,
    language: str = "en",
    codebook: Codebook | None = None,
    facet: str = "stage",
) -> Axes:
    """One bar per value of the stage facet (codings), labelled with the number of
    documents; labels from the codebook's ``facet_labels`` (else from the ids).

    >>> import pandas as pd
    >>> stages = pd.DataFrame({"stage": ["engagement", "follow_up"], "codings": [4, 2],
    ...                        "documents": [3, 1]})
    >>> len(stage_chart(stages).patches)
    2
    """
    _check_language(language, "stage_chart")
    _require(stages, ("stage", "codings"), "stage_chart")
    rows = stages.reset_index(drop=True)
    labels = [wrap_label(_facet_label(codebook, f"{facet}.{s}", language), 12) for s in rows["stage"].astype(str)]
    values = pd.to_numeric(rows["codings"], errors="coerce").fillna(0).to_numpy()
    if ax is None:
        ax = _new_axes(max(5.0, 1.05 * len(labels) + 1.5), 4.0)
    bars = ax.bar(range(len(labels)), values, color="#009E73", width=0.7)
    docs = rows["documents"] if "documents" in rows.columns else None
    for i, bar in enumerate(bars):
        text = f"{int(values[i])}"
        if docs is not None:
            text += f"\n({int(docs.iloc[i])} {_text('docs_short', language)})"
        ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()), xytext=(0, 2),
                    textcoords="offset points", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(labels)), labels)
    ax.tick_params(axis="x", length=0, labelsize=9)
    top = float(values.max()) if len(values) else 0.0
    ax.set_ylim(0, max(1.0, top * 1.25 + 0.5))
    ax.set_ylabel(_text("codings", language))
    ax.set_title(_text("stage_title", language).format(facet=_facet_label(codebook, facet, language).lower()))
    ax.spines[["top", "right"]].set_visible(False)
    return ax


# -- the charts of an analysis ---------------------------------------------------------------
def standard_charts(analysis: Analysis, *, report: bool = False) -> dict[str, Callable[[], Axes]]:
    """The charts an analysis has data for, as ``name -> draw()`` (nothing drawn yet).

    Names: ``factors`` and ``factors_documents`` (when the study has a factor matrix with
    evidence), ``stages`` (a stage table with evidence), ``triangulation_<attribute>`` for each of
    the study's ``across`` attributes that is a source type or informant group, ``cooccurrence`` (when two codes ever
    share a passage). With ``report=True`` only one chart per report section:
    ``factors``, ``stages``, ``triangulation`` (the first ``across`` attribute).
    """
    study, book, language = analysis.design, analysis.codebook, analysis.language
    tables = output_tables(analysis)  # the one rule: no chart of an absent or empty table
    out: dict[str, Callable[[], Axes]] = {}
    if tables["factors"].has_data:
        out["factors"] = lambda: factor_chart(analysis.factors, language=language, codebook=book)
        if not report:
            out["factors_documents"] = lambda: factor_chart(analysis.factors, count="documents",
                                                            language=language, codebook=book)
    stage = study.stage_table
    if stage is not None and tables["stages"].has_data:
        out["stages"] = lambda: stage_chart(analysis.stages, language=language, codebook=book,
                                            facet=stage["facet"])
    across = [a for a in study.triangulation.across if a in ("source_type", "informant_group")]
    if tables["factors"].has_data and tables["triangulation"].has_data and across:
        for attribute in across[:1] if report else across:
            name = "triangulation" if report else f"triangulation_{attribute}"
            out[name] = (lambda by=attribute: triangulation_heatmap(
                analysis.triangulation, by=by, language=language, codebook=book, study=study))
    matrix = analysis.matrices.get("cooccurrence")
    if not report and "matrix_cooccurrence" in tables and isinstance(matrix, pd.DataFrame) and _off_diagonal(matrix):
        out["cooccurrence"] = lambda: cooccurrence_heatmap(matrix, codebook=book, language=language)
    return out


def _off_diagonal(matrix: pd.DataFrame) -> bool:
    values = matrix.select_dtypes("number").to_numpy(dtype=float).copy()
    if values.size == 0:
        return False
    if values.shape[0] == values.shape[1]:
        values[range(values.shape[0]), range(values.shape[0])] = 0
    return bool((values > 0).any())


# -- saving ------------------------------------------------------------------------------
def save_figure(ax_or_fig: Axes | Figure, path_stem: str | os.PathLike[str], *, dpi: int = 200,
                max_pixels: int = MAX_PNG_PIXELS) -> list[Path]:
    """Write the figure as ``<path_stem>.png`` and ``<path_stem>.svg`` (atomically,
    reproducibly: no dates, fixed SVG ids; SVG text is kept as text, not outlines).
    The PNG's resolution is lowered from ``dpi`` when its longer side would exceed
    ``max_pixels`` pixels (very large charts stay quick to write and to open).

    >>> import tempfile, pathlib, pandas as pd
    >>> ax = stage_chart(pd.DataFrame({"stage": ["engagement"], "codings": [1]}))
    >>> [p.suffix for p in save_figure(ax, pathlib.Path(tempfile.mkdtemp()) / "stages")]
    ['.png', '.svg']
    """
    fig = ax_or_fig.figure if isinstance(ax_or_fig, Axes) else ax_or_fig
    if not isinstance(fig, Figure):
        raise QualkitError("save_figure needs a matplotlib Axes or Figure",
                           hint="pass what a qualkit chart function returned")
    stem = Path(path_stem)
    paths = []
    longest = max(float(v) for v in fig.get_size_inches())
    dpi = min(dpi, max(50, int(max_pixels / longest))) if longest > 0 else dpi
    engine = fig.get_layout_engine()
    if engine is not None:  # lay out once for both formats, then keep the positions
        fig.draw_without_rendering()
        fig.set_layout_engine("none")
    try:
        # SVG text stays text (searchable, editable, smaller); fixed ids and no date so
        # that the same chart gives the same bytes.
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "qualkit"}):
            for fmt in ("png", "svg"):
                target = stem.with_name(stem.name + f".{fmt}")
                meta = {"Date": None} if fmt == "svg" else {"Software": None}
                atomic_write(target, lambda tmp, fmt=fmt, meta=meta: fig.savefig(
                    tmp, format=fmt, dpi=dpi, metadata=meta))
                paths.append(target)
    finally:
        if engine is not None:
            fig.set_layout_engine(engine)
    return paths
