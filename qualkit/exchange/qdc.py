"""REFI-QDA codebooks (``.qdc``): write a qualkit Codebook, read any tool's codebook.

How qualkit keeps what REFI-QDA has no place for
------------------------------------------------
* Each ``<Code>`` gets a stable GUID, ``uuid5(QUALKIT_NAMESPACE, "code:<code id>")``, so
  exporting the same codebook twice gives the same GUIDs; the tree comes from
  ``Code.parent``.
* Its ``<Description>`` holds human text first (description, ``Inclusion:``,
  ``Exclusion:``, ``Facets:`` lines, as other tools show it) and then one last line
  ``qualkit: {json}`` with the whole code (id, facets, cues, examples, negation, memo...).
* One ``<Set>`` per facet value (``factor: supporting``) lists the codes that set it, so
  other tools show the facets as code groups; a ``<Set name="qualkit codebook">`` without
  members carries the codebook's own fields (facets in order, labels, negators, code
  order) in its Description's ``qualkit:`` line.
* On import, a file with these blocks is restored exactly: ``read_qdc(write_qdc(book))
  == book``. Files from other tools get code ids made from their names (``Family & home``
  -> ``family_home``; made unique), descriptions from ``<Description>``, colours, and
  their Sets as the facet ``set`` (a code in several sets keeps the first, with a warning).

>>> from qualkit.codebook.model import Code, Codebook
>>> book = Codebook(name="demo", codes=(Code(id="fear", name="Fear"),))
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.qdc"
>>> _ = write_qdc(book, path)
>>> read_qdc(path) == book
True
"""

from __future__ import annotations

import functools

import os
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from qualkit import __version__
from qualkit._io import atomic_write
from qualkit.codebook.model import Code, Codebook, Cue, Example
from qualkit.errors import ExchangeError
from qualkit.exchange._xml import (
    CODEBOOK_NS, attr, child, children, guid_key, parse_xml, root_element, serialise, split_marker,
    stable_guid, sub, text_of, with_marker,
)

META_SET = "qualkit codebook"
"""Name of the Set that carries the codebook's own fields."""

_RGB = re.compile(r"^#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})$")


# -- writing -------------------------------------------------------------------------

@functools.lru_cache(maxsize=65536)
def code_guid(code_id: str) -> str:
    """The stable GUID qualkit writes for a code id.

    >>> code_guid("ind_inhibit_fear") == code_guid("ind_inhibit_fear")
    True
    """
    return stable_guid("code", code_id)


def _plain(obj: Any) -> dict[str, Any]:
    """Fields of a dataclass as plain data, without the ``line`` bookkeeping field."""
    return {f.name: getattr(obj, f.name) for f in fields(obj) if f.name != "line"}


def _code_data(code: Code) -> dict[str, Any]:
    data = _plain(code)
    data["facets"] = dict(code.facets)
    data["cues"] = [_plain(c) for c in code.cues]
    data["examples"] = [_plain(e) for e in code.examples]
    return data


def _code_description(code: Code) -> str:
    lines = [code.description.strip()] if code.description.strip() else []
    if code.inclusion.strip():
        lines.append(f"Inclusion: {code.inclusion.strip()}")
    if code.exclusion.strip():
        lines.append(f"Exclusion: {code.exclusion.strip()}")
    if code.facets:
        lines.append("Facets: " + ", ".join(f"{k}={v}" for k, v in code.facets.items()))
    return with_marker("\n".join(lines), _code_data(code))


def _book_data(book: Codebook) -> dict[str, Any]:
    data = book.to_dict()
    data.pop("codes")
    data["order"] = [c.id for c in book.codes]
    return data


def add_codes(book: Codebook, codes_el: ET.Element) -> None:
    """Append the code tree of ``book`` as ``<Code>`` elements under ``codes_el``."""
    ids = {c.id for c in book.codes}

    def emit(parent_el: ET.Element, code: Code, trail: frozenset[str]) -> None:
        color = code.color if code.color and _RGB.match(code.color) else None
        el = sub(parent_el, "Code", guid=code_guid(code.id), name=code.name or code.id,
                 isCodable="true", color=color)
        sub(el, "Description").text = _code_description(code)
        for kid in book.children(code.id):
            if kid.id not in trail:
                emit(el, kid, trail | {kid.id})

    for code in book.codes:
        if code.parent is None or code.parent not in ids:
            emit(codes_el, code, frozenset({code.id}))


def add_sets(book: Codebook, sets_el: ET.Element, *, member_attr: str) -> None:
    """Append the facet Sets and the codebook Set (``member_attr``: ``guid`` in a .qdc,
    ``targetGUID`` in a project)."""
    for facet, values in book.facets.items():
        for value in values:
            members = [c for c in book.codes if c.facets.get(facet) == value]
            if not members:
                continue
            s = sub(sets_el, "Set", guid=stable_guid("set", f"{facet}={value}"), name=f"{facet}: {value}")
            sub(s, "Description").text = f"Codes whose facet {facet!r} is {value!r}"
            for c in members:
                sub(s, "MemberCode", **{member_attr: code_guid(c.id)})
    meta = sub(sets_el, "Set", guid=stable_guid("codebook", book.name), name=META_SET)
    human = f"qualkit codebook {book.name!r}" + (f" version {book.version}" if book.version else "")
    sub(meta, "Description").text = with_marker(human, _book_data(book))


def write_qdc(book: Codebook, path: str | os.PathLike[str]) -> Path:
    """Write ``book`` as a REFI-QDA codebook (``.qdc``, valid against Codebook.xsd).

    The file is written atomically; see the module docstring for what is kept where.

    >>> from qualkit.codebook.model import Code, Codebook
    >>> import tempfile, pathlib
    >>> out = write_qdc(Codebook(name="d", codes=(Code(id="a", name="A"),)),
    ...                 pathlib.Path(tempfile.mkdtemp()) / "d.qdc")
    >>> out.read_text(encoding="utf-8").count("<Code ")
    1
    """
    if not book.codes:
        raise ExchangeError(f"codebook {book.name!r} has no codes", path=str(path),
                            hint="REFI-QDA codebooks need at least one code")
    root = root_element("CodeBook", CODEBOOK_NS, origin=f"qualkit {__version__}")
    add_codes(book, sub(root, "Codes"))
    add_sets(book, sub(root, "Sets"), member_attr="guid")
    atomic_write(path, serialise(root))
    return Path(path)


# -- reading -------------------------------------------------------------------------

@dataclass(frozen=True)
class CodeTree:
    """A codebook read from REFI-QDA XML plus the GUID bookkeeping an import needs.

    ``code_ids`` maps a normalised GUID (see ``guid_key``) to the code id;
    ``guids`` maps a code id to the GUID as written in the file; ``not_codable`` lists
    the ids of codes marked ``isCodable="false"`` (folders).
    """

    codebook: Codebook
    code_ids: dict[str, str] = field(default_factory=dict)
    guids: dict[str, str] = field(default_factory=dict)
    not_codable: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def slug(name: str) -> str:
    """A code id made from a name: ASCII, lower case, ``_`` between words.

    >>> slug("Family & home"), slug("2. Attitűd szint"), slug("😀")
    ('family_home', 'c_2_attitud_szint', 'code')
    """
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^0-9a-z]+", "_", ascii_text.lower()).strip("_")
    if not text:
        return "code"
    return f"c_{text}" if text[0].isdigit() else text


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    taken.add(candidate)
    return candidate


def _restore_code(data: dict[str, Any], parent: str | None) -> Code:
    data = dict(data)
    data["cues"] = tuple(Cue(**c) for c in data.get("cues", ()))
    data["examples"] = tuple(Example(**e) for e in data.get("examples", ()))
    data.setdefault("parent", parent)
    return Code(**data)


def read_code_tree(codes_el: ET.Element | None, sets_el: ET.Element | None, *, name: str,
                   where: str, origin: str = "") -> CodeTree:
    """Read ``<Codes>`` (and ``<Sets>``) of a codebook or project into a :class:`CodeTree`.

    Raises ExchangeError for a code without a name-or-GUID or a GUID used twice.
    """
    warnings: list[str] = []
    codes: list[Code] = []
    code_ids: dict[str, str] = {}
    guids: dict[str, str] = {}
    not_codable: list[str] = []
    taken: set[str] = set()

    def visit(el: ET.Element, parent: str | None, parent_slug: str) -> None:
        raw_guid = attr(el, "guid") or ""
        if not raw_guid.strip():
            raise ExchangeError(f"a <Code> named {attr(el, 'name')!r} has no guid", path=where,
                                hint="every code needs a guid attribute; export the file again")
        key = guid_key(raw_guid)
        if key in code_ids:
            raise ExchangeError(f"two codes share the guid {raw_guid!r}", path=where,
                                hint="give every code its own guid")
        code_name = attr(el, "name") or raw_guid
        human, data = split_marker(text_of(child(el, "Description")))
        if data is not None and isinstance(data.get("id"), str) and data["id"] not in taken:
            taken.add(data["id"])
            code = _restore_code(data, parent)
        else:
            base = slug(code_name)
            if base in taken and parent is not None:
                base = f"{parent_slug}_{base}"
            color = attr(el, "color")
            code = Code(id=_unique(base, taken), name=code_name, description=human, parent=parent,
                        color=color if color else None)
        codes.append(code)
        code_ids[key] = code.id
        guids[code.id] = raw_guid
        if (attr(el, "isCodable") or "true").strip().lower() in ("false", "0"):
            not_codable.append(code.id)
        for kid in children(el, "Code"):
            visit(kid, code.id, code.id)

    if codes_el is not None:
        for el in children(codes_el, "Code"):
            visit(el, None, "")

    meta, foreign_sets = _read_sets(sets_el, code_ids, where)

    if meta is not None:
        book = _book_from_meta(meta, codes, where)
    else:
        facets: dict[str, tuple[str, ...]] = {}
        set_of: dict[str, str] = {}
        for set_name, members in foreign_sets:
            for cid in members:
                if cid in set_of and set_of[cid] != set_name:
                    warnings.append(f"code {cid!r} is in sets {set_of[cid]!r} and {set_name!r}; "
                                    f"its facet 'set' keeps {set_of[cid]!r}")
                set_of.setdefault(cid, set_name)
        if set_of:
            facets["set"] = tuple(dict.fromkeys(n for n, _ in foreign_sets))
            codes = [
                Code(**{**{k: getattr(c, k) for k in c.__dataclass_fields__},
                        "facets": {**c.facets, "set": set_of[c.id]}}) if c.id in set_of else c
                for c in codes
            ]
        book = Codebook(name=name, codes=tuple(codes), facets=facets,
                        description=f"imported from {origin}" if origin else "")
    return CodeTree(codebook=book, code_ids=code_ids, guids=guids, not_codable=tuple(not_codable),
                    warnings=tuple(warnings))


def _read_sets(sets_el: ET.Element | None, code_ids: Mapping[str, str], where: str
               ) -> tuple[dict[str, Any] | None, list[tuple[str, list[str]]]]:
    """qualkit's own metadata set (None if absent) and every other set with its member code ids."""
    meta: dict[str, Any] | None = None
    foreign_sets: list[tuple[str, list[str]]] = []
    for s in children(sets_el, "Set") if sets_el is not None else []:
        set_name = attr(s, "name") or ""
        _, data = split_marker(text_of(child(s, "Description")))
        if set_name == META_SET and data is not None:
            meta = data
            continue
        members = []
        for m in children(s, "MemberCode"):
            target = guid_key(attr(m, "guid") or attr(m, "targetGUID"))
            if target not in code_ids:
                raise ExchangeError(f"set {set_name!r} lists a code {target!r} that is not in the codebook",
                                    path=where, hint="remove the member or add the code")
            members.append(code_ids[target])
        if members:
            foreign_sets.append((set_name, members))
    return meta, foreign_sets


def _book_from_meta(meta: dict[str, Any], codes: list[Code], where: str) -> Codebook:
    order = {cid: i for i, cid in enumerate(meta.get("order", []))}
    ordered = sorted(codes, key=lambda c: order.get(c.id, len(order)))
    try:
        return Codebook(
            name=meta["name"], codes=tuple(ordered), facets=meta.get("facets", {}),
            languages=tuple(meta.get("languages", ("id", "en"))), description=meta.get("description", ""),
            version=meta.get("version", ""), facet_labels=meta.get("facet_labels", {}),
            negators=meta.get("negators", {}), negation_window=meta.get("negation_window", 3),
        )
    except (KeyError, TypeError) as err:
        raise ExchangeError(f"the '{META_SET}' set's qualkit block is damaged ({err})", path=where,
                            hint="export the codebook again from qualkit") from err


def read_qdc(path: str | os.PathLike[str]) -> Codebook:
    """Read a REFI-QDA codebook (``.qdc``) from any tool into a qualkit Codebook.

    Lenient where files deviate harmlessly (empty ``<Sets/>``, GUID case and braces,
    non-GUID ids, missing XML declaration); ExchangeError naming the file and line for
    malformed XML.

    >>> book = read_qdc("../shared/refi/samples/atlasti_23_4_codebook.qdc")  # doctest: +SKIP
    >>> [c.id for c in book.codes]                                           # doctest: +SKIP
    ['code1']
    """
    where = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise ExchangeError(f"cannot read the codebook ({err.strerror})", path=where,
                            hint="check the path") from err
    return read_qdc_tree(data, where=where, name=Path(path).stem).codebook


def read_qdc_tree(data: bytes, *, where: str, name: str) -> CodeTree:
    """Parse ``.qdc`` bytes into a :class:`CodeTree` (used by :func:`read_qdc`)."""
    root = parse_xml(data, where)
    if root.tag.rsplit("}", 1)[-1].lower() != "codebook":
        raise ExchangeError(f"the root element is <{root.tag.rsplit('}', 1)[-1]}>, not <CodeBook>",
                            path=where, hint="is this a REFI-QDA codebook (.qdc)?")
    codes_el = child(root, "Codes")
    if codes_el is None or not children(codes_el, "Code"):
        raise ExchangeError("the codebook has no codes", path=where, hint="export a codebook with codes")
    return read_code_tree(codes_el, child(root, "Sets"), name=name, where=where,
                          origin=attr(root, "origin") or "")
