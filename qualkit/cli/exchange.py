"""``qualkit import EXPORT``: bring another QDA tool's coding (or a codebook) into a folder."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from qualkit.cli._common import EXIT_OK, EXIT_WARNINGS, existing, say
from qualkit.exchange import import_to_folder
from qualkit.loading import load_corpus


def cmd_import(args: argparse.Namespace) -> int:
    """Write the imported folder; exit 1 when segments could not be placed."""
    path = existing(args.file, "export file")
    corpus = load_corpus(existing(args.corpus, "corpus folder or file")) if args.corpus else None
    out = Path(args.out)
    groups = existing(args.code_groups, "code groups file") if args.code_groups else None
    paths = import_to_folder(path, out, corpus=corpus, redact=not args.no_redact, format=args.format,
                             code_groups=groups, document_groups_as=args.document_groups_as)
    inside = [p for p in paths if out in Path(p).parents]
    print(f"wrote {len(inside)} files to {out}:")
    for p in inside:
        print(f"  {p}")
    for p in paths:
        if p not in inside:
            print(f"re-identification mapping (personal data, keep apart from the outputs): {p}")
    report = Path(args.out) / "import_report.csv"
    if report in paths:
        missed = len(pd.read_csv(report))
        if missed:
            say(f"qualkit: warning: {missed} segment(s) could not be placed; see {report}")
            return EXIT_WARNINGS
    return EXIT_OK
