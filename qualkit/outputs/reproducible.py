"""Reproducible Office files: the same inputs give the same bytes.

Generated ``.docx`` and ``.xlsx`` files are dated :func:`build_date`: ``SOURCE_DATE_EPOCH``
(seconds since 1970, UTC; the reproducible-builds convention) when that environment
variable is set, else 2000-01-01 00:00 UTC. :func:`reproducible_zip` applies it to a
written Office file (zip entry dates and the core properties).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from qualkit._io import zip_entry
from qualkit.errors import ExportError


FIXED_DATE = datetime(2000, 1, 1, tzinfo=timezone.utc)
"""The date written into reports and workbooks when ``SOURCE_DATE_EPOCH`` is not set."""

_CORE_DATE = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def build_date() -> datetime:
    """The timestamp of generated Office files: ``SOURCE_DATE_EPOCH`` (UTC) when set,
    else :data:`FIXED_DATE` (2000-01-01), so that two runs give the same bytes.

    >>> build_date().year if "SOURCE_DATE_EPOCH" not in os.environ else 2000
    2000
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return FIXED_DATE
    try:
        return datetime.fromtimestamp(int(raw), tz=timezone.utc)
    except (ValueError, OverflowError, OSError) as err:
        raise ExportError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970; got {raw!r}",
                          hint="set it to e.g. $(git log -1 --format=%ct), or unset it") from err


def reproducible_zip(path: str | os.PathLike[str], *, when: datetime | None = None) -> None:
    """Rewrite an Office file (.docx, .xlsx: a zip) in place so its bytes do not depend on
    when it was written: every entry dated ``when`` (default :func:`build_date`; zip
    cannot store dates before 1980, so earlier ones become 1980-01-01) with fixed
    permissions, and the ``dcterms:created`` / ``dcterms:modified`` core properties set
    to ``when``. Entry order and contents are otherwise kept.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.zip"
    >>> with zipfile.ZipFile(p, "w") as z: z.writestr("x.txt", "x")
    >>> reproducible_zip(p); zipfile.ZipFile(p).infolist()[0].date_time
    (2000, 1, 1, 0, 0, 0)
    """
    when = (when or build_date()).astimezone(timezone.utc)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    entry_date = max(when.replace(tzinfo=None), datetime(1980, 1, 1)).timetuple()[:6]
    target = Path(path)
    with zipfile.ZipFile(target) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = _CORE_DATE.sub(lambda m: m.group(1) + stamp + m.group(3), data)
            out.writestr(zip_entry(name, date_time=entry_date), data)
    target.write_bytes(buffer.getvalue())


