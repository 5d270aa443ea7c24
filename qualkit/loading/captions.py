"""Subtitle files (.vtt WebVTT, .srt SubRip): cues merged into speaker turns.

Speakers come from WebVTT voice tags (``<v Name>``) or a ``Name:`` / ``[Name]`` prefix in
the cue text; a cue without one continues the current speaker. Consecutive cues of one
speaker become one turn, written ``Name: text`` in the document text, with
``time_start``/``time_end`` in seconds. Cues without any speaker are grouped into
paragraphs (a new one after a pause of more than 2 s or about 60 words at a sentence end).
A cue whose timing line cannot be read (hours beyond 99999, a single arrow) is left out
and reported in ``Extracted.warnings``, so the loader lists it in ``corpus.problems``.

>>> vtt = "WEBVTT\\n\\n00:00:01.000 --> 00:00:03.000\\n<v Ana>Halo.\\n\\n00:00:03.500 --> 00:00:05.000\\n<v Ana>Apa kabar?"
>>> ex = read_captions(vtt.encode(), path="a.vtt", kind="vtt")
>>> ex.text, ex.spans[0].time_start, ex.spans[0].time_end
('Ana: Halo. Apa kabar?', 1.0, 5.0)
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from qualkit.errors import LoadError
from qualkit.loading.decode import decode_bytes, normalise_newlines
from qualkit.loading.extracted import Extracted, TextBuilder
from qualkit.segment import label_at

_TIME = r"(?:(\d{1,5}):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"  # hours bounded: 99999 h at most
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")
_TIMING_LIKE = re.compile(r"->|\d:\d\d")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>")
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")
_BLOCK_SEP = re.compile(r"\n[ \t]*\n")
_GAP_SECONDS = 2.0
_MAX_WORDS = 60


@dataclass(frozen=True)
class Cue:
    """One cue line with its speaker (or None) and times in seconds."""

    start: float
    end: float
    speaker: str | None
    text: str


def _seconds(h: str | None, m: str, s: str, frac: str) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(frac.ljust(3, "0")) / 1000


def parse_cues(text: str, *, path: str, kind: str) -> tuple[list[Cue], list[str]]:
    """Cues of a vtt/srt text (LF line ends) in file order, and a line per cue block that
    could not be read (a missing or bad timing line: huge hours, one arrow, no digits)."""
    blocks = _BLOCK_SEP.split(text.strip())
    if kind == "vtt":
        if not blocks or not blocks[0].lstrip("\ufeff").startswith("WEBVTT"):
            raise LoadError("not a WebVTT file: the first line must be WEBVTT", path=path,
                            hint="check the file, or rename it .srt if it is SubRip")
        blocks = blocks[1:]
    cues: list[Cue] = []
    bad: list[str] = []
    line_no = _first_lines(text.strip(), blocks, skip=1 if kind == "vtt" else 0)
    for block, at in zip(blocks, line_no):
        lines = block.split("\n")
        if kind == "vtt" and lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing_at = next((i for i, line in enumerate(lines[:3]) if "-->" in line), None)
        if timing_at is None:  # a damaged timing line: report that one
            timing_at = next((i for i, line in enumerate(lines[:3]) if _TIMING_LIKE.search(line)), None)
        m = _TIMING.match(lines[timing_at]) if timing_at is not None else None
        if m is None or timing_at is None:
            shown = lines[timing_at] if timing_at is not None else lines[0]
            bad.append(f"line {at + (timing_at or 0)}: cue skipped, no readable timing line "
                       f"({shown[:60]!r}); write it as 00:00:01.000 --> 00:00:04.000")
            continue
        t0 = _seconds(*m.groups()[:4])
        t1 = _seconds(*m.groups()[4:])
        cues.extend(_cue_lines(lines[timing_at + 1 :], t0, t1))
    if not cues:
        raise LoadError(f"no subtitle cues found ({len(bad)} malformed block(s))", path=path,
                        hint="each cue needs a timing line like 00:00:01.000 --> 00:00:04.000")
    return cues, bad


def _first_lines(text: str, blocks: list[str], *, skip: int) -> list[int]:
    """1-based line number where each block starts (blocks as split from ``text``)."""
    starts = [1]
    for m in _BLOCK_SEP.finditer(text):
        starts.append(text.count("\n", 0, m.end()) + 1)
    return starts[skip:]


def _cue_lines(lines: list[str], t0: float, t1: float) -> list[Cue]:
    out = []
    voice = None
    for raw in lines:
        v = _VOICE.search(raw)
        if v:
            voice = v.group(1).strip()
        line = html.unescape(_TAG.sub("", raw)).strip()
        if not line:
            continue
        speaker = voice
        if speaker is None:
            found = label_at(line.lstrip("- "))
            if found:
                speaker, at = found
                line = line.lstrip("- ")[at:].strip()
        out.append(Cue(t0, t1, speaker, line))
    return out


def read_captions(data: bytes, *, path: str, kind: str) -> Extracted:
    """Read a .vtt (``kind="vtt"``) or .srt (``kind="srt"``) file into speaker turns."""
    raw, encoding = decode_bytes(data, path=path)
    text, _ = normalise_newlines(raw)
    cues, bad = parse_cues(text, path=path, kind=kind)
    any_speaker = any(c.speaker for c in cues)
    builder = TextBuilder()
    group: list[Cue] = []
    current: str | None = None

    def flush() -> None:
        if group:
            builder.turn(current, " ".join(c.text for c in group),
                         time_start=group[0].start, time_end=max(c.end for c in group))
            group.clear()

    for cue in cues:
        speaker = cue.speaker if cue.speaker else (current if any_speaker else None)
        if group and speaker != current:
            flush()
        elif group and speaker is None:
            words = sum(len(c.text.split()) for c in group)
            pause = cue.start - group[-1].end > _GAP_SECONDS
            if pause or (words >= _MAX_WORDS and group[-1].text.endswith((".", "?", "!"))):
                flush()
        current = speaker
        group.append(cue)
    flush()
    return builder.build(spans=True, metadata={"encoding": encoding, "cues": len(cues)},
                         warnings=tuple(bad))
