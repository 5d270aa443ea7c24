"""Memos on codes and on passages: a researcher's notes kept beside the codings.

A :class:`Memo` is attached to a code (``target_kind="code"``, ``target_id`` a code id)
or to a passage (``target_kind="passage"``, ``target_id`` a passage id). A
:class:`MemoBook` is an immutable collection of memos whose methods return new books;
its tidy table has the columns ``target_kind, target_id, author, text, created``
(``created`` is an ISO 8601 timestamp string).

Example
-------
>>> book = MemoBook().note("code", "ind_inhibit_fear", author="rina",
...                        text="Fear of the recruiters, not of the law.", created="2024-03-01T10:00:00+00:00")
>>> book.to_frame()[["target_kind", "target_id", "author"]].values.tolist()
[['code', 'ind_inhibit_fear', 'rina']]
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from qualkit._io import atomic_write, write_csv
from qualkit.errors import LoadError, Problem, QualkitError, ValidationError

__all__ = ["Memo", "MemoBook", "MEMO_COLUMNS", "TARGET_KINDS"]

MEMO_COLUMNS = ("target_kind", "target_id", "author", "text", "created")
TARGET_KINDS = ("code", "passage")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Memo:
    """One memo on a code or a passage.

    >>> Memo("passage", "a.txt#p2", author="rina", text="Hesitant.", created="2024-03-01").target_kind
    'passage'
    """

    target_kind: str
    target_id: str
    author: str = ""
    text: str = ""
    created: str = field(default_factory=_now)

    def __post_init__(self) -> None:
        if self.target_kind not in TARGET_KINDS:
            raise QualkitError(
                f"The 'target_kind' parameter of Memo must be one of {TARGET_KINDS}; "
                f"got {self.target_kind!r} instead"
            )
        for name in ("target_id", "author", "text", "created"):
            value = getattr(self, name)
            if not isinstance(value, str):
                raise QualkitError(f"memo {name} must be a string; got {type(value).__name__}",
                                   hint=f"pass {name} as text")
        if not self.target_id:
            raise QualkitError("a memo needs a target_id (a code id or passage id)")
        if not self.text.strip():
            raise QualkitError(f"memo on {self.target_kind} {self.target_id!r} has no text",
                               hint="write the memo's text")


@dataclass(frozen=True)
class MemoBook:
    """Memos in the order written; methods return new books, never mutate."""

    memos: tuple[Memo, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "memos", tuple(self.memos))

    def __len__(self) -> int:
        return len(self.memos)

    def __iter__(self):
        return iter(self.memos)

    def add(self, memo: Memo) -> MemoBook:
        """Return a new book with ``memo`` appended (an identical memo is not added twice)."""
        if not isinstance(memo, Memo):
            raise QualkitError(f"MemoBook.add takes a Memo; got {type(memo).__name__}",
                               hint="use MemoBook.note(kind, target_id, author=..., text=...)")
        if memo in self.memos:
            return self
        return replace(self, memos=self.memos + (memo,))

    def note(self, target_kind: str, target_id: str, *, author: str, text: str,
             created: str | None = None) -> MemoBook:
        """Return a new book with a memo built from these fields (``created``: now, UTC)."""
        memo = Memo(target_kind, target_id, author=author, text=text, created=created or _now())
        return self.add(memo)

    def remove(self, target_kind: str, target_id: str, *, author: str | None = None,
               created: str | None = None) -> MemoBook:
        """Return a new book without the memos on that target (optionally only one author's
        or the one created at ``created``)."""
        def hit(m: Memo) -> bool:
            return (m.target_kind == target_kind and m.target_id == target_id
                    and (author is None or m.author == author)
                    and (created is None or m.created == created))

        kept = tuple(m for m in self.memos if not hit(m))
        if len(kept) == len(self.memos):
            raise QualkitError(f"no memo on {target_kind} {target_id!r}"
                               + (f" by {author!r}" if author else ""),
                               hint="check the targets with memobook.to_frame()")
        return replace(self, memos=kept)

    def about(self, target_kind: str, target_id: str) -> tuple[Memo, ...]:
        """The memos on one code or passage."""
        return tuple(m for m in self.memos if m.target_kind == target_kind and m.target_id == target_id)

    def check(self, *, codebook=None, corpus=None) -> None:
        """Raise ValidationError listing every memo whose code or passage does not exist."""
        problems = []
        passage_ids = {p.id for p in corpus.passages} if corpus is not None else None
        for i, m in enumerate(self.memos):
            if m.target_kind == "code" and codebook is not None and m.target_id not in codebook:
                problems.append(Problem(f"memo #{i} is on unknown code {m.target_id!r}", where=m.target_id,
                                        hint="rename the target or add the code"))
            if m.target_kind == "passage" and passage_ids is not None and m.target_id not in passage_ids:
                problems.append(Problem(f"memo #{i} is on unknown passage {m.target_id!r}", where=m.target_id,
                                        hint="passage ids depend on the unit; reload with the same unit"))
        if problems:
            raise ValidationError(problems)

    # -- frames and files -------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """Tidy table: ``target_kind, target_id, author, text, created``."""
        rows = [(m.target_kind, m.target_id, m.author, m.text, m.created) for m in self.memos]
        return pd.DataFrame(rows, columns=list(MEMO_COLUMNS), dtype="object")

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> MemoBook:
        """Build a book from a table with the memo columns."""
        missing = [c for c in MEMO_COLUMNS if c not in frame.columns]
        if missing:
            raise QualkitError(f"memo table lacks column(s) {missing}",
                               hint=f"a memo table needs {', '.join(MEMO_COLUMNS)}")
        memos = []
        for rec in frame[list(MEMO_COLUMNS)].fillna("").astype(str).to_dict(orient="records"):
            memos.append(Memo(**rec))
        return cls(memos=tuple(memos))

    def _repr_html_(self) -> str:
        return f"<p><b>MemoBook</b>: {len(self)} memo(s)</p>" + self.to_frame().to_html(index=False)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the memos atomically as CSV or JSON (a list of rows); return the path."""
        target = Path(path)
        suffix = target.suffix.lower()
        if suffix == ".csv":
            return write_csv(self.to_frame(), target)
        if suffix == ".json":
            rows = self.to_frame().to_dict(orient="records")
            atomic_write(target, json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
            return target
        raise QualkitError(f"cannot save memos as {suffix or 'a file without suffix'!r}",
                           path=str(target), hint="use a .csv or .json file name")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> MemoBook:
        """Read memos written by :meth:`save`."""
        source = Path(path)
        suffix = source.suffix.lower()
        if not source.exists():
            raise LoadError("file not found", path=str(source), hint="check the path")
        try:
            if suffix == ".csv":
                frame = pd.read_csv(source, dtype=str, keep_default_na=False)
            elif suffix == ".json":
                frame = pd.DataFrame.from_records(json.loads(source.read_text(encoding="utf-8")),
                                                  columns=list(MEMO_COLUMNS))
            else:
                raise LoadError(f"cannot read memos from a {suffix or 'suffix-less'} file",
                                path=str(source), hint="use a .csv or .json file")
        except (ValueError, pd.errors.ParserError, UnicodeDecodeError, TypeError) as err:
            raise LoadError(f"could not parse memos: {err}", path=str(source),
                            hint="check the file was written by MemoBook.save") from err
        try:
            return cls.from_frame(frame)
        except QualkitError as err:
            raise LoadError(err.message, path=str(source), hint=err.hint) from err
