"""Charts: each returns the Axes, draws one bar / cell per row, and saves PNG + SVG."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from qualkit.errors import QualkitError
from qualkit.outputs import charts


def test_factor_chart_one_bar_per_factor_code(analysis):
    ax = charts.factor_chart(analysis.factors)
    assert isinstance(ax, Axes)
    assert len(ax.patches) == len(analysis.factors)
    widths = [p.get_width() for p in ax.patches]
    assert widths == analysis.factors["codings"].astype(float).tolist()
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    for name in analysis.factors["code_name"]:
        assert name in labels
    assert "Organisation" in labels and "Individual" in labels


def test_factor_chart_counts_documents_and_speaks_indonesian(analysis):
    ax = charts.factor_chart(analysis.factors, count="documents", language="id", codebook=analysis.codebook)
    assert [p.get_width() for p in ax.patches] == analysis.factors["documents"].astype(float).tolist()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Pendukung", "Penghambat"]  # the codebook's labels
    assert ax.get_xlabel() == "jumlah dokumen"


def test_factor_chart_draws_on_a_given_axes(analysis):
    fig = Figure()
    ax = fig.add_subplot()
    assert charts.factor_chart(analysis.factors, ax=ax) is ax


def test_factor_chart_rejects_bad_input(analysis):
    with pytest.raises(QualkitError, match="'count' parameter"):
        charts.factor_chart(analysis.factors, count="words")
    with pytest.raises(QualkitError, match="lacks column"):
        charts.factor_chart(analysis.factors.drop(columns=["code_name"]))


def test_long_labels_are_wrapped():
    assert max(len(line) for line in charts.wrap_label("a " * 40, 20).split("\n")) <= 20


def _cell_texts(ax, n_rows, n_cols):
    """The text written in each cell (row, col) of a heatmap."""
    cells = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax.texts
             if 0 <= t.get_position()[0] < n_cols and float(t.get_position()[0]).is_integer()}
    return [[cells.get((r, c)) for c in range(n_cols)] for r in range(n_rows)]


def test_triangulation_heatmap_writes_document_counts_per_cell(analysis):
    from qualkit.analysis.synthesize import split_counts

    tri = analysis.triangulation
    ax = charts.triangulation_heatmap(tri, study=analysis.design)
    assert len(ax.get_yticklabels()) == len(tri)
    # the study's labels and order
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Interview", "Observation", "Documentation"]
    plain = charts.triangulation_heatmap(tri)  # no study: labels from the ids, sorted
    assert [t.get_text() for t in plain.get_xticklabels()] == ["Document", "Interview", "Observation"]
    expected = [[str(split_counts(cell).get(t, "\u2013")) for t in ("interview", "observation", "document")]
                for cell in tri["documents_by_source_type"]]
    assert _cell_texts(ax, len(tri), 3) == expected
    image = ax.get_images()[0]
    assert image.get_array().max() == max(int(v) for row in expected for v in row if v != "\u2013")
    assert image.get_cmap().name.startswith("Blues")
    assert len(ax.figure.axes) == 2  # the grid and its colourbar
    statuses = {t.get_text() for t in ax.texts} & set(tri["status"])
    assert statuses == set(tri["status"])


def test_triangulation_heatmap_counts_codings_on_request(analysis):
    from qualkit.analysis.synthesize import split_counts

    tri = analysis.triangulation
    ax = charts.triangulation_heatmap(tri, by="informant_group", count="codings", language="id",
                                      study=analysis.design)
    groups = [c.id for c in analysis.design.informant_groups]
    assert groups == ["ngo_management", "case_companion", "victim", "family"]
    expected = [[str(split_counts(cell).get(g, "\u2013")) for g in groups] for cell in tri["codings_by_informant_group"]]
    assert _cell_texts(ax, len(tri), len(groups)) == expected
    assert ax.figure.axes[1].get_xlabel() == "passage yang dikodekan"
    with pytest.raises(QualkitError, match="'count' parameter"):
        charts.triangulation_heatmap(tri, count="words")


def test_triangulation_heatmap_dark_cells_get_white_numbers():
    tri = pd.DataFrame({"code_id": ["a", "b"], "code_name": ["A", "B"], "status": ["corroborated"] * 2,
                        "source_types": ["interview;document", "interview"],
                        "documents_by_source_type": ["interview:10;document:1", "interview:2"]})
    ax = charts.triangulation_heatmap(tri)
    colours = {t.get_text(): t.get_color() for t in ax.texts}
    assert colours["10"] == "white" and colours["1"] != "white"


def test_triangulation_heatmap_of_an_old_table_shows_ticks(analysis):
    tri = analysis.triangulation.drop(columns=[c for c in analysis.triangulation if "_by_" in c])
    ax = charts.triangulation_heatmap(tri)
    ticks = [t.get_text() for t in ax.texts if t.get_text() in ("\u2713", "\u2013")]
    assert len(ticks) == len(tri) * 3
    expected = sum(len([v for v in str(s).split(";") if v]) for s in tri["source_types"].fillna(""))
    assert ticks.count("\u2713") == expected


def test_triangulation_heatmap_by_informant_group_from_a_matrix(analysis):
    matrix = analysis.matrices["code_x_informant_group"]
    ax = charts.triangulation_heatmap(matrix, by="informant_group", codebook=analysis.codebook)
    assert len(ax.get_yticklabels()) == matrix.shape[0]
    assert len(ax.get_xticklabels()) == matrix.shape[1]
    assert analysis.codebook.code(matrix.index[0]).name in [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    with pytest.raises(QualkitError, match="'by' parameter"):
        charts.triangulation_heatmap(matrix, by="case")


def test_stage_chart_one_bar_per_stage(analysis):
    ax = charts.stage_chart(analysis.stages)
    assert len(ax.patches) == len(analysis.stages)
    assert [p.get_height() for p in ax.patches] == analysis.stages["codings"].astype(float).tolist()
    assert [t.get_text() for t in ax.get_xticklabels()][0] == "Engagement"


def test_cooccurrence_heatmap_cells_and_empty_codes_dropped():
    m = pd.DataFrame([[2, 1, 0], [1, 3, 0], [0, 0, 4]], index=list("abc"), columns=list("abc"))
    ax = charts.cooccurrence_heatmap(m)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    ax = charts.cooccurrence_heatmap(m, drop_empty=False)
    assert len(ax.get_yticklabels()) == 3
    image = ax.get_images()[0].get_array()
    assert image.shape == (3, 3) and image.mask[0, 0]  # diagonal greyed out


def test_save_figure_writes_png_and_svg(tmp_path, analysis):
    paths = charts.save_figure(charts.stage_chart(analysis.stages), tmp_path / "sub" / "stages")
    assert [p.name for p in paths] == ["stages.png", "stages.svg"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in paths[1].read_text()
    assert not [p for p in (tmp_path / "sub").iterdir() if p.suffix == ".tmp"]


def test_no_pyplot_figures_are_left_open(analysis):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    charts.factor_chart(analysis.factors)
    charts.stage_chart(analysis.stages)
    assert plt.get_fignums() == before
    assert matplotlib.get_backend()  # importing pyplot did not need a display


def test_cooccurrence_heatmap_keeps_the_most_connected_codes_when_there_are_many():
    import numpy as np
    import pandas as pd

    from qualkit.outputs.charts import cooccurrence_heatmap

    ids = [f"c{i:02d}" for i in range(12)]
    values = np.ones((12, 12), dtype=int)
    values[3, :] = values[:, 3] = 9  # c03 co-occurs most
    frame = pd.DataFrame(values, index=ids, columns=ids)
    ax = cooccurrence_heatmap(frame, max_codes=5)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 5
    assert "c03" in labels


def test_cooccurrence_heatmap_says_codes_were_left_out_and_drops_cell_numbers_on_big_grids():
    import numpy as np
    import pandas as pd

    from qualkit.outputs import charts

    ids = [f"c{i:02d}" for i in range(30)]
    frame = pd.DataFrame(np.ones((30, 30), dtype=int), index=ids, columns=ids)
    ax = charts.cooccurrence_heatmap(frame, max_codes=28)
    assert "28 of 30 codes" in ax.get_title()
    assert len(ax.texts) == 0  # 28 x 28 cells is above MAX_CELL_TEXTS: colour alone
    small = charts.cooccurrence_heatmap(frame.iloc[:4, :4])
    assert "\n" not in small.get_title()  # nothing left out, nothing said
    assert len(small.texts) == 12  # off-diagonal numbers written in


def test_save_figure_caps_png_pixels_for_huge_figures(tmp_path):
    from matplotlib.figure import Figure
    from PIL import Image

    from qualkit.outputs.charts import save_figure

    fig = Figure(figsize=(30, 10))
    fig.add_subplot().plot([0, 1], [0, 1])
    png, _ = save_figure(fig, tmp_path / "big", max_pixels=2000)
    assert max(Image.open(png).size) <= 2000
    small = Figure(figsize=(4, 3))
    small.add_subplot().plot([0, 1], [0, 1])
    png, _ = save_figure(small, tmp_path / "small", dpi=100)
    assert Image.open(png).size == (400, 300)
