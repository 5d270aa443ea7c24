"""Host an anywidget in a real browser page without Jupyter: the test harness.

The page loads the widget's own ESM and CSS and gives its ``render`` a model with the
anywidget model API (``get``, ``set``, ``save_changes``, ``send``, ``on``, ``off``).
What the front end would send over the Jupyter comm goes to the Python widget through
the same entry points the comm uses (``set_state`` for ``save_changes``,
``_handle_custom_msg`` for ``send``); the widget's synced state comes back and fires
``change:<name>`` events. Nothing leaves the machine: every request is answered here.

Used by the browser tests and ``benchmarks/bench_widgets.py``; needs Playwright and
Debian's chromium (``/usr/bin/chromium``), never Playwright's own browser download.
"""

from __future__ import annotations

import json
import os
from typing import Any

CHROMIUM = os.environ.get("QUALKIT_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ORIGIN = "http://qualkit.test"

PAGE = """<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/widget.css">
<style>body { margin: 16px; background: #f3f5f7; }</style></head>
<body><div id="root"></div><script type="module">
import widget from "/widget.js";
const state = await (await fetch("/state.json")).json();
const listeners = {};
const fire = (ev) => (listeners[ev] || []).forEach((cb) => cb());
const apply = (text) => {
  for (const [k, v] of Object.entries(JSON.parse(text))) {
    if (JSON.stringify(state[k]) !== JSON.stringify(v)) { state[k] = v; fire(`change:${k}`); }
  }
};
let dirty = {};
const model = {
  get: (k) => state[k],
  set: (k, v) => { state[k] = v; dirty[k] = v; fire(`change:${k}`); },
  save_changes: () => { const d = dirty; dirty = {}; window.qkSave(JSON.stringify(d)).then(apply); },
  send: (msg) => { window.qkBusy = (window.qkBusy || 0) + 1;
    window.qkSend(JSON.stringify(msg)).then(apply).finally(() => { window.qkBusy -= 1; }); },
  on: (ev, cb) => (listeners[ev] ||= []).push(cb),
  off: (ev, cb) => { listeners[ev] = (listeners[ev] || []).filter((f) => f !== cb); },
};
window.qkModel = model;
const t0 = performance.now();
widget.render({ model, el: document.getElementById("root") });
requestAnimationFrame(() => requestAnimationFrame(() => {
  window.qkRendered = performance.now() - t0; window.qkPainted = performance.now(); }));
</script></body></html>"""


def launch(playwright: Any) -> Any:
    """Debian's chromium with the flags the tests use (raises when it cannot start)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)


class PageHost:
    """One page showing ``widget``; :meth:`open` (re)loads it from the widget's state."""

    def __init__(self, browser: Any, widget: Any, *, width: int = 1280, height: int = 720) -> None:
        self.widget = widget
        self._sent: dict[str, str] = {}
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.page.expose_function("qkSend", self._send)
        self.page.expose_function("qkSave", self._save)
        self.page.route("**/*", self._serve)

    def _state(self, *, changed: bool = False) -> str:
        """The widget's own synced state as JSON (``changed``: only what changed since
        the last call, as the comm sends only changed traits)."""
        names = [n for cls in type(self.widget).__mro__ if cls.__module__.startswith("qualkit.")
                 for n in cls.class_own_traits(sync=True)]
        state = self.widget.get_state()
        parts = {n: json.dumps(state[n]) for n in names}
        out = {n: v for n, v in parts.items() if not changed or self._sent.get(n) != v}
        self._sent.update(out)
        return "{" + ",".join(f"{json.dumps(n)}:{v}" for n, v in out.items()) + "}"

    def _send(self, text: str) -> str:
        self.widget._handle_custom_msg(json.loads(text), [])  # what the comm does
        return self._state(changed=True)

    def _save(self, text: str) -> str:
        self.widget.set_state(json.loads(text))  # what the comm does on save_changes
        return self._state(changed=True)

    def _serve(self, route: Any) -> None:
        path = route.request.url.removeprefix(ORIGIN)
        files = {"/": ("text/html", PAGE), "/widget.js": ("text/javascript", self.widget._esm),
                 "/widget.css": ("text/css", self.widget._css), "/state.json": ("application/json", self._state())}
        if path not in files:
            route.fulfill(status=404, body="")
            return
        kind, body = files[path]
        route.fulfill(status=200, content_type=kind, body=str(body))

    def open(self) -> float:
        """Load the page; return the milliseconds from navigation to the first paint."""
        self.page.goto(ORIGIN + "/")
        self.page.wait_for_function("window.qkPainted !== undefined")
        return float(self.page.evaluate("window.qkPainted"))

    def settle(self) -> None:
        """Wait until every message sent to Python has been answered."""
        self.page.wait_for_function("!window.qkBusy")
