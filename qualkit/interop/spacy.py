"""spaCy interoperability: corpora and codings to spaCy Docs and back, codebooks to SpanRuler rules.

qualkit's own coding path does not use spaCy, but researchers who work with spaCy
pipelines in notebooks can move data both ways (install with ``pip install
'qualkit[spacy]'``; only blank pipelines are used, nothing is downloaded):

- :func:`to_spacy` builds one ``Doc`` per document (or per passage) with the
  language's blank tokenizer, the passages as spans in ``doc.spans["passages"]`` and each
  coding's evidence as spans in ``doc.spans[span_key]``;
- :func:`from_spacy` turns the spans of such Docs back into a codings table, so a spaCy
  component's predictions (a ``SpanRuler``, a trained ``spancat``) come back as codings;
- :func:`span_ruler_patterns` exports a codebook's exact and prefix word/phrase cues as
  ``SpanRuler`` pattern dicts.

How the data sits in a Doc
--------------------------
``doc.spans[span_key]``
    one Span per evidence span of a coding (a coding's ``spans`` column may list several):
    ``label_`` = code id, ``kb_id_`` = coder, ``id_`` = the cue(s) (a SpanRuler puts its
    pattern ``id`` there, which :func:`span_ruler_patterns` sets to the cue).
``doc.spans["passages"]``
    one Span per passage: ``label_`` = speaker (``""`` when none), ``id_`` = passage id,
    ``kb_id_`` = role (``""`` when none).
``doc.user_data["qualkit"]``
    a dict (msgpack-safe, kept by ``DocBin(store_user_data=True)``) with ``doc_id``,
    ``title``, ``source_type``, ``informant_group``, ``case_id``, ``language``,
    ``metadata``, ``unit`` (``document`` or ``passage``), ``passage_id`` (per-passage
    Docs), ``offset`` (where ``doc.text`` starts in ``Document.text``), ``passages``
    (``[passage_id, start, end]`` in Doc offsets) and ``codings`` (per span key, one record
    per coding: the original row, the aligned spans and any alignment problem).

Alignment: evidence offsets are code points in ``Document.text``; a Span must cover whole
spaCy tokens, so evidence is placed with ``char_span(..., alignment_mode="expand")``.
Evidence that is moved to token boundaries (widened, or trimmed of surrounding
whitespace), or that cannot be placed at all (empty after expansion, outside
its passage, unknown passage), is reported in one :class:`AlignmentWarning` and by
:func:`alignment_problems`; the coding itself is never lost: :func:`from_spacy` restores
every coding whose spans are unchanged (or could not be placed) exactly as it was.

Example
-------
>>> from qualkit.corpus import Corpus, Document, Passage
>>> from qualkit.coding.frame import codings_frame
>>> doc = Document(id="a.txt", text="Saya takut.", source_type="interview")
>>> corpus = Corpus(documents=(doc,), passages=(Passage("a.txt", "a.txt#p1", 0, 11, doc.text),))
>>> codings = codings_frame([{"passage_id": "a.txt#p1", "doc_id": "a.txt", "code_id": "fear",
...                            "start": 5, "end": 10, "coder": "auto", "method": "auto"}])
>>> docs = to_spacy(corpus, codings)
>>> [(s.text, s.label_, s.kb_id_) for s in docs[0].spans["qualkit"]]
[('takut', 'fear', 'auto')]
>>> from_spacy(docs)[["passage_id", "code_id", "start", "end", "method"]].values.tolist()
[['a.txt#p1', 'fear', 5, 10, 'auto']]
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from qualkit.codebook.model import Codebook, Cue
from qualkit.coding.frame import METHODS, codings_frame, empty_codings, validate_codings
from qualkit.coding.matcher import alternatives, cue_label
from qualkit.coding.spans import evidence_spans, format_spans
from qualkit.text import tokenize
from qualkit.corpus import Corpus, Document, Passage
from qualkit.errors import QualkitError

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

USER_KEY = "qualkit"
"""Key of qualkit's dict in ``doc.user_data``."""

PASSAGES_KEY = "passages"
"""Span group that holds the passages."""

UNITS = ("document", "passage")
EXPORTED_CUES = ("word/exact", "word/prefix", "phrase/exact", "phrase/prefix")
"""Cue kinds :func:`span_ruler_patterns` exports (``kind/match``)."""

PROBLEM_COLUMNS = ("doc_id", "passage_id", "code_id", "coder", "start", "end", "spans",
                   "aligned", "problem")

# Between two words of a phrase qualkit's matcher allows any whitespace but no punctuation;
# spaCy keeps extra whitespace (a second space, a line break) as whitespace tokens.
_GAP = {"IS_SPACE": True, "OP": "*"}


class AlignmentWarning(UserWarning):
    """Some coding evidence was snapped to token boundaries or could not be placed."""


def _require_spacy() -> Any:
    try:
        import spacy
    except ImportError as err:
        raise QualkitError(
            f"spaCy is not installed ({err})",
            hint="install it with: pip install 'qualkit[spacy]'",
        ) from None
    return spacy


def _blank(spacy: Any, lang: str, cache: dict[str, Any]) -> Any:
    """A blank pipeline for ``lang`` (spaCy's multi-language ``xx`` when it has none)."""
    if lang not in cache:
        try:
            cache[lang] = spacy.blank(lang)
        except ImportError as err:  # spaCy has no language class for this code
            if lang == "xx":
                raise QualkitError(f"spaCy cannot build a blank pipeline ({err})",
                                   hint="check the spaCy installation") from None
            cache[lang] = _blank(spacy, "xx", cache)
    return cache[lang]


def _plain(value: Any) -> Any:
    """A value made msgpack/JSON-safe (numpy scalars to Python, NaN to None, rest to str)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (np.generic,)):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, int):
        return value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is pd.NA or value is pd.NaT:
        return None
    return str(value)


def _doc_info(document: Document, passages: tuple[Passage, ...], offset: int, unit: str,
              passage_id: str | None) -> dict[str, Any]:
    return {
        "doc_id": document.id, "title": document.title, "source_type": document.source_type,
        "informant_group": document.informant_group, "case_id": document.case_id,
        "language": document.language, "metadata": _plain(dict(document.metadata)),
        "unit": unit, "passage_id": passage_id, "offset": offset,
        "passages": [[p.id, p.start - offset, p.end - offset] for p in passages],
        "codings": {},
    }


def to_spacy(
    corpus: Corpus,
    codings: pd.DataFrame | None = None,
    *,
    nlp: Language | Mapping[str, Language] | None = None,
    unit: str = "document",
    span_key: str = "qualkit",
) -> list[Doc]:
    """One spaCy ``Doc`` per document (``unit="document"``) or per passage (``"passage"``).

    Parameters
    ----------
    corpus : the corpus; each Doc is tokenised by ``spacy.blank(document.language)``
        (spaCy's ``xx`` for a language it lacks). Only the tokenizer runs
        (``nlp.make_doc``); apply components afterwards with ``nlp(doc)``.
    nlp : one pipeline for every document, or a mapping ``{language: pipeline}`` (blank
        pipelines for the languages it lacks). Building ``spacy.blank("id")`` takes a few
        seconds, so pass pipelines when converting many times.
    codings : a codings table (:mod:`qualkit.coding.frame`); every evidence span becomes a
        Span in ``doc.spans[span_key]`` (label = code id, kb_id = coder, id = cue).
    unit : ``document`` or ``passage`` (a passage Doc's text is the passage text; offsets
        are then relative to the passage and ``user_data["qualkit"]["offset"]`` is its start).
    span_key : the span group for the codings.

    Evidence that had to be snapped to token boundaries or could not be placed is reported
    in one :class:`AlignmentWarning` (see :func:`alignment_problems`).

    >>> from qualkit.corpus import Corpus, Document, Passage
    >>> d = Document(id="b.txt", text="I was afraid.", language="en")
    >>> c = Corpus(documents=(d,), passages=(Passage("b.txt", "b.txt#p1", 0, 13, d.text),))
    >>> [t.text for t in to_spacy(c)[0]]
    ['I', 'was', 'afraid', '.']
    """
    spacy = _require_spacy()
    from spacy.tokens import Span

    if unit not in UNITS:
        raise QualkitError(
            f"The 'unit' parameter of to_spacy must be one of {UNITS}; got {unit!r} instead.",
            hint="use unit='document' (one Doc per document) or unit='passage'",
        )
    if not isinstance(span_key, str) or not span_key or span_key == PASSAGES_KEY:
        raise QualkitError(
            f"The 'span_key' parameter of to_spacy must be a non-empty string other than "
            f"{PASSAGES_KEY!r}; got {span_key!r} instead.",
            hint="use the default 'qualkit' or another name",
        )
    frame = empty_codings() if codings is None else validate_codings(codings)
    pipelines: dict[str, Any] = {}
    passage_by_id = {p.id: p for p in corpus.passages}

    # group coding rows by the Doc they belong to
    rows_by_target: dict[str, list[dict[str, Any]]] = {}
    orphans: list[dict[str, Any]] = []
    for row in frame.to_dict("records"):
        row = {k: _plain(v) for k, v in row.items()}
        p = passage_by_id.get(row["passage_id"])
        if p is None or p.doc_id != row["doc_id"]:
            orphans.append(row)
            continue
        target = p.id if unit == "passage" else p.doc_id
        rows_by_target.setdefault(target, []).append(row)

    docs: list[Any] = []
    problems: list[str] = []
    for document in corpus.documents:
        if isinstance(nlp, Mapping):
            pipe = nlp.get(document.language) or _blank(spacy, document.language, pipelines)
        else:
            pipe = nlp if nlp is not None else _blank(spacy, document.language, pipelines)
        if unit == "document":
            parts = [(document.text, 0, corpus.passages_of(document.id), None, document.id)]
        else:
            parts = [(p.text, p.start, (p,), p.id, p.id) for p in corpus.passages_of(document.id)]
        for text, offset, passages, passage_id, target in parts:
            doc = pipe.make_doc(text)
            info = _doc_info(document, passages, offset, unit, passage_id)
            groups = [
                doc.char_span(p.start - offset, p.end - offset, label=p.speaker or "",
                              kb_id=p.role or "", span_id=p.id, alignment_mode="expand")
                for p in passages
            ]
            doc.spans[PASSAGES_KEY] = [
                g if g is not None else Span(doc, 0, 0, span_id=p.id)
                for g, p in zip(groups, passages)
            ]
            spans, records = [], []
            for row in rows_by_target.get(target, []):
                record, placed = _place(doc, row, passage_by_id[row["passage_id"]], offset)
                spans.extend(placed)
                records.append(record)
                if record["problem"]:
                    problems.append(f"{row['passage_id']} {row['code_id']} ({row['coder']}): {record['problem']}")
            doc.spans[span_key] = spans
            info["codings"][span_key] = records
            doc.user_data[USER_KEY] = info
            docs.append(doc)

    if orphans:
        # codings of passages that are not in the corpus: kept with the first Doc of their
        # document when there is one, else with the first Doc, so they are never lost.
        by_doc = {d.user_data[USER_KEY]["doc_id"]: d for d in reversed(docs)}
        for row in orphans:
            home = by_doc.get(row["doc_id"]) or (docs[0] if docs else None)
            reason = "its passage is not in the corpus; kept in user_data only"
            problems.append(f"{row['passage_id']} {row['code_id']} ({row['coder']}): {reason}")
            if home is None:
                raise QualkitError(
                    f"coding of {row['passage_id']!r} cannot be placed: the corpus has no documents",
                    hint="convert a corpus that holds the coded documents",
                )
            home.user_data[USER_KEY]["codings"][span_key].append(
                {"row": row, "spans": [], "problem": reason})
    if problems:
        shown = "\n".join(f"  - {p}" for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        warnings.warn(
            f"{len(problems)} coding(s) could not be aligned exactly with spaCy tokens:\n{shown}{more}\n"
            "They are kept unchanged in doc.user_data and come back from from_spacy(); "
            "list them with qualkit.interop.spacy.alignment_problems(docs).",
            AlignmentWarning, stacklevel=2,
        )
    return docs


def _place(doc: Any, row: dict[str, Any], passage: Passage, offset: int) -> tuple[dict[str, Any], list[Any]]:
    """Spans for one coding row in ``doc`` and the record kept in ``user_data``."""
    placed, aligned, notes = [], [], []
    spans = row["spans"] if isinstance(row["spans"], str) else ""      # (a missing cell: the whole coding)
    for a, b in dict.fromkeys(evidence_spans(spans, row["start"], row["end"])):
        if a < passage.start or b > passage.end:
            notes.append(f"{a}-{b} lies outside passage {passage.id} ({passage.start}-{passage.end})")
            continue
        span = doc.char_span(a - offset, b - offset, label=row["code_id"], kb_id=row["coder"] or "",
                             span_id=row["cue"] or "", alignment_mode="expand")
        if span is None or len(span) == 0:
            notes.append(f"{a}-{b} covers no spaCy token")
            continue
        s, e = span.start_char + offset, span.end_char + offset
        if (s, e) != (a, b):
            notes.append(f"{a}-{b} snapped to token boundaries {s}-{e}")
        placed.append(span)
        aligned.append([span.start_char, span.end_char])
    return {"row": row, "spans": aligned, "problem": "; ".join(notes)}, placed


def _info(doc: Any, i: int) -> dict[str, Any]:
    info = doc.user_data.get(USER_KEY) if hasattr(doc, "user_data") else None
    if not isinstance(info, Mapping) or "doc_id" not in info:
        raise QualkitError(
            f"Doc {i} carries no qualkit data (doc.user_data[{USER_KEY!r}])",
            hint="build Docs with qualkit.interop.spacy.to_spacy(corpus); keep user_data when "
                 "serialising (DocBin(store_user_data=True))",
        )
    return info  # type: ignore[return-value]


def _scores(group: Any) -> list[float] | None:
    """Per-span scores a spancat component stores in ``group.attrs["scores"]``."""
    scores = group.attrs.get("scores") if hasattr(group, "attrs") else None
    if scores is None:
        return None
    values = np.asarray(scores, dtype=float).reshape(-1)
    return values.tolist() if len(values) == len(group) else None


def from_spacy(
    docs: Iterable[Doc],
    *,
    span_key: str = "qualkit",
    coder: str = "spacy",
    method: str = "suggested",
) -> pd.DataFrame:
    """The codings table (:mod:`qualkit.coding.frame`) from the spans of Docs made by :func:`to_spacy`.

    A coding that :func:`to_spacy` placed and whose spans are all still in the group comes
    back exactly as it was (method, confidence, memo, codebook hash, original offsets), as
    does one it could not place. Every other span is new: spans are assigned to the passage
    they overlap most and merged per passage x code x coder into one coding (``start``/
    ``end`` the first span, ``spans`` all of them, ``cue`` the spans' ``id_`` values,
    coder = the span's ``kb_id_`` or ``coder``, ``method`` as given, confidence = the
    highest spancat score when the group has ``attrs["scores"]``, else 1.0, empty
    ``codebook_hash``). Spans outside every passage are reported in an
    :class:`AlignmentWarning` and dropped.

    Over 80 lines only with this docstring: the code itself is about 60 lines.

    >>> from qualkit.corpus import Corpus, Document, Passage
    >>> d = Document(id="b.txt", text="I was afraid.", language="en")
    >>> c = Corpus(documents=(d,), passages=(Passage("b.txt", "b.txt#p1", 0, 13, d.text),))
    >>> doc = to_spacy(c)[0]
    >>> doc.spans["qualkit"] = [doc.char_span(6, 12, label="fear")]
    >>> from_spacy([doc])[["passage_id", "code_id", "start", "end", "coder", "method"]].values.tolist()
    [['b.txt#p1', 'fear', 6, 12, 'spacy', 'suggested']]
    """
    _require_spacy()
    if method not in METHODS:
        raise QualkitError(
            f"The 'method' parameter of from_spacy must be one of {METHODS}; got {method!r} instead.",
            hint="use 'suggested' for model predictions or 'auto' for rule matches",
        )
    rows: list[dict[str, Any]] = []
    lost: list[str] = []
    for i, doc in enumerate(docs):
        info = _info(doc, i)
        offset = int(info.get("offset") or 0)
        passages = [(str(pid), int(s), int(e)) for pid, s, e in info.get("passages") or ()]
        records = list((info.get("codings") or {}).get(span_key) or ())
        group = doc.spans[span_key] if span_key in doc.spans else []
        scores = _scores(group) if len(group) else None
        # spans still free, by (code, kb_id, start, end) -> their indices in the group
        free: dict[tuple[str, str, int, int], list[int]] = {}
        for j, span in enumerate(group):
            free.setdefault((span.label_, span.kb_id_, span.start_char, span.end_char), []).append(j)
        for rec in records:  # codings placed by to_spacy whose spans are all still there
            row = rec["row"]
            if not rec["spans"]:
                rows.append(dict(row))  # could not be placed: kept as it was
                continue
            need: dict[tuple[str, str, int, int], int] = {}
            for a, b in rec["spans"]:
                k = (row["code_id"], row["coder"] or "", int(a), int(b))
                need[k] = need.get(k, 0) + 1
            if all(len(free.get(k, ())) >= n for k, n in need.items()):
                for k, n in need.items():
                    del free[k][:n]
                rows.append(dict(row))
        merged: dict[tuple[str, str, str], dict[str, Any]] = {}
        for j in sorted(j for js in free.values() for j in js):  # the rest: new codings
            span = group[j]
            s, e = span.start_char, span.end_char
            pid = _passage_of(passages, s, e)
            if pid is None:
                lost.append(f"{info['doc_id']} {s + offset}-{e + offset} {span.label_!r}: outside every passage")
                continue
            item = merged.setdefault((pid, span.label_, span.kb_id_ or coder),
                                     {"pieces": [], "cues": [], "scores": []})
            item["pieces"].append((s, e))
            item["cues"].extend(c for c in span.id_.split(";") if c)
            if scores is not None:
                item["scores"].append(scores[j])
        for (pid, code_id, span_coder), item in merged.items():
            pieces = sorted(set(item["pieces"]))
            rows.append({
                "passage_id": pid, "doc_id": info["doc_id"], "code_id": code_id,
                "start": pieces[0][0] + offset, "end": pieces[0][1] + offset,
                "spans": format_spans((s + offset, e + offset) for s, e in pieces), "cue": ";".join(dict.fromkeys(item["cues"])),
                "coder": span_coder, "method": method,
                "confidence": float(max(item["scores"])) if item["scores"] else 1.0,
                "codebook_hash": "", "memo": "",
            })
    if lost:
        warnings.warn(
            f"{len(lost)} span(s) lie outside every passage and were not turned into codings:\n"
            + "\n".join(f"  - {x}" for x in lost[:20]),
            AlignmentWarning, stacklevel=2,
        )
    return codings_frame(rows) if rows else empty_codings()


def _passage_of(passages: list[tuple[str, int, int]], s: int, e: int) -> str | None:
    """The passage a span (Doc offsets) overlaps most (a zero-width span: the one holding it)."""
    best, best_overlap = None, 0
    for pid, ps, pe in passages:
        overlap = min(e, pe) - max(s, ps)
        if overlap > best_overlap or (best is None and s == e and ps <= s < pe):
            best, best_overlap = pid, overlap
    return best


def alignment_problems(docs: Iterable[Doc], *, span_key: str = "qualkit") -> pd.DataFrame:
    """Codings :func:`to_spacy` could not place exactly, one row each.

    Columns: ``doc_id, passage_id, code_id, coder, start, end, spans`` (the coding as
    given), ``aligned`` (the evidence as placed in the Doc, document offsets, ``;``-joined;
    empty when it could not be placed) and ``problem``.

    >>> from qualkit.corpus import Corpus, Document, Passage
    >>> d = Document(id="b.txt", text="I was afraid.", language="en")
    >>> c = Corpus(documents=(d,), passages=(Passage("b.txt", "b.txt#p1", 0, 13, d.text),))
    >>> alignment_problems(to_spacy(c)).empty
    True
    """
    out = []
    for i, doc in enumerate(docs):
        info = _info(doc, i)
        offset = int(info.get("offset") or 0)
        for rec in (info.get("codings") or {}).get(span_key) or ():
            if not rec["problem"]:
                continue
            row = rec["row"]
            out.append({
                "doc_id": row["doc_id"], "passage_id": row["passage_id"], "code_id": row["code_id"],
                "coder": row["coder"], "start": row["start"], "end": row["end"], "spans": row["spans"],
                "aligned": format_spans((int(s) + offset, int(e) + offset) for s, e in rec["spans"]),
                "problem": rec["problem"],
            })
    return pd.DataFrame(out, columns=list(PROBLEM_COLUMNS))


# -- codebook -> SpanRuler --------------------------------------------------------------


@dataclass(frozen=True)
class SkippedCue:
    """A cue :func:`span_ruler_patterns` did not export, and why."""

    code_id: str
    cue: str
    kind: str
    match: str
    lang: str
    reason: str
    line: int | None = None


class RulerPatterns(list):
    """A list of SpanRuler pattern dicts, plus ``skipped``: the cues that were not exported.

    It is a plain list, so ``ruler.add_patterns(patterns)`` takes it as is.
    """

    skipped: tuple[SkippedCue, ...]

    def __init__(self, patterns: Iterable[dict[str, Any]] = (), *,
                 skipped: Iterable[SkippedCue] = ()) -> None:
        super().__init__(patterns)
        self.skipped = tuple(skipped)

    def skipped_frame(self) -> pd.DataFrame:
        """The skipped cues: ``code_id, cue, kind, match, lang, reason, line``."""
        cols = ["code_id", "cue", "kind", "match", "lang", "reason", "line"]
        return pd.DataFrame([[getattr(s, c) for c in cols] for s in self.skipped], columns=cols)


def _skip_reason(cue: Cue, negation: str) -> str | None:
    if cue.exclude:
        return "exclusion cue: a SpanRuler cannot veto a code"
    if cue.kind not in ("word", "phrase"):
        return f"{cue.kind} cues are not exported (only {', '.join(EXPORTED_CUES)})"
    if cue.match not in ("exact", "prefix"):
        return f"match: {cue.match} is not exported (stemmed variants are not listed)"
    if negation == "only":
        return "negation: only needs a negator before the cue, which a SpanRuler cannot check"
    return None


def _token_pattern(alt: str, prefix: bool, tokenizer: Any) -> list[dict[str, Any]]:
    """spaCy token pattern for one cue alternative, mirroring qualkit's matcher.

    qualkit splits the cue into word tokens (:func:`qualkit.coding.tokens.tokenize`) that
    may be separated by whitespace but not punctuation; each word token is split again by
    spaCy's tokenizer (``KTP-nya`` -> ``KTP``, ``-nya``) and its pieces must be adjacent.
    """
    pattern: list[dict[str, Any]] = []
    words = tokenize(alt)
    for w, (start, end, _norm) in enumerate(words):
        if w:
            pattern.append(dict(_GAP))
        pieces = [t.text for t in tokenizer(alt[start:end]) if not t.is_space]
        for k, piece in enumerate(pieces):
            low = piece.lower()
            if prefix and w == len(words) - 1 and k == len(pieces) - 1:
                pattern.append({"LOWER": {"REGEX": "^" + re.escape(low)}})
            else:
                pattern.append({"LOWER": low})
    return pattern


def span_ruler_patterns(codebook: Codebook, *, lang: str, nlp: Language | None = None) -> RulerPatterns:
    """SpanRuler pattern dicts ``{"label": code_id, "pattern": [...], "id": cue}`` for a codebook.

    Exported: ``word`` and ``phrase`` cues with ``match: exact`` (``LOWER`` token
    patterns) or ``match: prefix`` (the last token as a ``REGEX`` ``^prefix`` on
    ``LOWER``) whose ``lang`` is ``lang`` or ``any``; each ``|`` alternative is one
    pattern. Between the words of a phrase only whitespace may occur (spaCy whitespace
    tokens), as in qualkit's matcher. Skipped (listed in ``.skipped``, with the reason): stem,
    regex and near cues, exclusion cues and cues with ``negation: only``. A SpanRuler
    does not apply negation, so it also finds negated mentions that qualkit does not count.

    ``nlp`` gives the tokenizer used to split cue words (default ``spacy.blank(lang)``);
    use the pipeline the ruler will run in.

    >>> from qualkit.codebook.model import Codebook, Code, Cue
    >>> book = Codebook(name="d", codes=(Code(id="docs", name="Documents",
    ...     cues=(Cue("surat kuasa", kind="phrase", match="exact"), Cue("paspor"))),))
    >>> pats = span_ruler_patterns(book, lang="id")
    >>> pats[0]["pattern"]
    [{'LOWER': 'surat'}, {'IS_SPACE': True, 'OP': '*'}, {'LOWER': 'kuasa'}]
    >>> [s.cue for s in pats.skipped]
    ['paspor']
    """
    spacy = _require_spacy()
    if not isinstance(lang, str) or not lang:
        raise QualkitError(
            f"The 'lang' parameter of span_ruler_patterns must be a language code; got {lang!r} instead.",
            hint="use e.g. lang='id' or lang='en'",
        )
    tokenizer = (nlp if nlp is not None else _blank(spacy, lang, {})).tokenizer
    patterns: list[dict[str, Any]] = []
    skipped: list[SkippedCue] = []
    for code in codebook.codes:
        for cue in code.cues:
            if cue.lang not in (lang, "any"):
                continue
            reason = _skip_reason(cue, cue.negation or code.negation)
            if reason is None:
                made = [_token_pattern(alt, cue.match == "prefix", tokenizer)
                        for alt in alternatives(cue.pattern)]
                made = [p for p in made if p]
                if not made:
                    reason = "the pattern has no word characters"
                for p in made:
                    patterns.append({"label": code.id, "pattern": p, "id": cue_label(cue)})
            if reason is not None:
                skipped.append(SkippedCue(code.id, cue_label(cue), cue.kind, cue.match,
                                          cue.lang, reason, cue.line))
    return RulerPatterns(patterns, skipped=skipped)


__all__ = ["AlignmentWarning", "RulerPatterns", "SkippedCue", "alignment_problems",
           "from_spacy", "span_ruler_patterns", "to_spacy"]
