"""REFI-QDA exchange in one place: ``.qdc`` codebooks and ``.qdpx`` projects.

>>> from qualkit.exchange.refi import read_qdc, read_qdpx, write_qdc, write_qdpx  # doctest: +SKIP

See :mod:`qualkit.exchange.qdc` and :mod:`qualkit.exchange.qdpx` for what is written where.
"""

from __future__ import annotations

from qualkit.exchange.folder import import_to_folder
from qualkit.exchange.qdc import read_qdc, write_qdc
from qualkit.exchange.qdpx import RefiNote, RefiProject, RefiUser, read_qdpx, write_qdpx
from qualkit.exchange.taguette import read_codebook_csv

__all__ = ["RefiNote", "RefiProject", "RefiUser", "import_to_folder", "read_codebook_csv", "read_qdc",
           "read_qdpx", "write_qdc", "write_qdpx"]
