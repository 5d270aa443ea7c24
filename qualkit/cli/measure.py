"""``qualkit agree`` and ``qualkit evaluate``: intercoder agreement and auto-coding quality."""

from __future__ import annotations

import argparse
from typing import Any

from qualkit.agreement import agreement
from qualkit.cli._common import EXIT_OK, existing, read_codings
from qualkit.corpus import Corpus
from qualkit.errors import QualkitError
from qualkit.evaluation import evaluate
from qualkit.loading import load_corpus


def _evaluation_corpus(args: argparse.Namespace) -> Corpus | None:
    if args.data is None:
        if args.unit == "character":
            raise QualkitError("--unit character needs --data DIR (the texts the codings were made on)",
                               hint="add --data with the folder you coded")
        return None
    return load_corpus(existing(args.data, "data folder"), unit=args.passage_unit)


def _print_table(table: Any) -> None:
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))


def cmd_agree(args: argparse.Namespace) -> int:
    """``qualkit agree CODINGS.csv ...``: the :func:`qualkit.agreement` table."""
    if not 0 < args.overlap <= 1:
        raise QualkitError(f"--overlap must be in (0, 1]; got {args.overlap}",
                           hint="give the share of the shorter span that must overlap, e.g. 0.5")
    codings = read_codings(args.files)
    _print_table(agreement(codings, unit=args.unit, overlap=args.overlap, passages=_evaluation_corpus(args),
                           bootstrap=args.bootstrap))
    return EXIT_OK


def cmd_evaluate(args: argparse.Namespace) -> int:
    """``qualkit evaluate REF.csv PRED.csv``: the :func:`qualkit.evaluate` table."""
    reference, predicted = read_codings([args.reference]), read_codings([args.predicted])
    _print_table(evaluate(reference, predicted, unit=args.unit, passages=_evaluation_corpus(args),
                          bootstrap=args.bootstrap))
    return EXIT_OK
