"""The ``qualkit`` command line: analyse a folder, run the demo, check a codebook,
import a REFI-QDA file, measure intercoder agreement.

Subcommands::

    qualkit analyze DATA --codebook FILE --out DIR [--unit turn|sentence]
                    [--language en|id] [--no-redact] [--include-interviewer]
    qualkit analyze --project FILE --out DIR [--language en|id] [--no-redact]
    qualkit demo [--out out/demo]
    qualkit codebook check FILE
    qualkit analyze DATA --codebook FILE --out DIR --codings CODINGS.csv [...] [--auto]
    qualkit import EXPORT [--corpus DATA] --out DIR [--format F] [--no-redact]
    qualkit agree CODINGS.csv [CODINGS.csv ...] [--unit passage|span] [--overlap 0.5]

Exit codes:

- 0: done;
- 1: done with warnings (files were skipped while loading), or ``codebook check`` failed;
- 2: usage error or bad input (the problem is printed as one message, no traceback);
- 3: unexpected internal error (a bug: please report it; set ``QUALKIT_DEBUG=1`` to see
  the traceback).

When ``analyze`` redacts personal data (the default), the re-identification mapping is
written OUTSIDE the output folder, beside it, as ``<out>.reidentification.csv``: keep it
apart from anything you share.

Example
-------
>>> main(["codebook", "check", "codebooks/migrant_care.yaml"])   # doctest: +SKIP
0
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
import traceback
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from typing import Any

from qualkit.errors import QualkitError

EXIT_OK, EXIT_WARNINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

EPILOG = """\
examples:
  qualkit demo --out out/demo
  qualkit analyze data/study --codebook codebooks/migrant_care.yaml --out out/study
  qualkit analyze data/study --codebook my.yaml --out out/s --unit sentence --language id
  qualkit analyze --project study.qkproj --out out/study
  qualkit codebook check codebooks/migrant_care.yaml
  qualkit import project.qdpx --out data/imported
  qualkit import highlights.csv --corpus data/study --out data/imported
  qualkit analyze data/imported --codebook data/imported/codebook.yaml --codings data/imported/codings.csv --out out/h
  qualkit agree coder_a.csv coder_b.csv --unit span --overlap 0.5

exit codes:
  0  done
  1  done with warnings (files skipped while loading), or `codebook check` failed
  2  usage error or bad input (one clear message, no traceback)
  3  unexpected internal error (a bug; QUALKIT_DEBUG=1 shows the traceback)

privacy:
  Outputs are redacted by default (names, NIK/KK, passport, phone, e-mail, addresses).
  The re-identification mapping goes beside the output folder, never inside it:
  <out>.reidentification.csv. --no-redact keeps personal data in every output.
"""


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors with exit code 2 and a hint to use --help."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``qualkit`` command."""
    parser = _Parser(
        prog="qualkit",
        description="Qualitative analysis from raw files to triangulated findings: load "
        "transcripts, field notes and case documents, code them with a codebook, and write "
        "tables, charts, a Word report, a spreadsheet and a REFI-QDA project.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from qualkit import __version__

    parser.add_argument("--version", action="version", version=f"qualkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    analyze = sub.add_parser("analyze", help="load a folder, code it, write every output",
                             epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    analyze.add_argument("data", metavar="DATA", help="folder (with manifest.csv/yaml) or one file")
    _add_analysis_options(analyze, codebook_required=True, default_out=None)
    _add_project_option(analyze)

    demo = sub.add_parser("demo", help="run the analysis on the bundled demo corpus",
                          epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_analysis_options(demo, codebook_required=False, default_out="out/demo")

    codebook = sub.add_parser("codebook", help="codebook tools")
    cb_sub = codebook.add_subparsers(dest="codebook_command", metavar="ACTION", parser_class=_Parser)
    cb_sub.required = True
    check = cb_sub.add_parser("check", help="validate a codebook and run its examples (exit 1 when not ok)")
    check.add_argument("file", metavar="FILE", help="codebook YAML file")
    check.add_argument("--corpus", metavar="DATA", help="also check the cues against this corpus (folder or "
                       "file): regex cues matching nothing, stems shared with unrelated frequent words")

    _add_import_parser(sub)
    _add_codings_options(analyze)

    agree = sub.add_parser("agree", help="intercoder agreement of codings tables")
    agree.add_argument("files", nargs="+", metavar="CODINGS.csv", help="codings tables (any number of coders)")
    agree.add_argument("--unit", choices=("passage", "span"), default="passage",
                       help="compare whole passages or character spans (default: passage)")
    agree.add_argument("--overlap", type=float, default=0.5,
                       help="span unit: share of overlap for two spans to agree (default 0.5)")
    return parser


def _add_import_parser(sub: Any) -> None:
    from qualkit.exchange import FORMATS

    imp = sub.add_parser("import", help="bring coding from another QDA tool (or a codebook) into a folder")
    imp.add_argument("file", metavar="EXPORT", help="a Taguette/MAXQDA/ATLAS.ti/CATMA export, a .qdpx project, "
                     "or a codebook (.qdc, Taguette codebook .csv)")
    imp.add_argument("--corpus", metavar="DATA", help="the coded documents (folder or file), matched by name")
    imp.add_argument("--out", required=True, metavar="DIR", help="output folder")
    imp.add_argument("--format", choices=FORMATS, help="the export format (default: told by the file)")
    imp.add_argument("--no-redact", action="store_true", help="keep personal data in the imported texts")


def _add_codings_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--codings", nargs="+", metavar="CODINGS.csv",
                   help="analyse these codings tables (human or imported) instead of auto-coding; DATA may "
                        "be a folder written by 'qualkit import'")
    p.add_argument("--auto", action="store_true", help="with --codings: add the codebook's auto-coding as coder 'auto'")


def _add_analysis_options(p: argparse.ArgumentParser, *, codebook_required: bool, default_out: str | None) -> None:
    p.add_argument("--codebook", required=codebook_required, metavar="FILE",
                   help="codebook YAML file" + ("" if codebook_required else " (default: the study codebook)"))
    p.add_argument("--out", required=default_out is None, default=default_out, metavar="DIR",
                   help="output folder" + (f" (default: {default_out})" if default_out else ""))
    p.add_argument("--unit", choices=("turn", "sentence"), default="turn",
                   help="passage unit to code (default: turn)")
    p.add_argument("--language", choices=("en", "id"), default="en",
                   help="language of generated text in tables and report (default: en)")
    p.add_argument("--no-redact", action="store_true",
                   help="keep personal data in the outputs (the report will carry a warning)")
    p.add_argument("--include-interviewer", action="store_true",
                   help="also count what interviewers say as evidence")
    _add_loading_options(p)


def _add_loading_options(p: argparse.ArgumentParser) -> None:
    """Options of :func:`qualkit.load_corpus`: speaker roles and what in the folder is data."""
    p.add_argument("--interviewer", metavar="LABELS",
                   help="';'-separated speaker labels that are the interviewer/moderator, for every "
                        "file (a manifest 'interviewer' column wins)")
    p.add_argument("--unlabelled-role", choices=("interviewer", "informant", "none"),
                   help="role of unlabelled paragraphs in transcripts with labelled turns "
                        "(default: informant when only interviewer labels occur)")
    p.add_argument("--prompts", metavar="REGEX|@FILE",
                   help="task-sheet/questionnaire prompts: a regular expression or @file of lines; "
                        "matching passages get role 'prompt' and are never evidence")
    p.add_argument("--all-files", action="store_true",
                   help="also load files the manifest does not list (with defaults)")
    p.add_argument("--follow-links", action="store_true",
                   help="read symbolic links and manifest rows that lead outside the data folder")


def _load_options(args: argparse.Namespace) -> dict[str, Any]:
    """Keyword arguments for :func:`qualkit.load_corpus` from the loading options."""
    return {"unit": args.unit, "interviewer": args.interviewer, "unlabelled_role": args.unlabelled_role,
            "prompts": args.prompts, "include_unlisted": args.all_files,
            "follow_links": args.follow_links}


def _role_warnings(corpus: Any) -> list[str]:
    """A line per transcript (a document with labelled turns, or an interview) that has no
    informant passage: its participant's speech would be missing from every table."""
    roles = corpus.roles_frame()
    with_informant = set(roles.loc[roles["role"] == "informant", "doc_id"])
    lines = []
    for doc in corpus.documents:
        labelled = any(p.speaker for p in corpus.passages_of(doc.id))
        if (labelled or doc.source_type == "interview") and doc.id not in with_informant:
            lines.append(f"{doc.id}: no informant passages (only interviewer, prompt or unlabelled "
                         "text); set the manifest's interviewer / unlabelled_role columns or "
                         "--interviewer / --unlabelled-role")
    return lines


def _add_project_option(p: argparse.ArgumentParser) -> None:
    """``analyze --project FILE``: DATA and --codebook become optional (checked in cmd_analyze)."""
    p.add_argument("--project", metavar="FILE",
                   help="analyse a coding project (file or postgresql:// URL): its corpus, its "
                        "current codebook and its ACCEPTED codings, instead of DATA and --codebook")
    for action in p._actions:  # argparse has no public way to relax an argument once added
        if action.dest == "data":
            action.nargs, action.default = "?", None
        elif action.dest == "codebook":
            action.required = False


# -- helpers -----------------------------------------------------------------------------
def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _progress(total: int, desc: str) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, file=sys.stderr, disable=None, leave=False,
                bar_format="{desc}: {n_fmt}/{total_fmt} {bar} {elapsed}")


def _existing(path: str, what: str) -> Path:
    p = Path(path)
    if not p.exists():
        raise QualkitError(f"no such {what}", path=str(p), hint=f"check the path of the {what}")
    return p


def mapping_path(out_dir: str | os.PathLike[str]) -> Path:
    """Where the re-identification mapping of an output folder goes: beside it.

    >>> mapping_path("out/demo").as_posix()
    'out/demo.reidentification.csv'
    """
    out = Path(out_dir)
    return out.with_name(out.name + ".reidentification.csv")


def repo_paths() -> tuple[Path, Path]:
    """The bundled demo corpus and study codebook (``data/demo``, ``codebooks/migrant_care.yaml``),
    looked up beside the package and in the current folder."""
    roots = [Path(__file__).resolve().parents[1], Path.cwd()]
    for root in roots:
        data, book = root / "data" / "demo", root / "codebooks" / "migrant_care.yaml"
        if data.is_dir() and book.is_file():
            return data, book
    raise QualkitError(
        "the demo corpus or study codebook was not found",
        path=str(roots[0] / "data" / "demo"),
        hint="run from a qualkit source checkout (with data/demo and codebooks/migrant_care.yaml)",
    )


# -- commands ----------------------------------------------------------------------------
def run_analysis(data: Path, codebook: Path, out: Path, args: argparse.Namespace) -> int:
    """load -> analyze -> write_outputs, with progress and a summary; returns the exit code."""
    import qualkit
    from qualkit.outputs import write_outputs

    bar = _progress(4, "qualkit")
    try:
        bar.set_description("loading codebook")
        book = qualkit.load_codebook(codebook)
        bar.update()
        bar.set_description("loading corpus")
        corpus = qualkit.load_corpus(data, **_load_options(args))
        bar.update()
        bar.set_description("coding and analysing")
        options: dict[str, Any] = {"redact": not args.no_redact, "language": args.language}
        if "include_interviewer" in inspect.signature(qualkit.analyze).parameters:
            options["include_interviewer"] = args.include_interviewer
        result = qualkit.analyze(corpus, book, **options)
        bar.update()
        bar.set_description("writing outputs")
        paths = write_outputs(result, out)
        bar.update()
    finally:
        bar.close()
    redactor = getattr(result, "redactor", None)
    mapping = None
    if result.redacted and redactor is not None and hasattr(redactor, "write_mapping"):
        mapping = mapping_path(out)
        redactor.write_mapping(mapping)

    print(f"qualkit: {len(corpus.documents)} documents, {len(corpus.passages)} passages, "
          f"{len(result.codings)} codings with {book.name} ({book.hash})")
    print(f"wrote {len(paths)} files to {out}:")
    for p in paths:
        print(f"  {p}")
    if mapping is not None:
        print(f"re-identification mapping (personal data, keep apart from the outputs): {mapping}")
    elif not result.redacted:
        _say("qualkit: warning: outputs were NOT redacted and contain personal data")
    skipped = [pr for pr in getattr(corpus, "problems", ()) if getattr(pr, "skipped", True)]
    notes = [pr for pr in getattr(corpus, "problems", ()) if not getattr(pr, "skipped", True)]
    left_out = [pr for pr in skipped if pr.by_rule]
    skipped = [pr for pr in skipped if not pr.by_rule]
    for pr in notes:
        _say(f"qualkit: note: {pr.path}: {pr.message}")
    for pr in left_out:
        _say(f"qualkit: note: {pr.path}: {pr.message}")
    for line in _role_warnings(corpus):
        _say(f"qualkit: warning: {line}")
    for pr in skipped:
        _say(f"qualkit: warning: skipped {pr.path}: {pr.message}")
    if skipped:
        _say(f"qualkit: finished with warnings: {len(skipped)} file(s) skipped")
        return EXIT_WARNINGS
    return EXIT_OK


def run_project_analysis(where: str, out: Path, args: argparse.Namespace) -> int:
    """``analyze --project``: the project's corpus, codebook and accepted codings -> outputs."""
    import qualkit
    from qualkit.outputs import write_outputs

    if not str(where).startswith(("postgresql:", "postgres:", "sqlite:")):
        _existing(where, "project file")
    with qualkit.open_project(where) as project:
        corpus, book = project.corpus(), project.codebook()
        codings = project.codings(status="accepted")
        if codings.empty:
            raise QualkitError("the project has no accepted codings to analyse", path=project.where,
                               hint="accept proposed codings (project.set_status) or code by hand first")
        imported = int((codings["method"] == "imported").sum())
        if imported:  # the codings table's methods are auto, manual and suggested
            raise QualkitError(f"{imported} accepted coding(s) have method 'imported', which the analysis "
                               "does not take yet", path=project.where,
                               hint="import codings with their own method column (e.g. method='manual')")
    if args.unit != corpus.unit:
        _say(f"qualkit: note: the project's passages are {corpus.unit}s; --unit {args.unit} is ignored")
    result = qualkit.analyze(corpus, book, codings=codings, redact=not args.no_redact,
                             language=args.language, include_interviewer=args.include_interviewer)
    paths = write_outputs(result, out)
    mapping = None
    if result.redacted and hasattr(getattr(result, "redactor", None), "write_mapping"):
        mapping = mapping_path(out)
        result.redactor.write_mapping(mapping)
    print(f"qualkit: project {project.where}: {len(corpus.documents)} documents, {len(codings)} "
          f"accepted codings by {codings['coder'].nunique()} coder(s) with {book.name} ({book.hash})")
    print(f"wrote {len(paths)} files to {out}:")
    for p in paths:
        print(f"  {p}")
    if mapping is not None:
        print(f"re-identification mapping (personal data, keep apart from the outputs): {mapping}")
    elif not result.redacted:
        _say("qualkit: warning: outputs were NOT redacted and contain personal data")
    return EXIT_OK


def cmd_analyze(args: argparse.Namespace) -> int:
    if args.project:
        if args.data or args.codebook:
            raise QualkitError("give either --project FILE or DATA with --codebook, not both",
                               hint="the project already holds its corpus and codebook")
        return run_project_analysis(args.project, Path(args.out), args)
    if args.data is None or args.codebook is None:
        raise QualkitError("analyze needs DATA and --codebook FILE (or --project FILE)",
                           hint="see qualkit analyze --help")
    if getattr(args, "codings", None):
        return analyze_codings(args)
    if getattr(args, "auto", False):
        raise QualkitError("--auto adds auto-coding to given codings", hint="give --codings FILE... with --auto")
    data = _existing(args.data, "data folder or file")
    codebook = _existing(args.codebook, "codebook file")
    return run_analysis(data, codebook, Path(args.out), args)


def cmd_demo(args: argparse.Namespace) -> int:
    data, book = repo_paths()
    codebook = _existing(args.codebook, "codebook file") if args.codebook else book
    return run_analysis(data, codebook, Path(args.out), args)


def cmd_codebook(args: argparse.Namespace) -> int:
    import qualkit

    check_codebook = import_module("qualkit.coding.check").check_codebook
    corpus = qualkit.load_corpus(_existing(args.corpus, "corpus")) if args.corpus else None
    report = check_codebook(qualkit.load_codebook(_existing(args.file, "codebook file")), corpus=corpus)
    print(report)
    return EXIT_OK if report.ok else EXIT_WARNINGS


def cmd_import(args: argparse.Namespace) -> int:
    import qualkit
    from qualkit.exchange import import_to_folder

    path = _existing(args.file, "export file")
    corpus = qualkit.load_corpus(_existing(args.corpus, "corpus folder or file")) if args.corpus else None
    paths = import_to_folder(path, Path(args.out), corpus=corpus, redact=not args.no_redact, format=args.format)
    print(f"wrote {len(paths)} files to {args.out}:")
    for p in paths:
        print(f"  {p}")
    report = Path(args.out) / "import_report.csv"
    if report in paths:
        import pandas as pd

        missed = len(pd.read_csv(report))
        if missed:
            _say(f"qualkit: warning: {missed} segment(s) could not be placed; see {report}")
            return EXIT_WARNINGS
    return EXIT_OK


def analyze_codings(args: argparse.Namespace) -> int:
    """``analyze --codings``: every table from the given codings (plus auto-coding with ``--auto``)."""
    import pandas as pd

    import qualkit
    from qualkit.exchange import read_folder
    from qualkit.outputs import write_outputs

    data = _existing(args.data, "data folder or file")
    book = qualkit.load_codebook(_existing(args.codebook, "codebook file"))
    if (data / "documents.csv").is_file() and (data / "passages.csv").is_file():
        corpus = read_folder(data)[0]
    else:
        corpus = qualkit.load_corpus(data, unit=args.unit)
    codings = read_codings(args.codings)
    if args.auto:
        codings = pd.concat([codings, qualkit.code(corpus, book)], ignore_index=True)
    result = qualkit.analyze(corpus, book, codings=codings, redact=not args.no_redact, language=args.language)
    paths = write_outputs(result, Path(args.out))
    redactor = getattr(result, "redactor", None)
    if result.redacted and redactor is not None and hasattr(redactor, "write_mapping"):
        redactor.write_mapping(mapping_path(args.out))
        print(f"re-identification mapping (personal data, keep apart from the outputs): {mapping_path(args.out)}")
    print(f"qualkit: {len(corpus.documents)} documents, {len(corpus.passages)} passages, "
          f"{len(codings)} codings from {len(args.codings)} file(s){' and auto-coding' if args.auto else ''}")
    print(f"wrote {len(paths)} files to {args.out}:")
    for p in paths:
        print(f"  {p}")
    return EXIT_OK


def read_codings(paths: Sequence[str]) -> Any:
    """Read and concatenate codings CSV files (validated) into one codings table."""
    import pandas as pd

    from qualkit.coding.frame import validate_codings

    frames = []
    for name in paths:
        path = _existing(name, "codings file")
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


def cmd_agree(args: argparse.Namespace) -> int:
    if not 0 < args.overlap <= 1:
        raise QualkitError(f"--overlap must be in (0, 1]; got {args.overlap}",
                           hint="give the share of the shorter span that must overlap, e.g. 0.5")
    codings = read_codings(args.files)
    agreement = import_module("qualkit.agreement").agreement
    table = agreement(codings, unit=args.unit, overlap=args.overlap)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return EXIT_OK


COMMANDS = {"analyze": cmd_analyze, "demo": cmd_demo, "codebook": cmd_codebook,
            "import": cmd_import, "agree": cmd_agree}


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
        message = str(err).rstrip()
        _say(f"qualkit: error: {message}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        _say("qualkit: interrupted")
        return 130
    except BrokenPipeError:  # the reader closed stdout early (``qualkit ... | head``)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes at exit
        return EXIT_OK
    except Exception as err:  # noqa: BLE001 - the last line of defence
        if os.environ.get("QUALKIT_DEBUG"):
            traceback.print_exc()
        _say(f"qualkit: internal error: {type(err).__name__}: {err}. This is a bug in qualkit: "
             "please report it with the command you ran (QUALKIT_DEBUG=1 shows the traceback).")
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
