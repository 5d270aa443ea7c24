"""The Redactor: learn a corpus's people and personal data (``fit``), replace them (``transform``).

>>> from qualkit.corpus import Corpus, Document, Passage
>>> doc = Document(id="k.txt", text="Wulan: HP saya 0812-3456-7890.", source_type="interview")
>>> corpus = Corpus(documents=(doc,), passages=(
...     Passage(doc_id="k.txt", id="k.txt#p1", start=7, end=30, speaker="Wulan").with_text(doc),))
>>> Redactor().fit(corpus).transform(corpus).documents[0].text
'Participant 1: HP saya [PHONE].'
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from qualkit._io import atomic_write
from qualkit.codebook.model import Codebook
from qualkit.corpus import Corpus, Document
from qualkit.errors import NotFittedError, QualkitError, check_param
from qualkit.privacy.names import (
    GIVEN_NAMES, NOT_NAMES, ORG_WORDS, VERY_COMMON_ZIPF, NameIndex, capitalised_names, clean_name, find_names,
    is_common, label_names, name_key, shared_surnames, zipf,
)
from qualkit.privacy.offsets import Edit, OffsetMap
from qualkit.privacy.patterns import (
    ADDRESS_FIELD, BIRTH_FIELD, FAMILIES, METADATA_NAME_KEYS, METADATA_PLACE_KEYS,
    METADATA_PSEUDONYM_KEYS, NAME_FIELD, PRIMARY_NAME_FIELD, field_lines, find_patterns,
)
from qualkit.privacy.pseudonyms import PseudonymBook, check_templates, read_mapping
from qualkit.privacy import _transform
from qualkit.segment import find_turns, speaker_roles

TAGS: Mapping[str, str] = {
    "nik": "[NIK]", "kk": "[KK]", "passport": "[PASSPORT]", "phone": "[PHONE]", "email": "[EMAIL]",
    "account": "[ACCOUNT]", "address": "[ADDRESS]", "birth": "[BIRTH]", "name": "[NAME]",
}
"""Default replacement of each kind of personal data (``Redactor(tags=...)`` overrides)."""
MAPPING_COLUMNS = ("kind", "original", "replacement", "doc_id")
SUMMARY_COLUMNS = ("kind", "replacement", "count")
MAPPING_WARNING = (
    "# WARNING: this file contains PERSONAL DATA (real names, ID numbers, phones, addresses) "
    "and re-identifies the redacted outputs. Keep it apart from the outputs, encrypted, "
    "and never share or publish it."
)
KNOWN_WORD_ZIPF = 2.5
"""A word this frequent (Zipf) in English or Indonesian is a known word of the language."""
_PRIORITY = {"email": 0, "nik": 1, "kk": 1, "passport": 2, "account": 2, "phone": 3, "address": 4,
             "birth": 4, "name": 6}


@dataclass
class _Person:
    name: str
    group: str | None
    kind: str
    doc_id: str | None
    pseudonym: str | None = None


def _strings(value: Any) -> list[str]:
    """The strings in a metadata value (a string, or inside lists and tuples)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


class Redactor:
    """Find and replace personal data; give every person one pseudonym for the run.

    Parameters (keyword-only)
    -------------------------
    patterns : which families of :data:`~qualkit.privacy.patterns.FAMILIES` to redact.
    deny : names always replaced (with their parts), e.g. from a study file; ``names`` is
        the same list under its older name.
    allow : words or names never replaced as names (an organisation, a place, a role).
    pseudonyms : templates per informant group or kind (``informant``, ``interviewer``,
        ``person``), e.g. ``{"informant": "Participant {n}"}``; missing kinds keep the
        English defaults.
    previous : the mapping of an earlier run (path or DataFrame): its people keep their
        pseudonyms, new people get the next numbers.
    assigned : ``{name: pseudonym}`` fixed by hand.
    name_style : ``"pseudonym"`` or ``"tag"`` (every name becomes ``[NAME]``).
    discover : also take names the texts show (titles, introductions, labels, the
        gazetteer of given names); declared names (labels, fields, metadata, ``deny``) always.
    tags : replacements per kind, overriding :data:`TAGS`.

    Learned: ``names_`` (``name, group, pseudonym, doc_id``), ``mapping_``
    (``kind, original, replacement, doc_id``), ``summary_`` (``kind, replacement, count``).

    >>> Redactor(deny=["Sari Dewi"]).fit(Corpus((), ())).redact_text("Sari datang, sari@x.org")
    'Person 1 datang, [EMAIL]'
    """

    def __init__(self, *, patterns: Iterable[str] = FAMILIES, deny: Iterable[str] = (),
                 names: Iterable[str] = (), allow: Iterable[str] = (),
                 pseudonyms: Mapping[str, str] | None = None,
                 previous: str | os.PathLike[str] | pd.DataFrame | None = None,
                 assigned: Mapping[str, str] | None = None, name_style: str = "pseudonym",
                 discover: bool = True, tags: Mapping[str, str] | None = None) -> None:
        self.patterns = patterns
        self.deny = deny
        self.names = names
        self.allow = allow
        self.pseudonyms = pseudonyms
        self.previous = previous
        self.assigned = assigned
        self.name_style = name_style
        self.discover = discover
        self.tags = tags

    def _check_params(self) -> None:
        for which in ("patterns", "deny", "names", "allow"):
            value = getattr(self, which)
            check_param("Redactor", which, value, ok=not isinstance(value, str), rule="a list of strings")
        unknown = [p for p in self.patterns if p not in FAMILIES]
        check_param("Redactor", "patterns", unknown, ok=not unknown, rule=f"a list of items of {FAMILIES}")
        check_param("Redactor", "name_style", self.name_style, options=("pseudonym", "tag"))

    # -- fit -----------------------------------------------------------------------------------
    def fit(self, corpus: Corpus) -> Redactor:
        """Collect the people and personal values ``corpus`` declares; return self."""
        self._check_params()
        self.patterns_ = frozenset(self.patterns)
        self.tags_ = {**TAGS, **dict(self.tags or {})}
        self.allow_ = {name_key(a) for a in self.allow} - {()}
        previous = read_mapping(self.previous) if self.previous is not None else {}
        book = PseudonymBook(check_templates(self.pseudonyms or {}), previous=previous)
        people: dict[tuple[str, ...], _Person] = {}
        literals: dict[str, str] = {}
        forced: dict[str, list[tuple[int, int, str]]] = {}

        def add(name: str | None, group: str | None, kind: str, doc_id: str | None) -> None:
            key = name_key(name or "")
            if key and key not in self.allow_ and len("".join(key)) >= 2:
                person = people.setdefault(key, _Person(" ".join((name or "").split()), group, kind, doc_id))
                if person.kind == "person" and kind != "person":
                    person.kind, person.group = kind, group
                if person.doc_id is None and doc_id is not None:  # known before: now seen as written
                    person.name, person.doc_id = " ".join((name or "").split()), doc_id

        for name in [*self.deny, *self.names, *dict(self.assigned or {})]:
            add(name, None, "person", None)
        for key in previous:  # people of earlier runs stay known
            add(key, None, "person", None)
        pinned: dict[tuple[str, ...], str] = {}
        for doc in corpus.documents:
            self._fit_document(doc, corpus, add, literals, forced.setdefault(doc.id, []), pinned)
        self._assign(people, book, pinned, shared=shared_surnames(corpus.documents, people))
        self.people_ = people
        self.literals_ = literals
        self._forced = forced
        self._compile()
        self.names_ = pd.DataFrame([(p.name, p.group, p.pseudonym, p.doc_id) for p in people.values()],
                                   columns=["name", "group", "pseudonym", "doc_id"])
        self._fitted_texts = {doc.id: doc.text for doc in corpus.documents}
        self.edits_ = {doc.id: self._edits(doc.text, forced=forced.get(doc.id, ()), discover=False)
                       for doc in corpus.documents}
        self.mapping_ = self._mapping()
        self.summary_ = self._summary()
        return self

    def _fit_document(self, doc: Document, corpus: Corpus, add: Any, literals: dict[str, str],
                      forced: list[tuple[int, int, str]], pinned: dict[tuple[str, ...], str]) -> None:
        group = doc.informant_group
        meta = {str(k).casefold(): v for k, v in doc.metadata.items()}
        pseudo = next((meta[k] for k in METADATA_PSEUDONYM_KEYS & set(meta)
                       if isinstance(meta[k], str) and meta[k].strip()), None)
        for key in METADATA_NAME_KEYS & set(meta):
            if isinstance(meta[key], str) and meta[key].strip():
                add(meta[key], group, "informant", doc.id)
                if pseudo:
                    pinned[name_key(meta[key])] = pseudo.strip()
        for key in METADATA_PLACE_KEYS & set(meta):
            self._add_literal(literals, meta[key], "address")
        for key in set(meta) - METADATA_NAME_KEYS - METADATA_PLACE_KEYS - METADATA_PSEUDONYM_KEYS:
            for value in _strings(meta[key]):  # a title, a note, a sheet name: a name in them is declared
                for name in capitalised_names(value):
                    add(name, None, "person", doc.id)
        for name in capitalised_names(doc.title or ""):
            add(name, None, "person", doc.id)
        for f in doc.fields:
            self._fit_value(f.label, f.value, doc, add, literals)
            if f.value.strip() and (ADDRESS_FIELD.match(f.label) or BIRTH_FIELD.match(f.label)):
                kind = "birth" if BIRTH_FIELD.match(f.label) else "address"
                if kind in self.patterns_ and doc.text[f.start:f.end] == f.value:
                    forced.append((f.start, f.end, kind))
        for kind, value, start, end in field_lines(doc.text):
            if kind in ("name", "informant"):
                add(clean_name(value, any_case=True, declared=True), group if kind == "informant" else None,
                    "informant" if kind == "informant" else "person", doc.id)
            elif kind in self.patterns_:
                forced.append((start, end, kind))
                self._add_literal(literals, value, kind)
        speakers = [p.speaker for p in corpus.passages_of(doc.id) if p.speaker]
        roles = {p.speaker: p.role for p in corpus.passages_of(doc.id) if p.speaker}
        if not roles:  # passages without speakers (an import split into paragraphs): find turns as loaders do
            speakers = [t.label for t in find_turns(doc.text)]
            roles = speaker_roles(speakers)
        turns = Counter(speakers)
        for label, role in roles.items():
            for name in label_names(label, recurring=turns[label] > 1, language=doc.language):
                add(name, None if role == "interviewer" else group,
                    "interviewer" if role == "interviewer" else "informant", doc.id)
        if self.discover:
            for _, _, name in find_names(doc.text):
                add(name, None, "person", doc.id)

    def _fit_value(self, label: str, value: str, doc: Document, add: Any, literals: dict[str, str]) -> None:
        if BIRTH_FIELD.match(label):
            if "birth" in self.patterns_:
                self._add_literal(literals, value, "birth")
        elif NAME_FIELD.match(label):
            primary = PRIMARY_NAME_FIELD.match(label) is not None
            add(clean_name(value, any_case=True, declared=True), doc.informant_group if primary else None,
                "informant" if primary else "person", doc.id)
        elif ADDRESS_FIELD.match(label) and "address" in self.patterns_:
            self._add_literal(literals, value, "address")

    @staticmethod
    def _add_literal(literals: dict[str, str], value: Any, kind: str) -> None:
        if not isinstance(value, str):
            return
        key = " ".join(value.split()).casefold()
        if key.startswith(("sama ", "same ", "idem", "lihat ", "see ", "tidak ", "-")):
            return
        if len(key) >= 6 and not is_common(key) and key not in literals:
            literals[key] = kind

    def _assign(self, people: dict[tuple[str, ...], _Person], book: PseudonymBook,
                pinned: dict[tuple[str, ...], str], shared: frozenset[tuple[str, ...]] = frozenset()) -> None:
        """Pseudonyms in corpus order; a name that is part of exactly one longer name (a
        first name used alone) is that person; a part of several, or a surname ``shared``
        by a man and a woman (``Mr``/``Mrs Oakley``), becomes the name tag."""
        pinned = {**{name_key(k): v for k, v in dict(self.assigned or {}).items()}, **pinned}
        parts = []
        for key, person in people.items():
            longer = [k for k in people if len(k) > len(key) and set(key) <= set(k)]
            if self.name_style == "tag" or (key in shared and key not in pinned):
                person.pseudonym = self.tags_["name"]
            elif key in pinned:
                person.pseudonym = book.assigned[" ".join(key)] = pinned[key]
            elif longer and " ".join(key) not in book.assigned:
                parts.append((person, longer))
            else:
                person.pseudonym = book.pseudonym(" ".join(key), person.group, person.kind)
        for person, longer in parts:
            whole = {people[k].pseudonym for k in longer}
            person.pseudonym = whole.pop() if len(whole) == 1 else self.tags_["name"]

    def _compile(self) -> None:
        table: dict[tuple[str, ...], str] = {}
        for key, person in self.people_.items():
            table[key] = person.pseudonym or self.tags_["name"]
        # a part of a person's name replaced on its own (a surname used alone): never a very
        # common word ("Hospital"), a common one ("Pike") only where Capitalised
        parts: dict[tuple[str, ...], set[str]] = {}
        cased_parts = set()
        for key, person in self.people_.items():
            if len(key) > 1:
                for w in key:
                    if (len(w) >= 3 and (w,) not in self.allow_ and w not in NOT_NAMES and w not in ORG_WORDS
                            and (w in GIVEN_NAMES or zipf(w) < VERY_COMMON_ZIPF)):
                        parts.setdefault((w,), set()).add(table[key])
                        if is_common(w) and (w,) not in table:
                            cased_parts.add((w,))
        for part, pseudos in parts.items():
            table.setdefault(part, next(iter(pseudos)) if len(pseudos) == 1 else self.tags_["name"])
        pseudo_keys = {name_key(p) for p in table.values()}
        table = {k: v for k, v in table.items() if k not in pseudo_keys}
        # an ordinary word that is also a name matches only Capitalised or UPPER case
        cased = {k for k in table if len(k) == 1 and zipf(k[0]) >= VERY_COMMON_ZIPF} | (cased_parts & set(table))
        # a name the texts showed (not a declared speaker or list) that is also a known
        # word ("Outliers"): only its Capitalised uses are the name, lower case is the word
        cased |= {k for k, p in self.people_.items() if len(k) == 1 and p.kind == "person" and k[0] not in GIVEN_NAMES
                  and zipf(k[0]) >= KNOWN_WORD_ZIPF}
        self._index = NameIndex.build(table, cased=cased)
        self._known = frozenset(table)
        self._literal_rx = (re.compile("|".join(
            re.escape(k).replace(r"\ ", r"\s+") for k in sorted(self.literals_, key=len, reverse=True)),
            re.IGNORECASE) if self.literals_ else None)

    # -- edits on one text ---------------------------------------------------------------------
    def _edits(self, text: str, *, forced: Iterable[tuple[int, int, str]] = (),
               discover: bool = True) -> tuple[Edit, ...]:
        tags = self.tags_
        cands = [(s, e, k, tags[k]) for s, e, k in find_patterns(text, self.patterns_)]
        cands += [(s, e, k, tags[k]) for s, e, k in forced]
        if self._literal_rx is not None:
            for m in self._literal_rx.finditer(text):
                kind = self.literals_.get(" ".join(m.group(0).split()).casefold(), "address")
                cands.append((m.start(), m.end(), kind, tags[kind]))
        cands += [(s, e, "name", r) for s, e, r in self._index.finditer(text)]
        if discover and self.discover:
            cands += [(s, e, "name", tags["name"]) for s, e, n in find_names(text)
                      if name_key(n) not in self.allow_ and name_key(n) not in self._known]
        return _transform.merge(text, cands, _PRIORITY)

    def _require_fit(self) -> None:
        if not hasattr(self, "mapping_"):
            raise NotFittedError("this Redactor is not fitted yet",
                                 hint="call redactor.fit(corpus) before transform/redact_text")

    # -- public transforms -----------------------------------------------------------------------
    def redact_text(self, text: str) -> str:
        """``text`` with personal data and names replaced (also names it shows itself)."""
        self._require_fit()
        if not isinstance(text, str):
            raise QualkitError(f"redact_text needs a str; got {type(text).__name__}",
                               hint="use redact_value() for arbitrary cell values")
        return _transform.apply(text, self._edits(text))

    def redact_value(self, value: Any) -> Any:
        """Redact strings (and strings inside lists/tuples/dicts); return others unchanged."""
        self._require_fit()
        if isinstance(value, str):
            return self.redact_text(value)
        if isinstance(value, (list, tuple)):
            return type(value)(self.redact_value(v) for v in value)
        if isinstance(value, Mapping):
            return {k: self.redact_value(v) for k, v in value.items()}
        return value

    def redact_id(self, identifier: str) -> str:
        """Redact a document id or path (pseudonyms get ``_`` instead of spaces)."""
        self._require_fit()
        edits = tuple(replace(e, replacement=re.sub(r"[\s\[\]]+", "_", e.replacement).strip("_"))
                      for e in self._edits(identifier, discover=False))
        return _transform.apply(identifier, edits)

    def offset_map(self, doc_id: str) -> OffsetMap:
        """The offset map of a fitted document (original -> redacted text)."""
        self._require_fit()
        if doc_id not in self.edits_:
            raise QualkitError(f"document {doc_id!r} was not in the corpus this Redactor was fitted on",
                               hint="fit the Redactor on the corpus that was coded")
        return OffsetMap.from_edits(self.edits_[doc_id])

    def edits_of(self, document: Document, *, unfitted: str = "raise") -> tuple[Edit, ...]:
        """The edits that redact ``document``'s text, exactly as :meth:`transform` applies them.

        Each :class:`~qualkit.privacy.offsets.Edit` replaces ``text[start:end]`` (code
        points of the original) by its ``replacement``; ``apply_edits(text, edits)`` gives
        the redacted text and ``OffsetMap.from_edits(edits)`` moves offsets onto it. A
        document of the fitted corpus with the same text gets the edits :meth:`fit` learnt
        (field values and metadata included). For any other document ``unfitted`` says
        what to do: ``"raise"`` a QualkitError, or ``"find"`` its edits afresh (patterns
        and known names; :meth:`transform` does this for texts it was not fitted on).

        >>> from qualkit.privacy.offsets import apply_edits
        >>> doc = Document(id="k.txt", text="Wulan: HP saya 0812-3456-7890.")
        >>> redactor = Redactor(deny=["Wulan"]).fit(Corpus(documents=(doc,), passages=()))
        >>> edits = redactor.edits_of(doc)
        >>> [(e.start, e.end, e.replacement) for e in edits]
        [(0, 5, 'Person 1'), (15, 29, '[PHONE]')]
        >>> apply_edits(doc.text, edits)
        'Person 1: HP saya [PHONE].'
        >>> redactor.edits_of(Document(id="k.txt", text="Wulan menelepon."), unfitted="find")[0].replacement
        'Person 1'
        """
        self._require_fit()
        check_param("Redactor.edits_of", "unfitted", unfitted, options=("raise", "find"))
        check_param("Redactor.edits_of", "document", document, rule="a qualkit Document",
                    ok=isinstance(document, Document))
        fitted = getattr(self, "_fitted_texts", {})
        if fitted.get(document.id) == document.text:
            return self.edits_[document.id]
        if unfitted == "find":
            return self._edits(document.text, discover=False)
        why = "has another text than" if document.id in fitted else "was not in"
        raise QualkitError(f"document {document.id!r} {why} the corpus this Redactor was fitted on",
                           hint="fit the Redactor on the corpus whose texts are redacted, "
                                "or pass unfitted='find'")

    def transform(self, corpus: Corpus) -> Corpus:
        """A new Corpus with every text, passage, field, label, title, id and metadata redacted."""
        self._require_fit()
        return _transform.transform_corpus(self, corpus)

    def transform_codings(self, codings: pd.DataFrame) -> pd.DataFrame:
        """Move a codings table onto the redacted corpus (ids, offsets, spans, memos)."""
        self._require_fit()
        return _transform.transform_codings(self, codings)

    def redact_codebook(self, book: Codebook) -> Codebook:
        """The codebook with descriptions, inclusion/exclusion rules, memos and examples redacted."""
        self._require_fit()
        codes = tuple(replace(
            c, description=self.redact_text(c.description), inclusion=self.redact_text(c.inclusion),
            exclusion=self.redact_text(c.exclusion), memo=self.redact_text(c.memo),
            examples=tuple(replace(x, text=self.redact_text(x.text)) for x in c.examples),
        ) for c in book.codes)
        return replace(book, codes=codes, description=self.redact_text(book.description))

    def preview(self, corpus: Corpus, *, width: int = 30) -> pd.DataFrame:
        """What :meth:`fit` on ``corpus`` would replace: ``kind, original, replacement,
        count, context`` (the context shows the original: for the screen, never a file)."""
        self.fit(corpus)
        rows: dict[tuple[str, str, str], list[Any]] = {}
        for doc in corpus.documents:
            for e in self.edits_[doc.id]:
                row = rows.setdefault((e.kind, e.original, e.replacement), [0, ""])
                row[0] += 1
                if not row[1]:
                    row[1] = " ".join(doc.text[max(0, e.start - width):e.end + width].split())
        return pd.DataFrame([(k, o, r, n, c) for (k, o, r), (n, c) in rows.items()],
                            columns=["kind", "original", "replacement", "count", "context"]
                            ).sort_values(["kind", "count"], ascending=[True, False], kind="stable").reset_index(drop=True)

    # -- files ---------------------------------------------------------------------------------
    def _mapping(self) -> pd.DataFrame:
        rows: dict[tuple[str, str, str], str | None] = {}
        for person in self.people_.values():
            rows.setdefault(("name", person.name, person.pseudonym or self.tags_["name"]), person.doc_id)
        for doc_id, edits in self.edits_.items():
            for e in edits:
                rows.setdefault((e.kind, e.original, e.replacement), doc_id)
        frame = pd.DataFrame([(k, o, r, d) for (k, o, r), d in rows.items()], columns=list(MAPPING_COLUMNS))
        return frame.sort_values(["kind", "replacement", "original"], kind="stable").reset_index(drop=True)

    def _summary(self) -> pd.DataFrame:
        counts: dict[tuple[str, str], int] = {}
        for edits in self.edits_.values():
            for e in edits:
                counts[(e.kind, e.replacement)] = counts.get((e.kind, e.replacement), 0) + 1
        return pd.DataFrame([(k, r, n) for (k, r), n in sorted(counts.items())], columns=list(SUMMARY_COLUMNS))

    def write_mapping(self, path: str | os.PathLike[str]) -> str:
        """Write ``mapping_`` as CSV after a warning line (atomic); return the path."""
        self._require_fit()
        atomic_write(path, MAPPING_WARNING + "\n" + self.mapping_.to_csv(index=False, lineterminator="\n"))
        return str(path)


__all__ = ["MAPPING_COLUMNS", "MAPPING_WARNING", "Redactor", "SUMMARY_COLUMNS", "TAGS"]
