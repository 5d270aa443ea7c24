"""Code groups (ATLAS.ti) and document groups (MAXQDA, REFI-QDA source sets) come in.

The figures on the real exports in ``../shared/realdata/exports`` were measured on those
files; the exports without any group say so (their group columns and tables are empty).
"""

from __future__ import annotations

import csv
import shutil
import sqlite3
import zipfile
from collections import Counter
from pathlib import Path

import pytest
import yaml

import qualkit
from qualkit import cli
from qualkit.errors import ExchangeError, ParameterError
from qualkit.exchange import import_codings, import_to_folder, read_folder
from qualkit.exchange.groups import DOCUMENT_GROUP, GROUP_FACET, read_code_groups

EXPORTS = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata" / "exports"
ATLAS = EXPORTS / "atlasti_edgeai"
MAXQDA = EXPORTS / "maxqda_letters"
LETTERS = MAXQDA / "data-letters" / "texts_for_maxqdar_test"
real = pytest.mark.skipif(not EXPORTS.is_dir(), reason="../shared/realdata/exports is not present")


@pytest.fixture(scope="module")
def fragments(tmp_path_factory):
    """The ATLAS.ti document rebuilt from the study's fragments (as test_import_real does)."""
    folder = tmp_path_factory.mktemp("atlas")
    with (ATLAS / "all_collected_fragments.csv").open(encoding="utf-8-sig") as f:
        texts = [row["fragments"] for row in csv.DictReader(f)]
    (folder / "[ATLAS] - Codifying Fragments.txt").write_text("\n\n".join(texts), encoding="utf-8")
    return qualkit.load_corpus(folder)


@pytest.fixture(scope="module")
def letters():
    return qualkit.load_corpus(LETTERS)


# -- ATLAS.ti code groups ------------------------------------------------------------------

@real
def test_atlasti_codebook_export_groups():
    groups = read_code_groups(ATLAS / "20250914_codebook_full.csv")
    assert len(groups.codes) == 465
    assert {g: len(m) for g, m in groups.members().items()} == {"Themes": 18, "ATLAS": 436, "Research 1": 8,
                                                                "Research 2": 3}
    assert all(len(groups.groups[p]) == 1 for p in groups.codes)  # no code in two groups here
    themes = [p for p in groups.members()["Themes"]]
    assert all(len(p) == 1 for p in themes) and ("T1. Edge Connectivity & Communication Protocols",) in themes


@real
def test_atlasti_code_manager_list_names_its_groups_otherwise():
    listed = read_code_groups(ATLAS / "20250914_code_list_frequencies.csv")
    book = read_code_groups(ATLAS / "20250914_codebook_full.csv")
    assert listed.codes == book.codes  # the indented tree gives the same code paths
    assert {g: len(m) for g, m in listed.members().items()} == {"Themes": 18, "ATLAS": 436, "Research_1": 7,
                                                                 "Research_2": 4}
    differ = [p for p in book.codes
              if book.groups[p][0].replace(" ", "_") != listed.groups[p][0]]
    assert differ == [("T11 – Stream Processing & Event‑Driven Architectures (Edge)", "Envio de notificações")]


@real
def test_quotations_with_the_code_groups(fragments):
    export = ATLAS / "20250914_quotation_export.csv"
    plain = import_codings(export, fragments)
    result = import_codings(export, fragments, code_groups=ATLAS / "20250914_codebook_full.csv")
    assert int(result.segments.placed.sum()) == int(plain.segments.placed.sum()) == 393
    book = result.codebook
    assert book.facets[GROUP_FACET] == ("Themes", "ATLAS", "Research 1", "Research 2")
    assert Counter(c.facets.get(GROUP_FACET) for c in book.codes) == Counter(
        {"ATLAS": 436, "Themes": 18, "Research 1": 8, "Research 2": 3, None: 1})
    # the one code without a group is the upstream slip: a quote typed as a code name
    assert [c.name for c in book.codes if GROUP_FACET not in c.facets] == [
        "Check the publishing and receiving messages via MQTTBox."]
    # names with commas stay whole once the codebook is known: 460 codes made of pieces before
    assert len(plain.codebook.codes) == 460 and len(book.codes) == 466
    access = next(c for c in book.codes if c.name == "Access Control")
    assert book.code(access.parent).name == "T2. Security, Privacy & Trust Management"
    assert len(result.codings) == 1462 < len(plain.codings) == 1649
    assert set(result.codings.code_id) <= {c.id for c in book.codes}


def test_a_code_in_two_groups_keeps_the_first_and_names_both(tmp_path):
    path = tmp_path / "codebook.csv"
    path.write_text("Code;Comment;Code Group 1;Code Group 2\nFear: Threats;Being threatened;Emotions;Risks\n"
                    "Fear;;Emotions;\nHelp;;;\n", encoding="utf-8")
    groups = read_code_groups(path)
    assert groups.members() == {"Emotions": [("Fear", "Threats"), ("Fear",)], "Risks": [("Fear", "Threats")]}
    assert groups.groups[("Help",)] == ()
    doc = qualkit.Document(id="i.txt", text="They threatened me. Nobody helped.")
    corpus = qualkit.Corpus(documents=(doc,), passages=(qualkit.Passage(doc_id="i.txt", id="i#p1", start=0,
                                                                        end=len(doc.text)).with_text(doc),))
    seg = tmp_path / "quotations.csv"
    seg.write_text("Document;Codes;Text Content\ni.txt;Fear: Threats;They threatened me\n", encoding="utf-8")
    result = import_codings(seg, corpus, code_groups=groups)
    threats = next(c for c in result.codebook.codes if c.name == "Threats")
    assert threats.facets[GROUP_FACET] == "Emotions" and "code groups: Emotions, Risks" in threats.memo
    assert threats.description == "Being threatened"
    assert [c.name for c in result.codebook.codes] == ["Fear", "Threats", "Help"]  # unused codes come too


def test_a_table_without_groups_is_refused(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("Code;Comment\nFear;\n", encoding="utf-8")
    with pytest.raises(ExchangeError, match="hold no code groups"):
        read_code_groups(path)


def test_a_code_list_whose_group_count_disagrees_is_refused(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Code;;Groups;Number of Groups\n● Fear;;A, B;1\n", encoding="utf-8")
    with pytest.raises(ExchangeError, match="lists 2 groups but 'Number of Groups' says 1") as err:
        read_code_groups(path)
    assert err.value.line == 2


# -- document groups -----------------------------------------------------------------------

@real
def test_the_real_maxqda_exports_have_no_document_groups(letters):
    """Their 'Grupa dokumentów' columns and the .mex Textgroups table are empty."""
    for path in [MAXQDA / "maxqdar" / "test.mex", MAXQDA / "maxqdar" / "test.xls",
                 *sorted((MAXQDA / "data-letters" / "maxqda_tagging_sample").glob("*.xlsx"))]:
        result = import_codings(path, letters)
        assert not any(DOCUMENT_GROUP in d.metadata for d in result.corpus.documents), path.name


@real
def test_maxqda_mex_document_groups(letters, tmp_path):
    """The real .mex with one document group added the way MAXQDA stores it
    (Textgroups row, Texts.GroupID)."""
    mex = tmp_path / "grouped.mex"
    shutil.copyfile(MAXQDA / "maxqdar" / "test.mex", mex)
    db = sqlite3.connect(mex)
    db.execute("INSERT INTO Textgroups (ID, Idx, State, Name, MemoID) VALUES (7, 0, 1, 'Angola letters', 0)")
    db.execute("UPDATE Texts SET GroupID = 7 WHERE Name IN ('0_229', '1_9701')")
    db.commit()
    db.close()
    result = import_codings(mex, letters, document_groups_as="case_id")
    grouped = {d.id: (d.metadata[DOCUMENT_GROUP], d.case_id) for d in result.corpus.documents
               if DOCUMENT_GROUP in d.metadata}
    assert grouped == {"0_229.txt": ("Angola letters", "Angola letters"),
                       "1_9701.txt": ("Angola letters", "Angola letters")}
    assert int(result.segments.placed.sum()) == 367  # as without groups


def _corpus():
    docs = (qualkit.Document(id="nurse_01.txt", text="We escalate early.", informant_group="nurse"),
            qualkit.Document(id="manager_01.txt", text="Budgets are tight."))
    passages = tuple(qualkit.Passage(doc_id=d.id, id=f"{d.id}#p1", start=0, end=len(d.text)).with_text(d)
                     for d in docs)
    return qualkit.Corpus(documents=docs, passages=passages)


def _maxqda_csv(path: Path) -> Path:
    path.write_text("Color,Document group,Document name,Code,Beginning,End,Weight score,Segment\n"
                    ",Ward staff,nurse_01,Escalation,1,1,0,escalate early\n"
                    ",Leads,manager_01,Resources,1,1,0,Budgets are tight\n", encoding="utf-8")
    return path


def test_maxqda_document_group_column(tmp_path):
    result = import_codings(_maxqda_csv(tmp_path / "segments.csv"), _corpus(), document_groups_as="informant_group")
    docs = {d.id: d for d in result.corpus.documents}
    assert docs["nurse_01.txt"].metadata[DOCUMENT_GROUP] == "Ward staff"
    assert docs["nurse_01.txt"].informant_group == "nurse"  # a group already given is kept
    assert docs["manager_01.txt"].informant_group == "Leads"
    assert result.segments.placed.all()


def test_document_groups_as_must_be_a_document_attribute(tmp_path):
    with pytest.raises(ParameterError, match="document_groups_as"):
        import_codings(_maxqda_csv(tmp_path / "segments.csv"), _corpus(), document_groups_as="speaker")


def test_the_imported_folder_keeps_the_document_groups(tmp_path):
    out = tmp_path / "imported"
    import_to_folder(_maxqda_csv(tmp_path / "segments.csv"), out, corpus=_corpus(), redact=False)
    corpus, _, codings = read_folder(out)
    assert {d.id: d.metadata.get(DOCUMENT_GROUP) for d in corpus.documents} == {
        "nurse_01.txt": "Ward staff", "manager_01.txt": "Leads"}
    assert len(codings) == 2


_PROJECT = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="t" origin="test">
<CodeBook><Codes><Code guid="11111111-1111-1111-1111-111111111111" name="Care" isCodable="true"/></Codes></CodeBook>
<Sources>
<TextSource guid="22222222-2222-2222-2222-222222222222" name="nurse_01" plainTextPath="internal://a.txt">
<PlainTextSelection guid="33333333-3333-3333-3333-333333333333" startPosition="0" endPosition="5">
<Coding guid="44444444-4444-4444-4444-444444444444"><CodeRef targetGUID="11111111-1111-1111-1111-111111111111"/>
</Coding></PlainTextSelection></TextSource>
<TextSource guid="55555555-5555-5555-5555-555555555555" name="manager_01" plainTextPath="internal://b.txt"/>
</Sources>
<Sets><Set guid="66666666-6666-6666-6666-666666666666" name="Ward staff">
<MemberSource targetGUID="22222222-2222-2222-2222-222222222222"/></Set>
<Set guid="77777777-7777-7777-7777-777777777777" name="Care codes">
<MemberCode targetGUID="11111111-1111-1111-1111-111111111111"/></Set></Sets>
</Project>"""


def test_refi_source_sets_become_document_groups(tmp_path):
    path = tmp_path / "t.qdpx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", _PROJECT)
        z.writestr("sources/a.txt", "Hello nurses.")
        z.writestr("sources/b.txt", "Hello managers.")
    result = import_codings(path, document_groups_as="informant_group")
    docs = {d.title: d for d in result.corpus.documents}
    assert docs["nurse_01"].metadata[DOCUMENT_GROUP] == "Ward staff"
    assert docs["nurse_01"].informant_group == "Ward staff"
    assert DOCUMENT_GROUP not in docs["manager_01"].metadata
    assert result.codebook.code(result.codings.code_id[0]).facets == {"set": "Care codes"}  # code sets as before


@real
def test_cli_import_with_code_groups(fragments, tmp_path, capsys):
    data = Path(fragments.documents[0].source_path)
    out = tmp_path / "imported"
    code = cli.main(["import", str(ATLAS / "20250914_quotation_export.csv"), "--corpus", str(data), "--out", str(out),
                     "--code-groups", str(ATLAS / "20250914_codebook_full.csv"), "--no-redact"])
    assert code in (0, 1), capsys.readouterr().err  # 1: the one segment that cannot be placed
    book = yaml.safe_load((out / "codebook.yaml").read_text(encoding="utf-8"))
    assert book["facets"][GROUP_FACET] == ["Themes", "ATLAS", "Research 1", "Research 2"]
