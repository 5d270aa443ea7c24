"""The coding view driven as the browser drives it: the messages its JavaScript sends."""

from __future__ import annotations

import pytest
from widget_fixtures import TEXT_A, TEXT_CRLF, utf16

from qualkit.errors import QualkitError
from qualkit.project import open_project
from qualkit.widgets import CodingView


def select(view: CodingView, phrase: str, occurrence: int = 0) -> tuple[int, int]:
    """The UTF-16 offsets a browser reports for ``phrase`` selected in the shown text."""
    text = view.text
    i = -1
    for _ in range(occurrence + 1):
        i = text.index(phrase, i + 1)
    return utf16(text, i), utf16(text, i + len(phrase))


def add(view: CodingView, phrase: str, code: str = "fear") -> None:
    start, end = select(view, phrase)
    view.handle({"type": "add", "start": start, "end": end, "code": code})


def stored(project, coder: str = "rina"):
    return project.codings(coders=coder).sort_values("id").reset_index(drop=True)


@pytest.mark.parametrize("redact", [True, False])
def test_selecting_text_after_emoji_stores_exact_code_point_offsets(project, redact):
    view = CodingView(project, coder="rina", redact=redact)
    add(view, "takut sekali 😟👩🏽‍⚕️")
    add(view, "café étaıt"[:5], code="support")  # "café" with a precomposed é
    add(view, "e\u0301tait", code="support")       # combining accent
    rows = stored(project)
    doc = project.document("interviews/a.txt")
    assert [doc.text[s:e] for s, e in zip(rows["start"], rows["end"])] == \
        ["takut sekali 😟👩🏽‍⚕️", "café", "e\u0301tait"]
    assert rows.loc[0, "start"] == TEXT_A.index("takut")
    assert list(rows["method"]) == ["manual"] * 3
    assert view.selected == rows.loc[2, "id"]


def test_crlf_document(project):
    view = CodingView(project, coder="rina", document="notes/b.txt")
    assert view.text == TEXT_CRLF  # nothing to redact: shown as stored, CR kept
    add(view, "dikembalikan 🙂 kemarin")
    add(view, "pulang.\r\nPaspor", code="documents")
    rows = stored(project)
    assert [TEXT_CRLF[s:e] for s, e in zip(rows["start"], rows["end"])] == \
        ["dikembalikan 🙂 kemarin", "pulang.\r\nPaspor"]


def test_a_selection_touching_a_pseudonym_codes_the_whole_original_name(project):
    view = CodingView(project, coder="rina")
    assert "Sari" not in view.text and "081234567890" not in view.text
    assert "Sari" not in str(view.get_state())  # nothing original reaches the browser
    i = view.text.rindex("Participant 1")
    view.handle({"type": "add", "start": utf16(view.text, i + 4),  # from inside the pseudonym
                 "end": utf16(view.text, i + len("Participant 1.")), "code": "fear"})
    add(view, "Telepon [PHONE]", code="support")
    rows = stored(project)
    doc = project.document("interviews/a.txt")
    assert [doc.text[s:e] for s, e in zip(rows["start"], rows["end"])] == \
        ["Sari Dewi.", "Telepon 081234567890"]
    # shown back as highlights over the pseudonym, not over the original's length
    spans = {h[3]: view.text.encode("utf-16-le")[2 * h[1]:2 * h[2]].decode("utf-16-le") for h in view.highlights}
    assert spans == {"fear": "Participant 1.", "support": "Telepon [PHONE]"}


def test_whitespace_around_a_selection_is_trimmed(project):
    view = CodingView(project, coder="rina", redact=False)
    add(view, " ditahan agen 🛂 ")
    rows = stored(project)
    assert TEXT_A[rows.loc[0, "start"]:rows.loc[0, "end"]] == "ditahan agen 🛂"


def test_remove_recode_memo_undo_by_message(project):
    view = CodingView(project, coder="rina", redact=False)
    add(view, "Paspor saya ditahan")
    cid = view.selected
    view.handle({"type": "recode", "id": cid, "code": "documents"})
    view.handle({"type": "memo", "id": cid, "memo": "held by the agent"})
    row = stored(project).iloc[0]
    assert (row["code_id"], row["memo"]) == ("documents", "held by the agent")
    assert [h[7] for h in view.highlights] == ["held by the agent"]
    view.handle({"type": "remove", "id": cid})
    assert stored(project).empty and view.highlights == [] and view.selected == -1
    view.handle({"type": "undo"})
    assert list(stored(project)["id"]) == [cid] and [h[0] for h in view.highlights] == [cid]


def test_accept_and_reject_proposed_codings(project):
    a = project.add_coding("interviews/a.txt", TEXT_A.index("takut"), TEXT_A.index("takut") + 5, "fear",
                           coder="auto", method="auto", status="proposed")
    b = project.add_coding("interviews/a.txt", TEXT_A.index("Paspor"), TEXT_A.index("Paspor") + 6, "documents",
                           coder="suggester", method="suggested", status="proposed", confidence=0.6)
    view = CodingView(project, coder="rina")
    assert {h[0]: (h[4], h[5]) for h in view.highlights} == {a: ("auto", "proposed"), b: ("suggested", "proposed")}
    view.handle({"type": "status", "id": a, "status": "accepted"})
    view.handle({"type": "status", "id": b, "status": "rejected"})
    assert dict(zip(project.codings()["id"], project.codings()["status"])) == {a: "accepted", b: "rejected"}
    assert [(h[0], h[5]) for h in view.highlights] == [(a, "accepted")]  # rejected: hidden
    assert list(project.history()["coder"])[-2:] == ["rina", "rina"]


def test_kinds_and_blind_mode(project):
    s = TEXT_A.index("Paspor")
    project.add_coding("interviews/a.txt", s, s + 6, "documents", coder="budi")
    project.add_coding("interviews/a.txt", s, s + 6, "documents", coder="auto", method="auto", status="proposed")
    project.add_coding("interviews/a.txt", s, s + 11, "documents", coder="rina")
    kinds = sorted(h[4] for h in CodingView(project, coder="rina").highlights)
    assert kinds == ["auto", "other", "own"]
    blind = CodingView(project, coder="rina", blind=True)
    assert [(h[4], h[6]) for h in blind.highlights] == [("own", "rina")]
    blind.blind = False  # switched in the notebook: the view follows
    assert len(blind.highlights) == 3


def test_problems_are_shown_and_store_nothing(project):
    view = CodingView(project, coder="rina")
    view.handle({"type": "add", "start": 5, "end": 5, "code": "fear"})
    assert "select some text" in view.message
    start, end = select(view, "takut")
    view.handle({"type": "add", "start": start, "end": end, "code": "no_such_code"})
    assert "no_such_code" in view.message
    view.handle({"type": "add", "start": 0, "end": 10**6, "code": "fear"})
    assert "outside the text" in view.message
    assert stored(project).empty


def test_a_reopened_project_shows_every_coding_again(project, tmp_path):
    view = CodingView(project, coder="rina")
    add(view, "takut sekali")
    shown = view.highlights
    project.close()
    again = CodingView(open_project(tmp_path / "study.qkproj"), coder="rina")
    assert again.highlights == shown and again.text == view.text


def test_open_another_document_and_poll_for_other_kernels(project, tmp_path):
    view = CodingView(project, coder="rina")
    view.handle({"type": "open", "doc": 1})
    assert view.doc_id == "notes/b.txt" and view.highlights == []
    other = open_project(tmp_path / "study.qkproj")  # another kernel, same file
    other.add_coding("notes/b.txt", 0, 7, "support", coder="budi")
    view.handle({"type": "poll"})
    assert [(h[3], h[6]) for h in view.highlights] == [("support", "budi")]


def test_turns_and_codebook_panel(project):
    view = CodingView(project, coder="rina")
    speakers = [(b[3], b[4]) for b in view.blocks]
    assert ("Pewawancara", "interviewer") in speakers and ("Participant 1", "informant") in speakers
    for lead, start, end, _, _ in view.blocks:
        assert lead <= start <= end <= len(view.text.encode("utf-16-le")) // 2
    codes = {c["id"]: c for c in view.codes}
    assert codes["fear_agent"]["depth"] == 1 and codes["fear"]["key"] == "1"
    assert [c["id"] for c in view.codes][:2] == ["fear", "fear_agent"]


def test_parameters_are_checked(project):
    with pytest.raises(QualkitError, match="'coder' parameter"):
        CodingView(project, coder="")
    with pytest.raises(QualkitError, match="'project' parameter"):
        CodingView("study.qkproj", coder="rina")
    with pytest.raises(QualkitError, match="no document"):
        CodingView(project, coder="rina", document="nope.txt")


def test_code_phrase_takes_the_browser_path(project):
    view = CodingView(project, coder="rina")
    cid = view.code_phrase("[PHONE]", "fear")
    row = project.codings().set_index("id").loc[cid]
    assert TEXT_A[row["start"]:row["end"]] == "081234567890"
    with pytest.raises(QualkitError, match="no passage"):
        view.code_phrase("Participant 1", "fear", occurrence=2)  # a speaker label, not a turn
    with pytest.raises(QualkitError, match="not shown"):
        view.code_phrase("Sari Dewi", "fear")  # the original name is not on screen
    with pytest.raises(QualkitError, match="no_such"):
        view.code_phrase("takut", "no_such")


def test_a_redactor_fitted_on_other_texts_is_refused(project):
    from widget_fixtures import make_corpus

    from qualkit.corpus import Corpus
    from qualkit.privacy import Redactor

    other = Corpus(documents=(make_corpus().documents[1],), passages=())
    with pytest.raises(QualkitError, match="not fitted on the project's text"):
        CodingView(project, coder="rina", redact=Redactor().fit(other))
    fitted = CodingView(project, coder="rina", redact=Redactor(name_style="tag").fit(project.corpus()))
    assert "Sari" not in fitted.text and "[NAME]" in fitted.text


def test_a_selection_starting_on_a_speaker_label_starts_at_the_turn(project):
    view = CodingView(project, coder="rina")
    add(view, "Participant 1: Paspor saya")  # as a triple-click on the turn begins
    rows = stored(project)
    assert TEXT_A[rows.loc[0, "start"]:rows.loc[0, "end"]] == "Paspor saya"
