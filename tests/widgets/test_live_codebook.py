"""A codebook version stored elsewhere (another kernel, another process) reaches an open
view when the browser polls: codes added, renamed and removed, shortcuts following, and
codings of a removed code still shown, flagged. Synthetic data (widget_fixtures)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from widget_fixtures import TEXT_A, make_book

from qualkit.codebook.model import Code
from qualkit.project import open_project
from qualkit.widgets import CodingView, ReviewQueue

ROOT = Path(__file__).resolve().parents[2]


def changed_book():
    """``documents`` removed, ``hope`` added (before ``support``), ``support`` renamed."""
    codes = {c.id: c for c in make_book().codes}
    return replace(make_book(), codes=(codes["fear"], codes["fear_agent"], Code(id="hope", name="Hope"),
                                       replace(codes["support"], name="Support given")))


def span(phrase: str) -> tuple[int, int]:
    i = TEXT_A.index(phrase)
    return i, i + len(phrase)


def test_a_codebook_version_from_another_kernel_reaches_the_open_view(project, tmp_path):
    kept = project.add_coding("interviews/a.txt", *span("Paspor"), "documents", coder="budi")
    view = CodingView(project, coder="rina", redact=False)
    before = {c["id"]: c["key"] for c in view.codes}
    assert before == {"fear": "1", "fear_agent": "2", "documents": "3", "support": "4"}
    other = open_project(tmp_path / "study.qkproj")  # another kernel, same file
    other.set_codebook(changed_book())
    view.handle({"type": "poll"})
    codes = {c["id"]: c for c in view.codes}
    assert [(c["id"], c["key"], c["missing"]) for c in view.codes] == [
        ("fear", "1", False), ("fear_agent", "2", False), ("hope", "3", False), ("support", "4", False),
        ("documents", "", True)]  # the removed code stays listed while codings use it, keyless
    assert codes["support"]["name"] == "Support given"
    assert [(h[0], h[3]) for h in view.highlights] == [(kept, "documents")]  # never dropped
    assert view.message == "codebook updated: added hope; removed documents; renamed support"
    # key 3 now codes "hope", as the browser sends it
    start, end = span("takut sekali")
    view.handle({"type": "add", "start": start, "end": end, "code": codes["hope"]["id"]})
    assert project.codings(coders="rina")["code_id"].tolist() == ["hope"]
    view.handle({"type": "add", "start": start, "end": end, "code": "documents"})
    assert view.message.startswith("⚠") and "documents" in view.message
    # the flagged coding can be moved to a code of the codebook; then nothing is flagged
    view.handle({"type": "recode", "id": kept, "code": "support"})
    assert [c["id"] for c in view.codes if c["missing"]] == []
    other.close()


def test_undo_and_history_stay_consistent_across_a_codebook_change(project, tmp_path):
    view = CodingView(project, coder="rina", redact=False)
    view.handle({"type": "add", "start": span("Paspor saya")[0], "end": span("Paspor saya")[1], "code": "documents"})
    cid = view.selected
    log = project.history()
    other = open_project(tmp_path / "study.qkproj")
    other.set_codebook(changed_book())
    view.handle({"type": "poll"})
    assert project.history().equals(log)  # a codebook version is no coding action in the log
    assert project.codebooks()["hash"].tolist() == [make_book().hash, changed_book().hash]
    view.handle({"type": "remove", "id": cid})
    assert view.highlights == [] and [c["id"] for c in view.codes if c["missing"]] == []
    view.handle({"type": "undo"})  # back, though its code left the codebook meanwhile: flagged
    assert [h[0] for h in view.highlights] == [cid]
    assert [c["id"] for c in view.codes if c["missing"]] == ["documents"]
    other.set_codebook(make_book())  # the old version made current again is a change too
    view.handle({"type": "poll"})
    assert [c["id"] for c in view.codes] == ["fear", "fear_agent", "documents", "support"]
    assert view.message == "codebook updated: added documents; removed hope; renamed support"
    other.close()


def test_a_poll_without_changes_keeps_the_status_line(project, tmp_path):
    view = CodingView(project, coder="rina", redact=False)
    view.handle({"type": "add", "start": span("takut")[0], "end": span("takut")[1], "code": "fear"})
    said = view.message
    view.handle({"type": "poll"})
    assert view.message == said and said.startswith("coded")


def test_a_codebook_stored_by_another_process(project, tmp_path):
    view = CodingView(project, coder="rina")
    script = ("import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
              "from test_live_codebook import changed_book\n"
              "from qualkit.project import open_project\n"
              "open_project(sys.argv[3]).set_codebook(changed_book())\n")
    subprocess.run([sys.executable, "-c", script, str(ROOT), str(Path(__file__).parent),
                    str(tmp_path / "study.qkproj")], check=True, timeout=120)
    view.handle({"type": "poll"})
    assert "hope" in [c["id"] for c in view.codes] and "added hope" in view.message


def test_the_review_queue_follows_the_codebook_and_keeps_removed_codes_rows(project, tmp_path):
    for phrase in ("Paspor", "bandara"):
        project.add_coding("interviews/a.txt", *span(phrase), "documents", coder="auto", method="auto",
                           status="proposed")
    queue = ReviewQueue(project, code="documents", coder="rina", redact=False)
    assert queue.code_name == "Documents held" and len(queue.rows) == 2
    queue.current = 1
    on = queue.rows[1]["id"]
    other = open_project(tmp_path / "study.qkproj")
    other.set_codebook(changed_book())
    queue.handle({"type": "poll"})
    assert queue.code_name == "documents (not in the codebook)"
    assert len(queue.rows) == 2 and queue.rows[queue.current]["id"] == on  # rows kept, cursor too
    other.set_status(queue.rows[0]["id"], "rejected", coder="budi")  # a decision elsewhere
    queue.handle({"type": "poll"})
    assert [r["id"] for r in queue.rows] == [on] and queue.precision["reviewed"] == 1
    queue.decide(0, "accepted")  # deciding still works for the removed code's codings
    assert project.codings(status="accepted")["code_id"].tolist() == ["documents"]
    other.close()


def test_blind_mode_lists_only_the_coders_own_removed_codes(project, tmp_path):
    project.add_coding("interviews/a.txt", *span("Paspor"), "documents", coder="budi")
    project.add_coding("interviews/a.txt", *span("bandara"), "documents", coder="rina")
    blind = CodingView(project, coder="rina", blind=True, redact=False)
    open_project(tmp_path / "study.qkproj").set_codebook(changed_book())
    blind.handle({"type": "poll"})
    assert [c["id"] for c in blind.codes if c["missing"]] == ["documents"]  # rina's own coding
    assert [(h[3], h[6]) for h in blind.highlights] == [("documents", "rina")]
    project.remove_coding(int(blind.highlights[0][0]), coder="rina")
    blind.handle({"type": "poll"})
    assert [c["id"] for c in blind.codes if c["missing"]] == []  # budi's is not shown, nor listed
