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


def add_parsers(sub: Any) -> None:
    """Add ``agree`` and ``evaluate`` to the subcommands."""
    agree = sub.add_parser("agree", help="intercoder agreement of codings tables")
    agree.add_argument("files", nargs="+", metavar="CODINGS.csv", help="codings tables (any number of coders)")
    agree.add_argument("--unit", choices=("passage", "character", "matched_span"), default="passage",
                       help="compare whole passages, characters (needs --data), or matched spans "
                            "(diagnostic: kappa <= 0 by construction) (default: passage)")
    agree.add_argument("--overlap", type=float, default=0.5,
                       help="matched_span unit: share of overlap for two spans to agree (default 0.5)")
    _add_evaluation_options(agree)
    ev = sub.add_parser("evaluate", help="precision, recall, F1 and kappa of PRED against REF, per code")
    ev.add_argument("reference", metavar="REF.csv", help="reference codings table (e.g. a person's)")
    ev.add_argument("predicted", metavar="PRED.csv", help="predicted codings table (e.g. the auto-coder's)")
    ev.add_argument("--unit", choices=("passage", "character"), default="passage",
                    help="passages coded or not, or characters inside evidence spans (needs --data)")
    _add_evaluation_options(ev)
    ev.set_defaults(bootstrap=1000)


def _add_evaluation_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", metavar="DIR", help="the folder the codings were made on: its passages "
                   "bound the units, and uncoded text counts (required for --unit character)")
    p.add_argument("--passage-unit", choices=("turn", "sentence"), default="turn",
                   help="passage unit the codings were made on, when --data is given (default: turn)")
    p.add_argument("--bootstrap", type=int, default=0, help="bootstrap resamples for 95%% intervals")


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
