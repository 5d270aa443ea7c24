"""Bytes -> text: encoding detection and line-end normalisation.

UTF-8 (with or without BOM), UTF-16/UTF-32 with a BOM, UTF-16 without BOM, and legacy
single-byte files (cp1252, then latin-1) are decoded; a file holding NUL bytes that is
not UTF-16/32 is refused as binary. :func:`normalise_newlines` turns CRLF and CR into LF
and returns the offsets where a ``\\r`` was dropped (``Document.removed``);
:func:`normalise_text` also removes the control characters XML cannot hold
(``\\x00``-``\\x08``, ``\\x0b``, ``\\x0c``, ``\\x0e``-``\\x1f``, U+FFFE, U+FFFF), recording
each removal the same way, so ``Document.source_offset`` stays true.

>>> decode_bytes("café".encode("cp1252"), path="a.txt")
('café', 'cp1252')
>>> normalise_newlines("a\\r\\nb\\rc")
('a\\nb\\nc', (1,))
>>> normalise_text("a\\x1b[1mb\\r\\n")
('a[1mb\\n', (1, 5))
"""

from __future__ import annotations

import codecs
import re

from qualkit.errors import LoadError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CRLF = re.compile("\r\n")
_DROPPED = re.compile("\r(?=\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _utf16_without_bom(data: bytes) -> str | None:
    if len(data) % 2:
        return None
    half = len(data) // 2
    zeros_odd = data[1::2].count(0)
    zeros_even = data[0::2].count(0)
    if zeros_odd >= 0.3 * half and zeros_even < 0.05 * half:
        return "utf-16-le"
    if zeros_even >= 0.3 * half and zeros_odd < 0.05 * half:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, *, path: str) -> tuple[str, str]:
    """Decode ``data``; return ``(text, encoding)`` with any BOM removed.

    Raises LoadError for empty or binary content, naming ``path``.
    """
    if not data.strip():
        raise LoadError("the file is empty", path=path,
                        hint="add the text, or remove the file from the folder/manifest")
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding is None and b"\x00" in data:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise LoadError(
                "the file holds binary data (NUL bytes) although its extension says text",
                path=path,
                hint="save it as plain text (UTF-8), or give it its real extension (.docx, .pdf, ...)",
            )
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as err:
            raise LoadError(f"the file is not valid {encoding}: {err.reason} at byte {err.start}",
                            path=path, hint="re-save the file as UTF-8") from err
    else:
        for encoding in ("utf-8", "cp1252", "latin-1"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if not text.strip():
        raise LoadError("the file is empty (only whitespace)", path=path,
                        hint="add the text, or remove the file from the folder/manifest")
    return text, encoding


def normalise_newlines(text: str) -> tuple[str, tuple[int, ...]]:
    """Turn CRLF and lone CR into LF; return the new text and ``removed`` offsets.

    ``removed`` lists, for each dropped ``\\r`` (of a CRLF), the offset in the new text
    before which it stood; a lone CR is replaced in place, so offsets do not move.
    """
    if "\r" not in text:
        return text, ()
    positions = [m.start() for m in _CRLF.finditer(text)]
    removed = tuple(pos - k for k, pos in enumerate(positions))
    return text.replace("\r\n", "\n").replace("\r", "\n"), removed


def normalise_text(text: str) -> tuple[str, tuple[int, ...]]:
    """:func:`normalise_newlines` plus removal of XML-invalid control characters.

    ``removed`` lists, for every dropped character (the ``\\r`` of a CRLF, a control
    character), the offset in the new text before which it stood, so that
    ``Document.source_offset`` maps offsets back into the decoded source.
    """
    if "\r" not in text and _DROPPED.search(text) is None:
        return text, ()
    removed = tuple(m.start() - k for k, m in enumerate(_DROPPED.finditer(text)))
    return _DROPPED.sub("", text).replace("\r", "\n"), removed
