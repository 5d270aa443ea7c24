"""A folder (or one file) -> Corpus, guided by the manifest.

When the folder has a manifest, the manifest decides what is data: files it does not
list are not loaded (each is listed in ``corpus.problems`` with the reason) unless
``include_unlisted=True``. Input stays inside the folder: manifest rows and symbolic
links that lead outside it are refused unless ``follow_links=True``. Hidden files,
``__``-prefixed and system folders, and folders that cannot be read are listed as
skipped, never dropped silently.

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
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualkit.corpus import Corpus, Document, LoadProblem, Passage
from qualkit.errors import LoadError, check_param
from qualkit.loading.document import SUPPORTED_EXTENSIONS, load_document
from qualkit.loading.manifest import MANIFEST_NAMES, STUDY_FILE, Manifest, find_manifest, guess_source_type, read_manifest
from qualkit.loading.passages import UNLABELLED_ROLES, Prompts

_UNITS = ("turn", "sentence")
_SYSTEM_FOLDERS = frozenset({"__macosx", "$recycle.bin", "system volume information", "lost+found",
                             "node_modules", "__pycache__", "venv"})
DEFAULT_KEYS = ("interviewer", "unlabelled_role", "prompts", "language", "informant_group")
"""Keys a ``source_defaults`` mapping may set for a source type."""


@dataclass
class _Found:
    """Files found in a folder: NFC relative path -> relative path on disk, plus problems."""

    files: dict[str, str] = field(default_factory=dict)
    problems: list[LoadProblem] = field(default_factory=list)


def _nfc(rel: str) -> str:
    return unicodedata.normalize("NFC", rel)


def _real(path: Path) -> Path | None:
    """``path`` with every symbolic link resolved, or None for a link loop or an OS error."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return None


def _inside(path: Path, root: Path) -> bool:
    real = _real(path)
    return real is not None and real.is_relative_to(root)


def _folder_reason(name: str) -> str | None:
    if name.startswith("."):
        return "hidden folder (name starts with '.'): not loaded"
    if name.startswith("__") or name.casefold() in _SYSTEM_FOLDERS:
        return "system or tool folder: not loaded; list its files in the manifest to load them"
    return None


def _walk(folder: Path, *, follow_links: bool) -> _Found:
    """Visible files under ``folder`` (sorted) and everything left out, with the reason."""
    found = _Found()
    root = folder.resolve()
    seen = {root}

    def rel_of(path: str | Path) -> str:
        try:
            return _nfc(Path(path).relative_to(folder).as_posix())
        except ValueError:
            return str(path)

    def unreadable(err: OSError) -> None:
        found.problems.append(LoadProblem(
            rel_of(err.filename) + "/", f"cannot read this folder ({err.strerror}): its files were "
            "not loaded; check its permissions"))

    for dirpath, dirnames, filenames in os.walk(folder, onerror=unreadable, followlinks=follow_links):
        here = Path(dirpath)
        keep = []
        for name in sorted(dirnames):
            full = here / name
            reason = _folder_reason(name)
            if reason is None and full.is_symlink():
                real = _real(full)
                if real is None:
                    reason = "a symbolic link that loops or cannot be resolved: not followed"
                elif not follow_links:
                    reason = (f"a symbolic link to a folder ({real}): not followed; load with "
                              "follow_links=True (--follow-links) to read it")
                elif real in seen:
                    reason = "a symbolic link that loops back: not followed"
                else:
                    seen.add(real)
            if reason is not None:
                found.problems.append(LoadProblem(rel_of(full) + "/", reason, by_rule=True))
            else:
                keep.append(name)
        dirnames[:] = keep
        for name in sorted(filenames):
            full = here / name
            rel = rel_of(full)
            if name.startswith("."):
                found.problems.append(LoadProblem(rel, "hidden file (name starts with '.'): not loaded",
                                                  by_rule=True))
            elif name.startswith("~$"):
                found.problems.append(LoadProblem(rel, "an Office lock file: not loaded", by_rule=True))
            elif full.is_symlink() and (_real(full) is None or not (follow_links or _inside(full, root))):
                found.problems.append(LoadProblem(rel, _outside_message(full)))
            else:
                found.files[rel] = full.relative_to(folder).as_posix()
    return found


def _outside_message(full: Path) -> str:
    real = _real(full)
    if real is None:
        return "a symbolic link that loops or cannot be resolved: refused"
    return (f"leads outside the data folder (to {real}): refused; move the file into "
            "the folder, or load with follow_links=True (--follow-links)")


def _options(
    rel: str, entry: Any, *, base: dict[str, Any], source_defaults: Mapping[str, Mapping[str, Any]],
) -> dict[str, Any]:
    """load_document options for one file: call options < source-type defaults < manifest row."""
    row = entry.options() if entry is not None else {}
    source_type = row.get("source_type") or guess_source_type(rel)
    merged = dict(base)
    for key, value in (source_defaults.get(source_type) or {}).items():
        merged[{"interviewer": "interviewers"}.get(key, key)] = value
    merged.update({k: v for k, v in row.items() if v is not None})
    interviewers = merged.get("interviewers") or ()
    merged["interviewers"] = _labels(interviewers)
    return merged


def _labels(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value.split(";") if isinstance(value, str) else value
    return tuple(s.strip() for s in items if s and str(s).strip())


def _check(interviewer: Any, unlabelled_role: Any, source_defaults: Any) -> None:
    if unlabelled_role is not None:
        check_param("load_corpus", "unlabelled_role", unlabelled_role, options=UNLABELLED_ROLES)
    check_param("load_corpus", "interviewer", interviewer,
                ok=interviewer is None or isinstance(interviewer, (str, list, tuple)),
                rule="a ';'-separated string or a list of speaker labels")
    check_param("load_corpus", "source_defaults", source_defaults,
                ok=source_defaults is None or (isinstance(source_defaults, Mapping) and all(
                    isinstance(v, Mapping) and set(v) <= set(DEFAULT_KEYS) for v in source_defaults.values())),
                rule=f"a mapping of source type to a mapping with keys from {DEFAULT_KEYS}")


def load_corpus(
    path: str | os.PathLike[str],
    manifest: Any = None,
    *,
    unit: str = "turn",
    interviewer: str | Iterable[str] | None = None,
    unlabelled_role: str | None = None,
    prompts: str | Prompts | None = None,
    source_defaults: Mapping[str, Mapping[str, Any]] | None = None,
    include_unlisted: bool = False,
    follow_links: bool = False,
) -> Corpus:
    """Load a folder of sources (or a single file) into a :class:`~qualkit.corpus.Corpus`.

    Parameters
    ----------
    path : a folder (walked recursively) or one file.
    manifest : a manifest path, DataFrame or list of row dicts; default: ``manifest.csv``
        / ``manifest.yaml`` found in the folder. See :mod:`qualkit.loading.manifest`.
    unit : ``turn`` (speaker turns, paragraphs where there are no speakers, form fields)
        or ``sentence``.
    interviewer, unlabelled_role, prompts : speaker-role rules for every file (see
        :mod:`qualkit.loading.passages`); ``interviewer`` is ``;``-separated labels.
    source_defaults : the same rules (and ``language``, ``informant_group``) per source
        type, e.g. ``{"interview": {"interviewer": "MODERATOR"}}``, as a study file sets
        them. The manifest row wins over ``source_defaults``, which win over the call's
        options.
    include_unlisted : also load files a manifest does not list (with defaults).
    follow_links : read symbolic links and manifest rows that lead outside the folder.

    Files that cannot be loaded or are left out (and why), manifest rows naming missing
    files and reader warnings are listed in ``corpus.problems``. Source files are only
    ever opened for reading.
    """
    check_param("load_corpus", "unit", unit, options=_UNITS)
    _check(interviewer, unlabelled_role, source_defaults)
    root = Path(path)
    if not root.exists():
        raise LoadError("no such file or folder", path=str(root),
                        hint="check the path; load_corpus takes a folder of sources or one file")
    folder = root if root.is_dir() else root.parent
    book = _manifest(root, folder, manifest)
    base = {"interviewers": interviewer, "unlabelled_role": unlabelled_role,
            "prompts": Prompts.parse(prompts, base=folder)}
    given = [base["prompts"], *((d or {}).get("prompts") for d in (source_defaults or {}).values())]
    files, problems = _select(root, folder, book, include_unlisted=include_unlisted,
                              follow_links=follow_links, prompts=given)
    documents: list[Document] = []
    passages: list[Passage] = []
    for rel, disk in files.items():
        ext = Path(rel).suffix.casefold()
        if ext not in SUPPORTED_EXTENSIONS:
            problems.append(LoadProblem(
                rel, f"unsupported file type {ext or '(none)'!r}: skipped; supported: "
                f"{', '.join(SUPPORTED_EXTENSIONS)}"))
            continue
        entry = book.get(rel) if book is not None else None
        options = _options(rel, entry, base=base, source_defaults=source_defaults or {})
        try:
            doc, doc_passages = load_document(folder / disk, root=folder, doc_id=rel, unit=unit, **options)
        except LoadError as err:
            problems.append(LoadProblem(rel, str(err)))
            continue
        problems.extend(LoadProblem(rel, w, skipped=False) for w in doc.metadata.get("warnings", ()))
        documents.append(doc)
        passages.extend(doc_passages)
    return Corpus(documents=tuple(documents), passages=tuple(passages), unit=unit,
                  problems=tuple(problems))


def _manifest(root: Path, folder: Path, manifest: Any) -> Manifest | None:
    if manifest is not None:
        return read_manifest(manifest)
    if root.is_dir():
        found = find_manifest(folder)
        return read_manifest(found) if found else None
    return None


def _select(root: Path, folder: Path, book: Manifest | None, *, include_unlisted: bool,
            follow_links: bool, prompts: Iterable[Any] = ()) -> tuple[dict[str, str], list[LoadProblem]]:
    """The files to load (NFC id -> path on disk) and the problems met choosing them."""
    if root.is_file():
        return {_nfc(root.name): root.name}, []
    found = _walk(folder, follow_links=follow_links)
    problems = found.problems
    manifest_file = Path(book.path).resolve() if book is not None and book.path else None
    prompt_files = _prompt_files([*(e.prompts for e in (book.entries if book else ())), *prompts], folder)
    files: dict[str, str] = {}
    listed = set(book.files) if book is not None else set()
    for rel, disk in found.files.items():
        full = _real(folder / disk)
        name = rel.rsplit("/", 1)[-1].casefold()
        if full == manifest_file or ((name in MANIFEST_NAMES or name == STUDY_FILE) and "/" not in rel):
            continue
        if full in prompt_files:
            problems.append(LoadProblem(rel, "the prompts file: not loaded as data", by_rule=True))
        elif book is not None and rel not in listed and not include_unlisted:
            problems.append(LoadProblem(
                rel, "not listed in the manifest: not loaded; add a row for it, or load with "
                "include_unlisted=True (--all-files)", by_rule=True))
        elif book is None and name.startswith("readme"):
            problems.append(LoadProblem(rel, "a README: not loaded as data (list it in a manifest to "
                                        "load it)", by_rule=True))
        else:
            if book is not None and rel not in listed:
                problems.append(LoadProblem(
                    rel, f"not in the manifest: loaded with defaults (source_type="
                    f"{guess_source_type(rel)}, language detected); add a row to set them", skipped=False))
            files[rel] = disk
    if book is None:
        if files:
            problems.append(LoadProblem(
                ".", f"no manifest ({' / '.join(MANIFEST_NAMES)}) in the folder: used defaults "
                "(source type from folder names, language detected, no informant group or case)",
                skipped=False))
        return files, problems
    reported = {pr.path for pr in problems}
    for entry in book.entries:
        if entry.file in files or entry.file in reported:
            continue
        target = folder / entry.file
        if entry.file.startswith("/") or not _inside(target, folder.resolve()):
            if not follow_links:
                problems.append(LoadProblem(entry.file, f"manifest line {entry.line}: "
                                            + _outside_message(target)))
                continue
        if entry.file in found.files or target.is_file():
            files[entry.file] = found.files.get(entry.file, entry.file)  # e.g. a listed README
        else:
            problems.append(LoadProblem(
                entry.file, f"listed in the manifest (line {entry.line}) but not found; "
                "fix the file name in the manifest or add the file"))
    return files, problems


def _prompt_files(specs: Iterable[Any], folder: Path) -> set[Path]:
    """Files of prompt lines named by manifest rows or options: configuration, not data."""
    out = set()
    for spec in specs:
        matcher = Prompts.parse(spec, base=folder) if spec else None
        if matcher is not None and matcher.lines and matcher.source:
            out.add(Path(matcher.source).resolve())
    return out


__all__ = ["load_corpus", "Manifest", "DEFAULT_KEYS"]
