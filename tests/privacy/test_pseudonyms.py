"""Pseudonyms follow templates, persist across runs; preview, summary, codebook, mapping."""

from __future__ import annotations

import time

import pytest

from qualkit.codebook.model import Code, Codebook, Example
from qualkit.corpus import Corpus, Document, Passage
from qualkit.errors import ParameterError
from qualkit.privacy import Redactor, read_mapping
from qualkit.privacy.names import NameIndex, name_key


def _corpus(*docs: tuple[str, str, str | None]) -> Corpus:
    documents, passages = [], []
    for doc_id, text, group in docs:
        doc = Document(id=doc_id, text=text, informant_group=group)
        documents.append(doc)
        pos = 0
        for n, line in enumerate(text.split("\n")):
            label, sep, rest = line.partition(": ")
            if sep:
                start = pos + len(label) + 2
                role = "interviewer" if label.startswith("Pewawancara") else "informant"
                passages.append(Passage(doc_id=doc_id, id=f"{doc_id}#p{n}", start=start, end=start + len(rest),
                                        speaker=label, role=role).with_text(doc))
            pos += len(line) + 1
    return Corpus(documents=tuple(documents), passages=tuple(passages))


def test_templates_from_a_study_file_and_neutral_defaults():
    corpus = _corpus(("a.txt", "Wulan: halo\nRina: hai\nPak Darto datang.", "victim"))
    default = Redactor().fit(corpus).transform(corpus).documents[0].text
    assert default == "Participant 1: halo\nParticipant 2: hai\nPak Person 1 datang."
    study = Redactor(pseudonyms={"victim": "Korban {letter}", "person": "Orang {n}"}).fit(corpus)
    assert study.transform(corpus).documents[0].text == "Korban A: halo\nKorban B: hai\nPak Orang 1 datang."
    with pytest.raises(ParameterError, match="exactly one of"):
        Redactor(pseudonyms={"informant": "Participant"}).fit(corpus)


def test_people_keep_their_pseudonyms_when_files_are_added(tmp_path):
    first = _corpus(("b.txt", "Rina: hai", None), ("c.txt", "Tono Sugiarto: ya", None))
    r1 = Redactor().fit(first)
    mapping = r1.write_mapping(tmp_path / "out.reidentification.csv")
    before = dict(zip(r1.names_["name"], r1.names_["pseudonym"]))
    # a new file sorts first and brings two new people
    second = _corpus(("a.txt", "Wulan: halo\nAgus: ya", None), *[(d.id, d.text, None) for d in first.documents])
    r2 = Redactor(previous=mapping).fit(second)
    after = dict(zip(r2.names_["name"], r2.names_["pseudonym"]))
    assert {k: after[k] for k in before} == before
    assert {after["Wulan"], after["Agus"]} == {"Participant 3", "Participant 4"}
    assert read_mapping(mapping)["tono sugiarto"] == before["Tono Sugiarto"]


def test_preview_lists_kind_original_count_context_and_summary_has_no_originals():
    corpus = _corpus(("a.txt", "Wulan: HP saya 0812-3456-7819, Wulan takut.", None))
    table = Redactor().preview(corpus)
    assert list(table.columns) == ["kind", "original", "replacement", "count", "context"]
    row = table[table["original"] == "Wulan"].iloc[0]
    assert row["count"] == 2 and "takut" in table.loc[table["kind"] == "phone", "context"].iloc[0]
    r = Redactor().fit(corpus)
    assert list(r.summary_.columns) == ["kind", "replacement", "count"]
    assert "Wulan" not in r.summary_.to_csv() and "0812" not in r.summary_.to_csv()


def test_redact_codebook_covers_descriptions_memos_and_examples():
    corpus = _corpus(("a.txt", "Wulan: halo", None))
    book = Codebook(name="b", codes=(Code(id="fear", name="Fear", description="As Wulan said",
                                          memo="call 0812-3456-7819", examples=(Example(text="Bu Sukesih takut"),)),))
    safe = Redactor().fit(corpus).redact_codebook(book)
    code = safe.codes[0]
    assert code.description == "As Participant 1 said" and code.memo == "call [PHONE]"
    assert "Sukesih" not in code.examples[0].text
    assert book.codes[0].description == "As Wulan said"  # the original is not changed


def test_cli_preview_prints_and_writes_nothing(tmp_path, capsys):
    from qualkit import cli

    data = tmp_path / "data"
    data.mkdir()
    (data / "a.txt").write_text("Pewawancara: siapa?\nDarmaji: saya, HP 0812 3456 7819\n", encoding="utf-8")
    before = sorted(tmp_path.rglob("*"))
    assert cli.main(["redact", str(data), "--preview"]) == 0
    out = capsys.readouterr().out
    assert "Darmaji" in out and "phone" in out and "name" in out
    assert sorted(tmp_path.rglob("*")) == before


def _per_word(index: NameIndex, text: str) -> float:
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        sum(1 for _ in index.finditer(text))
        best = min(best, time.perf_counter() - t)
    return best / len(text.split()) * 1e6


def test_name_matching_cost_is_near_flat_in_the_number_of_names():
    words = ("saya pergi ke pasar dengan Wulan lalu pulang dan makan bersama keluarga " * 2000).split()
    text = " ".join(words)
    costs = {}
    for n in (10, 1_000, 16_000):
        names = {name_key(f"Nama{chr(97 + i % 26)}{i} Keluarga{i}"): f"Person {i}" for i in range(n)}
        names[("wulan",)] = "Person 0"
        costs[n] = _per_word(NameIndex.build(names), text)
    assert costs[16_000] < 3 * costs[10], costs
