"""Segmentation: text -> speaker turns, paragraphs and sentences (pure functions).

Everything here works on a plain string and returns code-point offsets into it, so it can
be used on any text, whatever file it came from. Loaders use :func:`text_passages` to
cut a document into turns (transcripts) or paragraphs (everything else) with
:func:`qualkit.loading.text_passages`; :meth:`qualkit.corpus.Corpus.segment` re-cuts a
corpus into sentences and back. This module imports nothing else from qualkit.

Speaker labels are recognised in the styles real transcripts use: ``Name:``, ``NAME:``,
``[Name]:``, ``[id1]`` (QualCoder), ``**K (Kiki):**``, ``Q -`` / ``A -``, ``P1:``,
``Interviewer 1:``, a label alone on its line with the utterance on the next lines, and
any of these after a timestamp (``[00:01:02] Name:``, ``00:01:02 Name:``). A line that
merely holds a colon (``pukul 10:30``, ``Catatan: ...``, ``https://...``,
``Nama : ...``) is not a turn, and a text only counts as a transcript when its labels
recur.

Example
-------
>>> text = "Penanya: Apa kabar?\\nNarasumber: Baik. Saya takut.\\nPenanya: Kenapa?"
>>> [(t.label, text[t.start:t.end]) for t in find_turns(text)][:2]
[('Penanya', 'Apa kabar?'), ('Narasumber', 'Baik. Saya takut.')]
>>> t = "Dr. Sari datang. Dia takut."
>>> [t[s:e] for s, e in split_sentences(t, "id")]
['Dr. Sari datang.', 'Dia takut.']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from qualkit.locale import INDONESIAN

__all__ = [
    "Turn", "Heading", "find_turns", "label_at", "split_paragraphs", "uses_line_paragraphs", "split_sentences",
    "speaker_roles", "role_key", "NON_SPEAKER_WORDS", "INTERVIEWER_LABELS",
]

# --------------------------------------------------------------------------------------
# vocabularies
# --------------------------------------------------------------------------------------

NON_SPEAKER_WORDS = frozenset(
    """
    catatan note notes nb ps tanggal tgl date hari day waktu time jam pukul lokasi location
    tempat place alamat address nama name nik ktp kk telp telepon tel phone hp email e-mail
    website url http https www keterangan ket description deskripsi tujuan purpose goal
    hasil result results kegiatan activity activities agenda topik topic subject perihal
    lampiran attachment ringkasan summary kesimpulan conclusion kesimpulannya jadi so
    contoh example misalnya e.g i.e sumber source referensi reference judul title
    umur usia age agama religion pekerjaan occupation status jenis type nomor number no
    kode code kategori category tema theme fokus focus observasi observation
    wawancara interview transkrip transcript durasi duration peserta participants
    inaudible unintelligible laughs laughter laughing crosstalk pause jeda tertawa
    silence hening music musik noise applause tepuk tidak jelas sambil
    warning peringatan penting important update edit dibuat made oleh by from to dari
    kepada cc re fwd subjek
    tabel table gambar figure pasal ayat bab bagian menimbang mengingat memutuskan menetapkan
    """.split()
)
"""Words that start a ``Word: ...`` line without being a speaker (casefolded)."""

INTERVIEWER_LABELS = frozenset(
    """
    interviewer interviewers int iv i q moderator mod question facilitator researcher enumerator
    """.split()
) | frozenset(INDONESIAN["speakers"]["interviewer"])
"""Speaker labels (casefolded, trailing numbers removed) that mean the interviewer."""

_P_PARTNERS = frozenset({"i", "n", "r", "j", "k", *INDONESIAN["speakers"]["interviewee"]})

# --------------------------------------------------------------------------------------
# speaker turns
# --------------------------------------------------------------------------------------

_TS = r"(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[\])]?[ \t]*(?:[-–—][ \t]*)?)"
_LABEL_CHARS = r"[\w .'’()&/,-]"
_TURN_BODY = rf"""[ \t]*(?P<ts>{_TS})?
    (?:
        \*\*(?P<bold>[^*\n]{{1,40}}?)(?::\*\*|\*\*:)                       # **K (Kiki):**
      | \[(?P<bracket>[^\]\n]{{1,40}})\](?::|(?=[ \t]|$))                  # [Name]: / [id1]
      | (?P<colon>[^\W\d_]{_LABEL_CHARS}{{0,39}}?):(?![\d/])               # Name: / P1:
      | (?P<dash>[^\W\d_]\w{{0,14}}(?:[ ]\d{{1,2}})?)[ \t]+[-–—](?=[ \t])   # Q - / A -
      | (?P<own>[^\W\d_]{_LABEL_CHARS}{{0,39}}?)[ \t]*$(?=\n[ \t]*\S)        # label alone
    )"""
_TURN_RE = re.compile("^" + _TURN_BODY, re.MULTILINE | re.VERBOSE)
# the same after a newline: a literal first character lets the regex engine jump from
# line to line instead of trying every position (much faster on long texts)
_TURN_AFTER_NL = re.compile(r"\n" + _TURN_BODY, re.MULTILINE | re.VERBOSE)
_TIMESTAMPISH = re.compile(r"^[\d:.,\s-]+$")
_BLANK_LINE = re.compile(r"\n[ \t]*\n[\s]*")
_NONBLANK_LINE = re.compile(r"^[ \t]*\S", re.MULTILINE)
_LINE_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*|(?<=[.!?:;\"'”’)])[ \t]*\n\s*")


class Turn(NamedTuple):
    """One speaker turn: the label as written and the utterance's offsets.

    ``line_start`` is where the line holding the label begins (timestamp included);
    ``text[start:end]`` is the utterance without the label, stripped of whitespace.
    (A NamedTuple rather than a dataclass: transcripts have hundreds of thousands.)
    """

    label: str
    line_start: int
    start: int
    end: int
    timestamp: str | None = None


class Heading(NamedTuple):
    """A heading line (``start``/``end`` cover the whole line) and its title."""

    start: int
    end: int
    title: str


class _Candidate(NamedTuple):
    line_start: int
    label_end: int
    label: str
    style: str
    timestamp: str | None


def _words(label: str) -> list[str]:
    return label.split()


def _valid_label(label: str, style: str) -> bool:
    if not label or label != label.strip() or len(label) > 40:
        return False
    words = _words(label)
    if not words or len(words) > 4 or any(len(w) > 20 for w in words):
        return False
    if _TIMESTAMPISH.match(label) or label.replace(" ", "").isdigit():
        return False
    folded = label.casefold()
    first = words[0].casefold().strip(".,()")
    if folded in NON_SPEAKER_WORDS or first in NON_SPEAKER_WORDS or "http" in folded or "www." in folded:
        return False
    if style in ("colon", "dash", "own") and not label[0].isupper():
        return False
    if style == "own":
        return len(words) <= 3 and not label.endswith((".", ",", "-"))
    return True


def _turn_matches(text: str):
    first = _TURN_RE.match(text)
    if first is not None:
        yield first, 0
    for m in _TURN_AFTER_NL.finditer(text):
        yield m, m.start() + 1


def _candidates(text: str) -> list[_Candidate]:
    out = []
    valid: dict[tuple[str, str], bool] = {}
    for m, line_start in _turn_matches(text):
        style = m.lastgroup
        if style is None or style == "ts":  # pragma: no cover - a timestamp alone cannot match
            continue
        raw = m.group(style)
        label = raw.strip() if style != "colon" else raw
        if style == "bold":
            label = raw.strip().rstrip(":").strip()
        ok = valid.get((label, style))
        if ok is None:
            ok = valid[(label, style)] = _valid_label(label, style)
        if not ok:
            continue
        ts = m.group("ts")
        out.append(_Candidate(line_start, m.end(), label, style, ts.strip() if ts else None))
    return out


def _accepted(cands: list[_Candidate], text: str) -> list[_Candidate]:
    """Keep the candidates that make ``text`` a transcript (none if it is not one)."""
    if len(cands) < 2:
        return []
    counts: dict[str, int] = {}
    for c in cands:
        key = c.label.casefold()
        counts[key] = counts.get(key, 0) + 1

    def keep(c: _Candidate) -> bool:
        n = counts[c.label.casefold()]
        if c.style == "own":
            return n >= 2 and (c.label.isupper() or role_key(c.label) in INTERVIEWER_LABELS)
        return n >= 2 or len(_words(c.label)) <= 2

    kept = [c for c in cands if keep(c)]
    recurring = {c.label.casefold() for c in kept if counts[c.label.casefold()] >= 2}
    if len(recurring) >= 2:
        return kept
    if len(recurring) == 1:
        n_label_lines = len(kept)
        n_lines = len(_NONBLANK_LINE.findall(text))
        others = len({c.label.casefold() for c in kept}) > 1
        if (others or n_label_lines >= 3) and n_label_lines >= 0.3 * n_lines:
            return kept
    return []


def find_turns(text: str, *, labels: Iterable[str] = ()) -> list[Turn]:
    """Speaker turns of ``text`` in order, or ``[]`` when it is not a transcript.

    A text counts as a transcript when at least two speaker labels recur (or one label
    makes up a large share of its lines). Each turn's utterance runs to the next turn.
    ``labels`` are speaker labels known to be speakers (e.g. the manifest's
    ``interviewer``): their turns are found even when they occur once and no other
    speaker is labelled.

    >>> t = find_turns("[id1] hello\\n\\n[id2] hi\\n\\n[id1] bye\\n\\n[id2] ok")
    >>> [x.label for x in t]
    ['id1', 'id2', 'id1', 'id2']
    >>> [x.label for x in find_turns("Intro.\\n\\nMODERATOR: Go on.\\n\\nI think so.", labels=["moderator"])]
    ['MODERATOR']
    """
    cands = _candidates(text)
    kept = _accepted(cands, text)
    listed = {label.strip().casefold() for label in labels if label and label.strip()}
    if listed:
        known = {c.line_start for c in kept}
        extra = [c for c in cands if c.line_start not in known
                 and (c.label.casefold() in listed or role_key(c.label) in listed)]
        if extra:
            kept = sorted(kept + extra, key=lambda c: c.line_start)
    turns = []
    for i, c in enumerate(kept):
        limit = kept[i + 1].line_start if i + 1 < len(kept) else len(text)
        start, end = _strip_span(text, c.label_end, limit)
        turns.append(Turn(c.label, c.line_start, start, end, c.timestamp))
    return turns


def label_at(line: str) -> tuple[str, int] | None:
    """The speaker label opening one line (``Name:``, ``[Name]``, ``**Name:**``) and the
    offset where the utterance starts, or None.

    >>> label_at("Budi: saya di sini")
    ('Budi', 6)
    >>> label_at("Catatan: bukan pembicara") is None
    True
    """
    m = _TURN_RE.match(line)
    if m is None or m.lastgroup not in ("colon", "bracket", "bold"):
        return None
    raw = m.group(m.lastgroup)
    label = raw if m.lastgroup == "colon" else raw.strip().rstrip(":").strip()
    if not _valid_label(label, m.lastgroup):
        return None
    rest = m.end()
    while rest < len(line) and line[rest] in " \t":
        rest += 1
    return label, rest


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``start..end`` to exclude leading and trailing whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else (end, end)


def split_paragraphs(
    text: str, start: int = 0, end: int | None = None, *, by_line: bool = False
) -> list[tuple[int, int]]:
    """Blank-line separated paragraphs of ``text[start:end]`` as stripped spans.

    With ``by_line=True`` (texts that hardly use blank lines, one paragraph per line) a
    paragraph also ends at a line break after ``.``, ``!``, ``?``, ``:`` or ``;``.

    >>> split_paragraphs("a b\\n\\n  c\\n")
    [(0, 3), (7, 8)]
    >>> split_paragraphs("Satu.\\nDua\\ntiga.", by_line=True)
    [(0, 5), (6, 15)]
    """
    end = len(text) if end is None else end
    sep = _LINE_PARAGRAPH if by_line else _BLANK_LINE
    spans = []
    pos = start
    for m in sep.finditer(text, start, end):
        s, e = _strip_span(text, pos, m.start())
        if s < e:
            spans.append((s, e))
        pos = m.end()
    s, e = _strip_span(text, pos, end)
    if s < e:
        spans.append((s, e))
    return spans


def uses_line_paragraphs(text: str) -> bool:
    """True when ``text`` has many lines but hardly any blank lines between them."""
    n_lines = text.count("\n") + 1
    if n_lines < 20:
        return False
    return len(_BLANK_LINE.findall(text)) < 0.1 * len(_NONBLANK_LINE.findall(text))


# --------------------------------------------------------------------------------------
# roles
# --------------------------------------------------------------------------------------


def role_key(label: str) -> str:
    """A speaker label casefolded, without a trailing number: ``Interviewer 2`` -> ``interviewer``.

    >>> role_key("Penanya_1")
    'penanya'
    """
    return re.sub(r"[\s_-]*\d+$", "", label.casefold()).strip(" .()")



def speaker_roles(labels: Iterable[str], *, interviewers: Iterable[str] = ()) -> dict[str, str]:
    """Map each speaker label to ``interviewer`` or ``informant``.

    Interviewer labels: Interviewer (1), I, Q, Moderator, Facilitator, their equivalents
    in ``qualkit/locale/*.yaml``, ``P`` when the other speakers are I/N/R/J/K or a
    language's interviewee label (then
    ``I`` is the informant), ``T`` paired with ``J`` (tanya/jawab), and any label in
    ``interviewers`` (e.g. from the manifest).

    >>> speaker_roles(["P", "I"])
    {'P': 'interviewer', 'I': 'informant'}
    >>> speaker_roles(["Dan", "Participant"], interviewers=["Dan"])
    {'Dan': 'interviewer', 'Participant': 'informant'}
    """
    labels = list(dict.fromkeys(labels))
    listed = {i.strip().casefold() for i in interviewers if i and i.strip()}
    keys = {label: role_key(label) for label in labels}
    present = set(keys.values())
    p_paired = "p" in present and bool(_P_PARTNERS & present)
    t_paired = "t" in present and "j" in present  # Tanya / Jawab
    roles = {}
    for label in labels:
        key = keys[label]
        if label.casefold() in listed or key in listed:
            is_int = True
        elif p_paired:
            is_int = key == "p"
        elif t_paired and key in ("t", "j"):
            is_int = key == "t"
        else:
            is_int = key in INTERVIEWER_LABELS
        roles[label] = "interviewer" if is_int else "informant"
    return roles


# --------------------------------------------------------------------------------------
# sentences
# --------------------------------------------------------------------------------------

ABBREVIATIONS = frozenset(
    """
    dr drs dra prof ir h hj st sh mh se mm mr mrs ms mt jr sr no nos jl jln bpk bp ibu bu pak
    sdr sdri yth kab kec kel prov rt rw tgl hlm hal ny nn tn an a.n u.p s.d vs ca cf fig
    e.g i.e u.s u.k u.n p.m a.m ph.d s.h m.h s.e s.kom s.pd m.si no. dkk pt cv tbk
    mt. gen col capt lt sgt rev fr gov sen rep dept univ inc ltd co corp approx est
    jan feb mar apr jun jul aug agu sep sept okt oct nov des dec
    """.split()
)
"""Tokens (casefolded, without the final full stop) after which a full stop never ends a
sentence: titles, initialisms, month abbreviations."""

SOFT_ABBREVIATIONS = frozenset("dll dsb dst dlsb etc dsj".split())
"""Abbreviations that end a sentence only when a capitalised word follows."""

_SENT_END = re.compile(r"""[.!?…]+["'”’»)\]]*(?=\s+(\S))|\n[ \t]*\n""")
_CLOSERS = "\"'”’»)]"
_OPENERS = "\"'“‘(«["


def split_sentences(text: str, lang: str = "id") -> list[tuple[int, int]]:
    """Sentences of ``text`` as stripped ``(start, end)`` spans, in order.

    Indonesian and English rules: a full stop after an abbreviation (Dr., No., Jl., Bpk.,
    Mr., e.g., U.S.), an initial or inside a decimal does not end a sentence; ``dll.`` /
    ``etc.`` end one only before a capital; an ellipsis or ``?``/``!`` before a lower-case
    word does not; closing quotes stay with their sentence; a blank line always ends one.
    ``lang`` is accepted for future language-specific lists (``id``, ``en``).

    >>> t = 'Dia bilang "pulang." Lalu 3.5 jam... kemudian pergi.'
    >>> [t[s:e] for s, e in split_sentences(t, "id")]
    ['Dia bilang "pulang."', 'Lalu 3.5 jam... kemudian pergi.']
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    abbreviations = ABBREVIATIONS
    for m in _SENT_END.finditer(text):
        ch = m.group(1)
        if ch is not None:  # sentence punctuation followed by whitespace and ``ch``
            if ch.islower():
                continue
            punct = m.group()
            if punct[0] == "." and punct.rstrip(_CLOSERS) == ".":
                ms = m.start()
                before = text[max(0, ms - 24) : ms].rsplit(None, 1)
                token = before[-1].lstrip(_OPENERS).casefold() if before else ""
                if token in abbreviations:
                    continue
                if len(token) == 1 and token.isalpha():  # an initial: "J. Smith"
                    continue
                if token in SOFT_ABBREVIATIONS and not ch.isupper():
                    continue
            cut = m.end()
            s, e = _strip_span(text, pos, cut)
        else:
            s, e = _strip_span(text, pos, m.start())
            cut = m.end()
        if s < e:
            spans.append((s, e))
        pos = cut
    if pos < len(text):
        s, e = _strip_span(text, pos, len(text))
        if s < e:
            spans.append((s, e))
    return spans
