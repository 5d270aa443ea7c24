"""Tables of turns or responses (.csv, .xlsx): one row -> one passage.

The text column and the optional speaker and id columns are given (manifest columns
``text_column``, ``speaker_column``, ``id_column``) or guessed from the header
(``text``/``teks``/``utterance``/``response``..., ``speaker``/``pembicara``/``name``...,
``id``/``no``). Spreadsheet cells are read as the text they display (a phone number
typed as a number keeps the zeros its number format shows), within the cells really used.
Each row is written ``Speaker: text`` in the document text; row ids go to
``Document.metadata["row_ids"]`` keyed by passage id.

>>> ex = read_table(b"speaker,text\\nAna,Saya takut.\\nBudi,Kenapa?\\n", path="a.csv", kind="csv")
>>> ex.text
'Ana: Saya takut.\\n\\nBudi: Kenapa?'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from qualkit.errors import LoadError
from qualkit.locale import INDONESIAN
from qualkit.loading.decode import decode_bytes, normalise_newlines
from qualkit.loading.extracted import Extracted, TextBuilder
from qualkit.loading.numformat import display_text

TEXT_COLUMNS = ("text", "teks", "utterance", "response", "jawaban", "answer", "transcript",
                "transkrip", "content", "isi", "comment", "komentar", "message", "pesan", "segment")
SPEAKER_COLUMNS = tuple(name for english in ("speaker", "name", "participant", "respondent", "informant", "author")
                        for name in (english, *INDONESIAN["speakers"]["columns"].get(english, ())))
ID_COLUMNS = ("id", "row_id", "response_id", "no", "nomor", "number")


def _norm(name: str) -> str:
    return "_".join(str(name).strip().casefold().split())


def _pick(header: Sequence[str], given: str | None, names: Sequence[str], *, what: str,
          path: str, option: str) -> int | None:
    normed = [_norm(h) for h in header]
    if given:
        key = _norm(given)
        if key not in normed:
            raise LoadError(
                f"the {what} column {given!r} is not in the header (columns: {', '.join(map(str, header))})",
                path=path, hint=f"set {option} in the manifest to one of the columns above",
            )
        return normed.index(key)
    for name in names:
        if name in normed:
            return normed.index(name)
    return None


def rows_to_extracted(
    rows: list[list[str]], *, path: str, text_column: str | None = None,
    speaker_column: str | None = None, id_column: str | None = None,
    metadata: dict | None = None,
) -> Extracted:
    """Turn a header row plus data rows into ``Speaker: text`` passages."""
    rows = [r for r in rows if any(str(c).strip() for c in r)]
    if not rows:
        raise LoadError("the table is empty", path=path, hint="add a header row and rows of text")
    header = [str(h).strip() for h in rows[0]]
    ti = _pick(header, text_column, TEXT_COLUMNS, what="text", path=path, option="text_column")
    if ti is None:
        if len(header) == 1:
            ti = 0
        else:
            raise LoadError(
                f"cannot tell which column holds the text (columns: {', '.join(header)})",
                path=path, hint="set text_column (and speaker_column) for this file in the manifest",
            )
    si = _pick(header, speaker_column, SPEAKER_COLUMNS, what="speaker", path=path, option="speaker_column")
    ii = _pick(header, id_column, ID_COLUMNS, what="id", path=path, option="id_column")
    builder = TextBuilder()
    row_ids: list[str | None] = []

    def cell(row: list[str], i: int | None) -> str:
        return str(row[i]).strip() if i is not None and i < len(row) and row[i] is not None else ""

    for row in rows[1:]:
        text = cell(row, ti)
        if not text:
            continue
        speaker = " ".join(cell(row, si).split()) or None
        rid = cell(row, ii) or None
        if builder.turn(speaker, text, row_id=rid) is not None:
            row_ids.append(rid)
    extracted = builder.build(spans=True, metadata={
        **(metadata or {}), "text_column": header[ti],
        "speaker_column": header[si] if si is not None else None,
        "id_column": header[ii] if ii is not None else None,
    })
    if not extracted.spans:
        raise LoadError(f"no rows with text in column {header[ti]!r}", path=path,
                        hint="check text_column in the manifest")
    return extracted


def read_table(data: bytes, *, path: str, kind: str, text_column: str | None = None,
               speaker_column: str | None = None, id_column: str | None = None,
               sheet: str | None = None) -> Extracted:
    """Read a .csv (``kind="csv"``) or .xlsx (``kind="xlsx"``) table of turns."""
    options = {"text_column": text_column, "speaker_column": speaker_column, "id_column": id_column}
    if kind == "csv":
        raw, encoding = decode_bytes(data, path=path)
        text, _ = normalise_newlines(raw)
        try:
            dialect = csv.Sniffer().sniff(text[:20_000], delimiters=",;\t|")
            delimiter = dialect.delimiter
        except csv.Error:
            delimiter = ","
        try:
            rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        except csv.Error as err:
            raise LoadError(f"malformed CSV: {err}", path=path,
                            hint="check quoting; save it again as UTF-8 CSV") from err
        return rows_to_extracted(rows, path=path, metadata={"encoding": encoding}, **options)
    return rows_to_extracted(_xlsx_rows(data, path=path, sheet=sheet), path=path,
                             metadata={"sheet": sheet}, **options)


def _xlsx_rows(data: bytes, *, path: str, sheet: str | None) -> list[list[str]]:
    """The non-empty rows of one sheet as displayed text, bounded by the cells really used.

    The sheet's declared dimension is ignored (a stray cell at XFD1048576 would make
    openpyxl pad a million rows of 16,384 cells): rows are read as stored, empty rows are
    skipped and each row ends at its last non-empty cell. Numbers are read as the text
    their number format displays (:func:`~qualkit.loading.numformat.display_text`).
    """
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises zip, xml, key and value errors on corrupt parts
        raise LoadError(f"not a readable Excel .xlsx file ({type(err).__name__})", path=path,
                        hint="open it in Excel or LibreOffice and save it again as .xlsx") from err
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise LoadError(f"no sheet {sheet!r} (sheets: {', '.join(book.sheetnames)})", path=path,
                            hint="set sheet in the manifest to one of the sheets above")
        ws = book[sheet] if sheet else book.worksheets[0]
        ws.reset_dimensions()
        rows = []
        for row in ws.iter_rows():
            cells = [display_text(c.value, getattr(c, "number_format", None)) for c in row]
            while cells and not cells[-1].strip():
                cells.pop()
            if cells:
                rows.append(cells)
        return rows
    except LoadError:
        raise
    except Exception as err:  # corrupt sheet XML found while reading the rows
        raise LoadError(f"not a readable Excel .xlsx file ({type(err).__name__} in the sheet)", path=path,
                        hint="open it in Excel or LibreOffice and save it again as .xlsx") from err
    finally:
        book.close()
