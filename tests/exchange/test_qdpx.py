"""Project exchange (.qdpx): schema-valid export, round trip, and every real sample."""

from __future__ import annotations

import zipfile

import pytest

from qualkit.errors import ExchangeError, ExportError
from qualkit.exchange import read_qdpx, write_qdpx

SAMPLE_FILES = ["demo.qdpx", "minimal_full.qdpx", "nvivo_project.qdpx", "oltas0517.qdpx", "qc_1.7.8_export.qdpx"]


def _project_xml(path):
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        name = next(n for n in z.namelist() if n.lower().endswith(".qde"))
        return etree.fromstring(z.read(name)), z


def test_export_is_valid_and_laid_out_as_the_standard_says(study, tmp_path, schema):
    from lxml import etree

    corpus, book, codings = study
    out = write_qdpx(corpus, book, codings, tmp_path / "mini.qdpx")
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        root = etree.fromstring(z.read("project.qde"))
        texts = {n: z.read(n) for n in names if n.startswith("sources/")}
    xsd = schema("Project.xsd")
    assert xsd.validate(root), xsd.error_log
    assert names[0] == "project.qde" and len(texts) == 2
    assert all(n.endswith(".txt") for n in texts)
    assert {t.decode("utf-8") for t in texts.values()} == {d.text for d in corpus.documents}
    assert not any(t.startswith(b"\xef\xbb\xbf") for t in texts.values())
    order = [etree.QName(c).localname for c in root]
    assert order == ["Users", "CodeBook", "Variables", "Cases", "Sources", "Notes", "Sets", "Description"]
    assert all(len(c) for c in root if etree.QName(c).localname != "Description")  # no empty containers
    ns = {"q": "urn:QDA-XML:project:1.0"}
    for src in root.xpath("//q:TextSource", namespaces=ns):
        assert src.get("name") in {d.id.replace("/", "__") for d in corpus.documents}
        assert src.get("plainTextPath") == f"internal://{src.get('guid')}.txt"
    assert all(c.get("creatingUser") for c in root.xpath("//q:Coding", namespaces=ns))
    assert {u.get("name") for u in root.xpath("//q:User", namespaces=ns)} == {"auto", "rina"}
    assert [c.get("name") for c in root.xpath("//q:Case", namespaces=ns)] == ["K01"]


def test_selection_positions_are_code_points_over_the_stored_text(study, tmp_path):
    from lxml import etree

    corpus, book, codings = study
    out = write_qdpx(corpus, book, codings, tmp_path / "mini.qdpx")
    with zipfile.ZipFile(out) as z:
        root = etree.fromstring(z.read("project.qde"))
        ns = {"q": "urn:QDA-XML:project:1.0"}
        for src in root.xpath("//q:TextSource", namespaces=ns):
            text = z.read(f"sources/{src.get('guid')}.txt").decode("utf-8")
            for sel in src.xpath("q:PlainTextSelection", namespaces=ns):
                s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
                doc_id = src.get("name").replace("__", "/")
                expected = codings[(codings.doc_id == doc_id) & (codings.start == s) & (codings.end == e)]
                assert len(expected), (s, e)
                doc = corpus.document(doc_id)
                assert text[s:e] == doc.text[s:e]
    # the emoji precedes "ancaman": UTF-16 would be one further
    assert corpus.document("interviews/korban_01.txt").text[25:46] == "Saya takut 😀 ancaman."


def test_round_trip_gives_the_same_corpus_codebook_and_codings(study, tmp_path):
    corpus, book, codings = study
    project = read_qdpx(write_qdpx(corpus, book, codings, tmp_path / "mini.qdpx"))
    assert project.codebook == book
    assert project.corpus == corpus  # documents (text, variables, metadata) and passages
    assert [d.id for d in project.corpus.documents] == [d.id for d in corpus.documents]
    for a, b in zip(project.corpus.documents, corpus.documents):
        assert (a.text, a.source_type, a.informant_group, a.case_id, a.language, dict(a.metadata)) == \
            (b.text, b.source_type, b.informant_group, b.case_id, b.language, dict(b.metadata))
    cols = ["passage_id", "doc_id", "code_id", "start", "end", "spans", "cue", "coder", "method", "confidence", "memo"]
    assert project.codings[cols].values.tolist() == codings[cols].values.tolist()
    assert project.notes[0].text == "fear of threats"


def test_export_is_deterministic_with_stable_guids(study, tmp_path):
    corpus, book, codings = study
    a = write_qdpx(corpus, book, codings, tmp_path / "a.qdpx").read_bytes()
    b = write_qdpx(corpus, book, codings, tmp_path / "b.qdpx").read_bytes()
    assert a == b


def test_users_option_sets_display_names_but_keeps_coders(study, tmp_path):
    corpus, book, codings = study
    out = write_qdpx(corpus, book, codings, tmp_path / "u.qdpx", users={"auto": "qualkit auto-coder"})
    project = read_qdpx(out)
    assert {u.name for u in project.users} == {"qualkit auto-coder", "rina"}
    assert set(project.codings.coder) == {"auto", "rina"}


def test_export_refuses_codings_that_do_not_fit(study, tmp_path):
    corpus, book, codings = study
    bad = codings.copy()
    bad.loc[0, "code_id"] = "no_such_code"
    with pytest.raises(ExportError, match="no_such_code"):
        write_qdpx(corpus, book, bad, tmp_path / "bad.qdpx")
    bad = codings.copy()
    bad.loc[0, "end"] = 10_000
    with pytest.raises(ExportError, match="outside"):
        write_qdpx(corpus, book, bad, tmp_path / "bad.qdpx")
    assert not (tmp_path / "bad.qdpx").exists()


def test_export_without_codings(study, tmp_path, schema):
    from lxml import etree

    corpus, book, _ = study
    out = write_qdpx(corpus, book, None, tmp_path / "plain.qdpx")
    with zipfile.ZipFile(out) as z:
        assert schema("Project.xsd").validate(etree.fromstring(z.read("project.qde")))
    assert read_qdpx(out).codings.empty


# -- real samples ----------------------------------------------------------------------

def _expected(path):
    """Counts and selected texts computed straight from the file (not through qualkit)."""
    root, z = _project_xml(path)
    origin = root.get("origin") or ""
    utf16 = "nvivo" in origin.lower()
    q = lambda name: root.xpath(f"//*[local-name()='{name}']")  # noqa: E731
    selected = []
    with zipfile.ZipFile(path) as z:
        lookup = {n.lower(): n for n in z.namelist()}
        for src in q("TextSource"):
            rel = src.get("plainTextPath").split("://", 1)[-1]
            raw = z.read(lookup.get(f"sources/{rel}".lower()) or lookup[rel.lower()]).decode("utf-8-sig")
            for sel in src.xpath("*[local-name()='PlainTextSelection']"):
                s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
                if utf16:
                    units = raw.encode("utf-16-le")
                    text = units[2 * s : 2 * e].decode("utf-16-le")
                else:
                    text = raw[s:e]
                for _ in sel.xpath("*[local-name()='Coding']"):
                    selected.append(text.replace("\r\n", "\n").replace("\r", "\n"))
    return {"codes": len(q("Code")), "sources": len(q("TextSource")), "codings": len(q("Coding")),
            "selected": selected}


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_every_sample_imports_every_code_source_and_coding(name, sample):
    path = sample(name)
    expected = _expected(path)
    project = read_qdpx(path)
    assert len(project.codebook.codes) == expected["codes"]
    assert len(project.corpus.documents) == expected["sources"]
    assert len(project.codings) == expected["codings"]
    # every selection lands on the text the original tool shows
    got = []
    for row in project.codings.itertuples(index=False):
        got.append(project.corpus.document(row.doc_id).text[row.start : row.end])
    assert sorted(got) == sorted(expected["selected"])
    # every coding points to a passage that contains its span
    passages = {p.id: p for p in project.corpus.passages}
    for row in project.codings.itertuples(index=False):
        p = passages[row.passage_id]
        assert p.doc_id == row.doc_id and p.start <= row.start and row.end <= p.end


def test_nvivo_windows_uses_utf16_positions(sample):
    project = read_qdpx(sample("oltas0517.qdpx"))
    assert project.position_model == "utf16"
    assert project.origin.startswith("NVivo for Windows")
    assert {u.name for u in project.users} == {"Gergo", "floriansipos"}
    assert set(project.codings.coder) <= {"Gergo", "floriansipos"}
    assert all("\r" not in d.text for d in project.corpus.documents)
    assert all(d.removed for d in project.corpus.documents)


def test_minimal_full_emoji_offsets_variables_cases_notes(sample):
    project = read_qdpx(sample("minimal_full.qdpx"))
    doc = project.corpus.documents[0]
    rows = project.codings.set_index("code_id")
    assert doc.text[rows.loc["family_home", "start"] : rows.loc["family_home", "end"]] == "My family helps."
    assert (rows.loc["family_home", "start"], rows.loc["family_home", "end"]) == (67, 83)
    assert doc.text[40:63] == "Stressful but rewarding"
    assert rows.loc["work", "memo"] == "Ambivalent about work."
    assert doc.case_id == "Participant 1" and doc.metadata["Age"] == "42"
    assert project.codebook.code("work").parent == "themes"
    assert project.codebook.code("work").facets["set"] == "Life domains"
    assert project.codebook.code("work").color == "#FF0000"


def test_qc_files_without_declaration_or_name(sample):
    demo = read_qdpx(sample("demo.qdpx"))
    assert [d.id for d in demo.corpus.documents] == ["board_2017.txt", "admin-1.txt"]
    assert set(demo.codings.coder) == {"cp"}
    ids = [c.id for c in demo.codebook.codes]
    assert len(ids) == len(set(ids))  # duplicate names ("programming") made unique


def test_nvivo_mac_docx_sources(sample):
    project = read_qdpx(sample("nvivo_project.qdpx"))
    assert project.position_model == "utf16"
    assert len(project.corpus.documents) == 2 and project.codings.empty
    assert all(d.metadata["refi_origin_path"].endswith(".docx") for d in project.corpus.documents)


# -- strict where data would be lost ------------------------------------------------------

def _qdpx(tmp_path, project: str, files: dict[str, bytes] | None = None, name="t.qdpx"):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", project)
        for n, data in (files or {}).items():
            z.writestr(n, data)
    return path


_PROJECT = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="t" origin="test">
<CodeBook><Codes><Code guid="{{11111111-1111-1111-1111-111111111111}}" name="A" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="22222222-2222-2222-2222-222222222222" name="s" plainTextPath="internal://s.txt">
<PlainTextSelection guid="33333333-3333-3333-3333-333333333333" startPosition="{start}" endPosition="{end}">
<Coding guid="44444444-4444-4444-4444-444444444444"><CodeRef targetGUID="{ref}"/></Coding>
</PlainTextSelection></TextSource></Sources></Project>"""


def test_braced_uppercase_guids_match(tmp_path):
    xml = _PROJECT.format(start=0, end=5, ref="11111111-1111-1111-1111-111111111111".upper())
    project = read_qdpx(_qdpx(tmp_path, xml, {"Sources/s.txt": "Hello world".encode()}))
    assert project.codings.loc[0, "code_id"] == "a" and project.codings.loc[0, "coder"] == "unknown"


def test_selection_outside_the_text_is_an_error(tmp_path):
    xml = _PROJECT.format(start=3, end=50, ref="11111111-1111-1111-1111-111111111111")
    with pytest.raises(ExchangeError, match="selection 33333333.*beyond the end"):
        read_qdpx(_qdpx(tmp_path, xml, {"sources/s.txt": b"Hello"}))


def test_coding_of_an_unknown_code_is_an_error(tmp_path):
    xml = _PROJECT.format(start=0, end=5, ref="99999999-9999-9999-9999-999999999999")
    with pytest.raises(ExchangeError, match="not in the codebook"):
        read_qdpx(_qdpx(tmp_path, xml, {"sources/s.txt": b"Hello"}))


def test_missing_source_file_is_an_error(tmp_path):
    xml = _PROJECT.format(start=0, end=5, ref="11111111-1111-1111-1111-111111111111")
    with pytest.raises(ExchangeError, match="missing from the archive"):
        read_qdpx(_qdpx(tmp_path, xml))


def test_not_a_zip(tmp_path):
    path = tmp_path / "x.qdpx"
    path.write_bytes(b"not a zip")
    with pytest.raises(ExchangeError, match="not a valid zip"):
        read_qdpx(path)


from hypothesis import given, strategies as st  # noqa: E402


@given(st.sampled_from(["code", "coding", "selection", "note", "user"]), st.text(max_size=80))
def test_stable_guid_is_uuid5_over_the_qualkit_namespace(kind, key):
    import uuid

    from qualkit.exchange._xml import QUALKIT_NAMESPACE, stable_guid

    assert stable_guid(kind, key) == str(uuid.uuid5(QUALKIT_NAMESPACE, f"{kind}:{key}"))
