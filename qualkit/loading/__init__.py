"""Loading: source files -> :class:`~qualkit.corpus.Corpus` of Documents and Passages.

One reader per format (``plaintext`` .txt/.md, ``word`` .docx, ``odt``, ``pdf``,
``htmldoc`` .html/.htm, ``captions`` .vtt/.srt, ``spreadsheet`` .csv/.xlsx), ``decode``
for encodings, ``manifest`` for per-file attributes, ``forms`` for fill-in forms,
``passages`` for text -> passages with speaker roles and prompts, ``folder`` for what
in a folder is data. String-level segmentation (turns, paragraphs, sentences) lives in
:mod:`qualkit.segment`.

>>> import qualkit
>>> corpus = qualkit.load_corpus("data/demo")               # doctest: +SKIP
>>> corpus.passages_frame()[["speaker", "role", "text"]]     # doctest: +SKIP
"""

from qualkit.loading.document import SUPPORTED_EXTENSIONS, load_document
from qualkit.loading.folder import load_corpus
from qualkit.loading.language import detect_language
from qualkit.loading.manifest import Manifest, ManifestEntry, find_manifest, guess_source_type, read_manifest
from qualkit.loading.passages import Prompts, text_passages

__all__ = [
    "load_corpus", "load_document", "read_manifest", "find_manifest", "guess_source_type",
    "detect_language", "Manifest", "ManifestEntry", "SUPPORTED_EXTENSIONS", "Prompts",
    "text_passages",
]
