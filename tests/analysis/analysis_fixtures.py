"""Small in-memory corpus, codebook and codings for the analysis tests."""

from __future__ import annotations

from qualkit import Corpus, Document, Passage
from qualkit.codebook.model import Code, Codebook
from qualkit.coding.frame import codings_frame
from qualkit.study import Study

SPEC = [
    ("interviews/victim_01.txt", "interview", "victim", "c1", [
        ("interviewer", "P", "Bagaimana awalnya Anda bisa berangkat?"),
        ("informant", "K", "Saya takut sekali waktu itu karena mereka mengancam kami setiap hari."),
        ("interviewer", "P", "Apakah pemerintah membantu? KBRI?"),
        ("informant", "K", "KBRI sangat membantu kami pulang ke rumah dengan cepat setelah keluarga melapor."),
    ]),
    ("interviews/staff_01.txt", "interview", "case_companion", "c1", [
        ("interviewer", "P", "Apa yang Anda lakukan?"),
        ("informant", "K", "Kami berkoordinasi dengan KBRI dan Kemlu untuk pemulangan korban."),
        ("informant", "K", "Korban berani bersaksi meskipun takut pada ancaman perusahaan."),
    ]),
    ("observations/obs_01.txt", "observation", None, "c1", [
        (None, None, "Pendamping menghubungi keluarga korban lewat telepon."),
        (None, None, "Staf menelepon KBRI untuk menanyakan kabar korban."),
    ]),
    ("documents/intake_01.txt", "document", None, "c2", [
        (None, None, "Paspor korban ditahan oleh perusahaan."),
        (None, None, "KTP dan KK tidak ada pada korban."),
    ]),
]


def build_corpus(spec=SPEC) -> Corpus:
    """Documents from (doc_id, source_type, group, case, [(role, speaker, text)]);
    speaker turns are written ``K: text``, lines joined by newlines."""
    documents, passages = [], []
    for doc_id, source_type, group, case, turns in spec:
        text, spans = "", []
        for role, speaker, line in turns:
            prefix = f"{speaker}: " if speaker else ""
            if text:
                text += "\n"
            start = len(text) + len(prefix)
            text += prefix + line
            spans.append((start, len(text), role, speaker))
        doc = Document(id=doc_id, text=text, source_type=source_type, informant_group=group,
                       case_id=case, language="id")
        documents.append(doc)
        for n, (start, end, role, speaker) in enumerate(spans, start=1):
            passages.append(Passage(doc_id=doc_id, id=f"{doc_id}#p{n}", start=start, end=end,
                                    speaker=speaker, role=role).with_text(doc))
    return Corpus(documents=tuple(documents), passages=tuple(passages))


def build_codebook(extra=()) -> Codebook:
    codes = (
        Code(id="org_support", name="Involvement", facets={"factor": "supporting", "level": "organisation"}),
        Code(id="gov", name="Government involvement", parent="org_support"),
        Code(id="media", name="Media involvement", parent="org_support"),
        Code(id="docs_missing", name="Missing documents",
             facets={"factor": "inhibiting", "level": "organisation"}),
        Code(id="courage", name="Courage", facets={"factor": "supporting", "level": "individual"}),
        Code(id="fear", name="Fear of risks", facets={"factor": "inhibiting", "level": "individual"}),
        Code(id="stage_engagement", name="Engagement", description="First contact with the victim and family",
             facets={"stage": "engagement"}),
        Code(id="stage_assessment", name="Assessment", description="Taking down the chronology",
             facets={"stage": "assessment"}),
        Code(id="stage_follow_up", name="Follow-up", description="Monitoring after return",
             facets={"stage": "follow_up"}),
        Code(id="ctx_scam", name="Scam work"),
        *extra,
    )
    return Codebook(
        name="mini", codes=codes,
        facets={"factor": ("supporting", "inhibiting"), "level": ("organisation", "individual"),
                "stage": ("engagement", "assessment", "follow_up")},
        facet_labels={"factor.supporting": {"id": "Pendukung"}, "factor.inhibiting": {"id": "Penghambat"},
                      "level.organisation": {"id": "Organisasi"}, "level.individual": {"id": "Individu"}},
    )


def build_study() -> Study:
    """A small synthetic study design: labels and plurals of the fixture's source types."""
    return Study.from_dict({"source_types": [
        {"id": "interview", "label": {"en": "Interview", "id": "Wawancara"},
         "plural": {"en": "interviews", "id": "wawancara"}},
        {"id": "observation", "label": {"en": "Observation", "id": "Observasi"},
         "plural": {"en": "observations", "id": "observasi"}},
        {"id": "document", "label": {"en": "Document", "id": "Dokumen"},
         "plural": {"en": "documentation", "id": "dokumentasi"}}]})


def coding(corpus: Corpus, passage_id: str, code_id: str, word: str | None = None, *,
           coder: str = "auto", method: str = "auto") -> dict:
    """One coding row; the evidence span is ``word`` in the passage (or the whole passage)."""
    p = next(p for p in corpus.passages if p.id == passage_id)
    if word is None:
        start, end = p.start, p.end
    else:
        i = p.text.index(word)
        start, end = p.start + i, p.start + i + len(word)
    return {"passage_id": passage_id, "doc_id": p.doc_id, "code_id": code_id, "start": start,
            "end": end, "cue": word or "", "coder": coder, "method": method}


def build_codings(corpus: Corpus):
    v, s, o, d = ("interviews/victim_01.txt", "interviews/staff_01.txt",
                  "observations/obs_01.txt", "documents/intake_01.txt")
    return codings_frame([
        coding(corpus, f"{v}#p2", "fear", "takut"),
        coding(corpus, f"{v}#p2", "stage_engagement", "Saya"),
        coding(corpus, f"{v}#p3", "gov", "pemerintah"),          # interviewer turn
        coding(corpus, f"{v}#p4", "gov", "KBRI"),
        coding(corpus, f"{v}#p4", "stage_follow_up", "pulang"),
        coding(corpus, f"{s}#p2", "gov", "KBRI"),
        coding(corpus, f"{s}#p3", "courage", "berani"),
        coding(corpus, f"{s}#p3", "fear", "takut"),
        coding(corpus, f"{o}#p1", "stage_engagement", "menghubungi"),
        coding(corpus, f"{o}#p2", "gov", "KBRI"),
        coding(corpus, f"{d}#p1", "docs_missing", "Paspor"),
        coding(corpus, f"{d}#p2", "docs_missing", "KTP"),
        coding(corpus, f"{d}#p1", "ctx_scam", "perusahaan"),
    ])
