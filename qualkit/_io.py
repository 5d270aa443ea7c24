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
import tempfile
from collections.abc import Callable
from pathlib import Path

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
            fh.flush()
            os.fsync(fh.fileno())

    atomic_write(path, write)
    return Path(path)
