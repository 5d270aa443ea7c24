"""The migrant-care codebook's factor cues reach the ways people write about the factors.

Sentences from issue 16 (item 6) and further variants (formal and colloquial Indonesian,
English phrasings, enumerations of actors) must code their factor; near misses that use
the same words for something else must not. All sentences are synthetic.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import qualkit
from qualkit.corpus import Corpus, Document, Passage

CODEBOOK = Path(__file__).resolve().parents[2] / "codebooks" / "migrant_care.yaml"
FACTORS = ("org_support_government", "org_support_victims", "org_support_families",
           "org_support_media", "org_inhibit_documents", "org_inhibit_phone_confiscation",
           "org_inhibit_cross_national", "ind_support_resilience", "ind_support_courage",
           "ind_support_motivation", "ind_support_skills", "ind_inhibit_fear")


@pytest.fixture(scope="module")
def book():
    return qualkit.load_codebook(CODEBOOK)


def factor_codes(book, text: str, lang: str) -> set[str]:
    """The factor codes ``qualkit.code`` gives ``text`` as one passage."""
    doc = Document(id="d", text=text, source_type="document", language=lang)
    passage = Passage(doc_id="d", id="d#p1", start=0, end=len(text)).with_text(doc)
    codings = qualkit.code(Corpus(documents=(doc,), passages=(passage,)), book)
    return set(codings["code_id"]) & set(FACTORS)


ISSUE = [
    ("id", "Penyitaan telepon seluler oleh pelaku membuat korban sulit dihubungi.",
     {"org_inhibit_phone_confiscation"}),
    ("id", "Keberhasilan pemulangan tidak lepas dari keterlibatan proaktif dari pemerintah, "
           "korban, keluarga, dan media.",
     {"org_support_government", "org_support_victims", "org_support_families",
      "org_support_media"}),
    ("en", "They had taken his passport and his own phone.",
     {"org_inhibit_documents", "org_inhibit_phone_confiscation"}),
    ("en", "The compound was controlled by an armed group.", {"org_inhibit_cross_national"}),
    ("en", "She never gave up.", {"ind_support_resilience"}),
    ("en", "He speaks some Chinese.", {"ind_support_skills"}),
]

VARIANTS = [
    ("id", "HP kami disita sejak hari pertama.", "org_inhibit_phone_confiscation"),
    ("id", "Hape saya diambil mandor.", "org_inhibit_phone_confiscation"),
    ("id", "Gawai mereka dikunci di lemari manajer.", "org_inhibit_phone_confiscation"),
    ("id", "Kami tidak boleh memegang ponsel selama jam kerja.", "org_inhibit_phone_confiscation"),
    ("en", "Their mobiles were collected every morning.", "org_inhibit_phone_confiscation"),
    ("id", "Paspornya ditahan perusahaan.", "org_inhibit_documents"),
    ("id", "Paspor saya disita bos.", "org_inhibit_documents"),
    ("id", "Paspor saya diambil agen di bandara.", "org_inhibit_documents"),
    ("en", "Her visa had expired and she had no papers.", "org_inhibit_documents"),
    ("id", "Kedutaan besar bergerak cepat setelah laporan masuk.", "org_support_government"),
    ("en", "Consular officials stepped in and arranged his flight home.",
     "org_support_government"),
    ("en", "It worked because of the involvement of the government, the victims, the "
           "families and the media.", "org_support_families"),
    ("id", "Dia diam-diam sharelok ke nomor hotline.", "org_support_victims"),
    ("en", "She dropped a pin and sent photos of the building.", "org_support_victims"),
    ("id", "Kakaknya terus mendesak Disnaker supaya kasusnya diproses.",
     "org_support_families"),
    ("en", "His wife filed a complaint with the ministry.", "org_support_families"),
    ("id", "Kampanye di media sosial membuat kasus ini disorot.", "org_support_media"),
    ("en", "After the public outcry, officials finally moved.", "org_support_media"),
    ("id", "Polisi setempat menganggap mereka pelanggar imigrasi.",
     "org_inhibit_cross_national"),
    ("id", "Walau dipukul, dia tidak pernah menyerah.", "ind_support_resilience"),
    ("en", "He kept going through months in the compound.", "ind_support_resilience"),
    ("id", "Malam itu dia melarikan diri lewat pagar belakang.", "ind_support_courage"),
    ("en", "She refused to scam anyone.", "ind_support_courage"),
    ("id", "Saya cuma pengin pulang, kangen anak.", "ind_support_motivation"),
    ("en", "All he wanted was to go home to his kids.", "ind_support_motivation"),
    ("id", "Dia fasih berbahasa Mandarin.", "ind_support_skills"),
    ("en", "She translated for the others when the police came.", "ind_support_skills"),
    ("id", "Dia nggak berani kabur karena utangnya.", "ind_inhibit_fear"),
    ("en", "She was reluctant to leave because of the debt.", "ind_inhibit_fear"),
]

NEAR_MISSES = [
    ("id", "Saya mengambil HP dari meja lalu menelepon ibu."),
    ("id", "Telepon berdering saat rapat."),
    ("en", "She picked up the phone and called her brother."),
    ("en", "He applied for a passport at the immigration office."),
    ("id", "Sponsor mengurus paspor dan tiket saya."),
    ("en", "The government raised fuel prices."),
    ("id", "Keluarganya tinggal di Indramayu."),
    ("id", "Tidak ada keterlibatan keluarga dalam kasus ini."),
    ("en", "He pressed the button."),
    ("en", "A reporter's notebook lay on the desk; he filed a police report."),
    ("id", "Media sosial penuh iklan lowongan kerja."),
    ("id", "Berita acara serah terima ditandatangani petugas."),
    ("id", "Rehabilitasi meliputi layanan psikososial."),
    ("id", "Putusan itu berkekuatan hukum tetap."),
    ("id", "Bantuan diberikan kepada ahli waris dan keluarga kurang mampu."),
    ("en", "Any other entity the President determines to be relevant."),
    ("id", "Saya tidak ingin pulang dulu."),
    ("en", "He gave up and signed the contract."),
    ("en", "The guards spoke loudly at night."),
    ("id", "Dia sering mimpi buruk setelah pulang."),
]


@pytest.mark.parametrize(("lang", "text", "expected"), ISSUE, ids=[t[:30] for _, t, _ in ISSUE])
def test_issue_sentences_code_their_factors(book, lang, text, expected):
    assert expected <= factor_codes(book, text, lang)


@pytest.mark.parametrize(("lang", "text", "code"), VARIANTS, ids=[t[:30] for _, t, _ in VARIANTS])
def test_variants_code_their_factor(book, lang, text, code):
    assert code in factor_codes(book, text, lang)


@pytest.mark.parametrize(("lang", "text"), NEAR_MISSES, ids=[t[:30] for _, t in NEAR_MISSES])
def test_near_misses_code_no_factor(book, lang, text):
    assert factor_codes(book, text, lang) == set()


def test_family_pressing_a_ministry_is_not_government_involvement(book):
    found = factor_codes(book, "Her parents kept calling the ministry until someone answered.", "en")
    assert "org_support_families" in found
    assert "org_support_government" not in found


def test_not_daring_is_fear_not_courage(book):
    found = factor_codes(book, "Dia tidak berani keluar dari kompleks.", "id")
    assert "ind_inhibit_fear" in found
    assert "ind_support_courage" not in found


def test_enumeration_codes_exactly_the_actors_listed(book):
    text = "Kasus ini berhasil berkat keterlibatan keluarga dan media."
    found = factor_codes(book, text, "id")
    assert {"org_support_families", "org_support_media"} <= found
    assert not found & {"org_support_government", "org_support_victims"}


def test_every_factor_has_positive_and_negative_examples_in_both_languages(book):
    for code in (c for c in book.codes if c.id in FACTORS):
        kinds = {(e.positive, e.lang) for e in code.examples}
        assert kinds >= {(True, "id"), (True, "en"), (False, "id")}, code.id
