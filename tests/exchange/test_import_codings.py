"""import_codings on small synthetic exports of each layout (all text here is made up)."""

from __future__ import annotations

import csv

import openpyxl
import pytest

import qualkit
from qualkit.errors import ExchangeError, ParameterError
from qualkit.exchange import detect_format, import_codings

P12 = ("I: How did the work start?\n\n"
       "R: The agent promised a job in a factory. I was afraid.\n\n"
       "I: And later?\n\n"
       "R: They kept my passport. Again I was afraid, every night.\n")
P7 = "I: Tell me about your family.\n\nR: My mother is sick — she needs “medicine”.\n"


@pytest.fixture()
def corpus(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "interview_p12.txt").write_text(P12, encoding="utf-8")
    (folder / "p7.txt").write_text(P7, encoding="utf-8")
    (folder / "manifest.csv").write_text("file,title\ninterview_p12.txt,Interview P12\np7.txt,Family P7\n",
                                         encoding="utf-8")
    return qualkit.load_corpus(folder)


def _xlsx(path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def _csv(path, rows, delimiter=",", bom=False):
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def _placed(result):
    return [(r.doc_id, result.corpus.document(r.doc_id).text[r.start:r.end])
            for r in result.segments[result.segments.placed].itertuples()]


def test_maxqda_german_xlsx_uses_the_paragraph_to_choose_between_repeats(tmp_path, corpus):
    path = _xlsx(tmp_path / "segments.xlsx", [
        ["Dokumentgruppe", "Dokumentname", "Code", "Anfang", "Ende", "Gewicht", "Segment", "Kommentar", "Erstellt von"],
        ["", "Interview P12", "Emotionen\\Angst", 4, 4, 0, "I was afraid", "second one", "anna"],
        ["", "Interview P12", "Emotionen\\Angst", 2, 2, 0, "I was afraid", "", "anna"],
        ["", "Family P7", "Familie", 2, 2, 0, 'she needs "medicine"', "", "ben"],
    ])
    assert detect_format(path) == "maxqda-table"
    result = import_codings(path, corpus)
    starts = result.segments.start.tolist()
    assert starts[0] == P12.index("Again I was afraid") + len("Again ") and starts[1] == P12.index("I was afraid")
    assert _placed(result)[2] == ("p7.txt", "she needs “medicine”")
    book = result.codebook
    assert [(c.name, c.parent) for c in book.codes] == [("Emotionen", None), ("Angst", "emotionen"), ("Familie", None)]
    assert set(result.codings.coder) == {"anna", "ben"}
    assert "second one" in set(result.codings.memo)
    assert result.report.empty and result.unmatched_documents == ()


def test_maxqda_csv_and_html_english(tmp_path, corpus):
    header = ["Color", "Document group", "Document name", "Code", "Beginning", "End", "Weight score", "Segment"]
    row = ["", "", "interview_p12", "Fear", "2", "2", "0", "promised a job  in a\nfactory"]
    result = import_codings(_csv(tmp_path / "s.csv", [header, row], delimiter=";", bom=True), corpus)
    assert _placed(result) == [("interview_p12.txt", "promised a job in a factory")]
    html = ("<html><body><table><tr>" + "".join(f"<th>{h}</th>" for h in header) + "</tr><tr>"
            + "".join(f"<td>{c}</td>" for c in row) + "</tr></table></body></html>")
    (tmp_path / "s.html").write_text(html, encoding="utf-8")
    assert _placed(import_codings(tmp_path / "s.html", corpus)) == [("interview_p12.txt", "promised a job in a factory")]


def test_atlasti_quotations_with_several_codes_and_themes(tmp_path, corpus):
    rows = [["Number", "Reference", "Name", "Text Content", "Document", "Codes", "Number of Codes", "Comment",
             "Start position", "End position", "Creator", "Creation Date"],
            ["1:1", "¶ 4", "", "They kept my passport.", "interview_p12", "Control: Documents\nEmotion: Fear", "2", "", "4", "4",
             "cara", "1/2/25"],
            ["1:2", "¶ 2 – 2", "", "a job that does not exist", "interview_p12", "Control: Deception", "1", "", "2", "2",
             "cara", "1/2/25"]]
    path = _csv(tmp_path / "quotations.csv", rows, bom=True)
    manifest_free = qualkit.load_corpus(tmp_path / "data" / "interview_p12.txt")
    result = import_codings(path, manifest_free)
    assert result.format == "atlasti-table"
    assert result.segments.placed.tolist() == [True, False]
    assert result.report.reason.tolist() == ["the text was not found in the document"]
    tree = {c.name: c.parent for c in result.codebook.codes}
    assert tree == {"Control": None, "Documents": "control", "Emotion": None, "Fear": "emotion", "Deception": "control"}
    assert sorted(result.codings.code_id) == ["documents", "fear"]


def test_tags_column_transcript_with_and_without_a_corpus(tmp_path):
    rows = [["speaker", "text", "tags"], ["I", "Where did you work?", ""],
            ["R", "In a kitchen, far from home.", "work; distance"], ["R", "I missed my son.", "family"]]
    path = _csv(tmp_path / "session.csv", rows)
    alone = import_codings(path)
    assert alone.format == "tags-column" and alone.segments.placed.tolist() == [False, True, True]
    assert alone.report.reason.tolist() == ["the segment has no code"]
    assert sorted(alone.codings.code_id) == ["distance", "family", "work"]
    loaded = import_codings(path, qualkit.load_corpus(path))
    assert _placed(loaded) == [("session.csv", "In a kitchen, far from home."), ("session.csv", "I missed my son.")]


def test_names_matching_nothing_or_several_are_listed(tmp_path, corpus):
    rows = [["id", "document", "tag", "content"], ["1", "Interview P99", "fear", "I was afraid"],
            ["2", "P7.odt", "family", "My mother is sick"]]
    result = import_codings(_csv(tmp_path / "highlights.csv", rows), corpus)
    assert result.format == "taguette-table"
    assert result.unmatched_documents == ("Interview P99",)
    assert result.report.reason.tolist() == ["document 'Interview P99' matches no loaded document"]
    assert _placed(result) == [("p7.txt", "My mother is sick")]


def test_a_repeat_without_a_position_is_placed_first_and_says_so(tmp_path, corpus):
    rows = [["id", "document", "tag", "content"], ["1", "interview_p12.txt", "fear", "I was afraid"]]
    result = import_codings(_csv(tmp_path / "h.csv", rows), corpus)
    assert result.segments.start.tolist() == [P12.index("I was afraid")]
    assert "occurs 2 times" in result.segments.reason.iloc[0]


def test_a_segment_over_two_passages_codes_both(tmp_path, corpus):
    rows = [["id", "document", "tag", "content"], ["1", "interview_p12.txt", "fear", "I was afraid.\n\nI: And later?"]]
    result = import_codings(_csv(tmp_path / "h.csv", rows), corpus)
    codings = result.codings
    assert len(codings) == 2 and codings.passage_id.nunique() == 2
    for row in codings.itertuples():
        assert result.corpus.document(row.doc_id).text[row.start:row.end] in ("I was afraid.", "And later?")


def test_bad_exports_raise_naming_the_file(tmp_path, corpus):
    unknown = _csv(tmp_path / "numbers.csv", [["a", "b"], ["1", "2"]])
    with pytest.raises(ExchangeError, match="numbers.csv"):
        import_codings(unknown, corpus)
    with pytest.raises(ExchangeError, match="no such file"):
        import_codings(tmp_path / "missing.xlsx", corpus)
    with pytest.raises(ParameterError, match="'format' parameter of import_codings"):
        import_codings(unknown, corpus, format="nvivo")
    table = _csv(tmp_path / "h.csv", [["id", "document", "tag", "content"], ["1", "p7", "x", "sick"]])
    with pytest.raises(ExchangeError, match="does not carry the document texts"):
        import_codings(table)


def test_a_refi_project_alone_and_onto_the_same_texts_loaded_again(tmp_path, sample):
    path = sample("minimal_full.qdpx")
    alone = import_codings(path)
    assert alone.format == "refi-qdpx" and alone.segments.placed.all() and len(alone.codings) > 0
    folder = tmp_path / "texts"
    folder.mkdir()
    for doc in alone.corpus.documents:
        (folder / f"{doc.title}.txt").write_text(doc.text, encoding="utf-8")
    again = import_codings(path, qualkit.load_corpus(folder))
    assert again.report.empty
    assert sorted(text for _, text in _placed(again)) == sorted(alone.segments.text)
    assert len(again.codings) == len(alone.codings)
    assert {c.name for c in again.codebook.codes} == {c.name for c in alone.codebook.codes}


def test_web_annotations_with_quote_and_position_selectors(tmp_path, corpus):
    import json

    notes = {"type": "AnnotationCollection", "first": {"type": "AnnotationPage", "items": [
        {"type": "Annotation", "creator": {"name": "dina"}, "created": "2025-01-02T10:00:00Z",
         "body": [{"purpose": "tagging", "value": "Fear"}, {"purpose": "commenting", "value": "strong"}],
         "target": {"source": "file:///study/interview_p12.txt", "selector": [
             {"type": "TextQuoteSelector", "exact": "I was afraid"},
             {"type": "TextPositionSelector", "start": 130, "end": 142}]}},
        {"type": "Annotation", "body": {"value": "Family"},
         "target": {"source": "urn:x:p9", "selector": {"type": "TextQuoteSelector", "exact": "mother"}}}]}}
    path = tmp_path / "notes.jsonld"
    path.write_text(json.dumps(notes), encoding="utf-8")
    result = import_codings(path, corpus)
    assert result.format == "web-annotations"
    assert result.segments.start.tolist()[0] == P12.index("Again I was afraid") + len("Again ")
    assert result.unmatched_documents == ("urn:x:p9",)
    row = result.codings.iloc[0]
    assert (row.coder, row.memo, row.created) == ("dina", "strong", "2025-01-02T10:00:00Z")
