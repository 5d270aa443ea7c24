"""Safe reading of ``.qdpx`` zip archives, all in memory.

Entries whose names escape the archive (``..``, absolute paths, drive letters) are
refused, as are archives that would decompress beyond ``max_bytes`` in total or whose
entries are compressed suspiciously well (``max_ratio``; a zip bomb). Names are looked up
case-insensitively (real files use ``Sources/`` and ``Project.qde``).

>>> import io, zipfile
>>> buf = io.BytesIO()
>>> with zipfile.ZipFile(buf, "w") as z:
...     z.writestr("Sources/a.txt", "hi")
>>> SafeZip(buf.getvalue(), "x.qdpx").read("sources/a.txt")
b'hi'
"""

from __future__ import annotations

import io
import re
import zipfile

from qualkit.errors import ExchangeError

MAX_BYTES = 1 << 30
"""Default cap on the total decompressed size of an archive (1 GiB)."""

MAX_RATIO = 1000
"""Default cap on one entry's decompressed/compressed size ratio (entries over 1 MiB)."""

_RATIO_FLOOR = 1 << 20


def unsafe_name(name: str) -> bool:
    """True when an entry name could escape the folder it is extracted into.

    >>> unsafe_name("../evil.txt"), unsafe_name("/etc/passwd"), unsafe_name("sources/a.txt")
    (True, True, False)
    """
    norm = name.replace("\\", "/")
    if norm.startswith("/") or re.match(r"^[A-Za-z]:", norm):
        return True
    return any(part == ".." for part in norm.split("/"))


class SafeZip:
    """A checked, read-only view of a zip archive held in memory."""

    def __init__(self, data: bytes, where: str, *, max_bytes: int = MAX_BYTES, max_ratio: float = MAX_RATIO) -> None:
        self.where = where
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as err:
            raise ExchangeError(f"not a valid zip archive ({err})", path=where,
                                hint="a .qdpx file is a zip archive; export it again from its tool") from err
        total = 0
        self._by_key: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if unsafe_name(info.filename):
                raise ExchangeError(
                    f"refused zip entry {info.filename!r}: its name escapes the archive",
                    path=where, hint="do not import files from untrusted sources; ask for a clean export",
                )
            total += info.file_size
            if total > max_bytes:
                raise ExchangeError(
                    f"archive decompresses to more than {max_bytes} bytes (at entry {info.filename!r})",
                    path=where, hint="raise max_bytes if the project is really this large",
                )
            if info.file_size > _RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
                raise ExchangeError(
                    f"refused zip entry {info.filename!r}: compression ratio above {max_ratio} (a zip bomb?)",
                    path=where, hint="raise max_ratio only if you trust the file",
                )
            if not info.is_dir():
                self._by_key.setdefault(info.filename.replace("\\", "/").lower(), info)

    def names(self) -> list[str]:
        """Entry names as stored (files only)."""
        return [i.filename for i in self._by_key.values()]

    def find(self, name: str) -> str | None:
        """The stored name matching ``name`` case-insensitively, or None."""
        info = self._by_key.get(name.replace("\\", "/").lstrip("/").lower())
        return info.filename if info else None

    def read(self, name: str) -> bytes:
        """Bytes of an entry (case-insensitive name); ExchangeError when it is missing."""
        info = self._by_key.get(name.replace("\\", "/").lstrip("/").lower())
        if info is None:
            raise ExchangeError(f"the archive has no entry {name!r}", path=self.where,
                                hint="the project refers to a file that is not in the .qdpx; export it again")
        try:
            with self._zip.open(info) as fh:
                data = fh.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
            raise ExchangeError(f"zip entry {info.filename!r} is damaged ({err})", path=self.where,
                                hint="export the project again") from err
        if len(data) > info.file_size:
            raise ExchangeError(f"zip entry {info.filename!r} is larger than declared", path=self.where,
                                hint="the archive is damaged or hostile; do not import it")
        return data
