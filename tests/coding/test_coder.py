"""The explicit Coder (issue 18.2): it holds the compiled matcher and token cache, gives
the same table as qualkit.code, shares work across codebook versions; prompts are not coded
by default."""

from __future__ import annotations

import threading
from dataclasses import replace

import pandas as pd
import pytest

import qualkit
import qualkit.corpus
from qualkit.codebook.model import Code, Codebook, Cue
from qualkit.coding.auto import SESSION, Coder, forget_session
from qualkit.corpus import Corpus, Document, Passage
from qualkit.errors import ParameterError


def corpus(prompt_role="informant"):
    text = "Q: Was your passport taken?\nA: Yes, the agent took my passport.\n"
    doc = Document(id="i.txt", text=text, source_type="interview", language="en")
    q, a = text.index("Was"), text.index("Yes")
    return Corpus((doc,), (
        Passage("i.txt", "i.txt#p1", q, text.index("\n"), text[q:text.index("\n")], speaker="Q", role=prompt_role),
        Passage("i.txt", "i.txt#p2", a, len(text) - 1, text[a:-1], speaker="A", role="informant")))


BOOK = Codebook(name="b", languages=("en",), codes=(
    Code(id="docs", name="Documents", cues=(Cue("passport", lang="en"),)),))


def test_a_coder_gives_the_same_table_as_qualkit_code():
    forget_session()
    c = Coder(BOOK, cache_dir=None)
    pd.testing.assert_frame_equal(c.code(corpus()), qualkit.code(corpus(), BOOK, cache_dir=None))
    pd.testing.assert_frame_equal(c.find_mentions(corpus()),
                                  qualkit.find_mentions(corpus(), BOOK, cache_dir=None))


def test_with_codebook_shares_the_vocabulary_and_recompiles_only_changed_codes():
    c = Coder(BOOK, cache_dir=None)
    c.code(corpus())
    book2 = replace(BOOK, codes=BOOK.codes + (Code(id="agent", name="Agent", cues=(Cue("agent", lang="en"),)),))
    c2 = c.with_codebook(book2)
    assert c2.matcher.vocab is c.matcher.vocab and c2.matcher is not c.matcher
    got = c2.code(corpus())
    assert c2.matcher.compiled_codes == 1
    assert sorted(got["code_id"]) == ["agent", "docs", "docs"]
    assert sorted(c.code(corpus())["code_id"]) == ["docs", "docs"]   # the first Coder is unchanged


def test_two_coders_hold_no_shared_state():
    a, b = Coder(BOOK, cache_dir=None), Coder(BOOK, cache_dir=None)
    a.code(corpus())
    assert len(a.matcher.vocab) > 0 and len(b.matcher.vocab) == 0


def test_coders_run_in_threads_and_agree():
    c = Coder(BOOK, cache_dir=None)
    want = c.code(corpus())
    out = []
    threads = [threading.Thread(target=lambda: out.append(c.code(corpus()))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(out) == 4 and all(o.equals(want) for o in out)


def test_an_unknown_filter_is_a_parameter_error():
    with pytest.raises(ParameterError, match="role"):
        Coder(BOOK, cache_dir=None).code(corpus(), role=("informant",))


def test_the_session_keeps_at_most_a_few_coders():
    forget_session()
    for folder in range(5):
        qualkit.code(corpus(), BOOK, cache_dir=None if folder == 0 else f"/nonexistent-qualkit-{folder}")
    assert len(SESSION.coders) <= SESSION.size
    forget_session()
    assert SESSION.coders == {}


@pytest.fixture
def prompt_role(monkeypatch):
    """The role ``prompt`` (added to ROLES by the loading work; patched in if absent)."""
    if "prompt" not in qualkit.corpus.ROLES:
        monkeypatch.setattr(qualkit.corpus, "ROLES", (*qualkit.corpus.ROLES, "prompt"))
    return "prompt"


def test_prompts_are_not_coded_unless_asked_for(prompt_role):
    forget_session()
    c = Coder(BOOK, cache_dir=None)
    data = corpus(prompt_role)
    assert c.code(data)["passage_id"].tolist() == ["i.txt#p2"]
    assert qualkit.code(data, BOOK, cache_dir=None)["passage_id"].tolist() == ["i.txt#p2"]
    assert c.find_mentions(data)["passage_id"].tolist() == ["i.txt#p2"]
    assert c.code(data, include_prompts=True)["passage_id"].tolist() == ["i.txt#p1", "i.txt#p2"]
    assert qualkit.code(data, BOOK, cache_dir=None, include_prompts=True)["passage_id"].tolist() == [
        "i.txt#p1", "i.txt#p2"]
    assert c.code(data, roles=("informant",))["passage_id"].tolist() == ["i.txt#p2"]
