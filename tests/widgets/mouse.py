"""Select a shown phrase in the coding view with the mouse, as a person does (browser tests).

Used by the page-host test (``test_browser.py``) and the JupyterLab test
(``test_jupyterlab.py``): the phrase is scrolled into view, then the mouse is pressed on
its first character, dragged and released on its last one.
"""

from __future__ import annotations

from typing import Any

SELECT = """([phrase]) => {
  const root = document.querySelector(".qk-text");
  const segs = [...root.querySelectorAll("[data-o]")];
  // locate the phrase inside one rendered segment and return the mouse points around it
  for (const s of segs) {
    const i = s.textContent.indexOf(phrase);
    if (i < 0) continue;
    s.scrollIntoView({ block: "center" });
    const node = s.firstChild, r = document.createRange();
    r.setStart(node, i); r.setEnd(node, i + 1);
    const a = r.getClientRects()[0];
    r.setStart(node, i + phrase.length - 1); r.setEnd(node, i + phrase.length);
    const rects = r.getClientRects(), b = rects[rects.length - 1];
    return [a.left + 1, (a.top + a.bottom) / 2, b.right - 1, (b.top + b.bottom) / 2];
  }
  return null;
}"""


def drag_select(page: Any, phrase: str) -> None:
    """Press, drag and release the mouse over ``phrase`` in the view's transcript."""
    points = page.evaluate(SELECT, [phrase])
    assert points, f"{phrase!r} is not shown"
    x1, y1, x2, y2 = points
    page.mouse.move(x1, y1)
    page.mouse.down()
    page.mouse.move((x1 + x2) / 2, y2, steps=4)
    page.mouse.move(x2, y2, steps=4)
    page.mouse.up()
