"""qualkit's exceptions: every message says what was wrong, where, and what to do.

All errors raised for bad input derive from :class:`QualkitError`, so a notebook or the
CLI can catch one class. Messages name the file (and line, field or code id when known).

Example
-------
>>> try:
...     raise LoadError("empty file", path="interviews/a.txt", hint="add text or remove it")
... except QualkitError as err:
...     print(err)
interviews/a.txt: empty file. What to do: add text or remove it
"""

from __future__ import annotations

from dataclasses import dataclass


class QualkitError(Exception):
    """Base class of every error qualkit raises for bad input or bad use."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint
        super().__init__(self._render())

    def _render(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}" + (f", line {self.line}" if self.line else "") + ": "
        elif self.line:
            where = f"line {self.line}: "
        text = f"{where}{self.message}"
        if self.hint:
            text += f". What to do: {self.hint}"
        return text


class LoadError(QualkitError):
    """A source file could not be read or parsed (names the file and what to do)."""


class ManifestError(LoadError):
    """The corpus manifest is malformed (names the row and column)."""


class PassageError(QualkitError, ValueError):
    """A passage's offsets do not match its document's text."""


@dataclass(frozen=True)
class Problem:
    """One problem found while validating a file (a codebook, a manifest, an import).

    ``where`` is a code id, field name or part of a file; ``line`` is 1-based or None.
    """

    message: str
    where: str | None = None
    line: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        loc = []
        if self.line:
            loc.append(f"line {self.line}")
        if self.where:
            loc.append(self.where)
        head = f"[{', '.join(loc)}] " if loc else ""
        tail = f" -> {self.hint}" if self.hint else ""
        return f"{head}{self.message}{tail}"


class ValidationError(QualkitError):
    """Several problems found at once; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], *, path: str | None = None) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            f"{len(self.problems)} problem(s) found:\n{lines}\n", path=path,
            hint="fix each problem listed above and load again",
        )


class CodebookError(ValidationError):
    """A codebook file is invalid; every problem is listed with its code id and line."""


class ExchangeError(QualkitError):
    """A REFI-QDA or other exchange file could not be imported (names the part)."""


class ExportError(QualkitError):
    """An output could not be written."""


class NotFittedError(QualkitError):
    """A learning step was used before ``fit``."""


class ParameterError(QualkitError, ValueError):
    """A function or class was called with a parameter value it does not accept."""


def check_param(owner: str, name: str, value: object, *, options: object = None,
                rule: str | None = None, ok: bool | None = None) -> None:
    """Raise :class:`ParameterError` in scikit-learn's words unless ``value`` is allowed.

    Give either ``options`` (the allowed values) or ``ok`` with ``rule`` (what is allowed,
    as words).

    >>> check_param("agreement", "unit", "span", options=("passage", "character"))
    Traceback (most recent call last):
    ...
    qualkit.errors.ParameterError: The 'unit' parameter of agreement must be one of ('passage', 'character'); got 'span' instead.
    >>> check_param("agreement", "overlap", 0.5, ok=0 < 0.5 <= 1, rule="in (0, 1]")
    """
    if options is not None:
        allowed = tuple(options)  # type: ignore[call-overload]
        if value in allowed:
            return
        rule = f"one of {allowed!r}"
    elif ok is None or rule is None:
        raise TypeError("check_param needs options=, or ok= with rule=")
    elif ok:
        return
    raise ParameterError(f"The {name!r} parameter of {owner} must be {rule}; got {value!r} instead.")
