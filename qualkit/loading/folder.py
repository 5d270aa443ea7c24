"""A folder (or one file) -> Corpus, guided by the manifest.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> (folder / "wawancara").mkdir()
>>> _ = (folder / "wawancara" / "k01.txt").write_text("P: Halo?\\nI: Saya takut.\\nP: Kenapa?\\nI: Diancam.")
>>> corpus = load_corpus(folder)
>>> corpus.documents[0].id, corpus.documents[0].source_type, len(corpus)
('wawancara/k01.txt', 'interview', 4)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from qualkit.corpus import Corpus, Document, LoadProblem, Passage
from qualkit.errors import LoadError
from qualkit.loading.document import SUPPORTED_EXTENSIONS, load_document
from qualkit.loading.manifest import MANIFEST_NAMES, Manifest, find_manifest, guess_source_type, read_manifest

_UNITS = ("turn", "sentence")


def _walk(folder: Path) -> list[str]:
    """Relative ``/`` paths of the visible files under ``folder``, sorted."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__")))
        rel_dir = Path(dirpath).relative_to(folder)
        for name in sorted(filenames):
            if name.startswith((".", "~$")):
                continue
            found.append((rel_dir / name).as_posix())
    return found


def load_corpus(path: str | os.PathLike[str], manifest: Any = None, *, unit: str = "turn") -> Corpus:
    """Load a folder of sources (or a single file) into a :class:`~qualkit.corpus.Corpus`.

    Parameters
    ----------
    path : a folder (walked recursively; hidden files, the manifest and README files
        not listed in it are skipped) or one file.
    manifest : a manifest path, DataFrame or list of row dicts; default: ``manifest.csv``
        / ``manifest.yaml`` found in the folder. See :mod:`qualkit.loading.manifest`.
    unit : ``turn`` (speaker turns, paragraphs where there are no speakers, form fields)
        or ``sentence``.

    Files that cannot be loaded, manifest rows naming missing files and files loaded with
    default attributes are listed in ``corpus.problems`` (``skipped`` tells which).
    Source files are only ever opened for reading.
    """
    if unit not in _UNITS:
        raise ValueError(f"The 'unit' parameter of load_corpus must be one of {_UNITS}; got {unit!r} instead.")
    root = Path(path)
    if not root.exists():
        raise LoadError("no such file or folder", path=str(root),
                        hint="check the path; load_corpus takes a folder of sources or one file")
    folder = root if root.is_dir() else root.parent
    if manifest is None and root.is_dir():
        found = find_manifest(folder)
        book = read_manifest(found) if found else None
    elif manifest is not None:
        book = read_manifest(manifest)
    else:
        book = None
    manifest_file = Path(book.path).resolve() if book is not None and book.path else None

    if root.is_file():
        files = [root.name]
    else:
        files = []
        listed = set(book.files) if book else set()
        for rel in _walk(folder):
            full = (folder / rel).resolve()
            if manifest_file is not None and full == manifest_file:
                continue
            name = rel.rsplit("/", 1)[-1].casefold()
            if name in MANIFEST_NAMES and rel.count("/") == 0:
                continue
            if name.startswith("readme") and rel not in listed:
                continue
            files.append(rel)

    documents: list[Document] = []
    passages: list[Passage] = []
    problems: list[LoadProblem] = []
    if book is not None:
        present = set(files) if root.is_dir() else {root.name}
        for entry in book.entries:
            if root.is_dir() and entry.file not in present and not (folder / entry.file).is_file():
                problems.append(LoadProblem(
                    entry.file, f"listed in the manifest (line {entry.line}) but not found; "
                    "fix the file name in the manifest or add the file"))
            elif root.is_dir() and entry.file not in present:
                files.append(entry.file)  # listed explicitly (e.g. a README)
    elif root.is_dir() and files:
        problems.append(LoadProblem(
            ".", f"no manifest ({' / '.join(MANIFEST_NAMES)}) in the folder: used defaults "
            "(source type from folder names, language detected, no informant group or case)",
            skipped=False))

    for rel in files:
        ext = Path(rel).suffix.casefold()
        if ext not in SUPPORTED_EXTENSIONS:
            problems.append(LoadProblem(
                rel, f"unsupported file type {ext or '(none)'!r}: skipped; supported: "
                f"{', '.join(SUPPORTED_EXTENSIONS)}"))
            continue
        entry = book.get(rel) if book is not None else None
        options = entry.options() if entry is not None else {}
        if book is not None and entry is None and root.is_dir():
            problems.append(LoadProblem(
                rel, f"not in the manifest: loaded with defaults (source_type="
                f"{guess_source_type(rel)}, language detected); add a row to set them",
                skipped=False))
        try:
            doc, doc_passages = load_document(folder / rel, root=folder, doc_id=rel, unit=unit, **options)
        except LoadError as err:
            problems.append(LoadProblem(rel, str(err)))
            continue
        documents.append(doc)
        passages.extend(doc_passages)
    return Corpus(documents=tuple(documents), passages=tuple(passages), unit=unit,
                  problems=tuple(problems))


__all__ = ["load_corpus", "Manifest"]
