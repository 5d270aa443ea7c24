"""The coding view: read a transcript, select text, apply a code; every action stored.

:class:`CodingView` is an `anywidget <https://anywidget.dev>`_ (JupyterLab, Notebook 7,
VS Code, Colab; no build step): a document list, the transcript with its speaker turns,
codings as highlights and the codebook tree with shortcuts. Each action the browser
sends (:meth:`CodingView.handle`) is written to the :class:`~qualkit.Project` at once.

>>> import qualkit
>>> view = qualkit.widgets.CodingView(qualkit.open_project("study.qkproj"), coder="rina")  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import traitlets

from qualkit.errors import QualkitError, check_param
from qualkit.privacy import Redactor
from qualkit.project import Project
from qualkit.widgets.payload import Screen, codebook_changes, codes_panel

STATIC = Path(__file__).resolve().parent / "static"


def prepare_redactor(project: Project, redact: bool | Redactor) -> Redactor | None:
    """The fitted Redactor of the view (``True``: qualkit's default one), or None."""
    if redact is False:
        return None
    redactor = Redactor() if redact is True else redact
    if not isinstance(redactor, Redactor):
        check_param("CodingView", "redact", redact, rule="True, False or a qualkit.privacy.Redactor", ok=False)
    if not hasattr(redactor, "edits_"):
        redactor.fit(project.corpus())
    return redactor


def shown_edits(redactor: Redactor | None, doc: Any) -> tuple:
    """The redactor's edits of ``doc`` (none without a redactor), checked to fit its text."""
    if redactor is None:
        return ()
    try:
        return redactor.edits_of(doc)
    except QualkitError as err:
        raise QualkitError(f"the Redactor was not fitted on the project's text of {doc.id!r}",
                           hint="pass an unfitted Redactor (the view fits it on project.corpus()) or "
                                "one fitted on project.corpus()") from err


class CodingView(anywidget.AnyWidget):
    """Code a project's documents by hand in a notebook.

    Parameters
    ----------
    project : the :class:`~qualkit.Project` every action is written to.
    coder : who codes (the name stored with each coding and used for undo).
    blind : show only ``coder``'s own codings (no other coders, no auto-coding).
    redact : show redacted text (default); a fitted or unfitted Redactor to use its
        settings; ``False`` shows the original text. Offsets are always stored in the
        original text: a selection touching a replaced name covers the whole name.
    document : the doc_id to open first (default: the first document).

    Keys in the browser: select text and press a code's key (1-9, letters) or click the
    code; click a highlight, then ``x`` removes it, a code key changes its code, ``m``
    adds a memo, ``a``/``r`` accept/reject a proposed coding; ``n`` selects the next
    proposed coding; ``z`` undoes your last action; ``/`` searches the codebook.

    Changes made elsewhere (codings by other kernels or machines, a new codebook version)
    show when the browser polls (every 5 s) or on :meth:`refresh`; codes that shown codings
    use but the current codebook lacks stay listed in ``codes``, flagged ``missing``.
    """

    _esm = STATIC / "coding_view.js"
    _css = STATIC / "coding_view.css"

    coder = traitlets.Unicode("").tag(sync=True)
    blind = traitlets.Bool(False).tag(sync=True)
    redacted = traitlets.Bool(True).tag(sync=True)
    documents = traitlets.List().tag(sync=True)
    doc = traitlets.Int(0).tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    blocks = traitlets.List().tag(sync=True)
    highlights = traitlets.List().tag(sync=True)
    codes = traitlets.List().tag(sync=True)
    selected = traitlets.Int(-1).tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)

    def __init__(self, project: Project, *, coder: str, blind: bool = False,
                 redact: bool | Redactor = True, document: str | None = None) -> None:
        if not isinstance(project, Project):
            check_param("CodingView", "project", project, rule="a qualkit.Project", ok=False)
        if not isinstance(coder, str) or not coder.strip():
            raise QualkitError(f"The 'coder' parameter of CodingView must be a non-empty str; got {coder!r} instead.")
        super().__init__(coder=coder, blind=bool(blind), redacted=redact is not False)
        self.project = project
        self._redactor = prepare_redactor(project, redact)
        corpus = project.corpus()
        if not corpus.documents:
            raise QualkitError(f"the project {project.where} holds no documents to code",
                               hint="create it from a corpus with documents (qualkit.load_corpus)")
        self._doc_ids = [d.id for d in corpus.documents]
        self._screens: dict[str, Screen] = {}
        self._book = project.codebook()
        self._seen = self._version()
        self.documents = [{"label": self._label(d.id), "title": self._redact(d.title or ""),
                           "kind": d.source_type or ""} for d in corpus.documents]
        self.on_msg(lambda _widget, content, _buffers: self.handle(content))
        self.open_document(document if document is not None else self._doc_ids[0])

    # -- what is shown ---------------------------------------------------------------------
    def _redact(self, text: str) -> str:
        return self._redactor.redact_text(text) if self._redactor and text else text

    def _label(self, doc_id: str) -> str:
        return self._redactor.redact_id(doc_id) if self._redactor else doc_id

    def screen(self, doc_id: str | None = None) -> Screen:
        """The open (or given) document as shown on screen."""
        doc_id = self.doc_id if doc_id is None else doc_id
        if doc_id not in self._screens:
            doc = self.project.document(doc_id)
            self._screens[doc_id] = Screen.of(doc, shown_edits(self._redactor, doc))
        return self._screens[doc_id]

    @property
    def doc_id(self) -> str:
        """The id of the open document."""
        return self._doc_ids[self.doc]

    def open_document(self, doc_id: str) -> None:
        """Show document ``doc_id``."""
        self.project.document(doc_id)  # a clear error for an unknown id
        screen = self.screen(doc_id)
        with self.hold_sync():
            self.doc = self._doc_ids.index(doc_id)
            self.text = screen.shown.shown
            self.blocks = screen.blocks(self.project.corpus().passages_of(doc_id), self._redact)
            self.selected = -1
            self.message = self._reread()  # a new document: the status line starts afresh

    def _version(self) -> tuple[int, Any]:
        """What a poll compares: the newest log row and the current codebook version."""
        return self.project.last_change(), self.project.codebook()

    def refresh(self) -> None:
        """Read the open document's codings and the codebook again (after changes made
        elsewhere: other kernels or machines coding, a new codebook version).

        The code list and its shortcuts follow the current codebook; codes that the shown
        codings use but the codebook lacks stay listed, flagged ``missing``.
        """
        news = self._reread()
        if news:
            self.message = news

    def _reread(self) -> str:
        """:meth:`refresh` without the status line; what changed in the codebook, in words."""
        version = self._version()
        news = codebook_changes(self._book, version[1]) if version[1] != self._book else ""
        self._book = version[1]
        codings = self.project.codings(documents=self.doc_id)
        shown = self.screen().highlights(codings, coder=self.coder, blind=self.blind, memo=self._redact)
        with self.hold_sync():
            self.codes = codes_panel(self._book, [h[3] for h in shown])  # blind: only own codes
            self.highlights = shown
        self._seen = version
        return news

    @traitlets.observe("blind")
    def _blind_changed(self, _change: Any) -> None:
        if getattr(self, "project", None) is not None and self._doc_ids:
            self.refresh()

    # -- actions (what the browser sends) --------------------------------------------------
    def handle(self, message: dict[str, Any]) -> None:
        """Do one action sent by the browser; a problem is shown in the view's status line.

        Messages: ``{"type": "open", "doc": k}``, ``{"type": "add", "start": u, "end": u,
        "code": code_id}`` (UTF-16 offsets in the shown text), ``{"type": "remove", "id": i}``,
        ``{"type": "recode", "id": i, "code": code_id}``, ``{"type": "memo", "id": i,
        "memo": text}``, ``{"type": "status", "id": i, "status": "accepted"}``,
        ``{"type": "undo"}``, ``{"type": "redo"}``, ``{"type": "poll"}``.
        """
        kind = message.get("type")
        try:
            done = self._do(kind, message)
        except QualkitError as err:  # shown; a change made elsewhere (a code removed) shows too
            done = f"⚠ {err.message}" + (f" ({err.hint})" if err.hint else "")
        news = self._reread() if kind != "poll" or self._version() != self._seen else ""
        if done is not None or news:
            self.message = " · ".join(m for m in (done, news) if m)

    def _do(self, kind: Any, m: dict[str, Any]) -> str | None:
        p, who = self.project, self.coder
        if kind == "open":
            self.open_document(self._doc_ids[int(m["doc"])])
            return None
        if kind == "add":
            return self.add(int(m["start"]), int(m["end"]), str(m["code"]))
        if kind == "remove":
            p.remove_coding(int(m["id"]), coder=who)
            self.selected = -1
            return "coding removed (z to undo)"
        if kind == "recode":
            p.change_coding(int(m["id"]), coder=who, code_id=str(m["code"]))
            return f"code changed to {m['code']}"
        if kind == "memo":
            p.change_coding(int(m["id"]), coder=who, memo=str(m["memo"]))
            return "memo saved"
        if kind == "status":
            p.set_status(int(m["id"]), str(m["status"]), coder=who)
            return f"coding {m['status']}"
        if kind in ("undo", "redo"):
            (p.undo if kind == "undo" else p.redo)(who)
            return f"{kind} done"
        if kind == "poll":
            return None
        raise QualkitError(f"unknown action {kind!r} from the browser",
                           hint="reload the view: its JavaScript may be older than qualkit")

    def add(self, start16: int, end16: int, code_id: str) -> str:
        """Code the shown text between UTF-16 offsets ``start16:end16``; the status text."""
        a, b = self.screen().to_original(min(start16, end16), max(start16, end16))
        a = self._into_passage(a, b)
        if a >= b:
            raise QualkitError("select some text first, then press a code's key")
        self.selected = self.project.add_coding(self.doc_id, a, b, code_id, coder=self.coder)
        return f"coded {b - a} characters as {code_id}"

    def _into_passage(self, start: int, end: int) -> int:
        """``start``, moved to the first passage's start when a selection begins before it
        (on a speaker label, a blank line, a form's field name: a triple-click on a turn)."""
        spans = sorted((p.start, p.end) for p in self.project.corpus().passages_of(self.doc_id))
        if any(s <= start < e for s, e in spans):
            return start
        later = [s for s, _ in spans if start < s < end]
        return later[0] if later else start

    def code_phrase(self, phrase: str, code_id: str, *, occurrence: int = 1) -> int:
        """Code the ``occurrence``-th ``phrase`` in the open document's shown text, exactly
        as selecting it with the mouse and pressing the code's key does; return the id.

        For scripts and notebooks that must run unattended (and for keyboard-only use).
        """
        check_param("CodingView.code_phrase", "occurrence", occurrence, rule="an int >= 1",
                    ok=isinstance(occurrence, int) and occurrence >= 1)
        i = -1
        for _ in range(occurrence):
            i = self.text.find(phrase, i + 1) if phrase else -1
            if i < 0:
                raise QualkitError(f"{phrase!r} is not shown {occurrence} time(s) in {self._label(self.doc_id)}",
                                   hint="phrases are matched in the shown (redacted) text")
        units = self.screen().units
        self.handle({"type": "add", "start": units.units(i), "end": units.units(i + len(phrase)), "code": code_id})
        if self.message.startswith("⚠"):
            raise QualkitError(self.message[2:])
        return self.selected

