"""Schema version, migrations, SQLite settings, and lossless rows (property-based)."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from project_fixtures import make_codebook, make_corpus

from qualkit.corpus import Corpus, Document, Passage
from qualkit.errors import QualkitError
from qualkit.project import Project, ProjectError, open_project
from qualkit.project import rows as R
from qualkit.project import schema as S


def test_new_project_records_its_schema_version(where, corpus, book):
    with Project.create(where, corpus, book) as project, S.reading(project._engine) as conn:
        rows = conn.execute(sa.select(S.schema_version.c.version)).scalars().all()
    assert rows == list(range(1, S.SCHEMA_VERSION + 1))  # every migration, in order


def test_open_applies_missing_migrations_and_keeps_data(where, corpus, book, monkeypatch):
    with Project.create(where, corpus, book) as project:
        cid = project.add_coding("interviews/a.txt", 3, 9, "fear", coder="rina")
    calls = []

    def to_v2(conn: sa.Connection) -> None:
        calls.append(conn.dialect.name)
        conn.execute(sa.text("CREATE TABLE tags (coding_id INTEGER, tag TEXT)"))

    future = S.SCHEMA_VERSION + 1
    monkeypatch.setattr(S, "SCHEMA_VERSION", future)
    monkeypatch.setitem(S.MIGRATIONS, future, to_v2)
    with open_project(where) as project:
        assert project.codings()["id"].tolist() == [cid]
        with S.reading(project._engine) as conn:
            assert S.current_version(conn) == future
            assert sa.inspect(conn).has_table("tags")
    open_project(where).close()  # already at the new version: not migrated twice
    assert len(calls) == 1


def test_open_refuses_a_project_from_a_newer_qualkit(where, corpus, book):
    with Project.create(where, corpus, book) as project, S.writing(project._engine) as conn:
        conn.execute(sa.insert(S.schema_version).values(version=S.SCHEMA_VERSION + 1, applied=0))
    with pytest.raises(Exception, match="upgrade qualkit"):
        open_project(where)


def test_sqlite_file_uses_wal_and_foreign_keys(tmp_path, corpus, book):
    path = tmp_path / "p.qkproj"
    with Project.create(path, corpus, book) as project:
        with sqlite3.connect(path) as raw:
            assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        with pytest.raises(sa.exc.IntegrityError), S.writing(project._engine) as conn:
            conn.execute(sa.insert(S.passages).values(key=999, passage_id="x", doc=999, start=0,
                                                      end=1, info={}))


def test_create_reports_unstorable_metadata(tmp_path, book):
    doc = Document(id="a.txt", text="Halo", metadata={"when": object()})
    corpus = Corpus(documents=(doc,), passages=(Passage("a.txt", "a.txt#p1", 0, 4).with_text(doc),))
    with pytest.raises(Exception, match="a.txt metadata"):
        Project.create(tmp_path / "p.qkproj", corpus, book)
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_failed_create_leaves_nothing_behind(where, corpus, book, monkeypatch):
    def broken(conn, book, at):
        raise RuntimeError("disk full")

    monkeypatch.setattr("qualkit.project.store._store_codebook", broken)
    with pytest.raises(RuntimeError):
        Project.create(where, corpus, book)
    monkeypatch.undo()
    Project.create(where, corpus, book).close()  # the same place is free: no empty project left


def test_create_in_a_missing_folder_says_so(tmp_path, corpus, book):
    with pytest.raises(ProjectError, match="folder .* does not exist"):
        Project.create(tmp_path / "no" / "p.qkproj", corpus, book)


def test_url_of_a_password_is_not_shown(tmp_path):
    for action in (open_project, lambda url: Project.create(url, make_corpus(), make_codebook())):
        with pytest.raises(ProjectError, match="cannot reach the database") as err:
            action("postgresql://u:secret@127.0.0.1:1/none")
        assert "secret" not in str(err.value)


_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**9, 10**9) | st.text(max_size=8)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@given(meta=st.dictionaries(st.text(max_size=6), _values, max_size=4), text=st.text(min_size=1))
def test_document_rows_round_trip(meta, text):
    doc = Document(id="d.txt", text=text, metadata=meta, removed=(0,), case_id="C9")
    assert R.document_from_row(R.document_row(doc, 0)) == doc


_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), min_size=2, max_size=60)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT | st.just("a😟b\u0301c 🇮🇩 d"), data=st.data())
def test_stored_coding_text_is_the_document_slice(text, data):
    doc = Document(id="d.txt", text=text, source_type="interview")
    corpus = Corpus(documents=(doc,), passages=(Passage("d.txt", "d.txt#p1", 0, len(text)).with_text(doc),))
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.qkproj"
        with Project.create(path, corpus, make_codebook()) as project:
            project.add_coding("d.txt", start, end, "fear", coder="rina")
        with open_project(path) as project:
            row = project.codings().iloc[0]
            stored = project.corpus().document("d.txt").text
    assert stored == text and stored[row["start"]:row["end"]] == text[start:end]


def test_fixture_corpus_is_valid():
    assert len(make_corpus().passages) == 6


def test_a_writer_that_cannot_get_the_lock_gets_a_clear_error(tmp_path, corpus, book, monkeypatch):
    path = tmp_path / "p.qkproj"
    Project.create(path, corpus, book).close()
    monkeypatch.setattr(S, "BUSY_TIMEOUT_S", 0.2)
    project = open_project(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(QualkitError, match="locked by another process for 0.2 s; nothing was written"):
            project.add_coding("interviews/a.txt", 3, 9, "fear", coder="rina")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    project.add_coding("interviews/a.txt", 3, 9, "fear", coder="rina")
    assert len(project.codings()) == 1
    project.close()
