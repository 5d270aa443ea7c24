"""``qualkit codebook check FILE [--corpus DATA]``: validate a codebook and run its examples."""

from __future__ import annotations

import argparse

from qualkit.cli._common import EXIT_OK, EXIT_WARNINGS, existing
from qualkit.codebook.io import load_codebook
from qualkit.coding.check import check_codebook
from qualkit.loading import load_corpus


def cmd_codebook(args: argparse.Namespace) -> int:
    """Print the check report; exit 1 when the codebook is not ok."""
    corpus = load_corpus(existing(args.corpus, "corpus")) if args.corpus else None
    report = check_codebook(load_codebook(existing(args.file, "codebook file")), corpus=corpus)
    print(report)
    return EXIT_OK if report.ok else EXIT_WARNINGS
