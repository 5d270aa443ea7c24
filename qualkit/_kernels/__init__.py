"""Fast paths, behind a wall: byte-level and hash-table code the domain modules call.

Each kernel does one mechanical job with numpy (no Python work per item) and has a plain
version it must agree with; the property tests in ``tests/kernels/`` check them against
each other. Domain modules (``qualkit.coding``) read as the rules they implement and call
these for the heavy lifting. Private: the interface may change with any release.

- :mod:`.joins`: ``"s-e;s-e"`` evidence strings and ``;``-joined cue labels for groups of
  rows, built as one byte buffer (plain version: :func:`qualkit.coding.spans.format_spans`
  and ``";".join``).
- :mod:`.surfaces`: the packed hash index from token surfaces to word-type ids and the
  code-point classification of a text (plain version: :func:`qualkit.text.tokenize` and
  a dict).
- :mod:`.codings_read`: a project's codings as packed SQL aggregates parsed by numpy
  (plain version: rows as tuples and :func:`qualkit.project.frames.codings_frame`).
"""
