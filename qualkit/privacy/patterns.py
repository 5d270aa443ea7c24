"""What personal data looks like as characters: numbers, e-mails, addresses, form fields.

Each family is one compiled pattern, tolerant of how people and word processors type
numbers: spaces (also two), no-break spaces, hyphens and unicode dashes (also spaced),
dots, slashes, the bars and tabs of a digit box, a line break inside, a label glued in
front (``NIK3201...``), the ``+62`` / ``0062`` / ``62`` / ``0`` prefixes of a phone, and
the leading ``0`` a spreadsheet drops from a phone number.

>>> bool(PATTERNS_RX["nik"].search("NIK3201\\u00a02345\\u20136789 0014"))
True
>>> bool(PATTERNS_RX["phone"].search("HP 0812\\u20133456\\u20137819"))
True
>>> PATTERNS_RX["nik"].search("tahun 2023, 120 orang") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qualkit.privacy._data import words

FAMILIES = ("nik", "kk", "passport", "phone", "email", "account", "address", "birth")
"""Pattern families a :class:`~qualkit.privacy.Redactor` can redact."""

_SP = r"[ \t\u00a0\u2000-\u200b\u202f]"                     # spaces, NBSP, thin spaces
_DASH = r"[\-\u2010-\u2015\u2212]"                          # hyphen, unicode dashes, minus
_SEP = rf"(?:{_SP}{{1,2}}|{_SP}?(?:{_DASH}|[./|\\]){_SP}?|{_SP}?\r?\n{_SP}?)"
"""Between two digits of an ID or phone number."""

_PSEP = rf"(?:{_SP}|{_SP}?{_DASH}{_SP}?)"
"""Between the digit groups of a national phone number: spaces or dashes (no dots,
slashes or line breaks, which dates, versions and numbered lines use)."""

_CASE_FREE = r"(?<![0-9])"

PATTERNS_RX: dict[str, re.Pattern[str]] = {
    # 16 digits (NIK and KK), any separators between them, a label may be glued in front
    "nik": re.compile(rf"{_CASE_FREE}[1-9](?:{_SEP}?\d){{15}}(?![0-9])"),
    # one or two letters and 7 digits: C1234567, C-1234567, c1234568, AB 1234567
    "passport": re.compile(rf"(?<![^\W\d_])(?:[A-Z]{{1,2}}(?:{_SP}|{_DASH})?|[a-z]{{1,2}}{_DASH}?)\d{{7}}(?![\w])"),
    "phone": re.compile(
        r"(?<![\d+])(?:"
        rf"(?:\+{_SP}?62|0062|62|0){_SEP}?\(?8\d\)?(?:{_SEP}?\d){{7,10}}"       # Indonesian mobiles
        rf"|\(0\d{{1,3}}\){_SEP}?\d{{3,4}}{_SEP}?\d{{3,5}}"                    # (021) 555-1234
        rf"|(?:\+|(?i:plus){_SP}|00(?=[1-9]))\d{{1,3}}(?:{_SEP}?\(?\d{{1,4}}\)?){{2,6}}"  # +<cc> ...
        rf"|0[1-9]\d{{1,4}}(?:{_PSEP}\d{{2,4}}){{1,3}}|0[1-9]\d{{8,9}}"        # 0115 496 0722, 07700900118
        r"|(?!\d*0000(?!\d))8[1-35-9]\d{8,10}"                                  # 0 lost in a spreadsheet
        r")(?![\d])"
    ),
    "email": re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"),
    # the digits after a bank-account label
    "account": re.compile(
        r"(?i:(?<![^\W_])(?:no(?:mor)?\.?\s*)?(?:rekening|rek(?:\.|(?![^\W_]))|norek|account(?:\s+(?:number|no\.?))?|"
        r"acct\.?|a/c|iban)(?:\s+bank)?(?:\s+[A-Z]{2,8})?\s*[:.#]?\s*(?:no\.?\s*)?)"
        rf"(?P<v>\d(?:{_SEP}?\d){{5,25}})(?![0-9])"
    ),
    "address": re.compile(
        r"(?<![^\W_])(?:"
        r"(?:(?i:jl|jln|gg)(?:\.\s*|\s+)(?=[^\W_])|(?:Jalan|Gang|JALAN|GANG)\s+(?=[A-Z0-9]))"
        r"[^\n,;]{1,60}?"
        r"(?:(?:,?\s*(?i:no|nomor|blok)\.?\s*[A-Z]?\d+[A-Za-z]?)|(?=,|\n|$|;|\.\s))"
        r"|(?i:jalan|gang)\s+[^\W\d_][^\n,;]{0,40}?(?i:no|nomor)\.?\s*\d+[A-Za-z]?"
        r")"
        r"(?:,?\s*(?i:rt)\.?\s*/?\s*(?i:rw\.?)?\s*\d{1,3}\s*(?:/\s*(?:(?i:rw)\.?\s*)?\d{1,3})?)?"
        r"(?:,\s*(?i:kel|kelurahan|desa|ds|kec|kecamatan|kab|kabupaten|kota|dusun|dsn|kp|kampung)"
        r"\.?\s+[^\n,;]{1,40})*"
        r"|(?<![^\W_])(?i:rt)\.?\s*/\s*(?i:rw)\.?\s*\d{1,3}\s*/\s*\d{1,3}"
        r"|(?<![^\W_])(?i:rt)\.?\s*\d{1,3}\s*/?\s*(?i:rw)\.?\s*\d{1,3}"
    ),
}

_KK_CONTEXT = re.compile(r"(?:\bKK\b|kartu\s+keluarga|family\s+card)[^\n]{0,25}$", re.IGNORECASE)
_DIGIT = re.compile(r"\d")

# Every address match starts with one of a few words: finding those first and trying the
# pattern only there gives the same matches far faster than trying it at every position.
_ADDRESS_STARTS = re.compile(r"jln|jl|gg|jalan|gang|rt", re.IGNORECASE)


def find_patterns(text: str, families: frozenset[str] | set[str]) -> Iterator[tuple[int, int, str]]:
    """``(start, end, kind)`` of every pattern match in ``text`` of the given families.

    >>> sorted(find_patterns("HP 0812 3456 7890, rek. BCA 123-456-7890", {"phone", "account"}))
    [(3, 17, 'phone'), (28, 40, 'account')]
    """
    if _DIGIT.search(text) is None:  # every family but e-mail and address needs digits
        families = families & {"email", "address"}
    if families & {"nik", "kk"}:
        for m in PATTERNS_RX["nik"].finditer(text):
            if m.group().count("\n") > 1:  # numbered lines, not one number broken once
                continue
            kk = _KK_CONTEXT.search(text[max(0, m.start() - 40):m.start()]) is not None
            kind = "kk" if kk and "kk" in families else "nik"
            if kind in families:
                yield m.start(), m.end(), kind
    for fam in ("passport", "phone", "account"):
        if fam in families:
            for m in PATTERNS_RX[fam].finditer(text):
                if m.group().count("\n") > 1 or (fam == "phone" and len(_DIGIT.findall(m.group())) < 9):
                    continue  # numbered lines; a short run of digit groups is no phone number
                s, e = m.span("v") if "v" in PATTERNS_RX[fam].groupindex else m.span()
                yield s, e, fam
    if "email" in families and "@" in text:
        for m in PATTERNS_RX["email"].finditer(text):
            yield m.start(), m.end(), "email"
    if "address" in families:
        end = 0
        rx = PATTERNS_RX["address"]
        for candidate in _ADDRESS_STARTS.finditer(text):
            if candidate.start() < end:
                continue
            m = rx.match(text, candidate.start())
            if m is not None and m.end() > m.start():
                yield m.start(), m.end(), "address"
                end = m.end()


# -- form fields -----------------------------------------------------------------------------
NAME_FIELD = re.compile(
    r"^\s*(?:nama\b|name\b|full\s*name|first\s*name|last\s*name|surname|dibuat\s+oleh|"
    r"diserahkan\s+oleh|diterima\s+oleh|penerima\s+kuasa|pemberi\s+kuasa|"
    r"yang\s+bertanda\s+tangan|pelapor|sponsor|perekrut|calo|recruiter|made\s+by|submitted\s+by|"
    r"ayah|ibu\b|suami|istri|wali|ahli\s+waris|contact\s+person|kontak\s+keluarga|narahubung|"
    r"contact\b|penanggung\s+jawab|father|mother|husband|wife|spouse|guardian|next\s+of\s+kin)",
    re.IGNORECASE,
)
"""Labels of form fields whose value is a person's name."""
ADDRESS_FIELD = re.compile(
    r"^\s*(?:alamat|address|domisili|tempat\s+tinggal|residence|desa|village|kelurahan|"
    r"dusun|kampung|rt\s*/\s*rw)", re.IGNORECASE)
"""Labels of form fields whose value is an address or a place of residence."""
BIRTH_FIELD = re.compile(
    r"^\s*(?:[^\n:]{0,25}\blahir\b|ttl\b|dob\b|d\.o\.b\b|[^\n:]{0,25}\bbirth)", re.IGNORECASE)
"""Labels of form fields whose value is a date and/or place of birth."""
FIELD_LINE = re.compile(
    r"^[ \t*_#>\-•|]*(?P<label>[^\W\d_][^\n:：|]{0,38}?)[ \t*_|]*[:：][ \t*_|]*(?P<value>[^\n]*)$",
    re.MULTILINE,
)
"""A ``Label : value`` line of a form (markdown emphasis and table bars allowed)."""

METADATA_NAME_KEYS = words("name_columns.txt")
"""Metadata columns whose value is the informant's name (``data/name_columns.txt``)."""
METADATA_PLACE_KEYS = words("place_columns.txt")
"""Metadata columns whose value is a place of residence (``data/place_columns.txt``)."""
METADATA_PSEUDONYM_KEYS = words("pseudonym_columns.txt")
"""Metadata columns that give the informant's pseudonym."""


_ADDRESS_LINE = re.compile(
    r"\d|(?<![^\W_])(?i:rt|rw|desa|ds|dusun|dsn|kel|kelurahan|kec|kecamatan|kab|kabupaten|kota|"
    r"kp|kampung|jl|jln|jalan|gg|gang|blok|no|prov|provinsi|district|village|street)(?![^\W_])")


PRIMARY_NAME_FIELD = re.compile(r"^\s*(?:nama(?:\s+lengkap)?|(?:full\s*)?name)\s*$", re.IGNORECASE)
"""The label of the form's own subject (``Nama``, ``Nama Lengkap``, ``Name``)."""


def field_lines(text: str) -> Iterator[tuple[str, str, int, int]]:
    """``(kind, value, start, end)`` of the values of name, address and birth fields
    written as ``Label : value`` lines, with an address's continuation lines; ``kind``
    ``informant`` for the form's own subject's name, ``name`` for other names.

    >>> [v for _, v, _, _ in field_lines("Nama : siti aminah\\nAlamat :\\nDusun X\\nDesa Y\\nUmur : 30")]
    ['siti aminah', 'Dusun X', 'Desa Y']
    """
    for m in FIELD_LINE.finditer(text):
        label = m.group("label")
        if len(label.split()) > 5:
            continue
        kind = ("birth" if BIRTH_FIELD.match(label) else "name" if NAME_FIELD.match(label)
                else "address" if ADDRESS_FIELD.match(label) else None)
        if kind is None:
            continue
        if kind == "name" and PRIMARY_NAME_FIELD.match(label):
            kind = "informant"
        value = m.group("value").strip(" \t*_|")
        if value:
            start = m.start("value") + m.group("value").index(value)
            yield kind, value, start, start + len(value)
        if kind != "address":
            continue
        pos = m.end() + 1
        for _ in range(3):  # continuation lines: non-empty, no "label :" of their own
            nl = text.find("\n", pos)
            line = text[pos:nl if nl >= 0 else len(text)]
            stripped = line.strip(" \t*_|")
            if (pos > len(text) or not stripped or FIELD_LINE.match(line) or len(stripped) > 80
                    or not (not value or line[:1].isspace() or _ADDRESS_LINE.search(stripped))):
                break
            start = pos + line.index(stripped)
            yield kind, stripped, start, start + len(stripped)
            if nl < 0:
                break
            pos = nl + 1
