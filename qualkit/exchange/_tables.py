"""Tables exported by QDA tools (CSV, xlsx, legacy xls, HTML) and their localised headers.

:func:`read_table` returns the header and rows as strings, whatever the file type;
:func:`find_columns` maps localised header names to qualkit's field names with the
synonym table :data:`HEADERS` (add a language by adding its names there).

>>> find_columns(["Nazwa dokumentu", "Kod", "Początek", "Koniec", "Fragment"])
{'document': 0, 'code': 1, 'begin': 2, 'end': 3, 'text': 4}
"""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser
import re
import unicodedata
from pathlib import Path

import xlrd
from openpyxl import load_workbook

from qualkit.errors import ExchangeError
from qualkit.exchange._text import decode

#: field -> header names (compared case-, accent-, space- and punctuation-folded).
HEADERS: dict[str, tuple[str, ...]] = {
    "document": ("document name", "document", "dokumentname", "dokument", "nazwa dokumentu", "documento",
                 "nom du document", "nome do documento", "nombre del documento", "nom de document",
                 "document title", "source", "file", "filename", "bestand", "dokumentnamn"),
    "code": ("code", "kod", "codigo", "código", "tag", "tags", "codes", "kodes", "codierung", "codici",
             "codice", "kody", "koder", "codes assigned", "code name"),
    "text": ("segment", "fragment", "text content", "quotation content", "content", "text", "quotation",
             "zitat", "textinhalt", "conteudo", "conteúdo", "contenido", "contenu", "coded text", "snippet",
             "highlight", "utterance", "inhalt", "tekst", "testo"),
    "begin": ("beginning", "begin", "start", "anfang", "poczatek", "początek", "inicio", "início", "debut",
              "début", "initial position", "start position", "posicao inicial", "inizio", "start paragraph"),
    "end": ("end", "ende", "koniec", "fim", "fin", "final position", "end position", "posicao final", "fine",
            "end paragraph"),
    "coder": ("created by", "author", "autor", "creator", "coder", "erstellt von", "auteur", "autore", "user",
              "utilisateur", "usuario", "usuário", "twórca"),
    "created": ("created", "creation date", "data utworzenia", "erstellt am", "erstellt", "date", "datum",
                "data de criacao", "fecha de creacion", "date de creation"),
    "comment": ("comment", "komentarz", "kommentar", "comentario", "comentário", "commentaire", "commento",
                "memo", "notes"),
    "reference": ("reference", "referenz", "referencia", "référence", "riferimento", "odniesienie"),
    "group": ("document group", "dokumentgruppe", "grupa dokumentów"),
}


def header_key(name: object) -> str:
    """Fold a header name: accents, case, spaces and punctuation removed.

    >>> header_key(" Creation Date "), header_key("Początek")
    ('creationdate', 'poczatek')
    """
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^0-9a-z]+", "", text.lower())


_SYNONYMS = {header_key(n): field for field, names in HEADERS.items() for n in names}


def find_columns(header: list[str]) -> dict[str, int]:
    """``{field: column index}`` for the header names found in :data:`HEADERS` (first wins)."""
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        field = _SYNONYMS.get(header_key(name))
        if field and field not in found:
            found[field] = i
    return found


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv(path: Path) -> list[list[str]]:
    text = decode(path.read_bytes())[0]
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _xlsx(path: Path) -> list[list[str]]:
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return [[_cell(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _xls(path: Path) -> list[list[str]]:
    sheet = xlrd.open_workbook(str(path)).sheet_by_index(0)
    return [[_cell(v) for v in sheet.row_values(i)] for i in range(sheet.nrows)]


class _FirstTable(HTMLParser):
    """Rows of the first ``<table>`` of an HTML page, cell text with spaces collapsed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._depth = 0
        self._done = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self._done:
            return
        if tag == "table":
            self._depth += 1
        elif self._depth == 1 and tag == "tr":
            self.rows.append([])
        elif self._depth == 1 and tag in ("td", "th") and self.rows:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._done:
            return
        if tag in ("td", "th") and self._cell is not None and self._depth == 1:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._depth -= 1
            self._done = self._depth == 0

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _html(path: Path) -> list[list[str]]:
    parser = _FirstTable()
    parser.feed(decode(path.read_bytes())[0])
    return parser.rows


_READERS = {".csv": _csv, ".tsv": _csv, ".txt": _csv, ".xlsx": _xlsx, ".xlsm": _xlsx, ".xls": _xls,
            ".html": _html, ".htm": _html}


def read_table(path: str | Path) -> tuple[list[str], list[list[str]]]:
    """``(header, rows)`` of the first sheet/table of ``path``; empty rows dropped.

    Raises ExchangeError naming the file when it cannot be read.
    """
    source = Path(path)
    reader = _READERS.get(source.suffix.lower())
    if reader is None:
        raise ExchangeError(f"cannot read a {source.suffix or 'suffix-less'} table", path=str(source),
                            hint="give a .csv, .xlsx, .xls or .html export")
    try:
        rows = reader(source)
    except ExchangeError:
        raise
    except Exception as err:  # noqa: BLE001 - any reader failure is a bad export
        raise ExchangeError(f"cannot read the table ({type(err).__name__}: {err})", path=str(source),
                            hint="export the table again, or save it as .xlsx or UTF-8 .csv") from err
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise ExchangeError("the table is empty", path=str(source), hint="export the coded segments again")
    header = [h.strip() for h in rows[0]]
    width = len(header)
    return header, [(r + [""] * width)[:width] for r in rows[1:]]
