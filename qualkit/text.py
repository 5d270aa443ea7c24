"""Words of a text: the tokeniser both codebooks and the coder use, and the languages a
stemmer exists for.

A token is a run of word characters, with hyphen- or apostrophe-joined parts kept
together (Indonesian reduplication such as *ditakut-takuti* or *anak-anak* is one token).
Offsets are code points into the text, end exclusive; ``norm`` is the case-folded token.
The coder's fast array tokeniser (:class:`qualkit.coding.tokens.Vocabulary`) finds the
same tokens; its tests use :func:`tokenize` as their oracle.

Example
-------
>>> tokenize("Dia ditakut-takuti.")
[(0, 3, 'dia'), (4, 18, 'ditakut-takuti')]
>>> "en" in supported_languages()
True
"""

from __future__ import annotations

import re

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


# Character classes (one small integer per code point) of the array tokeniser.
CHAR_OTHER, CHAR_SPACE, CHAR_WORD, CHAR_JOIN = 0, 1, 2, 3
_WORD_RE = re.compile(r"\w")
_JOINERS = "-'’"


def char_class(ch: str) -> int:
    """The class of one character: :data:`CHAR_JOIN` (a joiner inside words), word,
    space or other (punctuation)."""
    if ch in _JOINERS:
        return CHAR_JOIN
    if _WORD_RE.match(ch):
        return CHAR_WORD
    return CHAR_SPACE if ch.isspace() else CHAR_OTHER


def char_lower(ch: str) -> str:
    """The one-character lower case of ``ch`` (``ch`` itself when lower() changes length)."""
    low = ch.lower()
    return low if len(low) == 1 else ch


def surface(token: str) -> str:
    """A token as the array tokeniser keys it: lower-cased character by character.

    >>> surface("DISITA")
    'disita'
    """
    return token.lower() if token.isascii() else "".join(map(char_lower, token))


def tokenize(text: str) -> list[tuple[int, int, str]]:
    """Split ``text`` into ``(start, end, norm)`` tokens (code-point offsets, case-folded).

    >>> tokenize("Paspor saya DISITA")
    [(0, 6, 'paspor'), (7, 11, 'saya'), (12, 18, 'disita')]
    """
    return [(m.start(), m.end(), m.group().casefold()) for m in TOKEN_RE.finditer(text)]


def split_tokens(text: str) -> list[str]:
    """``text`` split into alternating separators and tokens: ``[sep, tok, sep, tok, ..., sep]``.

    The pieces concatenate back to ``text``, so cumulative lengths give every token's
    offsets without a Python loop per token.

    >>> split_tokens("a-b, c")
    ['', 'a-b', ', ', 'c', '']
    """
    return _SPLIT_RE.split(text)


def supported_languages() -> tuple[str, ...]:
    """Language codes a stemmer exists for (``id`` plus Snowball's)."""
    return ("id", *sorted(SNOWBALL_LANGUAGES))


__all__ = ["CHAR_JOIN", "CHAR_OTHER", "CHAR_SPACE", "CHAR_WORD", "SNOWBALL_LANGUAGES", "TOKEN_PATTERN", "TOKEN_RE",
           "char_class", "char_lower", "split_tokens", "supported_languages", "surface", "tokenize"]
