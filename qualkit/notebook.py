"""Coded passages with their evidence highlighted, for Jupyter (``_repr_html_``).

:class:`Highlights` shows each coded passage with the coded spans in the code's colour
(the codebook's ``color`` when set, else a fixed palette), a legend of the codes shown,
and the passage's source (document, speaker). Overlapping spans get the colour of the
first code and an underline; hovering shows every code.

Example
-------
>>> from qualkit.corpus import Corpus, Document, Passage
>>> from qualkit.coding.frame import codings_frame
>>> doc = Document(id="a.txt", text="Saya takut sekali.", source_type="interview")
>>> corpus = Corpus(documents=(doc,), passages=(Passage("a.txt", "a.txt#p1", 0, 18).with_text(doc),))
>>> codings = codings_frame([{"passage_id": "a.txt#p1", "doc_id": "a.txt", "code_id": "fear",
...     "start": 5, "end": 10, "coder": "auto", "method": "auto"}])
>>> "<mark" in Highlights(corpus, codings)._repr_html_()
True
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import pandas as pd

from qualkit.codebook.model import Codebook
from qualkit.corpus import Corpus
from qualkit.coding.spans import evidence_spans
from qualkit.errors import QualkitError

PALETTE = (
    "#a6cee3", "#fdbf6f", "#b2df8a", "#fb9a99", "#cab2d6", "#ffff99", "#8dd3c7",
    "#bebada", "#fccde5", "#d9d9d9", "#ccebc5", "#ffed6f", "#80b1d3", "#fdb462",
)
"""Light colours that keep black text readable."""


def _spans(row: Any) -> tuple[tuple[int, int], ...]:
    spans = getattr(row, "spans", "")
    return evidence_spans(spans if isinstance(spans, str) else "", int(row.start), int(row.end))


@dataclass(frozen=True)
class Highlights:
    """Coded passages of a corpus with the evidence of each coding highlighted.

    Parameters
    ----------
    corpus : the corpus the codings refer to.
    codings : a codings table (``qualkit.code(...)``, manual or merged codings).
    codebook : optional; gives code names and colours.
    codes : only these code ids (default: all).
    limit : at most this many passages are shown (in corpus order).
    span : ``"evidence"`` marks the coded spans (cue matches, manual spans);
        ``"passage"`` marks the whole passage of each coding.
    """

    corpus: Corpus
    codings: pd.DataFrame
    codebook: Codebook | None = None
    codes: tuple[str, ...] | None = None
    limit: int = 30
    span: str = "evidence"

    def __post_init__(self) -> None:
        if self.span not in ("evidence", "passage"):
            raise QualkitError(f"The 'span' parameter of Highlights must be 'evidence' or 'passage'; got {self.span!r} instead")
        if self.codes is not None:
            object.__setattr__(self, "codes", tuple(self.codes))

    def colors(self) -> dict[str, str]:
        """Code id -> colour for the codes shown (codebook colour first, then the palette)."""
        ids = list(dict.fromkeys(self._rows()["code_id"].astype(str)))
        if self.codebook is not None:
            order = [c.id for c in self.codebook.codes]
            ids = [c for c in order if c in ids] + [c for c in ids if c not in order]
        out = {}
        for i, cid in enumerate(ids):
            color = None
            if self.codebook is not None and cid in self.codebook:
                color = self.codebook.code(cid).color
            out[cid] = color or PALETTE[i % len(PALETTE)]
        return out

    def _rows(self) -> pd.DataFrame:
        rows = self.codings
        if self.codes is not None:
            rows = rows[rows["code_id"].isin(self.codes)]
        return rows

    def _name(self, code_id: str) -> str:
        if self.codebook is not None and code_id in self.codebook:
            return self.codebook.code(code_id).name
        return code_id

    def passages(self) -> list[tuple[Any, list[tuple[int, int, str]]]]:
        """``(passage, [(start, end, code_id), ...])`` for the coded passages shown, with
        offsets relative to the passage text."""
        by_passage: dict[str, list[tuple[int, int, str]]] = {}
        for row in self._rows().itertuples(index=False):
            by_passage.setdefault(row.passage_id, [])
            if self.span == "passage":
                by_passage[row.passage_id].append((-1, -1, str(row.code_id)))
            else:
                for a, b in _spans(row):
                    by_passage[row.passage_id].append((a, b, str(row.code_id)))
        out = []
        for p in self.corpus.passages:
            if p.id not in by_passage:
                continue
            marks = []
            for a, b, cid in by_passage[p.id]:
                if a < 0:
                    a, b = p.start, p.end
                a, b = max(a, p.start) - p.start, min(b, p.end) - p.start
                if a < b:
                    marks.append((a, b, cid))
            out.append((p, marks))
            if len(out) >= self.limit:
                break
        return out

    def _render(self, text: str, marks: list[tuple[int, int, str]], colors: dict[str, str]) -> str:
        cuts = sorted({0, len(text), *[a for a, _, _ in marks], *[b for _, b, _ in marks]})
        pieces = []
        for a, b in zip(cuts, cuts[1:]):
            covering = [cid for (s, e, cid) in marks if s <= a and b <= e]
            chunk = html.escape(text[a:b])
            if covering:
                ids = list(dict.fromkeys(covering))
                title = html.escape(", ".join(self._name(c) for c in ids))
                underline = "text-decoration:underline;" if len(ids) > 1 else ""
                pieces.append(f'<mark style="background:{colors[ids[0]]};{underline}padding:0 1px" '
                              f'title="{title}">{chunk}</mark>')
            else:
                pieces.append(chunk)
        return "".join(pieces)

    def _repr_html_(self) -> str:
        colors = self.colors()
        shown = self.passages()
        legend = " ".join(
            f'<span style="background:{c};padding:1px 6px;margin-right:4px;border-radius:3px">'
            f'{html.escape(self._name(cid))}</span>' for cid, c in colors.items()
        )
        parts = [f'<div class="qualkit-highlights"><p><b>Legend</b>: {legend or "(no codings)"}</p>']
        for p, marks in shown:
            who = f", {html.escape(p.speaker)}" if p.speaker else ""
            codes = ", ".join(html.escape(self._name(c)) for c in dict.fromkeys(m[2] for m in marks))
            parts.append(
                '<div style="margin:6px 0;padding:4px 8px;border-left:3px solid #999">'
                f'<div style="font-size:85%;color:#555">{html.escape(p.doc_id)}{who} &middot; {codes}</div>'
                f"<div>{self._render(p.text, marks, colors)}</div></div>"
            )
        total = self._rows()["passage_id"].nunique()
        if total > len(shown):
            parts.append(f"<p><i>{len(shown)} of {total} coded passages shown (limit={self.limit}).</i></p>")
        parts.append("</div>")
        return "".join(parts)
