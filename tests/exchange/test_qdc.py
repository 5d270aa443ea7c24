"""Codebook exchange (.qdc): schema-valid export, faithful round trip, every sample imports."""

from __future__ import annotations

import pytest

from qualkit.errors import ExchangeError
from qualkit.exchange import read_codebook_csv, read_qdc, write_qdc
from qualkit.exchange.qdc import code_guid



def test_export_is_valid_against_codebook_xsd(study, tmp_path, schema):
    _, book, _ = study
    from lxml import etree

    out = write_qdc(book, tmp_path / "mini.qdc")
    xsd = schema("Codebook.xsd")
    assert xsd.validate(etree.parse(str(out))), xsd.error_log


def test_round_trip_restores_the_codebook_exactly(study, tmp_path):
    _, book, _ = study
    back = read_qdc(write_qdc(book, tmp_path / "mini.qdc"))
    assert back == book
    assert back.code("ind_inhibit_fear").cues == book.code("ind_inhibit_fear").cues
    assert back.facet("ind_inhibit_fear", "level") == "individual"


def test_tree_comes_from_parent_and_guids_are_stable(study, tmp_path):
    _, book, _ = study
    from lxml import etree

    a = write_qdc(book, tmp_path / "a.qdc").read_bytes()
    b = write_qdc(book, tmp_path / "b.qdc").read_bytes()
    assert a == b
    tree = etree.fromstring(a)
    ns = {"q": "urn:QDA-XML:codebook:1.0"}
    child = tree.xpath("//q:Code[@guid=$g]", namespaces=ns, g=code_guid("ind_inhibit_fear"))[0]
    assert child.getparent().get("guid") == code_guid("individual")
    assert code_guid("ind_inhibit_fear") != code_guid("individual")


def test_description_is_human_readable_first(study, tmp_path):
    _, book, _ = study
    text = write_qdc(book, tmp_path / "m.qdc").read_text(encoding="utf-8")
    assert "Fear of risks\nInclusion: threats\nExclusion: fear of flying\nFacets: factor=inhibiting" in text
    assert "<Set guid=" in text and 'name="factor: inhibiting"' in text


@pytest.mark.parametrize("name, n_codes", [
    ("atlasti_23_4_codebook.qdc", 1),
    ("taguette_1.5.2_export_codebook.qdc", 4),
    ("example_codebook.qdc", None),
])
def test_every_sample_codebook_imports_every_code(name, n_codes, tmp_path, sample):
    from lxml import etree

    path = sample(name)
    expected = len(etree.parse(str(path)).xpath("//*[local-name()='Code']"))
    book = read_qdc(path)
    assert len(book.codes) == expected == (n_codes or expected)
    assert len({c.id for c in book.codes}) == len(book.codes)
    # and re-exports as a valid file with the same codes
    again = read_qdc(write_qdc(book, tmp_path / "again.qdc"))
    assert again == book


def test_atlasti_set_becomes_a_facet(sample):
    book = read_qdc(sample("atlasti_23_4_codebook.qdc"))
    assert book.facets == {"set": ("code group 1",)}
    assert book.code("code1").facets["set"] == "code group 1"
    assert book.code("code1").description == "description"


def test_nested_non_guid_codes_keep_their_tree(sample):
    book = read_qdc(sample("example_codebook.qdc"))
    rage = next(c for c in book.codes if c.name == "Rage")
    assert book.code(rage.parent).name == "Negativ/Aufgeregt"
    assert rage.color == "#c95858"


def test_defect_file_names_file_and_line(sample):
    path = sample("example_codebook_defect.qdc")
    with pytest.raises(ExchangeError) as info:
        read_qdc(path)
    assert info.value.line == 132
    assert "example_codebook_defect.qdc" in str(info.value) and "malformed XML" in str(info.value)


def test_imported_codebook_saves_as_valid_yaml(tmp_path, sample):
    io = pytest.importorskip("qualkit.codebook.io")
    for name in ("atlasti_23_4_codebook.qdc", "example_codebook.qdc", "taguette_1.5.2_export_codebook.qdc"):
        book = read_qdc(sample(name))
        back = io.load_codebook(io.save_codebook(book, tmp_path / f"{name}.yaml"))
        assert [c.id for c in back.codes] == [c.id for c in book.codes]


def test_taguette_codebook_csv(shared_dir):
    path = shared_dir / "realdata" / "serdif_usability_thinkaloud" / "codebook_20220303_8.csv"
    if not path.exists():
        pytest.skip(f"{path} not found (../shared beside the repo)")
    book = read_codebook_csv(path)
    assert len(book.codes) == 22
    first = book.codes[0]
    assert (first.id, first.name, first.memo) == ("moderator_assist", "Moderator assist", "highlights: 174")
    assert any("\n" in c.description for c in book.codes)  # multi-line quoted descriptions


def test_taguette_csv_errors_name_the_line(tmp_path):
    bad = tmp_path / "c.csv"
    bad.write_text("tag,description\nA,x\n,y\n", encoding="utf-8")
    with pytest.raises(ExchangeError, match="empty tag") as info:
        read_codebook_csv(bad)
    assert info.value.line == 3
    bad.write_text("name,description\nA,x\n", encoding="utf-8")
    with pytest.raises(ExchangeError, match="no 'tag' column"):
        read_codebook_csv(bad)
