"""Atomic output writing: an interrupted run leaves the previous file whole.

Every file qualkit writes goes through :func:`atomic_write` (temp file in the same
folder, fsync, then ``os.replace``).

>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
>>> atomic_write(target, "a,b\\n")
>>> target.read_text()
'a,b\\n'
"""

from __future__ import annotations

import csv
import io
import os
import queue
import re
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from qualkit.errors import ExportError


def atomic_write(path: str | os.PathLike[str], data: str | bytes | Callable[[Path], None]) -> None:
    """Write ``data`` to ``path`` atomically.

    ``data`` is text (written as UTF-8), bytes, or a callable that writes a file at the
    temporary path it is given (for libraries that save to a path, such as python-docx).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        if callable(data):
            os.close(fd)
            data(tmp)
            with open(tmp, "rb") as fh:  # on disk before it replaces the target
                os.fsync(fh.fileno())
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"could not write {target}: {err}", path=str(target),
                          hint="check that the output folder is writable and has space") from err
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these is a formula to Excel, LibreOffice and Sheets."""
_FORMULA_LINE = re.compile(r"(?:^|\n)[=+\-@\t\r]")


def neutralise_formulas(frame):  # frame: pd.DataFrame -> pd.DataFrame
    """``frame`` with every text cell that starts with ``= + - @``, a tab or a carriage
    return prefixed with ``'`` (OWASP's advice against CSV formula injection): a
    spreadsheet then shows the text instead of running it. Returns ``frame`` itself
    when no cell needs it.

    >>> import pandas as pd
    >>> neutralise_formulas(pd.DataFrame({"t": ["=1+1", "ok", "-x"], "n": [-1, 2, 3]}))["t"].tolist()
    ["'=1+1", 'ok', "'-x"]
    """
    import pandas as pd

    out = None
    for i, dtype in enumerate(frame.dtypes):
        if not (dtype == object or isinstance(dtype, pd.StringDtype)):
            continue
        values = frame.iloc[:, i].tolist()
        if not _FORMULA_LINE.search("\n".join(v for v in values if isinstance(v, str))):
            continue
        fixed = [f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_START) else v for v in values]
        if fixed != values:
            out = frame.copy() if out is None else out
            out.isetitem(i, pd.Series(fixed, index=frame.index, dtype=dtype))
    return frame if out is None else out


def write_csv(frame, path: str | os.PathLike[str]) -> Path:  # frame: pd.DataFrame
    """Write a DataFrame as UTF-8 CSV (no index, ``\\n`` line ends) atomically; return the path.

    Text cells that a spreadsheet would run as a formula are neutralised first
    (:func:`neutralise_formulas`). The bytes are then those of
    ``frame.to_csv(index=False, lineterminator="\\n")``. Frames of
    text, integer and float columns (what qualkit writes at scale) are formatted here, a
    chunk of rows at a time with one ``%`` format per row and each distinct text quoted
    once; others go through pandas. Either way rows are streamed to the file: a
    million-row table never sits in memory as one string."""

    frame = neutralise_formulas(frame)

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            kinds = _csv_columns(frame)
            if kinds is None:
                frame.to_csv(fh, index=False, lineterminator="\n")
                return
            csv.writer(fh, lineterminator="\n").writerow(list(frame.columns))
            for piece in _csv_rows(frame, kinds):
                fh.write(piece)

    atomic_write(path, write)
    return Path(path)


CSV_CHUNK_ROWS = 50_000
"""Rows formatted at a time by :func:`write_csv`."""

_CSV_SPECIAL = re.compile(r'[,"\r\n]')
"""Characters that make the csv module quote a field (a superset: it decides)."""


def _csv_columns(frame) -> list[str] | None:
    """Per column ``int``, ``float`` or ``text`` when :func:`_csv_rows` can format the
    frame exactly as pandas does, else None (other dtypes, non-text column names, a single
    column: the csv module writes a lone empty field as ``""``)."""
    import numpy as np
    import pandas as pd

    if frame.shape[1] < 2 or not all(type(c) is str for c in frame.columns):
        return None
    kinds = []
    for dtype in frame.dtypes:
        if isinstance(dtype, np.dtype) and dtype.kind in "iu":
            kinds.append("int")
        elif dtype == np.float64:
            kinds.append("float")
        elif dtype == object or isinstance(dtype, pd.StringDtype):
            kinds.append("text")
        else:
            return None
    return kinds


def _csv_rows(frame, kinds: list[str]) -> Iterator[str]:
    """The data rows of a frame, its column ``kinds`` from :func:`_csv_columns`, in
    pieces (a chunk with a value other than text in a text column is left to pandas)."""
    import numpy as np
    import pandas as pd

    template = ",".join("%d" if k == "int" else "%s" for k in kinds) + "\n"
    series = [frame.iloc[:, i] for i in range(frame.shape[1])]
    quoted: dict[str, str] = {}
    for lo in range(0, len(frame), CSV_CHUNK_ROWS):
        columns = []
        for kind, values in zip(kinds, (s.iloc[lo:lo + CSV_CHUNK_ROWS] for s in series)):
            if kind == "int":
                columns.append(values.to_numpy().tolist())
            elif kind == "float":  # numpy's str of each distinct value (bit pattern), as pandas
                found, uniques = pd.factorize(values.to_numpy().view(np.int64))
                floats = uniques.view(np.float64)
                columns.append(np.where(np.isnan(floats), "", floats.astype(str)).astype(object)[found].tolist())
            else:  # missing values are written as nothing
                text = values.to_numpy(dtype=object, na_value="").tolist()
                if not set(map(type, text)) <= {str}:
                    break
                if _CSV_SPECIAL.search("".join(text)):
                    text = [_csv_field(v, quoted) for v in text]
                columns.append(text)
        if len(columns) == len(kinds):
            yield "".join(map(template.__mod__, zip(*columns)))
        else:
            yield frame.iloc[lo:lo + CSV_CHUNK_ROWS].to_csv(index=False, header=False, lineterminator="\n")


def _csv_field(text: str, quoted: dict[str, str]) -> str:
    """``text`` as the csv module writes a field (``quoted`` caches the quoted ones)."""
    if not _CSV_SPECIAL.search(text):
        return text
    if text not in quoted:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow([text, ""])
        quoted[text] = buf.getvalue()[: -len(",\n")]
    return quoted[text]


def zip_entry(name: str, *, date_time: tuple[int, ...] = (1980, 1, 1, 0, 0, 0),
              level: int | None = None) -> zipfile.ZipInfo:
    """A deflated zip entry with a fixed date and permissions, for archives that are the
    same bytes on every run; ``level``: the zlib level ``ZipFile.open(entry, "w")`` and
    ``writestr`` use (None: zipfile's default).

    >>> zip_entry("a.xml").date_time
    (1980, 1, 1, 0, 0, 0)
    """
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 0
    if level is not None:  # the attribute was renamed in Python 3.13
        setattr(info, "compress_level" if hasattr(info, "compress_level") else "_compresslevel", level)
    return info


class BackgroundWriter:
    """Write byte pieces to a binary file object from a second thread, so that the
    caller builds the next piece meanwhile. Made for zip entries: their ``write``
    compresses, and zlib releases the GIL, so compression runs on the other core.

    Use as a context manager; an error in the writer thread is raised in the caller (at
    the next ``write`` or on exit). Pieces are written in order.

    >>> import io
    >>> buf = io.BytesIO()
    >>> with BackgroundWriter(buf) as out:
    ...     out.write(b"a"); out.write(b"b")
    >>> buf.getvalue()
    b'ab'
    """

    def __init__(self, fh: IO[bytes], *, depth: int = 4) -> None:
        self._fh = fh
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="qualkit-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            piece = self._queue.get()
            if piece is None:
                return
            if self._error is None:
                try:
                    self._fh.write(piece)
                except BaseException as err:  # noqa: BLE001 - handed to the caller
                    self._error = err

    def write(self, piece: bytes) -> None:
        """Queue ``piece`` (waits while a few pieces are already queued)."""
        if self._error is not None:
            raise self._error
        self._queue.put(piece)

    def close(self) -> None:
        """Write what is queued, stop the thread; raise its error if it had one."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self._error is not None:
            raise self._error

    def __enter__(self) -> BackgroundWriter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
