"""analyze() and the Analysis object: tables, CSV output, redaction, notebook display."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from qualkit import Corpus
from qualkit.analysis import MATRIX_NAMES, Analysis, analyze
from qualkit.errors import QualkitError

V, S = "interviews/victim_01.txt", "interviews/staff_01.txt"


class MaskingRedactor:
    """A stand-in for qualkit.privacy.Redactor: masks one word with as many ``#``."""

    def __init__(self, word: str = "Kemlu") -> None:
        self.word = word
        self.fitted_ = False
        self.coded_ = False

    def fit(self, corpus: Corpus) -> "MaskingRedactor":
        self.fitted_ = True
        return self

    def redact_text(self, text: str) -> str:
        return text.replace(self.word, "#" * len(self.word))

    def transform(self, corpus: Corpus) -> Corpus:
        docs = tuple(replace(d, text=self.redact_text(d.text)) for d in corpus.documents)
        by_id = {d.id: d for d in docs}
        ps = tuple(p.with_text(by_id[p.doc_id]) for p in corpus.passages)
        return corpus.replace(documents=docs, passages=ps)

    def transform_codings(self, codings: pd.DataFrame) -> pd.DataFrame:
        self.coded_ = True
        return codings.copy()


def test_analyze_builds_every_table(corpus, book, codings):
    result = analyze(corpus, book, codings=codings, redact=False)
    assert isinstance(result, Analysis) and not result.redacted and result.redactor is None
    stems = set(result.tables())
    assert {"factors", "stages", "triangulation", "conclusions", "quotes", "factor_grid"} <= stems
    for name in MATRIX_NAMES:
        assert f"matrix_{name}" in stems and f"matrix_{name}_long" in stems
    assert result.factors["code_id"].tolist() == ["gov", "media", "docs_missing", "courage", "fear"]
    assert result.factor_grid.shape == (2, 2)
    assert result.tables()["matrix_code_x_source_type"].columns.tolist() == [
        "code_id", "interview", "observation", "document"]
    assert result.quotes["code_id"].iloc[0] == "gov"  # codebook order


def test_to_csv_is_byte_identical_across_runs(corpus, book, codings, tmp_path):
    first = analyze(corpus, book, codings=codings, redact=False).to_csv(tmp_path / "a")
    shuffled = codings.sample(frac=1.0, random_state=1).reset_index(drop=True)
    second = analyze(corpus, book, codings=shuffled, redact=False).to_csv(tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    assert {"factors.csv", "stages.csv", "triangulation.csv", "conclusions.csv", "quotes.csv",
            "matrix_cooccurrence.csv"} <= {p.name for p in first}
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
    header = (tmp_path / "a" / "factors.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("level,factor,code_id,code_name,codings,documents,informant_groups,source_types,quotes")


def test_redaction_happens_before_any_table(corpus, book, codings):
    redactor = MaskingRedactor()
    result = analyze(corpus, book, codings=codings, redactor=redactor)
    assert result.redacted and result.redactor is redactor and redactor.fitted_ and redactor.coded_
    gov_quotes = result.factors.set_index("code_id").loc["gov", "quotes"]
    assert "#####" in gov_quotes and "Kemlu" not in gov_quotes
    for frame in result.tables().values():
        assert not frame.astype(str).apply(lambda col: col.str.contains("Kemlu")).any().any()
    assert "Kemlu" in corpus.document(S).text  # the caller's corpus is untouched


def test_interviewer_evidence_is_optional(corpus, book, codings):
    without = analyze(corpus, book, codings=codings, redact=False)
    with_int = analyze(corpus, book, codings=codings, redact=False, include_interviewer=True)
    assert without.factors.set_index("code_id").loc["gov", "codings"] == 3
    assert with_int.factors.set_index("code_id").loc["gov", "codings"] == 4


def test_negated_mentions_by_the_interviewer_do_not_count(corpus, book, codings):
    mentions = pd.DataFrame({"passage_id": [f"{V}#p1"], "code_id": ["fear"], "negated": [True],
                             "text": ["private words"]})
    result = analyze(corpus, book, codings=codings, mentions=mentions, redact=False)
    assert result.triangulation.set_index("code_id").loc["fear", "status"] == "single-source"
    informant = mentions.assign(passage_id=f"{V}#p4")
    contested = analyze(corpus, book, codings=codings, mentions=informant, redactor=MaskingRedactor())
    assert contested.triangulation.set_index("code_id").loc["fear", "status"] == "contested"
    assert "text" not in contested.mentions.columns  # without doc_id nothing can be moved: text dropped
    excluded = informant.assign(excluded=True)
    kept = analyze(corpus, book, codings=codings, mentions=excluded, redact=False)
    assert kept.triangulation.set_index("code_id").loc["fear", "status"] == "single-source"


def test_analysis_is_immutable_and_shows_itself(corpus, book, codings):
    result = analyze(corpus, book, codings=codings, redact=False, language="id")
    with pytest.raises(AttributeError):
        result.language = "en"  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.matrices["x"] = pd.DataFrame()  # type: ignore[index]
    html = result._repr_html_()
    assert "<b>Analysis</b>" in html and "NOT redacted" in html and "Government involvement" in html
    assert result.conclusions["statement"].iloc[0].startswith("Government involvement merupakan")


def test_language_is_checked(corpus, book, codings):
    with pytest.raises(QualkitError, match="'language'"):
        analyze(corpus, book, codings=codings, redact=False, language="de")


def test_inputs_are_not_mutated(corpus, book, codings):
    before = codings.copy()
    analyze(corpus, book, codings=codings, redact=False)
    pd.testing.assert_frame_equal(codings, before)


def test_the_real_redactor_redacts_quotes_and_moves_mentions():
    privacy = pytest.importorskip("qualkit.privacy", reason="qualkit.privacy is not written yet")
    from analysis_fixtures import build_codebook, build_corpus, coding
    from qualkit.coding.frame import codings_frame

    spec = [("interviews/v.txt", "interview", "victim", "c1", [
        ("interviewer", "P", "Siapa yang menolong?"),
        ("informant", "K", "Ibu Sari Dewi dari KBRI menolong saya, tapi saya tidak takut lagi."),
        ("informant", "K", "Dulu saya takut sekali."),
    ])]
    corpus, book = build_corpus(spec), build_codebook()
    codings = codings_frame([coding(corpus, "interviews/v.txt#p2", "gov", "KBRI"),
                             coding(corpus, "interviews/v.txt#p3", "fear", "takut")])
    mentions = pd.DataFrame({"passage_id": ["interviews/v.txt#p2"], "doc_id": ["interviews/v.txt"],
                             "code_id": ["fear"], "start": [60], "end": [65], "negated": [True]})
    result = analyze(corpus, book, codings=codings, mentions=mentions,
                     redactor=privacy.Redactor(names=["Sari Dewi"]))
    quotes = " ".join(result.quotes["quote"])
    assert "KBRI" in quotes and "Sari" not in quotes
    assert result.triangulation.set_index("code_id").loc["fear", "status"] == "contested"
