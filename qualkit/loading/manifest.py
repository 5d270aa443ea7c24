"""The corpus manifest: one row per file with its source type, group, case and language.

``manifest.csv`` or ``manifest.yaml`` (``.yml``) in the corpus folder is found
automatically. Columns: ``file, source_type, informant_group, case_id, language`` and
optionally ``title, interviewer`` (``;``-separated labels), ``unlabelled_role``
(``interviewer``/``informant``/``none``), ``prompts`` (a regular expression, or ``@file``
/ a path to a file of prompt lines; see :mod:`qualkit.loading.passages`), ``form``
(true/false), ``text_column, speaker_column, id_column, sheet``; any other column is kept
in ``Document.metadata``. File names are compared in Unicode NFC, so a row typed on one
system matches a file name stored decomposed (NFD) by macOS. A YAML manifest is a list of such mappings, a mapping with a
``files`` list, or a mapping from file name to its columns.

When a folder has a manifest, files it does not list are not loaded (unless
``include_unlisted=True``). Without a manifest, files get defaults: the source type is
guessed from folder names
(``interviews``/``wawancara`` -> interview, ``observations``/``observasi``/
``catatan_lapangan`` -> observation, ``documents``/``dokumen`` -> document).

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "manifest.csv").write_text("file,source_type,informant_group\\nk01.txt,interview,victim\\n")
>>> read_manifest(folder / "manifest.csv").get("k01.txt").informant_group
'victim'
>>> guess_source_type("wawancara/k01.txt")
'interview'
"""

from __future__ import annotations

import csv
import io
import os
import posixpath
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from qualkit.corpus import SOURCE_TYPES
from qualkit.errors import ManifestError
from qualkit.errors import LoadError
from qualkit.loading.decode import decode_bytes, normalise_newlines
from qualkit.loading.passages import UNLABELLED_ROLES, Prompts

MANIFEST_NAMES = ("manifest.csv", "manifest.yaml", "manifest.yml")
STUDY_FILE = "study.yaml"
"""The study design file (:mod:`qualkit.study`) beside the manifest: not a source."""
KNOWN_COLUMNS = ("file", "source_type", "informant_group", "case_id", "language", "title",
                 "interviewer", "unlabelled_role", "prompts", "form", "text_column", "speaker_column", "id_column", "sheet")
_FOLDER_TYPES = {
    "interview": ("interview", "interviews", "wawancara", "transcript", "transcripts",
                  "transkrip", "transkrip_wawancara"),
    "observation": ("observation", "observations", "observasi", "catatan_lapangan",
                    "field_notes", "fieldnotes", "catatan-lapangan", "field-notes"),
    "document": ("document", "documents", "dokumen", "dokumentasi", "documentation"),
}
_TRUE = {"true", "yes", "y", "1", "ya", "benar"}
_FALSE = {"false", "no", "n", "0", "tidak", "salah", ""}
_LANG = re.compile(r"^[a-z]{2,3}$")


@dataclass(frozen=True)
class ManifestEntry:
    """One manifest row (``line`` is its line in the manifest file, when known)."""

    file: str
    source_type: str | None = None
    informant_group: str | None = None
    case_id: str | None = None
    language: str | None = None
    title: str | None = None
    interviewers: tuple[str, ...] = ()
    unlabelled_role: str | None = None
    prompts: str | None = None
    form: bool | None = None
    text_column: str | None = None
    speaker_column: str | None = None
    id_column: str | None = None
    sheet: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    line: int | None = None

    def options(self) -> dict[str, Any]:
        """Keyword arguments for :func:`qualkit.loading.load_document` (None: not set)."""
        return {
            "source_type": self.source_type, "informant_group": self.informant_group,
            "case_id": self.case_id, "language": self.language, "title": self.title,
            "interviewers": self.interviewers or None, "unlabelled_role": self.unlabelled_role,
            "prompts": self.prompts, "form": self.form,
            "text_column": self.text_column, "speaker_column": self.speaker_column,
            "id_column": self.id_column, "sheet": self.sheet, "metadata": dict(self.metadata),
        }


@dataclass(frozen=True)
class Manifest:
    """The rows of a manifest, looked up by relative file path."""

    path: str | None
    entries: tuple[ManifestEntry, ...]

    def get(self, relpath: str) -> ManifestEntry | None:
        """The row for ``relpath`` (``/``-separated, relative to the corpus folder; NFC or NFD)."""
        key = _normpath(relpath)
        for e in self.entries:
            if e.file == key:
                return e
        return None

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(e.file for e in self.entries)


def _normpath(name: str) -> str:
    """``/``-separated, normalised, Unicode NFC (macOS stores file names decomposed)."""
    if not name:
        return ""
    return unicodedata.normalize("NFC", posixpath.normpath(str(name).strip().replace("\\", "/")))


def guess_source_type(relpath: str) -> str:
    """``interview``, ``observation`` or ``document`` from the folder names in ``relpath``."""
    parts = [p.casefold() for p in relpath.replace("\\", "/").split("/")[:-1]]
    for part in reversed(parts):
        for source_type, names in _FOLDER_TYPES.items():
            if part in names:
                return source_type
    return "document"


def find_manifest(folder: str | os.PathLike[str]) -> Path | None:
    """``manifest.csv`` / ``manifest.yaml`` / ``manifest.yml`` in ``folder``, if any."""
    for name in MANIFEST_NAMES:
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate
    return None


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from a DataFrame
        return None
    text = str(value).strip()
    return text or None


def _rows_from_yaml(text: str, path: str) -> list[tuple[int | None, dict[str, Any]]]:
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise ManifestError(f"not valid YAML: {getattr(err, 'problem', err)}", path=path,
                            line=mark.line + 1 if mark else None,
                            hint="fix the YAML syntax (indentation, quotes)") from err
    if data is None:
        return []
    if isinstance(data, Mapping) and isinstance(data.get("files"), list):
        items = data["files"]
        seq = next((v for k, v in node.value if k.value == "files"), None)
    elif isinstance(data, list):
        items, seq = data, node
    elif isinstance(data, Mapping):
        rows = []
        for (k, _), (name, cols) in zip(node.value, data.items()):
            if not isinstance(cols, Mapping):
                raise ManifestError(f"the entry for {name!r} must be a mapping of columns",
                                    path=path, line=k.start_mark.line + 1,
                                    hint="write `file.txt: {source_type: interview, ...}`")
            rows.append((k.start_mark.line + 1, {"file": name, **cols}))
        return rows
    else:
        raise ManifestError("a YAML manifest must be a list of rows", path=path,
                            hint="write `- file: a.txt` rows, or `files:` with such a list")
    lines = [n.start_mark.line + 1 for n in seq.value] if seq is not None else [None] * len(items)
    rows = []
    for line, item in zip(lines, items):
        if not isinstance(item, Mapping):
            raise ManifestError("each row must be a mapping of columns", path=path, line=line,
                                hint="write `- file: a.txt` followed by `source_type: ...`")
        rows.append((line, dict(item)))
    return rows


def _rows_from_csv(text: str, path: str) -> list[tuple[int | None, dict[str, Any]]]:
    try:
        dialect = csv.Sniffer().sniff(text[:5000], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in (reader.fieldnames or [])]
    if "file" not in [h.casefold() for h in header]:
        raise ManifestError(f"the manifest has no 'file' column (columns: {', '.join(header) or 'none'})",
                            path=path, line=1, hint="add a header row starting with file,source_type,...")
    rows = []
    for row in reader:
        extra = row.pop(None, None)
        clean = {k.strip().casefold() if k.strip().casefold() in KNOWN_COLUMNS else k.strip(): v
                 for k, v in row.items() if k is not None}
        if extra:
            clean["__extra__"] = extra
        rows.append((reader.line_num, clean))
    return rows


def read_manifest(source: Any) -> Manifest:
    """Read and validate a manifest (a path to .csv/.yaml, a DataFrame, or a list of dicts).

    Raises ManifestError naming every bad row and column at once.
    """
    path: str | None = None
    if isinstance(source, (str, os.PathLike)):
        p = Path(source)
        path = str(p)
        if not p.is_file():
            raise ManifestError("manifest file not found", path=path,
                                hint="check the path, or leave manifest=None to find it in the folder")
        text, _ = normalise_newlines(decode_bytes(p.read_bytes(), path=path)[0])
        rows = _rows_from_yaml(text, path) if p.suffix.casefold() in (".yaml", ".yml") else _rows_from_csv(text, path)
    elif hasattr(source, "to_dict"):
        rows = [(i + 2, r) for i, r in enumerate(source.to_dict("records"))]
    else:
        rows = [(i + 1, dict(r)) for i, r in enumerate(source)]
    return Manifest(path, _validate(rows, path))


def _bool(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return None if text == "" else False
    raise ValueError(text)


def _validate(rows: list[tuple[int | None, dict[str, Any]]], path: str | None) -> tuple[ManifestEntry, ...]:
    problems: list[str] = []
    entries: list[ManifestEntry] = []
    seen: dict[str, int | None] = {}
    first_line: int | None = None

    def bad(line: int | None, column: str, message: str) -> None:
        nonlocal first_line
        first_line = first_line or line
        problems.append(f"row at line {line}, column '{column}': {message}")

    for line, row in rows:
        row = {str(k).strip(): v for k, v in row.items()}
        if "__extra__" in row:
            bad(line, "?", f"more cells than header columns ({row.pop('__extra__')!r})")
        name = _normpath(_cell(row.get("file")) or "")
        if not name:
            bad(line, "file", "empty; every row must name a file")
            continue
        if name in seen:
            bad(line, "file", f"{name!r} is listed twice (also at line {seen[name]})")
            continue
        seen[name] = line
        source_type = _cell(row.get("source_type"))
        if source_type is not None:
            source_type = source_type.casefold()
            if source_type not in SOURCE_TYPES:
                bad(line, "source_type", f"{source_type!r} is not a source type id: a letter, then letters, "
                                         "digits, '_' or '-' (e.g. interview, focus_group, field_note)")
        language = _cell(row.get("language"))
        if language is not None:
            language = language.casefold()
            if not _LANG.match(language):
                bad(line, "language", f"{language!r} is not an ISO 639-1 code such as id or en")
        try:
            form = _bool(row.get("form"))
        except ValueError:
            bad(line, "form", f"{row.get('form')!r} is not true/false")
            form = None
        interviewers = tuple(s.strip() for s in (_cell(row.get("interviewer")) or "").split(";") if s.strip())
        unlabelled = _cell(row.get("unlabelled_role"))
        if unlabelled is not None:
            unlabelled = unlabelled.casefold()
            if unlabelled not in UNLABELLED_ROLES:
                bad(line, "unlabelled_role", f"{unlabelled!r} is not one of {', '.join(UNLABELLED_ROLES)}")
        prompts = _cell(row.get("prompts"))
        if prompts is not None:
            try:
                Prompts.parse(prompts, base=Path(path).parent if path else None)
            except LoadError as err:
                bad(line, "prompts", err.message)
        metadata = {k: v for k, v in row.items() if k not in KNOWN_COLUMNS and _cell(v) is not None}
        entries.append(ManifestEntry(
            file=name, source_type=source_type,
            informant_group=_cell(row.get("informant_group")), case_id=_cell(row.get("case_id")),
            language=language, title=_cell(row.get("title")), interviewers=interviewers,
            unlabelled_role=unlabelled, prompts=prompts, form=form, text_column=_cell(row.get("text_column")),
            speaker_column=_cell(row.get("speaker_column")), id_column=_cell(row.get("id_column")),
            sheet=_cell(row.get("sheet")), metadata=metadata, line=line,
        ))
    if problems:
        raise ManifestError(
            f"{len(problems)} problem(s) in the manifest:\n  - " + "\n  - ".join(problems),
            path=path, line=first_line,
            hint="fix the cells named above (source_type: interview/observation/document; "
                 "language: id/en; form: true/false)",
        )
    return tuple(entries)
