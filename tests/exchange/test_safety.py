"""Hostile files are refused: zip slip, zip bombs, XML entities; outputs stay in their folder."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest

from qualkit.errors import ExchangeError
from qualkit.exchange import import_to_folder, read_qdc, read_qdpx

_OK_PROJECT = """<Project xmlns="urn:QDA-XML:project:1.0" name="t"><Sources>
<TextSource guid="22222222-2222-2222-2222-222222222222" name="s" plainTextPath="internal://s.txt"/>
</Sources></Project>"""


def _zip(path, entries):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(name, data)
    return path


@pytest.mark.parametrize("evil", ["../evil.txt", "sources/../../evil.txt", "/etc/evil.txt", "C:/evil.txt",
                                  "..\\evil.txt"])
def test_zip_slip_entries_are_refused(tmp_path, evil):
    path = _zip(tmp_path / "slip.qdpx", [("project.qde", _OK_PROJECT), ("sources/s.txt", "hi"), (evil, "x")])
    with pytest.raises(ExchangeError, match="escapes the archive"):
        read_qdpx(path)


def test_zip_bomb_is_refused_by_total_size(tmp_path):
    path = _zip(tmp_path / "bomb.qdpx", [("project.qde", _OK_PROJECT), ("sources/s.txt", "a" * 3_000_000)])
    with pytest.raises(ExchangeError, match="more than 1000000 bytes"):
        read_qdpx(path, max_bytes=1_000_000)
    with pytest.raises(ExchangeError, match="compression ratio"):
        read_qdpx(path, max_ratio=100)
    with pytest.raises(ExchangeError, match="compression ratio above 1000"):
        read_qdpx(path)  # the default ratio cap catches this one
    assert len(read_qdpx(path, max_ratio=10_000).corpus.documents[0].text) == 3_000_000


def test_external_entities_are_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    xxe = (f'<?xml version="1.0"?><!DOCTYPE CodeBook [<!ENTITY x SYSTEM "file://{secret}">]>'
           '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
           '<Code guid="11111111-1111-1111-1111-111111111111" name="&x;" isCodable="true"/></Codes></CodeBook>')
    path = tmp_path / "xxe.qdc"
    path.write_text(xxe, encoding="utf-8")
    with pytest.raises(ExchangeError, match="refused XML") as info:
        read_qdc(path)
    assert "TOP SECRET" not in str(info.value)


def test_billion_laughs_is_refused(tmp_path):
    lol = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{"&lol%d;" % (i - 1) * 10}">' for i in range(1, 10)]
    xml = (f'<?xml version="1.0"?><!DOCTYPE Project [{"".join(lol)}]>'
           '<Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"/>')
    path = _zip(tmp_path / "lol.qdpx", [("project.qde", xml)])
    with pytest.raises(ExchangeError, match="refused XML"):
        read_qdpx(path)


def test_import_to_folder_writes_only_its_five_files(tmp_path, sample):
    out = tmp_path / "out"
    paths = import_to_folder(sample("minimal_full.qdpx"), out, redact=False)
    files = ["codebook.yaml", "codings.csv", "documents.csv", "import_report.csv", "passages.csv"]
    assert sorted(p.name for p in paths) == files
    assert sorted(p.name for p in out.iterdir()) == files
    codings = pd.read_csv(out / "codings.csv")
    passages = pd.read_csv(out / "passages.csv")
    assert codings.code_id.tolist() == ["work", "family_home"]
    assert set(codings.passage_id) <= set(passages.passage_id)


def test_import_to_folder_redacts_by_default(tmp_path):
    pytest.importorskip("qualkit.privacy")
    project = ('<Project xmlns="urn:QDA-XML:project:1.0" name="t"><CodeBook><Codes>'
               '<Code guid="11111111-1111-1111-1111-111111111111" name="Contact" isCodable="true"/></Codes></CodeBook>'
               '<Sources><TextSource guid="22222222-2222-2222-2222-222222222222" name="s" plainTextPath="internal://s.txt">'
               '<PlainTextSelection guid="33333333-3333-3333-3333-333333333333" startPosition="0" endPosition="28">'
               '<Coding guid="44444444-4444-4444-4444-444444444444"><CodeRef targetGUID="11111111-1111-1111-1111-111111111111"/>'
               '</Coding></PlainTextSelection></TextSource></Sources></Project>')
    path = _zip(tmp_path / "p.qdpx", [("project.qde", project), ("sources/s.txt", "HP saya 0812-3456-7890 ya.\nLain.")])
    import_to_folder(path, tmp_path / "safe")
    text = (tmp_path / "safe" / "passages.csv").read_text(encoding="utf-8")
    assert "0812" not in text and "[PHONE]" in text
    import_to_folder(path, tmp_path / "raw", redact=False)
    assert "0812-3456-7890" in (tmp_path / "raw" / "passages.csv").read_text(encoding="utf-8")


def test_import_to_folder_writes_nothing_for_a_bad_file(tmp_path, sample):
    out = tmp_path / "out"
    with pytest.raises(ExchangeError):
        import_to_folder(sample("example_codebook_defect.qdc"), out)
    assert not out.exists() or not any(out.iterdir())
    with pytest.raises(ExchangeError, match="no such file"):
        import_to_folder(tmp_path / "x.txt", out)
    (tmp_path / "x.txt").write_text("just text")
    with pytest.raises(ExchangeError, match="cannot tell which tool"):
        import_to_folder(tmp_path / "x.txt", out)
    assert not out.exists() or not any(out.iterdir())
