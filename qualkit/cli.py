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

Example
-------
>>> main(["codebook", "check", "codebooks/migrant_care.yaml"])   # doctest: +SKIP
0
"""

from __future__ import annotations

import argparse
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
    _add_analysis_options(analyze, codebook_required=False, default_out=None)
    analyze.add_argument("--study", metavar="FILE",
                         help="study design file (default: study.yaml in the data folder, if any)")
    _add_project_option(analyze)
    _add_output_options(analyze)

    demo = sub.add_parser("demo", help="run the analysis on the bundled demo corpus",
                          epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_analysis_options(demo, codebook_required=False, default_out="out/demo")
    demo.add_argument("--study", metavar="NAME", default="demo",
                      help="bundled example to run: a folder under data/ with a study.yaml "
                           "(default: demo, the migrant-care study)")
    _add_output_options(demo)
    _add_redact_parser(sub)

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
    agree.add_argument("--unit", choices=("passage", "character", "matched_span"), default="passage",
                       help="compare whole passages, characters (needs --data), or matched spans "
                            "(diagnostic: kappa <= 0 by construction) (default: passage)")
    agree.add_argument("--overlap", type=float, default=0.5,
                       help="matched_span unit: share of overlap for two spans to agree (default 0.5)")
    _add_evaluation_options(agree)
    _add_evaluate_parser(sub)
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


def _add_evaluation_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", metavar="DIR", help="the folder the codings were made on: its passages "
                   "bound the units, and uncoded text counts (required for --unit character)")
    p.add_argument("--passage-unit", choices=("turn", "sentence"), default="turn",
                   help="passage unit the codings were made on, when --data is given (default: turn)")
    p.add_argument("--bootstrap", type=int, default=0, help="bootstrap resamples for 95%% intervals")


def _add_evaluate_parser(sub: Any) -> None:
    ev = sub.add_parser("evaluate", help="precision, recall, F1 and kappa of PRED against REF, per code")
    ev.add_argument("reference", metavar="REF.csv", help="reference codings table (e.g. a person's)")
    ev.add_argument("predicted", metavar="PRED.csv", help="predicted codings table (e.g. the auto-coder's)")
    ev.add_argument("--unit", choices=("passage", "character"), default="passage",
                    help="passages coded or not, or characters inside evidence spans (needs --data)")
    _add_evaluation_options(ev)
    ev.set_defaults(bootstrap=1000)


def _add_analysis_options(p: argparse.ArgumentParser, *, codebook_required: bool, default_out: str | None) -> None:
    p.add_argument("--codebook", required=codebook_required, metavar="FILE",
                   help="codebook YAML file" + ("" if codebook_required else
                                                " (default: the 'codebook:' of the study file)"))
    p.add_argument("--out", required=default_out is None, default=default_out, metavar="DIR",
                   help="output folder" + (f" (default: {default_out})" if default_out else ""))
    p.add_argument("--unit", choices=("turn", "sentence"), default="turn",
                   help="passage unit to code (default: turn)")
    p.add_argument("--language", choices=("en", "id"), default=None,
                   help="language of generated text in tables and report "
                        "(default: the study's output_language, else en)")
    p.add_argument("--human-only", action="store_true",
                   help="triangulate on evidence a person coded or verified only")
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


def _add_output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--force", action="store_true",
                   help="replace an output folder that holds files no qualkit run wrote "
                   "(they are kept beside it as <out>.replaced-<time>)")


def _add_redact_parser(sub: Any) -> None:
    red = sub.add_parser("redact", help="review what redaction would replace (--preview)",
                         epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    red.add_argument("data", metavar="DATA", help="folder (with manifest.csv/yaml) or one file")
    red.add_argument("--preview", action="store_true", required=True,
                     help="list what would be replaced (kind, count, context); writes nothing")
    red.add_argument("--deny", nargs="*", default=[], metavar="NAME", help="names to replace too")
    red.add_argument("--allow", nargs="*", default=[], metavar="WORD", help="words never replaced as names")
    red.add_argument("--unit", choices=("turn", "sentence"), default="turn", help=argparse.SUPPRESS)


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
    """Where the re-identification mapping of an output folder goes: beside it
    (:func:`qualkit.outputs.write.mapping_path`; resolved, so ``--out .`` is no exception)."""
    where = import_module("qualkit.outputs.write").mapping_path
    return where(out_dir)


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
def run_analysis(data: Path, codebook: Path, out: Path, args: argparse.Namespace,
                 study: Any = None) -> int:
    """load -> analyze -> write_outputs, with progress and a summary; returns the exit code.
    ``study`` is the study design (:class:`qualkit.study.Study`) or None."""
    import qualkit
    from qualkit.outputs import check_output_dir, mapping_path, write_outputs

    out = check_output_dir(out, data=data, force=getattr(args, "force", False))  # before any work
    mapping = mapping_path(out) if not args.no_redact else None
    bar = _progress(4, "qualkit")
    try:
        bar.set_description("loading codebook")
        book = qualkit.load_codebook(codebook)
        bar.update()
        bar.set_description("loading corpus")
        corpus = qualkit.load_corpus(data, **_load_options(args))
        bar.update()
        bar.set_description("coding and analysing")
        options: dict[str, Any] = {"redact": not args.no_redact, "language": args.language,
                                   "study": study, "human_only": True if args.human_only else None}
        if mapping is not None and mapping.is_file():  # people keep their pseudonyms across runs
            options["previous_mapping"] = mapping
        options["include_interviewer"] = args.include_interviewer
        result = qualkit.analyze(corpus, book, **options)
        bar.update()
        bar.set_description("writing outputs")
        paths = write_outputs(result, out, mapping=mapping, data=data, force=getattr(args, "force", False))
        bar.update()
    finally:
        bar.close()
    if not result.redacted:
        mapping = None

    print(f"qualkit: {len(corpus.documents)} documents, {len(corpus.passages)} passages, "
          f"{len(result.codings)} codings with {book.name} ({book.hash})")
    print(f"wrote {len(paths)} files to {out}:")
    for p in paths:
        print(f"  {p}")
    if mapping is not None:
        print(f"re-identification mapping (personal data, keep apart from the outputs): {mapping}")
    elif not result.redacted:
        _say("qualkit: warning: outputs were NOT redacted and contain personal data")
    skipped = [pr for pr in getattr(corpus, "problems", ()) if getattr(pr, "skipped", True)
               and not _is_study_file(pr.path)]
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


def study_and_codebook(study_file: Path | None, codebook: str | None) -> tuple[Any, Path]:
    """The study design (None without a file) and the codebook to use: ``--codebook``,
    else the study file's ``codebook:``."""
    from qualkit.study import codebook_path, load_study

    study = load_study(study_file) if study_file is not None else None
    if codebook:
        return study, _existing(codebook, "codebook file")
    declared = codebook_path(study) if study is not None else None
    if declared is None:
        raise QualkitError("no codebook given", path=str(study_file) if study_file else None,
                           hint="pass --codebook FILE, or add 'codebook: path/to/codebook.yaml' to the study file")
    return study, _existing(str(declared), "codebook file (named in the study file)")


def _is_study_file(path: str) -> bool:
    """True for the study design file at the top of a data folder: the loader reports it
    as an unsupported file, but it is not a source (to drop once the loader skips it)."""
    from qualkit.study import STUDY_FILE

    return str(path).casefold() == STUDY_FILE


def cmd_analyze(args: argparse.Namespace) -> int:
    from qualkit.study import find_study

    if args.project:
        if args.data or args.codebook:
            raise QualkitError("give either --project FILE or DATA with --codebook, not both",
                               hint="the project already holds its corpus and codebook")
        return run_project_analysis(args.project, Path(args.out), args)
    if args.data is None:
        raise QualkitError("analyze needs DATA (or --project FILE)", hint="see qualkit analyze --help")
    if getattr(args, "codings", None):
        return analyze_codings(args)
    if getattr(args, "auto", False):
        raise QualkitError("--auto adds auto-coding to given codings", hint="give --codings FILE... with --auto")
    data = _existing(args.data, "data folder or file")
    study_file = _existing(args.study, "study file") if args.study else find_study(data)
    study, codebook = study_and_codebook(study_file, args.codebook)
    return run_analysis(data, codebook, Path(args.out), args, study)


def example_paths(name: str) -> tuple[Path, Path | None]:
    """A bundled example: ``data/<name>`` and its ``study.yaml`` (None when it has none),
    looked up beside the package and in the current folder."""
    roots = [Path(__file__).resolve().parents[1], Path.cwd()]
    for root in roots:
        folder = root / "data" / name
        if folder.is_dir():
            study = folder / "study.yaml"
            return folder, study if study.is_file() else None
    found = sorted(p.name for root in roots if (root / "data").is_dir()
                   for p in (root / "data").iterdir() if (p / "study.yaml").is_file())
    raise QualkitError(f"no bundled example named {name!r}", path=str(roots[0] / "data" / name),
                       hint=f"use one of {found}" if found else "run from a qualkit source checkout")


def cmd_demo(args: argparse.Namespace) -> int:
    if args.study == "demo" and not args.codebook:
        data, book = repo_paths()
        study_file = data / "study.yaml"
        study, _ = study_and_codebook(study_file if study_file.is_file() else None, str(book))
        return run_analysis(data, book, Path(args.out), args, study)
    data, study_file = example_paths(args.study)
    study, codebook = study_and_codebook(study_file, args.codebook)
    return run_analysis(data, codebook, Path(args.out), args, study)


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
    corpus = _evaluation_corpus(args)
    table = agreement(codings, unit=args.unit, overlap=args.overlap, passages=corpus,
                      bootstrap=args.bootstrap)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return EXIT_OK


def _evaluation_corpus(args: argparse.Namespace) -> Any:
    if args.data is None:
        if args.unit == "character":
            raise QualkitError("--unit character needs --data DIR (the texts the codings were made on)",
                               hint="add --data with the folder you coded")
        return None
    return import_module("qualkit.loading").load_corpus(_existing(args.data, "data folder"),
                                                        unit=args.passage_unit)


def cmd_evaluate(args: argparse.Namespace) -> int:
    """``qualkit evaluate REF.csv PRED.csv``: the :func:`qualkit.evaluate` table."""
    reference, predicted = read_codings([args.reference]), read_codings([args.predicted])
    evaluate = import_module("qualkit.evaluation").evaluate
    table = evaluate(reference, predicted, unit=args.unit, passages=_evaluation_corpus(args),
                     bootstrap=args.bootstrap)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return EXIT_OK


def cmd_redact(args: argparse.Namespace) -> int:
    """``qualkit redact DATA --preview``: what a run would replace, on screen only."""
    import qualkit
    from qualkit.privacy import Redactor

    corpus = qualkit.load_corpus(_existing(args.data, "data folder or file"), unit=args.unit)
    table = Redactor(deny=args.deny, allow=args.allow).preview(corpus)
    print(f"qualkit: {len(corpus.documents)} documents; {int(table['count'].sum()) if len(table) else 0} "
          f"replacements of {len(table)} distinct values (ORIGINALS SHOWN: do not share this screen)")
    with pd_options():
        print(table.to_string(index=False) if len(table) else "nothing to replace")
    print("add missed names with --deny (or the study file's redaction.deny), "
          "words wrongly replaced with --allow")
    return EXIT_OK


def pd_options() -> Any:
    """pandas display options for a wide preview table."""
    import pandas as pd

    return pd.option_context("display.max_rows", None, "display.max_colwidth", 70, "display.width", 200)


COMMANDS = {"analyze": cmd_analyze, "demo": cmd_demo, "codebook": cmd_codebook,
            "import": cmd_import, "agree": cmd_agree, "redact": cmd_redact, "evaluate": cmd_evaluate}


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
