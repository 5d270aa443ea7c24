"""``qualkit analyze`` and ``qualkit demo``: inputs -> :func:`qualkit.analyze` -> every output.

Four ways in, one pipeline (:func:`run_pipeline`): a data folder auto-coded with a
codebook (``analyze DATA``), a bundled example (``demo``), a coding project's accepted
codings (``analyze --project``) and given codings tables (``analyze DATA --codings``).
Each only says how to load its :class:`Inputs`; the output folder check (before any
work), the previous re-identification mapping, the study design, the summary and the
exit code are the same for all.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from qualkit.analysis import analyze
from qualkit.cli._common import EXIT_OK, EXIT_WARNINGS, existing, read_codings, say
from qualkit.codebook.io import load_codebook
from qualkit.codebook.model import Codebook
from qualkit.coding.auto import code
from qualkit.corpus import Corpus
from qualkit.errors import QualkitError
from qualkit.exchange import read_folder
from qualkit.loading import load_corpus
from qualkit.outputs.write import check_output_dir, mapping_path, write_outputs
from qualkit.project import open_project
from qualkit.study import STUDY_FILE, Study, codebook_path, find_study, load_study

PACKAGE_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Inputs:
    """What one run analyses: the corpus, the codebook, the codings (None: auto-code)
    and the first summary line, given the codings the analysis used."""

    corpus: Corpus
    codebook: Codebook
    codings: pd.DataFrame | None
    summary: Callable[[pd.DataFrame], str]


def load_options(args: argparse.Namespace) -> dict[str, Any]:
    """Keyword arguments for :func:`qualkit.load_corpus` from the loading options."""
    return {"unit": args.unit, "interviewer": args.interviewer, "unlabelled_role": args.unlabelled_role,
            "prompts": args.prompts, "include_unlisted": args.all_files, "follow_links": args.follow_links}


def role_warnings(corpus: Corpus) -> list[str]:
    """A line per transcript (a document with labelled turns, or an interview) that has no
    informant passage: its participant's speech would be missing from every table."""
    roles = corpus.roles_frame()
    with_informant = set(roles.loc[roles["role"] == "informant", "doc_id"])
    return [f"{doc.id}: no informant passages (only interviewer, prompt or unlabelled text); set the "
            "manifest's interviewer / unlabelled_role columns or --interviewer / --unlabelled-role"
            for doc in corpus.documents
            if (doc.source_type == "interview" or any(p.speaker for p in corpus.passages_of(doc.id)))
            and doc.id not in with_informant]


# -- the pipeline ----------------------------------------------------------------------
def run_pipeline(load: Callable[[], Inputs], out: Path, args: argparse.Namespace, *,
                 data: Path | None = None, study: Study | None = None) -> int:
    """Check ``out`` -> ``load()`` -> analyse -> write every output -> summary; the exit code."""
    out = check_output_dir(out, data=data, force=args.force)  # before any work
    mapping = mapping_path(out) if not args.no_redact else None
    bar = tqdm(total=3, desc="loading", file=None, disable=None, leave=False,
               bar_format="{desc}: {n_fmt}/{total_fmt} {bar} {elapsed}")
    try:
        inputs = load()
        bar.update()
        bar.set_description("coding and analysing")
        result = analyze(inputs.corpus, inputs.codebook, codings=inputs.codings, redact=not args.no_redact,
                         language=args.language, study=study, human_only=True if args.human_only else None,
                         include_interviewer=args.include_interviewer,
                         previous_mapping=mapping if mapping is not None and mapping.is_file() else None)
        bar.update()
        bar.set_description("writing outputs")
        paths = write_outputs(result, out, mapping=mapping, data=data, force=args.force)
        bar.update()
    finally:
        bar.close()
    print(inputs.summary(result.codings))
    print(f"wrote {len(paths)} files to {out}:")
    for p in paths:
        print(f"  {p}")
    if result.redacted and mapping is not None:
        print(f"re-identification mapping (personal data, keep apart from the outputs): {mapping}")
    elif not result.redacted:
        say("qualkit: warning: outputs were NOT redacted and contain personal data")
    return _report_problems(inputs.corpus)


def _report_problems(corpus: Corpus) -> int:
    """Print the loader's notes and warnings; EXIT_WARNINGS when files were skipped."""
    skipped = [pr for pr in corpus.problems if pr.skipped]
    for pr in corpus.problems:
        if not pr.skipped or pr.by_rule:
            say(f"qualkit: note: {pr.path}: {pr.message}")
    for line in role_warnings(corpus):
        say(f"qualkit: warning: {line}")
    skipped = [pr for pr in skipped if not pr.by_rule]
    for pr in skipped:
        say(f"qualkit: warning: skipped {pr.path}: {pr.message}")
    if skipped:
        say(f"qualkit: finished with warnings: {len(skipped)} file(s) skipped")
        return EXIT_WARNINGS
    return EXIT_OK


# -- the four ways in ------------------------------------------------------------------
def study_and_codebook(study_file: Path | None, codebook: str | None) -> tuple[Study | None, Path]:
    """The study design (None without a file) and the codebook to use: ``--codebook``,
    else the study file's ``codebook:``."""
    study = load_study(study_file) if study_file is not None else None
    if codebook:
        return study, existing(codebook, "codebook file")
    declared = codebook_path(study) if study is not None else None
    if declared is None:
        raise QualkitError("no codebook given", path=str(study_file) if study_file else None,
                           hint="pass --codebook FILE, or add 'codebook: path/to/codebook.yaml' to the study file")
    return study, existing(str(declared), "codebook file (named in the study file)")


def _folder_inputs(data: Path, codebook: Path, args: argparse.Namespace, *,
                   codings: list[str] | None = None, auto: bool = False) -> Callable[[], Inputs]:
    """Load DATA and auto-code it, or take the ``codings`` tables (plus auto-coding with
    ``auto``); with codings, a folder written by ``qualkit import`` is read as it is."""
    def load() -> Inputs:
        book = load_codebook(codebook)
        imported = (data / "documents.csv").is_file() and (data / "passages.csv").is_file()
        corpus = read_folder(data)[0] if imported and codings else load_corpus(data, **load_options(args))
        given = read_codings(codings) if codings else None
        if given is not None and auto:
            given = pd.concat([given, code(corpus, book)], ignore_index=True)
        source = f" from {len(codings)} file(s){' and auto-coding' if auto else ''}" if codings else ""
        return Inputs(corpus, book, given, lambda used: (
            f"qualkit: {len(corpus.documents)} documents, {len(corpus.passages)} passages, "
            f"{len(used)} codings{source} with {book.name} ({book.hash})"))
    return load


def _project_inputs(where: str, args: argparse.Namespace) -> Callable[[], Inputs]:
    """The project's corpus, current codebook and accepted codings."""
    def load() -> Inputs:
        with open_project(where) as project:
            corpus, book = project.corpus(), project.codebook()
            codings = project.codings(status="accepted")
        if codings.empty:
            raise QualkitError("the project has no accepted codings to analyse", path=str(where),
                               hint="accept proposed codings (project.set_status) or code by hand first")
        if args.unit != corpus.unit:
            say(f"qualkit: note: the project's passages are {corpus.unit}s; --unit {args.unit} is ignored")
        return Inputs(corpus, book, codings, lambda used: (
            f"qualkit: project {where}: {len(corpus.documents)} documents, {len(codings)} accepted "
            f"codings by {codings['coder'].nunique()} coder(s) with {book.name} ({book.hash})"))
    return load


def cmd_analyze(args: argparse.Namespace) -> int:
    """``qualkit analyze``: DATA (auto-coded or with ``--codings``) or ``--project``."""
    if args.project:
        if args.data or args.codebook or args.codings:
            raise QualkitError("give either --project FILE or DATA with --codebook, not both",
                               hint="the project already holds its corpus and codebook")
        if not str(args.project).startswith(("postgresql:", "postgres:", "sqlite:")):
            existing(args.project, "project file")
        study = load_study(existing(args.study, "study file")) if args.study else None
        return run_pipeline(_project_inputs(args.project, args), Path(args.out), args, study=study)
    if args.data is None:
        raise QualkitError("analyze needs DATA and a codebook (--codebook or the study file), or --project FILE",
                           hint="see qualkit analyze --help")
    if args.auto and not args.codings:
        raise QualkitError("--auto adds auto-coding to given codings", hint="give --codings FILE... with --auto")
    data = existing(args.data, "data folder or file")
    study_file = existing(args.study, "study file") if args.study else find_study(data)
    study, codebook = study_and_codebook(study_file, args.codebook)
    inputs = _folder_inputs(data, codebook, args, codings=args.codings, auto=args.auto)
    return run_pipeline(inputs, Path(args.out), args, data=data, study=study)


def example_paths(name: str) -> tuple[Path, Path | None]:
    """A bundled example: ``data/<name>`` and its ``study.yaml`` (None when it has none),
    looked up beside the package and in the current folder."""
    roots = [PACKAGE_ROOT, Path.cwd()]
    for root in roots:
        folder = root / "data" / name
        if folder.is_dir():
            study = folder / STUDY_FILE
            return folder, study if study.is_file() else None
    found = sorted(p.name for root in roots if (root / "data").is_dir()
                   for p in (root / "data").iterdir() if (p / STUDY_FILE).is_file())
    raise QualkitError(f"no bundled example named {name!r}", path=str(roots[0] / "data" / name),
                       hint=f"use one of {found}" if found else "run from a qualkit source checkout")


def cmd_demo(args: argparse.Namespace) -> int:
    """``qualkit demo [--study NAME]``: a bundled example through the same pipeline."""
    data, study_file = example_paths(args.study)
    study, codebook = study_and_codebook(study_file, args.codebook)
    return run_pipeline(_folder_inputs(data, codebook, args), Path(args.out), args, data=data, study=study)
