"""Pseudonyms from templates, kept across runs.

A template holds ``{n}`` (a number) or ``{letter}`` (A, B, ..., Z, AA, ...). Templates are
chosen per informant group or kind of person (``informant``, ``interviewer``, ``person``);
a study file gives them in its own language. Given the mapping of an earlier run, a person
keeps their pseudonym and new people get the next free numbers.

>>> book = PseudonymBook(DEFAULT_TEMPLATES, previous={"wulan": "Participant 4"})
>>> book.pseudonym("wulan", "informant"), book.pseudonym("rina", "informant"), book.pseudonym("tono", "interviewer")
('Participant 4', 'Participant 5', 'Interviewer A')
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

import pandas as pd

from qualkit.errors import ParameterError, QualkitError

DEFAULT_TEMPLATES: Mapping[str, str] = {
    "informant": "Participant {n}", "interviewer": "Interviewer {letter}", "person": "Person {n}",
}
"""Neutral English templates; a study file gives its own (``Informan {n}``...)."""


def letters(n: int) -> str:
    """0 -> ``A``, 25 -> ``Z``, 26 -> ``AA``.

    >>> letters(0), letters(26)
    ('A', 'AA')
    """
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _letters_value(text: str) -> int:
    n = 0
    for ch in text:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def check_templates(templates: Mapping[str, str]) -> dict[str, str]:
    """The templates with the three kinds filled from the defaults; each must hold
    ``{n}`` or ``{letter}``."""
    if not isinstance(templates, Mapping):
        raise ParameterError(f"The 'pseudonyms' parameter of Redactor must be a mapping of group -> "
                             f"template; got {type(templates).__name__} instead.")
    out = dict(DEFAULT_TEMPLATES)
    for key, template in templates.items():
        if not isinstance(template, str) or ("{n}" in template) == ("{letter}" in template):
            raise ParameterError(
                f"The 'pseudonyms' parameter of Redactor must map {key!r} to a template holding "
                f"exactly one of {{n}} or {{letter}}; got {template!r} instead.")
        out[str(key)] = template
    return out


def _pattern(template: str) -> re.Pattern[str]:
    head, field, tail = re.split(r"(\{n\}|\{letter\})", template, maxsplit=1)
    value = r"(?P<v>\d+)" if field == "{n}" else r"(?P<v>[A-Z]+)"
    return re.compile(re.escape(head) + value + re.escape(tail))


class PseudonymBook:
    """Hands out pseudonyms: a known person's previous one, else the template's next free."""

    def __init__(self, templates: Mapping[str, str], *, previous: Mapping[str, str] | None = None) -> None:
        self.templates = dict(templates)
        self.assigned: dict[str, str] = dict(previous or {})
        self._next: dict[str, int] = {}
        taken = set(self.assigned.values())
        for template in set(self.templates.values()):
            rx, used = _pattern(template), -1
            for pseudo in taken:
                m = rx.fullmatch(pseudo)
                if m:
                    v = m.group("v")
                    used = max(used, int(v) - 1 if v.isdigit() else _letters_value(v))
            self._next[template] = used + 1

    def pseudonym(self, key: str, group: str | None, kind: str = "person") -> str:
        """The pseudonym of the person ``key`` (a case-folded name) of ``group``/``kind``."""
        if key not in self.assigned:
            template = self.templates.get(group or "", self.templates.get(kind, self.templates["person"]))
            n = self._next[template] if template in self._next else 0
            self._next[template] = n + 1
            value = str(n + 1) if "{n}" in template else letters(n)
            self.assigned[key] = template.replace("{n}", value).replace("{letter}", value)
        return self.assigned[key]


def read_mapping(source: str | os.PathLike[str] | pd.DataFrame) -> dict[str, str]:
    """``{case-folded name: pseudonym}`` from a re-identification mapping (file or frame)."""
    if isinstance(source, pd.DataFrame):
        frame = source
    else:
        try:
            with open(source, encoding="utf-8") as fh:
                first = fh.readline()
                frame = pd.read_csv(fh if first.startswith("#") else source, dtype=str, keep_default_na=False)
        except (OSError, pd.errors.ParserError, UnicodeDecodeError) as err:
            raise QualkitError(f"cannot read the previous mapping ({err})", path=str(source),
                               hint="give the <out>.reidentification.csv an earlier run wrote") from err
    missing = {"kind", "original", "replacement"} - set(frame.columns)
    if missing:
        raise QualkitError(f"the previous mapping lacks the columns {sorted(missing)}",
                           hint="give the <out>.reidentification.csv an earlier run wrote")
    names = frame[frame["kind"] == "name"]
    return {" ".join(str(o).split()).casefold(): str(r) for o, r in zip(names["original"], names["replacement"])
            if str(r) and not str(r).startswith("[")}
