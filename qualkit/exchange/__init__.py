"""Exchange with other QDA tools: REFI-QDA ``.qdc``/``.qdpx`` and human coding from
Taguette, MAXQDA, ATLAS.ti and CATMA exports (:func:`import_codings`).

>>> from qualkit.exchange import import_codings, read_qdpx, write_qdpx, read_qdc, write_qdc  # doctest: +SKIP
"""

from __future__ import annotations

from qualkit.exchange.codings import FORMATS, detect_format, import_codings
from qualkit.exchange.folder import import_to_folder, read_folder
from qualkit.exchange.qdc import read_qdc, write_qdc
from qualkit.exchange.qdpx import RefiNote, RefiProject, RefiUser, write_qdpx
from qualkit.exchange.qdpx_read import read_qdpx
from qualkit.exchange.segments import ImportResult, Segment
from qualkit.exchange.taguette import read_codebook_csv

__all__ = ["FORMATS", "ImportResult", "RefiNote", "RefiProject", "RefiUser", "Segment", "detect_format",
           "import_codings", "import_to_folder", "read_codebook_csv", "read_folder", "read_qdc", "read_qdpx",
           "write_qdc", "write_qdpx"]
