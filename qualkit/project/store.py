"""A durable coding project: a corpus, its codebook and every coding decision, in a database.

Every method that changes something is one transaction, committed before it returns:
there is no save step, and a crashed kernel loses nothing it was told was done. Several
processes (two notebooks, a team on a PostgreSQL server) may code one project at once.

>>> import tempfile, pathlib
>>> from qualkit.corpus import Corpus, Document, Passage
>>> from qualkit.codebook.model import Code, Codebook
>>> doc = Document(id="a.txt", text="P: Halo.\\nK: Saya takut.", source_type="interview")
>>> corpus = Corpus(documents=(doc,), passages=(Passage("a.txt", "a.txt#p2", 12, 24).with_text(doc),))
>>> book = Codebook(name="demo", codes=(Code(id="fear", name="Fear"),))
>>> path = pathlib.Path(tempfile.mkdtemp()) / "study.qkproj"
>>> project = Project.create(path, corpus, book)
>>> cid = project.add_coding("a.txt", 17, 23, "fear", coder="rina")
>>> project.codings()[["passage_id", "code_id", "start", "end", "coder", "status"]].values.tolist()
[['a.txt#p2', 'fear', 17, 23, 'rina', 'accepted']]
>>> project.undo("rina")
>>> len(open_project(path).codings())
0
"""

from __future__ import annotations

import bisect
import html
import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from qualkit._kernels import codings_read as K
from qualkit.codebook.model import Codebook
from qualkit.corpus import Corpus, Document
from qualkit.coding.spans import SpanError, parse_spans
from qualkit.errors import QualkitError, check_param
from qualkit.project import frames as F
from qualkit.project import history as H
from qualkit.project import rows as R
from qualkit.project import schema as S
from qualkit.project import snapshot

PROJECT_COLUMNS = F.PROJECT_COLUMNS
HISTORY_COLUMNS = F.HISTORY_COLUMNS


class ProjectError(QualkitError):
    """A project cannot be created or opened, or an action on it is not possible."""


@contextmanager
def _reached(where: str) -> Iterator[None]:
    """Turn a failure to connect to or read the database into a ProjectError."""
    try:
        yield
    except sa.exc.OperationalError as err:
        if S.is_url(where):
            raise ProjectError(f"cannot reach the database ({type(err.orig).__name__})", path=where,
                               hint="check that the server runs and the URL, user and password") from None
        raise ProjectError(f"not a readable project database ({err.orig})", path=where,
                           hint="give a file made by qualkit.Project.create") from err
    except sa.exc.DatabaseError as err:
        raise ProjectError(f"not a readable project database ({err.orig})", path=where,
                           hint="give a file made by qualkit.Project.create") from err


def _label(path_or_url: str | os.PathLike[str]) -> str:
    if not S.is_url(path_or_url):
        return str(path_or_url)
    try:  # never print a password
        return sa.engine.make_url(str(path_or_url)).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return str(path_or_url).split("://")[0] + "://..."


class Project:
    """A coding project stored in SQLite (a file path) or PostgreSQL (a ``postgresql://`` URL).

    Make one with :meth:`create` or :meth:`open` (``qualkit.open_project``). Codings are
    read back with :meth:`codings` as the codings table that analysis, agreement and the
    REFI-QDA export take.
    """

    def __init__(self, engine: sa.Engine, *, where: str) -> None:
        self._engine = engine
        self.where = where
        self._corpus: Corpus | None = None
        self._codebook: tuple[str, Codebook, int] | None = None
        self._keys: F.Keys | None = None
        # the last codings() frame, keyed on (log position, filters, codebook versions):
        # every change to a coding appends to the log, whatever process makes it
        self._cached: tuple[tuple[Any, ...], pd.DataFrame] | None = None

    # -- creating and opening --------------------------------------------------------------
    @classmethod
    def create(cls, path_or_url: str | os.PathLike[str], corpus: Corpus, codebook: Codebook) -> Project:
        """Create a new project holding ``corpus`` and ``codebook``; refuse to overwrite one.

        ``path_or_url`` is a file path (SQLite) or a ``postgresql://user@host/db`` URL of
        an empty database.
        """
        if not isinstance(corpus, Corpus) or not isinstance(codebook, Codebook):
            raise ProjectError("Project.create needs a Corpus and a Codebook",
                               hint="load them with qualkit.load_corpus and qualkit.load_codebook")
        where = _label(path_or_url)
        if not S.is_url(path_or_url):
            if Path(path_or_url).exists():
                raise ProjectError("a file already exists here", path=where,
                                   hint="open it with qualkit.open_project, or choose a new path")
            if not Path(path_or_url).resolve().parent.is_dir():
                raise ProjectError("the folder of the project file does not exist", path=where,
                                   hint="create the folder first, or choose another path")
        doc_key = {d.id: i for i, d in enumerate(corpus.documents, start=1)}
        doc_rows = [R.document_row(d, doc_key[d.id]) for d in corpus.documents]  # checked before
        passage_rows = [R.passage_row(p, i, doc_key[p.doc_id])                   # anything is written
                        for i, p in enumerate(corpus.passages, start=1)]
        engine = S.make_engine(S.database_url(path_or_url))
        try:
            with _reached(where), S.writing(engine) as conn:  # one transaction: all or nothing
                if S.current_version(conn):
                    raise ProjectError("the database already holds a qualkit project", path=where,
                                       hint="open it with qualkit.open_project, or give an empty database")
                S.install(conn)
                at = S.now_us()
                conn.execute(sa.insert(S.meta), [{"key": "unit", "value": corpus.unit},
                                                  {"key": "created", "value": str(at)}])
                conn.execute(sa.insert(S.documents), doc_rows)
                if passage_rows:
                    conn.execute(sa.insert(S.passages), passage_rows)
                _store_codebook(conn, codebook, at)
        except BaseException:
            engine.dispose()
            if not S.is_url(path_or_url):  # the file is ours: leave no empty project behind
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{path_or_url}{suffix}").unlink(missing_ok=True)
            raise
        return cls(engine, where=where)

    @classmethod
    def open(cls, path_or_url: str | os.PathLike[str]) -> Project:
        """Open an existing project (upgrading its schema when an older qualkit wrote it)."""
        where = _label(path_or_url)
        if not S.is_url(path_or_url) and not Path(path_or_url).is_file():
            raise ProjectError("no project file here", path=where,
                               hint="check the path, or make one with qualkit.Project.create")
        engine = S.make_engine(S.database_url(path_or_url))
        with _reached(where), S.reading(engine) as conn:
            found = S.current_version(conn)
        if not found:
            raise ProjectError("this database holds no qualkit project", path=where,
                               hint="make one with qualkit.Project.create")
        S.upgrade(engine)
        return cls(engine, where=where)

    def close(self) -> None:
        """Close the database connections (the project stays as written)."""
        self._engine.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Project({self.where!r})"

    # -- what the project holds ----------------------------------------------------------
    def corpus(self) -> Corpus:
        """The corpus as stored (documents with the text as analysed, and passages)."""
        if self._corpus is None:
            with S.reading(self._engine) as conn:
                unit = conn.execute(sa.select(S.meta.c.value).where(S.meta.c.key == "unit")).scalar_one()
                docs = conn.execute(sa.select(S.documents).order_by(S.documents.c.key)).mappings().all()
                found = conn.execute(sa.select(S.passages).order_by(S.passages.c.key)).mappings().all()
            self._corpus = R.corpus_from_rows(list(docs), list(found), unit)
            self._keys = F.Keys.of(docs, found)
        return self._corpus

    def _codec(self) -> F.Keys:
        """Integer keys of documents, passages and codebook versions <-> their ids."""
        self.corpus()
        assert self._keys is not None
        with S.reading(self._engine) as conn:
            books = conn.execute(sa.select(S.codebooks.c.key, S.codebooks.c.hash)).all()
        return self._keys.with_codebooks(books)

    def document(self, doc_id: str) -> Document:
        """One stored document (ProjectError naming the known ids if absent)."""
        corpus = self.corpus()
        try:
            return corpus.document(doc_id)
        except (KeyError, TypeError):
            known = [d.id for d in corpus.documents[:5]]
            raise ProjectError(f"no document {doc_id!r} in the project", path=self.where,
                               hint=f"use a doc_id of project.corpus() (e.g. {known})") from None

    def codebook(self) -> Codebook:
        """The current codebook (the version stored last)."""
        return self._book()[1]

    def _book(self) -> tuple[str, Codebook, int]:
        """(hash, codebook, key) of the current version; parsed once per version."""
        with S.reading(self._engine) as conn:
            latest = conn.execute(sa.select(S.codebooks.c.hash, S.codebooks.c.key)
                                  .order_by(S.codebooks.c.seq.desc()).limit(1)).one()
            if self._codebook is None or self._codebook[0] != latest.hash:
                text = conn.execute(sa.select(S.codebooks.c.yaml)
                                    .where(S.codebooks.c.key == latest.key)).scalar_one()
                book = R.codebook_from_yaml(text, where=f"{self.where} codebook")
                self._codebook = (latest.hash, book, latest.key)
        return self._codebook

    def codebooks(self) -> pd.DataFrame:
        """Every codebook version: ``hash, seq, created, yaml`` (oldest first)."""
        with S.reading(self._engine) as conn:
            rows = conn.execute(sa.select(S.codebooks).order_by(S.codebooks.c.seq)).mappings().all()
        frame = pd.DataFrame([dict(r) for r in rows], columns=["key", "hash", "seq", "yaml", "created"])
        frame["created"] = pd.to_datetime(frame["created"], unit="us", utc=True)
        return frame[["hash", "seq", "created", "yaml"]]

    def set_codebook(self, codebook: Codebook) -> str:
        """Store a new codebook version (new codings refer to it); return its hash.

        Existing codings keep the hash of the version they were made with.
        """
        with S.writing(self._engine) as conn:
            _store_codebook(conn, codebook, S.now_us())
        return codebook.hash

    # -- coding ----------------------------------------------------------------------------
    def add_coding(self, doc_id: str, start: int, end: int, code_id: str, *, coder: str,
                   memo: str | None = None, method: str = "manual", status: str = "accepted",
                   confidence: float | None = None) -> int:
        """Apply ``code_id`` to ``document.text[start:end]``; return the new coding's id.

        Offsets are code points into the stored text, end exclusive. The coding belongs to
        the passage where the span starts. ``confidence`` defaults to 1.0 for manual codings.
        """
        book = self._book()
        row = self._coding_row(doc_id, start, end, code_id, coder=coder, memo=memo, method=method,
                               status=status, confidence=confidence, book=book)
        with S.writing(self._engine) as conn:
            _check_codebook_current(conn, book[0])
            new_id = conn.execute(sa.insert(S.codings).values(**row)).inserted_primary_key[0]
            H.append(conn, coder, "add", [(int(new_id), None, H.snapshot(row))], at=row["created"])
        return int(new_id)

    def add_codings(self, frame: pd.DataFrame, *, coder: str, status: str = "proposed",
                    method: str | None = None) -> list[int]:
        """Import a codings table (auto-coding, suggestions, another tool's codings) at once.

        Every row is checked first (document, offsets, code id); one bad row stores
        nothing. Rows keep their ``coder``, ``method``, ``cue``, ``confidence`` and
        ``memo`` columns (``method=`` overrides). ``coder`` is who imports: the import is
        one action in their log, undone by one ``undo``. Returns the new ids in row order.
        """
        _check_name(coder, "add_codings")
        check_param("Project.add_codings", "status", status, options=S.STATUSES)
        if method is not None:
            check_param("Project.add_codings", "method", method, options=S.METHODS)
        missing = [c for c in ("doc_id", "start", "end", "code_id") if c not in frame.columns]
        if missing:
            raise ProjectError(f"the codings table lacks column(s) {missing}",
                               hint="give a codings table (see qualkit.coding.frame)")
        book = self._book()
        at = S.now_us()
        prepared = []
        for i, rec in enumerate(frame.to_dict("records")):
            try:
                row = self._coding_row(
                    rec["doc_id"], _int(rec["start"]), _int(rec["end"]), rec["code_id"],
                    coder=str(rec.get("coder") or coder), memo=_text(rec.get("memo")),
                    method=method or str(rec.get("method") or "imported"), status=status,
                    confidence=_number(rec.get("confidence")), book=book, at=at)
                made_with = _text(rec.get("codebook_hash"))
                if made_with and made_with != book[0]:
                    raise ProjectError(
                        f"it was made with codebook {made_with}, the project's is {book[0]}",
                        hint="code again with project.codebook(), or store that codebook first "
                             "with project.set_codebook")
                row["spans"] = _extra_spans(_text(rec.get("spans")), row["start"], row["end"],
                                            len(self.document(rec["doc_id"]).text))
            except QualkitError as err:
                raise ProjectError(f"codings row {i}: {err.message}", path=self.where, hint=err.hint) from err
            row["cue"] = _text(rec.get("cue"))
            prepared.append(row)
        if not prepared:
            return []
        with S.writing(self._engine) as conn:
            _check_codebook_current(conn, book[0])
            inserted = conn.execute(sa.insert(S.codings).returning(S.codings.c.id, sort_by_parameter_order=True),
                                    prepared)
            ids = [int(i) for i in inserted.scalars()]
            H.append(conn, coder, "import", [(i, None, r) for i, r in zip(ids, prepared)], at=at)
        return ids

    def remove_coding(self, coding_id: int, *, coder: str) -> None:
        """Remove a coding (kept in the log; ``undo`` brings it back with the same id)."""
        _check_name(coder, "remove_coding")
        with S.writing(self._engine) as conn:
            now = self._row(conn, coding_id)
            conn.execute(sa.delete(S.codings).where(S.codings.c.id == coding_id))
            H.append(conn, coder, "remove", [(coding_id, H.snapshot(now), None)])

    def change_coding(self, coding_id: int, *, coder: str, code_id: str | None = None,
                      memo: str | None = None, start: int | None = None, end: int | None = None) -> None:
        """Change a coding's code, memo or span (only the arguments given)."""
        _check_name(coder, "change_coding")
        changes: dict[str, Any] = {}
        if code_id is not None:
            _, book, key = self._book()
            self._check_code(code_id, book)
            changes.update(code_id=code_id, codebook=key)  # judged with the current codebook
        if memo is not None:
            changes["memo"] = _check_memo(memo)
        self._update(coding_id, coder, "change", changes, span=(start, end))

    def set_status(self, coding_id: int, status: str, *, coder: str) -> None:
        """Accept or reject a coding (``proposed``, ``accepted`` or ``rejected``)."""
        _check_name(coder, "set_status")
        check_param("Project.set_status", "status", status, options=S.STATUSES)
        self._update(coding_id, coder, "status", {"status": status})

    def undo(self, coder: str) -> None:
        """Undo ``coder``'s last action not yet undone (never another coder's).

        Raises ProjectConflictError, changing nothing, when someone else has since
        changed what that action wrote.
        """
        _check_name(coder, "undo")
        with S.writing(self._engine) as conn:
            H.reverse(conn, coder, redo=False)

    def redo(self, coder: str) -> None:
        """Redo ``coder``'s last undone action (possible until they make a new change)."""
        _check_name(coder, "redo")
        with S.writing(self._engine) as conn:
            H.reverse(conn, coder, redo=True)

    # -- memos -----------------------------------------------------------------------------
    def add_memo(self, text: str, *, coder: str, doc_id: str | None = None,
                 code_id: str | None = None, coding_id: int | None = None) -> int:
        """Store a memo about the project, a document, a code or a coding; return its id."""
        _check_name(coder, "add_memo")
        if doc_id is not None:
            self.document(doc_id)
        if code_id is not None:
            self._check_code(code_id, self.codebook())
        at = S.now_us()
        with S.writing(self._engine) as conn:
            return int(conn.execute(sa.insert(S.memos).values(
                text=_check_memo(text), coder=coder, doc=None if doc_id is None else self._codec().doc_key[doc_id],
                code_id=code_id,
                coding_id=coding_id, created=at, modified=at)).inserted_primary_key[0])

    def memos(self) -> pd.DataFrame:
        """Every memo: ``id, doc_id, code_id, coding_id, coder, text, created, modified``."""
        with S.reading(self._engine) as conn:
            rows = conn.execute(sa.select(S.memos).order_by(S.memos.c.id)).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=list(S.memos.c.keys()))
        frame["doc"] = [None if pd.isna(k) else self._codec().doc_ids[int(k)] for k in frame["doc"]]
        frame = frame.rename(columns={"doc": "doc_id"})
        for col in ("created", "modified"):
            frame[col] = pd.to_datetime(frame[col].astype("int64"), unit="us", utc=True)
        return frame

    # -- reading ---------------------------------------------------------------------------
    def codings(self, coders: str | list[str] | None = None, status: str | list[str] | None = None,
                *, documents: str | list[str] | None = None) -> pd.DataFrame:
        """The codings as a codings table (see :data:`PROJECT_COLUMNS`), sorted by
        ``doc_id, start, code_id, coder, id``.

        ``coders``, ``status`` and ``documents`` keep only those coders / statuses /
        doc_ids (one or a list); ``status="accepted"`` is what an analysis should use, and
        ``documents=doc_id`` what a view of one transcript needs (read through an index).
        """
        codec = self._codec()
        where = self._filters(codec, coders, status, documents)
        asked = (tuple(_as_list(coders)) if coders is not None else None,
                 tuple(_as_list(status)) if status is not None else None,
                 tuple(_as_list(documents)) if documents is not None else None)
        every = None  # all codings at `position`, when read whole (for the snapshot)
        with S.reading(self._engine) as conn:
            position = int(conn.execute(sa.select(sa.func.max(S.log.c.id))).scalar() or 0)
            if self._cached is not None and self._cached[0] == (position, asked, codec.codebooks):
                return self._cached[1].copy(deep=False)  # copy-on-write: the caller's edits stay theirs
            found = snapshot.load(conn, position) if documents is None else None
            if found is not None:  # a large project: its snapshot plus the codings changed since
                every, changed = found
                columns = snapshot.wanted(every, *(None if a is None else list(a) for a in asked[:2]))
                every = every if changed >= snapshot.REFRESH else None
            else:
                columns = self._read_table(conn, where)
                every = columns if not where else None
        if every is not None and len(every) >= snapshot.MIN_ROWS:
            whole = columns is every
            every = F.sort_columns(every, codec)  # stored sorted: the next read need not sort
            columns = every if whole else columns
            snapshot.save(self._engine, every, position)
        frame = F.frame_of_columns(columns, codec)
        self._cached = ((position, asked, codec.codebooks), frame)
        return frame.copy(deep=False)

    @staticmethod
    def _read_table(conn: sa.Connection, where: list[sa.ColumnElement[bool]]) -> F.Columns:
        """The codings matching ``where``, read from the table itself."""
        columns = K.read_columns(conn, where)
        if columns is None:  # too many distinct codes or coders to pack: the plain way
            result = conn.execute(sa.select(*(S.codings.c[c] for c in F.SELECT)).where(*where))
            columns = F.columns_of_rows(result.cursor.fetchall())  # plain tuples, no Row objects
        return columns

    def _filters(self, codec: F.Keys, coders: str | list[str] | None, status: str | list[str] | None,
                 documents: str | list[str] | None) -> list[sa.ColumnElement[bool]]:
        """The WHERE clauses of ``codings()``'s filters (checked)."""
        where = []
        if coders is not None:
            where.append(S.codings.c.coder.in_(_as_list(coders)))
        if status is not None:
            wanted = _as_list(status)
            for s in wanted:
                check_param("Project.codings", "status", s, options=S.STATUSES)
            where.append(S.codings.c.status.in_(wanted))
        if documents is not None:
            for doc_id in _as_list(documents):
                self.document(doc_id)
            where.append(S.codings.c.doc.in_([codec.doc_key[d] for d in _as_list(documents)]))
        return where

    def last_change(self) -> int:
        """The id of the newest log row (0 for none): poll it to see changes made by other
        kernels or machines, e.g. to refresh a view."""
        with S.reading(self._engine) as conn:
            return int(conn.execute(sa.select(sa.func.max(S.log.c.id))).scalar() or 0)

    def history(self, coding_id: int | None = None) -> pd.DataFrame:
        """The change log (oldest first): ``id, action_id, at, coder, action, coding_id,
        before, after, undoes``; ``before``/``after`` are the coding's snapshots (dicts)."""
        query = sa.select(*(S.log.c[c] for c in HISTORY_COLUMNS)).order_by(S.log.c.id)
        if coding_id is not None:
            query = query.where(S.log.c.coding_id == coding_id)
        with S.reading(self._engine) as conn:
            rows = conn.execute(query).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=list(HISTORY_COLUMNS))
        codec = self._codec()
        for col in ("before", "after"):
            frame[col] = [codec.readable(H.decode(v)) for v in frame[col]]
        frame["at"] = pd.to_datetime(frame["at"].astype("int64"), unit="us", utc=True)
        return frame

    def _repr_html_(self) -> str:
        with S.reading(self._engine) as conn:
            counts = dict(conn.execute(sa.select(S.codings.c.status, sa.func.count())
                                       .group_by(S.codings.c.status)).all())
            coders = conn.execute(sa.select(sa.func.count(sa.distinct(S.codings.c.coder)))).scalar()
        summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "none"
        return (f"<p><b>Project</b> {html.escape(self.where)}: {len(self.corpus().documents)} documents, "
                f"{sum(counts.values())} codings ({summary}) by {coders} coder(s), "
                f"codebook {self._book()[0]}</p>")

    # -- internals -------------------------------------------------------------------------
    def _coding_row(self, doc_id: Any, start: int, end: int, code_id: Any, *, coder: str,
                    memo: str | None, method: str, status: str, confidence: float | None,
                    book: tuple[str, Codebook], at: int | None = None) -> dict[str, Any]:
        _check_name(coder, "add_coding")
        check_param("Project.add_coding", "method", method, options=S.METHODS)
        check_param("Project.add_coding", "status", status, options=S.STATUSES)
        if not isinstance(doc_id, str):
            raise ProjectError(f"doc_id must be a document id (text); got {doc_id!r}")
        doc = self.document(doc_id)
        for name, value in (("start", start), ("end", end)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ProjectError(f"{name} must be an integer offset; got {value!r}", path=doc_id)
        if not 0 <= start < end <= len(doc.text):
            raise ProjectError(
                f"span {start}-{end} is empty or outside the text (0-{len(doc.text)})", path=doc_id,
                hint="give code-point offsets into project.document(doc_id).text with start < end")
        self._check_code(code_id, book[1])
        if confidence is not None and not 0 <= confidence <= 1:
            raise ProjectError(f"confidence must be in [0, 1]; got {confidence!r}", path=doc_id)
        at = S.now_us() if at is None else at
        assert self._keys is not None  # set by self.document()
        return {"doc": self._keys.doc_key[doc_id], "passage": self._passage_of(doc_id, start, end),
                "start": start, "end": end, "spans": None, "cue": "",
                "code_id": code_id, "coder": coder, "method": method, "status": status,
                "confidence": 1.0 if confidence is None and method == "manual" else confidence,
                "codebook": book[2], "memo": _check_memo(memo or ""),
                "created": at, "modified": at}

    def _passage_of(self, doc_id: str, start: int, end: int) -> int:
        assert self._keys is not None
        spans = self._keys.offsets.get(doc_id, ())
        # passages are in text order: look at the one starting at or before ``start`` first
        i = max(bisect.bisect_right(self._keys.starts.get(doc_id, ()), start) - 1, 0)
        for p_start, p_end, key in itertools.chain(spans[i:i + 1], spans):
            if p_start <= start < p_end or (start < p_start < end):
                return key
        raise ProjectError(f"span {start}-{end} lies in no passage of the document", path=doc_id,
                           hint="select text inside a turn or paragraph (not a speaker label or gap)")

    @staticmethod
    def _check_code(code_id: Any, book: Codebook) -> None:
        if not isinstance(code_id, str) or code_id not in book:
            known = ", ".join(c.id for c in book.codes[:6])
            raise ProjectError(f"code {code_id!r} is not in codebook {book.name!r} ",
                               hint=f"use one of its code ids ({known}, ...) or add the code with "
                                    "project.set_codebook")

    def _row(self, conn: sa.Connection, coding_id: Any) -> dict[str, Any]:
        if isinstance(coding_id, bool) or not isinstance(coding_id, int):
            raise ProjectError(f"a coding id is an integer; got {coding_id!r}")
        row = conn.execute(sa.select(S.codings).where(S.codings.c.id == coding_id)).mappings().first()
        if row is None:
            raise ProjectError(f"no coding {coding_id} in the project", path=self.where,
                               hint="take ids from project.codings()['id'] (it may have been removed)")
        return dict(row)

    def _update(self, coding_id: int, coder: str, action: str, changes: dict[str, Any],
                span: tuple[int | None, int | None] = (None, None)) -> None:
        with S.writing(self._engine) as conn:
            now = self._row(conn, coding_id)
            if span != (None, None):
                start = now["start"] if span[0] is None else span[0]
                end = now["end"] if span[1] is None else span[1]
                checked = self._coding_row(self._codec().doc_ids[now["doc"]], start, end, changes.get("code_id", now["code_id"]),
                                           coder=coder, memo=None, method="manual", status="accepted",
                                           confidence=None, book=self._book())
                changes.update({k: checked[k] for k in ("start", "end", "spans", "passage")})
            changes = {k: v for k, v in changes.items() if now[k] != v}
            if not changes:
                return
            changes["modified"] = S.now_us()
            conn.execute(sa.update(S.codings).where(S.codings.c.id == coding_id).values(**changes))
            H.append(conn, coder, action, [(coding_id, H.snapshot(now), H.snapshot({**now, **changes}))],
                     at=changes["modified"])


def _store_codebook(conn: sa.Connection, book: Codebook, at: int) -> None:
    digest = book.hash
    exists = conn.execute(sa.select(S.codebooks.c.seq).where(S.codebooks.c.hash == digest)).first()
    last = conn.execute(sa.select(sa.func.max(S.codebooks.c.seq))).scalar() or 0
    if exists is not None:
        if exists.seq != last:  # an older version becomes current again
            conn.execute(sa.update(S.codebooks).where(S.codebooks.c.hash == digest).values(seq=last + 1))
        return
    key = (conn.execute(sa.select(sa.func.max(S.codebooks.c.key))).scalar() or 0) + 1
    conn.execute(sa.insert(S.codebooks).values(key=key, hash=digest, seq=last + 1,
                                               yaml=R.codebook_yaml(book), created=at))


def _check_codebook_current(conn: sa.Connection, book_hash: str) -> None:
    latest = conn.execute(sa.select(S.codebooks.c.hash).order_by(S.codebooks.c.seq.desc()).limit(1)).scalar()
    if latest != book_hash:
        raise ProjectError(f"the codebook changed while coding (now {latest}, was {book_hash})",
                           hint="repeat the action: it will be checked against the new codebook")


def _extra_spans(spans: str, start: int, end: int, length: int) -> str | None:
    """Stored ``spans`` of an imported coding: None for the one span ``start-end``."""
    if not spans or spans == f"{start}-{end}":
        return None
    try:
        pairs = list(parse_spans(spans))
    except SpanError:
        pairs = [()]
    if any(len(p) != 2 or not 0 <= p[0] < p[1] <= length for p in pairs):
        raise ProjectError(f"spans {spans!r} are not start-end offsets inside the text (0-{length})",
                           hint="write spans as 'start-end;start-end' with start < end")
    return spans


def _check_name(coder: Any, where: str) -> None:
    if not isinstance(coder, str) or not coder.strip():
        raise ProjectError(f"{where} needs coder= (a non-empty name or initials); got {coder!r}",
                           hint="say who is coding, e.g. coder='rina'")


def _check_memo(memo: Any) -> str:
    if not isinstance(memo, str):
        raise ProjectError(f"a memo must be text; got {type(memo).__name__}")
    return memo


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _int(value: Any) -> int:
    if hasattr(value, "item"):
        value = value.item()
    return value  # type: ignore[no-any-return]


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return float(value)


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def open_project(path_or_url: str | os.PathLike[str]) -> Project:
    """Open an existing project: ``qualkit.open_project("study.qkproj")`` (= :meth:`Project.open`)."""
    return Project.open(path_or_url)
