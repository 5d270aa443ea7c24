"""Text -> passages with roles: speaker turns or paragraphs, unlabelled speech, prompts.

:func:`text_passages` cuts a text into speaker turns (a transcript) or paragraphs, with
ids ``<doc_id>#p<n>``. Roles come from three rules a study sets per file (manifest
columns) or per source type:

- ``interviewers``: labels that are the interviewer or moderator. Their turns are found
  even when only that side is labelled and when the label occurs only a few times.
- ``unlabelled_role``: the role of unlabelled paragraphs in a transcript that has
  labelled turns. When only one side is labelled (a think-aloud transcript with
  ``MODERATOR:`` lines and plain paragraphs of participant speech), each labelled turn
  ends with its paragraph and the unlabelled paragraphs get this role; it defaults to
  ``informant`` when interviewer labels are given.
- ``prompts`` (:class:`Prompts`): task-sheet or questionnaire text; matching passages
  get the role ``prompt`` (shown in transcripts, never evidence).

>>> text = "1.a Please explain.\\n\\nMODERATOR: Go on.\\n\\nI would pick Dublin."
>>> ps = text_passages("s.odt", text, interviewers=["MODERATOR"], prompts=Prompts.parse(r"^\\d+\\.[a-z] "))
>>> [(p.speaker, p.role, p.text) for p in ps]
[(None, 'prompt', '1.a Please explain.'), ('MODERATOR', 'interviewer', 'Go on.'), (None, 'informant', 'I would pick Dublin.')]
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from qualkit.corpus import ROLES, Passage
from qualkit.errors import LoadError
from qualkit.loading.decode import decode_bytes, normalise_newlines
from qualkit.segment import (
    Heading, Turn, find_turns, speaker_roles, split_paragraphs, uses_line_paragraphs,
)

__all__ = ["Prompts", "text_passages", "apply_roles", "UNLABELLED_ROLES"]

UNLABELLED_ROLES = ("interviewer", "informant", "none")
"""Values of ``unlabelled_role`` (``none``: unlabelled paragraphs keep no role)."""

_ENUMERATOR = re.compile(r"^(?:\(?[0-9a-z]{1,3}[.)]|\d+(?:\.[0-9a-z]+)+\.?|q\d+[.:)]?|\d{1,3})\s+")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def _fold(text: str) -> str:
    return " ".join(text.translate(_QUOTES).casefold().split()).rstrip(" .:?")


@dataclass(frozen=True)
class Prompts:
    """Which passages are prompts: a regular expression, or a list of prompt lines.

    A regular expression is searched in each passage's text (anchor it with ``^``). A
    line matches a passage whose text equals it, ignoring case, whitespace, curly
    quotes, final punctuation and a leading item number (``3.a``, ``Q4``, ``(b)``).

    >>> Prompts.parse(r"^\\d+\\.[a-z] ").matches("3.a Please explain aloud.")
    True
    >>> Prompts(lines=frozenset({"overall, i am satisfied"})).matches("Q1. Overall, I am  satisfied.")
    True
    """

    pattern: re.Pattern[str] | None = None
    lines: frozenset[str] = frozenset()
    source: str = ""

    @classmethod
    def parse(cls, spec: str | os.PathLike[str] | Prompts | None, *,
              base: str | os.PathLike[str] | None = None) -> Prompts | None:
        """A matcher from a regex, ``@file`` or the path of a file of lines (one prompt a line).

        A file path is taken relative to ``base`` (the data folder); ``#`` lines and blank
        lines in it are ignored. Raises LoadError for an unreadable file or a bad regex.
        """
        if spec is None or isinstance(spec, Prompts):
            return spec
        text = str(spec).strip()
        if not text:
            return None
        path = _prompt_file(text, base)
        if path is not None:
            return cls(lines=_read_lines(path), source=str(path))
        try:
            return cls(pattern=re.compile(text), source=text)
        except re.error as err:
            raise LoadError(f"prompts {text!r} is not a valid regular expression: {err}",
                            hint="fix the expression, or give @file with one prompt a line") from err

    def matches(self, text: str) -> bool:
        """True when ``text`` (one passage) is a prompt."""
        if self.pattern is not None and self.pattern.search(text):
            return True
        if self.lines:
            folded = _fold(text)
            return folded in self.lines or _ENUMERATOR.sub("", folded, count=1) in self.lines
        return False


def _prompt_file(text: str, base: str | os.PathLike[str] | None) -> Path | None:
    explicit = text.startswith("@")
    name = text[1:].strip() if explicit else text
    candidate = Path(name).expanduser()
    if not candidate.is_absolute() and base is not None:
        candidate = Path(base) / candidate
    try:
        exists = candidate.is_file()
    except (OSError, ValueError):  # a regex is rarely a valid path
        exists = False
    if exists:
        return candidate
    if explicit:
        raise LoadError(f"prompts file {name!r} not found", path=str(candidate),
                        hint="give the path of a text file with one prompt a line")
    return None


def _read_lines(path: Path) -> frozenset[str]:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise LoadError(f"cannot read the prompts file: {err.strerror}", path=str(path),
                        hint="check that the file exists and that you may read it") from err
    text, _ = normalise_newlines(decode_bytes(data, path=str(path))[0])
    lines = (_fold(_ENUMERATOR.sub("", line.strip(), count=1)) for line in text.split("\n")
             if line.strip() and not line.lstrip().startswith("#"))
    return frozenset(line for line in lines if line)


def _unlabelled(roles: dict[str, str], interviewers: Sequence[str], unlabelled_role: str | None) -> str | None:
    """The role of unlabelled paragraphs, given the speaker roles found."""
    if not roles:
        return None
    if unlabelled_role is not None:
        return None if unlabelled_role == "none" else unlabelled_role
    one_sided = set(roles.values()) == {"interviewer"}
    return "informant" if interviewers and one_sided else None


def text_passages(
    doc_id: str,
    text: str,
    *,
    headings: Sequence[Heading] = (),
    interviewers: Iterable[str] = (),
    unlabelled_role: str | None = None,
    prompts: Prompts | None = None,
    turns: bool = True,
) -> tuple[Passage, ...]:
    """Cut ``text`` into speaker turns (a transcript) or paragraphs, with ids ``#p<n>``.

    ``headings`` are heading lines: they are not passages themselves but become the
    ``section`` of the passages under them. Text before the first turn, and after a
    heading until the next turn, is cut into paragraphs (``speaker=None``). When every
    labelled speaker has one role and unlabelled paragraphs get a role, a turn ends with
    its paragraph. Set ``turns=False``
    to cut paragraphs only. See the module docstring for the role rules.

    >>> ps = text_passages("a.txt", "P: Halo?\\nI: Saya takut.\\nP: Kenapa?\\nI: Diancam.")
    >>> [(p.id, p.speaker, p.role, p.text) for p in ps][:2]
    [('a.txt#p1', 'P', 'interviewer', 'Halo?'), ('a.txt#p2', 'I', 'informant', 'Saya takut.')]
    """
    interviewers = tuple(interviewers)
    found = find_turns(text, labels=interviewers) if turns else []
    if headings and found:
        found = [t for t in found if not any(h.start <= t.line_start < h.end for h in headings)]
    roles = speaker_roles((t.label for t in found), interviewers=interviewers)
    unlabelled = _unlabelled(roles, interviewers, unlabelled_role)
    one_sided = unlabelled is not None and len(set(roles.values())) == 1
    by_line = uses_line_paragraphs(text) if (not found or one_sided) else False
    spans = _spans(text, headings, found, by_line=by_line, one_sided=one_sided)
    passages = tuple(
        Passage(
            doc_id=doc_id, id=f"{doc_id}#p{n}", start=s, end=e, text=text[s:e],
            speaker=spk, role=roles.get(spk) if spk else unlabelled,
            unit="turn" if spk else "paragraph", section=sec,
        )
        for n, (s, e, spk, sec) in enumerate(spans, start=1)
    )
    return apply_roles(passages, prompts=prompts)


def _spans(text: str, headings: Sequence[Heading], found: Sequence[Turn], *, by_line: bool,
           one_sided: bool) -> list[tuple[int, int, str | None, str | None]]:
    """(start, end, speaker, section) of every passage, in text order."""
    events: list[tuple[int, int, Heading | Turn]] = [(h.start, 0, h) for h in headings]
    events += [(t.line_start, 1, t) for t in found]
    events.sort(key=lambda e: (e[0], e[1]))
    spans: list[tuple[int, int, str | None, str | None]] = []
    section: str | None = None
    pos = 0
    for i, (at, _, ev) in enumerate(events):
        if pos < at:
            spans.extend((s, e, None, section) for s, e in split_paragraphs(text, pos, at, by_line=by_line))
        nxt = events[i + 1][0] if i + 1 < len(events) else len(text)
        if isinstance(ev, Heading):
            section = ev.title
            pos = max(pos, ev.end)
            continue
        paragraphs = split_paragraphs(text, ev.start, min(ev.end, nxt), by_line=by_line)
        if one_sided and paragraphs:  # the turn is its first paragraph; the rest is unlabelled
            spans.append((paragraphs[0][0], paragraphs[0][1], ev.label, section))
            spans.extend((s, e, None, section) for s, e in paragraphs[1:])
        elif paragraphs:
            spans.append((paragraphs[0][0], paragraphs[-1][1], ev.label, section))
        pos = max(pos, nxt)
    if pos < len(text):
        spans.extend((s, e, None, section) for s, e in split_paragraphs(text, pos, len(text), by_line=by_line))
    return spans


def apply_roles(passages: Sequence[Passage], *, prompts: Prompts | None = None,
                unlabelled_role: str | None = None) -> tuple[Passage, ...]:
    """Passages with ``role="prompt"`` where ``prompts`` matches, and ``unlabelled_role``
    given to passages without a speaker (only when some passage has one).

    >>> ps = (Passage("a", "a#p1", 0, 3, "Q1.", "Dan", "interviewer"), Passage("a", "a#p2", 4, 6, "ok"))
    >>> [p.role for p in apply_roles(ps, prompts=Prompts.parse("^Q\\\\d"), unlabelled_role="informant")]
    ['prompt', 'informant']
    """
    if unlabelled_role is not None and unlabelled_role not in ROLES and unlabelled_role != "none":
        raise LoadError(f"unlabelled_role {unlabelled_role!r} is not one of {UNLABELLED_ROLES}",
                        hint="use interviewer, informant or none")
    labelled = unlabelled_role is not None and any(p.speaker for p in passages)
    fill = None if unlabelled_role == "none" else unlabelled_role
    out = []
    for p in passages:
        if prompts is not None and prompts.matches(p.text):
            p = replace(p, role="prompt")
        elif labelled and p.speaker is None and p.role is None:
            p = replace(p, role=fill)
        out.append(p)
    return tuple(out)
