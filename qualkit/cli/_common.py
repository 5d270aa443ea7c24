"""What every ``qualkit`` subcommand shares: exit codes, the argument parser class,
messages on stderr, path checks and reading codings tables."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from qualkit.coding.frame import validate_codings
from qualkit.errors import QualkitError
from qualkit.outputs.write import mapping_path as _mapping_path

EXIT_OK, EXIT_WARNINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class Parser(argparse.ArgumentParser):
    """argparse that reports usage errors with exit code 2 and a hint to use --help."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def say(message: str) -> None:
    """Print a note, warning or error for the user on stderr."""
    print(message, file=sys.stderr)


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
