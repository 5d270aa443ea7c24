"""The codebook as data: Codebook, Code, Cue, Example (frozen dataclasses).

A codebook is read from a YAML file (see :mod:`qualkit.codebook.io`), validated as a
whole, and compiled into a matcher by :mod:`qualkit.coding`. Facets (the study's
dimensions, e.g. ``factor``, ``level``, ``stage``) are declared once with their allowed
values; each code carries any of them, so study tables are group-bys over facets.

Cue kinds (``Cue.kind``) and how they match, always explicit in the file:

- ``word`` / ``phrase``: token sequence on normalised tokens; ``match`` is ``stem``
  (Indonesian: Sastrawi stems, so *ketakutan* matches *takut*; English: Snowball stems),
  ``exact`` (case-folded tokens) or ``prefix`` (token starts with the pattern).
- ``regex``: a Python regular expression over the passage text (``case`` sensitive or not).
- ``near``: two cues (``pattern`` and ``near``) within ``window`` tokens of each other.
- Any cue with ``exclude: true`` is an exclusion cue: when it matches, the code does
  not apply to that passage.

Negation: a cue preceded within ``negation_window`` tokens by a negator (``tidak``,
``bukan``, ``belum``, ``tanpa``, ``not``, ``no``, ``never`` ...) does not count, unless
the cue (or its code) says ``negation: allow`` (count anyway) or ``negation: only``
(count only negated mentions). Double negatives ("tidak berhenti melapor", "never gave
up") and negative verbs follow the scope rules of :mod:`qualkit.coding.negation`.

Example
-------
>>> cue = Cue(pattern="takut", lang="id")
>>> code = Code(id="fear", name="Fear", facets={"factor": "inhibiting"}, cues=(cue,))
>>> book = Codebook(name="demo", facets={"factor": ("supporting", "inhibiting")}, codes=(code,))
>>> book.code("fear").name
'Fear'
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from types import MappingProxyType
from typing import Any

from qualkit.errors import CodebookError, Problem

_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
MAX_DEPTH = 100
"""Deepest code hierarchy accepted (levels of ``parent``)."""
CUE_KINDS = ("word", "phrase", "regex", "near")
MATCH_MODES = ("stem", "exact", "prefix")
NEGATION_MODES = ("skip", "allow", "only")


def _code_dict(code: Code) -> dict[str, Any]:
    """A code as plain data (``asdict`` cannot deep-copy the read-only facets mapping)."""
    out = {f.name: getattr(code, f.name) for f in fields(code)}
    out["facets"] = dict(code.facets)
    out["cues"] = [asdict(c) for c in code.cues]
    out["examples"] = [asdict(e) for e in code.examples]
    return out


def _thaw(value: Any) -> Any:
    """Read-only mappings back to dicts (recursively), so frozen objects can be pickled."""
    if isinstance(value, (MappingProxyType, dict)):
        return {k: _thaw(v) for k, v in value.items()}
    return value


def _rebuild(cls: type, kwargs: dict[str, Any]) -> Any:
    return cls(**kwargs)


def _reduce(obj: Any) -> tuple:
    return (_rebuild, (type(obj), {f.name: _thaw(getattr(obj, f.name)) for f in fields(obj)}))


def _freeze(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


@dataclass(frozen=True)
class Cue:
    """How a code is recognised in one language.

    ``kind`` is one of :data:`CUE_KINDS`; ``match`` one of :data:`MATCH_MODES` (word and
    phrase cues); ``case`` makes regex cues case-sensitive; ``near``/``window`` define a
    proximity rule; ``exclude`` marks an exclusion cue; ``negation`` overrides the code's
    negation mode; ``line`` is the cue's line in the codebook file (for messages).
    """

    pattern: str
    lang: str = "id"
    kind: str = "word"
    match: str = "stem"
    case: bool = False
    near: str | None = None
    window: int = 5
    exclude: bool = False
    negation: str | None = None
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Example:
    """An executable example sentence: ``positive`` examples must be coded, others not."""

    text: str
    positive: bool = True
    lang: str = "id"
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Code:
    """One code: id, name, definition, rules, hierarchy, facet values, cues, examples."""

    id: str
    name: str
    description: str = ""
    inclusion: str = ""
    exclusion: str = ""
    parent: str | None = None
    facets: Mapping[str, str] = field(default_factory=dict)
    cues: tuple[Cue, ...] = ()
    examples: tuple[Example, ...] = ()
    negation: str = "skip"
    memo: str = ""
    color: str | None = None
    line: int | None = field(default=None, compare=False)

    __reduce__ = _reduce

    def __post_init__(self) -> None:
        if self.color is not None and not (isinstance(self.color, str) and _COLOR.fullmatch(self.color)):
            raise CodebookError([Problem(
                f"color must be '#' and six hex digits such as '#1f77b4'; got {self.color!r}",
                where=self.id, line=self.line, hint="give the code a colour such as '#1f77b4', or none")])
        object.__setattr__(self, "facets", _freeze(self.facets))
        object.__setattr__(self, "cues", tuple(self.cues))
        object.__setattr__(self, "examples", tuple(self.examples))


@dataclass(frozen=True)
class Codebook:
    """A validated set of codes with declared facets and languages.

    ``facets`` maps a facet name to its allowed values (in display order);
    ``facet_labels`` optionally maps ``facet`` or ``facet.value`` to display labels per
    language (``{"factor.supporting": {"id": "Pendukung", "en": "Supporting"}}``).
    """

    name: str
    codes: tuple[Code, ...]
    facets: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    languages: tuple[str, ...] = ("id", "en")
    description: str = ""
    version: str = ""
    facet_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    negators: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    negation_window: int = 3
    path: str | None = field(default=None, compare=False)

    __reduce__ = _reduce

    def __post_init__(self) -> None:
        object.__setattr__(self, "codes", tuple(self.codes))
        object.__setattr__(
            self, "facets", MappingProxyType({k: tuple(v) for k, v in dict(self.facets).items()})
        )
        object.__setattr__(self, "languages", tuple(self.languages))
        object.__setattr__(
            self, "facet_labels", MappingProxyType({k: _freeze(v) for k, v in dict(self.facet_labels).items()})
        )
        object.__setattr__(
            self, "negators", MappingProxyType({k: tuple(v) for k, v in dict(self.negators).items()})
        )

    # -- lookup ---------------------------------------------------------------------
    def code(self, code_id: str) -> Code:
        """The code with this id (KeyError naming the id otherwise)."""
        for c in self.codes:
            if c.id == code_id:
                return c
        raise KeyError(f"codebook {self.name!r} has no code {code_id!r}")

    def __contains__(self, code_id: object) -> bool:
        return any(c.id == code_id for c in self.codes)

    def children(self, code_id: str | None) -> tuple[Code, ...]:
        """Direct children of a code (``None``: the top-level codes)."""
        return tuple(c for c in self.codes if c.parent == code_id)

    def facet(self, code_id: str, facet: str) -> str | None:
        """A code's value for a facet, inherited from its ancestors when not set."""
        seen: set[str] = set()
        current: str | None = code_id
        while current is not None and current not in seen:
            seen.add(current)
            code = self.code(current)
            if facet in code.facets:
                return code.facets[facet]
            current = code.parent
        return None

    def code_name(self, code_id: str, lang: str | None = None) -> str:
        """A code's display name in a language: its ``code.<id>`` entry in
        ``facet_labels`` when there is one for ``lang``, else ``Code.name``.

        >>> book = Codebook(name="b", codes=(Code(id="fear", name="Fear"),),
        ...                 facet_labels={"code.fear": {"id": "Ketakutan"}})
        >>> book.code_name("fear", "id"), book.code_name("fear", "en")
        ('Ketakutan', 'Fear')
        """
        labels = self.facet_labels.get(f"code.{code_id}", {})
        if lang and lang in labels:
            return labels[lang]
        return self.code(code_id).name

    def label(self, key: str, lang: str = "en") -> str:
        """Display label of a facet or ``facet.value`` in a language (the key's last part
        with ``_`` as space when none is declared)."""
        labels = self.facet_labels.get(key, {})
        if lang in labels:
            return labels[lang]
        return key.rsplit(".", 1)[-1].replace("_", " ")

    # -- identity -------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (what the YAML file holds), without line numbers or path."""

        def clean(obj: Any) -> Any:
            if isinstance(obj, Mapping):
                return {k: clean(v) for k, v in obj.items() if k not in ("line", "path")}
            if isinstance(obj, (list, tuple)):
                return [clean(v) for v in obj]
            return obj

        data = {
            "name": self.name, "version": self.version, "description": self.description,
            "languages": list(self.languages), "facets": {k: list(v) for k, v in self.facets.items()},
            "facet_labels": {k: dict(v) for k, v in self.facet_labels.items()},
            "negators": {k: list(v) for k, v in self.negators.items()},
            "negation_window": self.negation_window,
            "codes": [clean(_code_dict(c)) for c in self.codes],
        }
        return clean(data)

    @property
    def hash(self) -> str:
        """Version hash: first 12 hex digits of the SHA-256 of the canonical JSON form.

        Recorded in every coding the codebook produces; any change to a code changes it.
        """
        blob = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]

    def codes_frame(self):  # -> pd.DataFrame
        """One row per code: ``code_id, name, parent, description, inclusion, exclusion,
        n_cues, n_examples`` plus one column per declared facet (inherited values)."""
        import pandas as pd

        rows = []
        for c in self.codes:
            row = {
                "code_id": c.id, "name": c.name, "parent": c.parent,
                "description": c.description, "inclusion": c.inclusion,
                "exclusion": c.exclusion, "n_cues": len(c.cues), "n_examples": len(c.examples),
            }
            for f in self.facets:
                row[f] = self.facet(c.id, f)
            rows.append(row)
        return pd.DataFrame(rows)


def hierarchy_problems(codes: list[Code] | tuple[Code, ...]) -> list[Problem]:
    """Parent cycles and hierarchies deeper than :data:`MAX_DEPTH` (linear time); parents
    that name no code are left to the caller.

    >>> [str(p) for p in hierarchy_problems([Code(id="a", name="A", parent="b"), Code(id="b", name="B", parent="a")])]
    ['[a] parent cycle: a -> b -> a -> make the hierarchy a tree: one of these codes must not point back up']
    """
    parents = {c.id: c.parent for c in codes}
    problems: list[Problem] = []
    depth: dict[str, int] = {}
    reported: set[str] = set()
    for c in codes:
        chain, current = [], c.id
        on_chain: set[str] = set()
        while current is not None and current in parents and current not in depth and current not in on_chain:
            chain.append(current)
            on_chain.add(current)
            current = parents[current]
        if current is not None and current in on_chain:
            cycle = chain[chain.index(current):]
            if current not in reported:
                reported.update(cycle)
                line = next((x.line for x in codes if x.id == current), None)
                problems.append(Problem(f"parent cycle: {' -> '.join(cycle + [current])}", current, line,
                                        "make the hierarchy a tree: one of these codes must not point back up"))
            for x in chain:
                depth[x] = 0
            continue
        below = depth.get(current, 0) if current is not None else 0
        for x in reversed(chain):
            below += 1
            depth[x] = below
    deep = [c for c in codes if depth.get(c.id, 0) > MAX_DEPTH]
    if deep:
        worst = max(deep, key=lambda c: depth[c.id])
        problems.append(Problem(
            f"the code hierarchy is {depth[worst.id]} levels deep (at most {MAX_DEPTH} allowed)", worst.id,
            worst.line, "a codebook needs a few levels; check the 'parent' fields for a chain that was "
                        "generated by mistake"))
    return problems
