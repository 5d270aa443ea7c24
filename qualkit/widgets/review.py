"""The review queue: accept or reject a code's machine codings, most uncertain first.

:class:`ReviewQueue` lists the auto-coded and suggested passages of one code as
keyword-in-context rows. Rows where the auto-coder and the suggester disagree come first,
then those whose suggester probability is nearest 0.5. Each decision is stored in the
project at once (``set_status``); the view then shows the auto-coder's precision on
what has been reviewed with a Wilson interval, and refits the suggester on the accepted
codings so that the order of what is left follows what was learnt.

>>> wilson_interval(8, 10)
(0.49..., 0.94...)
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

import anywidget
import numpy as np
import pandas as pd
import traitlets

from qualkit.coding.suggest import CodeSuggester
from qualkit.errors import QualkitError, check_param
from qualkit.privacy import Redactor
from qualkit.project import Project
from qualkit.widgets.payload import MACHINE, Screen
from qualkit.widgets.view import STATIC, prepare_redactor, shown_edits

__doctest_optionflags__ = ["ELLIPSIS"]


def wilson_interval(successes: int, n: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion ``successes / n`` (``(nan, nan)`` for n = 0).

    >>> [round(x, 3) for x in wilson_interval(8, 10)]
    [0.49, 0.943]
    """
    if n <= 0:
        return (math.nan, math.nan)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = 0.0 if successes == 0 else max(0.0, centre - half)   # exact at the bounds
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (low, high)


def precision_of(codings: pd.DataFrame, code_id: str) -> dict[str, Any]:
    """The auto-coder's precision for ``code_id`` on its reviewed codings.

    ``reviewed`` counts auto codings accepted or rejected; ``precision`` is the share
    accepted, ``low``/``high`` its 95% Wilson interval (None before any review).
    """
    auto = codings[(codings["code_id"] == code_id) & (codings["method"] == "auto")]
    accepted = int((auto["status"] == "accepted").sum())
    reviewed = accepted + int((auto["status"] == "rejected").sum())
    low, high = wilson_interval(accepted, reviewed)
    return {"reviewed": reviewed, "accepted": accepted,
            "precision": accepted / reviewed if reviewed else None,
            "low": None if math.isnan(low) else low, "high": None if math.isnan(high) else high}


class ReviewQueue(anywidget.AnyWidget):
    """Review the auto-coded and suggested codings of one code, one key per decision.

    Parameters
    ----------
    project : the :class:`~qualkit.Project` the decisions are written to.
    code : the code id to review.
    coder : who reviews (stored in the log with each decision).
    redact : redacted text (default), a Redactor, or ``False``.
    context : characters of context shown each side of a passage.
    refit : refit the suggester on the accepted codings after each decision (the
        order of the rows left follows); ``False``: only on demand (:meth:`refit`, key f).
    min_examples : the suggester learns the code once it has this many accepted passages.

    Keys: ``a`` accept, ``r`` reject, ``s`` skip, ``j``/``k`` next/previous row, ``f`` refit.
    Decisions and codebook versions made elsewhere (other kernels or machines) show when
    the browser polls (:meth:`follow`); a code removed from the codebook keeps its rows,
    its name flagged "not in the codebook".
    Attributes: ``suggester_`` (the fitted :class:`~qualkit.coding.suggest.CodeSuggester`
    or None while too few passages are accepted), ``rows`` (the queue).
    """

    _esm = STATIC / "review_queue.js"
    _css = STATIC / "coding_view.css"

    code = traitlets.Unicode("").tag(sync=True)
    code_name = traitlets.Unicode("").tag(sync=True)
    coder = traitlets.Unicode("").tag(sync=True)
    rows = traitlets.List().tag(sync=True)
    current = traitlets.Int(0).tag(sync=True)
    precision = traitlets.Dict().tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)

    def __init__(self, project: Project, *, code: str, coder: str, redact: bool | Redactor = True,
                 context: int = 60, refit: bool = True, min_examples: int = 3) -> None:
        if not isinstance(project, Project):
            check_param("ReviewQueue", "project", project, rule="a qualkit.Project", ok=False)
        book = project.codebook()
        if code not in book:
            raise QualkitError(f"The 'code' parameter of ReviewQueue must be a code id of the project's "
                               f"codebook; got {code!r} instead.", hint=f"e.g. {[c.id for c in book.codes[:3]]}")
        if not isinstance(coder, str) or not coder.strip():
            raise QualkitError(f"The 'coder' parameter of ReviewQueue must be a non-empty str; got {coder!r} instead.")
        check_param("ReviewQueue", "context", context, rule="an int >= 0",
                    ok=isinstance(context, int) and not isinstance(context, bool) and context >= 0)
        super().__init__(code=code, code_name=book.code(code).name, coder=coder)
        self.project = project
        self._seen: tuple[int, Any] = (-1, None)
        self.context, self.auto_refit, self.min_examples = context, bool(refit), min_examples
        self._redactor = prepare_redactor(project, redact)
        self._screens: dict[str, Screen] = {}
        self.suggester_: CodeSuggester | None = None
        self._learner = CodeSuggester(store_features=True)  # refits reuse the corpus's features
        self.on_msg(lambda _widget, content, _buffers: self.handle(content))
        self.refit()

    # -- the queue -------------------------------------------------------------------------
    def refit(self) -> None:
        """Refit the suggester on the project's accepted codings of the code; re-rank."""
        accepted = self.project.codings(status="accepted")
        accepted = accepted[accepted["code_id"] == self.code]
        self.suggester_ = None
        if accepted["passage_id"].nunique() >= self.min_examples:
            self._learner.min_examples = self.min_examples
            self.suggester_ = self._learner.fit(self.project.corpus(), accepted)
        self._rank()

    def _probabilities(self, pending: pd.DataFrame) -> np.ndarray:
        if self.suggester_ is None or self.code not in set(self.suggester_.classes_):
            return pending["confidence"].where(pending["method"] == "suggested").to_numpy(dtype=float)
        probs = self.suggester_.predict_proba(self.project.corpus())[self.code]  # stored features
        return pending["passage_id"].map(probs).to_numpy(dtype=float)

    def follow(self) -> None:
        """Show what changed elsewhere since the last look: the code's name in the current
        codebook (flagged when the code was removed) and the rows, the cursor kept on its row."""
        if (self.project.last_change(), self.project.codebook()) == self._seen:
            return
        keep = self.rows[self.current]["id"] if 0 <= self.current < len(self.rows) else None
        with self.hold_sync():
            self._rank()
            ids = [r["id"] for r in self.rows]
            self.current = ids.index(keep) if keep in ids else 0

    def _rank(self) -> None:
        """Build the rows: pending machine codings of the code, most uncertain first."""
        self._seen = (self.project.last_change(), self.project.codebook())
        book = self._seen[1]
        self.code_name = book.code(self.code).name if self.code in book else f"{self.code} (not in the codebook)"
        codings = self.project.codings()
        mine = codings[(codings["code_id"] == self.code) & codings["method"].isin(MACHINE)]
        pending = mine[mine["status"] == "proposed"].reset_index(drop=True)
        p = self._probabilities(pending)
        auto_passages = set(mine.loc[mine["method"] == "auto", "passage_id"])
        is_auto = (pending["method"] == "auto").to_numpy()
        known = ~np.isnan(p)
        disagree = np.where(is_auto, known & (p < 0.5),
                            ~pending["passage_id"].isin(auto_passages).to_numpy())
        distance = np.where(known, np.abs(p - 0.5), 0.5)
        order = np.lexsort((pending["start"].to_numpy(), distance, ~disagree))
        self.rows = [self._row(pending.iloc[i], p[i], bool(disagree[i])) for i in order]
        self.current = 0
        self.precision = precision_of(codings, self.code)

    def _screen(self, doc_id: str) -> Screen:
        if doc_id not in self._screens:
            doc = self.project.document(doc_id)
            self._screens[doc_id] = Screen.of(doc, shown_edits(self._redactor, doc))
        return self._screens[doc_id]

    def _row(self, rec: pd.Series, p: float, disagree: bool) -> dict[str, Any]:
        screen = self._screen(rec["doc_id"])
        s, e = screen.shown.to_shown(int(rec["start"]), int(rec["end"]))
        text = screen.shown.shown
        match = text[s:e]
        if len(match) > 240:
            match = match[:160] + " … " + match[-60:]
        doc = self._redactor.redact_id(rec["doc_id"]) if self._redactor else rec["doc_id"]
        return {"id": int(rec["id"]), "doc": doc, "method": rec["method"], "status": "proposed",
                "left": text[max(0, s - self.context):s].replace("\n", " "), "match": match.replace("\n", " "),
                "right": text[e:e + self.context].replace("\n", " "),
                "p": None if math.isnan(p) else round(float(p), 3), "disagree": disagree}

    # -- decisions -------------------------------------------------------------------------
    def decide(self, index: int, status: str) -> None:
        """Accept (``"accepted"``) or reject (``"rejected"``) row ``index``; ``"skip"``
        moves on. The decision is stored at once; precision and ranking follow."""
        check_param("ReviewQueue.decide", "status", status, options=("accepted", "rejected", "skip"))
        if not 0 <= index < len(self.rows):
            raise QualkitError(f"no row {index} in the review queue ({len(self.rows)} rows)")
        row = self.rows[index]
        if status != "skip":
            self.project.set_status(row["id"], status, coder=self.coder)
        if status == "skip" or not self.auto_refit:
            rows = [dict(r) for r in self.rows]
            if status != "skip":
                rows[index]["status"] = status
                self.precision = precision_of(self.project.codings(), self.code)
                self._seen = (self.project.last_change(), self._seen[1])  # our own change: shown
            left = [i for i in range(index + 1, len(rows)) if rows[i]["status"] == "proposed"]
            with self.hold_sync():
                self.rows = rows
                self.current = left[0] if left else index
        else:
            self.refit()
        self.message = f"{status} {row['doc']} · {self._summary()}"

    def _summary(self) -> str:
        pr = self.precision
        if not pr.get("reviewed"):
            return "no auto codings reviewed yet"
        return (f"auto-coder precision {pr['precision']:.0%} "
                f"(95% CI {pr['low']:.0%}–{pr['high']:.0%}, {pr['reviewed']} reviewed)")

    def handle(self, message: dict[str, Any]) -> None:
        """Do one action sent by the browser: ``{"type": "decide", "index": i, "status":
        "accepted" | "rejected" | "skip"}``, ``{"type": "refit"}``, ``{"type": "poll"}``."""
        try:
            if message.get("type") == "decide":
                self.decide(int(message["index"]), str(message["status"]))
            elif message.get("type") == "poll":
                self.follow()
            elif message.get("type") == "refit":
                self.refit()
                self.message = "suggester refitted on the accepted codings" if self.suggester_ else \
                    f"fewer than {self.min_examples} accepted passages: nothing to learn yet"
            else:
                raise QualkitError(f"unknown action {message.get('type')!r} from the browser")
        except QualkitError as err:
            self.message = f"⚠ {err.message}"
