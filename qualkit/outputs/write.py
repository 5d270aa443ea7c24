"""Write every output of an Analysis as one transaction.

:func:`write_outputs` builds the whole output in a staging folder beside the target
(``.<name>.staging-*``), the re-identification mapping first (beside the output folder,
never in it), every file fsynced, a run manifest (``qualkit-run.json``: files with sha256,
corpus hash, qualkit version) last; then swaps the staging folder in with renames. A lock
(``.<name>.lock``) makes a second run into the same folder refuse. A killed run leaves
the previous output whole; the next run removes its staging folder.

:func:`check_output_dir` refuses, before any work, an output folder that is the data
folder, inside it or around it, contains the working directory, is not writable, or is
a non-empty folder that no qualkit run wrote (unless ``force``).

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> check_output_dir(root / "out", data=root / "data").name
'out'
>>> mapping_path(root / "out").name
'out.reidentification.csv'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
from filelock import FileLock, Timeout

from qualkit import __version__
from qualkit._io import atomic_write, write_csv
from qualkit.analysis.result import Analysis
from qualkit.corpus import Corpus
from qualkit.errors import ExportError
from qualkit.exchange import write_qdc, write_qdpx
from qualkit.outputs.charts import save_figure, standard_charts
from qualkit.outputs.contents import OutputTable, output_tables
from qualkit.outputs.report import figure_captions, write_report
from qualkit.outputs.spreadsheet import write_spreadsheet

MANIFEST_NAME = "qualkit-run.json"
"""The run manifest, written last: its presence means the folder is one whole run."""
SUMMARY_NAME = "redaction_summary.csv"
"""Counts of replacements per kind and pseudonym (no originals)."""
CHARTS_FOLDER = "charts"

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
"""Characters XML 1.0 cannot hold (qdpx, qdc, docx and xlsx are XML)."""


def mapping_path(out_dir: str | os.PathLike[str]) -> Path:
    """Where the re-identification mapping of an output folder goes: beside it, resolved
    (``--out .`` and ``--out ..`` never put it inside the output tree).

    >>> mapping_path("/tmp/study/out").as_posix()
    '/tmp/study/out.reidentification.csv'
    """
    out = Path(out_dir).expanduser().resolve()
    return out.parent / f"{out.name}.reidentification.csv"


def check_output_dir(out_dir: str | os.PathLike[str], *, data: str | os.PathLike[str] | None = None,
                     force: bool = False) -> Path:
    """The resolved output folder, after refusing what would harm a user's files.

    Refused (:class:`~qualkit.errors.ExportError`): the file system root or a folder
    that contains the working directory; the data folder, a folder inside it or around
    it; an existing file; a non-empty folder without a run manifest (unless ``force``);
    a place where no folder can be created.
    """
    out = Path(out_dir).expanduser().resolve()
    cwd = Path.cwd().resolve()
    if out == Path(out.anchor) or out == cwd or out in cwd.parents:
        raise ExportError("the output folder contains the working directory", path=str(out),
                          hint="give a new folder for the outputs, e.g. --out out/study")
    if data is not None:
        src = Path(data).expanduser().resolve()
        if out == src or src in out.parents or out in src.parents:
            raise ExportError(f"the output folder is the data folder {src}, inside it or around it",
                              path=str(out), hint="write the outputs outside the data folder, "
                              "or the next run reads them as sources")
    if out.exists() and not out.is_dir():
        raise ExportError("the output path is a file, not a folder", path=str(out),
                          hint="give a folder for the outputs")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST_NAME).is_file() and not force:
        raise ExportError("the output folder holds files that no qualkit run wrote", path=str(out),
                          hint="give a new or empty folder, or --force to replace it "
                          "(its files are then kept beside it as <out>.replaced-<time>)")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        probe = tempfile.mkdtemp(prefix=f".{out.name}.probe-", dir=out.parent)
        os.rmdir(probe)
    except OSError as err:
        raise ExportError(f"cannot create the output folder ({err.strerror or err})", path=str(out),
                          hint="choose a folder you can write to") from err
    return out


def write_outputs(analysis: Analysis, out_dir: str | os.PathLike[str], *, passages: bool = True,
                  charts: bool = True, mapping: str | os.PathLike[str] | None = None,
                  data: str | os.PathLike[str] | None = None, force: bool = False) -> list[Path]:
    """Write every output of an Analysis into ``out_dir`` as one transaction; return the paths.

    Files: ``passages.csv`` (when ``passages``), ``codings.csv``, the analysis tables,
    ``charts/*.png|svg`` (when ``charts``), ``report.docx``, ``findings.xlsx``,
    ``project.qdpx``, ``codebook.qdc``, ``redaction_summary.csv`` (redacted runs) and
    ``qualkit-run.json`` last. The analysis tables follow
    :func:`qualkit.outputs.contents.output_tables`: a table the study's design does not
    have (no factor matrix, no stage table) is not written, an empty one is written and
    flagged; the manifest's ``tables`` gives each one's status and why.

    ``mapping``: where to write the redactor's re-identification mapping (written first;
    outside ``out_dir``). Codebook texts are redacted with the analysis's redactor;
    XML-invalid characters become U+FFFD.

    >>> paths = write_outputs(result, "out/demo")                   # doctest: +SKIP
    """
    out = check_output_dir(out_dir, data=data, force=force)
    if mapping is not None and out in Path(mapping).resolve().parents:
        raise ExportError("the re-identification mapping would be inside the output folder",
                          path=str(mapping), hint="write it beside the output folder (mapping_path(out))")
    analysis = safe_analysis(analysis)
    try:
        lock = FileLock(str(out.parent / f".{out.name}.lock"), timeout=0)
        lock.acquire()
    except Timeout as err:
        raise ExportError("another qualkit run is writing this output folder", path=str(out),
                          hint="wait for it to finish, or write to another folder") from err
    try:
        _recover(out)
        if (out.is_dir() and any(out.iterdir()) and not (out / MANIFEST_NAME).is_file()
                and not force):  # filled while we waited for nothing: check again under the lock
            raise ExportError("the output folder holds files that no qualkit run wrote", path=str(out),
                              hint="give a new or empty folder, or --force")
        if mapping is not None and analysis.redacted and analysis.redactor is not None:
            analysis.redactor.write_mapping(mapping)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
        try:
            tables = output_tables(analysis)
            written = _write_all(analysis, staging, tables, passages=passages, charts=charts)
            _write_manifest(analysis, staging, written, tables)
            _fsync_tree(staging)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _swap(staging, out)
    finally:
        lock.release()
    return [out / p.relative_to(staging) for p in written] + [out / MANIFEST_NAME]


def write_charts(analysis: Analysis, out_dir: str | os.PathLike[str]) -> dict[str, list[Path]]:
    """Draw the charts an Analysis has data for into ``out_dir`` (PNG + SVG each).

    Returns chart stem -> [png, svg]; the stems are those of
    :func:`qualkit.outputs.charts.standard_charts` (no chart is drawn for a table without data).
    """
    out = Path(out_dir)
    return {stem: save_figure(draw(), out / stem) for stem, draw in standard_charts(analysis).items()}


def _write_all(analysis: Analysis, out: Path, tables: dict[str, OutputTable], *, passages: bool,
               charts: bool) -> list[Path]:
    paths: list[Path] = []
    if passages:
        paths.append(write_csv(analysis.corpus.passages_frame(), out / "passages.csv"))
    paths.append(write_csv(analysis.codings, out / "codings.csv"))
    paths.extend(write_csv(t.frame, out / f"{name}.csv") for name, t in tables.items() if t.frame is not None)
    if analysis.redacted and analysis.redactor is not None:
        paths.append(write_csv(analysis.redactor.summary_, out / SUMMARY_NAME))
    in_report: dict[str, Path] | bool = False
    if charts:
        drawn = write_charts(analysis, out / CHARTS_FOLDER)
        for pair in drawn.values():
            paths.extend(pair)
        in_report = {caption: drawn[name][0] for name, caption in figure_captions(analysis).items()
                     if name in drawn}
    paths.append(write_report(analysis, out / "report.docx", charts=in_report))
    paths.append(write_spreadsheet(analysis, out / "findings.xlsx"))
    write_qdpx(analysis.corpus, analysis.codebook, analysis.codings, out / "project.qdpx")
    write_qdc(analysis.codebook, out / "codebook.qdc")
    paths += [out / "project.qdpx", out / "codebook.qdc"]
    return paths


def _write_manifest(analysis: Analysis, staging: Path, written: list[Path],
                    tables: dict[str, OutputTable]) -> None:
    files = {p.relative_to(staging).as_posix(): {"bytes": p.stat().st_size, "sha256": _sha256(p)}
             for p in sorted(written)}
    listed = {name: {"status": t.status, **({"file": f"{name}.csv", "rows": len(t.frame)} if t.frame is not None
                                             else {}), **({"note": t.note} if t.note else {})}
              for name, t in tables.items()}
    manifest = {
        "qualkit_version": __version__, "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "corpus_sha256": corpus_hash(analysis.corpus), "codebook": analysis.codebook.name,
        "codebook_hash": analysis.codebook.hash, "redacted": bool(analysis.redacted),
        "language": analysis.language, "files": files, "tables": listed,
    }
    atomic_write(staging / MANIFEST_NAME, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


def corpus_hash(corpus: Corpus) -> str:
    """sha256 over the ids and texts of a corpus's documents (the analysed, redacted ones)."""
    h = hashlib.sha256()
    for doc in corpus.documents:
        for part in (doc.id, doc.text):
            data = part.encode("utf-8", "surrogatepass")
            h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _fsync_tree(folder: Path) -> None:
    """fsync every folder of the staging tree (files are fsynced as they are written)."""
    if not hasattr(os, "O_DIRECTORY"):
        return  # Windows: folders cannot be opened for fsync
    for path in [folder, *[p for p in folder.rglob("*") if p.is_dir()]]:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _swap(staging: Path, out: Path) -> None:
    """Rename ``staging`` to ``out``; a previous ``out`` is first renamed aside, then
    removed (a run's output) or kept as ``<out>.replaced-<time>`` (anything else)."""
    old = None
    if out.exists():
        ours = (out / MANIFEST_NAME).is_file()
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        old = out.parent / (f".{out.name}.previous-{os.getpid()}" if ours else f"{out.name}.replaced-{stamp}")
        os.rename(out, old)
    os.rename(staging, out)
    _fsync_tree_parent(out)
    if old is not None and old.name.startswith("."):
        shutil.rmtree(old, ignore_errors=True)


def _fsync_tree_parent(out: Path) -> None:
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(out.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _recover(out: Path) -> None:
    """Under the lock: put back an output a killed run had renamed aside, remove the
    staging folders of killed runs."""
    for previous in sorted(out.parent.glob(f".{out.name}.previous-*")):
        if not out.exists() and (previous / MANIFEST_NAME).is_file():
            os.rename(previous, out)
        else:
            shutil.rmtree(previous, ignore_errors=True)
    for staging in out.parent.glob(f".{out.name}.staging-*"):
        shutil.rmtree(staging, ignore_errors=True)


# -- what may leave: redacted codebook, XML-safe text ------------------------------------------
def safe_analysis(analysis: Analysis) -> Analysis:
    """The analysis as it may be written: the codebook redacted with the analysis's
    redactor (descriptions, memos, examples), and every character XML cannot hold in
    texts, tables and codebook replaced by U+FFFD (same length: offsets stay true)."""
    book = analysis.codebook
    if analysis.redacted and analysis.redactor is not None:
        book = analysis.redactor.redact_codebook(book)
    book = _xml_safe_codebook(book)
    frames = {name: _xml_safe_frame(getattr(analysis, name)) for name in (
        "codings", "extracts", "factors", "factor_grid", "stages", "triangulation", "quotes", "conclusions")}
    if analysis.mentions is not None:
        frames["mentions"] = _xml_safe_frame(analysis.mentions)
    matrices = {k: _xml_safe_frame(v) for k, v in analysis.matrices.items()}
    return replace(analysis, codebook=book, corpus=_xml_safe_corpus(analysis.corpus), matrices=matrices, **frames)


def xml_safe(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot hold replaced by U+FFFD.

    >>> xml_safe("a\\x01b\\x1bc\\td")
    'a\\ufffdb\\ufffdc\\td'
    """
    return _XML_INVALID.sub("\ufffd", text) if _XML_INVALID.search(text) else text


def _xml_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    text_columns = [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    bad = [c for c in text_columns
           if _XML_INVALID.search("\n".join(v for v in frame[c].tolist() if isinstance(v, str)))]
    if not bad:
        return frame
    out = frame.copy()
    for c in bad:
        out[c] = [xml_safe(v) if isinstance(v, str) else v for v in out[c].tolist()]
    return out


def _xml_safe_corpus(corpus: Corpus) -> Corpus:
    docs = [d for d in corpus.documents
            if _XML_INVALID.search(d.text) or _XML_INVALID.search(d.title or "")]
    labels = {p.speaker for p in corpus.passages if p.speaker} | {p.section for p in corpus.passages if p.section}
    if not docs and not any(_XML_INVALID.search(s) for s in labels):
        return corpus
    documents = tuple(replace(d, text=xml_safe(d.text), title=xml_safe(d.title or "") or d.title,
                              fields=tuple(replace(f, value=xml_safe(f.value), label=xml_safe(f.label))
                                           for f in d.fields)) for d in corpus.documents)
    passages = tuple(replace(p, text=xml_safe(p.text), speaker=xml_safe(p.speaker) if p.speaker else p.speaker,
                             section=xml_safe(p.section) if p.section else p.section) for p in corpus.passages)
    return Corpus(documents=documents, passages=passages, unit=corpus.unit, problems=corpus.problems)


def _xml_safe_codebook(book: Any) -> Any:
    fields = ("description", "inclusion", "exclusion", "memo", "name")
    texts = [getattr(c, f) for c in book.codes for f in fields] + [x.text for c in book.codes for x in c.examples]
    if not any(_XML_INVALID.search(t or "") for t in [*texts, book.description, book.name]):
        return book
    codes = tuple(replace(c, **{f: xml_safe(getattr(c, f) or "") for f in fields},
                          examples=tuple(replace(x, text=xml_safe(x.text)) for x in c.examples)) for c in book.codes)
    return replace(book, codes=codes, description=xml_safe(book.description), name=xml_safe(book.name))
