"""Privacy by default: redact personal data and pseudonymise people before any output.

A :class:`Redactor` learns in :meth:`~Redactor.fit` the people a corpus declares or shows
and replaces, in :meth:`~Redactor.transform`, every text, passage, field, label, title, id
and metadata value of the corpus, and with :meth:`~Redactor.redact_codebook` a codebook's
descriptions, memos and examples.

Detected (see :mod:`qualkit.privacy.patterns` and :mod:`qualkit.privacy.names`):

=============  ==========================================================================
``nik``/``kk``  16 digits with any separators (spaces, NBSP, dashes, dots, slashes, digit
                boxes, a line break), a label glued in front -> ``[NIK]`` / ``[KK]``
``passport``    one or two letters and 7 digits (``C1234567``, ``C-1234569``, ``c1234568``)
``phone``       ``+62``/``0062``/``62``/``0`` mobiles, ``(021)`` landlines, ``+<cc>``
                numbers, a mobile whose leading 0 a spreadsheet dropped -> ``[PHONE]``
``email``       e-mail addresses -> ``[EMAIL]``
``account``     digits after a bank-account label (``rekening``, ``No. Rek``, ``account``)
``address``     ``Jl./Jalan/Gang ... No. ..., RT/RW, Kel./Desa/Kec. ...`` in any case, the
                values of address fields (with continuation lines) wherever they recur,
                manifest columns ``desa``/``village``/``alamat`` -> ``[ADDRESS]``
``birth``       values of birth fields (``Lahir``, ``Tempat & Tgl Lahir``, ``TTL``, ``Date
                of birth``) -> ``[BIRTH]``
``name``        speaker labels that are names (also in parentheses: ``K (Kiki)``), name
                fields of any case, manifest ``name``/``nama`` columns, names after a title
                in any case (``pak Darto``, ``BU SUKESIH``) or an introduction (``namanya``,
                ``nama saya``, ``dipanggil``, ``my name is``), signatures, given names of the
                bundled gazetteer, ``deny=`` -> a pseudonym from the templates
=============  ==========================================================================

>>> from qualkit.corpus import Corpus
>>> Redactor().fit(Corpus((), ())).redact_text("Lalu pak Darto menelepon 0812\u20133456\u20137819.")
'Lalu pak [NAME] menelepon [PHONE].'
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from qualkit.corpus import Corpus
from qualkit.errors import QualkitError
from qualkit.privacy.offsets import Edit, OffsetMap, _all_plain, _plain_spans, apply_edits
from qualkit.privacy.patterns import FAMILIES
from qualkit.privacy.pseudonyms import DEFAULT_TEMPLATES, read_mapping
from qualkit.privacy.redactor import MAPPING_COLUMNS, MAPPING_WARNING, SUMMARY_COLUMNS, TAGS, Redactor

PATTERNS = FAMILIES
DEFAULT_PATTERNS = FAMILIES

__all__ = ["DEFAULT_TEMPLATES", "Edit", "apply_edits", "FAMILIES", "MAPPING_COLUMNS", "MAPPING_WARNING", "OffsetMap",
           "PATTERNS", "Redactor", "SUMMARY_COLUMNS", "TAGS", "read_mapping", "redact_frame"]


def redact_frame(frame: pd.DataFrame, redactor: Redactor, *,
                 columns: Iterable[str] | None = None) -> pd.DataFrame:
    """A copy of ``frame`` with string cells of ``columns`` (default: all text columns) redacted.

    >>> r = Redactor(deny=["Sari Dewi"]).fit(Corpus((), ()))
    >>> redact_frame(pd.DataFrame({"quote": ["kata Sari Dewi"], "n": [1]}), r)["quote"][0]
    'kata Person 1'
    """
    out = frame.copy()
    if columns is None:
        columns = [c for c in out.columns if out[c].dtype == object or pd.api.types.is_string_dtype(out[c])]
    for col in columns:
        if col not in out.columns:
            raise QualkitError(f"redact_frame: no column {col!r}", hint=f"choose among {list(out.columns)}")
        out[col] = [redactor.redact_value(v) for v in out[col]]
    return out
