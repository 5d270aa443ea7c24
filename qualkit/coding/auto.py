"""Auto-coding: apply a codebook's cues to a corpus and return the codings table.

:func:`code` returns one row per passage x code (the table of
:mod:`qualkit.coding.frame`); :func:`find_mentions` returns every single cue match
(one row each, with ``negated`` and ``excluded`` flags) for inspection and KWIC views.
:func:`code_batch` and :func:`mentions_batch` are the pure functions underneath: they
take a DataFrame of passages and a compiled :class:`~qualkit.coding.matcher.Matcher`
and can be mapped over partitions (e.g. with Dask).

When does a code apply to a passage? When at least one of its cues matches and counts
(a negated match counts only under ``negation: allow`` or ``only``), and none of its
exclusion cues matches and counts in that passage.

Which passages are coded (filters, all optional, combined with AND):

- ``roles``: keep passages whose speaker role is listed (``("informant",)`` drops the
  interviewer's turns). Passages without a speaker (role ``None``: field notes,
  case documents, forms) are kept as well, because they are nobody's turn; pass
  ``keep_roleless=False`` to drop them explicitly (or list ``None`` in ``roles`` to make
  keeping them explicit).
- ``speakers``: speaker labels as written (case-insensitive);
- ``sections``: form sections / headings (case-insensitive);
- ``source_types``: ``interview``, ``observation``, ``document``.

Example
-------
>>> import qualkit
>>> from qualkit.corpus import Corpus, Document, Passage
>>> doc = Document(id="a.txt", text="Paspor saya ditahan agen.", source_type="interview")
>>> corpus = Corpus(documents=(doc,), passages=(Passage("a.txt", "a.txt#p1", 0, 25, doc.text),))
>>> from qualkit.codebook.model import Codebook, Code, Cue
>>> book = Codebook(name="d", codes=(Code(id="docs", name="Documents", cues=(Cue("paspor"),)),))
>>> code(corpus, book, cache_dir=None)[["passage_id", "code_id", "start", "end", "cue"]]
  passage_id code_id  start  end     cue
0   a.txt#p1    docs      0    6  paspor
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from qualkit._kernels.joins import join_labels, join_spans
from qualkit.codebook.io import load_codebook
from qualkit.codebook.model import Codebook
from qualkit.coding.frame import CODING_COLUMNS, empty_codings
from qualkit.coding.matcher import Matcher, compile_codebook
from qualkit.coding.negation import counts
from qualkit.corpus import Corpus
from qualkit.errors import ParameterError, QualkitError

MENTION_COLUMNS = ("passage_id", "doc_id", "code_id", "start", "end", "cue", "negated",
                   "excluded", "exclusion")
BATCH_COLUMNS = ("passage_id", "doc_id", "start", "end", "language", "text")
PROMPT = "prompt"   # the role of task-sheet and questionnaire text: never coded by default
_MENTION_DTYPES = {"start": np.int64, "end": np.int64, "negated": bool, "excluded": bool,
                   "exclusion": bool}   # the other mention columns are object columns


def _as_book(codebook: Codebook | str | os.PathLike[str]) -> Codebook:
    if isinstance(codebook, Codebook):
        return codebook
    if isinstance(codebook, (str, os.PathLike)):
        return load_codebook(codebook)
    raise QualkitError(
        f"The 'codebook' parameter must be a Codebook or a path; got {type(codebook).__name__} instead",
        hint="load one with qualkit.load_codebook(path)",
    )


class Coder:
    """A codebook compiled for auto-coding, with the token arrays of the texts it has seen.

    Hold one to code the same corpus repeatedly (the loop of refining a codebook):
    :meth:`with_codebook` recompiles only the changed codes and shares the vocabulary and
    the cached token arrays, so passages seen before are not tokenised again. A Coder
    serialises its own calls (its matcher is not thread-safe); separate Coders run in
    parallel.

    Parameters
    ----------
    codebook : a :class:`~qualkit.codebook.model.Codebook` or a path to one.
    cache_dir : the stemmers' on-disk cache (``"default"``: ``$QUALKIT_CACHE_DIR`` or
        ``~/.cache/qualkit``; ``None``: memory only).
    name : the ``coder`` column of the codings (``"auto"``).
    matcher : a compiled matcher to start from (see :func:`compile_codebook`).

    >>> from qualkit.corpus import Corpus, Document, Passage
    >>> from qualkit.codebook.model import Codebook, Code, Cue
    >>> doc = Document(id="a.txt", text="Paspor saya ditahan agen.", source_type="interview")
    >>> corpus = Corpus(documents=(doc,), passages=(Passage("a.txt", "a.txt#p1", 0, 25, doc.text),))
    >>> coder = Coder(Codebook(name="d", codes=(Code(id="docs", name="D", cues=(Cue("paspor"),)),)), cache_dir=None)
    >>> coder.code(corpus)[["passage_id", "code_id", "cue"]]
      passage_id code_id     cue
    0   a.txt#p1    docs  paspor
    >>> wider = coder.with_codebook(Codebook(name="d", codes=(Code(id="docs", name="D", cues=(Cue("paspor|agen"),)),)))
    >>> wider.code(corpus)["cue"].tolist()
    ['paspor|agen']
    """

    def __init__(self, codebook: Codebook | str | os.PathLike[str], *, cache_dir: Any = "default",
                 name: str = "auto", matcher: Matcher | None = None) -> None:
        book = _as_book(codebook)
        if matcher is None or matcher.codebook_hash != book.hash:
            matcher = compile_codebook(book, cache_dir=cache_dir, reuse=matcher)
        self.codebook = book
        self.matcher = matcher
        self.name = name
        self._lock = threading.RLock()

    def with_codebook(self, codebook: Codebook | str | os.PathLike[str]) -> Coder:
        """A Coder for another version of the codebook, recompiling only changed codes
        and sharing this one's vocabulary, token arrays and stem caches."""
        return Coder(codebook, cache_dir=self.matcher.cache_dir, name=self.name, matcher=self.matcher)

    def code(self, corpus: Corpus, *, name: str | None = None, **filters: Any) -> pd.DataFrame:
        """The codings table of ``corpus`` (filters: see the module docstring); ``name``
        overrides the ``coder`` column for this call."""
        passages = _passages(corpus, **_filters(filters, "code"))
        with self._lock:
            out = code_batch(passages, self.matcher, coder=self.name if name is None else name)
            self.matcher.save_caches()
        return out

    def find_mentions(self, corpus: Corpus, *, counter_evidence: bool = False, **filters: Any) -> pd.DataFrame:
        """Every cue match in ``corpus`` (see :func:`mentions_batch`)."""
        passages = _passages(corpus, **_filters(filters, "find_mentions"))
        with self._lock:
            out = mentions_batch(passages, self.matcher, counter_evidence=counter_evidence)
            self.matcher.save_caches()
        return out

    def __repr__(self) -> str:
        return f"Coder({self.codebook.name!r}, {len(self.codebook.codes)} codes, {len(self.matcher.vocab):,} word types)"


FILTERS = ("roles", "speakers", "sections", "source_types", "keep_roleless", "include_prompts")


def _filters(given: dict[str, Any], method: str) -> dict[str, Any]:
    unknown = sorted(set(given) - set(FILTERS))
    if unknown:
        raise ParameterError(f"The {unknown[0]!r} parameter of Coder.{method} is not a filter; "
                             f"got {unknown[0]}={given[unknown[0]]!r}",
                             hint=f"use one of {', '.join(FILTERS)}")
    out: dict[str, Any] = {k: None for k in FILTERS}
    out.update(keep_roleless=True, include_prompts=False)
    out.update(given)
    return out


class _Session:
    """What :func:`code` and :func:`find_mentions` keep between calls without an explicit
    Coder: the last :class:`Coder` per stem-cache folder (so ``analyze`` finds mentions
    without tokenising again, and re-coding after an edit recompiles only changed codes).
    At most :attr:`size` Coders are kept; :func:`forget_session` empties it."""

    size = 2

    def __init__(self) -> None:
        self.coders: dict[str, Coder] = {}
        self._lock = threading.Lock()   # held only while looking up, not while coding

    def coder(self, book: Codebook, cache_dir: Any, matcher: Matcher | None) -> Coder:
        if matcher is not None:
            return Coder(book, cache_dir=cache_dir, matcher=matcher)
        key = str(cache_dir)
        with self._lock:
            last = self.coders.pop(key, None)
            if last is None:
                last = Coder(book, cache_dir=cache_dir)
            elif last.matcher.codebook_hash != book.hash:
                last = last.with_codebook(book)
            self.coders[key] = last
            while len(self.coders) > self.size:
                self.coders.pop(next(iter(self.coders)))
        return last

    def clear(self) -> None:
        with self._lock:
            self.coders.clear()


SESSION = _Session()


def forget_session() -> None:
    """Drop the Coders kept between calls of :func:`code` and :func:`find_mentions`
    (with the token arrays they hold), so that the next call starts cold."""
    SESSION.clear()


def select_passages(
    corpus: Corpus,
    *,
    roles: Iterable[str | None] | None = None,
    speakers: Iterable[str] | None = None,
    sections: Iterable[str] | None = None,
    source_types: Iterable[str] | None = None,
    keep_roleless: bool = True,
) -> pd.DataFrame:
    """The corpus's passages frame filtered as described in the module docstring."""
    frame = corpus.passages_frame()
    keep = np.ones(len(frame), dtype=bool)
    if roles is not None:
        roles = list(roles)
        has_role = frame["role"].isin([r for r in roles if r is not None]).to_numpy()
        roleless = frame["role"].isna().to_numpy()
        keep &= has_role | (roleless & (keep_roleless or None in roles))
    elif not keep_roleless:
        keep &= frame["role"].notna().to_numpy()
    if speakers is not None:
        wanted = {s.casefold() for s in speakers}
        keep &= frame["speaker"].map(lambda s: isinstance(s, str) and s.casefold() in wanted).to_numpy(dtype=bool)
    if sections is not None:
        wanted = {s.casefold() for s in sections}
        keep &= frame["section"].map(lambda s: isinstance(s, str) and s.casefold() in wanted).to_numpy(dtype=bool)
    if source_types is not None:
        keep &= frame["source_type"].isin(list(source_types)).to_numpy()
    return frame.loc[keep].reset_index(drop=True)


def _batch_frame(corpus: Corpus) -> pd.DataFrame:
    """The :data:`BATCH_COLUMNS` of all the corpus's passages, built straight from the
    passages (object columns; much cheaper than the full ``passages_frame()``)."""
    passages = corpus.passages
    lang = {d.id: d.language for d in corpus.documents}
    return pd.DataFrame({
        "passage_id": _object([p.id for p in passages]),
        "doc_id": _object([p.doc_id for p in passages]),
        "start": np.fromiter((p.start for p in passages), dtype=np.int64, count=len(passages)),
        "end": np.fromiter((p.end for p in passages), dtype=np.int64, count=len(passages)),
        "language": _object([lang[p.doc_id] for p in passages]),
        "text": _object([p.text for p in passages]),
    }, columns=list(BATCH_COLUMNS), copy=False)  # not consolidated: no copy of the columns


def _match_frame(passages: pd.DataFrame, compiled: Matcher) -> dict[str, np.ndarray]:
    """Run the matcher per language; arrays over all matches (row = passages row)."""
    missing = [c for c in BATCH_COLUMNS if c not in passages.columns]
    if missing:
        raise QualkitError(f"passages frame lacks column(s) {missing}",
                           hint=f"pass a frame with columns {', '.join(BATCH_COLUMNS)} "
                                "(Corpus.passages_frame() has them)")
    parts: list[dict[str, np.ndarray]] = []
    langs = passages["language"].fillna("").to_numpy(dtype=object)
    texts = passages["text"].to_numpy(dtype=object)
    window = compiled.book.negation_window
    label_ids: dict[str, int] = {}
    for lang in dict.fromkeys(langs.tolist()):
        rows = np.flatnonzero(langs == lang)
        lm = compiled.for_language(lang)
        res = lm.match(texts[rows].tolist(), window)
        u = res["unit"]
        unit_label = np.asarray([label_ids.setdefault(x, len(label_ids)) for x in lm.unit_label.tolist()],
                                dtype=np.int64)
        parts.append({
            "row": rows[res["passage"]], "code": lm.unit_code[u], "label": unit_label[u],
            "start": res["start"], "end": res["end"], "negated": res["negated"],
            "exclusion": lm.unit_excl[u], "negmode": lm.unit_neg[u],
        })
    if not parts:
        parts.append({k: np.zeros(0, dtype=bool if k in ("negated", "exclusion") else np.int64)
                      for k in ("row", "code", "label", "start", "end", "negated", "exclusion", "negmode")})
    out = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    out["label_names"] = np.asarray(list(label_ids), dtype=object)
    offset = passages["start"].to_numpy(dtype=np.int64)[out["row"]]
    out["start"] = out["start"] + offset
    out["end"] = out["end"] + offset
    counted = counts(out["negmode"], out["negated"])
    pair = out["row"] * max(len(compiled.code_ids), 1) + out["code"]
    excl_pairs = np.unique(pair[counted & out["exclusion"]])
    out["counted"] = counted
    out["pair"] = pair
    out["excluded"] = np.isin(pair, excl_pairs) if len(excl_pairs) else np.zeros(len(pair), dtype=bool)
    return out


def _object(values: Any) -> pd.Series:
    """An object-dtype column (pandas 3 would otherwise infer a slower ``str`` column)."""
    return pd.Series(np.asarray(values, dtype=object), dtype=object, copy=False)


def _ranks(values: np.ndarray) -> np.ndarray:
    """Each value's rank in sorted order (equal values share a rank)."""
    return pd.factorize(values, sort=True)[0].astype(np.int64)


def _order(*keys: np.ndarray) -> np.ndarray:
    """Indices that sort by ``keys`` (first key most significant; all non-negative ints):
    one argsort of a packed 64-bit key when the keys fit, else ``np.lexsort``."""
    bits = [max(int(k.max()), 1).bit_length() if len(k) else 1 for k in keys]
    if sum(bits) > 63:
        return np.lexsort(keys[::-1])
    packed = np.zeros(len(keys[0]), dtype=np.int64)
    for k, b in zip(keys, bits):
        packed <<= b
        packed |= k
    return np.argsort(packed, kind="stable")


def _constant(value: Any, n: int) -> np.ndarray:
    """An object array holding ``value`` ``n`` times."""
    out = np.empty(n, dtype=object)
    out.fill(value)
    return out


def mentions_batch(passages: pd.DataFrame, compiled: Matcher, *,
                   counter_evidence: bool = False) -> pd.DataFrame:
    """Every cue match in a passages frame (columns :data:`MENTION_COLUMNS`).

    ``negated``: a negator precedes the match; ``exclusion``: the match is of an
    exclusion cue; ``excluded``: an exclusion cue of the same code counts in the passage.
    Rows are sorted by ``doc_id, start, end, code_id, cue``. With ``counter_evidence``
    only the negated mentions that no exclusion cancels are kept (what triangulation
    counts against a code).
    """
    m = _match_frame(passages, compiled)
    if counter_evidence:
        keep = m["negated"] & ~m["excluded"]
        m = {k: v if k == "label_names" else v[keep] for k, v in m.items()}
    codes = np.asarray(compiled.code_ids, dtype=object)
    doc_ids = passages["doc_id"].to_numpy(dtype=object)
    code_rank = _ranks(codes)
    labels = m["label_names"][m["label"]] if len(m["label"]) else np.zeros(0, dtype=object)
    if not len(m["row"]):
        return pd.DataFrame({c: pd.Series(dtype=_MENTION_DTYPES.get(c, object)) for c in MENTION_COLUMNS})
    # sort by doc_id, start, end (as span length), code_id, cue
    order = _order(_ranks(doc_ids)[m["row"]], m["start"], m["end"] - m["start"], code_rank[m["code"]],
                   _ranks(m["label_names"])[m["label"]])
    row = m["row"][order]
    frame = pd.DataFrame({
        "passage_id": _object(passages["passage_id"].to_numpy(dtype=object)[row]),
        "doc_id": _object(doc_ids[row]),
        "code_id": _object(codes[m["code"][order]] if len(order) else []),
        "start": m["start"][order].astype(np.int64), "end": m["end"][order].astype(np.int64),
        "cue": _object(labels[order]), "negated": m["negated"][order].astype(bool),
        "excluded": m["excluded"][order].astype(bool), "exclusion": m["exclusion"][order].astype(bool),
    }, columns=list(MENTION_COLUMNS), copy=False)  # not consolidated: no copy of the columns
    return frame


def code_batch(passages: pd.DataFrame, compiled: Matcher, *, coder: str = "auto") -> pd.DataFrame:
    """Codings (one row per passage x code) for a passages frame; pure and picklable.

    ``passages`` needs the columns ``passage_id, doc_id, start, end, language, text``
    (as in ``Corpus.passages_frame()``); ``compiled`` comes from
    :func:`qualkit.coding.matcher.compile_codebook`. The table is built with array
    operations (no Python work per row) already in the canonical order and dtypes of
    :func:`qualkit.coding.frame.validate_codings`.
    """
    m = _match_frame(passages, compiled)
    keep = m["counted"] & ~m["exclusion"] & ~m["excluded"]
    if not keep.any():
        return empty_codings()
    pair, start, end, rows, codes, labels = (m[k][keep] for k in ("pair", "start", "end", "row", "code", "label"))
    base = start.min()
    order = _order(pair, start - base, end - base)
    pair, start, end, rows, codes, labels = (a[order] for a in (pair, start, end, rows, codes, labels))
    group = np.r_[True, pair[1:] != pair[:-1]]           # first evidence of each (passage, code)
    # evidence spans: each distinct (start, end) once per pair, in order, as "s-e;s-e"
    new_span = group | (start != np.r_[-1, start[:-1]]) | (end != np.r_[-1, end[:-1]])
    spans = join_spans(start[new_span], end[new_span], group[new_span])
    # cues: each distinct label once per pair, in order of first evidence
    label_names = m["label_names"]
    _, first_seen = np.unique(pair * (int(labels.max()) + 1) + labels, return_index=True)
    first_seen.sort()
    seen_label, seen_start = labels[first_seen], group[first_seen]
    seen_group = np.cumsum(seen_start) - 1
    several = np.bincount(seen_group) > 1                # pairs with more than one cue
    cues = label_names[seen_label[seen_start]]            # one cue: the label itself (shared)
    if several.any():
        rows_of = several[seen_group]
        cues[several] = join_labels(label_names, seen_label[rows_of], seen_start[rows_of])

    bounds = np.flatnonzero(group)
    first_rows, first_codes = rows[bounds], codes[bounds]
    doc_ids = passages["doc_id"].to_numpy(dtype=object)
    code_ids = np.asarray(compiled.code_ids, dtype=object)
    # canonical order of validate_codings: doc_id, start, code_id (stable)
    final = _order(_ranks(doc_ids)[first_rows], start[bounds] - start[bounds].min(), _ranks(code_ids)[first_codes])
    first_rows, first_codes = first_rows[final], first_codes[final]
    n = len(bounds)
    return pd.DataFrame({
        "passage_id": _object(passages["passage_id"].to_numpy(dtype=object)[first_rows]),
        "doc_id": _object(doc_ids[first_rows]),
        "code_id": _object(code_ids[first_codes]),
        "start": start[bounds][final].astype(np.int64), "end": end[bounds][final].astype(np.int64),
        "spans": _object(spans[final]), "cue": _object(cues[final]),
        "coder": _object(_constant(coder, n)), "method": _object(_constant("auto", n)),
        "confidence": np.ones(n),
        "codebook_hash": _object(_constant(compiled.codebook_hash, n)),
        "memo": _object(_constant("", n)),
    }, columns=list(CODING_COLUMNS), copy=False)  # not consolidated: no copy of the columns


def _passages(corpus: Corpus, *, include_prompts: bool = False, **filters: Any) -> pd.DataFrame:
    """The batch frame to code: all passages, or those :func:`select_passages` keeps;
    passages with role ``prompt`` only when ``include_prompts``."""
    prompts = not include_prompts and any(p.role == PROMPT for p in corpus.passages)
    unfiltered = all(filters[k] is None for k in ("roles", "speakers", "sections", "source_types"))
    if unfiltered and filters["keep_roleless"] and not prompts:
        return _batch_frame(corpus)      # no filter: skip building the full passages frame
    frame = select_passages(corpus, **filters)
    if prompts:
        frame = frame.loc[frame["role"].ne(PROMPT).to_numpy(dtype=bool)].reset_index(drop=True)
    return frame


def code(
    corpus: Corpus,
    codebook: Codebook | str | os.PathLike[str],
    *,
    roles: Iterable[str | None] | None = None,
    speakers: Iterable[str] | None = None,
    sections: Iterable[str] | None = None,
    source_types: Iterable[str] | None = None,
    coder: str = "auto",
    keep_roleless: bool = True,
    include_prompts: bool = False,
    cache_dir: str | Path | None = "default",
    matcher: Matcher | None = None,
) -> pd.DataFrame:
    """Auto-code a corpus with a codebook: the codings table (one row per passage x code).

    A convenience over :class:`Coder` (``Coder(codebook).code(corpus, ...)``).
    ``start``/``end`` are the first evidence span (document offsets), ``spans`` all of
    them, ``cue`` the matched cue patterns ``;``-joined, ``method`` ``"auto"``,
    ``confidence`` 1.0 and ``codebook_hash`` the codebook's hash. Filters: see the module
    docstring; passages with role ``prompt`` (questions of a task sheet or questionnaire)
    are coded only with ``include_prompts=True``. ``cache_dir``: the stemmers' on-disk
    cache (``None``: memory only); ``matcher``: a compiled matcher to start from. Without
    one, the Coder of the previous call for the same ``cache_dir`` is reused (see
    :data:`SESSION`; :func:`forget_session` drops it).

    >>> import qualkit
    >>> corpus = qualkit.load_corpus("data/demo")                                 # doctest: +SKIP
    >>> codings = qualkit.code(corpus, "codebooks/migrant_care.yaml", roles=("informant",))  # doctest: +SKIP
    """
    session = SESSION.coder(_as_book(codebook), cache_dir, matcher)
    return session.code(corpus, roles=roles, speakers=speakers, sections=sections,
                        source_types=source_types, keep_roleless=keep_roleless,
                        include_prompts=include_prompts, name=coder)


def find_mentions(
    corpus: Corpus,
    codebook: Codebook | str | os.PathLike[str],
    *,
    roles: Iterable[str | None] | None = None,
    speakers: Iterable[str] | None = None,
    sections: Iterable[str] | None = None,
    source_types: Iterable[str] | None = None,
    keep_roleless: bool = True,
    include_prompts: bool = False,
    cache_dir: str | Path | None = "default",
    matcher: Matcher | None = None,
    counter_evidence: bool = False,
) -> pd.DataFrame:
    """Every cue match: ``passage_id, doc_id, code_id, start, end, cue, negated,
    excluded, exclusion`` (see :func:`mentions_batch`); same filters as :func:`code`;
    ``counter_evidence``: only the negated mentions no exclusion cancels. A convenience
    over :meth:`Coder.find_mentions`.

    >>> import qualkit
    >>> corpus = qualkit.load_corpus("data/demo")                                  # doctest: +SKIP
    >>> find_mentions(corpus, "codebooks/migrant_care.yaml").query("negated").head()  # doctest: +SKIP
    """
    session = SESSION.coder(_as_book(codebook), cache_dir, matcher)
    return session.find_mentions(corpus, roles=roles, speakers=speakers, sections=sections,
                                 source_types=source_types, keep_roleless=keep_roleless,
                                 include_prompts=include_prompts, counter_evidence=counter_evidence)


__all__ = ["BATCH_COLUMNS", "MENTION_COLUMNS", "SESSION", "Coder", "code", "code_batch", "find_mentions", "forget_session",
           "mentions_batch", "select_passages", "compile_codebook"]
