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
  // the shown text is split into segments (one per run of highlights): find the phrase in
  // their concatenation, then the segment and position of its first and last character
  const at = [];
  let full = "";
  for (const s of segs) { at.push(full.length); full += s.textContent; }
  const i = full.indexOf(phrase);
  if (i < 0) return null;
  const place = (k) => { let n = segs.length - 1; while (at[n] > k) n -= 1; return [segs[n].firstChild, k - at[n]]; };
  const [n1, i1] = place(i), [n2, i2] = place(i + phrase.length - 1);
  n1.parentElement.scrollIntoView({ block: "center" });
  const r = document.createRange();
  r.setStart(n1, i1); r.setEnd(n1, i1 + 1);
  const a = r.getClientRects()[0];
  r.setStart(n2, i2); r.setEnd(n2, i2 + 1);
  const rects = r.getClientRects(), b = rects[rects.length - 1];
  return [a.left + 1, (a.top + a.bottom) / 2, b.right - 1, (b.top + b.bottom) / 2];
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
