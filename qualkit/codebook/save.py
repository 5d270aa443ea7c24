"""Write codebooks as YAML a researcher can edit (:func:`save_codebook`); the format is
described in :mod:`qualkit.codebook.io`, which reads it back (and re-exports these).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from qualkit._io import atomic_write
from qualkit.codebook.model import Codebook, Cue, Example
from qualkit.text import tokenize


def _cue_data(cue: Cue, default_lang: str) -> Any:
    inferred = "near" if cue.near is not None else ("phrase" if len(tokenize(cue.pattern)) > 1 else "word")
    plain = (cue.kind == inferred and cue.kind in ("word", "phrase") and cue.lang == default_lang
             and cue.match == "stem" and not cue.case and cue.window == 5 and not cue.exclude
             and cue.negation is None)
    if plain:
        return cue.pattern
    out: dict[str, Any] = {"pattern": cue.pattern}
    if cue.lang != default_lang:
        out["lang"] = cue.lang
    if cue.kind != inferred:
        out["kind"] = cue.kind
    if cue.match != "stem":
        out["match"] = cue.match
    if cue.case:
        out["case"] = True
    if cue.near is not None:
        out["near"] = cue.near
    if cue.window != 5:
        out["window"] = cue.window
    if cue.exclude:
        out["exclude"] = True
    if cue.negation is not None:
        out["negation"] = cue.negation
    return out


def _examples_data(examples: tuple[Example, ...], default_lang: str) -> Any:
    def one(e: Example) -> Any:
        return e.text if e.lang == default_lang else {"text": e.text, "lang": e.lang}

    flags = [e.positive for e in examples]
    if flags == sorted(flags, reverse=True):   # positives first: the grouped form
        out: dict[str, list] = {}
        pos = [one(e) for e in examples if e.positive]
        neg = [one(e) for e in examples if not e.positive]
        if pos:
            out["positive"] = pos
        if neg:
            out["negative"] = neg
        return out
    return [{"text": e.text, "positive": e.positive, "lang": e.lang} for e in examples]


def codebook_data(book: Codebook) -> dict[str, Any]:
    """The plain data :func:`save_codebook` writes (the readable, shorthand form)."""
    default_lang = book.languages[0] if book.languages else "id"
    data: dict[str, Any] = {"name": book.name}
    if book.version:
        data["version"] = book.version
    if book.description:
        data["description"] = book.description
    data["languages"] = list(book.languages)
    if book.facets:
        data["facets"] = {k: list(v) for k, v in book.facets.items()}
    if book.facet_labels:
        data["facet_labels"] = {k: dict(v) for k, v in book.facet_labels.items()}
    if book.negators:
        data["negators"] = {k: list(v) for k, v in book.negators.items()}
    data["negation_window"] = book.negation_window
    codes = []
    for c in book.codes:
        item: dict[str, Any] = {"id": c.id, "name": c.name}
        if c.parent is not None:
            item["parent"] = c.parent
        if c.facets:
            item["facets"] = dict(c.facets)
        for key in ("description", "inclusion", "exclusion"):
            if getattr(c, key):
                item[key] = getattr(c, key)
        if c.negation != "skip":
            item["negation"] = c.negation
        if c.memo:
            item["memo"] = c.memo
        if c.color is not None:
            item["color"] = c.color
        if c.cues:
            item["cues"] = [_cue_data(q, default_lang) for q in c.cues]
        if c.examples:
            item["examples"] = _examples_data(c.examples, default_lang)
        codes.append(item)
    data["codes"] = codes
    return data


class _Dumper(yaml.SafeDumper):
    pass


def _str_rep(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_rep)


def save_codebook(book: Codebook, path: str | os.PathLike[str], *, header: str = "") -> Path:
    """Write ``book`` as YAML (atomically); ``header`` is written as ``#`` comment lines.

    >>> import tempfile, pathlib
    >>> from qualkit.codebook.model import Codebook, Code, Cue
    >>> from qualkit.codebook.io import load_codebook
    >>> book = Codebook(name="d", codes=(Code(id="a", name="A", cues=(Cue("takut"),)),))
    >>> p = save_codebook(book, pathlib.Path(tempfile.mkdtemp()) / "d.yaml")
    >>> load_codebook(p) == book
    True
    """
    body = yaml.dump(codebook_data(book), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=100, default_flow_style=None)
    comment = "".join(f"# {ln}".rstrip() + "\n" for ln in header.splitlines()) if header else ""
    atomic_write(path, comment + body)
    return Path(path)


__all__ = ["codebook_data", "save_codebook"]
