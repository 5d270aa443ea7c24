"""Deterministic synthetic corpus and codebook for the coding benchmark.

The corpus imitates interview transcripts: speaker turns of Indonesian and English
sentences. Words are built from a base vocabulary with Indonesian affixes so that the
number of distinct word types grows with corpus size roughly as in real text (stemming
cost scales with the vocabulary, not with the corpus). Everything is seeded.

>>> docs = generate_documents(500, seed=1)
>>> sum(len(t.split()) for _, turns in docs for _, t in turns) >= 500
True
"""

from __future__ import annotations

import random
from collections.abc import Iterator

ID_ROOTS = """
takut ancam paksa tipu kerja gaji bayar pulang kirim lapor bantu dampingi tolong cari
tahan sita ambil rampas hubung telepon pesan kabar tunggu janji rekrut tawar daftar
berangkat tinggal tidur makan sakit pukul siksa marah jual beli tanam urus proses
periksa catat tulis baca dengar lihat pikir rasa ingat lupa coba mulai selesai ubah
rencana atur koordinasi pantau nilai tutup ikut lanjut sampai terima kasih harap
percaya ragu berani tahan kuat semangat latih ajar bicara tanya jawab minta beri
""".split()
ID_WORDS = """
saya kami dia mereka keluarga anak ibu bapak korban pekerja migran perusahaan kantor
kedutaan pemerintah polisi paspor dokumen ponsel uang rumah desa kota negara luar
waktu hari bulan tahun malam pagi lalu sudah belum tidak bukan dengan untuk dari ke di
yang dan atau karena tetapi juga hanya sangat lebih masih akan bisa harus mau ingin
itu ini sana sini sekarang nanti dulu banyak sedikit semua setiap orang teman kawan
""".split()
EN_WORDS = """
i we they he she family child mother father victim worker company office embassy
government police passport document phone money house village city country abroad time
day month year night morning ago already not never no with for from to in at the a an
and or because but also only very more still will can must want that this there here
now later many few all every people friend help report threat fear afraid scam work
salary pay return send call message wait promise recruit offer travel stay sleep eat
""".split()
ID_PREFIX = ["", "", "", "me", "mem", "men", "di", "ber", "ter", "pe", "ke", "se"]
ID_SUFFIX = ["", "", "", "kan", "an", "nya", "i", "lah", "kah"]
SPEAKERS_ID = ["Pewawancara", "Informan"]
SPEAKERS_EN = ["Interviewer", "Respondent"]


def _id_word(rng: random.Random) -> str:
    if rng.random() < 0.55:
        return rng.choice(ID_WORDS)
    root = rng.choice(ID_ROOTS)
    if rng.random() < 0.05:  # rare invented roots keep the vocabulary growing
        root = root + rng.choice("aiueo") + rng.choice("nrstklm")
    return rng.choice(ID_PREFIX) + root + rng.choice(ID_SUFFIX)


def _en_word(rng: random.Random) -> str:
    word = rng.choice(EN_WORDS)
    if rng.random() < 0.2:
        word += rng.choice(["s", "ed", "ing", "er"])
    return word


def generate_documents(
    n_words: int, *, seed: int = 0, english_share: float = 0.25, words_per_document: int = 3000
) -> list[tuple[str, list[tuple[str, str]]]]:
    """``(language, turns)`` per transcript until about ``n_words`` words in all."""
    rng = random.Random(seed)
    docs: list[tuple[str, list[tuple[str, str]]]] = []
    produced = 0
    while produced < n_words:
        lang = "en" if rng.random() < english_share else "id"
        size = min(words_per_document, n_words - produced)
        turns = list(generate_turns(size, seed=rng.randrange(2**31), english=lang == "en"))
        produced += sum(len(t.split()) for _, t in turns)
        docs.append((lang, turns))
    return docs


def generate_turns(n_words: int, *, seed: int = 0, english: bool = False) -> Iterator[tuple[str, str]]:
    """Yield ``(speaker, text)`` turns in one language until about ``n_words`` words."""
    rng = random.Random(seed)
    produced = 0
    while produced < n_words:
        speaker = (SPEAKERS_EN if english else SPEAKERS_ID)[rng.random() < 0.7]
        sentences = []
        for _ in range(rng.randint(1, 4)):
            length = rng.randint(5, 18)
            words = [(_en_word if english else _id_word)(rng) for _ in range(length)]
            sentences.append(" ".join(words).capitalize() + ".")
        text = " ".join(sentences)
        produced += len(text.split())
        yield speaker, text


def generate_cues(n_cues: int = 300, *, seed: int = 0) -> list[dict]:
    """Cue specs ``{code, pattern, lang, match}``: 1-3 words, stem-matched and plain."""
    rng = random.Random(seed + 1)
    cues: list[dict] = []
    seen: set[tuple[str, str]] = set()
    while len(cues) < n_cues:
        lang = "en" if rng.random() < 0.3 else "id"
        n = rng.choice([1, 1, 2, 2, 3])
        if lang == "id":
            words = [rng.choice(ID_ROOTS + ID_WORDS) for _ in range(n)]
        else:
            words = [rng.choice(EN_WORDS) for _ in range(n)]
        pattern = " ".join(words)
        match = "exact" if rng.random() < 0.5 else "stem"
        if (pattern, lang) in seen:
            continue
        seen.add((pattern, lang))
        cues.append({"code": f"c{len(cues) // 3:03d}", "pattern": pattern, "lang": lang, "match": match})
    return cues
