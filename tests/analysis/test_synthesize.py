"""Synthesis: triangulation (status, strength) and generated conclusions."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis_fixtures import SPEC, build_codebook, build_corpus, build_study, coding
from qualkit.analysis import (
    CONCLUSION_COLUMNS, TRIANGULATION_COLUMNS, conclusions, merge_evidence,
    representative_quotes, select_codings, strength, triangulate,
)
from qualkit.codebook.model import Code, Codebook
from qualkit.coding.frame import codings_frame
from qualkit.errors import QualkitError
from qualkit.study import Study

V, S, O, D = ("interviews/victim_01.txt", "interviews/staff_01.txt", "observations/obs_01.txt",
              "documents/intake_01.txt")


@pytest.fixture
def extracts(corpus, book, codings):
    return select_codings(codings, corpus, book)


def test_triangulation_columns_and_statuses(extracts, book):
    tri = triangulate(extracts, book)
    assert tuple(tri.columns) == TRIANGULATION_COLUMNS
    status = dict(zip(tri.code_id, tri.status))
    assert status == {"gov": "corroborated", "media": "no evidence", "docs_missing": "single-source",
                      "courage": "single-source", "fear": "single-source"}
    gov = tri.set_index("code_id").loc["gov"]
    assert (gov["n_source_types"], gov["n_informant_groups"], gov["documents"]) == (2, 2, 3)
    assert gov["source_types"] == "interview;observation"
    assert tri.set_index("code_id").loc["docs_missing", "note"] == "only document"


def test_strength_follows_the_documented_formula(extracts, book, corpus):
    tri = triangulate(extracts, book).set_index("code_id")
    # without a corpus: the source types (3), informant groups (2) and documents (4) with evidence
    n_types = extracts["source_type"].nunique()
    n_groups = extracts["informant_group"].dropna().nunique()
    n_docs = extracts["doc_id"].nunique()
    assert (n_types, n_groups, n_docs) == (3, 2, 4)
    assert tri.loc["gov", "strength"] == round((2 / 3 + 2 / 2 + 3 / 4) / 3, 3)
    assert tri.loc["media", "strength"] == 0.0
    assert strength([3, 4, 9], [3, 4, 9]) == 1.0
    assert strength([3, 4, 9], [3, 4, 18]) == round((1 + 1 + 0.5) / 3, 3)
    # with a corpus the denominators are its source types (3), informant groups (2), documents (4)
    local = triangulate(extracts, book, corpus=corpus).set_index("code_id")
    assert local.loc["gov", "strength"] == round((2 / 3 + 2 / 2 + 3 / 4) / 3, 3)
    assert ((tri["strength"] >= 0) & (tri["strength"] <= 1)).all()


def test_strength_is_capped_and_checks_its_totals():
    assert strength([5, 9, 50], [3, 4, 10]) == 1.0
    assert strength([1, 1, 1], [0, 0, 0]) == 0.0
    with pytest.raises(QualkitError, match="'totals'"):
        strength([1, 1, 1], [3, 4, -1])
    with pytest.raises(QualkitError, match="same length"):
        strength([1, 1], [3, 4, 5])


def test_strength_orders_factors_that_reach_every_source_by_document_coverage():
    # gov and fear both reach all three source types and both informant groups; gov is
    # found in all five documents, fear in four: gov must be the stronger finding.
    v2 = "interviews/victim_02.txt"
    spec = SPEC + [(v2, "interview", "victim", "c3", [("informant", "K", "KBRI membantu saya.")])]
    corpus, book = build_corpus(spec), build_codebook()
    rows = [coding(corpus, f"{V}#p4", "gov", "KBRI"), coding(corpus, f"{S}#p2", "gov", "KBRI"),
            coding(corpus, f"{O}#p2", "gov", "KBRI"), coding(corpus, f"{D}#p1", "gov", "Paspor"),
            coding(corpus, f"{v2}#p1", "gov", "KBRI"),
            coding(corpus, f"{V}#p2", "fear", "takut"), coding(corpus, f"{S}#p3", "fear", "takut"),
            coding(corpus, f"{O}#p1", "fear", "keluarga"), coding(corpus, f"{D}#p2", "fear", "KTP")]
    tri = triangulate(select_codings(codings_frame(rows), corpus, book), book, corpus=corpus).set_index("code_id")
    for code in ("gov", "fear"):
        assert (tri.loc[code, "n_source_types"], tri.loc[code, "n_informant_groups"]) == (3, 2)
    assert (tri.loc["gov", "documents"], tri.loc["fear", "documents"]) == (5, 4)
    assert tri.loc["gov", "strength"] == 1.0
    assert tri.loc["gov", "strength"] > tri.loc["fear", "strength"] == round((1 + 1 + 4 / 5) / 3, 3)
    assert tri.loc["fear", "strength"] > tri.loc["courage", "strength"] == 0.0
    # a factor in fewer source types is weaker than one in all of them at equal documents
    assert strength([1, 2, 4], [3, 2, 5]) < tri.loc["fear", "strength"]


def test_one_source_type_only_is_single_source():
    corpus, book = build_corpus(), build_codebook()
    rows = [coding(corpus, f"{V}#p4", "gov", "KBRI"), coding(corpus, f"{S}#p2", "gov", "KBRI")]
    tri = triangulate(select_codings(codings_frame(rows), corpus, book), book).set_index("code_id")
    assert tri.loc["gov", "status"] == "single-source"
    assert tri.loc["gov", "n_informant_groups"] == 2


def _phone_book() -> Codebook:
    extra = (
        Code(id="phone", name="Phones", facets={"level": "organisation"}),
        Code(id="phone_kept", name="Victims kept a phone", parent="phone", facets={"factor": "supporting"}),
        Code(id="phone_taken", name="Phones confiscated", parent="phone", facets={"factor": "inhibiting"}),
    )
    return build_codebook(extra=extra)


def test_the_same_theme_coded_supporting_and_inhibiting_is_contested():
    corpus, book = build_corpus(), _phone_book()
    rows = [coding(corpus, f"{V}#p4", "phone_kept", "KBRI"), coding(corpus, f"{O}#p2", "phone_taken", "menelepon"),
            coding(corpus, f"{S}#p2", "gov", "KBRI"), coding(corpus, f"{O}#p2", "gov", "KBRI")]
    extracts = select_codings(codings_frame(rows), corpus, book)
    # by default only a `theme` facet makes a theme: a parent may be a domain holding both
    plain = triangulate(extracts, book).set_index("code_id")
    assert plain.loc["phone_kept", "status"] != "contested" and plain.loc["phone_kept", "theme"] == ""
    themes = Study.from_dict({"triangulation": {"themes": "parent"}})
    tri = triangulate(extracts, book, study=themes).set_index("code_id")
    assert tri.loc["phone_kept", "status"] == "contested"
    assert tri.loc["phone_taken", "status"] == "contested"
    assert tri.loc["phone_kept", "theme"] == "phone"
    assert "phone_taken" in tri.loc["phone_kept", "note"]
    # gov and media share the parent org_support but the same factor: not contested
    assert tri.loc["gov", "status"] == "corroborated"


def test_a_declared_theme_facet_links_codes_across_parents():
    extra = (Code(id="fam_help", name="Family helps", facets={"factor": "supporting", "level": "individual", "theme": "family"}),
             Code(id="fam_blame", name="Family blames", facets={"factor": "inhibiting", "level": "individual", "theme": "family"}))
    corpus, book = build_corpus(), build_codebook(extra=extra)
    rows = [coding(corpus, f"{V}#p4", "fam_help", "keluarga"), coding(corpus, f"{O}#p1", "fam_blame", "keluarga")]
    tri = triangulate(select_codings(codings_frame(rows), corpus, book), book).set_index("code_id")
    assert tri.loc["fam_help", "status"] == "contested" and tri.loc["fam_help", "theme"] == "family"


def test_negated_mentions_make_a_finding_contested(extracts, book):
    # "not afraid" in a passage not coded fear is counter-evidence; in a coded one it is not
    mentions = pd.DataFrame({"passage_id": [f"{V}#p4", f"{V}#p4", f"{S}#p3", f"{V}#p2"],
                             "code_id": ["fear", "fear", "fear", "fear"],
                             "negated": [True, True, True, False]})
    tri = triangulate(extracts, book, mentions=mentions).set_index("code_id")
    assert tri.loc["fear", "status"] == "contested" and tri.loc["fear", "negated"] == 1
    assert tri.loc["fear", "note"] == "only negated in 1 passage(s)"
    assert tri.loc["courage", "status"] == "single-source"
    coded_anyway = mentions[mentions["passage_id"] == f"{S}#p3"]
    assert triangulate(extracts, book, mentions=coded_anyway).set_index("code_id").loc["fear", "status"] == "single-source"
    strict = triangulate(extracts, book, mentions=mentions, negation_share=0.6).set_index("code_id")
    assert strict.loc["fear", "status"] == "single-source" and strict.loc["fear", "negated"] == 1
    with pytest.raises(QualkitError, match="negated"):
        triangulate(extracts, book, mentions=mentions.drop(columns="negated"))
    with pytest.raises(QualkitError, match="negation_share"):
        triangulate(extracts, book, mentions=mentions, negation_share=0)



def test_negated_mentions_in_a_merged_extract_count_as_coded(extracts, book):
    merged = merge_evidence(extracts)
    assert f"{D}#p1;{D}#p2" in set(merged["passage_id"])
    mentions = pd.DataFrame({"passage_id": [f"{D}#p2", f"{D}#p1", f"{O}#p1", f"{O}#p1"],
                             "code_id": ["docs_missing", "docs_missing", "docs_missing", "gov"],
                             "negated": [True, True, True, True]})
    for given in (mentions, mentions.astype({"passage_id": object, "code_id": "str"})):
        for ev in (extracts, merged):
            negated = triangulate(ev, book, mentions=given).set_index("code_id")["negated"]
            assert (negated["docs_missing"], negated["gov"], negated["fear"]) == (1, 1, 0)

def test_conclusions_in_english_and_indonesian(extracts, book):
    tri = triangulate(extracts, book)
    quotes = representative_quotes(extracts)
    en = conclusions(tri, book, quotes=quotes, study=build_study()).set_index("code_id")
    assert tuple(en.reset_index().columns) == CONCLUSION_COLUMNS
    assert en.loc["gov", "statement"] == (
        "Government involvement is a supporting factor at the organisation level, corroborated "
        "by interviews and observations (3 documents, 2 informant groups).")
    assert en.loc["fear", "statement"].startswith("Fear of risks is an inhibiting factor at the individual level, found in interviews only")
    assert "not found in the data" in en.loc["media", "statement"]
    assert en.loc["gov", "sources"] == f"{S};{V};{O}"
    assert en.loc["gov", "quotes"].count('"') == 6
    idn = conclusions(tri, book, language="id", study=build_study()).set_index("code_id")
    assert idn.loc["gov", "statement"] == (
        "Government involvement merupakan faktor pendukung pada tingkat organisasi, dikuatkan oleh "
        "wawancara dan observasi (3 dokumen, 2 kelompok informan).")
    assert idn.loc["docs_missing", "statement"].endswith("hanya ditemukan dalam dokumentasi (1 dokumen).")


def test_contested_conclusions_say_why(extracts, book):
    mentions = pd.DataFrame({"code_id": ["fear"], "negated": [True]})
    tri = triangulate(extracts, book, mentions=mentions)
    en = conclusions(tri, book).set_index("code_id")
    assert "but the evidence is contested: 1 passage(s) mention it only negated (interviews; 2 documents" in en.loc["fear", "statement"]
    idn = conclusions(tri, book, language="id").set_index("code_id")
    assert "namun buktinya bertentangan: 1 bagian hanya menyebutnya dalam bentuk negasi" in idn.loc["fear", "statement"]


def test_code_labels_in_the_codebook_name_the_factor_per_language(extracts):
    book = build_codebook()
    book = Codebook(name=book.name, codes=book.codes, facets=book.facets,
                    facet_labels={**book.facet_labels, "code.gov": {"id": "Keterlibatan proaktif pemerintah"}})
    tri = triangulate(extracts, book)
    idn = conclusions(tri, book, language="id").set_index("code_id")
    assert idn.loc["gov", "statement"].startswith(
        "Keterlibatan proaktif pemerintah merupakan faktor pendukung pada tingkat organisasi, dikuatkan")


def test_statements_use_the_short_code_name(extracts):
    book = build_codebook()
    codes = tuple(Code(id=c.id, name="Fear of risks (hesitation to leave)" if c.id == "fear" else c.name,
                       facets=c.facets, parent=c.parent, description=c.description) for c in book.codes)
    book = Codebook(name=book.name, codes=codes, facets=book.facets)
    statement = conclusions(triangulate(extracts, book), book).set_index("code_id").loc["fear", "statement"]
    assert statement.startswith("Fear of risks is an inhibiting factor")
