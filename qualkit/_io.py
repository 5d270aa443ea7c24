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

import os
import queue
import tempfile
import threading
import zipfile
from collections.abc import Callable
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


def write_csv(frame, path: str | os.PathLike[str]) -> Path:  # frame: pd.DataFrame
    """Write a DataFrame as UTF-8 CSV (no index, ``\\n`` line ends) atomically; return the path.

    Rows are streamed to the file (pandas writes in chunks): a million-row table never
    sits in memory as one string."""

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            frame.to_csv(fh, index=False, lineterminator="\n")

    atomic_write(path, write)
    return Path(path)


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
