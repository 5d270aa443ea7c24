"""The coding view in a real browser (Playwright + Debian's chromium): select text with
the mouse in a transcript with emoji and accents, press a code's key, check the stored
coding; reload shows it again. Skipped, with the reason, only when chromium cannot start."""

from __future__ import annotations


import pytest
from mouse import drag_select
from pagehost import PageHost
from widget_fixtures import TEXT_A

from qualkit.project import open_project
from qualkit.widgets import CodingView, ReviewQueue

pytest.importorskip("playwright.sync_api", reason="playwright (dev extra) is not installed")


def test_mouse_selection_and_a_key_store_an_exact_coding(browser, project, tmp_path):
    host = PageHost(browser, CodingView(project, coder="rina"))
    host.open()
    page = host.page
    assert "Sari" not in page.inner_text(".qk-text")  # redacted on screen
    drag_select(page, "takut sekali 😟")
    assert page.evaluate("window.getSelection().toString()") == "takut sekali 😟"
    page.keyboard.press("1")  # the first code: "fear"
    host.settle()
    rows = project.codings(coders="rina")
    assert len(rows) == 1, host.widget.message
    start, end = int(rows["start"].iloc[0]), int(rows["end"].iloc[0])
    assert (start, end) == (TEXT_A.index("takut"), TEXT_A.index("😟") + 1)
    assert project.document("interviews/a.txt").text[start:end] == "takut sekali 😟"
    assert rows["code_id"].iloc[0] == "fear"
    page.wait_for_selector(".qk-text .hl.k-own")
    assert page.inner_text(".qk-text .hl.k-own") == "takut sekali 😟"

    # a second one with a combining accent, applied by clicking a code in the tree
    drag_select(page, "café e\u0301tait")
    page.click(".qk-code:has-text('Support')")
    host.settle()
    texts = sorted(project.document("interviews/a.txt").text[s:e]
                   for s, e in zip(project.codings(coders="rina")["start"], project.codings(coders="rina")["end"]))
    assert texts == ["café e\u0301tait", "takut sekali 😟"]
    page.close()

    # reload from the file in a new view and a new page: the codings are shown again
    project.close()
    again = PageHost(browser, CodingView(open_project(tmp_path / "study.qkproj"), coder="rina"))
    again.open()
    shown = sorted(again.page.eval_on_selector_all(".qk-text .hl.k-own", "els => els.map(e => e.textContent)"))
    assert shown == ["café e\u0301tait", "takut sekali 😟"]
    again.page.close()


def test_click_a_highlight_then_keys_accept_and_remove(browser, project):
    s = TEXT_A.index("Paspor")
    auto = project.add_coding("interviews/a.txt", s, s + 6, "documents", coder="auto", method="auto",
                              status="proposed")
    host = PageHost(browser, CodingView(project, coder="rina"))
    host.open()
    page = host.page
    page.click(".qk-text .hl.k-auto")
    page.wait_for_selector(".qk-detail .card")
    page.keyboard.press("a")
    host.settle()
    assert project.codings()["status"].tolist() == ["accepted"]
    page.keyboard.press("x")
    host.settle()
    assert project.codings().empty
    page.keyboard.press("z")
    host.settle()
    assert project.codings()["id"].tolist() == [auto]
    page.close()


def test_review_queue_keys(browser, project):
    for phrase in ("takut", "Paspor", "agen"):
        s = TEXT_A.index(phrase)
        project.add_coding("interviews/a.txt", s, s + len(phrase), "fear", coder="auto", method="auto",
                           status="proposed")
    host = PageHost(browser, ReviewQueue(project, code="fear", coder="rina"))
    host.open()
    page = host.page
    page.focus(".qk-queue")
    page.keyboard.press("a")
    host.settle()
    page.keyboard.press("r")
    host.settle()
    assert sorted(project.codings()["status"]) == ["accepted", "proposed", "rejected"]
    assert "precision 50%" in page.inner_text(".qk-prec")
    page.close()


def test_screenshot(browser, tmp_path):
    """The demo view renders in the page host (the README's screenshot is made inside
    JupyterLab by test_jupyterlab.py)."""
    from screenshot import demo_view

    view = demo_view(tmp_path / "demo.qkproj")
    host = PageHost(browser, view, width=1280, height=760)
    host.open()
    out = tmp_path / "coding_view.png"
    host.page.locator(".qk-view").screenshot(path=str(out))
    assert out.stat().st_size > 10_000
    host.page.close()
