"""Code groups and document groups from other QDA tools.

- **Code groups** (ATLAS.ti): a code may sit in groups that cut across the code tree
  ("Themes", "Research 1"). ATLAS.ti writes them in its codebook export (Codes > Export >
  Codebook: ``Code, Comment, Code Group 1, Code Group 2, ...``; a column per group slot,
  the cell holds the group's name) and in the Code Manager list (``Code`` indented by
  leading empty cells and ``●`` bullets, ``Groups``, ``Number of Groups``).
  :func:`read_code_groups` reads either; :func:`apply_code_groups` gives each code of a
  codebook the facet ``group`` (:data:`GROUP_FACET`, values in first-seen order) — the
  way qualkit's tables are grouped — and keeps the codes' comments as descriptions. A code
  in several groups keeps the first as its facet and lists all of them in its memo.
- **Document groups** (MAXQDA's ``Document group`` column and ``.mex`` ``Textgroups``;
  REFI-QDA ``<Set>`` with ``<MemberSource>``) go to the document's metadata under
  :data:`DOCUMENT_GROUP`, and on request (``document_groups_as``) to its informant group
  or case id.

>>> from qualkit.codebook.model import Code
>>> book = Codebook(name="b", codes=(Code(id="t1", name="T1"), Code(id="sub", name="Sub", parent="t1")))
>>> groups = CodeGroups(codes=(("T1",), ("T1", "Sub")), groups={("T1",): ("Themes",), ("T1", "Sub"): ("ATLAS",)})
>>> out = apply_code_groups(book, groups)
>>> out.facets["group"], out.code("sub").facets["group"]
(('Themes', 'ATLAS'), 'ATLAS')
>>> groups.members()
{'Themes': [('T1',)], 'ATLAS': [('T1', 'Sub')]}
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from qualkit.codebook.model import Codebook
from qualkit.errors import ExchangeError
from qualkit.exchange._tables import header_key, read_table
from qualkit.exchange.coded_tables import code_path, split_codes
from qualkit.exchange.segments import DOCUMENT_GROUP, GROUPS_AS, with_document_groups

GROUP_FACET = "group"
"""The facet that holds a code's group (ATLAS.ti code group, REFI code set read by a table)."""
_BULLET = "●"


@dataclass(frozen=True)
class CodeGroups:
    """The code groups of an export: code paths in the export's order, each path's groups
    and comment (``("Theme", "Sub")`` for ATLAS.ti's ``Theme: Sub``)."""

    codes: tuple[tuple[str, ...], ...]
    groups: Mapping[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    comments: Mapping[tuple[str, ...], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "groups", MappingProxyType(dict(self.groups)))
        object.__setattr__(self, "comments", MappingProxyType(dict(self.comments)))

    def members(self) -> dict[str, list[tuple[str, ...]]]:
        """Group name -> its member code paths, groups in first-seen order."""
        out: dict[str, list[tuple[str, ...]]] = {}
        for path in self.codes:
            for group in self.groups.get(path, ()):
                out.setdefault(group, []).append(path)
        return out


def read_code_groups(path: str | os.PathLike[str]) -> CodeGroups:
    """Code groups of an ATLAS.ti codebook export or Code Manager list (csv, xlsx).

    Raises ExchangeError naming the file when the header has neither ``Code Group``
    columns nor a ``Groups`` column.
    """
    source = Path(path)
    header, rows = read_table(source)
    keys = [header_key(h) for h in header]
    slots = [i for i, k in enumerate(keys) if k.startswith("codegroup")]
    if keys and keys[0] == "code" and slots:
        return _from_codebook(rows, slots)
    if keys and keys[0] == "code" and "groups" in keys:
        return _from_code_list(rows, keys, str(source))
    raise ExchangeError(f"the columns {header} hold no code groups", path=str(source), line=1,
                        hint="export the codebook from ATLAS.ti (Code, Comment, Code Group 1, ...) or the "
                             "Code Manager list with its Groups column")


def _from_codebook(rows: list[list[str]], slots: list[int]) -> CodeGroups:
    codes, groups, comments = [], {}, {}
    for row in rows:
        name = row[0].strip() if row else ""
        if not name:
            continue
        path = code_path(name, "atlasti-table")
        codes.append(path)
        groups[path] = tuple(dict.fromkeys(row[i].strip() for i in slots if i < len(row) and row[i].strip()))
        if len(row) > 1 and 1 not in slots and row[1].strip():
            comments[path] = row[1].strip()
    return CodeGroups(codes=tuple(codes), groups=groups, comments=comments)


def _from_code_list(rows: list[list[str]], keys: list[str], where: str) -> CodeGroups:
    """The Code Manager list: the name in the first non-empty leading cell (its depth),
    ``● `` before it; ``Groups`` joined like ATLAS.ti's ``Codes`` cells."""
    at_groups = keys.index("groups")
    at_number = keys.index("numberofgroups") if "numberofgroups" in keys else None
    at_comment = keys.index("comment") if "comment" in keys else None
    codes, groups, comments, stack = [], {}, {}, []
    for line, row in enumerate(rows, start=2):
        depth = next((i for i, cell in enumerate(row[:at_groups]) if cell.strip()), None)
        if depth is None or depth > 2:
            continue
        name = row[depth].strip().removeprefix(_BULLET).strip()
        stack = [*stack[:depth], name]
        path = tuple(stack) if depth else code_path(name, "atlasti-table")
        found = tuple(dict.fromkeys(split_codes(row[at_groups]))) if at_groups < len(row) else ()
        if at_number is not None and at_number < len(row) and row[at_number].strip().isdigit() \
                and int(row[at_number]) != len(found):
            raise ExchangeError(f"code {name!r} lists {len(found)} groups but 'Number of Groups' says "
                                f"{row[at_number]}", path=where, line=line,
                                hint="export the codebook instead (Code, Comment, Code Group 1, ...)")
        codes.append(path)
        groups[path] = found
        if at_comment is not None and at_comment < len(row) and row[at_comment].strip():
            comments[path] = row[at_comment].strip()
    return CodeGroups(codes=tuple(codes), groups=groups, comments=comments)


def _code_paths(book: Codebook) -> dict[str, tuple[str, ...]]:
    by_id = {c.id: c for c in book.codes}
    out = {}
    for code in book.codes:
        chain, at, seen = [], code, set()
        while at is not None and at.id not in seen:
            seen.add(at.id)
            chain.append(at.name)
            at = by_id.get(at.parent) if at.parent else None
        out[code.id] = tuple(reversed(chain))
    return out


def apply_code_groups(book: Codebook, groups: CodeGroups) -> Codebook:
    """``book`` with each code's group as the facet ``group`` (matched by code path), its
    comment as the description where it has none; see the module docstring."""
    paths = _code_paths(book)
    values = tuple(groups.members())
    codes = []
    for code in book.codes:
        found = groups.groups.get(paths[code.id], ())
        changes: dict = {}
        if found:
            changes["facets"] = {**code.facets, GROUP_FACET: found[0]}
        if len(found) > 1:
            note = f"code groups: {', '.join(found)}"
            changes["memo"] = f"{code.memo}\n{note}".strip() if code.memo else note
        comment = groups.comments.get(paths[code.id], "")
        if comment and not code.description:
            changes["description"] = comment
        codes.append(dataclasses.replace(code, **changes) if changes else code)
    facets = {**book.facets, GROUP_FACET: values} if values else dict(book.facets)
    return dataclasses.replace(book, codes=tuple(codes), facets=facets)


__all__ = ["DOCUMENT_GROUP", "GROUPS_AS", "GROUP_FACET", "CodeGroups", "apply_code_groups",
           "read_code_groups", "with_document_groups"]
