"""The ``qualkit evaluate`` command and the character options of ``qualkit agree``."""

from __future__ import annotations

import qualkit
from qualkit import cli
from qualkit.coding.frame import codings_frame


def _study(tmp_path):
    root = tmp_path / "study"
    root.mkdir()
    (root / "a.txt").write_text("I was afraid.\n\nThe boss kept my passport.\n\nAll fine now.\n", encoding="utf-8")
    corpus = qualkit.load_corpus(root)
    return root, corpus


def _write(tmp_path, name, corpus, picks, coder):
    rows = []
    for index, code in picks:
        p = corpus.passages[index]
        rows.append({"passage_id": p.id, "doc_id": p.doc_id, "code_id": code, "start": p.start,
                     "end": p.end, "coder": coder, "method": "manual"})
    path = tmp_path / name
    codings_frame(rows).to_csv(path, index=False)
    return path


def test_evaluate_command_prints_per_code_table(tmp_path, capsys):
    root, corpus = _study(tmp_path)
    assert len(corpus.passages) == 3
    ref = _write(tmp_path, "ref.csv", corpus, [(0, "fear"), (1, "documents")], "ann")
    pred = _write(tmp_path, "pred.csv", corpus, [(0, "fear"), (2, "documents")], "auto")
    assert cli.main(["evaluate", str(ref), str(pred), "--data", str(root), "--bootstrap", "50"]) == 0
    out = capsys.readouterr().out
    assert "precision_low" in out and "documents" in out and "overall" in out
    assert cli.main(["evaluate", str(ref), str(pred), "--unit", "character", "--data", str(root)]) == 0
    assert cli.main(["evaluate", str(ref), str(pred), "--unit", "character"]) == 2
    assert "needs --data" in capsys.readouterr().err


def test_agree_on_characters(tmp_path, capsys):
    root, corpus = _study(tmp_path)
    a = _write(tmp_path, "a.csv", corpus, [(0, "fear"), (1, "documents")], "ann")
    b = _write(tmp_path, "b.csv", corpus, [(0, "fear")], "ben")
    assert cli.main(["agree", str(a), str(b), "--unit", "character", "--data", str(root)]) == 0
    assert "krippendorff_alpha" in capsys.readouterr().out
    assert cli.main(["agree", str(a), str(b), "--unit", "span"]) == 2
