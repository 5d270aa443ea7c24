"""Codebook YAML: schema, every validation problem with its line, round-trip, hash."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit.codebook.io import load_codebook, save_codebook, validate_codebook
from qualkit.codebook.model import Code, Codebook, Cue, Example
from qualkit.errors import CodebookError

STUDY = Path(__file__).resolve().parents[2] / "codebooks" / "migrant_care.yaml"

GOOD = """\
name: demo
version: "2"
languages: [id, en]
facets:
  factor: [supporting, inhibiting]
codes:
  - id: parent
    name: Parent
    facets: {factor: inhibiting}
  - id: fear
    name: Fear
    parent: parent
    negation: allow
    cues:
      - takut
      - kartu keluarga
      - {pattern: afraid, lang: en}
      - {pattern: "hp|ponsel", near: sita, window: 4}
      - {pattern: '\\bUU\\b', kind: regex, case: true}
      - {pattern: berani, exclude: true}
    examples:
      positive: [Saya takut., {text: I was afraid., lang: en}]
      negative: [Saya berani.]
"""


def write(tmp_path, text):
    path = tmp_path / "cb.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_load_reads_shorthand_and_mappings(tmp_path):
    book = load_codebook(write(tmp_path, GOOD))
    fear = book.code("fear")
    assert book.version == "2" and fear.parent == "parent" and book.facet("fear", "factor") == "inhibiting"
    kinds = [(c.pattern, c.kind, c.lang, c.match) for c in fear.cues]
    assert kinds[:3] == [("takut", "word", "id", "stem"), ("kartu keluarga", "phrase", "id", "stem"),
                         ("afraid", "word", "en", "stem")]
    assert fear.cues[3].kind == "near" and fear.cues[3].window == 4
    assert fear.cues[4].kind == "regex" and fear.cues[4].case
    assert fear.cues[5].exclude
    assert [(e.positive, e.lang) for e in fear.examples] == [(True, "id"), (True, "en"), (False, "id")]
    assert fear.line == 10 and fear.cues[0].line == 15


def test_round_trip_is_lossless(tmp_path):
    book = load_codebook(write(tmp_path, GOOD))
    again = load_codebook(save_codebook(book, tmp_path / "out.yaml"))
    assert again == book and again.hash == book.hash


def test_study_codebook_round_trips_and_has_every_code(tmp_path):
    book = load_codebook(STUDY)
    again = load_codebook(save_codebook(book, tmp_path / "study.yaml", header="copy"))
    assert again == book and again.hash == book.hash
    assert (tmp_path / "study.yaml").read_text().startswith("# copy\n")
    leaves = ["org_support_government", "org_support_victims", "org_support_families",
              "org_support_media", "org_inhibit_documents", "org_inhibit_phone_confiscation",
              "org_inhibit_cross_national", "ind_support_resilience", "ind_support_courage",
              "ind_support_motivation", "ind_support_skills", "ind_inhibit_fear"]
    for cid in leaves:
        code = book.code(cid)
        assert {c.lang for c in code.cues} >= {"id", "en"}, cid
        assert sum(e.positive for e in code.examples) >= 2 and any(not e.positive for e in code.examples)
        assert book.facet(cid, "factor") and book.facet(cid, "level")
    assert book.code("org_support_media").parent == "org_support_involvement"
    stages = [c for c in book.codes if c.parent == "stages"]
    assert [book.facet(c.id, "stage") for c in stages] == list(book.facets["stage"])
    assert all("Main activity" in c.description for c in stages)


def test_hash_changes_with_any_code_change(tmp_path):
    book = load_codebook(write(tmp_path, GOOD))
    fear = book.code("fear")
    changed = dataclasses.replace(fear, cues=fear.cues + (Cue("cemas"),))
    other = dataclasses.replace(book, codes=(book.code("parent"), changed))
    assert other.hash != book.hash
    assert dataclasses.replace(book, path="elsewhere").hash == book.hash   # the path is not content


cue_text = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=20).filter(lambda s: s.strip())


@settings(max_examples=25, deadline=None)
@given(patterns=st.lists(cue_text, min_size=1, max_size=4, unique=True),
       lang=st.sampled_from(["id", "en"]), match=st.sampled_from(["stem", "exact", "prefix"]),
       text=st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=40)
       | st.sampled_from(["two\nlines", "trailing \n", " lead", "a: b", "- x", "'q'", "#c"]), negation=st.sampled_from([None, "allow", "only"]))
def test_round_trip_property(tmp_path_factory, patterns, lang, match, text, negation):
    cues = tuple(Cue(p.strip(), lang=lang, match=match, kind="phrase" if len(p.split()) > 1 else "word",
                     negation=negation) for p in patterns)
    book = Codebook(name="p", description=text, codes=(
        Code(id="a", name="A", memo=text, cues=cues, examples=(Example("x y", positive=False, lang=lang),)),))
    path = save_codebook(book, tmp_path_factory.mktemp("rt") / "p.yaml")
    assert load_codebook(path) == book


def problems_of(tmp_path, text):
    return [(p.line, p.where, p.message) for p in validate_codebook(write(tmp_path, text))]


BAD = """\
name: bad
languages: [id, en, xx]
facets:
  factor: [supporting, inhibiting]
colour: red
codes:
  - id: a
    name: A
    parent: zzz
    facets: {factor: neutral, levelx: org}
    cues:
      - takut
      - {pattern: '(unclosed', kind: regex}
      - {pattern: "", lang: en}
      - {pattern: x, kind: fuzzy, match: glob}
      - {pattern: y, lang: fr}
      - {pattern: two words, kind: word}
      - {pattern: z, lang: en, windw: 3}
  - id: a
    name: Dup
  - id: b
    name: B
    parent: c
    cues: []
  - id: c
    name: C
    parent: b
    negation: maybe
  - name: no id here
  - id: d
    cues: [ok]
    examples:
      positive: [{text: "", lang: en}]
"""


def test_every_problem_is_reported_with_its_line(tmp_path):
    found = problems_of(tmp_path, BAD)
    expected = [
        (5, "unknown top-level key 'colour'"),
        (2, "language 'xx' has no stemmer"),
        (10, "unknown value 'neutral' for facet 'factor'"),
        (10, "unknown facet 'levelx'"),
        (13, "invalid regular expression '(unclosed'"),
        (14, "empty cue pattern"),
        (15, "unknown cue kind 'fuzzy'"),
        (15, "unknown match mode 'glob'"),
        (16, "language 'fr' is not among the codebook's languages"),
        (17, "word cue 'two words' has several words"),
        (18, "unknown cue key 'windw'"),
        (19, "duplicate code id 'a'"),
        (24, "empty cues"),
        (28, "unknown negation mode 'maybe'"),
        (29, "code id None is missing"),
        (30, "missing 'name'"),
        (33, "example without text"),
        (7, "unknown parent 'zzz'"),
        (21, "parent cycle: b -> c -> b"),
    ]
    for line, start in expected:
        assert any(ln == line and msg.startswith(start) for ln, _, msg in found), (line, start, found)
    assert len(found) == len(expected)
    assert all(p.hint for p in validate_codebook(write(tmp_path, BAD)))
    assert {where for _, where, msg in found if msg.startswith("unknown cue kind")} == {"a"}


def test_load_raises_codebook_error_listing_all_problems(tmp_path):
    with pytest.raises(CodebookError) as info:
        load_codebook(write(tmp_path, BAD))
    assert len(info.value.problems) == 19
    assert "line 24" in str(info.value) and "empty cues" in str(info.value)


@pytest.mark.parametrize("text, line, start", [
    ("name: x\ncodes:\n  - id: a\n    name: [unclosed\n", 5, "malformed YAML"),
    ("name: x\ncodes:\n  - id: a\n   name: A\n", 4, "malformed YAML"),
    ("- just\n- a list\n", 1, "a codebook file must be a mapping"),
    ("name: x\n", 1, "the codebook has no codes"),
    ("name: x\nnegation_window: -1\ncodes: [{id: a, name: A}]\n", 2, "'negation_window' must be a whole number"),
    ("name: x\nname: y\ncodes: [{id: a, name: A}]\n", 2, "top-level key 'name' appears twice"),
    ("name: x\ncodes:\n  - {id: a, name: A, cues: [{pattern: a, near: b, kind: word}]}\n", 3, "'near' is set"),
    ("name: x\ncodes:\n  - {id: a, name: A, cues: [{pattern: '!!', kind: word}]}\n", 3, "cue pattern '!!' has no words"),
    ("name: x\ncodes:\n  - {id: a, name: A, cues: [{pattern: a, kind: near}]}\n", 3, "cue near None has no words"),
    ("name: x\ncodes:\n  - {id: a, name: A, cues: [{pattern: a, exclude: 'yes'}]}\n", 3, "'exclude' must be true or false"),
    ("name: x\nfacets: {f: [a]}\nfacet_labels: {g.a: {en: G}}\ncodes: [{id: a, name: A}]\n", 3, "facet label 'g.a'"),
    ("name: x\nnegators: {xx: [nope]}\ncodes: [{id: a, name: A}]\n", 2, "language 'xx' has no stemmer"),
])
def test_single_problems(tmp_path, text, line, start):
    [(got_line, _, message)] = problems_of(tmp_path, text)
    assert (got_line, message[: len(start)]) == (line, start)


def test_unreadable_file_is_a_problem_not_a_crash(tmp_path):
    [problem] = validate_codebook(tmp_path / "missing.yaml")
    assert "cannot read" in problem.message and problem.hint


def test_validate_accepts_parsed_data():
    assert validate_codebook({"name": "x", "codes": [{"id": "a", "name": "A", "cues": ["takut"]}]}) == []
