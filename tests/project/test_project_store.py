"""The project store, run against every back end (SQLite file and a real PostgreSQL server)."""

from __future__ import annotations

import random

import pandas as pd
import pytest

import qualkit
from qualkit.agreement import agreement
from qualkit.codebook.model import Code, Codebook, Cue
from qualkit.coding.frame import CODING_COLUMNS, validate_codings
from qualkit.errors import ParameterError, QualkitError
from qualkit.project import PROJECT_COLUMNS, Project, ProjectConflictError, ProjectError, open_project

from project_fixtures import TEXT_A, make_codebook

DOC = "interviews/a.txt"


def span_of(word: str, text: str = TEXT_A) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


@pytest.fixture
def project(where, corpus, book) -> Project:
    with Project.create(where, corpus, book) as p:
        yield p


def test_create_then_open_gives_back_corpus_and_codebook(where, corpus, book):
    Project.create(where, corpus, book).close()
    with open_project(where) as again:
        assert again.corpus() == corpus
        assert again.corpus().documents[0].metadata["pages"] == (1, 2)
        assert again.codebook() == book
        assert again.codings().empty
        assert list(again.codings().columns) == list(PROJECT_COLUMNS)


def test_create_refuses_an_existing_project(where, corpus, book):
    Project.create(where, corpus, book).close()
    with pytest.raises(ProjectError, match="already"):
        Project.create(where, corpus, book)


def test_add_coding_stores_exact_offsets_of_non_ascii_text(project, corpus):
    start, end = span_of("takut 😟 waktu")
    cid = project.add_coding(DOC, start, end, "fear", coder="rina", memo="afraid")
    frame = project.codings()
    row = frame.iloc[0]
    assert (row["id"], row["start"], row["end"], row["code_id"], row["coder"]) == (cid, start, end, "fear", "rina")
    assert TEXT_A[row["start"]:row["end"]] == "takut 😟 waktu"
    assert row["passage_id"] == f"{DOC}#p2" and row["spans"] == f"{start}-{end}"
    assert (row["method"], row["status"], row["confidence"], row["memo"]) == ("manual", "accepted", 1.0, "afraid")
    assert row["codebook_hash"] == project.codebook().hash
    assert row["created"] == row["modified"] and str(row["created"].tz) == "UTC"
    accent = span_of("e\u0301tait")
    project.add_coding(DOC, *accent, "support", coder="rina")
    got = project.codings(coders="rina").set_index("code_id").loc["support"]
    assert TEXT_A[got["start"]:got["end"]] == "e\u0301tait"


@pytest.mark.parametrize("args, match", [
    (("nope.txt", 0, 3, "fear"), "no document"),
    ((DOC, 5, 5, "fear"), "empty or outside"),
    ((DOC, -1, 3, "fear"), "empty or outside"),
    ((DOC, 0, len(TEXT_A) + 1, "fear"), "empty or outside"),
    ((DOC, 0, 2.0, "fear"), "integer offset"),
    ((DOC, 3, 9, "anger"), "not in codebook"),
])
def test_add_coding_rejects_bad_input_and_stores_nothing(project, args, match):
    with pytest.raises(ProjectError, match=match):
        project.add_coding(*args, coder="rina")
    assert project.codings().empty and project.history().empty


def test_add_coding_checks_coder_status_and_method(project):
    with pytest.raises(ProjectError, match="coder="):
        project.add_coding(DOC, 3, 9, "fear", coder="")
    with pytest.raises(ParameterError, match="'status' parameter"):
        project.add_coding(DOC, 3, 9, "fear", coder="rina", status="maybe")
    with pytest.raises(ParameterError, match="'method' parameter"):
        project.add_coding(DOC, 3, 9, "fear", coder="rina", method="guess")


def test_remove_then_undo_brings_back_the_same_coding(project):
    cid = project.add_coding(DOC, *span_of("paspor saya ditahan"), "documents", coder="rina")
    before = project.codings().drop(columns=["modified"])
    project.remove_coding(cid, coder="rina")
    assert project.codings().empty
    project.undo("rina")
    pd.testing.assert_frame_equal(project.codings().drop(columns=["modified"]), before)
    project.redo("rina")
    assert project.codings().empty
    later = project.add_coding(DOC, 3, 9, "fear", coder="rina")
    assert later > cid  # ids are never reused
    with pytest.raises(ProjectError, match="no coding"):
        project.remove_coding(cid, coder="rina")


def test_change_and_status_are_undone_in_reverse_order(project):
    cid = project.add_coding(DOC, *span_of("Saya takut"), "fear", coder="rina", status="proposed",
                             method="suggested", confidence=0.4)
    project.change_coding(cid, coder="rina", code_id="documents", memo="held passport")
    project.set_status(cid, "accepted", coder="rina")
    row = project.codings().iloc[0]
    assert (row["code_id"], row["memo"], row["status"]) == ("documents", "held passport", "accepted")
    assert row["modified"] > row["created"]
    project.undo("rina")
    assert project.codings().iloc[0]["status"] == "proposed"
    project.undo("rina")
    row = project.codings().iloc[0]
    assert (row["code_id"], row["memo"], row["status"], row["confidence"]) == ("fear", "", "proposed", 0.4)
    project.undo("rina")
    assert project.codings().empty
    with pytest.raises(QualkitError, match="nothing to undo"):
        project.undo("rina")
    project.redo("rina")
    project.redo("rina")
    assert project.codings().iloc[0]["code_id"] == "documents"


def test_change_span_moves_the_coding_and_checks_offsets(project):
    cid = project.add_coding(DOC, *span_of("Saya takut"), "fear", coder="rina")
    start, end = span_of("Pendamping dari LSM")
    project.change_coding(cid, coder="rina", start=start, end=end)
    row = project.codings().iloc[0]
    assert (row["start"], row["end"], row["passage_id"]) == (start, end, f"{DOC}#p4")
    with pytest.raises(ProjectError, match="outside"):
        project.change_coding(cid, coder="rina", end=10_000)


def test_undo_is_per_coder(project):
    a = project.add_coding(DOC, *span_of("Saya takut"), "fear", coder="rina")
    b = project.add_coding(DOC, *span_of("paspor"), "documents", coder="budi")
    project.undo("rina")  # rina's last action, although budi acted after her
    assert project.codings()["id"].tolist() == [b]
    with pytest.raises(QualkitError, match="nothing to undo"):
        project.undo("rina")
    project.redo("rina")
    assert sorted(project.codings()["id"]) == [a, b]
    project.undo("budi")
    assert project.codings()["id"].tolist() == [a]


def test_new_action_clears_redo(project):
    project.add_coding(DOC, 3, 9, "fear", coder="rina")
    project.undo("rina")
    project.add_coding(DOC, 3, 9, "support", coder="rina")
    with pytest.raises(QualkitError, match="nothing to redo"):
        project.redo("rina")


def test_undo_after_another_coders_change_keeps_their_change(project):
    cid = project.add_coding(DOC, *span_of("Saya takut"), "fear", coder="rina")
    project.change_coding(cid, coder="rina", code_id="documents")
    project.change_coding(cid, coder="budi", memo="budi's note")
    project.undo("rina")  # reverts rina's code change only
    row = project.codings().iloc[0]
    assert (row["code_id"], row["memo"]) == ("fear", "budi's note")


def test_undo_that_would_overwrite_someone_else_raises_and_changes_nothing(project):
    cid = project.add_coding(DOC, *span_of("Saya takut"), "fear", coder="rina")
    project.set_status(cid, "rejected", coder="budi")
    before, log = project.codings(), project.history()
    with pytest.raises(ProjectConflictError, match="coding .* was changed by someone else"):
        project.undo("rina")
    pd.testing.assert_frame_equal(project.codings(), before)
    pd.testing.assert_frame_equal(project.history(), log)
    project.remove_coding(cid, coder="budi")
    with pytest.raises(ProjectConflictError, match="was removed"):
        project.undo("rina")


def test_history_is_append_only_and_complete(project):
    cid = project.add_coding(DOC, 3, 9, "fear", coder="rina")
    project.change_coding(cid, coder="rina", memo="m")
    project.undo("rina")
    project.remove_coding(cid, coder="budi")
    log = project.history()
    assert log["action"].tolist() == ["add", "change", "undo", "remove"]
    assert log["coder"].tolist() == ["rina", "rina", "rina", "budi"]
    assert log["before"][0] is None and log["after"][0]["code_id"] == "fear"
    assert log["after"][1]["memo"] == "m" and log["after"][2]["memo"] == ""
    assert log["undoes"][2] == log["action_id"][1] and log["after"][3] is None
    assert project.history(coding_id=cid)["id"].tolist() == log["id"].tolist()


def test_add_codings_imports_auto_coding_as_proposed_and_one_undo_removes_it(project, corpus, book):
    cued = Codebook(name="synthetic", codes=(Code(id="fear", name="Fear", cues=(Cue("takut"),)),))
    auto = qualkit.code(corpus, cued)
    with pytest.raises(ProjectError, match="made with codebook"):
        project.add_codings(auto, coder="rina")
    project.set_codebook(cued)
    assert len(auto) >= 1
    ids = project.add_codings(auto, coder="rina")
    got = project.codings(status="proposed")
    assert sorted(got["id"]) == sorted(ids)
    assert set(got["method"]) == {"auto"} and set(got["coder"]) == {"auto"}
    assert (got["cue"] != "").all()
    project.set_status(ids[0], "accepted", coder="rina")
    assert project.codings(status="accepted")["id"].tolist() == [ids[0]]
    project.undo("rina")
    project.undo("rina")
    assert project.codings().empty


def test_add_codings_stores_nothing_when_one_row_is_bad(project):
    frame = pd.DataFrame({"doc_id": [DOC, DOC], "start": [3, 5], "end": [9, 4_000],
                          "code_id": ["fear", "fear"], "coder": ["auto", "auto"]})
    with pytest.raises(ProjectError, match="row 1"):
        project.add_codings(frame, coder="rina")
    assert project.codings().empty and project.history().empty
    with pytest.raises(ProjectError, match="lacks column"):
        project.add_codings(frame.drop(columns=["code_id"]), coder="rina")
    other = frame.iloc[:1].assign(codebook_hash="0123456789ab")
    with pytest.raises(ProjectError, match="made with codebook 0123456789ab"):
        project.add_codings(other, coder="rina")
    with pytest.raises(ProjectError, match="spans"):
        project.add_codings(frame.iloc[:1].assign(spans="3-9;9-2"), coder="rina")
    assert project.codings().empty and project.history().empty


def test_add_codings_keeps_several_spans_and_marks_imports(project, book):
    frame = pd.DataFrame({"doc_id": [DOC], "start": [3], "end": [9], "spans": ["3-9;40-45"],
                          "code_id": ["fear"], "coder": ["ana"], "codebook_hash": [book.hash]})
    project.add_codings(frame, coder="rina", status="accepted")
    row = project.codings().iloc[0]
    assert (row["spans"], row["coder"], row["method"], row["status"]) == ("3-9;40-45", "ana", "imported", "accepted")


def test_codings_filters_by_coder_and_status(project):
    project.add_coding(DOC, 3, 9, "fear", coder="rina")
    project.add_coding(DOC, 3, 9, "fear", coder="budi", status="proposed")
    project.add_coding("notes/b.txt", 0, 10, "support", coder="sari", status="rejected")
    assert set(project.codings(coders=["rina", "budi"])["coder"]) == {"rina", "budi"}
    assert project.codings(status=["proposed", "rejected"])["coder"].tolist() == ["budi", "sari"]
    assert project.codings(coders="rina", status="proposed").empty
    with pytest.raises(ParameterError):
        project.codings(status="done")
    assert project.codings(documents="notes/b.txt")["coder"].tolist() == ["sari"]
    assert len(project.codings(documents=[DOC, "notes/b.txt"], status="accepted")) == 1
    with pytest.raises(ProjectError, match="no document"):
        project.codings(documents="nope.txt")


def test_last_change_moves_with_every_action(project):
    assert project.last_change() == 0
    cid = project.add_coding(DOC, 3, 9, "fear", coder="rina")
    first = project.last_change()
    project.undo("rina")
    assert project.last_change() > first > 0 and project.history()["coding_id"].tolist() == [cid, cid]


def test_codings_table_feeds_agreement_and_analysis(project, corpus, book):
    for coder in ("rina", "budi"):
        project.add_coding(DOC, *span_of("Saya takut"), "fear", coder=coder)
    project.add_coding(DOC, *span_of("Pendamping dari LSM"), "support", coder="rina")
    frame = project.codings(status="accepted")
    table = agreement(frame)
    assert set(table["code_id"]) >= {"fear", "support"}
    result = qualkit.analyze(project.corpus(), project.codebook(), codings=frame, redact=False)
    assert len(result.codings) >= 1


def test_new_codebook_version_keeps_old_hashes(project, book):
    old = project.add_coding(DOC, 3, 9, "fear", coder="rina")
    new_book = make_codebook(extra=("shame",))
    assert project.set_codebook(new_book) == new_book.hash
    new = project.add_coding(DOC, 3, 9, "shame", coder="rina")
    hashes = project.codings().set_index("id")["codebook_hash"]
    assert hashes[old] == book.hash and hashes[new] == new_book.hash
    assert project.codebooks()["hash"].tolist() == [book.hash, new_book.hash]
    project.set_codebook(book)  # going back makes the old version current again
    assert project.codebook() == book
    with pytest.raises(ProjectError, match="not in codebook"):
        project.add_coding(DOC, 3, 9, "shame", coder="rina")


def test_notebook_summary_counts_codings(project):
    project.add_coding(DOC, 3, 9, "fear", coder="rina")
    project.add_coding(DOC, 3, 9, "fear", coder="budi", status="proposed")
    shown = project._repr_html_()
    assert "2 codings (1 accepted, 1 proposed) by 2 coder(s)" in shown and "2 documents" in shown


def test_memos(project):
    mid = project.add_memo("First reading: fear dominates.", coder="rina", doc_id=DOC, code_id="fear")
    memos = project.memos()
    assert memos["id"].tolist() == [mid] and memos["doc_id"][0] == DOC
    with pytest.raises(ProjectError, match="no document"):
        project.add_memo("x", coder="rina", doc_id="nope")


def test_open_rejects_what_is_not_a_project(tmp_path):
    with pytest.raises(ProjectError, match="no project file"):
        open_project(tmp_path / "missing.qkproj")
    junk = tmp_path / "junk.qkproj"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(ProjectError, match="not a readable project"):
        open_project(junk)


def test_codings_table_matches_what_was_stored_in_pandas_order(project, corpus):
    rng = random.Random(3)
    added = {}
    for _ in range(60):
        p = rng.choice(corpus.passages)
        start = rng.randrange(p.start, p.end)
        end = rng.randrange(start + 1, p.end + 1)
        code, coder = rng.choice(["fear", "documents", "support"]), rng.choice(["rina", "budi", "ana"])
        cid = project.add_coding(p.doc_id, start, end, code, coder=coder, status=rng.choice(["accepted", "proposed"]))
        added[cid] = (p.doc_id, p.id, start, end, code, coder, f"{start}-{end}")
    frame = project.codings()
    got = {r.id: (r.doc_id, r.passage_id, r.start, r.end, r.code_id, r.coder, r.spans) for r in frame.itertuples()}
    assert got == added
    expected = frame.sort_values(["doc_id", "start", "code_id", "coder", "id"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(frame, expected)
    assert validate_codings(frame[list(CODING_COLUMNS)]).shape == (60, len(CODING_COLUMNS))
