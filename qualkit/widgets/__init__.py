"""Notebook widgets on a :class:`~qualkit.Project`: code by hand and review machine codings.

- :class:`CodingView` (:mod:`~qualkit.widgets.view`): read a transcript, select text,
  apply a code; every action stored in the project as it happens;
- :class:`ReviewQueue` (:mod:`~qualkit.widgets.review`): accept or reject auto-coded and
  suggested passages of one code, most uncertain first, with the auto-coder's precision;
- :mod:`~qualkit.widgets.offsets`: UTF-16 <-> code point, redacted <-> original offsets.

Needs ``anywidget`` (``pip install "qualkit[notebook]"``).

>>> import qualkit
>>> qualkit.widgets.CodingView(qualkit.open_project("study.qkproj"), coder="rina")  # doctest: +SKIP
"""

from qualkit.widgets.review import ReviewQueue, wilson_interval
from qualkit.widgets.view import CodingView

__all__ = ["CodingView", "ReviewQueue", "wilson_interval"]
