"""Random personal data planted in random text (in memory and in source files of several
formats): none of it is in any output of a run."""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

import docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualkit.analysis import analyze
from qualkit.codebook.model import Code, Codebook, Cue, Example
from qualkit.corpus import Corpus, Document, Passage
from qualkit.loading import load_corpus
from qualkit.outputs import write_outputs
from qualkit.privacy import Redactor
from qualkit.privacy.names import is_common

WORDS = st.sampled_from("saya takut pergi ke kantor lalu pulang dengan keluarga karena gaji "
                        "tidak dibayar the worker said she was afraid and went home".split())
SEPS = st.sampled_from(["", " ", "  ", "-", "\u00a0", ".", "/", "\u2013", " - "])
NAME = st.lists(st.sampled_from(["ka", "ri", "to", "su", "mar", "di", "wan", "ni", "yo", "sep", "har",
                                 "jo", "gun", "tri", "wer", "zul"]), min_size=3, max_size=4).map(
    lambda parts: "".join(parts).capitalize()).filter(lambda n: not is_common(n))


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


def _output_text(out: Path) -> str:
    parts = []
    for p in out.rglob("*"):
        if p.suffix in (".csv", ".json", ".qdc"):
            parts.append(p.read_text(encoding="utf-8"))
        elif p.suffix in (".docx", ".xlsx", ".qdpx"):
            with zipfile.ZipFile(p) as z:
                parts += [z.read(n).decode("utf-8", "replace") for n in z.namelist() if not n.endswith(".png")]
    return re.sub(r"<[^>]+>", "", "\n".join(parts))


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(planted_corpus())
def test_no_output_of_a_run_holds_the_planted_data(tmp_path_factory, case):
    corpus, secrets = case
    out = tmp_path_factory.mktemp("run") / "out"
    write_outputs(analyze(corpus, BOOK, redact=True), out, charts=False)
    assert not _leaked(secrets, _output_text(out)), secrets


def _write_source(folder: Path, fmt: str, turns: list[tuple[str, str]]) -> None:
    """The planted turns as a source file of one format (``Label: words`` paragraphs)."""
    lines = ["Synthetic test transcript."] + [f"{label}: {body}" for label, body in turns]
    if fmt in ("txt", "md"):
        (folder / f"case.{fmt}").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    elif fmt == "html":
        body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
        (folder / "case.html").write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    else:
        document = docx.Document()
        for line in lines:
            document.add_paragraph(line)
        document.save(str(folder / "case.docx"))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(planted_corpus(), st.sampled_from(["txt", "md", "html", "docx"]))
def test_planted_data_in_a_source_file_of_any_format_reaches_no_output(tmp_path_factory, case, fmt):
    corpus, secrets = case
    turns = [(p.speaker, p.text) for p in corpus.passages]
    folder = tmp_path_factory.mktemp("data")
    _write_source(folder, fmt, turns)
    loaded = load_corpus(folder)
    text = loaded.documents[0].text
    # a reader may fold runs of spaces (HTML does): the secret as the loaded text holds it
    secrets = [s if s in text else re.sub(r"\s+", " ", s) for s in secrets]
    assert _leaked(secrets, text) == secrets  # the loader read them all
    out = tmp_path_factory.mktemp("run") / "out"
    write_outputs(analyze(loaded, BOOK, redact=True), out, charts=False)
    assert not _leaked(secrets, _output_text(out)), (fmt, secrets)
