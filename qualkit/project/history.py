"""The change log: writing it, and undo/redo per coder read from it.

Every change to a coding appends one ``log`` row holding the coding's snapshot before and
after (``None`` where the coding did not exist). The rows one action writes share an
``action_id``. Undo and redo are actions too: they append rows whose ``undoes`` names the
action they reverse or repeat, so the log is never edited and replays the whole story.

A coder's undo stack is read from their own rows only, so nobody can undo someone else's
action. Undo reverses field by field: it restores only the fields the action changed, and
only if they still hold what the action wrote. When another coder has since changed one of
them (or changed a coding the action added), undo raises :class:`ProjectConflictError` and
changes nothing: silently overwriting a colleague's decision would be worse than an error.

>>> stack([(1, "add", None), (2, "add", None), (3, "undo", 2)])
([1], [2])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from qualkit.errors import QualkitError
from qualkit.project import schema as S

SNAPSHOT_FIELDS = (
    "doc", "passage", "start", "end", "spans", "cue", "code_id", "coder", "method",
    "status", "confidence", "codebook", "memo", "created", "modified",
)
"""The columns of a coding kept in the log's ``before``/``after`` snapshots, in the order
of the compact JSON list the log stores."""

ACTIONS = ("add", "remove", "change", "status", "import", "undo", "redo")


class ProjectConflictError(QualkitError):
    """An undo or redo would overwrite a change made since by someone else."""


def snapshot(row: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The logged columns of a coding row (None stays None)."""
    return None if row is None else {f: row[f] for f in SNAPSHOT_FIELDS}


def encode(snap: Mapping[str, Any] | None) -> list[Any] | None:
    """A snapshot as the compact JSON list stored in the log.

    >>> decode(encode({f: i for i, f in enumerate(SNAPSHOT_FIELDS)}))["codebook"]
    11
    """
    return None if snap is None else [snap[f] for f in SNAPSHOT_FIELDS]


def decode(stored: Sequence[Any] | None) -> dict[str, Any] | None:
    """The snapshot dict of a stored log list."""
    return None if stored is None else dict(zip(SNAPSHOT_FIELDS, stored))


def stack(actions: Sequence[tuple[int, str, int | None]]) -> tuple[list[int], list[int]]:
    """Undo and redo stacks (action ids, last = next) from one coder's ``(action_id,
    action, undoes)`` triples in log order."""
    done: list[int] = []
    undone: list[int] = []
    for action_id, action, target in actions:
        if action == "undo":
            if done and done[-1] == target:
                done.pop()
                undone.append(target)
        elif action == "redo":
            if undone and undone[-1] == target:
                undone.pop()
                done.append(target)
        else:
            done.append(action_id)
            undone.clear()
    return done, undone


def coder_stack(conn: sa.Connection, coder: str) -> tuple[list[int], list[int]]:
    """The undo and redo stacks of ``coder`` in the database."""
    rows = conn.execute(
        sa.select(S.log.c.action_id, S.log.c.action, S.log.c.undoes)
        .where(S.log.c.coder == coder).distinct().order_by(S.log.c.action_id)
    ).all()
    return stack([tuple(r) for r in rows])  # type: ignore[misc]


def append(conn: sa.Connection, coder: str, action: str,
           changes: Sequence[tuple[int, dict[str, Any] | None, dict[str, Any] | None]],
           *, undoes: int | None = None, at: int | None = None) -> int:
    """Append one action's rows ``(coding_id, before, after)`` to the log; return its id."""
    at = S.now_us() if at is None else at
    first = conn.execute(sa.insert(S.log).values(
        action_id=0, at=at, coder=coder, action=action, coding_id=changes[0][0],
        before=encode(changes[0][1]), after=encode(changes[0][2]), undoes=undoes,
    )).inserted_primary_key[0]
    conn.execute(sa.update(S.log).where(S.log.c.id == first).values(action_id=first))
    rest = [{"action_id": first, "at": at, "coder": coder, "action": action, "coding_id": cid,
             "before": encode(b), "after": encode(a), "undoes": undoes} for cid, b, a in changes[1:]]
    if rest:
        conn.execute(sa.insert(S.log), rest)
    return int(first)


def _current(conn: sa.Connection, coding_id: int) -> dict[str, Any] | None:
    row = conn.execute(sa.select(S.codings).where(S.codings.c.id == coding_id)).mappings().first()
    return None if row is None else dict(row)


def _conflict(coding_id: int, now: Mapping[str, Any] | None, coder: str, verb: str) -> ProjectConflictError:
    what = "was removed" if now is None else "was changed"
    return ProjectConflictError(
        f"cannot {verb} for {coder!r}: coding {coding_id} {what} by someone else since",
        hint=f"look at project.history() for coding {coding_id} and change it directly",
    )


def apply_change(conn: sa.Connection, coding_id: int, expect: dict[str, Any] | None,
                 target: dict[str, Any] | None, *, coder: str, verb: str,
                 at: int) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Move coding ``coding_id`` from state ``expect`` to ``target``; return the snapshots
    (before, after) to log. Raises ProjectConflictError if someone changed it meanwhile."""
    now = _current(conn, coding_id)
    if expect is None:  # bring back a removed coding
        if now is not None:
            raise _conflict(coding_id, now, coder, verb)
        values = dict(target or {}, modified=at)
        conn.execute(sa.insert(S.codings).values(id=coding_id, **values))
        return None, values
    if now is None:
        raise _conflict(coding_id, now, coder, verb)
    if target is None:  # remove a coding the action added: only if nobody touched it since
        if any(now[f] != expect[f] for f in SNAPSHOT_FIELDS if f != "modified"):
            raise _conflict(coding_id, now, coder, verb)
        conn.execute(sa.delete(S.codings).where(S.codings.c.id == coding_id))
        return snapshot(now), None
    fields = [f for f in SNAPSHOT_FIELDS if f != "modified" and expect[f] != target[f]]
    if any(now[f] != expect[f] for f in fields):
        raise _conflict(coding_id, now, coder, verb)
    values = {f: target[f] for f in fields}
    values["modified"] = at
    conn.execute(sa.update(S.codings).where(S.codings.c.id == coding_id).values(**values))
    return snapshot(now), dict(snapshot(now) or {}, **values)


def reverse(conn: sa.Connection, coder: str, *, redo: bool) -> int:
    """Undo (or redo) ``coder``'s last action; return the id of the action reversed.

    Call inside a write transaction.
    """
    verb = "redo" if redo else "undo"
    done, undone = coder_stack(conn, coder)
    pending = undone if redo else done
    if not pending:
        raise QualkitError(f"{coder!r} has nothing to {verb}",
                           hint="undo and redo act on this coder's own changes only")
    target = pending[-1]
    rows = conn.execute(
        sa.select(S.log.c.coding_id, S.log.c.before, S.log.c.after)
        .where(S.log.c.action_id == target).order_by(S.log.c.id)
    ).all()
    steps = [(r.coding_id, decode(r.after), decode(r.before)) for r in reversed(rows)] if not redo else \
        [(r.coding_id, decode(r.before), decode(r.after)) for r in rows]
    at = S.now_us()
    changes = []
    for coding_id, expect, goal in steps:
        before, after = apply_change(conn, coding_id, expect, goal, coder=coder, verb=verb, at=at)
        changes.append((coding_id, before, after))
    append(conn, coder, verb, changes, undoes=target, at=at)
    return target
