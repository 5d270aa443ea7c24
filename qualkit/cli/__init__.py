"""The ``qualkit`` command line: analyse a folder, run the demo, check a codebook,
import a REFI-QDA file, measure intercoder agreement.

Subcommands::

    qualkit analyze DATA [--codebook FILE] --out DIR [--study FILE] [--unit turn|sentence]
                    [--language en|id] [--no-redact] [--include-interviewer] [--human-only] [--force]
    qualkit analyze --project FILE --out DIR [--language en|id] [--no-redact]
    qualkit redact DATA --preview [--deny NAME ...] [--allow NAME ...]
    qualkit demo [--study NAME] [--out out/demo]
    qualkit codebook check FILE
    qualkit analyze DATA --codebook FILE --out DIR --codings CODINGS.csv [...] [--auto]
    qualkit import EXPORT [--corpus DATA] --out DIR [--format F] [--no-redact]
    qualkit agree CODINGS.csv [CODINGS.csv ...] [--unit passage|character|matched_span]
                  [--data DIR] [--overlap 0.5] [--bootstrap N]
    qualkit evaluate REF.csv PRED.csv [--unit passage|character] [--data DIR] [--bootstrap N]

Exit codes:

- 0: done;
- 1: done with warnings (files were skipped while loading), or ``codebook check`` failed;
- 2: usage error or bad input (the problem is printed as one message, no traceback);
- 3: unexpected internal error (a bug: please report it; set ``QUALKIT_DEBUG=1`` to see
  the traceback).

When ``analyze`` redacts personal data (the default), the re-identification mapping is
written OUTSIDE the output folder, beside it, as ``<out>.reidentification.csv``: keep it
apart from anything you share. A run is one transaction (see
:func:`qualkit.outputs.write.write_outputs`); the output folder is checked before loading.

One module per command group: :mod:`~qualkit.cli.analyze` (``analyze``, ``demo``: one
pipeline), :mod:`~qualkit.cli.exchange` (``import``), :mod:`~qualkit.cli.measure`
(``agree``, ``evaluate``), :mod:`~qualkit.cli.codebook`, :mod:`~qualkit.cli.redact`.

Example
-------
>>> main(["--version"])                                  # doctest: +SKIP
0
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence

from qualkit import __version__
from qualkit.cli import analyze, codebook, exchange, measure, redact
from qualkit.cli._common import EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, EXIT_WARNINGS, Parser, mapping_path, read_codings, say
from qualkit.cli.analyze import load_options as _load_options
from qualkit.cli.analyze import role_warnings as _role_warnings
from qualkit.errors import QualkitError

__all__ = ["main", "build_parser", "mapping_path", "read_codings", "EXIT_OK", "EXIT_WARNINGS", "EXIT_USAGE",
           "EXIT_INTERNAL", "_load_options", "_role_warnings"]

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



COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "analyze": analyze.cmd_analyze, "demo": analyze.cmd_demo, "codebook": codebook.cmd_codebook,
    "import": exchange.cmd_import, "agree": measure.cmd_agree, "redact": redact.cmd_redact,
    "evaluate": measure.cmd_evaluate}


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
    analyze.add_parsers(sub, EPILOG)
    redact.add_parsers(sub, EPILOG)
    codebook.add_parsers(sub)
    exchange.add_parsers(sub)
    measure.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``qualkit`` command line; return the exit code (see the module docstring)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version, usage errors
        return int(stop.code or 0)
    try:
        return COMMANDS[args.command](args)
    except QualkitError as err:
        say(f"qualkit: error: {str(err).rstrip()}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        say("qualkit: interrupted")
        return 130
    except BrokenPipeError:  # the reader closed stdout early (``qualkit ... | head``)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes at exit
        return EXIT_OK
    except Exception as err:  # noqa: BLE001 - the last line of defence
        if os.environ.get("QUALKIT_DEBUG"):
            traceback.print_exc()
        say(f"qualkit: internal error: {type(err).__name__}: {err}. This is a bug in qualkit: "
            "please report it with the command you ran (QUALKIT_DEBUG=1 shows the traceback).")
        return EXIT_INTERNAL
