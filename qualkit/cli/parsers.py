"""What the ``qualkit`` command accepts and how it answers: the argument parser of every
subcommand, the exit codes, and messages on stderr.

Kept apart from what the commands do (:mod:`qualkit.cli.analyze` and the other command
modules), and importing nothing but :mod:`argparse`, so that ``qualkit --help`` and a
usage error answer at once instead of after loading pandas, matplotlib and the rest.

>>> build_parser().parse_args(["demo"]).out
'out/demo'
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from qualkit import __version__

EXIT_OK, EXIT_WARNINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
"""Exit codes: done; done with warnings; usage error or bad input; a bug."""


def say(message: str) -> None:
    """Print a note, warning or error for the user on stderr."""
    print(message, file=sys.stderr)


class Parser(argparse.ArgumentParser):
    """argparse that reports usage errors with exit code 2 and a hint to use --help."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")

EPILOG = """\
examples:
  qualkit demo --out out/demo
  qualkit demo --study implementation --out out/implementation
  qualkit analyze data/study --codebook codebooks/migrant_care.yaml --out out/study
  qualkit analyze data/study --codebook my.yaml --out out/s --unit sentence --language id
  qualkit analyze --project study.qkproj --out out/study
  qualkit redact data/study --preview
  qualkit codebook check codebooks/migrant_care.yaml
  qualkit import project.qdpx --out data/imported
  qualkit import highlights.csv --corpus data/study --out data/imported
  qualkit analyze data/imported --codebook data/imported/codebook.yaml --codings data/imported/codings.csv --out out/h
  qualkit agree coder_a.csv coder_b.csv --unit character --data data/study
  qualkit evaluate person.csv auto.csv --data data/study

exit codes:
  0  done
  1  done with warnings (files skipped while loading), or `codebook check` failed
  2  usage error or bad input (one clear message, no traceback)
  3  unexpected internal error (a bug; QUALKIT_DEBUG=1 shows the traceback)

privacy:
  Outputs are redacted by default (names, NIK/KK, passport, phone, e-mail, addresses).
  The re-identification mapping goes beside the output folder, never inside it:
  <out>.reidentification.csv. --no-redact keeps personal data in every output.
  `qualkit redact DATA --preview` lists what would be replaced, before any output.
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``qualkit`` command.

    >>> build_parser().parse_args(["agree", "a.csv", "b.csv"]).unit
    'passage'
    """
    parser = Parser(
        prog="qualkit",
        description="Qualitative analysis from raw files to triangulated findings: load "
        "transcripts, field notes and case documents, code them with a codebook, and write "
        "tables, charts, a Word report, a spreadsheet and a REFI-QDA project.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"qualkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    _analysis(sub, EPILOG)
    _redact(sub, EPILOG)
    _codebook(sub)
    _exchange(sub)
    _measure(sub)
    return parser


def _analysis(sub: Any, epilog: str) -> None:
    """Add ``analyze`` and ``demo`` to the subcommands."""
    formatting = {"epilog": epilog, "formatter_class": argparse.RawDescriptionHelpFormatter}
    run = sub.add_parser("analyze", help="load a folder, code it, write every output", **formatting)
    run.add_argument("data", metavar="DATA", nargs="?", default=None,
                     help="folder (with manifest.csv/yaml) or one file")
    _add_analysis_options(run, default_out=None)
    run.add_argument("--study", metavar="FILE",
                     help="study design file (default: study.yaml in the data folder, if any)")
    run.add_argument("--project", metavar="FILE",
                     help="analyse a coding project (file or postgresql:// URL): its corpus, its "
                          "current codebook and its ACCEPTED codings, instead of DATA and --codebook")
    run.add_argument("--codings", nargs="+", metavar="CODINGS.csv",
                     help="analyse these codings tables (human or imported) instead of auto-coding; DATA may "
                          "be a folder written by 'qualkit import'")
    run.add_argument("--auto", action="store_true",
                     help="with --codings: add the codebook's auto-coding as coder 'auto'")
    demo = sub.add_parser("demo", help="run the analysis on the bundled demo corpus", **formatting)
    _add_analysis_options(demo, default_out="out/demo")
    demo.add_argument("--study", metavar="NAME", default="demo",
                      help="bundled example to run: a folder under data/ with a study.yaml "
                           "(default: demo, the migrant-care study)")


def _add_analysis_options(p: argparse.ArgumentParser, *, default_out: str | None) -> None:
    p.add_argument("--codebook", metavar="FILE", help="codebook YAML file (default: the 'codebook:' of the study file)")
    p.add_argument("--out", required=default_out is None, default=default_out, metavar="DIR",
                   help="output folder" + (f" (default: {default_out})" if default_out else ""))
    p.add_argument("--unit", choices=("turn", "sentence"), default="turn", help="passage unit to code (default: turn)")
    p.add_argument("--language", choices=("en", "id"), default=None,
                   help="language of generated text in tables and report "
                        "(default: the study's output_language, else en)")
    p.add_argument("--human-only", action="store_true", help="triangulate on evidence a person coded or verified only")
    p.add_argument("--no-redact", action="store_true",
                   help="keep personal data in the outputs (the report will carry a warning)")
    p.add_argument("--include-interviewer", action="store_true", help="also count what interviewers say as evidence")
    p.add_argument("--force", action="store_true",
                   help="replace an output folder that holds files no qualkit run wrote "
                   "(they are kept beside it as <out>.replaced-<time>)")
    p.add_argument("--interviewer", metavar="LABELS",
                   help="';'-separated speaker labels that are the interviewer/moderator, for every "
                        "file (a manifest 'interviewer' column wins)")
    p.add_argument("--unlabelled-role", choices=("interviewer", "informant", "none"),
                   help="role of unlabelled paragraphs in transcripts with labelled turns "
                        "(default: informant when only interviewer labels occur)")
    p.add_argument("--prompts", metavar="REGEX|@FILE",
                   help="task-sheet/questionnaire prompts: a regular expression or @file of lines; "
                        "matching passages get role 'prompt' and are never evidence")
    p.add_argument("--all-files", action="store_true", help="also load files the manifest does not list (with defaults)")
    p.add_argument("--follow-links", action="store_true",
                   help="read symbolic links and manifest rows that lead outside the data folder")


def _redact(sub: Any, epilog: str) -> None:
    """Add ``redact`` to the subcommands."""
    red = sub.add_parser("redact", help="review what redaction would replace (--preview)",
                         epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter)
    red.add_argument("data", metavar="DATA", help="folder (with manifest.csv/yaml) or one file")
    red.add_argument("--preview", action="store_true", required=True,
                     help="list what would be replaced (kind, count, context); writes nothing")
    red.add_argument("--deny", nargs="*", default=[], metavar="NAME", help="names to replace too")
    red.add_argument("--allow", nargs="*", default=[], metavar="WORD", help="words never replaced as names")
    red.add_argument("--unit", choices=("turn", "sentence"), default="turn", help=argparse.SUPPRESS)


def _codebook(sub: Any) -> None:
    """Add ``codebook check`` to the subcommands."""
    codebook = sub.add_parser("codebook", help="codebook tools")
    actions = codebook.add_subparsers(dest="codebook_command", metavar="ACTION", parser_class=Parser)
    actions.required = True
    check = actions.add_parser("check", help="validate a codebook and run its examples (exit 1 when not ok)")
    check.add_argument("file", metavar="FILE", help="codebook YAML file")
    check.add_argument("--corpus", metavar="DATA", help="also check the cues against this corpus (folder or "
                       "file): regex cues matching nothing, stems shared with unrelated frequent words")


def _exchange(sub: Any) -> None:
    """Add ``import`` to the subcommands."""
    imp = sub.add_parser("import", help="bring coding from another QDA tool (or a codebook) into a folder")
    imp.add_argument("file", metavar="EXPORT", help="a Taguette/MAXQDA/ATLAS.ti/CATMA export, a .qdpx project, "
                     "or a codebook (.qdc, Taguette codebook .csv)")
    imp.add_argument("--corpus", metavar="DATA", help="the coded documents (folder or file), matched by name")
    imp.add_argument("--out", required=True, metavar="DIR", help="output folder")
    imp.add_argument("--format", metavar="FORMAT", help="the export format, e.g. maxqda-mex, atlasti-table or "
                     "refi-qdpx (default: told by the file; a wrong name lists them all)")
    imp.add_argument("--no-redact", action="store_true", help="keep personal data in the imported texts")
    imp.add_argument("--code-groups", metavar="FILE", help="ATLAS.ti codebook export or Code Manager list: "
                     "its codes join the codebook, each with its code group as the facet 'group'")
    imp.add_argument("--document-groups-as", choices=("informant_group", "case_id"),
                     help="also use each document's group (MAXQDA, REFI-QDA sets) as its informant group or case")


def _measure(sub: Any) -> None:
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
