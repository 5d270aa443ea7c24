"""check_codebook: examples run through the matcher, collisions, the printed report."""

from __future__ import annotations

from pathlib import Path

from qualkit.codebook import load_codebook
from qualkit.coding.check import check_codebook
from qualkit.codebook.model import Code, Codebook, Cue, Example

STUDY = Path(__file__).resolve().parents[2] / "codebooks" / "migrant_care.yaml"


def test_study_codebook_passes_its_own_check():
    report = check_codebook(load_codebook(STUDY))
    assert report.ok, str(report)
    assert len(report.examples) >= 3 * 24 and report.examples["ok"].all()
    assert not (report.issues["severity"] == "error").any()
    assert "-> NOT OK" not in str(report)


def test_failing_examples_make_the_report_not_ok():
    code = Code(id="fear", name="Fear", cues=(Cue("takut"),), examples=(
        Example("Saya cemas."),                          # positive but not coded
        Example("Saya takut.", positive=False),          # negative but coded
        Example("Saya ketakutan."),
    ))
    report = check_codebook(Codebook(name="d", codes=(code,)))
    assert not report.ok
    assert report.examples[["expected", "got", "ok"]].values.tolist() == [
        [True, False, False], [False, True, False], [True, True, True]]
    text = str(report)
    assert "NOT OK" in text and "'Saya cemas.' (id) should be coded" in text
    assert len(report.failures) == 2


def test_shared_cue_patterns_between_unrelated_codes_are_errors():
    book = Codebook(name="d", codes=(
        Code(id="group", name="G"),
        Code(id="a", name="A", parent="group", cues=(Cue("Takut"),), examples=(Example("takut"),)),
        Code(id="b", name="B", cues=(Cue("takut"), Cue("cemas")), examples=(Example("cemas"),)),
        Code(id="c", name="C", parent="a", cues=(Cue("takut"),)),   # shared with its parent: fine
    ))
    report = check_codebook(book)
    errors = report.collisions.query("severity == 'error'")
    assert sorted(map(tuple, errors[["code_a", "code_b"]].values.tolist())) == [("a", "b"), ("b", "c")]
    warnings = report.collisions.query("severity == 'warning'")
    assert ("a", "b") in set(map(tuple, warnings[["code_a", "code_b"]].values.tolist()))
    assert not report.ok and "COLLISION a / b" in str(report)


def test_grouping_code_examples_count_hits_on_descendants():
    book = Codebook(name="d", codes=(
        Code(id="group", name="G", examples=(Example("Saya takut."), Example("Saya senang.", positive=False))),
        Code(id="fear", name="F", parent="group", cues=(Cue("takut"),)),
    ))
    assert check_codebook(book).ok


# -- issue 16.5: what check must warn about ---------------------------------------------------
def en_corpus(texts):
    from qualkit.corpus import Corpus, Document, Passage

    docs, passages = [], []
    for i, t in enumerate(texts):
        docs.append(Document(id=f"d{i}.txt", text=t, source_type="document", language="en"))
        passages.append(Passage(f"d{i}.txt", f"d{i}.txt#p1", 0, len(t), t))
    return Corpus(tuple(docs), tuple(passages))


def test_a_codebook_without_examples_does_not_pass_all_checks():
    report = check_codebook(Codebook(name="d", codes=(Code(id="a", name="A", cues=(Cue("takut"),)),)))
    assert not report.ok and "all checks passed" not in str(report)
    assert report.issues["kind"].tolist() == ["no_examples"]


def test_codes_without_examples_are_warned_about():
    book = Codebook(name="d", codes=(
        Code(id="a", name="A", cues=(Cue("takut"),), examples=(Example("takut"),)),
        Code(id="b", name="B", cues=(Cue("cemas"),)),
        Code(id="group", name="G")))                                         # no cues: nothing to test
    report = check_codebook(book)
    assert report.ok and report.issues[["code_id", "kind"]].values.tolist() == [["b", "no_examples"]]
    assert "WARNING b" in str(report) and "all checks passed" not in str(report)


def test_a_cue_inside_another_codes_cue_is_a_warning():
    book = Codebook(name="d", languages=("en",), codes=(
        Code(id="email", name="E", cues=(Cue("email", lang="en"),), examples=(Example("an email", lang="en"),)),
        Code(id="lists", name="L", cues=(Cue("email list", lang="en", kind="phrase"),),
             examples=(Example("the email list", lang="en"),)),
        Code(id="calm", name="C", cues=(Cue("afraid", lang="en"),), examples=(Example("afraid", lang="en"),)),
        Code(id="brave", name="B", cues=(Cue("not afraid", lang="en", kind="phrase"),),
             examples=(Example("not afraid", lang="en"),)),
    ))
    report = check_codebook(book)
    contained = report.collisions.query("kind == 'contained'")
    assert contained[["code_a", "code_b"]].values.tolist() == [["email", "lists"]]   # 'not afraid': negated
    assert "'email'" in contained["detail"].iloc[0] and "WARNING email / lists" in str(report)


def test_with_a_corpus_stems_shared_with_unrelated_frequent_words_are_reported():
    book = Codebook(name="d", languages=("en",), codes=(
        Code(id="defs", name="D", cues=(Cue("definition", lang="en", line=4),),
             examples=(Example("a clear definition", lang="en"),)),
        Code(id="threat", name="T", cues=(Cue("threaten", lang="en"),),
             examples=(Example("they threatened him", lang="en"),)),))
    corpus = en_corpus(["We select definite events.", "Definite events only.", "The definition is vague.",
                        "They threatened us.", "He threatens them.", "A definite no."])
    issues = check_codebook(book, corpus=corpus).issues
    assert issues[["code_id", "kind"]].values.tolist() == [["defs", "stem_collision"]]
    assert "'definite' (3x)" in issues["detail"].iloc[0] and "line 4" in issues["detail"].iloc[0]
    assert check_codebook(book).issues.empty                  # without a corpus: not checked


def test_with_a_corpus_regex_cues_that_match_nothing_are_reported():
    book = Codebook(name="d", languages=("en",), codes=(
        Code(id="yes", name="Y", cues=(Cue("^yes", lang="en", kind="regex"),), examples=(Example("yes", lang="en"),)),
        Code(id="ktp", name="K", cues=(Cue(r"\bKTP\b", lang="en", kind="regex", case=True),),
             examples=(Example("my KTP", lang="en"),)),))
    issues = check_codebook(book, corpus=en_corpus(["Yes, we did.", "No."])).issues
    assert issues[["code_id", "kind"]].values.tolist() == [["ktp", "regex_unmatched"]]
    assert "2 en passages" in issues["detail"].iloc[0]


def test_cli_check_with_corpus(tmp_path, capsys):
    from qualkit import cli
    from qualkit.codebook.io import save_codebook

    book = Codebook(name="d", languages=("en",), codes=(
        Code(id="ktp", name="K", cues=(Cue(r"\bKTP\b", lang="en", kind="regex", case=True),),
             examples=(Example("my KTP", lang="en"),)),))
    path = save_codebook(book, tmp_path / "b.yaml")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "note.txt").write_text("Synthetic note: nothing here.\n", encoding="utf-8")
    assert cli.main(["codebook", "check", str(path), "--corpus", str(tmp_path / "data")]) == 0
    assert "matches none of the" in capsys.readouterr().out
