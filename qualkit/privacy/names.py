"""Which words are people's names: declared in labels, fields and titles, or recognised.

Word lists ship as data beside this module (``data/*.txt``): a gazetteer of Indonesian
and common English given names, honorifics, role and document-part words, and words that
follow a title without being a name. Whether a word is an ordinary word of English or
Indonesian comes from :mod:`wordfreq` (its data ships with the package). The rule that
keeps ordinary text intact: a common word is never taken as a name unless a name context
says so (a title, an introduction, a name field), and then only where it is Capitalised.

>>> label_names("**K (Kiki):**"), label_names("TASK SHEET"), label_names("Saudara")
(['Kiki'], [], [])
>>> [n for _, _, n in find_names("Lalu pak Darto datang. Namanya Heru. It's called One Across.")]
['Darto', 'Heru']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from functools import lru_cache

from wordfreq import zipf_frequency

from qualkit.privacy._data import words as _words
from qualkit.privacy.morphology import derived_word

COMMON_ZIPF = 3.5
"""A word with this Zipf frequency (log10 of its count per billion words) or more in
English or Indonesian is a common word: about once in 30,000 words. Many given names are
that frequent too, hence the gazetteer and the name contexts."""
VERY_COMMON_ZIPF = 4.5
"""Above this a word is an ordinary word even in a name context, unless Capitalised
there (``namanya siapa`` is no name; ``namanya andre`` is)."""
LANGUAGES = ("en", "id")


GIVEN_NAMES = _words("given_names.txt")
HONORIFICS = _words("honorifics.txt")
ROLE_WORDS = _words("roles.txt")
NOT_NAMES = _words("not_names.txt") | HONORIFICS | ROLE_WORDS
PARTICLES = frozenset({"bin", "binti", "van", "von", "de", "da", "al", "el"})
ORG_WORDS = _words("organisations.txt")
"""Words that make a name candidate an organisation or place, not a person."""

TOKEN = re.compile(r"[^\W\d_]+")
"""A word: a run of letters (apostrophes and hyphens separate words)."""
_NEXT_WORD = re.compile(r"[ \t\n\r\u00a0\-'’.]{1,3}([^\W\d_]+)")
"""The next word of a name: after one to three spaces, line breaks, hyphens, apostrophes or dots."""
_NAME_WORD = re.compile(r"^[^\W\d_]+(?:['’\-.][^\W\d_]*)*$")


@lru_cache(maxsize=65536)
def is_common(word: str) -> bool:
    """True when ``word`` is an ordinary word of English or Indonesian (wordfreq).

    >>> is_common("one"), is_common("sheet"), is_common("darto")
    (True, True, False)
    """
    return zipf(word) >= COMMON_ZIPF


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """The highest Zipf frequency of ``word`` (case-folded) in English and Indonesian."""
    w = word.casefold()
    return max(zipf_frequency(w, lang) for lang in LANGUAGES)


def name_word(word: str, *, declared: bool = False) -> bool:
    """True when ``word`` can be (part of) a name outside a name context: a given name of
    the gazetteer, or a word that is neither common, nor a title, role or office, nor
    (unless ``declared`` in a name field) a word derived from a common one (``Pengadu``,
    see :func:`~qualkit.privacy.morphology.derived_word`)."""
    w = word.casefold().strip(".")
    if w in NOT_NAMES or not _NAME_WORD.match(word):
        return False
    return w in GIVEN_NAMES or not (is_common(w) or (not declared and derived_word(w)))


def clean_name(raw: str, *, any_case: bool = False, declared: bool = False) -> str | None:
    """The person name in a label or field value, without titles, or None.

    ``any_case``: accept lower-case words (a form field's value); otherwise every word
    must be Capitalised or UPPER case. ``declared``: the value of a name field, where a
    word built like a derived word (``Tambunan``) is still taken as a name.

    >>> clean_name("Pak Joko (agen)"), clean_name("siti aminah", any_case=True), clean_name("tidak tahu", any_case=True)
    ('Joko', 'siti aminah', None)
    """
    value = re.split(r"[(\[{,;/|\"“”]| - | alias | als\.? |\s{2,}|\n", raw, maxsplit=1)[0]
    words = [w.strip(".:*_") for w in value.split()]
    words = [w for w in words if w]
    while words and words[0].casefold().strip(".") in HONORIFICS:
        words.pop(0)
    if not (1 <= len(words) <= 6) or any(w.casefold() in ORG_WORDS for w in words):
        return None  # an organisation or a place in one: "NORTHGATE GENERAL HOSPITAL"
    if not all(_NAME_WORD.match(w) for w in words):
        return None
    if any(w.casefold() in NOT_NAMES - PARTICLES for w in words):
        return None
    if not any_case and not all(w[:1].isupper() or w.casefold() in PARTICLES for w in words):
        return None
    if _mixed_case(words):
        return None  # "Minute taker": a name is written all lower, all UPPER or Capitalised
    if not any(name_word(w, declared=declared) for w in words if w.casefold() not in PARTICLES):
        return None  # only ordinary words: "Task Sheet", "Tidak Tahu", "Apologies"
    name = " ".join(words)
    return name if len(name) >= 2 else None


def _mixed_case(words: list[str]) -> bool:
    """True when some words are Capitalised and others (not particles) lower case."""
    words = [w for w in words if w.casefold() not in PARTICLES]
    upper = [w[:1].isupper() for w in words]
    return any(upper) and not all(upper)


_PSEUDONYM_LIKE = re.compile(r"^[^\W\d_]+\s*[-_]?\s*(?:[A-Z]{1,2}|\d{1,3})$")


def label_names(label: str, *, recurring: bool = False, language: str | None = None) -> list[str]:
    """The person names in a speaker label (``Bu Sumarni``, ``K (Kiki)``, ``ANI``), or [].

    Not names: roles and document parts (``MODERATOR``, ``TASK SHEET``, ``Catatan``),
    titles alone (``Saudara``), letters and codes (``Q``, ``P1``, ``SPK``), pseudonyms
    (``Participant 3``, ``Informant B``). ``recurring``: the label takes several turns of a
    dialogue, so a single Capitalised word is a person even when it is a common word
    (``Sam``, and ``Dan`` in a document whose ``language`` is English).

    >>> label_names("Sam"), label_names("Sam", recurring=True), label_names("Dan", recurring=True, language="en")
    ([], ['Sam'], ['Dan'])
    """
    text = label.strip().strip("*_#>:[] \t")
    parts = [p for p in re.split(r"[()\[\]]", text) if p.strip()]
    found = []
    for part in parts:
        part = part.strip(" *_:-")
        words = part.split()
        if not words or len(words) > 5:
            continue
        first = words[0].casefold().strip(".")
        if first in ROLE_WORDS or (_PSEUDONYM_LIKE.match(part) and first not in GIVEN_NAMES and len(words) == 2):
            continue
        if re.fullmatch(r"[^\W\d_]{1,2}\d*\.?|\d+", part):
            continue
        if re.fullmatch(r"[A-Z]{3,4}", part) and part.casefold() not in GIVEN_NAMES:
            continue  # an acronym
        name = clean_name(part, any_case=True)
        if name is None and recurring:
            name = _speaker_word(part, language)
        if name:
            found.append(name)
    return found


def _speaker_word(part: str, language: str | None) -> str | None:
    """A single Capitalised word labelling a speaker's turns, unless it is a role, a
    title, an office, a derived word or a function word of the document's language."""
    if not re.fullmatch(r"[^\W\d_]{3,}", part) or not part[:1].isupper() or part.isupper():
        return None
    w = part.casefold()
    if w in ROLE_WORDS or w in HONORIFICS or w in ORG_WORDS or derived_word(w):
        return None
    if w in NOT_NAMES and (language is None or _language_of(w) == language):
        return None  # "dan" is Indonesian "and", not a stop word of an English transcript
    return part


def _language_of(word: str) -> str:
    """The language of :data:`LANGUAGES` where ``word`` is most frequent."""
    return max(LANGUAGES, key=lambda lang: zipf_frequency(word, lang))


# -- names in running text ---------------------------------------------------------------------
_W = r"[^\W\d_][^\W\d_'’\-]*"
_HON = "|".join(sorted(HONORIFICS, key=len, reverse=True))
TITLED = re.compile(rf"(?<![^\W_])(?i:{_HON})\.?[ \t]+(?P<n1>{_W})(?:[ \t]+(?P<n2>{_W}))?")
"""A title and the one or two words after it (``pak Darto``, ``BU SUKESIH``, ``Mr Smith``)."""
INTRODUCED = re.compile(
    r"(?<![^\W_])(?i:nama\s+(?:saya|aku|dia|beliau|ibu|bapak|anak\s+saya)|namaku|namanya|bernama|"
    r"dipanggil|panggil\s+saja|atas\s+nama|a\.n\.|my\s+name\s+is|my\s+name's|name's|call\s+me|"
    r"i'?m\s+called|i\s+am\s+called|(?:he|she)\s+is\s+called|(?:he|she)'s\s+called|named)"
    rf"\s*(?i:adalah\s+|ialah\s+|is\s+)?[:\"“'‘]?\s*(?P<n1>{_W})(?:[ \t]+(?P<n2>{_W}))?"
)
"""An introduction and the one or two words after it (``Namanya Heru``, ``my name is Ann``)."""
LABEL_LINE = re.compile(
    r"^[ \t*_>]*(?P<label>[^\W\d_][^\n:()\[\]]{0,30}?(?:[ \t]*[(\[][^\n:()\[\]]{1,30}[)\]])?)[ \t*_]*:",
    re.MULTILINE)
"""A line that starts with a speaker label (also one used once in a file)."""
CLOSING = re.compile(
    r"^\s*(?:hormat\s+(?:kami|saya)|salam(?:\s+\w+)?|sincerely|regards|best\s+regards|"
    r"yang\s+(?:menyerahkan|menerima|membuat|melapor|bertanda\s+tangan)|pemberi\s+kuasa|"
    r"penerima\s+kuasa|mengetahui|menyetujui)\s*[,:]?\s*$",
    re.IGNORECASE | re.MULTILINE,
)


def _titled_words(m: re.Match[str]) -> tuple[int, int, str] | None:
    """The name after a title or introduction: the first word if it can be a name, with
    the second when that is a Capitalised name word too."""
    n1 = m.group("n1")
    w1 = n1.casefold()
    if w1 in NOT_NAMES or not (w1 in GIVEN_NAMES or zipf(w1) < VERY_COMMON_ZIPF) or derived_word(w1):
        return None  # "atas nama Pemberi Kuasa": a word made from a common one is no name
    if m.re is TITLED and _sentence_end_after_title(m) and not name_word(n1):
        return None  # "Terima kasih, Mas. Sinyalnya putus": the title ended the sentence
    if is_common(w1) and w1 not in GIVEN_NAMES and not n1[:1].isupper():
        return None  # "Mas curiga", "kakak sepupu": a common word in lower case is no name
    end = m.end("n1")
    n2 = m.group("n2")
    if (n2 and n2[:1].isupper() and n1[:1].isupper() and n2.casefold() not in NOT_NAMES
            and _NAME_WORD.match(n2) and (n2.isupper() == n1.isupper() or n2.istitle())):
        end = m.end("n2")
    return m.start("n1"), end, m.string[m.start("n1"):end]


_ABBREVIATED = re.compile(r"[^aeiou\W\d_]+i?")
"""A title written as an abbreviation (``Bpk``, ``Sdri``, ``Mr``, ``Dr``): its dot is no sentence end."""


def _sentence_end_after_title(m: re.Match[str]) -> bool:
    """True when a full title (``Mas``, ``Mbak``, not ``Bpk``) is followed by a dot."""
    lead = m.string[m.start():m.start("n1")].rstrip()
    return lead.endswith(".") and not _ABBREVIATED.fullmatch(lead[:-1].casefold())


def find_names(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, name)`` of names that ``text`` itself shows to be names: after a
    title or an introduction, in a speaker label at the start of a line, signed under
    a closing formula, and given names of the gazetteer (with the Capitalised name
    words beside them) that are not also common words. Each span once."""
    seen: set[tuple[int, int]] = set()
    for hit in _find_names(text):
        if hit[:2] not in seen:
            seen.add(hit[:2])
            yield hit


def _find_names(text: str) -> Iterator[tuple[int, int, str]]:
    words = set(TOKEN.findall(text.casefold()))  # each pattern runs only if its words occur
    for rx, triggers in ((TITLED, HONORIFICS), (INTRODUCED, _INTRO_WORDS)):
        if words & triggers:
            for m in rx.finditer(text):
                hit = _titled_words(m)
                if hit:
                    yield hit
    if ":" in text:
        for m in LABEL_LINE.finditer(text):
            for name in label_names(m.group("label")):
                pos = text.find(name, m.start("label"), m.end("label"))
                if pos >= 0:
                    yield pos, pos + len(name), name
    yield from _signatures(text)
    yield from gazetteer_names(text, words & GIVEN_NAMES)


_INTRO_WORDS = frozenset({"nama", "namaku", "namanya", "bernama", "dipanggil", "panggil", "atas", "a",
                          "name", "call", "called", "named"})


def occurrences(text: str, words: Iterable[str]) -> Iterator[re.Match[str]]:
    """Whole-word, case-insensitive occurrences of ``words`` in ``text``, left to right
    (one alternation of the few words a text holds: C speed, whatever the list behind)."""
    words = sorted(set(words), key=len, reverse=True)
    if words:
        yield from re.finditer(r"(?<![^\W\d_])(?:" + "|".join(map(re.escape, words)) + r")(?![^\W\d_])",
                               text, re.IGNORECASE)


def gazetteer_names(text: str, hits: Iterable[str] | None = None) -> Iterator[tuple[int, int, str]]:
    """Capitalised given names of the gazetteer that are not common words, with the
    Capitalised name words right after them (``Sutrisno Hadi``, ``ANDIKA PRATAMA``).
    ``hits``: the gazetteer names the text holds, case-folded, when already known."""
    if hits is None:
        hits = set(TOKEN.findall(text.casefold())) & GIVEN_NAMES
    end = 0
    for m in occurrences(text, hits):
        tok, low = m.group(), m.group().casefold()
        if m.start() < end or not tok[:1].isupper() or (
                zipf(low) >= VERY_COMMON_ZIPF and _sentence_start(text, m.start())) or _in_date(text, m):
            continue
        end, prev, count = m.end(), low, 1
        while count < 4:
            nxt = TOKEN.match(text, end + 1) if text[end:end + 1] in (" ", "\u00a0") else None
            if nxt is None:
                break
            word = nxt.group()
            low_next = word.casefold()
            if not word[:1].isupper() or low_next in NOT_NAMES or low_next == prev or not (
                    low_next in GIVEN_NAMES or zipf(word) < VERY_COMMON_ZIPF):
                break
            end, prev, count = nxt.end(), low_next, count + 1
        yield m.start(), end, text[m.start():end]


MONTHS = frozenset("""januari februari maret april mei juni juli agustus september oktober november desember
january february march may june july august october""".split())
"""Month names of English and Indonesian (``Juli`` is a given name too)."""
_DAY_BEFORE = re.compile(r"(?<!\d)(?:[1-9]|[12]\d|3[01])\.?[ \t\u00a0]+$")
_YEAR_AFTER = re.compile(r"[ \t\u00a0]+(?:(?:[1-9]|[12]\d|3[01]),?[ \t\u00a0]+)?(?:19|20)\d\d(?!\d)")


def _in_date(text: str, m: re.Match[str]) -> bool:
    """True when the word ``m`` is a month name in a date (``10 Juli``, ``Juli 2023``)."""
    return m.group().casefold() in MONTHS and bool(
        _DAY_BEFORE.search(text, max(0, m.start() - 4), m.start()) or _YEAR_AFTER.match(text, m.end()))


def _sentence_start(text: str, pos: int) -> bool:
    before = text[max(0, pos - 3):pos].rstrip(" \t\u00a0\"“'‘(*_")
    return not before or before[-1] in ".!?:;\n\r"


def _signatures(text: str) -> Iterator[tuple[int, int, str]]:
    """Names on their own line within a few lines after a closing formula (``Hormat kami,``)."""
    for m in CLOSING.finditer(text):
        pos = text.find("\n", m.end())
        for _ in range(5):
            if pos < 0:
                break
            nl = text.find("\n", pos + 1)
            line = text[pos + 1:nl if nl >= 0 else len(text)]
            words = line.split()
            name = clean_name(line) if 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words) else None
            if name:
                start = text.find(name, pos + 1)
                if start >= 0:
                    yield start, start + len(name), name
                break
            pos = nl


RARE_ZIPF = 2.5
"""Below this Zipf frequency wordfreq hardly knows a word (in either language)."""
_WORD_GAP = re.compile(r"[ \t]+")


def _capitalised_chunks(value: str) -> list[list[str]]:
    """Runs of Capitalised words (any script) separated by spaces only."""
    chunks: list[list[str]] = []
    last_end = -1
    for m in TOKEN.finditer(value):
        word = m.group()
        if not word[:1].isupper():
            last_end = -1
            continue
        if chunks and last_end >= 0 and _WORD_GAP.fullmatch(value, last_end, m.start()):
            chunks[-1].append(word)
        else:
            chunks.append([word])
        last_end = m.end()
    return chunks


def capitalised_names(value: str) -> list[str]:
    """The runs of Capitalised name words in a short declared value (a title, a manifest
    cell): ``"Wawancara Jokarto"`` -> ``["Jokarto"]``. Two or more name words in a row are
    a name; one alone only when it is a given name or a word wordfreq hardly knows (Zipf
    below :data:`RARE_ZIPF`: not ``Elm`` of ``Elm Ward``). A run with an organisation or
    place word is not a name.

    >>> capitalised_names("Wawancara Jokarto di Yayasan Rumah Migran; Sumirah Wergun, Elm Ward")
    ['Jokarto', 'Sumirah Wergun']
    """
    found = []
    for chunk in _capitalised_chunks(value):
        if any(w.casefold() in ORG_WORDS for w in chunk):
            continue
        run: list[str] = []
        for w in [*chunk, ""]:
            if w and name_word(w) and not (w.isupper() and len(w) <= 4):
                run.append(w)
                continue
            if len(run) > 1 or (run and (run[0].casefold() in GIVEN_NAMES or zipf(run[0]) < RARE_ZIPF)):
                found.append(" ".join(run))
            run = []
    return found


GENDER = {line.split()[0]: line.split()[1] for line in _words("gendered_honorifics.txt")}
"""Titles that tell a man (``m``) from a woman (``f``): ``mr`` -> ``m``, ``bu`` -> ``f``."""


def shared_surnames(documents: Iterable[Any], people: Iterable[tuple[str, ...]]) -> frozenset[tuple[str, ...]]:
    """The one-word names of ``people`` that follow both a man's and a woman's title in
    the texts of ``documents`` (``Mr Oakley`` and ``Mrs Oakley``): two people, one surname.

    >>> from types import SimpleNamespace as NS
    >>> sorted(shared_surnames([NS(text="Mr Oakley: hi\\nMRS OAKLEY: hello\\nMr Ray")], [("oakley",), ("ray",)]))
    [('oakley',)]
    """
    single = {k[0] for k in people if len(k) == 1}
    seen: dict[str, set[str]] = {}
    for doc in documents:
        for m in TITLED.finditer(doc.text):
            title = m.group().split()[0].casefold().strip(".")
            word = m.group("n1").casefold()
            if word in single and title in GENDER:
                seen.setdefault(word, set()).add(GENDER[title])
    return frozenset((w,) for w, genders in seen.items() if len(genders) > 1)


# -- matching declared names ---------------------------------------------------------------------
def name_key(name: str) -> tuple[str, ...]:
    """The lookup key of a name: its words, case-folded (``"Sari-Dewi"`` -> ``('sari', 'dewi')``)."""
    return tuple(w.casefold() for w in TOKEN.findall(name))


@dataclass(frozen=True)
class NameIndex:
    """Find declared names in a text in one pass over its words, whatever their number.

    Names are indexed by their first word; at each word only the names starting with it
    are tried, longest first. Between the words of a name any run of spaces, line
    breaks, hyphens, apostrophes or dots may stand. A name in ``cased`` (an ordinary
    word too) matches only where it is Capitalised or UPPER case.

    >>> index = NameIndex.build({("sari", "dewi"): "P1", ("sari",): "P1", ("one",): "P2"}, cased={("one",)})
    >>> [(s, e, r) for s, e, r in index.finditer("SARI\\ndewi met one, then One.")]
    [(0, 9, 'P1'), (24, 27, 'P2')]
    """

    first: dict[str, tuple[tuple[tuple[str, ...], str, bool], ...]]

    @classmethod
    def build(cls, names: dict[tuple[str, ...], str], *, cased: Iterable[tuple[str, ...]] = ()) -> NameIndex:
        """An index of ``{name key: replacement}``; keys in ``cased`` match Capitalised only."""
        cased = set(cased)
        first: dict[str, list[tuple[tuple[str, ...], str, bool]]] = {}
        for key, replacement in names.items():
            if key:
                first.setdefault(key[0], []).append((key, replacement, key in cased))
        return cls({w: tuple(sorted(c, key=lambda x: -len(x[0]))) for w, c in first.items()})

    def finditer(self, text: str) -> Iterator[tuple[int, int, str]]:
        """``(start, end, replacement)`` of every declared name in ``text``, left to right."""
        if not self.first:
            return
        hits = set(TOKEN.findall(text.casefold())) & self.first.keys()
        end = 0
        for m in occurrences(text, hits):
            if m.start() < end:
                continue
            for key, replacement, cased in self.first.get(m.group().casefold(), ()):
                stop = self._match_rest(text, m, key, cased)
                if stop is not None:
                    yield m.start(), stop, replacement
                    end = stop
                    break

    @staticmethod
    def _match_rest(text: str, m: re.Match[str], key: tuple[str, ...], cased: bool) -> int | None:
        """Where the name ``key`` starting with the word ``m`` ends in ``text``, or None."""
        if cased and not m.group()[:1].isupper():
            return None
        pos = m.end()
        for word in key[1:]:
            nxt = _NEXT_WORD.match(text, pos)
            if nxt is None or nxt.group(1).casefold() != word or (cased and not nxt.group(1)[:1].isupper()):
                return None
            pos = nxt.end()
        return pos

