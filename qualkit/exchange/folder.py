"""Turn a REFI-QDA file (or a Taguette codebook CSV) into qualkit's own output files.

``import_to_folder`` reads ``.qdpx`` projects, ``.qdc`` codebooks and Taguette codebook
``.csv`` files and writes, inside ``out_dir`` only:

- ``codebook.yaml`` (always; :func:`qualkit.save_codebook`),
- ``passages.csv`` (``Corpus.passages_frame()`` columns) and ``codings.csv`` (the codings
  table columns), for projects.

By default the corpus and codings are redacted first with :class:`qualkit.privacy.Redactor`
(names, ID numbers, phones ... replaced); pass ``redact=False`` to keep the text as is.

>>> paths = import_to_folder("../shared/refi/samples/minimal_full.qdpx", "out/refi")  # doctest: +SKIP
>>> [p.name for p in paths]                                                          # doctest: +SKIP
['codebook.yaml', 'passages.csv', 'codings.csv']
"""

from __future__ import annotations

import os
from pathlib import Path

from qualkit._io import write_csv
from qualkit.errors import ExchangeError
from qualkit.exchange._archive import MAX_BYTES


def _save_codebook():
    try:
        from qualkit.codebook.io import save_codebook
    except ImportError as err:  # written in parallel; say so clearly
        raise ExchangeError("qualkit.codebook.io.save_codebook is not available", hint="install a complete qualkit") from err
    return save_codebook


def _redactor():
    try:
        from qualkit.privacy import Redactor
    except ImportError as err:
        raise ExchangeError(
            "cannot redact: qualkit.privacy.Redactor is not available",
            hint="install a complete qualkit, or pass redact=False to import the text unredacted",
        ) from err
    return Redactor()


def import_to_folder(path: str | os.PathLike[str], out_dir: str | os.PathLike[str], *, redact: bool = True,
                     language: str = "und", max_bytes: int = MAX_BYTES) -> list[Path]:
    """Import ``path`` (.qdpx, .qdc or Taguette .csv) into ``out_dir``; return the files written.

    Everything is read and checked in memory first, so a bad file writes nothing.
    ``language`` is given to documents whose project sets no ``language`` variable.
    """
    from qualkit.exchange.qdc import read_qdc
    from qualkit.exchange.qdpx import read_qdpx
    from qualkit.exchange.taguette import read_codebook_csv

    source = Path(path)
    suffix = source.suffix.lower()
    out = Path(out_dir).resolve()
    if out.exists() and not out.is_dir():
        raise ExchangeError(f"{out} is a file, not a folder", path=str(out), hint="choose a folder to write into")
    targets = {name: out / name for name in ("codebook.yaml", "passages.csv", "codings.csv")}
    if any(t.resolve().parent != out for t in targets.values()):  # e.g. a symlink planted in out_dir
        raise ExchangeError("an output would be written outside the chosen folder", path=str(out),
                            hint="remove links named codebook.yaml, passages.csv or codings.csv from the folder")
    save_codebook = _save_codebook()
    if suffix == ".qdc":
        return [save_codebook(read_qdc(source), targets["codebook.yaml"])]
    if suffix == ".csv":
        return [save_codebook(read_codebook_csv(source), targets["codebook.yaml"])]
    if suffix != ".qdpx":
        raise ExchangeError(f"unknown file type {suffix or '(none)'!r}", path=str(source),
                            hint="import a .qdpx project, a .qdc codebook or a Taguette codebook .csv")
    project = read_qdpx(source, language=language, max_bytes=max_bytes)
    corpus, codings = project.corpus, project.codings
    if redact:
        redactor = _redactor().fit(corpus)
        corpus, codings = redactor.transform(corpus), redactor.transform_codings(codings)
    written = [save_codebook(project.codebook, targets["codebook.yaml"])]
    written.append(write_csv(corpus.passages_frame(), targets["passages.csv"]))
    written.append(write_csv(codings, targets["codings.csv"]))
    return written
