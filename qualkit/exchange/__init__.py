"""Exchange with other QDA tools: REFI-QDA ``.qdc``/``.qdpx`` and Taguette codebook CSVs.

>>> from qualkit.exchange import read_qdpx, write_qdpx, read_qdc, write_qdc  # doctest: +SKIP
"""

from __future__ import annotations

from qualkit.exchange.refi import (
    RefiNote, RefiProject, RefiUser, import_to_folder, read_codebook_csv, read_qdc, read_qdpx,
    write_qdc, write_qdpx,
)

__all__ = ["RefiNote", "RefiProject", "RefiUser", "import_to_folder", "read_codebook_csv", "read_qdc",
           "read_qdpx", "write_qdc", "write_qdpx"]
