"""The word lists that ship beside the privacy modules (``data/*.txt``).

>>> "hospital" in words("organisations.txt")
True
"""

from __future__ import annotations

from importlib import resources


def words(name: str) -> frozenset[str]:
    """The case-folded lines of the data file ``name`` (comments and blank lines skipped)."""
    text = resources.files("qualkit.privacy").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return frozenset(w.strip().casefold() for w in text.splitlines() if w.strip() and not w.startswith("#"))
