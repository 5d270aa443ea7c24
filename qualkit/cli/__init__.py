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

What each command accepts is in :mod:`~qualkit.cli.parsers` (light: ``--help`` answers
at once); what it does, in one module per command group, imported only to run it:
:mod:`~qualkit.cli.analyze` (``analyze``, ``demo``: one pipeline),
:mod:`~qualkit.cli.exchange` (``import``), :mod:`~qualkit.cli.measure` (``agree``,
``evaluate``), :mod:`~qualkit.cli.codebook`, :mod:`~qualkit.cli.redact`.

Example
-------
>>> main(["--version"])                                  # doctest: +SKIP
0
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from importlib import import_module
from typing import Any

from qualkit.cli.parsers import (
    EPILOG,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USAGE,
    EXIT_WARNINGS,
    build_parser,
    say,
)
from qualkit.errors import QualkitError

__all__ = ["main", "build_parser", "mapping_path", "read_codings", "EPILOG", "EXIT_OK", "EXIT_WARNINGS",
           "EXIT_USAGE", "EXIT_INTERNAL", "_load_options", "_role_warnings"]

COMMANDS: dict[str, tuple[str, str]] = {
    "analyze": ("qualkit.cli.analyze", "cmd_analyze"), "demo": ("qualkit.cli.analyze", "cmd_demo"),
    "codebook": ("qualkit.cli.codebook", "cmd_codebook"), "import": ("qualkit.cli.exchange", "cmd_import"),
    "agree": ("qualkit.cli.measure", "cmd_agree"), "evaluate": ("qualkit.cli.measure", "cmd_evaluate"),
    "redact": ("qualkit.cli.redact", "cmd_redact")}
"""Each subcommand's function, as (module, name): a command module is imported only to run it."""

# names other modules and tests take from qualkit.cli, resolved when first used
_LAZY = {"mapping_path": "qualkit.cli._common", "read_codings": "qualkit.cli._common",
         "_load_options": "qualkit.cli.analyze", "_role_warnings": "qualkit.cli.analyze"}
_RENAMED = {"_load_options": "load_options", "_role_warnings": "role_warnings"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), _RENAMED.get(name, name))
    raise AttributeError(f"module 'qualkit.cli' has no attribute {name!r}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``qualkit`` command line; return the exit code (see the module docstring)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version, usage errors
        return int(stop.code or 0)
    try:
        module, function = COMMANDS[args.command]
        return getattr(import_module(module), function)(args)
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
