"""Read, validate and write codebook YAML files (a file a researcher edits by hand).

The format (every key but ``name`` and ``codes`` is optional)::

    name: migrant_care                 # short id of the codebook
    version: "1.0"
    description: Factors and stages of NGO assistance to trafficked migrant workers.
    languages: [id, en]                # first one = language of shorthand cues/examples
    facets:                            # study dimensions: facet -> allowed values
      factor: [supporting, inhibiting]
      level: [organisation, individual]
    facet_labels:                      # display labels per language (optional)
      factor.supporting: {id: Pendukung, en: Supporting}
      code.fear: {id: Ketakutan, en: Fear}   # a code's display name per language
    negators:                          # per language; built-in defaults when omitted
      id: [tidak, bukan, belum, tanpa]
    negation_window: 3                 # tokens before a cue searched for a negator
    codes:
      - id: org_inhibit_documents      # unique; letters, digits, _ . -
        name: Missing personal documents
        parent: org_inhibiting         # another code's id (hierarchy), optional
        facets: {factor: inhibiting, level: organisation}   # inherited by children
        description: ...               # also: inclusion, exclusion, memo, color
        negation: skip                 # skip (default) | allow | only
        cues:
          - paspor                     # shorthand: word/phrase, stem match, first language
          - kartu keluarga             # (several words -> a phrase cue)
          - {pattern: passport, lang: en}
          - {pattern: "ktp|paspor", near: "tidak ada|hilang|ditahan", window: 4}
          - {pattern: '\\bKTP\\b', kind: regex, case: true}
          - {pattern: paspor baru, exclude: true}    # exclusion cue
        examples:
          positive:
            - Paspor saya ditahan agen.
            - {text: My passport was kept by the agent., lang: en}
          negative:
            - Saya mengurus paspor baru.

Cue keys: ``pattern`` (``|`` separates alternatives in word/phrase/near cues), ``lang``
(a language of the codebook or ``any``), ``kind`` (``word``, ``phrase``, ``regex``,
``near``; inferred when omitted), ``match`` (``stem``, ``exact``, ``prefix``), ``case``
(regex only), ``near`` and ``window`` (proximity), ``exclude``, ``negation``.
Examples may also be a list of ``{text, positive, lang}`` mappings.

:func:`validate_codebook` reports every problem at once, each with the code id and the
YAML line; :func:`load_codebook` raises :class:`~qualkit.errors.CodebookError` listing
them. :func:`save_codebook` writes the same format atomically;
``load_codebook(save_codebook(book, p)) == book``.

Example
-------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "cb.yaml"
>>> _ = path.write_text("name: demo\\ncodes:\\n  - id: fear\\n    name: Fear\\n    cues: [takut]\\n")
>>> load_codebook(path).code("fear").cues[0].pattern
'takut'
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import regex

from qualkit.codebook.model import (
    CUE_KINDS, MATCH_MODES, NEGATION_MODES, Code, Codebook, Cue, Example, hierarchy_problems,
)
# the writing half, re-exported (qualkit.project uses _Dumper)
from qualkit.codebook.save import _Dumper, codebook_data, save_codebook  # noqa: F401
from qualkit.codebook.yaml_lines import LineDict, line_of, parse_yaml
from qualkit.errors import CodebookError, Problem
from qualkit.text import supported_languages, tokenize

TOP_KEYS = ("name", "version", "description", "languages", "facets", "facet_labels",
            "negators", "negation_window", "codes")
CODE_KEYS = ("id", "name", "description", "inclusion", "exclusion", "parent", "facets",
             "negation", "memo", "color", "cues", "examples")
CUE_KEYS = ("pattern", "lang", "kind", "match", "case", "near", "window", "exclude", "negation")
EXAMPLE_KEYS = ("text", "positive", "lang")
_ID_RE = re.compile(r"^[A-Za-z][\w.\-]*$")


# -- YAML with line numbers ---------------------------------------------------------------
COLOR_RE = re.compile(r"#[0-9a-fA-F]{6}")
"""The one colour form codebooks accept (safe to put into HTML, SVG and XML attributes)."""


# -- building a Codebook from data, collecting every problem -----------------------------------
class _Builder:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, message: str, where: str | None, line: int | None, hint: str) -> None:
        self.problems.append(Problem(message, where=where, line=line, hint=hint))

    def text(self, data: Mapping, key: str, where: str, *, required: bool = False, default: str = "") -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.add(f"missing '{key}'", where, line_of(data), f"add '{key}: ...' to {where}")
            return default
        if isinstance(value, bool) or isinstance(value, (Mapping, list)):
            self.add(f"'{key}' must be text; got {type(value).__name__}", where, line_of(data, key),
                     f"write {key} as a plain string (quote it if needed)")
            return default
        return str(value)

    def flag(self, data: Mapping, key: str, where: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.add(f"'{key}' must be true or false; got {value!r}", where, line_of(data, key),
                     f"write '{key}: true' or '{key}: false'")
            return default
        return value

    def integer(self, data: Mapping, key: str, where: str, default: int, minimum: int) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.add(f"'{key}' must be a whole number >= {minimum}; got {value!r}", where,
                     line_of(data, key), f"write e.g. '{key}: {default}'")
            return default
        return value


def _check_language(b: _Builder, lang: Any, where: str, line: int | None, languages: tuple[str, ...],
                    *, allow_any: bool = False) -> bool:
    if allow_any and lang == "any":
        return True
    if not isinstance(lang, str) or lang not in supported_languages():
        b.add(f"language {lang!r} has no stemmer", where, line,
              f"use one of {', '.join(supported_languages())} (ISO 639-1 codes)")
        return False
    if languages and lang not in languages:
        b.add(f"language {lang!r} is not among the codebook's languages {list(languages)}", where, line,
              f"add {lang} to 'languages' at the top of the file, or fix the cue's lang")
        return False
    return True


def _build_cue(b: _Builder, item: Any, where: str, line: int | None, languages: tuple[str, ...]) -> Cue | None:
    default_lang = languages[0] if languages else "id"
    if isinstance(item, str):
        item = LineDict(pattern=item)
        item.line, item.key_lines, item.duplicates = line, {}, []
    if not isinstance(item, Mapping):
        b.add(f"a cue must be a word/phrase or a mapping with 'pattern'; got {item!r}", where, line,
              "write the cue as a string (- takut) or as {pattern: takut, lang: id}")
        return None
    line = line_of(item, default=line)
    for key in item:
        if key not in CUE_KEYS:
            b.add(f"unknown cue key {key!r}", where, line_of(item, key),
                  f"use only {', '.join(CUE_KEYS)}")
    pattern = item.get("pattern")
    if not isinstance(pattern, str) or not pattern.strip():
        b.add("empty cue pattern" if pattern in (None, "") or isinstance(pattern, str)
              else f"cue pattern must be text; got {pattern!r}", where, line,
              "give the cue a non-empty 'pattern' (quote it if it is a number)")
        return None
    near = item.get("near")
    kind = item.get("kind")
    if kind is None:
        kind = "near" if near is not None else ("phrase" if len(tokenize(pattern)) > 1 else "word")
    ok = True
    if kind not in CUE_KINDS:
        b.add(f"unknown cue kind {kind!r} for pattern {pattern!r}", where, line_of(item, "kind"),
              f"use one of {', '.join(CUE_KINDS)}")
        ok = False
    match = item.get("match", "stem")
    if match not in MATCH_MODES:
        b.add(f"unknown match mode {match!r} for pattern {pattern!r}", where, line_of(item, "match"),
              f"use one of {', '.join(MATCH_MODES)}")
        ok = False
    lang = item.get("lang", default_lang)
    ok &= _check_language(b, lang, where, line_of(item, "lang"), languages, allow_any=True)
    negation = item.get("negation")
    if negation is not None and negation not in NEGATION_MODES:
        b.add(f"unknown negation mode {negation!r}", where, line_of(item, "negation"),
              f"use one of {', '.join(NEGATION_MODES)}")
        ok = False
    case = b.flag(item, "case", where, False)
    exclude = b.flag(item, "exclude", where, False)
    window = b.integer(item, "window", where, 5, 1)
    if kind == "regex":
        try:
            regex.compile(pattern)
        except regex.error as err:
            b.add(f"invalid regular expression {pattern!r}: {err}", where, line,
                  "fix the regex (quote it in single quotes so backslashes stay literal)")
            ok = False
    elif kind in ("word", "phrase", "near"):
        for side, text in (("pattern", pattern), ("near", near)):
            if side == "near" and kind != "near":
                continue
            if not isinstance(text, str) or not any(tokenize(a) for a in text.split("|")):
                b.add(f"cue {side} {text!r} has no words to match", where, line,
                      f"give '{side}' one or more words (alternatives separated by |)")
                ok = False
            elif any(not tokenize(a) for a in text.split("|")):
                b.add(f"cue {side} {text!r} has an empty alternative", where, line,
                      "remove the stray '|' or the punctuation-only alternative")
                ok = False
        if kind == "word" and any(len(tokenize(a)) > 1 for a in pattern.split("|")):
            b.add(f"word cue {pattern!r} has several words", where, line,
                  "use kind: phrase (or drop 'kind' to have it inferred)")
            ok = False
        if near is not None and kind != "near":
            b.add(f"'near' is set but the cue kind is {kind!r}", where, line_of(item, "near"),
                  "use kind: near, or remove 'near'")
            ok = False
    if not ok:
        return None
    return Cue(pattern=pattern, lang=lang, kind=kind, match=match, case=case,
               near=None if near is None else str(near), window=window, exclude=exclude,
               negation=negation, line=line)


def _build_examples(b: _Builder, value: Any, where: str, line: int | None,
                    languages: tuple[str, ...]) -> list[Example]:
    default_lang = languages[0] if languages else "id"
    items: list[tuple[Any, bool | None, int | None]] = []
    if isinstance(value, Mapping):
        for key in value:
            if key not in ("positive", "negative"):
                b.add(f"unknown examples key {key!r}", where, line_of(value, key),
                      "use 'positive:' and 'negative:' lists")
        for key in ("positive", "negative"):
            seq = value.get(key) or []
            if not isinstance(seq, list):
                b.add(f"examples '{key}' must be a list", where, line_of(value, key), f"write '{key}:' then '- text' lines")
                continue
            lines = getattr(seq, "item_lines", [None] * len(seq))
            items += [(x, key == "positive", ln) for x, ln in zip(seq, lines)]
    elif isinstance(value, list):
        lines = getattr(value, "item_lines", [None] * len(value))
        items = [(x, None, ln) for x, ln in zip(value, lines)]
    else:
        b.add("examples must be a list or a mapping with positive/negative lists", where, line,
              "see the format in the codebook file's header")
        return []
    out = []
    for item, positive, ln in items:
        if isinstance(item, str):
            item = {"text": item}
        if not isinstance(item, Mapping):
            b.add(f"an example must be text or {{text, positive, lang}}; got {item!r}", where, ln,
                  "write the example sentence as a string")
            continue
        for key in item:
            if key not in EXAMPLE_KEYS:
                b.add(f"unknown example key {key!r}", where, line_of(item, key, ln), f"use only {', '.join(EXAMPLE_KEYS)}")
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            b.add("example without text", where, ln, "give the example a non-empty 'text'")
            continue
        pos = positive if positive is not None else b.flag(item, "positive", where, True)
        lang = item.get("lang", default_lang)
        if not _check_language(b, lang, where, line_of(item, "lang", ln), languages):
            continue
        out.append(Example(text=text, positive=pos, lang=lang, line=ln))
    return out


def _build_code(b: _Builder, data: Any, line: int | None, index: int, book: dict) -> Code | None:
    if not isinstance(data, Mapping):
        b.add(f"code #{index + 1} must be a mapping with id, name, cues ...", None, line,
              "start each code with '- id: ...' and indent its keys")
        return None
    line = line_of(data, default=line)
    raw_id = data.get("id")
    where = str(raw_id) if raw_id is not None else f"code #{index + 1}"
    for key, ln in getattr(data, "duplicates", []):
        b.add(f"key {key!r} appears twice in this code", where, ln, "keep one of them")
    for key in data:
        if key not in CODE_KEYS:
            b.add(f"unknown code key {key!r}", where, line_of(data, key), f"use only {', '.join(CODE_KEYS)}")
    ok = True
    if not isinstance(raw_id, str) or not _ID_RE.match(raw_id):
        b.add(f"code id {raw_id!r} is missing or not an identifier", where, line_of(data, "id"),
              "give each code an 'id' of letters, digits and _ starting with a letter")
        ok = False
    name = b.text(data, "name", where, required=True)
    strings = {k: b.text(data, k, where) for k in ("description", "inclusion", "exclusion", "memo")}
    parent = data.get("parent")
    if parent is not None and not isinstance(parent, str):
        b.add(f"parent must be a code id; got {parent!r}", where, line_of(data, "parent"), "write the parent code's id")
        parent = None
    color = data.get("color")
    if color is not None and not (isinstance(color, str) and COLOR_RE.fullmatch(color)):
        b.add(f"color must be '#' and six hex digits such as '#1f77b4'; got {color!r}", where,
              line_of(data, "color"), "quote the colour: color: '#1f77b4'")
        color = None
    negation = data.get("negation", "skip")
    if negation not in NEGATION_MODES:
        b.add(f"unknown negation mode {negation!r}", where, line_of(data, "negation"),
              f"use one of {', '.join(NEGATION_MODES)}")
        negation = "skip"
    facets: dict[str, str] = {}
    raw_facets = data.get("facets") or {}
    if not isinstance(raw_facets, Mapping):
        b.add("facets must be a mapping facet: value", where, line_of(data, "facets"),
              "write e.g. facets: {factor: supporting, level: organisation}")
    else:
        for facet, value in raw_facets.items():
            ln = line_of(raw_facets, facet)
            if facet not in book["facets"]:
                b.add(f"unknown facet {facet!r}", where, ln,
                      f"declare it under 'facets' at the top, or use one of {sorted(book['facets'])}")
            elif value not in book["facets"][facet]:
                b.add(f"unknown value {value!r} for facet {facet!r}", where, ln,
                      f"use one of {list(book['facets'][facet])}")
            else:
                facets[facet] = value
    cues: list[Cue] = []
    if "cues" in data:
        raw_cues = data["cues"]
        if raw_cues is None or raw_cues == []:
            b.add("empty cues", where, line_of(data, "cues"),
                  "add cues, or remove the 'cues' key for a grouping code without cues")
        elif not isinstance(raw_cues, list):
            b.add("cues must be a list", where, line_of(data, "cues"), "write 'cues:' then one '- cue' per line")
        else:
            lines = getattr(raw_cues, "item_lines", [None] * len(raw_cues))
            for item, ln in zip(raw_cues, lines):
                cue = _build_cue(b, item, where, ln, book["languages"])
                if cue is not None:
                    cues.append(cue)
    examples = _build_examples(b, data["examples"], where, line_of(data, "examples"),
                               book["languages"]) if data.get("examples") is not None else []
    if not ok:
        return None
    return Code(id=raw_id, name=name, parent=parent, facets=facets, cues=tuple(cues),
                examples=tuple(examples), negation=negation, color=color, line=line, **strings)


def _build_book(data: Any, path: str | None) -> tuple[Codebook | None, list[Problem]]:
    b = _Builder()
    if not isinstance(data, Mapping):
        b.add("a codebook file must be a mapping with 'name' and 'codes'", path, line_of(data, default=1),
              "start the file with 'name: ...' and 'codes:' (see the format in qualkit.codebook.io)")
        return None, b.problems
    for key, ln in getattr(data, "duplicates", []):
        b.add(f"top-level key {key!r} appears twice", path, ln, "keep one of them")
    for key in data:
        if key not in TOP_KEYS:
            b.add(f"unknown top-level key {key!r}", path, line_of(data, key), f"use only {', '.join(TOP_KEYS)}")
    name = b.text(data, "name", "codebook", required=True)
    version = b.text(data, "version", "codebook")
    description = b.text(data, "description", "codebook")
    languages = _languages(b, data)
    facets = _facets(b, data)
    labels, pending_code_labels = _facet_labels(b, data, facets)
    negators = _negators(b, data, languages)
    window = b.integer(data, "negation_window", "negation_window", 3, 0)
    codes = _codes(b, data, {"facets": facets, "languages": languages})
    ids = {c.id for c in codes}
    for code_id, key, ln in pending_code_labels:
        if code_id not in ids:
            b.add(f"label {key!r} names no code", "facet_labels", ln,
                  "use 'code.<id>' with the id of a code in this file")
    for c in codes:
        if c.parent is not None and c.parent not in ids:
            b.add(f"unknown parent {c.parent!r}", c.id, c.line,
                  "use the id of another code in this file as 'parent', or remove it")
    b.problems.extend(hierarchy_problems(codes))
    if b.problems:
        return None, b.problems
    return Codebook(name=name, codes=tuple(codes), facets=facets, languages=languages,
                    description=description, version=version, facet_labels=labels,
                    negators=negators, negation_window=window, path=path), []


def _languages(b: _Builder, data: Mapping[str, Any]) -> tuple[str, ...]:
    """The codebook's ``languages`` (default ``id, en``)."""
    languages: tuple[str, ...] = ("id", "en")
    raw_langs = data.get("languages")
    if raw_langs is not None:
        if not isinstance(raw_langs, list) or not raw_langs:
            b.add("languages must be a non-empty list", "languages", line_of(data, "languages"),
                  "write e.g. languages: [id, en]")
        else:
            langs = [x for x in raw_langs if _check_language(b, x, "languages", line_of(data, "languages"), ())]
            languages = tuple(langs) or languages
    return languages


def _facets(b: _Builder, data: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """The ``facets``: facet name -> its values."""
    facets: dict[str, tuple[str, ...]] = {}
    raw_facets = data.get("facets") or {}
    if not isinstance(raw_facets, Mapping):
        b.add("facets must map a facet name to its list of values", "facets", line_of(data, "facets"),
              "write e.g. facets: {factor: [supporting, inhibiting]}")
    else:
        for facet, values in raw_facets.items():
            if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
                b.add(f"facet {facet!r} must list its values as text", "facets", line_of(raw_facets, facet),
                      f"write {facet}: [value1, value2]")
                continue
            facets[str(facet)] = tuple(values)
    return facets


def _facet_labels(b: _Builder, data: Mapping[str, Any], facets: Mapping[str, tuple[str, ...]]
                  ) -> tuple[dict[str, dict[str, str]], list[tuple[str, str, int | None]]]:
    """The ``facet_labels``, and the ``code.<id>`` labels to check once the codes are read."""
    labels: dict[str, dict[str, str]] = {}
    pending_code_labels: list[tuple[str, str, int | None]] = []
    raw_labels = data.get("facet_labels") or {}
    if not isinstance(raw_labels, Mapping):
        b.add("facet_labels must be a mapping", "facet_labels", line_of(data, "facet_labels"),
              "write e.g. facet_labels: {factor.supporting: {id: Pendukung, en: Supporting}}")
    else:
        for key, per_lang in raw_labels.items():
            facet, _, value = str(key).partition(".")
            ln = line_of(raw_labels, key)
            is_code_label = facet == "code" and bool(value) and "code" not in facets
            if is_code_label:
                pending_code_labels.append((value, str(key), ln))  # checked once codes are read
            if not is_code_label and (facet not in facets or (value and value not in facets[facet])):
                b.add(f"facet label {key!r} names no declared facet or value", "facet_labels", ln,
                      "use 'facet', 'facet.value' with a declared facet and value, or 'code.<id>'")
            elif not isinstance(per_lang, Mapping) or not all(isinstance(v, str) for v in per_lang.values()):
                b.add(f"facet label {key!r} must map languages to text", "facet_labels", ln,
                      "write e.g. {id: Pendukung, en: Supporting}")
            else:
                labels[str(key)] = {str(k): v for k, v in per_lang.items()}
    return labels, pending_code_labels


def _negators(b: _Builder, data: Mapping[str, Any], languages: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The ``negators`` per language."""
    negators: dict[str, tuple[str, ...]] = {}
    raw_neg = data.get("negators") or {}
    if not isinstance(raw_neg, Mapping):
        b.add("negators must map a language to a list of words", "negators", line_of(data, "negators"),
              "write e.g. negators: {id: [tidak, bukan], en: [not, no]}")
    else:
        for lang, words in raw_neg.items():
            if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
                b.add(f"negators for {lang!r} must be a list of words", "negators", line_of(raw_neg, lang),
                      f"write {lang}: [word1, word2]")
                continue
            if _check_language(b, lang, "negators", line_of(raw_neg, lang), languages):
                negators[lang] = tuple(words)
    return negators


def _codes(b: _Builder, data: Mapping[str, Any], book: dict[str, Any]) -> list[Code]:
    """The ``codes``, each checked (:func:`_build_code`), ids unique."""
    codes: list[Code] = []
    raw_codes = data.get("codes")
    if not isinstance(raw_codes, list) or not raw_codes:
        b.add("the codebook has no codes", "codes", line_of(data, "codes", 1),
              "add a 'codes:' list with at least one '- id: ...' entry")
        raw_codes = []
    lines = getattr(raw_codes, "item_lines", [None] * len(raw_codes))
    first_line: dict[str, int | None] = {}
    for i, (item, ln) in enumerate(zip(raw_codes, lines)):
        code = _build_code(b, item, ln, i, book)
        if code is None:
            continue
        if code.id in first_line:
            b.add(f"duplicate code id {code.id!r} (first defined on line {first_line[code.id]})",
                  code.id, code.line, "give every code a unique id")
            continue
        first_line[code.id] = code.line
        codes.append(code)
    return codes


def _read(data_or_path: Any) -> tuple[Any, str | None, list[Problem]]:
    if isinstance(data_or_path, (str, os.PathLike)):
        path = Path(data_or_path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            return None, str(path), [Problem(f"cannot read the codebook: {err}", where=str(path),
                                             hint="check the path and that the file is UTF-8 text")]
        data, problems = parse_yaml(text, str(path))
        return data, str(path), problems
    return data_or_path, None, []


def validate_codebook(data_or_path: Any) -> list[Problem]:
    """Every problem in a codebook file (or its parsed data); empty when it is valid.

    >>> [str(p) for p in validate_codebook({"name": "x", "codes": [{"id": "a", "name": "A", "parent": "b"}]})]
    ["[a] unknown parent 'b' -> use the id of another code in this file as 'parent', or remove it"]
    """
    data, path, problems = _read(data_or_path)
    if problems:
        return problems
    return _build_book(data, path)[1]


def load_codebook(path: str | os.PathLike[str]) -> Codebook:
    """Read and validate a codebook YAML file; CodebookError lists every problem."""
    data, spath, problems = _read(path)
    book = None
    if not problems:
        book, problems = _build_book(data, spath)
    if problems or book is None:
        raise CodebookError(problems, path=spath)
    return book


# -- writing -----------------------------------------------------------------------------


__all__ = ["codebook_data", "load_codebook", "save_codebook", "validate_codebook"]
