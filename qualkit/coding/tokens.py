"""Tokens and stems: text -> ``(start, end, norm)`` tokens and a cached stemmer per language.

A token is a run of word characters, with hyphen- or apostrophe-joined parts kept
together (Indonesian reduplication such as *ditakut-takuti* or *anak-anak* is one token;
the Indonesian stemmer reduces it to *takut* / *anak*). Offsets are code points into the
text, end exclusive; ``norm`` is the case-folded token.

:class:`Stemmer` stems each distinct word type once (a dict cache) and can keep that
cache on disk between runs, in ``$QUALKIT_CACHE_DIR`` or ``~/.cache/qualkit`` as
``stems-<lang>.json`` (``cache_dir=None`` keeps it in memory only). Stemming cost
therefore grows with the vocabulary, not with the corpus.

Example
-------
>>> tokenize("Dia ditakut-takuti.")
[(0, 3, 'dia'), (4, 18, 'ditakut-takuti')]
>>> Stemmer("id", cache_dir=None).stem("ketakutan")
'takut'
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from qualkit._io import atomic_write
from qualkit.errors import QualkitError

TOKEN_PATTERN = r"\w+(?:[-'’]\w+)*"
TOKEN_RE = re.compile(TOKEN_PATTERN)
_SPLIT_RE = re.compile(f"({TOKEN_PATTERN})")

# ISO 639-1 -> snowballstemmer algorithm name (used for every language but Indonesian).
SNOWBALL_LANGUAGES = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "cs": "czech",
    "da": "danish", "nl": "dutch", "en": "english", "eo": "esperanto", "et": "estonian",
    "fi": "finnish", "fr": "french", "de": "german", "el": "greek", "hi": "hindi",
    "hu": "hungarian", "ga": "irish", "it": "italian", "lt": "lithuanian", "ne": "nepali",
    "no": "norwegian", "nb": "norwegian", "fa": "persian", "pl": "polish",
    "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian", "st": "sesotho",
    "es": "spanish", "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}


def tokenize(text: str) -> list[tuple[int, int, str]]:
    """Split ``text`` into ``(start, end, norm)`` tokens (code-point offsets, case-folded).

    >>> tokenize("Paspor saya DISITA")
    [(0, 6, 'paspor'), (7, 11, 'saya'), (12, 18, 'disita')]
    """
    return [(m.start(), m.end(), m.group().casefold()) for m in TOKEN_RE.finditer(text)]


def split_tokens(text: str) -> list[str]:
    """``text`` split into alternating separators and tokens: ``[sep, tok, sep, tok, ..., sep]``.

    The pieces concatenate back to ``text``, so cumulative lengths give every token's
    offsets without a Python loop per token (the matcher's fast path).

    >>> split_tokens("a-b, c")
    ['', 'a-b', ', ', 'c', '']
    """
    return _SPLIT_RE.split(text)


def supported_languages() -> tuple[str, ...]:
    """Language codes a :class:`Stemmer` can be built for (``id`` plus Snowball's)."""
    return ("id", *sorted(SNOWBALL_LANGUAGES))


def default_cache_dir() -> Path:
    """``$QUALKIT_CACHE_DIR`` when set, else ``~/.cache/qualkit``."""
    env = os.environ.get("QUALKIT_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "qualkit"


_DEFAULT = object()
_ID_CLITICS = ("nya", "lah", "kah", "pun", "ku", "mu")


class Stemmer:
    """Stem word types of one language, each distinct type once.

    Parameters
    ----------
    lang : ``id`` (Sastrawi) or an ISO code Snowball knows (``en``, ``de``, ...).
    cache_dir : folder for the on-disk cache ``stems-<lang>.json``; default
        :func:`default_cache_dir`; ``None`` disables persistence.

    >>> st = Stemmer("en", cache_dir=None)
    >>> st.stem_many(["threatened", "threats"])
    ['threaten', 'threat']
    """

    def __init__(self, lang: str, *, cache_dir: Any = _DEFAULT) -> None:
        if lang not in supported_languages():
            raise QualkitError(
                f"no stemmer for language {lang!r}",
                hint=f"use one of {', '.join(supported_languages())}, or match: exact for its cues",
            )
        self.lang = lang
        self.cache_dir = default_cache_dir() if cache_dir is _DEFAULT else (
            None if cache_dir is None else Path(cache_dir))
        self.cache: dict[str, str] = {}
        self._dirty = False
        self._backend: Any = None
        if self.cache_dir is not None:
            self._load_cache()

    # -- persistence ----------------------------------------------------------------
    @property
    def cache_path(self) -> Path | None:
        """Where the cache is kept on disk (None when persistence is off)."""
        return None if self.cache_dir is None else self.cache_dir / f"stems-{self.lang}.json"

    def _load_cache(self) -> None:
        path = self.cache_path
        if path is None or not path.is_file():
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # a broken cache is only a lost speed-up; it is rewritten on save
        if isinstance(data, dict):
            self.cache.update({str(k): str(v) for k, v in data.items()})

    def save(self) -> Path | None:
        """Write the cache to disk if it grew (atomically); return its path or None."""
        path = self.cache_path
        if path is None or not self._dirty:
            return None
        atomic_write(path, json.dumps(self.cache, ensure_ascii=False, separators=(",", ":")))
        self._dirty = False
        return path

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_backend"] = None  # rebuilt lazily in a worker process
        return state

    # -- stemming -------------------------------------------------------------------
    def _stem_fn(self):
        if self._backend is None:
            if self.lang == "id":
                from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

                self._backend = StemmerFactory().create_stemmer().delegatedStemmer  # we cache ourselves
            else:
                import snowballstemmer

                self._backend = snowballstemmer.stemmer(SNOWBALL_LANGUAGES[self.lang]).stemWord
        return self._backend

    def _compute(self, norm: str) -> str:
        backend = self._stem_fn()
        if self.lang == "id":
            return self._stem_id(backend, norm)
        fn = backend
        parts = norm.split("-")
        return "-".join(fn(p) for p in parts if p) or norm

    @staticmethod
    def _stem_id(backend: Any, norm: str) -> str:
        """Sastrawi, plus clitic stripping for words outside its dictionary
        (*ponselnya* -> *ponsel*, *KTP-nya* -> *ktp*)."""
        if not norm.replace("-", "").isalpha():
            return norm  # numbers, mixed tokens: Sastrawi would strip them
        head, _, tail = norm.rpartition("-")
        if head and tail in _ID_CLITICS:
            norm = head
        out = backend.stem(norm) or norm
        if out == norm and "-" not in norm and not backend.dictionary.contains(norm):
            for clitic in _ID_CLITICS:
                if norm.endswith(clitic) and len(norm) - len(clitic) >= 2:
                    base = norm[: -len(clitic)]
                    return backend.stem(base) or base
        return out

    def stem(self, word: str) -> str:
        """The stem of one word (case-folded first)."""
        norm = word.casefold()
        out = self.cache.get(norm)
        if out is None:
            out = self.cache[norm] = self._compute(norm)
            self._dirty = True
        return out

    def stem_many(self, words: Iterable[str]) -> list[str]:
        """Stems of many words, computing each distinct new type once."""
        cache = self.cache
        words = list(words)
        for w in set(words):
            if w.casefold() not in cache:
                self.stem(w)
        return [cache[w.casefold()] for w in words]

    def __repr__(self) -> str:
        return f"Stemmer({self.lang!r}, {len(self.cache)} cached types)"
