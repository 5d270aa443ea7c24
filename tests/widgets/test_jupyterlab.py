"""The coding view inside a real JupyterLab (issue 15, "Done when").

A JupyterLab server runs in the test's temporary directory (``labhost.py``); Playwright
drives Debian's chromium. The notebook creates a synthetic project with emoji and
combining accents and shows ``CodingView(project, coder="rina")``. The test selects a
phrase with the mouse, presses a code's key, and reads the stored coding from the project
file in this process. Then it kills the kernel (SIGKILL, as a crash would), reloads the
lab, re-runs the notebook in the fresh kernel and finds every coding again: printed by
the new kernel and shown as highlights by the new view. Skipped, with the reason, only
when chromium or JupyterLab cannot start.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import nbformat
import pytest
from labhost import LabError, LabServer, seal
from mouse import drag_select
from widget_fixtures import TEXT_A

from qualkit.project import open_project

pytest.importorskip("playwright.sync_api", reason="playwright (dev extra) is not installed")
pytest.importorskip("jupyterlab", reason="jupyterlab (dev extra) is not installed")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DOC = "interviews/a.txt"
TIMEOUT = 90_000  # ms: a kernel start and qualkit's import on a busy 2-core machine


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    try:
        server = LabServer(root / "notebooks", root / "state").__enter__()
    except LabError as err:
        pytest.skip(f"JupyterLab cannot start here ({err})")
    yield server
    server.stop()


def write_notebook(path: Path, cells: list[str]) -> None:
    """A notebook of code ``cells`` for the test interpreter's ``python3`` kernel."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, path)


def coding_cells(project: Path) -> list[str]:
    """The researcher's notebook: open (or first create) the project, show the view, list
    the stored codings."""
    return [
        (f"import json, os, sys\nfrom pathlib import Path\nsys.path.insert(0, {str(HERE)!r})\n"
         "import qualkit\nfrom qualkit.project import Project, open_project\n"
         "from qualkit.widgets import CodingView\n"
         "from widget_fixtures import make_book, make_corpus  # synthetic: emoji, accents, CRLF\n\n"
         f"path = Path({str(project)!r})\n"
         "project = open_project(path) if path.exists() else Project.create(path, make_corpus(), make_book())\n"
         'print("QK-KERNEL", json.dumps({"pid": os.getpid(), "qualkit": qualkit.__file__}))'),
        'view = CodingView(project, coder="rina")\nview',
        ("rows = project.codings()\n"
         "coded = [[r.coder, r.code_id, project.document(r.doc_id).text[r.start:r.end]] for r in rows.itertuples()]\n"
         'print("QK-CODINGS", json.dumps({"pid": os.getpid(), "n": len(rows), "coded": coded}))'),
    ]


def printed(page, tag: str, *, pid: int | None = None) -> dict:
    """The JSON the notebook printed after ``tag`` (waits for the cell's output; ``pid``:
    printed by that kernel, not an output kept in the notebook file by an autosave)."""
    out = page.locator(".jp-OutputArea-output", has_text=tag)
    if pid is not None:
        out = out.filter(has_text=f'"pid": {pid},')
    out.first.wait_for(timeout=TIMEOUT)
    line = next(ln for ln in out.first.inner_text().splitlines() if ln.startswith(tag))
    return json.loads(line.removeprefix(tag))


def run_all(page) -> None:
    """Run > Run All Cells, from the lab's menu bar, as a person would."""
    page.locator('.lm-MenuBar-itemLabel:text-is("Run")').click()
    page.locator('.lm-Menu-itemLabel:text-is("Run All Cells")').click()


def open_notebook(browser, lab: LabServer, name: str):
    """A new page showing the notebook in the lab, kernel idle, every cell run."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    blocked = seal(page, lab.url)
    page.set_default_timeout(TIMEOUT)
    try:
        page.goto(lab.open_url(name))
        page.locator(".jp-Notebook .jp-Cell").first.wait_for()
        deadline = time.monotonic() + TIMEOUT / 1000
        while not lab.kernel_ready(name):  # the page's indicator says "idle" before a kernel exists
            assert time.monotonic() < deadline, f"no kernel for {name}: {lab.log_tail()}"
            page.wait_for_timeout(250)  # not time.sleep: the page's requests are routed here
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']:visible").first.wait_for()
        run_all(page)
        page.locator(".jp-InputArea-prompt:not(:text-is('[ ]:'))").first.wait_for()  # the cells run
        page.locator(".jp-OutputArea-output .qk-text [data-o]").first.wait_for()
    except Exception:
        page.screenshot(path=str(lab.home / "failure.png"))  # what the lab showed, for the log
        print(f"screenshot of the failure: {lab.home / 'failure.png'}")
        raise
    return page, blocked


def kernel_pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_code_by_hand_in_jupyterlab_kill_the_kernel_and_find_every_coding(lab, browser):
    store = lab.root / "study.qkproj"
    write_notebook(lab.root / "coding.ipynb", coding_cells(store))
    page, blocked = open_notebook(browser, lab, "coding.ipynb")
    kernel = printed(page, "QK-KERNEL")
    assert Path(kernel["qualkit"]).resolve().is_relative_to(ROOT / "qualkit"), kernel  # this checkout's
    assert "Sari" not in page.inner_text(".qk-text")  # redacted on screen, in the lab too

    # select a phrase after an emoji (UTF-16 offsets differ) with the mouse, press "1"
    drag_select(page, "takut sekali 😟")
    assert page.evaluate("window.getSelection().toString()") == "takut sekali 😟"
    page.keyboard.press("1")  # the first code, "fear"; not the notebook's "heading 1" shortcut
    page.locator(".qk-text .hl.k-own").first.wait_for()
    # a second one with a combining accent, applied by clicking a code in the tree
    drag_select(page, "café e\u0301tait")
    page.locator(".qk-code", has_text="Support").first.click()
    page.wait_for_function("document.querySelectorAll('.qk-text .hl.k-own').length === 2")

    expected = sorted([("fear", "takut sekali 😟"), ("support", "café e\u0301tait")])
    check = open_project(store)  # the file, read from this process while the kernel runs
    rows = check.codings(coders="rina")
    doc = check.document(DOC)
    got = sorted((c, doc.text[s:e]) for c, s, e in zip(rows["code_id"], rows["start"], rows["end"]))
    assert got == expected
    fear = rows[rows["code_id"] == "fear"].iloc[0]
    assert (int(fear["start"]), int(fear["end"])) == (TEXT_A.index("takut"), TEXT_A.index("😟") + 1)
    assert set(rows["method"]) == {"manual"}
    check.close()
    # the keys did not act on the notebook: still three code cells, none turned to markdown
    assert page.locator(".jp-Notebook .jp-CodeCell").count() == 3
    assert page.locator(".jp-Notebook .jp-MarkdownCell").count() == 0

    # the kernel dies (SIGKILL: no atexit, no flush); the server restarts a fresh one
    os.kill(kernel["pid"], signal.SIGKILL)
    deadline = time.monotonic() + 30
    while kernel_pid_alive(kernel["pid"]) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert not kernel_pid_alive(kernel["pid"])
    page.close()

    # reopen: the lab in a new page, every cell run again in the new kernel
    page, blocked_again = open_notebook(browser, lab, "coding.ipynb")
    fresh = printed(page, "QK-KERNEL")
    assert fresh["pid"] != kernel["pid"]
    stored = printed(page, "QK-CODINGS", pid=fresh["pid"])
    assert stored["n"] == 2
    assert sorted((code, text) for _coder, code, text in stored["coded"]) == expected
    assert {coder for coder, _code, _text in stored["coded"]} == {"rina"}
    page.wait_for_function("document.querySelectorAll('.qk-text .hl.k-own').length === 2")
    shown = sorted(page.eval_on_selector_all(".qk-text .hl.k-own", "els => els.map(e => e.textContent)"))
    assert shown == sorted(text for _code, text in expected)
    page.close()
    assert blocked + blocked_again == [], "the lab page asked for something outside the server"


DEMO_DOC = "interviews/keluarga_01.txt"
DEMO_PHRASE = "Uang dari mana dua ratus juta"


def demo_cells(project: Path) -> list[str]:
    """The demo corpus (synthetic) as a project with auto-coding and two coders; the view."""
    return [
        (f"import sys\nsys.path.insert(0, {str(HERE)!r})\nfrom screenshot import demo_view\n\n"
         f"project = demo_view({str(project)!r}).project  # the demo corpus, auto-coded; rina and budi"),
        f'from qualkit.widgets import CodingView\n\nview = CodingView(project, coder="rina", document={DEMO_DOC!r})\nview',
    ]


def test_a_demo_transcript_coded_by_hand_in_jupyterlab_and_the_readme_screenshot(lab, browser, tmp_path):
    """The README's screenshot (docs/images/coding_view.png when QUALKIT_SCREENSHOT=1)."""
    store = lab.root / "demo.qkproj"
    write_notebook(lab.root / "demo.ipynb", demo_cells(store))
    page, blocked = open_notebook(browser, lab, "demo.ipynb")
    key = page.eval_on_selector_all(".qk-code", "(rows) => rows.find((r) => r.title.split('\\n')[0] === "
                                    "'ind_inhibit_fear').querySelector('.key').textContent")
    assert key
    drag_select(page, DEMO_PHRASE)
    page.keyboard.press(key)
    page.wait_for_function("(p) => [...document.querySelectorAll('.qk-text .hl.k-own')].some((e) => "
                           "e.textContent === p)", arg=DEMO_PHRASE)
    check = open_project(store)
    text = check.document(DEMO_DOC).text
    rows = check.codings(coders="rina", documents=DEMO_DOC)
    mine = rows[(rows["code_id"] == "ind_inhibit_fear") & (rows["method"] == "manual")]
    spans = {(int(s), int(e)) for s, e in zip(mine["start"], mine["end"])}
    start = text.index(DEMO_PHRASE)
    assert (start, start + len(DEMO_PHRASE)) in spans
    check.close()

    # the README's screenshot: the notebook cell and the view inside JupyterLab
    page.locator(".jp-SideBar .lm-TabBar-tab.lm-mod-current").first.click()  # fold the file browser
    page.evaluate("window.getSelection().removeAllRanges()")
    page.locator(".jp-Cell").nth(1).evaluate("(e) => e.scrollIntoView({ block: 'start' })")
    target = ROOT / "docs" / "images" / "coding_view.png"
    out = target if os.environ.get("QUALKIT_SCREENSHOT") == "1" else tmp_path / "coding_view.png"
    box = page.locator(".jp-Cell").nth(1).bounding_box()  # down to the view's bottom edge
    page.screenshot(path=str(out), clip={"x": 0, "y": 0, "width": 1400, "height": min(1000, box["y"] + box["height"] + 12)})
    assert out.stat().st_size > 10_000
    page.close()
    assert blocked == [], "the lab page asked for something outside the server"
