"""Build the demo corpus's binary files (.docx, .pdf) from text sources.

The sources live in ``scripts/demo_sources/`` (plain UTF-8, one paragraph per line;
``# `` and ``## `` lines are headings; consecutive ``| a | b |`` lines are a table whose
first row is the header). The outputs go into ``data/demo/`` and are committed, so the
demo can be loaded without this script; rerun it after editing a source. The output is
byte-for-byte deterministic (fixed document dates, fixed zip timestamps, reportlab's
invariant mode), so a rerun without source changes leaves ``git status`` clean.

Example
-------
    .venv/bin/python scripts/make_demo_binaries.py          # rebuild all three files
    .venv/bin/python scripts/make_demo_binaries.py --check  # rebuild in memory, compare
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.shared import Pt
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "scripts" / "demo_sources"
DEMO = ROOT / "data" / "demo"

FIXED_DATE = datetime(2024, 3, 1, 9, 0, 0, tzinfo=timezone.utc)
"""Creation/modification date written into every generated file."""

ZIP_DATE = (2024, 3, 1, 9, 0, 0)
AUTHOR = "qualkit demo (synthetic data)"
SYNTHETIC_NOTE = "DATA SINTETIS — fiktif, ditulis untuk demo qualkit"


@dataclass(frozen=True)
class Block:
    """One unit of a source: ``kind`` is ``title``, ``heading``, ``para`` or ``table``."""

    kind: str
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Target:
    """A source file and the binary it becomes."""

    source: str
    output: str
    title: str


TARGETS = (
    Target("pendamping_03.txt", "interviews/pendamping_03.docx",
           "Wawancara pendamping kasus 03 (sintetis)"),
    Target("K03_laporan_kasus.txt", "documents/K03_laporan_kasus.docx",
           "Laporan kasus K03 (sintetis)"),
    Target("K01_laporan_kasus.txt", "documents/K01_laporan_kasus.pdf",
           "Laporan kasus K01 (sintetis)"),
)


def parse_source(text: str) -> Iterator[Block]:
    """Split a source text into blocks.

    >>> [b.kind for b in parse_source("# T\\n\\nA para.\\n| a | b |\\n| 1 | 2 |\\n")]
    ['title', 'para', 'table']
    """
    table: list[tuple[str, ...]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("|") and line.endswith("|"):
            table.append(tuple(cell.strip() for cell in line[1:-1].split("|")))
            continue
        if table:
            yield Block("table", rows=tuple(table))
            table = []
        if not line:
            continue
        if line.startswith("## "):
            yield Block("heading", line[3:])
        elif line.startswith("# "):
            yield Block("title", line[2:])
        else:
            yield Block("para", line)
    if table:
        yield Block("table", rows=tuple(table))


def build_docx(blocks: list[Block], *, title: str) -> bytes:
    """Render blocks as a .docx (paragraphs, headings, tables); return the bytes."""
    document = docx.Document()
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    props = document.core_properties
    props.title = title
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.comments = SYNTHETIC_NOTE
    props.created = FIXED_DATE.replace(tzinfo=None)
    props.modified = FIXED_DATE.replace(tzinfo=None)
    props.revision = 1
    for block in blocks:
        if block.kind == "title":
            document.add_heading(block.text, level=1)
        elif block.kind == "heading":
            document.add_heading(block.text, level=2)
        elif block.kind == "table":
            width = max(len(row) for row in block.rows)
            table = document.add_table(rows=len(block.rows), cols=width)
            table.style = "Table Grid"
            for r, row in enumerate(block.rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
                    if r == 0:
                        for run in table.cell(r, c).paragraphs[0].runs:
                            run.bold = True
            document.add_paragraph("")
        else:
            document.add_paragraph(block.text)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fix_zip_dates(buffer.getvalue())


def _fix_zip_dates(data: bytes) -> bytes:
    """Rewrite a zip with fixed member timestamps so the bytes are reproducible."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def build_pdf(blocks: list[Block], *, title: str) -> bytes:
    """Render blocks as a multi-page PDF with a real text layer; return the bytes."""
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    body.fontSize, body.leading, body.spaceAfter = 10.5, 14, 6
    story: list = []
    for block in blocks:
        if block.kind == "title":
            story += [Paragraph(escape(block.text), styles["Title"]), Spacer(1, 6)]
        elif block.kind == "heading":
            story.append(Paragraph(escape(block.text), styles["Heading2"]))
        elif block.kind == "table":
            cells = [[Paragraph(escape(c), body) for c in row] for row in block.rows]
            table = Table(cells, repeatRows=1)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "#444444"),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story += [table, Spacer(1, 8)]
        else:
            story.append(Paragraph(escape(block.text), body))

    def decorate(canvas, doc) -> None:  # noqa: ANN001 - reportlab callback signature
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(2 * cm, A4[1] - 1.2 * cm, SYNTHETIC_NOTE)
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"Halaman {doc.page}")
        canvas.restoreState()

    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer, pagesize=A4, title=title, author=AUTHOR, subject=SYNTHETIC_NOTE,
        creator="scripts/make_demo_binaries.py", invariant=1,
        leftMargin=2.2 * cm, rightMargin=2.2 * cm, topMargin=2 * cm, bottomMargin=2 * cm,
    )
    template.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def render(target: Target) -> bytes:
    """Build the bytes of one target from its source."""
    blocks = list(parse_source((SOURCES / target.source).read_text(encoding="utf-8")))
    if target.output.endswith(".pdf"):
        return build_pdf(blocks, title=target.title)
    return build_docx(blocks, title=target.title)


def main(argv: list[str] | None = None) -> int:
    """Build every target; with ``--check`` only report which files are out of date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if a committed file differs from a rebuild")
    args = parser.parse_args(argv)
    stale = []
    for target in TARGETS:
        data = render(target)
        path = DEMO / target.output
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(target.output)
            continue
        sys.path.insert(0, str(ROOT))
        from qualkit._io import atomic_write

        atomic_write(path, data)
        print(f"wrote {path.relative_to(ROOT)} ({len(data)} bytes)")
    if stale:
        print("out of date (run scripts/make_demo_binaries.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
