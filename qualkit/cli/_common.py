"""What every ``qualkit`` command shares when it runs: exit codes, the parser class and
messages on stderr (from :mod:`qualkit.cli.parsers`), path checks and reading codings
tables."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from qualkit.cli.parsers import (
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USAGE,
    EXIT_WARNINGS,
    Parser,
    say,
)
from qualkit.coding.frame import validate_codings
from qualkit.errors import QualkitError
from qualkit.outputs.write import mapping_path as _mapping_path


def existing(path: str, what: str) -> Path:
    """``path`` as a Path; a :class:`QualkitError` naming ``what`` when it does not exist."""
    p = Path(path)
    if not p.exists():
        raise QualkitError(f"no such {what}", path=str(p), hint=f"check the path of the {what}")
    return p


def mapping_path(out_dir: str | os.PathLike[str]) -> Path:
    """Where the re-identification mapping of an output folder goes: beside it
    (:func:`qualkit.outputs.write.mapping_path`; resolved, so ``--out .`` is no exception).

    >>> mapping_path("/tmp/study/out").name
    'out.reidentification.csv'
    """
    return _mapping_path(out_dir)


def read_codings(paths: Sequence[str]) -> pd.DataFrame:
    """Read and concatenate codings CSV files (validated) into one codings table."""
    frames = []
    for name in paths:
        path = existing(name, "codings file")
        try:
            frame = pd.read_csv(path, dtype={"passage_id": str, "doc_id": str, "code_id": str,
                                             "coder": str, "method": str}, keep_default_na=False,
                                na_values={"confidence": [""]})
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as err:
            raise QualkitError(f"not a readable CSV file ({err})", path=str(path),
                               hint="give codings tables written by qualkit (codings.csv)") from err
        try:
            frames.append(validate_codings(frame))
        except QualkitError as err:
            raise QualkitError(err.message, path=str(path), hint=err.hint) from err
    return pd.concat(frames, ignore_index=True)


__all__ = ["EXIT_INTERNAL", "EXIT_OK", "EXIT_USAGE", "EXIT_WARNINGS", "Parser", "existing", "mapping_path",
           "read_codings", "say"]
