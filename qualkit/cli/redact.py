"""``qualkit redact DATA --preview``: what a run would replace, on screen only."""

from __future__ import annotations

import argparse

import pandas as pd

from qualkit.cli._common import EXIT_OK, existing
from qualkit.loading import load_corpus
from qualkit.privacy import Redactor


def cmd_redact(args: argparse.Namespace) -> int:
    """Print the :meth:`Redactor.preview` table of a folder; writes nothing."""
    corpus = load_corpus(existing(args.data, "data folder or file"), unit=args.unit)
    table = Redactor(deny=args.deny, allow=args.allow).preview(corpus)
    print(f"qualkit: {len(corpus.documents)} documents; {int(table['count'].sum()) if len(table) else 0} "
          f"replacements of {len(table)} distinct values (ORIGINALS SHOWN: do not share this screen)")
    with pd.option_context("display.max_rows", None, "display.max_colwidth", 70, "display.width", 200):
        print(table.to_string(index=False) if len(table) else "nothing to replace")
    print("add missed names with --deny (or the study file's redaction.deny), "
          "words wrongly replaced with --allow")
    return EXIT_OK
