"""A codebook changed by another kernel, as a person sees it in the browser (Playwright +
Debian's chromium): the new code's key codes with it, the removed code is listed under
"not in the codebook" and its coding stays highlighted. Skipped, with the reason, only
when chromium cannot start. Synthetic data (widget_fixtures)."""

from __future__ import annotations

import pytest
from pagehost import PageHost
from test_browser import drag_select
from test_live_codebook import changed_book, span

from qualkit.project import open_project
from qualkit.widgets import CodingView

pytest.importorskip("playwright.sync_api", reason="playwright (dev extra) is not installed")


def test_a_new_codebook_version_reaches_the_page(browser, project, tmp_path):
    kept = project.add_coding("interviews/a.txt", *span("Paspor"), "documents", coder="budi")
    host = PageHost(browser, CodingView(project, coder="rina", redact=False))
    host.open()
    page = host.page
    other = open_project(tmp_path / "study.qkproj")  # another kernel stores a new version
    other.set_codebook(changed_book())
    page.evaluate("window.qkModel.send({type: 'poll'})")  # what the view's timer sends
    host.settle()
    page.wait_for_selector(".qk-tree .qk-gone")
    assert page.inner_text(".qk-code.missing .name") == "documents"
    assert page.inner_text(".qk-code:has-text('Hope') .key") == "3"
    assert page.inner_text(".qk-code:has-text('Support given') .key") == "4"
    assert "added hope" in page.inner_text(".qk-status")
    assert page.inner_text(".qk-text .hl.k-other") == "Paspor"  # the removed code's coding: shown
    page.click(".qk-code.missing")  # listed to show its codings, not to code with
    host.settle()
    drag_select(page, "takut sekali")
    page.keyboard.press("3")
    host.settle()
    assert project.codings(coders="rina")["code_id"].tolist() == ["hope"]
    page.click(".qk-text .hl.k-other")
    page.wait_for_selector(".qk-detail .qk-gone")  # the card says it is not in the codebook
    page.keyboard.press("4")  # moved to a code of the codebook
    host.settle()
    assert project.codings().set_index("id").loc[kept, "code_id"] == "support"
    assert page.query_selector(".qk-tree .qk-gone") is None
    page.close()
    other.close()
