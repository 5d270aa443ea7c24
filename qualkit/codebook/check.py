"""Check a codebook against its own examples, and find codes whose cues collide.

Every example in the codebook is run through the compiled matcher: a positive example
must be coded with its code, a negative one must not (for a code without cues, a hit on
any of its descendants counts). Collisions are pairs of unrelated codes (neither is the
other's ancestor) that share a cue pattern (an error: the same words would always
carry both codes) or that both fire on one code's positive example (a warning worth a
look: often fine, e.g. a factor and a stage).

``CheckReport.ok`` is true when every example gives the expected result and no two
unrelated codes share a cue pattern. ``qualkit codebook check FILE`` prints the report
and exits 1 when it is not ok.

Example
-------
>>> from qualkit.codebook.model import Codebook, Code, Cue, Example
>>> code = Code(id="fear", name="Fear", cues=(Cue("takut"),),
...             examples=(Example("Saya ketakutan."), Example("Saya tidak takut.", positive=False)))
>>> report = check_codebook(Codebook(name="d", codes=(code,)))
>>> report.ok, len(report.examples)
(True, 2)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from qualkit.codebook.model import Codebook
from qualkit.coding.tokens import tokenize

EXAMPLE_COLUMNS = ("code_id", "text", "lang", "expected", "got", "ok", "codes")
COLLISION_COLUMNS = ("code_a", "code_b", "kind", "detail", "severity")


@dataclass(frozen=True)
class CheckReport:
    """Result of :func:`check_codebook`.

    ``examples``: one row per example, columns ``code_id, text, lang, expected, got, ok,
    codes`` (``codes``: every code the example triggered, ``;``-joined).
    ``collisions``: ``code_a, code_b, kind`` (``pattern`` or ``example``), ``detail``,
    ``severity`` (``error`` or ``warning``).
    """

    codebook: str
    examples: pd.DataFrame
    collisions: pd.DataFrame

    @property
    def failures(self) -> pd.DataFrame:
        """The examples that did not give the expected result."""
        return self.examples.loc[~self.examples["ok"]]

    @property
    def ok(self) -> bool:
        """True when every example passes and no unrelated codes share a cue pattern."""
        errors = (self.collisions["severity"] == "error").any() if len(self.collisions) else False
        return bool(self.examples["ok"].all()) and not errors

    def __str__(self) -> str:
        n, bad = len(self.examples), len(self.failures)
        lines = [f"codebook {self.codebook}: {n - bad}/{n} examples ok"
                 + ("" if self.ok else "  -> NOT OK")]
        for row in self.failures.itertuples():
            want = "should be coded" if row.expected else "should NOT be coded"
            lines.append(f"  FAIL {row.code_id}: {row.text!r} ({row.lang}) {want}; "
                         f"got codes: {row.codes or '-'}")
        errors = self.collisions.loc[self.collisions["severity"] == "error"] if len(self.collisions) else self.collisions
        for row in errors.itertuples():
            lines.append(f"  COLLISION {row.code_a} / {row.code_b}: {row.detail}")
        warnings = len(self.collisions) - len(errors)
        if warnings:
            lines.append(f"  {warnings} example overlap(s) between unrelated codes (warnings; see .collisions)")
        if self.ok:
            lines.append("  all checks passed")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = f"<pre>{self}</pre>"
        return head + (self.failures.to_html(index=False) if len(self.failures) else "")


def _ancestors(book: Codebook, code_id: str) -> set[str]:
    out: set[str] = set()
    current = book.code(code_id).parent
    while current is not None and current not in out and current in book:
        out.add(current)
        current = book.code(current).parent
    return out


def check_codebook(book: Codebook, *, cache_dir: Any = None) -> CheckReport:
    """Run every example of ``book`` through its matcher and look for cue collisions.

    ``cache_dir``: the stemmers' disk cache (default: memory only).
    """
    from qualkit.coding.matcher import alternatives, compile_codebook

    matcher = compile_codebook(book, cache_dir=cache_dir)
    ancestors = {c.id: _ancestors(book, c.id) for c in book.codes}
    rows, overlaps = [], []
    for c in book.codes:
        for ex in c.examples:
            hit = matcher.codes_in(ex.text, lang=ex.lang)
            with_parents = set(hit).union(*(ancestors[h] for h in hit)) if hit else set()
            got = c.id in with_parents
            rows.append({"code_id": c.id, "text": ex.text, "lang": ex.lang, "expected": ex.positive,
                         "got": got, "ok": got == ex.positive, "codes": ";".join(sorted(hit))})
            if ex.positive:
                for other in sorted(hit):
                    related = other == c.id or other in ancestors[c.id] or c.id in ancestors[other]
                    if not related:
                        overlaps.append({"code_a": c.id, "code_b": other, "kind": "example",
                                         "detail": f"positive example {ex.text!r} also codes {other}",
                                         "severity": "warning"})
    owners: dict[tuple, list[str]] = {}
    for c in book.codes:
        for cue in c.cues:
            if cue.exclude:
                continue
            alts = alternatives(cue.pattern) if cue.kind != "regex" else [cue.pattern]
            for alt in alts:
                norm = " ".join(t[2] for t in tokenize(alt)) if cue.kind != "regex" else alt
                key = (cue.kind, cue.match, cue.lang, norm, (cue.near or "").casefold(), cue.window if cue.near else 0)
                if c.id not in owners.setdefault(key, []):
                    owners[key].append(c.id)
    for key, ids in owners.items():
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                if b in ancestors[a] or a in ancestors[b]:
                    continue
                overlaps.append({"code_a": a, "code_b": b, "kind": "pattern",
                                 "detail": f"both have the {key[0]} cue {key[3]!r} ({key[2]})",
                                 "severity": "error"})
    examples = pd.DataFrame(rows, columns=list(EXAMPLE_COLUMNS)).astype(
        {"expected": bool, "got": bool, "ok": bool})
    collisions = pd.DataFrame(overlaps, columns=list(COLLISION_COLUMNS))
    return CheckReport(codebook=book.name, examples=examples, collisions=collisions)


__all__ = ["CheckReport", "check_codebook"]
