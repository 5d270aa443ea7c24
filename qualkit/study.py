"""The study design as data: source types, informant groups, tables, triangulation, report.

A :class:`Study` holds every study-specific word qualkit writes: labels of the source
types and informant groups, which facets form the factor matrix and the stage table, how
findings are triangulated, the report's title, method paragraph, sections and captions,
and the pseudonym templates. Outputs ask it (:meth:`Study.label`, :meth:`Study.caption`,
:meth:`Study.method`, ...) instead of keeping their own word lists.

Where it comes from:

- :func:`load_study` reads a ``study.yaml`` file (validated as a whole: every problem at
  once, with its line and what to do; :class:`StudyError`);
- :func:`find_study` finds ``study.yaml`` beside the manifest (in the data folder);
- :meth:`Study.default` derives a design from the data when there is no file: the source
  types and informant groups the manifest uses (labelled from their ids,
  ``focus_group`` -> "Focus group"), a factor matrix only when the codebook has the
  row and column facets, a stage table only when it has a ``stage`` facet.

The file format (every key optional)::

    title: {en: "...", id: "..."}        # or a plain string
    languages: [en]                       # languages of the data
    output_language: en                   # language of tables, charts and report (en, id)
    codebook: ../../codebooks/x.yaml      # the study's codebook, relative to this file
    case_attribute: case_id               # case_id or doc_id: what a "case" is
    source_types:                         # any ids; order = display order
      - id: interview
        label: {en: Interview, id: Wawancara}
        plural: {en: interviews, id: wawancara}   # used in sentences
        loading: {interviewer: "P;Peneliti", unlabelled_role: informant}
    informant_groups:
      - id: patient
        label: {en: Patients}
    tables:
      factor_matrix: {rows: level, columns: factor}    # or null: no factor matrix
      stage_table: {facet: stage, activity: description}  # or null; activity: description|name
      matrices: [source_type, informant_group, case]
    triangulation:
      across: [source_type, informant_group]   # first one decides "corroborated"
      corroborated_at: 2                        # distinct values needed
      evidence_roles: [informant]               # passage roles that count (null: all but prompts)
      count_auto: true                          # false: only human-verified evidence counts
      themes: facet                             # facet: the codes' `theme` facet; parent: also
                                                # the parent code (siblings = readings of one theme)
    report:
      title: {en: "..."}
      method: {en: "The corpus holds {documents} documents ({source_types}) ..."}
      sections: [method, conclusions, frequencies, code_by_case, factors, stages,
                 triangulation, figures, quotes, codebook]
      captions: {factors: {en: "..."}, stages: "...", ...}
    pseudonyms:
      en: {informant: "Participant {n}", interviewer: "Interviewer {letter}"}
    redaction: {allow: [...], deny: [...]}

Method templates may use ``{documents}``, ``{passages}``, ``{unit}``, ``{source_types}``
(``"12 interviews and 3 focus groups"``), ``{informant_groups}``, ``{codebook}``,
``{hash}``, ``{codes}``, ``{coders}``, ``{codings}``; caption templates ``{rows}``,
``{columns}``, ``{facet}``, ``{across}``, ``{attribute}``.

Example
-------
>>> s = Study.from_dict({"source_types": [{"id": "focus_group"}]})
>>> s.label("source_type", "focus_group", "en"), s.label("informant_group", "nurse_lead", "en")
('Focus group', 'Nurse lead')
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from qualkit.codebook.yaml_lines import line_of as _line, parse_yaml as _parse_yaml
from qualkit.errors import Problem, ValidationError
from qualkit.loading.manifest import STUDY_FILE
from qualkit.locale import INDONESIAN

if TYPE_CHECKING:  # pragma: no cover - types only
    from qualkit.codebook.model import Codebook
    from qualkit.corpus import Corpus

LANGUAGES = ("en", "id")
SECTIONS = ("method", "conclusions", "frequencies", "code_by_case", "factors", "stages",
            "triangulation", "figures", "quotes", "codebook")
"""Report sections in their default order."""
ATTRIBUTES = ("source_type", "informant_group", "case")
"""Document attributes codes can be crossed with and triangulated across."""
CASE_ATTRIBUTES = ("case_id", "doc_id")
TOP_KEYS = ("title", "languages", "output_language", "codebook", "case_attribute",
            "source_types", "informant_groups", "tables", "triangulation", "report",
            "pseudonyms", "redaction")

_DEFAULT_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Qualitative analysis report",
        "method": ("The corpus holds {documents} documents ({source_types}){groups_clause}. "
                   "The documents were cut into {passages} "
                   "passages (unit: {unit}). They were coded with the codebook \u201c{codebook}\u201d "
                   "(version hash {hash}, {codes} codes) by {coders}, giving {codings} codings."),
        "frequencies": "Codings, documents and cases per code (codebook order)",
        "code_by_case": "Coded passages per code and {attribute}",
        "factors": "Codes by {rows} and {columns} (codings; documents)",
        "stages": "Evidence per {facet}",
        "triangulation": "Triangulation of codes across {across}",
        "factor_chart": "Codes by {columns} (number of codings)",
        "stage_chart": "Codings per {facet}",
        "tri_chart": "Documents with evidence per {attribute}",
        "codebook": "Codes, definitions and coding rules",
        "and": "and", "none": "none", "groups_clause": "; documents per informant group: {informant_groups}",
        "case_id": "case", "doc_id": "document", "source_type": "source type",
        "informant_group": "informant group", "case": "case",
    },
    "id": INDONESIAN["study"],
}
_DEFAULT_PSEUDONYMS = {
    "en": {"informant": "Participant {n}", "interviewer": "Interviewer {letter}", "person": "Person {n}"},
    "id": {"informant": "Partisipan {n}", "interviewer": "Penanya {letter}", "person": "Orang {n}"},
}


class StudyError(ValidationError):
    """A study design file is invalid; every problem is listed with its line."""


def id_label(value: str) -> str:
    """A display label made from an id: ``focus_group`` -> ``Focus group``.

    >>> id_label("ngo-staff_lead")
    'Ngo-staff lead'
    """
    text = str(value).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _texts(value: Any) -> Mapping[str, str]:
    """A per-language text: ``{en: ..., id: ...}`` or one string for every language."""
    if value is None:
        return MappingProxyType({})
    if isinstance(value, str):
        return MappingProxyType({"*": value})
    return MappingProxyType({str(k): str(v) for k, v in value.items()})


def _pick(texts: Mapping[str, str], language: str) -> str | None:
    return texts.get(language) or texts.get("*")


@dataclass(frozen=True)
class Category:
    """A source type or informant group: its id, labels and plurals per language, and
    loading defaults (``interviewer``, ``unlabelled_role``, ``prompts``)."""

    id: str
    labels: Mapping[str, str] = field(default_factory=dict)
    plurals: Mapping[str, str] = field(default_factory=dict)
    loading: Mapping[str, str] = field(default_factory=dict)

    def label(self, language: str) -> str:
        return _pick(self.labels, language) or id_label(self.id)

    def plural(self, language: str) -> str:
        declared = _pick(self.plurals, language)
        if declared:
            return declared
        word = self.label(language).lower()
        return word if language != "en" or word.endswith("s") else word + "s"


@dataclass(frozen=True)
class TriangulationDesign:
    """How findings are triangulated (see :mod:`qualkit.analysis.synthesize`)."""

    across: tuple[str, ...] = ("source_type", "informant_group")
    corroborated_at: int = 2
    evidence_roles: tuple[str, ...] | None = None
    count_auto: bool = True
    themes: str = "facet"


@dataclass(frozen=True)
class Study:
    """A study design. Build with :func:`load_study`, :meth:`from_dict` or :meth:`default`.

    ``factor_matrix`` is ``{"rows": facet, "columns": facet}`` or None; ``stage_table``
    ``{"facet": facet, "activity": "description"|"name"}`` or None; ``matrices`` the
    attributes codes are crossed with; ``sections`` the report's sections in order.
    """

    title: Mapping[str, str] = field(default_factory=dict)
    languages: tuple[str, ...] = ()
    output_language: str = "en"
    codebook: str | None = None
    case_attribute: str = "case_id"
    source_types: tuple[Category, ...] = ()
    informant_groups: tuple[Category, ...] = ()
    factor_matrix: Mapping[str, str] | None = None
    stage_table: Mapping[str, str] | None = None
    matrices: tuple[str, ...] = ATTRIBUTES
    triangulation: TriangulationDesign = field(default_factory=TriangulationDesign)
    report_title: Mapping[str, str] = field(default_factory=dict)
    method_template: Mapping[str, str] = field(default_factory=dict)
    sections: tuple[str, ...] = SECTIONS
    captions: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    pseudonyms: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    redaction: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    path: str | None = field(default=None, compare=False)

    # -- building ---------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, path: str | None = None) -> Study:
        """A Study from parsed YAML; raises :class:`StudyError` listing every problem."""
        study, problems = _build(data, path)
        if problems:
            raise StudyError(problems, path=path)
        return study

    @classmethod
    def default(cls, corpus: Corpus, codebook: Codebook, *, language: str = "en") -> Study:
        """The design derived from the data: source types and informant groups as the
        corpus uses them (first-seen order), tables from the codebook's facets."""
        return cls().completed(corpus, codebook, language=language)

    def completed(self, corpus: Corpus, codebook: Codebook, *, language: str | None = None) -> Study:
        """This design with what it leaves open filled in from the data: source types
        and informant groups the corpus uses but the file does not declare (after the
        declared ones), and the tables when the file says nothing about them."""
        types = _with_found(self.source_types, (d.source_type for d in corpus.documents))
        groups = _with_found(self.informant_groups, (d.informant_group for d in corpus.documents))
        facets = set(codebook.facets) | {f for c in codebook.codes for f in c.facets}
        factor, stage = self.factor_matrix, self.stage_table
        if factor is None and "factor_matrix" not in self._declared_tables:
            factor = {"rows": "level", "columns": "factor"} if {"level", "factor"} <= facets else None
        if stage is None and "stage_table" not in self._declared_tables:
            stage = {"facet": "stage", "activity": "description"} if "stage" in facets else None
        if factor is not None and not {factor["rows"], factor["columns"]} <= facets:
            factor = None
        if stage is not None and stage["facet"] not in facets:
            stage = None
        return replace(self, source_types=types, informant_groups=groups, factor_matrix=factor,
                       stage_table=stage, output_language=language or self.output_language,
                       _declared_tables=frozenset({"factor_matrix", "stage_table"}))

    _declared_tables: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    # -- words ------------------------------------------------------------------------
    def _categories(self, kind: str) -> tuple[Category, ...]:
        if kind == "source_type":
            return self.source_types
        if kind == "informant_group":
            return self.informant_groups
        return ()

    def label(self, kind: str, value: str, language: str | None = None) -> str:
        """Display label of a source type / informant group id (else made from the id).

        >>> Study().label("source_type", "field_note", "en")
        'Field note'
        """
        language = language or self.output_language
        for cat in self._categories(kind):
            if cat.id == value:
                return cat.label(language)
        return id_label(value)

    def plural(self, kind: str, value: str, language: str | None = None) -> str:
        """The word for several of a source type in a sentence (``interviews``)."""
        language = language or self.output_language
        for cat in self._categories(kind):
            if cat.id == value:
                return cat.plural(language)
        return Category(id=value).plural(language)

    def order(self, kind: str, values: Iterable[Any]) -> list[str]:
        """Distinct values in display order: declared first, the rest sorted.

        >>> Study.from_dict({"source_types": ["b", "a"]}).order("source_type", ["a", "c", "b"])
        ['b', 'a', 'c']
        """
        present = {str(v) for v in values if v is not None and str(v) != ""}
        declared = [c.id for c in self._categories(kind) if c.id in present]
        return declared + sorted(present - set(declared))

    def word(self, key: str, language: str | None = None) -> str:
        """A generic word of qualkit's own (``and``, ``none``, attribute names)."""
        language = language or self.output_language
        return _DEFAULT_TEXT.get(language, _DEFAULT_TEXT["en"]).get(key, _DEFAULT_TEXT["en"].get(key, key))

    def caption(self, name: str, language: str | None = None, **fields: Any) -> str:
        """A caption: the study's template for ``name`` (else qualkit's generic one),
        filled with ``fields``; unknown fields are left as written.

        >>> Study().caption("stages", "en", facet="stage")
        'Evidence per stage'
        """
        language = language or self.output_language
        template = _pick(self.captions.get(name, {}), language) or self.word(name, language)
        return _fill(template, fields)

    def heading(self, language: str | None = None) -> str:
        """The report's title: ``report.title``, else the study's ``title``, else generic."""
        language = language or self.output_language
        return (_pick(self.report_title, language) or _pick(self.title, language)
                or self.word("title", language))

    def method(self, language: str | None = None, **counts: Any) -> str:
        """The method paragraph: the study's template (else the generic one) filled with
        the corpus's counts (see the module doc for the fields)."""
        language = language or self.output_language
        fields = dict(counts)
        if fields.get("informant_groups"):
            fields.setdefault("groups_clause", _fill(self.word("groups_clause", language), fields))
        fields.setdefault("groups_clause", "")
        return _fill(_pick(self.method_template, language) or self.word("method", language), fields)

    def pseudonym_templates(self, language: str | None = None) -> dict[str, str]:
        """Pseudonym templates per role/group for the redactor, in ``language``."""
        language = language or self.output_language
        out = dict(_DEFAULT_PSEUDONYMS.get(language, _DEFAULT_PSEUDONYMS["en"]))
        out.update(self.pseudonyms.get(language, {}))
        return out

    def source_defaults(self) -> dict[str, dict[str, str]]:
        """Loading defaults per source type (``interviewer``, ``unlabelled_role``, ...)."""
        return {c.id: dict(c.loading) for c in self.source_types if c.loading}

    @property
    def case_column(self) -> str:
        """The extracts/documents column that identifies a case."""
        return self.case_attribute


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, fields: Mapping[str, Any]) -> str:
    return template.format_map(_Fields(fields))


def _with_found(declared: tuple[Category, ...], values: Iterable[Any]) -> tuple[Category, ...]:
    known = {c.id for c in declared}
    extra = [str(v) for v in dict.fromkeys(values) if v is not None and str(v) != "" and str(v) not in known]
    return declared + tuple(Category(id=v) for v in extra)


# -- reading and validating ------------------------------------------------------------------
class _Check:
    def __init__(self, path: str | None) -> None:
        self.path, self.problems = path, []

    def add(self, message: str, data: Any, key: Any, hint: str) -> None:
        self.problems.append(Problem(message, where=self.path, line=_line(data, key), hint=hint))

    def texts(self, data: Mapping, key: str) -> Mapping[str, str]:
        value = data.get(key)
        if value is None or isinstance(value, str):
            return _texts(value)
        if isinstance(value, Mapping) and all(isinstance(v, str) for v in value.values()):
            return _texts(value)
        self.add(f"'{key}' must be text or a mapping language -> text; got {value!r}", data, key,
                 f"write e.g. '{key}: {{en: ..., id: ...}}'")
        return _texts(None)

    def ids(self, data: Mapping, key: str, options: tuple[str, ...] | None = None) -> tuple[str, ...] | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(f"'{key}' must be a list of names; got {value!r}", data, key, f"write '{key}: [a, b]'")
            return None
        bad = [v for v in value if options is not None and v not in options]
        if bad:
            self.add(f"'{key}' has unknown value(s) {bad}", data, key, f"use some of {list(options or ())}")
        return tuple(v for v in value if options is None or v in options)

    def mapping(self, data: Mapping, key: str) -> Mapping:
        value = data.get(key)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.add(f"'{key}' must be a mapping; got {type(value).__name__}", data, key,
                     f"indent the keys of '{key}:' below it")
            return {}
        return value

    def unknown(self, data: Mapping, keys: tuple[str, ...], where: str) -> None:
        for key in data:
            if key not in keys:
                self.add(f"unknown key {key!r} in {where}", data, key, f"use one of {list(keys)}")


def _categories(c: _Check, data: Mapping, key: str) -> tuple[Category, ...]:
    items = data.get(key)
    if items is None:
        return ()
    if not isinstance(items, list):
        c.add(f"'{key}' must be a list", data, key, f"write '{key}:' then '- id: ...' items")
        return ()
    out, seen = [], set()
    for i, item in enumerate(items):
        line_of = getattr(items, "item_lines", None)
        if isinstance(item, str):
            item = {"id": item}
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str) or not item["id"].strip():
            c.problems.append(Problem(f"{key} item {i + 1} needs an 'id'", where=c.path,
                                      line=line_of[i] if line_of else _line(data, key),
                                      hint="write '- id: focus_group' (labels optional)"))
            continue
        c.unknown(item, ("id", "label", "plural", "loading"), f"{key} item {item['id']!r}")
        if item["id"] in seen:
            c.add(f"{key} id {item['id']!r} is declared twice", item, "id", "keep one of them")
        seen.add(item["id"])
        loading = c.mapping(item, "loading")
        out.append(Category(id=item["id"], labels=c.texts(item, "label"), plurals=c.texts(item, "plural"),
                            loading=MappingProxyType({str(k): str(v) for k, v in loading.items()})))
    return tuple(out)


def _tables(c: _Check, data: Mapping) -> dict[str, Any]:
    tables = c.mapping(data, "tables")
    c.unknown(tables, ("factor_matrix", "stage_table", "matrices"), "tables")
    out: dict[str, Any] = {"_declared_tables": frozenset(k for k in ("factor_matrix", "stage_table") if k in tables)}
    factor = tables.get("factor_matrix")
    if factor is not None:
        if not isinstance(factor, Mapping) or not all(isinstance(factor.get(k), str) for k in ("rows", "columns")):
            c.add("'factor_matrix' needs 'rows' and 'columns' facet names", tables, "factor_matrix",
                  "write 'factor_matrix: {rows: level, columns: factor}' or 'factor_matrix: null'")
        else:
            out["factor_matrix"] = MappingProxyType({"rows": factor["rows"], "columns": factor["columns"]})
    stage = tables.get("stage_table")
    if stage is not None:
        activity = stage.get("activity", "description") if isinstance(stage, Mapping) else None
        if not isinstance(stage, Mapping) or not isinstance(stage.get("facet"), str) \
                or activity not in ("description", "name"):
            c.add("'stage_table' needs a 'facet' and an 'activity' of description or name", tables,
                  "stage_table", "write 'stage_table: {facet: stage, activity: description}' or null")
        else:
            out["stage_table"] = MappingProxyType({"facet": stage["facet"], "activity": activity})
    matrices = c.ids(tables, "matrices", ATTRIBUTES)
    if matrices is not None:
        out["matrices"] = matrices
    return out


def _triangulation(c: _Check, data: Mapping) -> TriangulationDesign:
    tri = c.mapping(data, "triangulation")
    c.unknown(tri, ("across", "corroborated_at", "evidence_roles", "count_auto", "themes"), "triangulation")
    themes = tri.get("themes", "facet")
    if themes not in ("facet", "parent"):
        c.add(f"'themes' must be facet or parent; got {themes!r}", tri, "themes",
              "write 'themes: parent' when sibling codes are readings of one theme")
        themes = "facet"
    across = c.ids(tri, "across", ATTRIBUTES) or ("source_type", "informant_group")
    at = tri.get("corroborated_at", 2)
    if not isinstance(at, int) or isinstance(at, bool) or at < 1:
        c.add(f"'corroborated_at' must be a whole number >= 1; got {at!r}", tri, "corroborated_at",
              "write e.g. 'corroborated_at: 2'")
        at = 2
    count_auto = tri.get("count_auto", True)
    if not isinstance(count_auto, bool):
        c.add(f"'count_auto' must be true or false; got {count_auto!r}", tri, "count_auto",
              "write 'count_auto: false' to triangulate on human-verified evidence only")
        count_auto = True
    return TriangulationDesign(across=across, corroborated_at=at, evidence_roles=c.ids(tri, "evidence_roles"),
                               count_auto=count_auto, themes=themes)


def _report(c: _Check, data: Mapping) -> dict[str, Any]:
    rep = c.mapping(data, "report")
    c.unknown(rep, ("title", "method", "sections", "captions"), "report")
    out: dict[str, Any] = {"report_title": c.texts(rep, "title"), "method_template": c.texts(rep, "method")}
    sections = c.ids(rep, "sections", SECTIONS)
    if sections is not None:
        out["sections"] = sections
    captions = c.mapping(rep, "captions")
    out["captions"] = MappingProxyType({str(k): c.texts(captions, k) for k in captions})
    return out


def _per_language(c: _Check, data: Mapping, key: str) -> Mapping[str, Mapping[str, str]]:
    value = c.mapping(data, key)
    out = {}
    for lang, table in value.items():
        if not isinstance(table, Mapping):
            c.add(f"'{key}.{lang}' must map names to text", value, lang, f"write '{lang}: {{informant: ...}}'")
            continue
        out[str(lang)] = MappingProxyType({str(k): str(v) for k, v in table.items()})
    return MappingProxyType(out)


def _build(data: Any, path: str | None) -> tuple[Study, list[Problem]]:
    c = _Check(path)
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        c.problems.append(Problem("a study file must be a mapping of keys (title, source_types, ...)",
                                  where=path, line=1, hint="see the format in qualkit/study.py"))
        return Study(), c.problems
    c.unknown(data, TOP_KEYS, "the study file")
    language = data.get("output_language", "en")
    if language not in LANGUAGES:
        c.add(f"'output_language' must be one of {list(LANGUAGES)}; got {language!r}", data,
              "output_language", "write 'output_language: en'")
        language = "en"
    case = data.get("case_attribute", "case_id")
    case = {"case": "case_id", "document": "doc_id"}.get(case, case)
    if case not in CASE_ATTRIBUTES:
        c.add(f"'case_attribute' must be one of {list(CASE_ATTRIBUTES)}; got {case!r}", data,
              "case_attribute", "write 'case_attribute: case_id' (the manifest's case_id column)")
        case = "case_id"
    book = data.get("codebook")
    if book is not None and not isinstance(book, str):
        c.add("'codebook' must be a path", data, "codebook", "write 'codebook: ../../codebooks/x.yaml'")
        book = None
    redaction = c.mapping(data, "redaction")
    c.unknown(redaction, ("allow", "deny"), "redaction")
    study = Study(
        title=c.texts(data, "title"), languages=c.ids(data, "languages") or (),
        output_language=language, codebook=book, case_attribute=case,
        source_types=_categories(c, data, "source_types"),
        informant_groups=_categories(c, data, "informant_groups"),
        triangulation=_triangulation(c, data),
        pseudonyms=_per_language(c, data, "pseudonyms"),
        redaction=MappingProxyType({k: c.ids(redaction, k) or () for k in ("allow", "deny")}),
        path=path, **_tables(c, data), **_report(c, data),
    )
    return study, c.problems


def load_study(path: str | os.PathLike[str]) -> Study:
    """Read and validate a study design file; :class:`StudyError` lists every problem.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "study.yaml"
    >>> _ = p.write_text("source_types:\\n  - id: focus_group\\n    label: {en: Focus group (FGD)}\\n")
    >>> load_study(p).label("source_type", "focus_group", "en")
    'Focus group (FGD)'
    """
    spath = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise StudyError([Problem(f"cannot read the study file ({err})", where=spath,
                                  hint="give a UTF-8 YAML file")], path=spath) from err
    data, problems = _parse_yaml(text, spath)
    if problems:
        raise StudyError(problems, path=spath)
    return Study.from_dict(data, path=spath)


def find_study(data: str | os.PathLike[str]) -> Path | None:
    """``study.yaml`` in a data folder (or beside a single data file), else None."""
    root = Path(data)
    folder = root if root.is_dir() else root.parent
    candidate = folder / STUDY_FILE
    return candidate if candidate.is_file() else None


def codebook_path(study: Study) -> Path | None:
    """The study's codebook (its ``codebook:`` key, relative to the study file), or None."""
    if study.codebook is None:
        return None
    base = Path(study.path).parent if study.path else Path.cwd()
    return (base / study.codebook).resolve()
