"""Speaker roles that fit real transcripts: interviewer labels, unlabelled speech, prompts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qualkit
from qualkit.errors import LoadError, ManifestError, ParameterError
from qualkit.loading import Prompts, load_document, text_passages

from loading_helpers import check_offsets

REALDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata"
SERDIF = REALDATA / "serdif_usability_thinkaloud"
TASK_PROMPTS = r"^(\d+(\.[a-z])?|[a-z]\.[ivx]+)\s"  # 1 Read..., 3.a Please..., c.i Data...

THINK_ALOUD = (
    "1 Read the home tab.\n\n"
    "Alright, I have logged in.\n\n"
    "MODERATOR: Could you start with task 1?\n\n"
    "Okay, this seems fine.\n\n"
    "3.a Please explain and justify aloud the specific choices that you make.\n\n"
    "I would pick Dublin.\nAnd a month.\n\n"
    "MODERATOR: Thanks.\n\n"
    "It is clear."
)


def roles(passages):
    return [(p.speaker, p.role) for p in passages]


# -- the real think-aloud sessions -------------------------------------------------------


@pytest.mark.skipif(not SERDIF.is_dir(), reason=f"real data folder {SERDIF} is absent")
@pytest.mark.parametrize("name", ["P1_GMT20211118.odt", "P2_GMT20211119.odt"])
def test_serdif_sessions_get_moderator_participant_and_prompt_roles(name):
    doc, ps = load_document(SERDIF / name, interviewers=["MODERATOR"], prompts=TASK_PROMPTS)
    check_offsets(doc, ps)
    counts = Counter(p.role for p in ps)
    moderator = [p for p in ps if "MODERATOR" in doc.text[p.start - 11 : p.start]]
    assert moderator and all(p.role == "interviewer" and p.speaker == "MODERATOR" for p in moderator)
    assert counts["interviewer"] == len(moderator) == doc.text.count("MODERATOR:")
    prompts = [p.text for p in ps if p.role == "prompt"]
    assert any(t.startswith("3.a Please explain") for t in prompts)
    assert all(p.role == "prompt" for p in ps if p.text.startswith(("1.a ", "3.b ", "4.c ", "c.i ")))
    assert counts["informant"] > 100 and counts[None] == 0
    informant = [p for p in ps if p.role == "informant"]
    assert not any(p.text.startswith("MODERATOR") or p.text.startswith("3.a") for p in informant)


@pytest.mark.skipif(not SERDIF.is_dir(), reason=f"real data folder {SERDIF} is absent")
def test_serdif_folder_with_a_manifest_loads_only_the_sessions(tmp_path):
    for name in ("P1_GMT20211118.odt", "P2_GMT20211119.odt", "tags_20220303_P1_P2.csv"):
        (tmp_path / name).write_bytes((SERDIF / name).read_bytes())
    (tmp_path / "manifest.csv").write_text(
        "file,source_type,language,interviewer,prompts\n"
        f"P1_GMT20211118.odt,interview,en,MODERATOR,{TASK_PROMPTS}\n"
        f"P2_GMT20211119.odt,interview,en,MODERATOR,{TASK_PROMPTS}\n")
    corpus = qualkit.load_corpus(tmp_path)
    assert [d.id for d in corpus.documents] == ["P1_GMT20211118.odt", "P2_GMT20211119.odt"]
    skipped = {p.path: p for p in corpus.problems}
    assert skipped["tags_20220303_P1_P2.csv"].by_rule
    frame = corpus.roles_frame()
    assert set(frame["role"]) == {"interviewer", "informant", "prompt"}
    assert (frame.groupby("doc_id")["passages"].sum() == [len(corpus.passages_of(d.id)) for d in corpus.documents]).all()


@pytest.mark.skipif(not (REALDATA / "qualcoder_examples").is_dir(), reason="qualcoder_examples absent")
def test_qualcoder_examples_keep_their_roles():
    corpus = qualkit.load_corpus(REALDATA / "qualcoder_examples")
    transcript = corpus.passages_of("transcript.txt")
    assert {p.speaker for p in transcript} == {"id1", "id2", "id3"}
    assert {p.role for p in transcript} == {"informant"}
    assert all(p.role is None for p in corpus.passages_of("ID1.docx"))


# -- the rules -----------------------------------------------------------------------


def test_a_label_that_occurs_once_is_honoured_when_listed():
    ps = text_passages("a", "Hello.\n\nMODERATOR: Go on.\n\nI think so.", interviewers=["moderator"])
    assert roles(ps) == [(None, "informant"), ("MODERATOR", "interviewer"), (None, "informant")]
    plain = text_passages("a", "Hello.\n\nMODERATOR: Go on.\n\nI think so.")
    assert roles(plain) == [(None, None)] * 3  # without the rule: not a transcript


def test_one_sided_turn_ends_with_its_paragraph_and_prompts_are_marked():
    ps = text_passages("a", THINK_ALOUD, interviewers=["MODERATOR"], prompts=Prompts.parse(TASK_PROMPTS))
    assert [(p.role, p.text[:12]) for p in ps] == [
        ("prompt", "1 Read the h"), ("informant", "Alright, I h"), ("interviewer", "Could you st"),
        ("informant", "Okay, this s"), ("prompt", "3.a Please e"), ("informant", "I would pick"),
        ("interviewer", "Thanks."), ("informant", "It is clear."),
    ]


@pytest.mark.parametrize("role, expected", [("interviewer", "interviewer"), ("none", None)])
def test_unlabelled_role_can_be_set(role, expected):
    ps = text_passages("a", THINK_ALOUD, interviewers=["MODERATOR"], unlabelled_role=role)
    assert {p.role for p in ps if p.speaker is None} == {expected}


def test_two_sided_transcripts_keep_multi_paragraph_turns():
    text = "Intro line.\n\nP: Question?\n\nI: First part.\n\nSecond part.\n\nP: Next?\n\nI: Answer."
    ps = text_passages("a", text, interviewers=["P"])
    assert roles(ps)[0] == (None, None)  # a preamble: no default role in a two-sided transcript
    assert ps[2].text == "First part.\n\nSecond part." and ps[2].role == "informant"
    explicit = text_passages("a", text, interviewers=["P"], unlabelled_role="informant")
    assert roles(explicit)[0] == (None, "informant") and explicit[2].text == ps[2].text


def test_prompt_lines_from_a_file(tmp_path):
    (tmp_path / "items.txt").write_text("# SUS items\nOverall, I am satisfied with how easy it is to use this system\n\n")
    matcher = Prompts.parse("@items.txt", base=tmp_path)
    assert matcher.matches("Q1. Overall, I am satisfied with how easy it is to use this system.")
    assert matcher.matches("overall, i am  satisfied with how easy it is to use this system")
    assert not matcher.matches("Overall, I am satisfied with how easy it is to use this system, mostly")
    assert matcher.matches("12 Overall, I am satisfied with how easy it is to use this system")
    assert Prompts.parse(str(tmp_path / "items.txt")).lines == matcher.lines
    with pytest.raises(LoadError, match="not found"):
        Prompts.parse("@missing.txt", base=tmp_path)
    with pytest.raises(LoadError, match="not a valid regular expression"):
        Prompts.parse("(unclosed")


def test_table_rows_and_captions_follow_the_rules(write):
    path = write("t.csv", "speaker,text\nMODERATOR,Task one?\n,I clicked it.\n,3.a Explain aloud.\n")
    _, ps = load_document(path, interviewers=["MODERATOR"], prompts=TASK_PROMPTS)
    assert [p.role for p in ps] == ["interviewer", "informant", "prompt"]


def test_manifest_columns_source_defaults_and_precedence(write, tmp_path):
    write("interviews/a.txt", THINK_ALOUD)
    write("interviews/b.txt", THINK_ALOUD.replace("MODERATOR", "FACILITATOR"))
    write("prompts.txt", "1 Read the home tab\n")
    write("manifest.csv", "file,source_type,interviewer,unlabelled_role,prompts\n"
                          "interviews/a.txt,interview,MODERATOR,,@prompts.txt\n"
                          "interviews/b.txt,interview,,none,\n")
    corpus = qualkit.load_corpus(tmp_path, source_defaults={"interview": {"interviewer": "FACILITATOR"}},
                                 interviewer="NOBODY")
    a, b = corpus.passages_of("interviews/a.txt"), corpus.passages_of("interviews/b.txt")
    assert [p.role for p in a][:3] == ["prompt", "informant", "interviewer"]
    assert [p.role for p in a][4] == "informant"  # the file holds one prompt line only
    assert b[2].role == "interviewer" and b[1].role is None  # default label; the row's 'none'
    assert any(p.path == "prompts.txt" and p.by_rule for p in corpus.problems)


def test_a_prompts_file_given_as_an_option_is_not_loaded_as_data(write, tmp_path):
    write("a.txt", "1 Read it.\n\nMODERATOR: Go.\n\nOk.")
    write("items.txt", "Read it\n")
    corpus = qualkit.load_corpus(tmp_path, interviewer="MODERATOR", prompts="@items.txt")
    assert [d.id for d in corpus.documents] == ["a.txt"]
    assert [p.role for p in corpus.passages] == ["prompt", "interviewer", "informant"]


def test_bad_role_options_are_refused(write, tmp_path):
    write("a.txt", THINK_ALOUD)
    write("manifest.csv", "file,unlabelled_role,prompts\na.txt,participant,(oops\n")
    with pytest.raises(ManifestError) as info:
        qualkit.load_corpus(tmp_path)
    assert "column 'unlabelled_role'" in str(info.value) and "column 'prompts'" in str(info.value)
    with pytest.raises(ParameterError, match="'unlabelled_role' parameter of load_corpus"):
        qualkit.load_corpus(tmp_path, manifest=[{"file": "a.txt"}], unlabelled_role="participant")
    with pytest.raises(ParameterError, match="'source_defaults' parameter"):
        qualkit.load_corpus(tmp_path, manifest=[{"file": "a.txt"}], source_defaults={"interview": {"colour": 1}})


def test_roles_frame_counts_passages_and_words():
    ps = text_passages("a", THINK_ALOUD, interviewers=["MODERATOR"], prompts=Prompts.parse(TASK_PROMPTS))
    corpus = qualkit.Corpus((qualkit.Document(id="a", text=THINK_ALOUD),), ps)
    frame = corpus.roles_frame().set_index("role")
    assert frame.loc["interviewer", "passages"] == 2 and frame.loc["prompt", "passages"] == 2
    assert frame["words"].sum() == sum(len(p.text.split()) for p in ps)
    assert list(corpus.roles_frame().columns) == ["doc_id", "role", "passages", "words"]


# -- property: any mix of labelled and unlabelled paragraphs -------------------------


_SENTENCE = st.from_regex(r"[A-Z][a-z]{1,8}( [a-z]{1,8}){0,6}[.?]", fullmatch=True)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["MODERATOR", None, "prompt"]), _SENTENCE), min_size=1, max_size=25))
def test_listed_labels_and_prompts_always_get_their_role(blocks):
    text = "\n\n".join(f"MODERATOR: {s}" if kind == "MODERATOR" else (f"9.z {s}" if kind == "prompt" else s)
                       for kind, s in blocks)
    ps = text_passages("a", text, interviewers=["MODERATOR"], prompts=Prompts.parse(r"^9\.z "))
    assert len(ps) == len(blocks)
    last = 0
    for p, (kind, sentence) in zip(ps, blocks):
        assert text[p.start : p.end] == p.text and p.start >= last
        last = p.end
        assert p.text.endswith(sentence)
        expected = {"MODERATOR": "interviewer", "prompt": "prompt"}.get(kind)
        if expected is None:
            expected = "informant" if any(k == "MODERATOR" for k, _ in blocks) else None
        assert p.role == expected
