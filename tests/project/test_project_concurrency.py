"""Several real processes on one project: nothing lost, nothing half-written."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from project_fixtures import add_many, add_then_die

from qualkit.project import Project, open_project


def test_two_processes_coding_at_once_lose_nothing(where, corpus, book):
    Project.create(where, corpus, book).close()
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager:
        go = manager.Event()
        with ProcessPoolExecutor(2, mp_context=ctx) as pool:
            futures = [pool.submit(add_many, where, coder, 200, go) for coder in ("rina", "budi")]
            go.set()
            rina, budi = (f.result(timeout=300) for f in futures)
    with open_project(where) as project:
        codings = project.codings()
        log = project.history()
    assert len(codings) == 400 and codings["id"].is_unique
    assert sorted(codings["id"]) == sorted(rina + budi)
    for coder, ids in (("rina", rina), ("budi", budi)):
        mine = codings[codings["coder"] == coder]
        assert sorted(mine["id"]) == sorted(ids)
        assert sorted(mine["memo"]) == sorted(f"{coder} {i}" for i in range(200))
        actions = log[log["coder"] == coder]["action"].value_counts().to_dict()
        assert actions == {"add": 200, "undo": 4, "redo": 4}


def test_a_killed_process_loses_nothing_it_was_told_was_done(where, corpus, book):
    Project.create(where, corpus, book).close()
    ctx = multiprocessing.get_context("spawn")
    worker = ctx.Process(target=add_then_die, args=(where,))
    worker.start()
    worker.join(120)
    assert worker.exitcode == 9
    with open_project(where) as project:
        assert project.codings()["memo"].tolist() == ["before the crash"]
        assert project.history()["action"].tolist() == ["add"]


def test_reopened_project_keeps_working(where, corpus, book):
    with Project.create(where, corpus, book) as project:
        first = project.add_coding("interviews/a.txt", 3, 9, "fear", coder="rina")
    with open_project(where) as project:
        project.undo("rina")  # the undo stack lives in the project, not in the session
        assert project.codings().empty
        project.redo("rina")
        assert project.codings()["id"].tolist() == [first]
