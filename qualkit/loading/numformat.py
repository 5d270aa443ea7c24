"""A spreadsheet cell's value -> the text Excel displays (for numbers typed into cells).

A phone number or an ID typed into an Excel cell is stored as a number: the leading 0 of
``0812...`` is gone and a 16-digit ID may come back as ``3.201234567890014e+15``. Excel
shows it through the cell's number format, so qualkit reads the text it displays:
zero-padded formats (``000000000000``), grouped digits (``0000-0000-0000``, quoted
literals), thousands separators, decimals and percentages; ``@`` (text) and
``General`` give the number without a spurious ``.0`` or exponent. Formats it does not
know (fractions, scientific, conditions) fall back to ``General``. Dates read as ISO.

>>> display_text(812345678, "000000000000")
'000812345678'
>>> display_text(81234567819, '"0"000-0000-0000')
'0812-3456-7819'
>>> display_text(3201234567890014.0, "General"), display_text(0.125, "0.0%")
('3201234567890014', '12.5%')
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["display_text"]

_STRIP = re.compile(r"\[[^\]]*\]|_.|\*.")  # colours/conditions/locales, padding, fill
_LITERAL = re.compile(r'"([^"]*)"|\\(.)')
_SIMPLE = re.compile(r"^[0#?,.\s%\x01-\x1f()+:-]*$")


def _general(value: float | int) -> str:
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e17:
        return str(int(value))
    return f"{value:.15g}"


def _fill(digits: str, pattern: str) -> str:
    """Place ``digits`` into the ``0``/``#``/``?`` placeholders of ``pattern``, right to left;
    digits left over go where the leftmost placeholder is."""
    first = min((k for k, c in enumerate(pattern) if c in "0#?"), default=0)
    out: list[str] = []
    i = len(digits) - 1
    for k in range(len(pattern) - 1, -1, -1):
        ch = pattern[k]
        if ch in "0#?":
            if i >= 0:
                out.append(digits[i])
                i -= 1
            elif ch == "0":
                out.append("0")
            elif ch == "?":
                out.append(" ")
            if k == first and i >= 0:
                out.append(digits[: i + 1])
                i = -1
        else:
            out.append(ch)
    return "".join(reversed(out))


def _apply(value: float | int, fmt: str) -> str | None:
    section = fmt.split(";")[0 if value >= 0 or ";" not in fmt else 1]
    section = _STRIP.sub("", section)
    literals: list[str] = []
    section = _LITERAL.sub(lambda m: literals.append(m.group(1) if m.group(1) is not None else m.group(2))
                           or f"\x01{len(literals) - 1:02d}", section)
    if not _SIMPLE.match(section) or not any(c in section for c in "0#?"):
        return None
    number = abs(value) if ";" in fmt and value < 0 else value
    if "%" in section:
        number = number * 100
    int_part, _, frac_part = section.partition(".")
    decimals = sum(c in "0#?" for c in frac_part)
    grouped = "," in int_part
    int_part = int_part.replace(",", "")
    text = f"{abs(number):.{decimals}f}"
    whole, _, frac = text.partition(".")
    if grouped:
        whole = f"{int(whole):,}"
    digits = _fill(whole.lstrip("0") if "0" not in int_part else whole, int_part) if "," not in whole else whole
    if frac_part:
        digits += "." + frac if frac or "0" in frac_part else ""
        tail = "".join(c for c in frac_part if c not in "0#?")
        digits += tail
    sign = "-" if number < 0 and ";" not in fmt else ""
    return sign + re.sub("\x01(\\d\\d)", lambda m: literals[int(m.group(1))], digits)


def display_text(value: object, number_format: str | None = "General") -> str:
    """The text a spreadsheet shows for ``value`` under ``number_format`` (see module doc)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if not isinstance(value, (int, float)):
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    fmt = (number_format or "General").strip()
    if fmt.casefold() in ("general", "@", ""):
        return _general(value)
    try:
        shown = _apply(value, fmt)
    except (ValueError, OverflowError):
        shown = None
    return _general(value) if shown is None else shown
