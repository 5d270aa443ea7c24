"""Loading scales: compiled regexes over whole texts, no per-character Python loops.

The full target (5M words of .txt in well under 15 s for turns, 30 s for sentences) is
measured on a 1/10 sample here to keep the suite fast; the bounds are generous for a
loaded 2-core machine.
"""

from __future__ import annotations

import random
import time

import qualkit

WORDS = ("saya takut pulang kerja paspor disita keluarga kantor korban the family was afraid "
         "they took my phone dan kami menghubungi kedutaan").split()


def _transcript(n_words: int, seed: int) -> str:
    rng = random.Random(seed)
    lines, produced = [], 0
    while produced < n_words:
        sentences = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 15))).capitalize() + "."
                     for _ in range(rng.randint(1, 4))]
        produced += sum(len(s.split()) for s in sentences)
        lines.append(f"{rng.choice(['Pewawancara', 'Informan'])}: {' '.join(sentences)}")
    return "\n\n".join(lines)


def test_half_a_million_words_load_quickly(tmp_path):
    for i in range(5):
        (tmp_path / f"k{i}.txt").write_text(_transcript(100_000, i))
    start = time.perf_counter()
    turns = qualkit.load_corpus(tmp_path)
    t_turns = time.perf_counter() - start
    start = time.perf_counter()
    sentences = turns.segment("sentence")
    t_sentences = time.perf_counter() - start
    assert len(turns) > 10_000 and len(sentences) > len(turns)
    assert t_turns < 6.0, f"turns took {t_turns:.1f}s for 500k words"
    assert t_sentences < 8.0, f"sentences took {t_sentences:.1f}s for 500k words"
