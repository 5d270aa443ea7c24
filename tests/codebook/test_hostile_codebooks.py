"""Hostile codebooks (issue 17.6-17.7): an alias bomb, a 1,500-level tree, an HTML-injecting
colour and a catastrophic regex give clear CodebookErrors quickly, never a hang."""

from __future__ import annotations

import time

import pytest

from qualkit.codebook.io import load_codebook, validate_codebook
from qualkit.codebook.model import Code
from qualkit.errors import CodebookError


def alias_bomb(levels: int) -> str:
    lines = ["name: bomb", 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    lines.append("codes: []")
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_is_refused_quickly(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb(9), encoding="utf-8")
    t0 = time.perf_counter()
    with pytest.raises(CodebookError, match="aliases"):
        load_codebook(path)
    assert time.perf_counter() - t0 < 5


def test_a_self_referencing_alias_is_refused(tmp_path):
    path = tmp_path / "loop.yaml"
    path.write_text("name: x\ncodes: &c [*c]\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="aliases"):
        load_codebook(path)


def test_modest_aliases_still_load(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text("name: x\nlanguages: [en]\ncodes:\n"
                    "  - {id: a, name: A, cues: &cues [{pattern: fear, lang: en}]}\n"
                    "  - {id: b, name: B, parent: a, cues: *cues}\n", encoding="utf-8")
    book = load_codebook(path)
    assert [c.cues[0].pattern for c in book.codes] == ["fear", "fear"]


def test_a_code_tree_1500_deep_is_refused_naming_the_deepest_code():
    codes = [{"id": f"c{i}", "name": "n", **({"parent": f"c{i + 1}"} if i < 1499 else {})} for i in range(1500)]
    t0 = time.perf_counter()
    problems = [str(p) for p in validate_codebook({"name": "x", "codes": codes})]
    assert time.perf_counter() - t0 < 5
    assert problems == [p for p in problems if "1500 levels deep" in p and "[c0]" in p] and problems


def test_parent_cycles_are_still_reported_once():
    codes = [{"id": "a", "name": "A", "parent": "b"}, {"id": "b", "name": "B", "parent": "a"},
             {"id": "c", "name": "C", "parent": "a"}]
    problems = [str(p) for p in validate_codebook({"name": "x", "codes": codes})]
    assert len(problems) == 1 and "parent cycle: a -> b -> a" in problems[0]


@pytest.mark.parametrize("color", ['#fff" onmouseover="alert(1)', "#fff", "red", "#12345g", "#1f77b4 "])
def test_colours_other_than_six_hex_digits_are_refused_with_the_code_id(color):
    problems = [str(p) for p in validate_codebook(
        {"name": "x", "codes": [{"id": "fear", "name": "F", "color": color}]})]
    assert len(problems) == 1 and "[fear]" in problems[0] and "color" in problems[0]
    with pytest.raises(CodebookError, match="fear"):
        Code(id="fear", name="F", color=color)      # also when built in code (imports)


def test_a_six_digit_colour_is_kept():
    assert Code(id="a", name="A", color="#1F77b4").color == "#1F77b4"


def test_an_invalid_regex_names_the_code():
    problems = [str(p) for p in validate_codebook({"name": "x", "languages": ["en"], "codes": [
        {"id": "r", "name": "R", "cues": [{"pattern": "(unclosed", "kind": "regex", "lang": "en"}]}]})]
    assert len(problems) == 1 and "[" in problems[0] and "r]" in problems[0] and "regular expression" in problems[0]
