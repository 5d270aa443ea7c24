"""Real third-party files in ../shared/realdata load into sensible turns and passages."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import qualkit
from qualkit.loading import load_document

from loading_helpers import check_offsets

REALDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata"
pytestmark = pytest.mark.skipif(not REALDATA.is_dir(), reason=f"real data folder {REALDATA} is absent")
PDPILOT = REALDATA / "pdpilot_user_study"


@pytest.mark.parametrize("n", range(1, 8))
def test_pdpilot_transcripts_have_both_speakers(n):
    doc, ps = load_document(PDPILOT / f"P{n}.txt", interviewers=["Dan"])
    check_offsets(doc, ps)
    speakers = Counter(p.speaker for p in ps)
    assert speakers["Dan"] >= 40 and speakers["Participant"] >= 40
    assert sum(speakers.values()) - speakers[None] >= 90
    assert all(p.role == ("interviewer" if p.speaker == "Dan" else "informant") for p in ps if p.speaker)
    assert doc.language == "en"
    assert not any(p.text.startswith(("Dan:", "Participant:")) for p in ps)


def test_pdpilot_pdf_matches_the_text_version():
    doc_pdf, ps_pdf = load_document(PDPILOT / "P1.pdf", interviewers=["Dan"])
    doc_txt, ps_txt = load_document(PDPILOT / "P1.txt", interviewers=["Dan"])
    check_offsets(doc_pdf, ps_pdf)
    assert [p.speaker for p in ps_pdf] == [p.speaker for p in ps_txt]
    assert {p.page for p in ps_pdf} == set(range(1, 6))
    assert [p.page for p in ps_pdf] == sorted(p.page for p in ps_pdf)
    assert [" ".join(p.text.split()) for p in ps_pdf][:10] == [" ".join(p.text.split()) for p in ps_txt][:10]


def test_qualcoder_examples():
    folder = REALDATA / "qualcoder_examples"
    doc, ps = load_document(folder / "transcript.txt")
    check_offsets(doc, ps)
    assert [p.speaker for p in ps] == ["id1", "id2", "id3", "id1", "id3", "id1", "id2"]
    assert ps[0].text.startswith("hello, I like the course.")
    for name in ("ID1.docx", "ID2.odt"):
        doc, ps = load_document(folder / name)
        check_offsets(doc, ps)
        assert len(ps) == 3 and all(p.unit == "paragraph" for p in ps)
    assert "€200.00" in doc.text


def test_serdif_think_aloud_odt():
    for name in ("P1_GMT20211118.odt", "P2_GMT20211119.odt"):
        doc, ps = load_document(REALDATA / "serdif_usability_thinkaloud" / name)
        check_offsets(doc, ps)
        assert len(ps) > 150 and doc.language == "en"
        assert any("MODERATOR" in p.text for p in ps)


def test_indonesian_regulation_markdown_sections():
    doc, ps = load_document(REALDATA / "indonesian" /
                            "perda_diy_6_2025_pencegahan_penanganan_korban_perdagangan_orang.md")
    check_offsets(doc, ps)
    assert doc.language == "id" and len(ps) > 200
    sections = {p.section for p in ps}
    assert {"Menimbang", "Mengingat", "Pasal 1"} <= sections
    assert all(p.speaker is None for p in ps)


def test_policy_markdown_paragraphs():
    doc, ps = load_document(REALDATA / "policy" / "us_hr5490_119th_dismantle_foreign_scam_syndicates_act_IH.md")
    check_offsets(doc, ps)
    assert doc.language == "en" and len(ps) > 50
    assert any(p.section == "2. Findings" for p in ps)
    assert max(len(p.text) for p in ps) < 3000


def test_whole_realdata_folder_loads_every_transcript_and_document():
    corpus = qualkit.load_corpus(REALDATA)
    ids = {d.id for d in corpus.documents}
    expected = {f"pdpilot_user_study/P{n}.txt" for n in range(1, 8)} | {
        "pdpilot_user_study/P1.pdf", "qualcoder_examples/transcript.txt", "qualcoder_examples/ID1.docx",
        "qualcoder_examples/ID2.odt", "serdif_usability_thinkaloud/P1_GMT20211118.odt",
        "serdif_usability_thinkaloud/P2_GMT20211119.odt",
        "indonesian/perda_diy_6_2025_pencegahan_penanganan_korban_perdagangan_orang.md",
        "policy/us_hr5490_119th_dismantle_foreign_scam_syndicates_act_IH.md",
    }
    assert expected <= ids
    for d in corpus.documents:
        check_offsets(d, corpus.passages_of(d.id))
    # LICENSE files are skipped as unsupported, with a reason
    assert any(p.path.endswith("LICENSE") and p.skipped for p in corpus.problems)
