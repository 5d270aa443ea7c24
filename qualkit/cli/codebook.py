"""``qualkit codebook check FILE [--corpus DATA]``: validate a codebook and run its examples."""

from __future__ import annotations

import argparse
from typing import Any

from qualkit.cli._common import EXIT_OK, EXIT_WARNINGS, Parser, existing
from qualkit.codebook.io import load_codebook
from qualkit.coding.check import check_codebook
from qualkit.loading import load_corpus


def add_parsers(sub: Any) -> None:
    """Add ``codebook check`` to the subcommands."""
    codebook = sub.add_parser("codebook", help="codebook tools")
    actions = codebook.add_subparsers(dest="codebook_command", metavar="ACTION", parser_class=Parser)
    actions.required = True
    check = actions.add_parser("check", help="validate a codebook and run its examples (exit 1 when not ok)")
    check.add_argument("file", metavar="FILE", help="codebook YAML file")
    check.add_argument("--corpus", metavar="DATA", help="also check the cues against this corpus (folder or "
                       "file): regex cues matching nothing, stems shared with unrelated frequent words")


def cmd_codebook(args: argparse.Namespace) -> int:
    """Print the check report; exit 1 when the codebook is not ok."""
    corpus = load_corpus(existing(args.corpus, "corpus")) if args.corpus else None
    report = check_codebook(load_codebook(existing(args.file, "codebook file")), corpus=corpus)
    print(report)
    return EXIT_OK if report.ok else EXIT_WARNINGS
