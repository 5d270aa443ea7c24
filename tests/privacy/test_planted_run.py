"""Random personal data planted in random text (in memory and in source files of every
format the loaders read, with the names also in file names and file metadata): none of it
is in any output of a run (text files, and the XML text and attributes inside .docx,
.xlsx and .qdpx)."""

from __future__ import annotations

import csv
import html
import re
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from odf import dc
from odf import text as odf_text
from odf.opendocument import OpenDocumentText
from reportlab.pdfgen import canvas

from qualkit.analysis import analyze
from qualkit.codebook.model import Code, Codebook, Cue, Example
from qualkit.corpus import Corpus, Document, Passage
from qualkit.loading import load_corpus
from qualkit.outputs import write_outputs
from qualkit.privacy import Redactor
from qualkit.privacy.names import GIVEN_NAMES, RARE_ZIPF, is_common, zipf

WORDS = st.sampled_from("saya takut pergi ke kantor lalu pulang dengan keluarga karena gaji "
                        "tidak dibayar the worker said she was afraid and went home".split())
SEPS = st.sampled_from(["", " ", "  ", "-", "\u00a0", ".", "/", "\u2013", " - "])
AFFIXED_NAMES = [n for n in ("Setiawan", "Gunawan", "Kurniawan", "Hermawan", "Darmawan", "Tambunan", "Permana",
                              "Dimas", "Wahyuni", "Sukarman", "Tukiman", "Ngatiman", "Paiman", "Marian", "Kusuman",
                              "Pangaribuan", "Harjanto", "Purnaman", "Nining", "Setiadi", "Hasan")
                 if not is_common(n) or n.casefold() in GIVEN_NAMES]
"""Names built like Indonesian derived words (a root and -an, pe-, di-): still names."""
NAME = st.one_of(st.lists(st.sampled_from(["ka", "ri", "to", "su", "mar", "di", "wan", "ni", "yo", "sep", "har",
                                           "jo", "gun", "tri", "wer", "zul"]), min_size=3, max_size=4).map(
    lambda parts: "".join(parts).capitalize()).filter(lambda n: not is_common(n)), st.sampled_from(AFFIXED_NAMES))


@st.composite
def _number(draw, digits: int, prefix: str = "") -> str:
    body = prefix + "".join(str(draw(st.integers(0, 9))) for _ in range(digits - len(prefix)))
    groups = [body[i:i + 4] for i in range(0, len(body), 4)]
    sep = draw(SEPS)
    return sep.join(groups)


@st.composite
def pii(draw) -> tuple[str, str]:
    """(text to plant, the secret that must not appear)."""
    kind = draw(st.sampled_from(["nik", "phone", "passport", "email", "title", "intro", "address"]))
    if kind == "nik":
        s = draw(_number(16, prefix=str(draw(st.integers(1, 9)))))
        return f"NIK {s}", s
    if kind == "phone":
        s = draw(_number(12, prefix="08" + str(draw(st.sampled_from([1, 2, 5, 7, 8, 9])))))
        return f"HP {s}", s
    if kind == "passport":
        s = draw(st.sampled_from("ABCX")) + draw(st.sampled_from(["", "-", " "])) + str(draw(st.integers(1000000, 9999999)))
        return f"paspor {s}", s
    name = draw(NAME)
    if kind == "email":
        s = f"{name.lower()}@contoh.id"
        return s, s
    if kind == "title":
        title = draw(st.sampled_from(["Pak", "pak", "BU", "Bu", "Mbak", "mas"]))
        return f"{title} {name if title != 'BU' else name.upper()}", name
    if kind == "intro":
        intro = draw(st.sampled_from(["namanya", "Nama saya", "dipanggil", "my name is"]))
        return f"{intro} {name}", name
    return f"di Jl. {name} No. {draw(st.integers(1, 99))}", name


BOOK = Codebook(name="t", codes=(
    Code(id="fear", name="Fear", cues=(Cue(pattern="takut"),), description="Fear.",
         examples=(Example(text="saya takut"),)),))


def _corpus(turns: list[tuple[str, str]]) -> Corpus:
    text, passages, pos = "", [], 0
    lines = [f"{label}: {body}" for label, body in turns]
    text = "\n".join(lines)
    doc = Document(id="case.txt", text=text, source_type="interview", informant_group="victim")
    for n, (label, body) in enumerate(turns):
        start = pos + len(label) + 2
        passages.append(Passage(doc_id=doc.id, id=f"case.txt#p{n}", start=start, end=start + len(body),
                                speaker=label, role="interviewer" if label == "P" else "informant").with_text(doc))
        pos += len(label) + 2 + len(body) + 1
    return Corpus(documents=(doc,), passages=tuple(passages))


@st.composite
def planted_corpus(draw):
    speaker = draw(NAME)
    secrets, turns = [speaker], []
    for i in range(draw(st.integers(1, 4))):
        pieces = draw(st.lists(WORDS, min_size=1, max_size=6))
        for text, secret in draw(st.lists(pii(), min_size=1, max_size=3)):
            pieces.insert(draw(st.integers(0, len(pieces))), text + ",")
            secrets.append(secret)
        turns.append(("P" if i % 2 else speaker, " ".join(pieces) + " takut."))
    return _corpus(turns), secrets


def _leaked(secrets: list[str], blob: str) -> list[str]:
    return [s for s in secrets if re.search(rf"(?<![^\W_]){re.escape(s)}(?![^\W_])", blob, re.IGNORECASE)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planted_corpus())
def test_redactor_leaves_none_of_the_planted_data(case):
    corpus, secrets = case
    assert _leaked(secrets, corpus.documents[0].text) == secrets  # the scan finds them before
    r = Redactor().fit(corpus)
    out = r.transform(corpus)
    blob = "\n".join([out.documents[0].text, *(p.text for p in out.passages), *(str(p.speaker) for p in out.passages)])
    assert not _leaked(secrets, blob), (secrets, blob)


_BREAKS = re.compile(r"<(?:/(?:w:p|w:tc|text:p|text:h|table:table-cell|c|si|row|p|div|li|td|tr|Source|Code)|"
                     r"w:br|w:tab|w:cr|text:line-break|text:tab)\b[^>]*>")


def _xml_text(xml: str) -> str:
    """The text of an XML part as a reader sees it: element text (a run split in several
    elements joined again, paragraphs and cells on their own lines) and every attribute
    value (a sheet name, a source name), entities decoded."""
    attributes = re.findall(r"""=\s*(?:"([^"]*)"|'([^']*)')""", xml)
    text = re.sub(r"<[^>]+>", "", _BREAKS.sub("\n", xml))
    return html.unescape(text + "\n" + "\n".join(a or b for a, b in attributes))


def _output_text(out: Path) -> str:
    """Everything a run wrote that a person could read: file and member names, text
    files, and the XML text and attributes inside .docx/.xlsx/.qdpx (and any zip)."""
    parts = []
    for p in sorted(out.rglob("*")):
        parts.append(p.relative_to(out).as_posix())
        if not p.is_file() or p.suffix == ".png":
            continue
        if zipfile.is_zipfile(p):
            with zipfile.ZipFile(p) as z:
                for n in z.namelist():
                    parts.append(n)
                    if not n.endswith(".png"):
                        member = z.read(n).decode("utf-8", "replace")
                        parts.append(_xml_text(member) if n.endswith((".xml", ".qde", ".rels")) else member)
        else:
            parts.append(p.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(planted_corpus())
def test_no_output_of_a_run_holds_the_planted_data(tmp_path_factory, case):
    corpus, secrets = case
    out = tmp_path_factory.mktemp("run") / "out"
    write_outputs(analyze(corpus, BOOK, redact=True), out, charts=False)
    assert not _leaked(secrets, _output_text(out)), secrets


FORMATS = ("txt", "md", "html", "docx", "odt", "pdf", "vtt", "srt", "csv", "xlsx")


def _write_source(folder: Path, fmt: str, turns: list[tuple[str, str]], *, stem: str = "case") -> Path:
    """The planted turns as a source file of one format, the first speaker's name also in
    the places a format keeps besides its text: a title and author, a sheet name, an HTML
    title, a WebVTT voice tag (``<v Name>``). Returns the file."""
    who = turns[0][0]
    lines = ["Synthetic test transcript."] + [f"{label}: {body}" for label, body in turns]
    path = folder / f"{stem}.{fmt}"
    if fmt in ("txt", "md"):
        path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    elif fmt == "html":
        body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
        path.write_text(f"<html><head><title>Wawancara {html.escape(who)}</title></head><body>{body}</body></html>",
                        encoding="utf-8")
    elif fmt == "docx":
        document = docx.Document()
        document.core_properties.title, document.core_properties.author = f"Wawancara {who}", who
        for line in lines:
            document.add_paragraph(line)
        document.save(str(path))
    elif fmt == "odt":
        document = OpenDocumentText()
        document.meta.addElement(dc.Title(text=f"Wawancara {who}"))
        document.meta.addElement(dc.Creator(text=who))
        for line in lines:
            document.text.addElement(odf_text.P(text=line))
        document.save(str(path))
    elif fmt == "pdf":
        _write_pdf(path, lines, who)
    elif fmt in ("vtt", "srt"):
        path.write_text(_captions(fmt, turns), encoding="utf-8")
    elif fmt == "csv":
        with open(path, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([["speaker", "text"], *turns])
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = who[:31]
        book.properties.creator, book.properties.title = who, f"Wawancara {who}"
        for row in [["speaker", "text"], *turns]:
            sheet.append(row)
        book.save(path)
    return path


def _write_pdf(path: Path, lines: list[str], who: str) -> None:
    """One line per turn on a page wide enough that no line wraps (a wrap would cut a secret)."""
    page = canvas.Canvas(str(path), pagesize=(1400, 842))
    page.setTitle(f"Wawancara {who}")
    page.setAuthor(who)
    page.setFont("Helvetica", 9)
    for i, line in enumerate(lines):
        page.drawString(30, 800 - 20 * i, line)
    page.save()


def _captions(fmt: str, turns: list[tuple[str, str]]) -> str:
    """Subtitles, one cue per turn: WebVTT voice tags, SubRip ``Name:`` prefixes."""
    cues = []
    for n, (label, body) in enumerate(turns, start=1):
        timing = f"00:00:{2 * n:02d}{'.' if fmt == 'vtt' else ','}000 --> 00:00:{2 * n + 1:02d}{'.' if fmt == 'vtt' else ','}500"
        cue = f"<v {label}>{html.escape(body, quote=False)}" if fmt == "vtt" else f"{label}: {body}"
        cues.append(f"{n}\n{timing}\n{cue}")
    return ("WEBVTT\n\n" if fmt == "vtt" else "") + "\n\n".join(cues) + "\n"


UNKNOWN_NAME = NAME.filter(lambda n: zipf(n) < RARE_ZIPF)
"""A name wordfreq does not know: one alone in a manifest note is found there (README)."""


def _write_manifest(folder: Path, source: Path, who: str, other: str) -> None:
    """A manifest naming the file, with the people in its title and a free-text note
    (and, for a workbook, the sheet named after the informant)."""
    rows = [["file", "title", "catatan", "sheet"],
            [source.name, f"Wawancara {who}", f"ditemani ibunya {other} di rumah", who[:31] if source.suffix == ".xlsx" else ""]]
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(case=planted_corpus(), named_file=st.booleans(), other=st.one_of(st.none(), UNKNOWN_NAME))
@pytest.mark.parametrize("fmt", FORMATS)
def test_planted_data_in_a_source_file_of_any_format_reaches_no_output(tmp_path_factory, fmt, case, named_file, other):
    corpus, secrets = case
    turns = [(p.speaker, p.text) for p in corpus.passages]
    folder = tmp_path_factory.mktemp("data")
    # people name files after their informants: the file name holds the name too
    source = _write_source(folder, fmt, turns, stem=f"wawancara_{turns[0][0]}" if named_file else "case")
    if other is not None:  # a manifest whose title, note and sheet hold names (one only there)
        _write_manifest(folder, source, turns[0][0], other)
    loaded = load_corpus(folder)
    text = loaded.documents[0].text
    # a reader may fold runs of spaces (HTML, PDF do): the secret as the loaded text holds it
    secrets = [s if s in text else re.sub(r"\s+", " ", s) for s in secrets]
    assert _leaked(secrets, text) == secrets, (fmt, text)  # the loader read them all
    if other is not None and other not in secrets:
        secrets.append(other)
        assert other in loaded.documents[0].metadata["catatan"]
    out = tmp_path_factory.mktemp("run") / "out"
    write_outputs(analyze(loaded, BOOK, redact=True), out, charts=False)
    assert not _leaked(secrets, _output_text(out)), (fmt, secrets)
