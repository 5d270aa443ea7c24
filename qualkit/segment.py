"""Segmentation: text -> speaker turns, paragraphs and sentences (pure functions).

Everything here works on a plain string and returns code-point offsets into it, so it can
be used on any text, whatever file it came from. Loaders use :func:`text_passages` to
cut a document into turns (transcripts) or paragraphs (everything else), and
:func:`segment_corpus` re-cuts a :class:`~qualkit.corpus.Corpus` into sentences and back.

Speaker labels are recognised in the styles real transcripts use: ``Name:``, ``NAME:``,
``[Name]:``, ``[id1]`` (QualCoder), ``**K (Kiki):**``, ``Q -`` / ``A -``, ``P1:``,
``Interviewer 1:``, a label alone on its line with the utterance on the next lines, and
any of these after a timestamp (``[00:01:02] Name:``, ``00:01:02 Name:``). A line that
merely holds a colon (``pukul 10:30``, ``Catatan: ...``, ``https://...``,
``Nama : ...``) is not a turn, and a text only counts as a transcript when its labels
recur.

Example
-------
>>> text = "Pewawancara: Apa kabar?\\nInforman: Baik. Saya takut.\\nPewawancara: Kenapa?"
>>> [(t.label, text[t.start:t.end]) for t in find_turns(text)][:2]
[('Pewawancara', 'Apa kabar?'), ('Informan', 'Baik. Saya takut.')]
>>> t = "Dr. Sari datang. Dia takut."
>>> [t[s:e] for s, e in split_sentences(t, "id")]
['Dr. Sari datang.', 'Dia takut.']
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

from qualkit.corpus import Passage

if TYPE_CHECKING:  # pragma: no cover
    from qualkit.corpus import Corpus, Document

__all__ = [
    "Turn", "Heading", "find_turns", "label_at", "split_paragraphs", "uses_line_paragraphs", "split_sentences",
    "speaker_roles", "text_passages", "sentence_passages", "segment_corpus",
    "NON_SPEAKER_WORDS", "INTERVIEWER_LABELS",
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
    pewawancara peneliti penanya interviewer interviewers int iv i q moderator mod
    pertanyaan tanya question
    fasilitator facilitator researcher enumerator pendamping_wawancara
    """.split()
)
"""Speaker labels (casefolded, trailing numbers removed) that mean the interviewer."""

_P_PARTNERS = frozenset({"i", "n", "r", "j", "informan", "narasumber", "responden", "k", "korban"})

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
            return n >= 2 and (c.label.isupper() or _role_key(c.label) in INTERVIEWER_LABELS)
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


def find_turns(text: str) -> list[Turn]:
    """Speaker turns of ``text`` in order, or ``[]`` when it is not a transcript.

    A text counts as a transcript when at least two speaker labels recur (or one label
    makes up a large share of its lines). Each turn's utterance runs to the next turn.

    >>> t = find_turns("[id1] hello\\n\\n[id2] hi\\n\\n[id1] bye\\n\\n[id2] ok")
    >>> [x.label for x in t]
    ['id1', 'id2', 'id1', 'id2']
    """
    kept = _accepted(_candidates(text), text)
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


def _role_key(label: str) -> str:
    key = re.sub(r"[\s_-]*\d+$", "", label.casefold()).strip(" .()")
    return key


def speaker_roles(labels: Iterable[str], *, interviewers: Iterable[str] = ()) -> dict[str, str]:
    """Map each speaker label to ``interviewer`` or ``informant``.

    Interviewer labels: Pewawancara, Peneliti, Interviewer (1), I, Q, Moderator,
    Fasilitator, Pertanyaan..., ``P`` when the other speakers are I/N/R/J/Informan (then
    ``I`` is the informant), ``T`` paired with ``J`` (tanya/jawab), and any label in
    ``interviewers`` (e.g. from the manifest).

    >>> speaker_roles(["P", "I"])
    {'P': 'interviewer', 'I': 'informant'}
    >>> speaker_roles(["Dan", "Participant"], interviewers=["Dan"])
    {'Dan': 'interviewer', 'Participant': 'informant'}
    """
    labels = list(dict.fromkeys(labels))
    listed = {i.strip().casefold() for i in interviewers if i and i.strip()}
    keys = {label: _role_key(label) for label in labels}
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


# --------------------------------------------------------------------------------------
# passages
# --------------------------------------------------------------------------------------


def text_passages(
    doc_id: str,
    text: str,
    *,
    headings: Sequence[Heading] = (),
    interviewers: Iterable[str] = (),
    turns: bool = True,
) -> tuple[Passage, ...]:
    """Cut ``text`` into speaker turns (a transcript) or paragraphs, with ids ``#p<n>``.

    ``headings`` are heading lines: they are not passages themselves but become the
    ``section`` of the passages under them. Text before the first turn, and after a
    heading until the next turn, is cut into paragraphs (``speaker=None``).
    Set ``turns=False`` to cut paragraphs only.

    >>> ps = text_passages("a.txt", "P: Halo?\\nI: Saya takut.\\nP: Kenapa?\\nI: Diancam.")
    >>> [(p.id, p.speaker, p.role, p.text) for p in ps][:2]
    [('a.txt#p1', 'P', 'interviewer', 'Halo?'), ('a.txt#p2', 'I', 'informant', 'Saya takut.')]
    """
    found = find_turns(text) if turns else []
    if headings and found:
        found = [t for t in found if not _inside_heading(t.line_start, headings)]
    roles = speaker_roles((t.label for t in found), interviewers=interviewers)
    # events: ("h", start, end, title) and ("t", line_start, turn)
    events: list[tuple[int, int, object]] = [(h.start, 0, h) for h in headings]
    events += [(t.line_start, 1, t) for t in found]
    events.sort(key=lambda e: (e[0], e[1]))
    by_line = uses_line_paragraphs(text) if not found else False
    spans: list[tuple[int, int, str | None, str | None]] = []  # start, end, speaker, section
    section: str | None = None
    pos = 0
    for i, (at, _, ev) in enumerate(events):
        if pos < at:
            spans.extend((s, e, None, section) for s, e in split_paragraphs(text, pos, at, by_line=by_line))
        nxt = events[i + 1][0] if i + 1 < len(events) else len(text)
        if isinstance(ev, Heading):
            section = ev.title
            pos = max(pos, ev.end)
        else:
            t = ev  # type: ignore[assignment]
            s, e = _strip_span(text, t.start, min(t.end, nxt))  # type: ignore[attr-defined]
            if s < e:
                spans.append((s, e, t.label, section))  # type: ignore[attr-defined]
            pos = max(pos, nxt)
    if pos < len(text):
        spans.extend((s, e, None, section)
                     for s, e in split_paragraphs(text, pos, len(text), by_line=by_line))
    return tuple(
        Passage(
            doc_id=doc_id, id=f"{doc_id}#p{n}", start=s, end=e, text=text[s:e],
            speaker=spk, role=roles.get(spk) if spk else None,
            unit="turn" if spk else "paragraph", section=sec,
        )
        for n, (s, e, spk, sec) in enumerate(spans, start=1)
    )


def _inside_heading(offset: int, headings: Sequence[Heading]) -> bool:
    return any(h.start <= offset < h.end for h in headings)


def sentence_passages(passage: Passage, language: str = "id", *, page_starts: Sequence[int] = ()) -> list[Passage]:
    """Split one turn/paragraph/field passage into sentence passages ``<id>.s<m>``.

    The sentences keep the speaker, role, section and times of their parent; with
    ``page_starts`` (offsets where each PDF page begins) each gets its own page.

    >>> p = Passage("a", "a#p1", 0, 11, "Satu. Dua.")
    >>> [(s.id, s.text) for s in sentence_passages(p)]
    [('a#p1.s1', 'Satu.'), ('a#p1.s2', 'Dua.')]
    """
    out = []
    base, text, pid = passage.start, passage.text, passage.id
    for m, (s, e) in enumerate(split_sentences(text, language), start=1):
        start = base + s
        page = (bisect.bisect_right(page_starts, start) or passage.page) if page_starts else passage.page
        out.append(Passage(
            doc_id=passage.doc_id, id=f"{pid}.s{m}", start=start, end=base + e, text=text[s:e],
            speaker=passage.speaker, role=passage.role, unit="sentence", parent_id=pid,
            section=passage.section, page=page, time_start=passage.time_start,
            time_end=passage.time_end,
        ))
    return out


def segment_corpus(corpus: Corpus, unit: str) -> Corpus:
    """Re-cut ``corpus`` into ``unit`` passages: ``sentence`` or ``turn``.

    Turns (and paragraphs, form fields) become sentences ``<id>.s<m>`` with
    ``parent_id``; sentences are merged back into their parent turns.

    >>> from qualkit.corpus import Corpus, Document
    >>> doc = Document(id="a", text="Satu. Dua.")
    >>> c = Corpus((doc,), text_passages("a", doc.text))
    >>> [p.text for p in segment_corpus(c, "sentence")]
    ['Satu.', 'Dua.']
    """
    if unit not in ("turn", "sentence"):
        raise ValueError(
            f"The 'unit' parameter of segment_corpus must be one of ('turn', 'sentence'); got {unit!r} instead."
        )
    if unit == corpus.unit:
        return corpus
    docs = {d.id: d for d in corpus.documents}
    passages: list[Passage] = []
    if unit == "sentence":
        for p in corpus.passages:
            if p.unit == "sentence":
                passages.append(p)
                continue
            doc = docs[p.doc_id]
            passages.extend(sentence_passages(p, doc.language,
                                              page_starts=doc.metadata.get("page_starts", ())))
    else:
        passages = _merge_sentences(corpus.passages, docs)
    return corpus.replace(passages=tuple(passages), unit=unit)


def _merge_sentences(sentences: Sequence[Passage], docs: Mapping[str, Document]) -> list[Passage]:
    groups: dict[str, list[Passage]] = {}
    order: list[str] = []
    for p in sentences:
        key = p.parent_id if (p.unit == "sentence" and p.parent_id) else p.id
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(p)
    merged = []
    for key in order:
        group = groups[key]
        first = group[0]
        if first.unit != "sentence":
            merged.append(first)
            continue
        doc = docs[first.doc_id]
        start = min(p.start for p in group)
        end = max(p.end for p in group)
        field_spans = {(f.start, f.end) for f in doc.fields}
        kind = "field" if (start, end) in field_spans else ("turn" if first.speaker else "paragraph")
        merged.append(replace(first, id=key, start=start, end=end, text=doc.text[start:end],
                              unit=kind, parent_id=None,
                              page=_page_at(doc, start, first.page)))
    return merged


def _page_at(doc: Document, offset: int, default: int | None) -> int | None:
    starts = doc.metadata.get("page_starts", ())
    return bisect.bisect_right(starts, offset) if starts else default
