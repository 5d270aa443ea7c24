"""``Project.codings()``'s fast read (packed columns, a cache on the log position) against
its plain version: the rows fetched as tuples and ``frames.codings_frame``."""

from __future__ import annotations

import multiprocessing

import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qualkit._kernels import codings_read
from qualkit.project import Project, open_project
from qualkit.project import frames as F
from qualkit.project import schema as S

from project_fixtures import add_many, make_codebook

CODERS = ("rina", "budi", "ana ü", "Z")  # non-ASCII and upper case: ranks must follow str order
CODES = ("fear", "documents", "support")


def plain(project: Project, where: list | None = None) -> pd.DataFrame:
    """The oracle: every row as a tuple, then the plain frame builder."""
    codec = project._codec()
    with S.reading(project._engine) as conn:
        query = sa.select(*(S.codings.c[c] for c in F.SELECT)).where(*(where or []))
        rows = conn.execute(query).cursor.fetchall()
    return F.codings_frame(rows, codec)


def same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, expected, check_exact=True)  # floats to the last bit


@pytest.fixture
def project(where, corpus, book):
    with Project.create(where, corpus, book) as p:
        yield p


confidence = st.one_of(st.none(), st.floats(0, 1), st.sampled_from([0.1 + 0.2, 1 / 3, 0.5, 1e-300]))
coding = st.tuples(st.integers(0, 10_000), st.integers(0, 200), st.integers(1, 30), st.sampled_from(CODES),
                   st.sampled_from(CODERS), st.sampled_from(("auto", "manual", "suggested", "imported")),
                   confidence, st.sampled_from(("", "", "a memo", "ü;\n,")), st.sampled_from(("", "cue,x")),
                   st.booleans())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(coding, max_size=40), stored=st.sampled_from(S.STATUSES),
       status=st.sampled_from((None, "accepted", ["proposed", "rejected"])))
@example(rows=[(0, 0, 2, "fear", "rina", "suggested", 0.1 + 0.2, "", "", False)], stored="accepted",
         status=None)  # SQLite writes 15 digits: "0.3", not this float
def test_codings_equals_the_plain_version(project, corpus, rows, stored, status):
    with S.writing(project._engine) as conn:  # start afresh for each example
        conn.execute(sa.delete(S.codings))
    project._cached = None  # that delete bypassed the log, which the cache watches
    frame = pd.DataFrame([
        {"doc_id": (p := corpus.passages[i % len(corpus.passages)]).doc_id,
         "start": p.start + min(off, len(p.text) - 1),
         "end": min(p.start + min(off, len(p.text) - 1) + size, p.end),
         "code_id": code, "coder": coder, "method": method, "confidence": conf, "memo": memo, "cue": cue,
         "spans": f"{p.start}-{p.start + 1};{p.end - 1}-{p.end}" if two and len(p.text) > 2 else ""}
        for i, off, size, code, coder, method, conf, memo, cue, two in rows])
    if len(frame):
        project.add_codings(frame, coder="importer", status=stored)
    got = project.codings(status=status)
    where = [] if status is None else [S.codings.c.status.in_([status] if isinstance(status, str) else status)]
    same(got, plain(project, where))
    assert list(got.dtypes) == list(plain(project).dtypes) and list(got.columns) == list(F.PROJECT_COLUMNS)


def test_filters_and_status_changes_agree_with_the_plain_version(project, corpus):
    ids = [project.add_coding(p.doc_id, p.start, p.start + 1, CODES[n % 3], coder=CODERS[n % 4],
                              memo="m" if n % 5 == 0 else None)
           for n, p in enumerate(corpus.passages * 3)]
    project.set_status(ids[0], "rejected", coder="rina")
    project.change_coding(ids[1], coder="budi", code_id="support")
    c = S.codings.c
    for kwargs, where in [({}, []), ({"coders": "rina"}, [c.coder.in_(["rina"])]),
                          ({"status": "rejected"}, [c.status.in_(["rejected"])]),
                          ({"documents": "notes/b.txt"}, [c.doc.in_([2])])]:
        same(project.codings(**kwargs), plain(project, where))


def test_too_many_names_to_pack_falls_back_to_the_plain_path(project, corpus, monkeypatch):
    project.add_coding(corpus.passages[0].doc_id, corpus.passages[0].start, corpus.passages[0].end,
                       "fear", coder="rina")
    monkeypatch.setattr(codings_read, "_NAME", 1)  # nothing fits: read_columns declines
    with S.reading(project._engine) as conn:
        assert codings_read.read_columns(conn, []) is None
    same(project.codings(), plain(project))


def test_repeated_calls_are_cached_and_copies(project, corpus):
    p = corpus.passages[0]
    project.add_coding(p.doc_id, p.start, p.start + 2, "fear", coder="rina")
    first = project.codings()
    first.loc[0, "code_id"] = "changed by the caller"
    again = project.codings()
    assert again.loc[0, "code_id"] == "fear"  # the cache hands out copies
    assert project._cached is not None and project._cached[0][0] == project.last_change()


def test_cache_sees_every_change_from_another_process(where, corpus, book):
    with Project.create(where, corpus, book) as project:
        assert len(project.codings()) == 0
        ctx = multiprocessing.get_context("spawn")
        go = ctx.Event()
        go.set()
        worker = ctx.Process(target=add_many, args=(where, "budi", 3, go))
        worker.start()
        worker.join(120)
        assert worker.exitcode == 0
        assert len(project.codings()) == 3  # written by another process
        cid = int(project.codings()["id"].iloc[0])
        with open_project(where) as other:
            other.set_status(cid, "rejected", coder="ana")
        assert project.codings().set_index("id").loc[cid, "status"] == "rejected"
        with open_project(where) as other:
            other.undo("ana")
        assert project.codings().set_index("id").loc[cid, "status"] == "accepted"
        project.set_codebook(make_codebook(extra=("hope",)))
        same(project.codings(), plain(project))
