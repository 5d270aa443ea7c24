"""Privacy by default: redact personal data and pseudonymise people before any output.

A :class:`Redactor` learns, in :meth:`Redactor.fit`, the names a corpus *declares*:

* speaker labels that look like person names (``Bu Sumarni``, ``Wulan``), not role
  labels (``Pewawancara``, ``Interviewer``, ``P``, ``N``, ``P1``, ``Informan``) nor
  pseudonyms already (``Korban A``, ``Informan 3``);
* intake-form name fields (labels ``Nama``, ``Nama Lengkap``, ``Nama Ayah/Ibu``,
  ``Nama Sponsor/Perekrut``, ``Dibuat oleh``, ``Diserahkan oleh``, ``Penerima Kuasa``,
  ``Pemberi Kuasa``, ``Name``...);
* manifest / metadata columns ``name``, ``nama``, ``informant_name``, ... (a
  ``pseudonym`` column, when present, is used as that person's pseudonym);
* names introduced in the text with an honorific or by "namanya / bernama / atas nama /
  named" (``Pak Tono``, ``Mas Agus``, ``namanya Bobi``) and names signed under a closing
  formula (``Hormat kami,``) when ``titled_names=True``;
* every name given in ``names=``;

and each name's parts (a first name used alone). Every person gets one pseudonym for the
whole run, by informant group (``Korban A``, ``Keluarga B``, ``Pendamping C``,
``Pengurus A``, ``Perekrut A``, ``Informan 3``). :meth:`Redactor.transform` then returns a new
Corpus whose texts, passages, form fields, speaker labels, titles, ids and metadata carry
the pseudonyms and tags instead:

=============  =========================================================================
``nik``/``kk``  16 digits with optional separators -> ``[NIK]`` (``[KK]`` after a KK label)
``passport``    a letter (or two) and 7 digits, ``C1234567`` / ``X 1234567`` -> ``[PASPOR]``
``phone``       ``+62`` / ``62`` / ``08..`` mobiles, ``(021) ...`` landlines and ``+<cc>``
                numbers, with spaces, dots or dashes -> ``[TELEPON]``
``email``       e-mail addresses -> ``[EMAIL]``
``address``     values of ``Alamat``/``Address``/``Domisili`` fields (also wherever they
                recur) and ``Jl./Jalan ... No. ... RT/RW ...`` patterns -> ``[ALAMAT]``
``birth``       values of ``Tempat/Tanggal Lahir``, ``TTL``, ``Date of birth`` fields -> ``[TTL]``
=============  =========================================================================

Names match whole words, case-insensitively. Offsets of passages and fields are
recomputed over the redacted text, and :meth:`Redactor.transform_codings` moves codings
onto it with the same monotone offset map (a span that starts or ends inside a replaced
token grows to cover the whole replacement). ``mapping_`` lists every replacement; write
it with :meth:`Redactor.write_mapping` and keep that file apart from the outputs.

Example
-------
>>> from qualkit.corpus import Corpus, Document, Passage
>>> doc = Document(id="k.txt", text="Wulan: HP saya 0812-3456-7890.", source_type="interview")
>>> corpus = Corpus(documents=(doc,), passages=(
...     Passage(doc_id="k.txt", id="k.txt#p1", start=7, end=30, speaker="Wulan").with_text(doc),))
>>> safe = Redactor().fit(corpus).transform(corpus)
>>> safe.documents[0].text
'Informan 1: HP saya [TELEPON].'
>>> safe.passages[0].speaker, safe.passages[0].text
('Informan 1', 'HP saya [TELEPON].')
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from qualkit._io import atomic_write
from qualkit.corpus import Corpus, Document, FormField, LoadProblem, Passage
from qualkit.errors import NotFittedError, QualkitError

PATTERNS = ("nik", "kk", "passport", "phone", "email", "address", "birth")
DEFAULT_PATTERNS = PATTERNS
TAGS = {
    "nik": "[NIK]", "kk": "[KK]", "passport": "[PASPOR]", "phone": "[TELEPON]",
    "email": "[EMAIL]", "address": "[ALAMAT]", "birth": "[TTL]", "name": "[NAMA]",
}
MAPPING_COLUMNS = ("kind", "original", "replacement", "doc_id")
MAPPING_WARNING = (
    "# WARNING: this file contains PERSONAL DATA (real names, ID numbers, phones, addresses) "
    "and re-identifies the redacted outputs. Keep it apart from the outputs, encrypted, "
    "and never share or publish it."
)

_GROUP_PREFIX = {
    "id": {"victim": "Korban", "family": "Keluarga", "case_companion": "Pendamping",
           "ngo_management": "Pengurus", "recruiter": "Perekrut", "interviewer": "Pewawancara",
           None: "Informan"},
    "en": {"victim": "Victim", "family": "Family", "case_companion": "Companion",
           "ngo_management": "Manager", "recruiter": "Recruiter", "interviewer": "Interviewer",
           None: "Informant"},
}

_HONORIFICS = {
    "pak", "bapak", "bp", "bpk", "bu", "ibu", "mas", "mbak", "mba", "kak", "kakak", "bang",
    "abang", "dik", "adik", "teh", "teteh", "aa", "uda", "uni", "om", "tante", "mr", "mrs",
    "ms", "miss", "dr", "sdr", "sdri", "saudara", "saudari", "tn", "ny", "nn", "haji", "hj",
}
_ROLE_WORDS = {
    "pewawancara", "interviewer", "informan", "informant", "responden", "respondent",
    "narasumber", "peneliti", "researcher", "moderator", "fasilitator", "facilitator",
    "korban", "victim", "keluarga", "family", "pendamping", "companion", "pengurus",
    "manager", "staf", "staff", "participant", "partisipan", "speaker", "pembicara",
    "penanya", "penjawab", "tanya", "jawab", "question", "answer", "catatan", "note",
    "notes", "observer", "pengamat", "perekrut", "recruiter", "sponsor", "agen", "unknown",
    "semua", "all", "bersama", "suara", "voice", "operator", "petugas", "admin", "host",
    "asisten", "assistant", "penerjemah", "translator", "interpreter", "juru", "notulen",
}
_NOT_NAMES = _HONORIFICS | _ROLE_WORDS | {
    "kota", "rt", "rw", "camat", "lurah", "kades", "menteri", "dubes", "presiden", "polisi",
    "direktur", "ketua", "guru", "kepala", "sekretaris", "bupati", "gubernur", "hakim",
    "jaksa", "dan", "bin", "binti", "alias", "yang", "dari", "dengan", "the", "and", "of",
    "saya", "kami", "kita", "dia", "ia", "mereka", "anda", "itu", "ini", "tidak", "ya",
    "iya", "terima", "kasih", "selamat", "baik", "boleh", "sudah", "belum", "nanti",
    "lembaga", "yayasan", "kbri", "kemlu", "polres", "polda", "bareskrim", "indonesia",
    "dokter", "ustadz", "ustaz", "sh", "se", "mh", "spd", "skom", "amd", "nama", "lengkap",
    "alamat", "kronologi", "tanggal", "tempat", "lahir", "nomor", "no", "status", "jenis",
    "pekerjaan", "agama", "umur", "usia", "negara", "tujuan", "kasus", "data", "telepon",
    "hp", "email", "paspor", "nik", "kk", "lampiran", "rencana", "tindak", "lanjut",
}
_PARTICLES = {"bin", "binti", "van", "von", "de", "da", "al", "el"}
_NAME_FIELD = re.compile(
    r"^\s*(?:nama\b|name\b|full\s*name|dibuat\s+oleh|diserahkan\s+oleh|diterima\s+oleh|"
    r"penerima\s+kuasa|pemberi\s+kuasa|yang\s+bertanda\s+tangan|pelapor|sponsor|perekrut|"
    r"calo|recruiter|made\s+by|submitted\s+by|ayah|ibu\b|suami|istri|wali|ahli\s+waris|"
    r"contact\s+person|kontak\s+keluarga|narahubung|contact\b|penanggung\s+jawab)",
    re.IGNORECASE,
)
_ADDRESS_FIELD = re.compile(r"^\s*(?:alamat|address|domisili|tempat\s+tinggal)", re.IGNORECASE)
_BIRTH_FIELD = re.compile(
    r"^\s*(?:tempat\s*/?\s*,?\s*(?:tgl|tanggal)\.?\s*lahir|tanggal\s+lahir|tgl\.?\s*lahir|"
    r"ttl\b|date\s+of\s+birth|place\s+(?:and|&)\s+date\s+of\s+birth|dob\b)",
    re.IGNORECASE,
)
_METADATA_NAME_KEYS = {
    "name", "nama", "informant_name", "nama_informan", "nama_lengkap", "full_name",
    "real_name", "nama_asli", "participant_name", "nama_korban", "victim_name",
}
_METADATA_PSEUDONYM_KEYS = {"pseudonym", "pseudonim", "alias"}
_PSEUDONYM_LABEL = re.compile(
    r"^(?:korban|informan|informant|keluarga|pendamping|pengurus|responden|respondent|"
    r"narasumber|partisipan|participant|victim|family|companion|manager|perekrut|"
    r"recruiter|pewawancara|interviewer|peneliti|speaker|pembicara)\s*[-_]?\s*"
    r"(?:[A-Z]{1,2}|\d{1,3})$",
    re.IGNORECASE,
)
_WORD = r"[^\W\d_][^\W\d_'’\-]*(?:['’\-][^\W\d_]+)*"
_NAME_WORD = re.compile(rf"^{_WORD}$")
_B = r"(?<![^\W_])"   # left word boundary that also treats "_" as a separator
_E = r"(?![^\W_])"
_ABBREVIATED = {"bp", "bpk", "dr", "sdr", "sdri", "tn", "ny", "nn", "hj", "mr", "mrs", "ms"}
_TITLED = re.compile(
    r"(?<![^\W_])(?:(?:"
    + "|".join(sorted((h.capitalize() for h in _HONORIFICS - _ABBREVIATED), key=len, reverse=True))
    + r")|(?:" + "|".join(sorted((h.capitalize() for h in _ABBREVIATED), key=len, reverse=True))
    + r")\.?) +([A-Z][a-z'’\-]+(?: [A-Z][a-z'’\-]+)?)(?![^\W_])"
)
_INTRODUCED = re.compile(
    r"(?<![^\W_])(?:namanya|bernama|atas nama|a\.n\.|named|called) +[\"“'‘]?"
    r"([A-Z][a-z'’\-]+(?: [A-Z][a-z'’\-]+| [A-Z]\.)?)(?![^\W_])")
_CLOSING = re.compile(
    r"^\s*(?:hormat\s+(?:kami|saya)|salam(?:\s+\w+)?|sincerely|regards|best\s+regards|"
    r"yang\s+(?:menyerahkan|menerima|membuat|melapor|bertanda\s+tangan)|pemberi\s+kuasa|"
    r"penerima\s+kuasa|mengetahui|menyetujui)\s*[,:]?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_ORG_WORDS = {"yayasan", "pt", "cv", "lembaga", "kbri", "kjri", "kantor", "perusahaan", "lbh",
              "dinas", "kementerian", "badan", "bp2mi", "polres", "polda", "ud", "koperasi"}

_SEP = r"[ .\-]?"
_REGEXES: dict[str, re.Pattern[str]] = {
    "nik": re.compile(rf"(?<![\d\w])[1-9](?:{_SEP}\d){{15}}(?![\d])"),
    "passport": re.compile(r"(?<![\w])[A-Z]{1,2} ?\d{7}(?![\d\w])"),
    "phone": re.compile(
        r"(?<![\w+])(?:"
        r"(?:\+62|62|0)[ .\-]?8\d{1,2}(?:[ .\-]?\d){6,10}"           # Indonesian mobiles
        r"|\(0\d{1,3}\)[ .\-]?\d{3,4}[ .\-]?\d{3,5}"                     # (021) 555-1234
        r"|\+\d{1,3}(?:[ .\-]?\(?\d{1,4}\)?){2,6}"                       # +<cc> ...
        r")(?![\d\w])"
    ),
    "email": re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"),
    "address": re.compile(
        r"(?<![\w])(?:(?:Jl|Jln|Gg)\.?\s+|(?:Jalan|Gang)\s+(?=[A-Z0-9]))"
        r"[^\n,;]{1,60}?"
        r"(?:(?:,?\s*(?:No|Nomor|Blok)\.?\s*[A-Z]?\d+[A-Za-z]?)"
        r"|(?=,|\n|$|;|\.\s))"
        r"(?:,?\s*RT\.?\s*/?\s*(?:RW\.?)?\s*\d{1,3}\s*(?:/\s*(?:RW\.?\s*)?\d{1,3})?)?"
        r"(?:,\s*(?:Kel|Kelurahan|Desa|Ds|Kec|Kecamatan|Kab|Kabupaten|Kota|Dusun|Dsn|Kp|Kampung)"
        r"\.?\s+[^\n,;]{1,40})*"
        r"|(?<![\w])RT\.?\s*/\s*RW\.?\s*\d{1,3}\s*/\s*\d{1,3}"
        r"|(?<![\w])RT\.?\s*\d{1,3}\s*/?\s*RW\.?\s*\d{1,3}"
    ),
}
def _literals(*words: str) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))


# Every match of these patterns starts with one of a few literal words (after a
# lookbehind that needs a non-letter before it); a plain alternation of the words finds
# the places to try far faster than the whole pattern tried at every position.
_STARTS: dict[str, re.Pattern[str]] = {
    "address": _literals("Jl", "Gg", "Jalan", "Gang", "RT"),
    "titled": _literals(*(h.capitalize() for h in _HONORIFICS)),
    "introduced": _literals("namanya", "bernama", "atas", "a.n.", "named", "called"),
}


def _finditer(rx: re.Pattern[str], text: str, kind: str | None = None) -> Iterator[re.Match[str]]:
    """``rx.finditer(text)``, with the non-empty matches only; for the patterns of
    :data:`_STARTS`, tried only where one of their first words occurs (same matches:
    a first word found inside another is preceded by a letter, which the pattern's
    lookbehind refuses anyway)."""
    if kind == "email" and "@" not in text:
        return
    starts = _STARTS.get(kind or "")
    if starts is None:
        yield from (m for m in rx.finditer(text) if m.end() > m.start())
        return
    end = 0
    for candidate in starts.finditer(text):
        pos = candidate.start()
        if pos < end:
            continue
        m = rx.match(text, pos)
        if m is not None and m.end() > m.start():
            yield m
            end = m.end()


_DIGIT = re.compile(r"\d")
_KK_CONTEXT = re.compile(r"(?:\bKK\b|kartu\s+keluarga|family\s+card)[^\n]{0,25}$", re.IGNORECASE)
_PRIORITY = {"email": 0, "nik": 1, "kk": 1, "passport": 2, "phone": 3, "address": 4,
             "birth": 4, "literal": 5, "name": 6}


@dataclass(frozen=True)
class Edit:
    """One replacement in a text: ``text[start:end]`` -> ``replacement``."""

    start: int
    end: int
    replacement: str
    kind: str
    original: str


@dataclass(frozen=True)
class OffsetMap:
    """Monotone map from offsets in an original text to offsets in its redacted text.

    >>> m = OffsetMap.from_edits([Edit(2, 5, "[X]!", "nik", "abc")])
    >>> [m.start(i) for i in range(7)], [m.end(i) for i in range(7)]
    ([0, 1, 2, 2, 2, 6, 7], [0, 1, 2, 6, 6, 6, 7])
    """

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    new_starts: tuple[int, ...]
    new_ends: tuple[int, ...]

    @classmethod
    def from_edits(cls, edits: Iterable[Edit]) -> OffsetMap:
        starts, ends, new_starts, new_ends = [], [], [], []
        shift = 0
        for e in sorted(edits, key=lambda x: x.start):
            starts.append(e.start)
            ends.append(e.end)
            new_starts.append(e.start + shift)
            shift += len(e.replacement) - (e.end - e.start)
            new_ends.append(e.end + shift)
        return cls(tuple(starts), tuple(ends), tuple(new_starts), tuple(new_ends))

    def _locate(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def start(self, offset: int) -> int:
        """New offset of a span *start* (inside a replaced token: the token's start)."""
        i = self._locate(offset)
        if i < 0:
            return offset
        if offset < self.ends[i] or offset == self.starts[i]:
            return self.new_starts[i]
        return offset + (self.new_ends[i] - self.ends[i])

    def end(self, offset: int) -> int:
        """New offset of a span *end* (inside a replaced token: the token's end)."""
        i = bisect.bisect_left(self.starts, offset) - 1
        if i < 0:
            return offset
        if offset <= self.ends[i]:
            return self.new_ends[i]
        return offset + (self.new_ends[i] - self.ends[i])

    def start_many(self, offsets: np.ndarray) -> np.ndarray:
        """:meth:`start` of many offsets at once."""
        if not self.starts:
            return offsets.copy()
        starts, ends = np.asarray(self.starts), np.asarray(self.ends)
        new_starts, new_ends = np.asarray(self.new_starts), np.asarray(self.new_ends)
        i = np.searchsorted(starts, offsets, side="right") - 1
        j = np.maximum(i, 0)
        inside = (offsets < ends[j]) | (offsets == starts[j])
        moved = np.where(inside, new_starts[j], offsets + (new_ends[j] - ends[j]))
        return np.where(i < 0, offsets, moved)

    def end_many(self, offsets: np.ndarray) -> np.ndarray:
        """:meth:`end` of many offsets at once."""
        if not self.starts:
            return offsets.copy()
        ends, new_ends = np.asarray(self.ends), np.asarray(self.new_ends)
        i = np.searchsorted(np.asarray(self.starts), offsets, side="left") - 1
        j = np.maximum(i, 0)
        moved = np.where(offsets <= ends[j], new_ends[j], offsets + (new_ends[j] - ends[j]))
        return np.where(i < 0, offsets, moved)


def _clean_name(raw: str) -> str | None:
    """The person name in a label or field value, without honorifics, or None."""
    value = re.split(r"[(\[{,;/|]| - | alias | als\.? |\s{2,}|\n", raw, maxsplit=1)[0]
    words = [w.strip(".:") for w in value.split()]
    while words and words[0].casefold().strip(".") in _HONORIFICS:
        words.pop(0)
    if not (1 <= len(words) <= 5) or words[0].casefold() in _ORG_WORDS:
        return None
    if not all(_NAME_WORD.match(w) for w in words):
        return None
    if any(w.casefold() in _NOT_NAMES - _PARTICLES for w in words):
        return None
    if not all(w[:1].isupper() or w.casefold() in _PARTICLES for w in words):
        return None
    return " ".join(words)


def _signatures(text: str) -> list[str]:
    """Names on their own line within a few lines after a closing formula (``Hormat kami,``)."""
    found = []
    for m in _CLOSING.finditer(text):
        for line in text[m.end():].split("\n")[1:6]:
            words = line.split()
            if 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words):
                name = _clean_name(line)
                if name:
                    found.append(name)
                    break
    return found


def _looks_like_person_label(label: str) -> bool:
    label = label.strip()
    if not label or _PSEUDONYM_LABEL.match(label):
        return False
    if re.fullmatch(r"[A-Za-z]{1,2}\d*\.?|\d+|[A-Z]{2,4}", label):  # P, N, P1, R2, SPK
        return False
    words = label.split()
    if words[0].casefold().strip(".") in _ROLE_WORDS:
        return False
    return _clean_name(label) is not None


def _field_group(field: FormField, default: str | None) -> str | None:
    text = f"{field.section or ''} {field.label}".casefold()
    label = field.label.casefold()
    if re.search(r"sponsor|perekrut|calo|recruit|agen", label):
        return "recruiter"
    if re.search(r"ayah|ibu\b|suami|istri|wali|orang\s*tua|keluarga|father|mother|family|pemberi|diserahkan|pelapor", label):
        return "family"
    if re.search(r"dibuat|penerima\s+kuasa|diterima|made\s+by|petugas|pendamping", label):
        return "case_companion"
    if re.search(r"sponsor|perekrut|calo|recruit", text):
        return "recruiter"
    if re.search(r"keluarga|family|ayah|ibu\b", text):
        return "family"
    if re.search(r"korban|victim|pmi|pekerja", text):
        return "victim"
    return default


def _letters(n: int) -> str:
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


@dataclass
class _Person:
    name: str
    group: str | None
    doc_id: str | None
    pseudonym: str | None = None


class Redactor:
    """Find and replace personal data; pseudonymise declared people consistently.

    Parameters (keyword-only)
    -------------------------
    patterns : which pattern families to redact (see the module docstring).
    names : extra person names to pseudonymise (with their parts).
    pseudonyms : ``{name: pseudonym}`` overriding the generated pseudonyms.
    name_style : ``"pseudonym"`` (``Korban A``) or ``"tag"`` (``[NAMA]``) for people.
    titled_names : also take names introduced in the text by an honorific or "namanya".
    name_parts : also replace each part of a name used alone (first name alone).
    cased_common_parts : a name part that the corpus also uses as an ordinary lower-case
        word (``indah``, ``sari``) is then replaced only when Capitalised or UPPER case.
        Off by default: names match case-insensitively, which may over-redact such words.
    language : language of the pseudonym prefixes, ``"id"`` or ``"en"``.

    Learned attributes: ``names_`` (DataFrame ``name, group, pseudonym, doc_id``),
    ``mapping_`` (DataFrame ``kind, original, replacement, doc_id``).

    >>> Redactor(names=["Sari Dewi"]).fit(Corpus((), ())).redact_text("Sari datang, sari@x.org")
    'Informan 1 datang, [EMAIL]'
    """

    def __init__(
        self,
        *,
        patterns: Iterable[str] = DEFAULT_PATTERNS,
        names: Iterable[str] = (),
        pseudonyms: Mapping[str, str] | None = None,
        name_style: str = "pseudonym",
        titled_names: bool = True,
        name_parts: bool = True,
        cased_common_parts: bool = False,
        language: str = "id",
    ) -> None:
        self.patterns = patterns
        self.names = names
        self.pseudonyms = pseudonyms
        self.name_style = name_style
        self.titled_names = titled_names
        self.name_parts = name_parts
        self.cased_common_parts = cased_common_parts
        self.language = language

    # -- parameters ------------------------------------------------------------------------
    def _check_params(self) -> None:
        if isinstance(self.names, str) or isinstance(self.patterns, str):
            which = "names" if isinstance(self.names, str) else "patterns"
            raise QualkitError(f"The '{which}' parameter of Redactor must be a list; got a string instead.",
                               hint="write names=['Sari Dewi'], not names='Sari Dewi'")
        unknown = [p for p in self.patterns if p not in PATTERNS]
        if unknown:
            raise QualkitError(
                f"The 'patterns' parameter of Redactor must hold items of {PATTERNS}; got {unknown} instead.")
        if self.name_style not in ("pseudonym", "tag"):
            raise QualkitError(
                f"The 'name_style' parameter of Redactor must be 'pseudonym' or 'tag'; got {self.name_style!r} instead.")
        if self.language not in _GROUP_PREFIX:
            raise QualkitError(
                f"The 'language' parameter of Redactor must be one of {tuple(_GROUP_PREFIX)}; got {self.language!r} instead.")

    # -- fit -------------------------------------------------------------------------------
    def fit(self, corpus: Corpus) -> Redactor:
        """Collect the names and sensitive field values ``corpus`` declares; return self."""
        self._check_params()
        self.patterns_ = tuple(self.patterns)
        people: dict[str, _Person] = {}
        literals: dict[str, tuple[str, str | None]] = {}

        def add(raw: str | None, group: str | None, doc_id: str | None, *, clean: bool = True) -> None:
            if not raw or not str(raw).strip():
                return
            name = _clean_name(str(raw)) if clean else " ".join(str(raw).split())
            if not name or len(name) < 2:
                return
            key = name.casefold()
            if key not in people:
                people[key] = _Person(name, group, doc_id)
            elif people[key].group is None and group is not None:
                people[key].group = group

        for name in self.names:
            add(name, None, None, clean=False)
        for name in dict(self.pseudonyms or {}):
            add(name, None, None, clean=False)
        for doc in corpus.documents:
            meta = {str(k).casefold(): v for k, v in doc.metadata.items()}
            for key in _METADATA_NAME_KEYS & set(meta):
                if isinstance(meta[key], str):
                    add(meta[key], doc.informant_group, doc.id, clean=False)
                    pseudo = next((meta[k] for k in _METADATA_PSEUDONYM_KEYS & set(meta)
                                   if isinstance(meta[k], str) and meta[k].strip()), None)
                    if pseudo:
                        self._pseudo_override(people, meta[key], pseudo)
            for f in doc.fields:
                if _NAME_FIELD.match(f.label):
                    add(f.value, _field_group(f, doc.informant_group), doc.id)
                elif _ADDRESS_FIELD.match(f.label) and "address" in self.patterns:
                    self._add_literal(literals, f.value, "address", doc.id)
                elif _BIRTH_FIELD.match(f.label) and "birth" in self.patterns:
                    self._add_literal(literals, f.value, "birth", doc.id)
        person_label: dict[str, bool] = {}  # a transcript repeats its few speaker labels
        for p in corpus.passages:
            if p.speaker and p.speaker not in person_label:
                person_label[p.speaker] = _looks_like_person_label(p.speaker)
            if p.speaker and person_label[p.speaker]:
                doc = corpus.document(p.doc_id)
                group = "interviewer" if p.role == "interviewer" else doc.informant_group
                add(p.speaker, group, p.doc_id)
        if self.titled_names:
            for doc in corpus.documents:
                for rx, kind in ((_TITLED, "titled"), (_INTRODUCED, "introduced")):
                    for m in _finditer(rx, doc.text, kind):
                        add(m.group(1), None, doc.id)
                for name in _signatures(doc.text):
                    add(name, None, doc.id)
        folded = self._fold_short_names(people)
        self._assign_pseudonyms(people)
        aliases: dict[str, _Person] = {}
        for key, (name, target, doc_id) in folded.items():
            person = people.get(target) if target else None
            aliases[key] = _Person(name, person.group if person else None, doc_id,
                                   person.pseudonym if person else TAGS["name"])
        # only cased_common_parts needs the corpus's lower-case words (a pass over all text)
        self.common_words_ = frozenset(
            w for doc in corpus.documents for w in re.findall(r"(?<![^\W_])[a-z][a-z'’\-]+", doc.text)
        ) if self.cased_common_parts else frozenset()
        self.people_ = people
        self.aliases_ = aliases
        self.literals_ = literals
        self._compile()
        self.names_ = pd.DataFrame(
            [(p.name, p.group, p.pseudonym, p.doc_id) for p in [*people.values(), *aliases.values()]],
            columns=["name", "group", "pseudonym", "doc_id"],
        )
        self.edits_ = {doc.id: self._edits(doc.text) for doc in corpus.documents}
        self._fitted_texts = {doc.id: doc.text for doc in corpus.documents}  # transform reuses edits_
        self.mapping_ = self._mapping(corpus)
        return self

    @staticmethod
    def _fold_short_names(people: dict[str, _Person]) -> dict[str, tuple[str, str | None, str | None]]:
        """Remove people whose name is only part of one longer declared name (``Wulan`` of
        ``Wulan Sekar Arum``); return ``{key: (name, target key or None, doc_id)}``."""
        words = {k: k.split() for k in people}
        aliases: dict[str, tuple[str, str | None, str | None]] = {}
        for key in sorted(people, key=lambda k: len(words[k])):
            mine = set(words[key])
            longer = [k for k in people if k not in aliases and k != key
                      and len(words[k]) > len(words[key]) and mine <= set(words[k])]
            if not longer:
                continue
            same_group = [k for k in longer if people[k].group == people[key].group]
            target = longer[0] if len(longer) == 1 else (same_group[0] if len(same_group) == 1 else None)
            aliases[key] = (people[key].name, target, people[key].doc_id)
        for key in aliases:
            del people[key]
        return aliases

    def _pseudo_override(self, people: dict[str, _Person], name: str, pseudo: str) -> None:
        key = " ".join(name.split()).casefold()
        if key in people:
            people[key].pseudonym = pseudo.strip()

    @staticmethod
    def _add_literal(literals: dict[str, tuple[str, str | None]], value: str, kind: str,
                     doc_id: str) -> None:
        key = " ".join(value.split()).casefold()
        if key.startswith(("sama ", "same ", "idem", "lihat ", "see ", "tidak ", "-")):
            return
        if len(key) >= 4 and key not in literals:
            literals[key] = (kind, doc_id)

    def _assign_pseudonyms(self, people: dict[str, _Person]) -> None:
        prefixes = _GROUP_PREFIX[self.language]
        overrides = {" ".join(k.split()).casefold(): v for k, v in (self.pseudonyms or {}).items()}
        counters: dict[str, int] = {}
        taken = {p.pseudonym.casefold() for p in people.values() if p.pseudonym}
        taken |= {v.casefold() for v in overrides.values()}
        for key, person in people.items():
            if key in overrides:
                person.pseudonym = overrides[key]
                continue
            if person.pseudonym:
                continue
            if self.name_style == "tag":
                person.pseudonym = TAGS["name"]
                continue
            prefix = prefixes.get(person.group, prefixes[None])
            numbered = person.group not in prefixes or person.group is None
            while True:
                n = counters.get(prefix, 0)
                counters[prefix] = n + 1
                candidate = f"{prefix} {n + 1}" if numbered else f"{prefix} {_letters(n)}"
                if candidate.casefold() not in taken:
                    break
            taken.add(candidate.casefold())
            person.pseudonym = candidate

    def _compile(self) -> None:
        table: dict[str, tuple[str, str]] = {}   # casefolded surface -> (replacement, kind)
        cased: dict[str, tuple[str, str]] = {}
        for key, person in self.people_.items():
            table[key] = (person.pseudonym or TAGS["name"], "name")
        if self.name_parts:
            parts: dict[str, set[str]] = {}
            for key, person in self.people_.items():
                words = person.name.split()
                if len(words) < 2:
                    continue
                for w in words:
                    wk = w.casefold()
                    if len(wk) >= 3 and wk not in _NOT_NAMES:
                        parts.setdefault(wk, set()).add(person.pseudonym or TAGS["name"])
            for wk, pseudos in parts.items():
                if wk in table:
                    continue
                repl = next(iter(pseudos)) if len(pseudos) == 1 else TAGS["name"]
                if self.cased_common_parts and wk in self.common_words_:
                    cased[wk] = (repl, "name")  # also an ordinary word here: match Capitalised only
                else:
                    table[wk] = (repl, "name")
        # no surface may be a pseudonym itself (keeps the redaction idempotent)
        pseudos = {p.pseudonym.casefold() for p in self.people_.values() if p.pseudonym}
        for key in [k for k in table if k in pseudos]:
            del table[key]
        for key in [k for k in cased if k in pseudos]:
            del cased[key]
        for key, alias in self.aliases_.items():
            table.setdefault(key, (alias.pseudonym or TAGS["name"], "name"))
        self._names_table = {**cased, **table}
        self._names_rx = (
            re.compile(_B + "(?:" + "|".join(
                re.escape(k).replace(r"\ ", r"\s+") for k in sorted(table, key=len, reverse=True)
            ) + ")" + _E, re.IGNORECASE)
            if table else None
        )
        self._cased_rx = (
            re.compile(_B + "(?:" + "|".join(
                f"{re.escape(k.capitalize())}|{re.escape(k.upper())}"
                for k in sorted(cased, key=len, reverse=True)
            ) + ")" + _E)
            if cased else None
        )
        self._literal_rx = (
            re.compile("|".join(
                re.escape(k).replace(r"\ ", r"\s+") for k in sorted(self.literals_, key=len, reverse=True)
            ), re.IGNORECASE)
            if self.literals_ else None
        )

    # -- the core: edits on one text --------------------------------------------------------
    def _edits(self, text: str) -> tuple[Edit, ...]:
        cands: list[tuple[int, int, str, str]] = []   # start, end, kind, replacement
        families = set(self.patterns_)
        if _DIGIT.search(text) is None:  # NIK/KK, passport and phone numbers need digits
            families -= {"nik", "kk", "passport", "phone"}
        if families & {"nik", "kk"}:
            for m in _REGEXES["nik"].finditer(text):
                kind = "nik"
                if "kk" in families and _KK_CONTEXT.search(text[max(0, m.start() - 40):m.start()]):
                    kind = "kk"
                elif "nik" not in families:
                    continue
                cands.append((m.start(), m.end(), kind, TAGS[kind]))
        for fam in ("passport", "phone", "email", "address"):
            if fam in families:
                cands.extend((m.start(), m.end(), fam, TAGS[fam])
                             for m in _finditer(_REGEXES[fam], text, fam))
        if self._literal_rx is not None:
            for m in self._literal_rx.finditer(text):
                key = " ".join(m.group(0).split()).casefold()
                kind = self.literals_.get(key, ("address", None))[0]
                cands.append((m.start(), m.end(), kind, TAGS[kind]))
        for rx in (self._names_rx, self._cased_rx):
            if rx is None:
                continue
            for m in rx.finditer(text):
                key = " ".join(m.group(0).split()).casefold()
                repl, kind = self._names_table.get(key, (TAGS["name"], "name"))
                cands.append((m.start(), m.end(), kind, repl))
        # Overlapping candidates become one edit over their union (so that no part of
        # either leaks, e.g. a phone number partly taken into a NIK-like digit run),
        # replaced as the best of them: the longest, then by kind priority, then first.
        cands.sort(key=lambda c: (c[0], -c[1]))
        chosen: list[tuple[int, int, str, str]] = []
        cluster: list[tuple[int, int, str, str]] = []
        end = -1
        for c in [*cands, None]:
            if c is not None and cluster and c[0] < end:
                cluster.append(c)
                end = max(end, c[1])
                continue
            if cluster:
                best = min(cluster, key=lambda x: (-(x[1] - x[0]), _PRIORITY.get(x[2], 9), x[0]))
                chosen.append((cluster[0][0], end, best[2], best[3]))
            if c is not None:
                cluster, end = [c], c[1]
        return tuple(Edit(s, e, r, k, text[s:e]) for s, e, k, r in chosen)

    @staticmethod
    def _apply(text: str, edits: tuple[Edit, ...]) -> str:
        out, pos = [], 0
        for e in edits:
            out.append(text[pos:e.start])
            out.append(e.replacement)
            pos = e.end
        out.append(text[pos:])
        return "".join(out)

    def _require_fit(self) -> None:
        if not hasattr(self, "mapping_"):
            raise NotFittedError("this Redactor is not fitted yet",
                                 hint="call redactor.fit(corpus) before transform/redact_text")

    # -- public transforms -----------------------------------------------------------------
    def redact_text(self, text: str) -> str:
        """Return ``text`` with personal data and declared names replaced."""
        self._require_fit()
        if not isinstance(text, str):
            raise QualkitError(f"redact_text needs a str; got {type(text).__name__}",
                               hint="use redact_value() for arbitrary cell values")
        return self._apply(text, self._edits(text))

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
        edits = self._edits(identifier)
        edits = tuple(replace(e, replacement=re.sub(r"[\s\[\]]+", "_", e.replacement).strip("_"))
                      for e in edits)
        return self._apply(identifier, edits)

    def offset_map(self, doc_id: str) -> OffsetMap:
        """The offset map of a fitted document (original -> redacted text)."""
        self._require_fit()
        if doc_id not in self.edits_:
            raise QualkitError(f"document {doc_id!r} was not in the corpus this Redactor was fitted on",
                               hint="fit the Redactor on the corpus that was coded")
        return OffsetMap.from_edits(self.edits_[doc_id])

    def transform(self, corpus: Corpus) -> Corpus:
        """A new Corpus with every text, passage, field, label, title, id and metadata redacted."""
        self._require_fit()
        documents, passages = [], []
        id_map: dict[str, str] = {}
        fitted = getattr(self, "_fitted_texts", {})
        labels: dict[str, str] = {}  # speaker labels and sections recur: redact each once

        def label(text: str) -> str:
            if text not in labels:
                labels[text] = self.redact_text(text)
            return labels[text]

        for doc in corpus.documents:
            same = fitted.get(doc.id) == doc.text  # the fitted text: its edits are known
            edits = self.edits_[doc.id] if same else self._edits(doc.text)
            new_text = self._apply(doc.text, edits)
            omap = OffsetMap.from_edits(edits)
            new_id = self.redact_id(doc.id)
            if new_id in id_map.values():
                new_id = f"{new_id}~{len(id_map)}"
            id_map[doc.id] = new_id
            fields = []
            for f in doc.fields:
                if doc.text[f.start:f.end] == f.value:
                    s, e = omap.start(f.start), omap.end(f.end)
                    value = new_text[s:e]
                else:
                    s, e, value = omap.start(f.start), omap.end(f.end), self.redact_text(f.value)
                fields.append(FormField(section=self.redact_text(f.section) if f.section else f.section,
                                        label=self.redact_text(f.label), value=value, start=s, end=e))
            documents.append(replace(
                doc, id=new_id, text=new_text, title=self.redact_text(doc.title),
                case_id=self.redact_id(doc.case_id) if doc.case_id else doc.case_id,
                source_path=self.redact_id(doc.source_path) if doc.source_path else doc.source_path,
                metadata=self._redact_metadata(doc.metadata), fields=tuple(fields), removed=(),
            ))
            same_text = not edits and new_id == doc.id
            for p in corpus.passages_of(doc.id):
                speaker = label(p.speaker) if p.speaker else p.speaker
                section = label(p.section) if p.section else p.section
                if same_text and speaker == p.speaker and section == p.section:
                    passages.append(p)  # nothing in it to redact: shared, not copied
                    continue
                s, e = omap.start(p.start), omap.end(p.end)
                passages.append(replace(
                    p, doc_id=new_id, id=_move_id(p.id, doc.id, new_id), start=s, end=e,
                    text=new_text[s:e], speaker=speaker,
                    parent_id=_move_id(p.parent_id, doc.id, new_id) if p.parent_id else p.parent_id,
                    section=section,
                ))
        problems = tuple(LoadProblem(path=self.redact_id(pr.path), message=self.redact_text(pr.message),
                                     skipped=pr.skipped) for pr in corpus.problems)
        return Corpus(documents=tuple(documents), passages=tuple(passages), unit=corpus.unit,
                      problems=problems)

    def _redact_metadata(self, metadata: Mapping[str, Any]) -> dict[str, Any]:
        out = {}
        for k, v in metadata.items():
            if str(k).casefold() in _METADATA_NAME_KEYS and isinstance(v, str) and v.strip():
                person = self.people_.get(" ".join(v.split()).casefold())
                out[k] = person.pseudonym if person and person.pseudonym else TAGS["name"]
            else:
                out[k] = self.redact_value(v)
        return out

    def transform_codings(self, codings: pd.DataFrame) -> pd.DataFrame:
        """Move a codings table onto the redacted corpus (ids, offsets, spans, memos)."""
        self._require_fit()
        if not isinstance(codings, pd.DataFrame):
            raise QualkitError(f"codings must be a pandas DataFrame; got {type(codings).__name__}")
        out = codings.copy()
        if out.empty:
            return out
        doc_ids = out["doc_id"].astype(str) if "doc_id" in out.columns else None
        if doc_ids is None:
            raise QualkitError("codings table lacks the column 'doc_id'",
                               hint="use a codings table as built by qualkit.coding.frame.codings_frame")
        docs = doc_ids.unique().tolist()
        maps = {d: self.offset_map(d) for d in docs}
        new_ids = {d: self.redact_id(d) for d in docs}
        # rows of documents with edits are moved one document at a time (numpy); the
        # others keep their offsets
        edited = [d for d in docs if maps[d].starts]
        rows_of = doc_ids.groupby(doc_ids, sort=False).indices if edited else {}
        if "start" in out.columns and "end" in out.columns:
            starts = out["start"].to_numpy(dtype="int64", copy=True)
            ends = out["end"].to_numpy(dtype="int64", copy=True)
            for d in edited:
                rows = rows_of[d]
                starts[rows] = maps[d].start_many(starts[rows])
                ends[rows] = maps[d].end_many(ends[rows])
            out["start"], out["end"] = starts, ends
        if "spans" in out.columns:
            spans = out["spans"].tolist()
            moved = np.zeros(len(spans), dtype=bool)
            for d in edited:
                rows = rows_of[d]
                moved[rows] = True
                for i in rows.tolist():
                    spans[i] = _move_spans(spans[i], maps[d])
            kept = np.flatnonzero(~moved).tolist()
            plain = _all_plain([spans[i] for i in kept])
            if not plain:  # normalise (or reject) spans written by hand
                identity = OffsetMap.from_edits(())
                for i in kept:
                    if not _plain_spans(spans[i]):
                        spans[i] = _move_spans(spans[i], identity)
            if edited or not plain:
                out["spans"] = spans
        if "passage_id" in out.columns:
            renamed = {d: n for d, n in new_ids.items() if n != d}
            if renamed:
                out["passage_id"] = [_move_id(str(p), d, renamed[d]) if d in renamed else str(p)
                                     for d, p in zip(doc_ids.tolist(), out["passage_id"].tolist())]
            else:
                out["passage_id"] = out["passage_id"].astype(str)
        out["doc_id"] = doc_ids.map(new_ids)
        for col in ("memo", "text", "quote"):
            if col in out.columns:
                out[col] = self._redact_column(out[col])
        return out

    def _redact_column(self, column: pd.Series) -> list[Any]:
        """:meth:`redact_value` of every cell, each distinct text redacted once."""
        done: dict[str, Any] = {}
        values = column.tolist()
        out = []
        for v in values:
            if isinstance(v, str):
                if v not in done:
                    done[v] = self.redact_text(v)
                out.append(done[v])
            else:
                out.append(self.redact_value(v))
        return out

    # -- re-identification file ------------------------------------------------------------
    def _mapping(self, corpus: Corpus) -> pd.DataFrame:
        rows: dict[tuple[str, str, str], str | None] = {}
        for person in self.people_.values():
            rows.setdefault(("name", person.name, person.pseudonym or TAGS["name"]), person.doc_id)
        for doc_id, edits in self.edits_.items():
            for e in edits:
                rows.setdefault((e.kind, e.original, e.replacement), doc_id)
        frame = pd.DataFrame([(k, o, r, d) for (k, o, r), d in rows.items()],
                             columns=list(MAPPING_COLUMNS))
        return frame.sort_values(["kind", "replacement", "original"], kind="stable").reset_index(drop=True)

    def write_mapping(self, path: str | os.PathLike[str]) -> str:
        """Write ``mapping_`` as CSV after a warning line (atomic); return the path."""
        self._require_fit()
        body = self.mapping_.to_csv(index=False, lineterminator="\n")
        atomic_write(path, MAPPING_WARNING + "\n" + body)
        return str(path)


def _move_id(identifier: str, old_doc: str, new_doc: str) -> str:
    if identifier.startswith(old_doc):
        return new_doc + identifier[len(old_doc):]
    return identifier


_PLAIN_SPANS = re.compile(r"(?:0|[1-9]\d*)-(?:0|[1-9]\d*)(?:;(?:0|[1-9]\d*)-(?:0|[1-9]\d*))*")


def _plain_spans(spans: Any) -> bool:
    """True when :func:`_move_spans` with an identity map would return ``spans`` as is."""
    return not isinstance(spans, str) or not spans.strip() or _PLAIN_SPANS.fullmatch(spans) is not None


def _all_plain(values: list[Any]) -> bool:
    """``all(_plain_spans(v) for v in values)``, checked on all values at once: joined by
    ``;`` they must read ``N-N;N-N;...;N-N`` (numbers without leading zeros)."""
    texts = [v for v in values if isinstance(v, str) and v.strip()]
    if not texts:
        return True
    joined = ";".join(texts)
    if not joined.isascii():
        return False
    b = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    digit = (b >= ord("0")) & (b <= ord("9"))
    seps = b[~digit]
    if not (digit[0] and digit[-1]) or (~digit[1:] & ~digit[:-1]).any() or len(seps) % 2 == 0:
        return False
    if (seps[0::2] != ord("-")).any() or (seps[1::2] != ord(";")).any():
        return False
    first = digit & np.concatenate(([True], ~digit[:-1]))  # the first digit of a number
    return not (first[:-1] & (b[:-1] == ord("0")) & digit[1:]).any()


def _move_spans(spans: Any, omap: OffsetMap) -> Any:
    if not isinstance(spans, str) or not spans.strip():
        return spans
    items = []
    for item in spans.split(";"):
        left, sep, right = item.strip().partition("-")
        if not sep or not left.isdigit() or not right.isdigit():
            raise QualkitError(f"bad span {item!r} in spans {spans!r}",
                               hint="write spans as start-end items joined by ';'")
        items.append(f"{omap.start(int(left))}-{omap.end(int(right))}")
    return ";".join(items)


def redact_frame(frame: pd.DataFrame, redactor: Redactor, *,
                 columns: Iterable[str] | None = None) -> pd.DataFrame:
    """A copy of ``frame`` with string cells of ``columns`` (default: all text columns) redacted.

    >>> r = Redactor(names=["Sari Dewi"]).fit(Corpus((), ()))
    >>> redact_frame(pd.DataFrame({"quote": ["kata Sari Dewi"], "n": [1]}), r)["quote"][0]
    'kata Informan 1'
    """
    out = frame.copy()
    if columns is None:
        columns = [c for c in out.columns if out[c].dtype == object or pd.api.types.is_string_dtype(out[c])]
    for col in columns:
        if col not in out.columns:
            raise QualkitError(f"redact_frame: no column {col!r}", hint=f"choose among {list(out.columns)}")
        out[col] = [redactor.redact_value(v) for v in out[col]]
    return out
