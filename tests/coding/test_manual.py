"""Manual coding (CodingSheet), merging coders' codings, and memos."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit.codebook.model import Codebook, Code
from qualkit.coding.frame import CODING_COLUMNS
from qualkit.coding.manual import CodingSheet, merge_codings, read_codings
from qualkit.coding.memos import Memo, MemoBook
from qualkit.corpus import Corpus, Document, Passage
from qualkit.errors import LoadError, QualkitError, ValidationError

TEXT = "P: Apa yang terjadi?\nK: Paspor saya ditahan. Saya takut pulang."


def make_corpus() -> Corpus:
    doc = Document(id="k1.txt", text=TEXT, source_type="interview", informant_group="victim")
    p1 = Passage("k1.txt", "k1.txt#p1", 3, 20, speaker="P", role="interviewer").with_text(doc)
    p2 = Passage("k1.txt", "k1.txt#p2", 24, len(TEXT), speaker="K", role="informant").with_text(doc)
    return Corpus(documents=(doc,), passages=(p1, p2))


BOOK = Codebook(name="t", codes=(Code(id="org_inhibit_documents", name="Documents"),
                                 Code(id="ind_inhibit_fear", name="Fear")))


def test_add_whole_passage_and_span_gives_manual_codings():
    corpus = make_corpus()
    p2 = corpus.passages[1]
    fear_at = TEXT.index("takut")
    sheet = (CodingSheet(coder="rina", codebook=BOOK, codebook_hash="bookv1")
             .add("k1.txt#p2", "org_inhibit_documents", corpus=corpus, memo="passport held")
             .add(p2, "ind_inhibit_fear", start=fear_at, end=fear_at + 5))
    frame = sheet.to_frame()
    assert tuple(frame.columns) == CODING_COLUMNS
    assert set(frame["method"]) == {"manual"} and set(frame["coder"]) == {"rina"}
    assert set(frame["codebook_hash"]) == {"bookv1"}
    fear = frame[frame["code_id"] == "ind_inhibit_fear"].iloc[0]
    assert TEXT[fear["start"]:fear["end"]] == "takut"
    docs = frame[frame["code_id"] == "org_inhibit_documents"].iloc[0]
    assert (docs["start"], docs["end"], docs["memo"]) == (p2.start, p2.end, "passport held")


def test_methods_return_new_sheets_and_never_mutate():
    corpus = make_corpus()
    empty = CodingSheet(coder="rina")
    one = empty.add("k1.txt#p1", "x", corpus=corpus)
    two = one.add("k1.txt#p2", "y", corpus=corpus)
    back = two.remove("k1.txt#p2", "y")
    assert (len(empty), len(one), len(two), len(back)) == (0, 1, 2, 1)
    assert back == one
    with pytest.raises(AttributeError):
        one.coder = "budi"  # type: ignore[misc]


def test_second_span_for_same_code_is_added_to_spans():
    corpus = make_corpus()
    p2 = corpus.passages[1]
    sheet = (CodingSheet(coder="rina").add(p2, "x", start=p2.start, end=p2.start + 6)
             .add(p2, "x", start=p2.end - 6, end=p2.end).add(p2, "x", start=p2.start, end=p2.start + 6))
    frame = sheet.to_frame()
    assert len(frame) == 1
    assert frame.loc[0, "spans"] == f"{p2.start}-{p2.start + 6};{p2.end - 6}-{p2.end}"


@pytest.mark.parametrize("start,end", [(0, 5), (24, 24), (30, 25), (24, len(TEXT) + 1), (2, 30)])
def test_span_outside_passage_is_refused_with_the_passage_named(start, end):
    corpus = make_corpus()
    with pytest.raises(QualkitError, match=r"not inside passage k1.txt#p2"):
        CodingSheet(coder="rina").add("k1.txt#p2", "x", corpus=corpus, start=start, end=end)


def test_unknown_code_passage_and_missing_corpus_are_clear_errors():
    corpus = make_corpus()
    sheet = CodingSheet(coder="rina", codebook=BOOK, codebook_hash="bookv1")
    with pytest.raises(QualkitError, match="'nope' is not in codebook 't'"):
        sheet.add("k1.txt#p2", "nope", corpus=corpus)
    with pytest.raises(QualkitError, match="no passage 'k1.txt#p9'"):
        sheet.add("k1.txt#p9", "ind_inhibit_fear", corpus=corpus)
    with pytest.raises(QualkitError, match="without a corpus"):
        sheet.add("k1.txt#p2", "ind_inhibit_fear")
    with pytest.raises(QualkitError, match="has no coding"):
        sheet.remove("k1.txt#p2", "ind_inhibit_fear")
    with pytest.raises(QualkitError, match="coder"):
        CodingSheet(coder="")


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_span_inside_the_passage_is_kept_exactly(data):
    corpus = make_corpus()
    p = corpus.passages[1]
    s = data.draw(st.integers(p.start, p.end - 1))
    e = data.draw(st.integers(s + 1, p.end))
    row = CodingSheet(coder="rina").add(p, "x", start=s, end=e).to_frame().iloc[0]
    assert (row["start"], row["end"]) == (s, e)
    assert TEXT[row["start"]:row["end"]] == TEXT[s:e]


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_save_load_round_trip(tmp_path, suffix):
    corpus = make_corpus()
    p2 = corpus.passages[1]
    sheet = (CodingSheet(coder="rina", codebook_hash="abc")
             .add(p2, "x", start=p2.start, end=p2.start + 3, memo='kutip "takut", ya')
             .add(p2, "x", start=p2.end - 3, end=p2.end)
             .add("k1.txt#p1", "y", corpus=corpus))
    path = sheet.save(tmp_path / f"rina{suffix}")
    back = CodingSheet.load(path)
    assert back == sheet
    assert back.to_frame().equals(sheet.to_frame())


def test_empty_sheet_round_trips_its_coder_in_json(tmp_path):
    path = CodingSheet(coder="budi", codebook_hash="h1").save(tmp_path / "b.json")
    assert json.loads(path.read_text())["coder"] == "budi"
    assert CodingSheet.load(path) == CodingSheet(coder="budi", codebook_hash="h1")


def test_load_of_several_coders_needs_coder(tmp_path):
    corpus = make_corpus()
    a = CodingSheet(coder="rina").add("k1.txt#p1", "x", corpus=corpus)
    b = CodingSheet(coder="budi").add("k1.txt#p1", "x", corpus=corpus)
    path = tmp_path / "both.csv"
    path.write_text(merge_codings(a, b).to_csv(index=False))
    with pytest.raises(LoadError, match="2 coders"):
        CodingSheet.load(path)
    assert CodingSheet.load(path, coder="budi") == b
    with pytest.raises(QualkitError, match=".csv or .json"):
        a.save(tmp_path / "a.xlsx")


def test_merge_keeps_every_coder_and_collapses_exact_duplicates(tmp_path):
    corpus = make_corpus()
    rina = CodingSheet(coder="rina").add("k1.txt#p2", "x", corpus=corpus).add("k1.txt#p1", "y", corpus=corpus)
    budi = CodingSheet(coder="budi").add("k1.txt#p2", "x", corpus=corpus)
    path = rina.save(tmp_path / "rina.csv")
    merged = merge_codings(path, budi.to_frame(), rina, budi)
    assert sorted(zip(merged["passage_id"], merged["code_id"], merged["coder"])) == [
        ("k1.txt#p1", "y", "rina"), ("k1.txt#p2", "x", "budi"), ("k1.txt#p2", "x", "rina")]
    assert len(read_codings(path)) == 2


def test_merge_conflict_names_both_rows_or_keeps_last():
    corpus = make_corpus()
    first = CodingSheet(coder="rina").add("k1.txt#p2", "x", corpus=corpus, memo="one")
    second = CodingSheet(coder="rina").add("k1.txt#p2", "x", corpus=corpus, memo="two")
    with pytest.raises(QualkitError, match=r"sheet of rina row 0 and sheet of rina row 0 \(differ in memo\)"):
        merge_codings(first, second)
    with pytest.warns(UserWarning, match="keeping the row given last"):
        kept = merge_codings(first, second, on_conflict="last")
    assert kept["memo"].tolist() == ["two"]


def test_memos_round_trip_and_immutability(tmp_path):
    book = (MemoBook()
            .note("code", "ind_inhibit_fear", author="rina", text="Fear, ancaman; \"quoted\"\nline 2",
                  created="2024-03-01T10:00:00+00:00")
            .note("passage", "k1.txt#p2", author="budi", text="Hesitant to go home."))
    assert len(book.add(book.memos[0])) == 2
    for suffix in (".csv", ".json"):
        back = MemoBook.load(book.save(tmp_path / f"memos{suffix}"))
        assert back == book
        assert back.to_frame().equals(book.to_frame())
    assert list(book.to_frame().columns) == ["target_kind", "target_id", "author", "text", "created"]
    smaller = book.remove("passage", "k1.txt#p2")
    assert len(smaller) == 1 and len(book) == 2
    assert book.about("code", "ind_inhibit_fear")[0].author == "rina"


def test_memo_errors_and_check():
    with pytest.raises(QualkitError, match="target_kind"):
        Memo("document", "x", text="t")
    with pytest.raises(QualkitError, match="no text"):
        Memo("code", "x", text="  ")
    book = MemoBook().note("code", "nope", author="a", text="t").note("passage", "k1.txt#p7", author="a", text="t")
    with pytest.raises(ValidationError) as err:
        book.check(codebook=BOOK, corpus=make_corpus())
    assert len(err.value.problems) == 2
    with pytest.raises(QualkitError, match="no memo"):
        book.remove("code", "other")


def test_codebook_hash_is_taken_from_the_codebook_when_not_given():
    assert CodingSheet(coder="rina", codebook=BOOK).codebook_hash == BOOK.hash
