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
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from qualkit.codebook.model import Codebook
from qualkit.coding.frame import CODING_COLUMNS, empty_codings, validate_codings
from qualkit.coding.matcher import Matcher, _counts, compile_codebook
from qualkit.corpus import Corpus
from qualkit.errors import QualkitError

MENTION_COLUMNS = ("passage_id", "doc_id", "code_id", "start", "end", "cue", "negated",
                   "excluded", "exclusion")
BATCH_COLUMNS = ("passage_id", "doc_id", "start", "end", "language", "text")


def _as_book(codebook: Codebook | str | os.PathLike[str]) -> Codebook:
    if isinstance(codebook, Codebook):
        return codebook
    if isinstance(codebook, (str, os.PathLike)):
        from qualkit.codebook.io import load_codebook

        return load_codebook(codebook)
    raise QualkitError(
        f"The 'codebook' parameter must be a Codebook or a path; got {type(codebook).__name__} instead",
        hint="load one with qualkit.load_codebook(path)",
    )


def _matcher(book: Codebook, matcher: Matcher | None, cache_dir: Any) -> Matcher:
    if matcher is not None and matcher.codebook_hash == book.hash:
        return matcher
    return compile_codebook(book, cache_dir=cache_dir, reuse=matcher)


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
    for lang in dict.fromkeys(langs.tolist()):
        rows = np.flatnonzero(langs == lang)
        lm = compiled.for_language(lang)
        res = lm.match(texts[rows].tolist(), window)
        u = res["unit"]
        parts.append({
            "row": rows[res["passage"]], "code": lm.unit_code[u], "label": lm.unit_label[u],
            "start": res["start"], "end": res["end"], "negated": res["negated"],
            "exclusion": lm.unit_excl[u], "negmode": lm.unit_neg[u],
        })
    if not parts:
        return {k: np.zeros(0, dtype=object if k == "label" else np.int64) for k in
                ("row", "code", "label", "start", "end", "negated", "exclusion", "negmode")}
    out = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    offset = passages["start"].to_numpy(dtype=np.int64)[out["row"]]
    out["start"] = out["start"] + offset
    out["end"] = out["end"] + offset
    counted = _counts(out["negmode"], out["negated"])
    pair = out["row"] * max(len(compiled.code_ids), 1) + out["code"]
    excl_pairs = np.unique(pair[counted & out["exclusion"]])
    out["counted"] = counted
    out["pair"] = pair
    out["excluded"] = np.isin(pair, excl_pairs) if len(excl_pairs) else np.zeros(len(pair), dtype=bool)
    return out


def mentions_batch(passages: pd.DataFrame, compiled: Matcher) -> pd.DataFrame:
    """Every cue match in a passages frame (columns :data:`MENTION_COLUMNS`).

    ``negated``: a negator precedes the match; ``exclusion``: the match is of an
    exclusion cue; ``excluded``: an exclusion cue of the same code counts in the passage.
    """
    m = _match_frame(passages, compiled)
    codes = np.asarray(compiled.code_ids, dtype=object)
    frame = pd.DataFrame({
        "passage_id": passages["passage_id"].to_numpy(dtype=object)[m["row"]],
        "doc_id": passages["doc_id"].to_numpy(dtype=object)[m["row"]],
        "code_id": codes[m["code"]] if len(m["code"]) else np.zeros(0, dtype=object),
        "start": m["start"].astype(np.int64), "end": m["end"].astype(np.int64),
        "cue": m["label"].astype(object), "negated": m["negated"].astype(bool),
        "excluded": m["excluded"].astype(bool), "exclusion": m["exclusion"].astype(bool),
    }, columns=list(MENTION_COLUMNS))
    frame = frame.sort_values(["doc_id", "start", "end", "code_id", "cue"], kind="stable")
    return frame.reset_index(drop=True)


def code_batch(passages: pd.DataFrame, compiled: Matcher, *, coder: str = "auto") -> pd.DataFrame:
    """Codings (one row per passage x code) for a passages frame; pure and picklable.

    ``passages`` needs the columns ``passage_id, doc_id, start, end, language, text``
    (as in ``Corpus.passages_frame()``); ``compiled`` comes from
    :func:`qualkit.coding.matcher.compile_codebook`.
    """
    m = _match_frame(passages, compiled)
    keep = m["counted"] & ~m["exclusion"] & ~m["excluded"]
    if not keep.any():
        return empty_codings()
    pair, start, end = m["pair"][keep], m["start"][keep], m["end"][keep]
    rows, codes, labels = m["row"][keep], m["code"][keep], m["label"][keep]
    order = np.lexsort((end, start, pair))
    pair, start, end, rows, codes, labels = (a[order] for a in (pair, start, end, rows, codes, labels))
    bounds = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    stops = np.r_[bounds[1:], len(pair)].tolist()
    span_text = [f"{s}-{e}" for s, e in zip(start.tolist(), end.tolist())]
    label_list = labels.tolist()
    spans = [span_text[a] if b - a == 1 else ";".join(dict.fromkeys(span_text[a:b]))
             for a, b in zip(bounds.tolist(), stops)]
    cues = [label_list[a] if b - a == 1 else ";".join(dict.fromkeys(label_list[a:b]))
            for a, b in zip(bounds.tolist(), stops)]
    first_rows = rows[bounds]
    code_ids = np.asarray(compiled.code_ids, dtype=object)
    n = len(bounds)
    frame = pd.DataFrame({
        "passage_id": passages["passage_id"].to_numpy(dtype=object)[first_rows],
        "doc_id": passages["doc_id"].to_numpy(dtype=object)[first_rows],
        "code_id": code_ids[codes[bounds]],
        "start": start[bounds], "end": end[bounds], "spans": spans, "cue": cues,
        "coder": [coder] * n, "method": ["auto"] * n, "confidence": np.ones(n),
        "codebook_hash": [compiled.codebook_hash] * n, "memo": [""] * n,
    }, columns=list(CODING_COLUMNS))
    return validate_codings(frame)


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
    cache_dir: str | Path | None = "default",
    matcher: Matcher | None = None,
) -> pd.DataFrame:
    """Auto-code a corpus with a codebook: the codings table (one row per passage x code).

    ``start``/``end`` are the first evidence span (document offsets), ``spans`` all of
    them, ``cue`` the matched cue patterns ``;``-joined, ``method`` ``"auto"``,
    ``confidence`` 1.0 and ``codebook_hash`` the codebook's hash. Filters: see the module
    docstring. ``cache_dir``: the stemmers' on-disk cache (``None``: memory only);
    ``matcher``: a compiled matcher to reuse (recompiled for changed codes only if the
    codebook changed).

    >>> import qualkit
    >>> corpus = qualkit.load_corpus("data/demo")                                 # doctest: +SKIP
    >>> codings = qualkit.code(corpus, "codebooks/migrant_care.yaml", roles=("informant",))  # doctest: +SKIP
    """
    book = _as_book(codebook)
    compiled = _matcher(book, matcher, cache_dir)
    passages = select_passages(corpus, roles=roles, speakers=speakers, sections=sections,
                               source_types=source_types, keep_roleless=keep_roleless)
    out = code_batch(passages, compiled, coder=coder)
    compiled.save_caches()
    return out


def find_mentions(
    corpus: Corpus,
    codebook: Codebook | str | os.PathLike[str],
    *,
    roles: Iterable[str | None] | None = None,
    speakers: Iterable[str] | None = None,
    sections: Iterable[str] | None = None,
    source_types: Iterable[str] | None = None,
    keep_roleless: bool = True,
    cache_dir: str | Path | None = "default",
    matcher: Matcher | None = None,
) -> pd.DataFrame:
    """Every cue match: ``passage_id, doc_id, code_id, start, end, cue, negated,
    excluded, exclusion`` (see :func:`mentions_batch`); same filters as :func:`code`.

    >>> import qualkit
    >>> corpus = qualkit.load_corpus("data/demo")                                  # doctest: +SKIP
    >>> find_mentions(corpus, "codebooks/migrant_care.yaml").query("negated").head()  # doctest: +SKIP
    """
    book = _as_book(codebook)
    compiled = _matcher(book, matcher, cache_dir)
    passages = select_passages(corpus, roles=roles, speakers=speakers, sections=sections,
                               source_types=source_types, keep_roleless=keep_roleless)
    out = mentions_batch(passages, compiled)
    compiled.save_caches()
    return out


__all__ = ["BATCH_COLUMNS", "MENTION_COLUMNS", "code", "code_batch", "find_mentions",
           "mentions_batch", "select_passages", "compile_codebook"]
