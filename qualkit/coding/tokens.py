"""Tokens and stems for the coder: a cached stemmer per language and the array tokeniser.

Tokens are those of :func:`qualkit.text.tokenize` (the Indonesian stemmer reduces
*ditakut-takuti* / *anak-anak* to *takut* / *anak*).

:class:`Stemmer` stems each distinct word type once (a dict cache) and can keep that
cache on disk between runs, in ``$QUALKIT_CACHE_DIR`` or ``~/.cache/qualkit`` as
``stems-<lang>-<stemmer>-<version>-r<rules>.json`` (``cache_dir=None`` keeps it in
memory only; only Indonesian is kept on disk, see :data:`PERSISTED_LANGUAGES`). Stemming cost
therefore grows with the vocabulary, not with the corpus; many new types at once (a
first run over a large corpus) are stemmed in parallel on the available cores.

:class:`Vocabulary` numbers the word types and tokenises texts into arrays; it keeps the
arrays of recently tokenised texts (keyed by a hash of the text), so coding the same
passages again -- the loop of refining a codebook -- does not tokenise them again.

Example
-------
>>> tokenize("Dia ditakut-takuti.")
[(0, 3, 'dia'), (4, 18, 'ditakut-takuti')]
>>> Stemmer("id", cache_dir=None).stem("ketakutan")
'takut'
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from qualkit._io import atomic_write
from qualkit._kernels.surfaces import SurfaceIndex, code_points
from qualkit.errors import QualkitError
from qualkit.text import (
    CHAR_JOIN, CHAR_SPACE, CHAR_WORD, SNOWBALL_LANGUAGES, split_tokens, supported_languages, surface, tokenize,
)

__all__ = ["PERSISTED_LANGUAGES", "STEM_RULES", "Stemmer", "TokenArrays", "Vocabulary", "default_cache_dir",
           "split_tokens", "stemmer_version", "supported_languages", "surface", "tokenize"]

def default_cache_dir() -> Path:
    """``$QUALKIT_CACHE_DIR`` when set, else ``~/.cache/qualkit``."""
    env = os.environ.get("QUALKIT_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "qualkit"


_DEFAULT = object()
_ID_CLITICS = ("nya", "lah", "kah", "pun", "ku", "mu")
# Every chain of suffixes Sastrawi removes (derivational, possessive, particle) plus one
# clitic that Stemmer strips itself: what may follow a root at the end of a word.
_ID_TAILS = frozenset(
    d + p + q + c
    for d in ("", "is", "isme", "isasi", "i", "kan", "an")
    for p in ("", "ku", "mu", "nya")
    for q in ("", "lah", "kah", "tah", "pun")
    for c in ("", *_ID_CLITICS)
)
_ID_TAIL_MAX = max(map(len, _ID_TAILS))
# How a word must start for Sastrawi to remove anything from its front: every prefix rule
# matches one of these beginnings (di-, ke-, se-, be(r)-, te(r)-, me(N)-, pe(N/r)-, ku-,
# kau-), and the infix rules a consonant followed by -er-, -el-, -em- or -in- and a vowel.
_ID_FRONT = re.compile(r"(?:di|ke|se|be|te|me|pe|ku|kau)|[bcdfghjklmnpqrstvwxyz](?:er|el|em|in)[aiueo]")
# A root's first letter is missing from the word only where a prefix rule put it back in
# place of a nasal (mem-/pem- + p, men-/pen- + t, meng-/peng- + k, meny-/peny- + s) or an
# infix rule took -er-, -el-, -em- or -in- out after it (a consonant).
_ID_RECODED = {"p": ("m",), "t": ("n",), "k": ("ng",), "s": ("ny",)}
_ID_INFIXES = ("er", "el", "em", "in")
_ID_CONSONANTS = frozenset("bcdfghjklmnpqrstvwxyz")

STEM_RULES = 1
"""Version of qualkit's own stemming rules (clitic stripping around Sastrawi); part of the
stem cache's file name."""
PERSISTED_LANGUAGES = ("id",)
"""Languages whose stems are kept on disk between runs. Only Indonesian: its stemmer is
slow, and the matcher stems (and so caches) only words that may stem to a cue's root. The
Snowball stemmers are fast enough to run every time, so no English word -- a name
included -- is written to disk."""


def stemmer_version(lang: str) -> str:
    """The stemmer package and version used for ``lang``: ``PySastrawi-1.2.1``,
    ``snowballstemmer-3.1.1``."""
    package = "PySastrawi" if lang == "id" else "snowballstemmer"
    try:
        return f"{package}-{metadata.version(package)}"
    except metadata.PackageNotFoundError:
        return f"{package}-unknown"


PARALLEL_MIN_TYPES = 4000
"""Below this many new word types, stemming stays in this process (a worker pool costs
more than it saves)."""


def available_cores() -> int:
    """CPU cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


_WORKER_STEMMERS: dict[str, Stemmer] = {}


def _stem_chunk(lang: str, norms: list[str]) -> list[str]:
    """Worker side of :meth:`Stemmer.stem_many`: stems of ``norms`` (no caching)."""
    stemmer = _WORKER_STEMMERS.get(lang)
    if stemmer is None:
        stemmer = _WORKER_STEMMERS[lang] = Stemmer(lang, cache_dir=None, workers=1)
    return [stemmer._compute(n) for n in norms]


class _RootFilter:
    """The test of :meth:`Stemmer.stem_filter` for Indonesian (picklable)."""

    def __init__(self, targets: set[str], dictionary: Any) -> None:
        self.roots = {t for t in targets if dictionary.contains(t)}
        # roots without their first letter, with what must precede them in the word
        endings: dict[str, set[str]] = {}
        for r in self.roots:
            if len(r) > 1:
                endings.setdefault(r[1:], set()).update(_ID_RECODED.get(r[0], ()), _ID_INFIXES
                                                        if r[0] in _ID_CONSONANTS else ())
        self.recoded = {piece: tuple(sorted(ends)) for piece, ends in endings.items()}
        self.exact = set(targets) | {t + c for t in targets - self.roots for c in _ID_CLITICS}

    def __call__(self, norm: str) -> bool:
        if norm in self.exact or "-" in norm:
            return True
        roots, recoded = self.roots, self.recoded
        # Sastrawi removes prefixes and infixes only from a word that starts like one
        plain = norm.isascii()
        front = not plain or _ID_FRONT.match(norm) is not None
        n = len(norm)
        for j in range(n, max(0, n - _ID_TAIL_MAX - 1), -1):      # norm = core + tail
            if norm[j:] not in _ID_TAILS:
                continue
            if norm[:j] in roots:
                return True
            if not front:
                continue
            for i in range(1, j):                             # core = prefixes + root
                piece = norm[i:j]
                if piece in roots:
                    return True
                ends = recoded.get(piece)
                if ends is not None and (not plain or norm.endswith(ends, 0, i)):
                    return True
        return False


class Stemmer:
    """Stem word types of one language, each distinct type once.

    Parameters
    ----------
    lang : ``id`` (Sastrawi) or an ISO code Snowball knows (``en``, ``de``, ...).
    cache_dir : folder for the on-disk cache ``stems-<lang>.json``; default
        :func:`default_cache_dir`; ``None`` disables persistence.
    workers : processes for stemming many new types at once (``None``: one per available
        core; ``1``: always in this process). Results are the same either way.

    >>> st = Stemmer("en", cache_dir=None)
    >>> st.stem_many(["threatened", "threats"])
    ['threaten', 'threat']
    """

    def __init__(self, lang: str, *, cache_dir: Any = _DEFAULT, workers: int | None = None) -> None:
        if lang not in supported_languages():
            raise QualkitError(
                f"no stemmer for language {lang!r}",
                hint=f"use one of {', '.join(supported_languages())}, or match: exact for its cues",
            )
        if workers is not None and (not isinstance(workers, int) or workers < 1):
            raise QualkitError(f"The 'workers' parameter of Stemmer must be a positive int or None; "
                               f"got {workers!r} instead", hint="pass workers=1 to stem in this process")
        self.lang = lang
        self.workers = workers
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
        """Where the cache is kept on disk: None when persistence is off or the language
        is not in :data:`PERSISTED_LANGUAGES`. The name carries the stemmer package and
        version and :data:`STEM_RULES`, so an upgrade starts a new cache instead of
        silently reusing stems it would no longer give."""
        if self.cache_dir is None or self.lang not in PERSISTED_LANGUAGES:
            return None
        return self.cache_dir / f"stems-{self.lang}-{stemmer_version(self.lang)}-r{STEM_RULES}.json"

    def _load_cache(self) -> None:
        path = self.cache_path
        if path is None or not path.is_file():
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # a broken cache is only a lost speed-up; it is rewritten on save
        if isinstance(data, dict) and all(isinstance(v, str) for v in data.values()):
            self.cache.update(data)  # (JSON keys are always strings)

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

    def stem_filter(self, targets: Iterable[str]) -> Callable[[str], bool] | None:
        """A quick test of which case-folded words *may* stem to one of ``targets``.

        The test never says no to a word whose stem is in ``targets``, so a matcher
        needs the stems of the other words no more than their stems' absence from
        ``targets`` -- and can skip stemming them. ``None`` (every word may) for
        languages other than Indonesian, whose stemmers are cheap.

        Why it is sound for Sastrawi (plus the clitic stripping of this class): the stem
        of a word is the word itself, or a dictionary root reached by removing suffixes
        (derivational, possessive, particle, in that order from the end, one clitic more)
        and prefixes or an infix from the front, where a removal may put back one
        consonant (*menulis* -> *tulis*); so the root, or the root without its first
        letter, ends the word before one of those suffix chains (without it, only after
        the nasal that replaced it or after an infix). A root outside the
        dictionary is only reached from itself plus a clitic. And unless the word starts
        as one of Sastrawi's prefix or infix rules needs (:data:`_ID_FRONT`), nothing is
        removed from its front: the root must then be the whole word before the suffixes.

        >>> may = Stemmer("id", cache_dir=None).stem_filter(["takut"])
        >>> may("ketakutannya"), may("menulis")
        (True, False)
        """
        if self.lang != "id":
            return None
        return _RootFilter(set(targets), self._stem_fn().dictionary)

    def stem(self, word: str) -> str:
        """The stem of one word (case-folded first)."""
        norm = word.casefold()
        out = self.cache.get(norm)
        if out is None:
            out = self.cache[norm] = self._compute(norm)
            self._dirty = True
        return out

    def stem_many(self, words: Iterable[str]) -> list[str]:
        """Stems of many words, computing each distinct new type once (in parallel
        when there are at least :data:`PARALLEL_MIN_TYPES` new types and several cores)."""
        cache = self.cache
        norms = [w.casefold() for w in words]
        new = [n for n in dict.fromkeys(norms) if n not in cache]
        if new:
            cache.update(zip(new, self._compute_many(new)))
            self._dirty = True
        return [cache[n] for n in norms]

    def _compute_many(self, norms: list[str]) -> list[str]:
        workers = min(self.workers or available_cores(), len(norms) // (PARALLEL_MIN_TYPES // 2) or 1)
        if workers <= 1 or len(norms) < PARALLEL_MIN_TYPES or multiprocessing.current_process().daemon:
            return [self._compute(n) for n in norms]  # (daemon processes may not have children)
        # Contiguous chunks, several per worker so that an uneven chunk does not stall the rest.
        # fork shares the loaded stemmer with the workers at no cost; elsewhere spawn.
        self._stem_fn()
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        size = -(-len(norms) // (workers * 4))
        chunks = [norms[i:i + size] for i in range(0, len(norms), size)]
        _WORKER_STEMMERS[self.lang] = self
        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
                parts = list(pool.map(_stem_chunk, [self.lang] * len(chunks), chunks))
        except (OSError, RuntimeError):  # no processes here (a sandbox): stem serially
            return [self._compute(n) for n in norms]
        finally:
            _WORKER_STEMMERS.pop(self.lang, None)
        return [stem for part in parts for stem in part]

    def __repr__(self) -> str:
        return f"Stemmer({self.lang!r}, {len(self.cache)} cached types)"


# -- array tokenisation: the matcher's path ---------------------------------------------
class TokenArrays(NamedTuple):
    """One text tokenised into arrays (see :meth:`Vocabulary.tokenize`).

    ``start``/``end``: code-point offsets of each token; ``type``: its word type id in the
    vocabulary; ``breaks``: sorted offsets of characters that are neither part of a
    token nor whitespace (punctuation; a phrase may not span one).
    """

    start: np.ndarray
    end: np.ndarray
    type: np.ndarray
    breaks: np.ndarray


class Vocabulary:
    """The word types seen so far, each with an integer id, and a packed index of them.

    A token's *surface* is its text lower-cased character by character (:func:`surface`).
    Tokens are found with numpy over the code points (the same tokens as
    :func:`tokenize`): a run of word characters, joiners (``-``, ``'``) inside it
    included; their surfaces are looked up in a packed hash index
    (:class:`qualkit._kernels.surfaces.SurfaceIndex`), so known types cost no Python work
    per token; a new surface gets the next id.

    ``cache_tokens``: how many tokens of recently tokenised texts to keep as arrays (about
    12 bytes per token; ``0`` keeps none).

    >>> voc = Vocabulary()
    >>> arr = voc.tokenize("Takut, takut sekali")
    >>> [voc.types[t] for t in arr.type.tolist()], arr.start.tolist()
    (['takut', 'takut', 'sekali'], [0, 7, 13])
    """

    def __init__(self, *, cache_tokens: int = 20_000_000) -> None:
        self.types: list[str] = []
        self.ids: dict[str, int] = {}
        self._index = SurfaceIndex()
        self.cache_tokens = cache_tokens
        self._arrays: OrderedDict[bytes, TokenArrays] = OrderedDict()
        self._cached = 0

    def __len__(self) -> int:
        return len(self.types)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_arrays"], state["_cached"] = OrderedDict(), 0  # token arrays stay local
        return state

    def _type_id(self, word: str) -> int:
        tid = self.ids.get(word)
        if tid is None:
            tid = self.ids[word] = len(self.types)
            self.types.append(word)
        return tid

    def tokenize(self, text: str) -> TokenArrays:
        """Tokenise ``text`` into :class:`TokenArrays`, adding new word types.

        The arrays of the texts tokenised last (up to ``cache_tokens`` tokens in all) are
        kept and returned again for the same text; treat them as read-only.
        """
        if not self.cache_tokens:
            return self._tokenize(text)
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).digest()
        arrays = self._arrays.get(key)
        if arrays is not None:
            self._arrays.move_to_end(key)
            return arrays
        arrays = self._tokenize(text)
        if len(text) < 2 ** 31 and len(self.types) < 2 ** 31:  # kept as int32: half the memory
            arrays = TokenArrays(*(a.astype(np.int32) for a in arrays))
        for a in arrays:
            a.flags.writeable = False
        self._arrays[key] = arrays
        self._cached += len(arrays.type)
        while self._cached > self.cache_tokens and len(self._arrays) > 1:
            _, old = self._arrays.popitem(last=False)
            self._cached -= len(old.type)
        return arrays

    def _tokenize(self, text: str) -> TokenArrays:
        """Tokens are runs of word characters and of joiners between two word characters;
        breaks are the characters that are neither token nor space."""
        codes, cls, low = code_points(text)
        n = len(codes)
        word = cls == CHAR_WORD
        tok = word.copy()
        if n > 2:
            tok[1:-1] |= (cls[1:-1] == CHAR_JOIN) & word[:-2] & word[2:]
        edge = np.zeros(n + 1, dtype=np.int8)
        edge[:n] = tok
        edge[1:] -= tok
        starts = np.flatnonzero(edge == 1)
        ends = np.flatnonzero(edge == -1)
        breaks = np.flatnonzero(~tok & (cls != CHAR_SPACE))
        types = self._index.lookup(low, starts, ends, lambda s, e: self._type_id(surface(text[s:e])))
        return TokenArrays(starts, ends, types, breaks)

