"""CATMA projects (the git-backed layout of CATMA 6/7): texts, tags and annotations.

A project folder holds ``documents/D_*/D_*.txt`` with a ``header.json`` (title, file
name), tag definitions in ``tagsets/T_*/CATMA_*/propertydefs.json`` (``name``,
``parentUuid``) and annotation collections in ``collections/C_*/annotations/*.json``:
lists of W3C Web Annotations whose ``body.tag`` names the tag and whose
``target.items[].selector`` gives ``start``/``end`` character offsets (a
``TextPositionSelector``). Every item of an annotation becomes one segment; the coder is
the annotation's author, and the user properties go into the memo.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qualkit.errors import ExchangeError
from qualkit.exchange._text import decode
from qualkit.exchange.segments import Segment


@dataclass(frozen=True)
class CatmaProject:
    """Texts (``{file name: text}``) and segments of a CATMA project."""

    texts: dict[str, str]
    segments: list[Segment]


def project_root(path: str | os.PathLike[str]) -> Path | None:
    """The CATMA project folder holding ``path`` (itself or a parent), or None."""
    start = Path(path).resolve()
    for folder in (start, *start.parents):
        if (folder / "collections").is_dir() and (folder / "documents").is_dir():
            return folder
    return None


def _json(path: Path) -> Any:
    try:
        return json.loads(decode(path.read_bytes())[0])
    except (OSError, ValueError) as err:
        raise ExchangeError(f"cannot read the JSON ({err})", path=str(path),
                            hint="copy the CATMA project folder again") from err


def _tags(root: Path) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """Tag uuid -> path of names, and property uuid -> property name."""
    defs: dict[str, dict] = {}
    props: dict[str, str] = {}
    for file in sorted(root.glob("tagsets/*/*/propertydefs.json")):
        data = _json(file)
        defs[file.parent.name] = data
        for group in ("systemPropertyDefinitions", "userDefinedPropertyDefinitions"):
            for uuid, prop in (data.get(group) or {}).items():
                props[uuid] = prop.get("name", uuid)
    paths: dict[str, tuple[str, ...]] = {}
    for uuid in defs:
        chain, at, seen = [], uuid, set()
        while at in defs and at not in seen:
            seen.add(at)
            chain.append(defs[at].get("name") or at)
            at = defs[at].get("parentUuid") or ""
        paths[uuid] = tuple(reversed(chain))
    return paths, props


def _documents(root: Path) -> tuple[dict[str, str], dict[str, str], dict[str, tuple[str, ...]]]:
    """Document id -> file name, file name -> text, and file name -> other names (id, title)."""
    names: dict[str, str] = {}
    aliases: dict[str, tuple[str, ...]] = {}
    texts: dict[str, str] = {}
    for header in sorted(root.glob("documents/D_*/header.json")):
        folder = header.parent
        body = folder / f"{folder.name}.txt"
        if not body.is_file():
            raise ExchangeError("the document's text file is missing", path=str(body),
                                hint="copy the CATMA project folder again, with its documents")
        info = _json(header)
        tech = info.get("gitTechInfoSet", {}) if isinstance(info, dict) else {}
        name = tech.get("fileName") or info.get("gitContentInfoSet", {}).get("title") or folder.name
        names[folder.name] = name
        aliases[name] = tuple(a for a in (folder.name, info.get("gitContentInfoSet", {}).get("title")) if a)
        texts[name] = decode(body.read_bytes())[0].replace("\r\n", "\n")
    return names, texts, aliases


def _segment(note: dict, item: dict, *, document: str, text: str, tag: tuple[str, ...],
             props: dict[str, str], line: int) -> Segment:
    selector = item.get("selector") or {}
    start, end = int(selector.get("start", -1)), int(selector.get("end", -1))
    properties = note.get("body", {}).get("properties", {})
    system = {props.get(k, k): v for k, v in (properties.get("system") or {}).items()}
    user = {props.get(k, k): v for k, v in (properties.get("user") or {}).items()}
    memo = "; ".join(f"{k}={', '.join(map(str, v))}" for k, v in sorted(user.items()))
    return Segment(document=document, codes=(tag,) if tag else (), text=text[start:end] if 0 <= start <= end else "",
                   start=start, end=end, unit="char", coder=", ".join(system.get("catma_markupauthor", [])),
                   created=", ".join(system.get("catma_markuptimestamp", [])), memo=memo, line=line, exact=True)


def read_project(path: str | os.PathLike[str]) -> CatmaProject:
    """Read the CATMA project holding ``path``; raise ExchangeError naming what is missing."""
    root = project_root(path)
    if root is None:
        raise ExchangeError("not inside a CATMA project (no collections/ and documents/ folders)",
                            path=str(path), hint="give the CATMA project folder")
    tags, props = _tags(root)
    names, texts, aliases = _documents(root)
    segments: list[Segment] = []
    for file in sorted(root.glob("collections/*/annotations/*.json")):
        notes = _json(file)
        if not isinstance(notes, list):
            raise ExchangeError("an annotations file is not a list of annotations", path=str(file),
                                hint="copy the CATMA project folder again")
        for number, note in enumerate(notes, start=1):
            tag = tags.get(str(note.get("body", {}).get("tag", "")).rsplit("/", 1)[-1], ())
            for item in (note.get("target") or {}).get("items", []):
                name = names.get(str(item.get("source")), str(item.get("source")))
                seg = _segment(note, item, document=name, text=texts.get(name, ""), tag=tag, props=props,
                               line=number)
                segments.append(dataclasses.replace(seg, aliases=aliases.get(name, ())))
    return CatmaProject(texts=texts, segments=segments)
