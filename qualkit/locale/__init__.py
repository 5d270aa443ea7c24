"""Interface words per output language, as data: ``qualkit/locale/<language>.yaml``.

English lives beside the code that writes it; other languages are files here, one
section per module (``study``, ``report``, ``conclusions``) plus ``speakers`` (labels
and column names that mark who speaks in transcripts). Add a language by adding a file
with the same keys.

>>> words("id")["report"]["method"]
'Metode'
>>> "penanya" in words("id")["speakers"]["interviewer"]
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from qualkit.errors import QualkitError

HERE = Path(__file__).resolve().parent


def words(language: str) -> dict[str, Any]:
    """The interface words of ``language`` (a fresh dict read from its file)."""
    path = HERE / f"{language}.yaml"
    if not path.is_file():
        raise QualkitError(f"no interface words for language {language!r}", path=str(path),
                           hint=f"use one of {sorted(p.stem for p in HERE.glob('*.yaml'))}")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


INDONESIAN = words("id")
"""The Indonesian words (read once; treat as read-only)."""
