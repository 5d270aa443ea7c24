"""A tiny in-memory study shared by the output and CLI tests: 5 documents across the three
source types and four informant groups, a codebook with the study's facets, codings made
by substring matches (so the tests do not depend on the auto-coder), and the real
``qualkit.analysis.analyze`` of them.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from qualkit.codebook.model import Code, Codebook, Cue, Example
from qualkit.coding.frame import codings_frame
from qualkit.corpus import Corpus, Document, Passage
from qualkit.study import Study

TEXTS = {
    "interviews/korban_01.txt": (
        "interview", "victim", "K01",
        ["Saya takut sekali waktu itu.", "Paspor saya ditahan oleh perusahaan.",
         "Saya berani menghubungi keluarga sendiri."],
    ),
    "interviews/keluarga_01.txt": (
        "interview", "family", "K01",
        ["Kami melapor ke KBRI dan kedutaan membantu.", "Anak saya takut diancam."],
    ),
    "interviews/pengurus_01.txt": (
        "interview", "ngo_management", None,
        ["Media ikut memberitakan kasus ini; viral.", "Kami koordinasi dengan Kemlu."],
    ),
    "observations/obs_01.md": (
        "observation", None, "K01",
        ["Pendamping menemui keluarga pertama kali.", "Korban tampak takut dan ragu."],
    ),
    "documents/formulir_K01.txt": (
        "document", "case_companion", "K01",
        ["Paspor dan KTP korban ditahan perekrut.", "Koordinasi dengan KBRI Phnom Penh."],
    ),
}


def tiny_corpus() -> Corpus:
    documents, passages = [], []
    for doc_id, (stype, group, case, paras) in TEXTS.items():
        text = "\n\n".join(paras)
        doc = Document(id=doc_id, text=text, source_type=stype, informant_group=group, case_id=case)
        documents.append(doc)
        pos = 0
        for n, para in enumerate(paras, start=1):
            start = text.index(para, pos)
            speaker = "N" if stype == "interview" else None
            passages.append(Passage(doc_id=doc_id, id=f"{doc_id}#p{n}", start=start,
                                    end=start + len(para), speaker=speaker,
                                    role="informant" if speaker else None).with_text(doc))
            pos = start + len(para)
    return Corpus(documents=tuple(documents), passages=tuple(passages))


def tiny_codebook() -> Codebook:
    def code(cid, name, parent=None, cues=(), **facets):
        return Code(id=cid, name=name, parent=parent, facets=facets,
                    description=f"Definition of {name}.", inclusion="Include when ...",
                    exclusion="Exclude when ...",
                    cues=tuple(Cue(pattern=c) for c in cues),
                    examples=(Example(text=f"Contoh {name}"),))
    codes = (
        code("org_support_government", "Proactive involvement of the government", cues=("KBRI",),
             level="organisation", factor="supporting"),
        code("org_support_media", "Media involvement", cues=("media",),
             level="organisation", factor="supporting"),
        code("org_inhibit_documents", "Missing personal documents", cues=("paspor",),
             level="organisation", factor="inhibiting"),
        code("ind_support_courage", "Courage", cues=("berani",), level="individual", factor="supporting"),
        code("ind_support_skills", "Skills", level="individual", factor="supporting"),
        code("ind_inhibit_fear", "Hesitation out of fear", cues=("takut",),
             level="individual", factor="inhibiting"),
        code("stage_engagement", "Engagement", stage="engagement"),
        code("stage_implementation", "Implementation", stage="implementation"),
    )
    return Codebook(
        name="tiny", version="1", codes=codes,
        facets={"factor": ("supporting", "inhibiting"), "level": ("organisation", "individual"),
                "stage": ("engagement", "assessment", "implementation")},
        facet_labels={"factor.supporting": {"id": "Pendukung", "en": "Supporting"},
                      "factor.inhibiting": {"id": "Penghambat"}},
    )


def tiny_design() -> Study:
    """The tiny study's design (synthetic): labels and plurals of its source types and
    groups, and the report's method template left generic."""
    return Study.from_dict({
        "title": {"en": "Tiny synthetic study"},
        "source_types": [
            {"id": "interview", "label": {"en": "Interview", "id": "Wawancara"},
             "plural": {"en": "interview transcripts", "id": "transkrip wawancara"}},
            {"id": "observation", "label": {"en": "Observation", "id": "Observasi"},
             "plural": {"en": "sets of field notes", "id": "catatan lapangan"}},
            {"id": "document", "label": {"en": "Documentation", "id": "Dokumentasi"},
             "plural": {"en": "case documents", "id": "dokumen kasus"}}],
        "informant_groups": [{"id": g} for g in ("ngo_management", "case_companion", "victim", "family")],
    })


def tiny_codings(corpus: Corpus, book: Codebook) -> pd.DataFrame:
    cues = {c.id: [q.pattern.lower() for q in c.cues] for c in book.codes}
    cues["stage_engagement"] = ["pertama kali", "menghubungi"]
    cues["stage_implementation"] = ["koordinasi"]
    rows = []
    for p in corpus.passages:
        low = p.text.lower()
        for cid, pats in cues.items():
            for pat in pats:
                i = low.find(pat.lower())
                if i >= 0:
                    rows.append({"passage_id": p.id, "doc_id": p.doc_id, "code_id": cid,
                                 "start": p.start + i, "end": p.start + i + len(pat), "cue": pat,
                                 "coder": "auto", "method": "auto", "codebook_hash": book.hash})
                    break
    return codings_frame(rows)


def make_analysis(*, language: str = "en", redacted: bool = False, study: Study | None = None) -> Any:
    """The tiny study analysed with the given codings (no redaction is run: the data has
    no personal data; ``redacted=True`` only sets the flag, for the report's warning)."""
    from qualkit.analysis import analyze

    corpus, book = tiny_corpus(), tiny_codebook()
    result = analyze(corpus, book, codings=tiny_codings(corpus, book), redact=False, language=language,
                     study=study or tiny_design())
    return dataclasses.replace(result, redacted=True) if redacted else result
