// qualkit review queue (anywidget ESM): one key per decision; Python stores each one.
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

const pct = (x) => `${Math.round(100 * x)}%`;

function render({ model, el: root }) {
  root.classList.add("qk-queue");
  root.tabIndex = 0;
  root.dataset.lmSuppressShortcuts = "true"; // a, r, s, j, k are the queue's, not JupyterLab's
  root.dataset.pSuppressShortcuts = "true";
  const head = el("div", "qk-qhead");
  const list = el("div", "qk-rows");
  const status = el("div", "qk-status");
  root.append(head, list, status);

  const send = (msg) => model.send(msg);
  const decide = (status) => send({ type: "decide", index: model.get("current"), status });

  function drawHead() {
    head.replaceChildren();
    const rows = model.get("rows");
    const left = rows.filter((r) => r.status === "proposed").length;
    head.append(el("span", "code", model.get("code_name")), el("span", "qk-count", `${left} of ${rows.length} to review`));
    const pr = model.get("precision") || {};
    const text = pr.reviewed
      ? `auto-coder precision ${pct(pr.precision)} (95% CI ${pct(pr.low)}–${pct(pr.high)}, n = ${pr.reviewed})`
      : "auto-coder precision: nothing reviewed yet";
    head.append(el("span", "qk-prec", text));
    const buttons = el("span", "");
    for (const [label, fn] of [["Accept (a)", () => decide("accepted")], ["Reject (r)", () => decide("rejected")],
      ["Skip (s)", () => decide("skip")], ["Refit (f)", () => send({ type: "refit" })]]) {
      const b = el("button", "", label);
      b.onclick = fn;
      buttons.append(b);
    }
    head.append(buttons);
  }

  function drawRows() {
    list.replaceChildren();
    const cur = model.get("current");
    model.get("rows").forEach((r, i) => {
      const row = el("div", "qk-row" + (i === cur ? " on" : "") + (r.status !== "proposed" ? " done" : ""));
      const tags = el("div", "");
      tags.append(el("span", "tag", r.method));
      if (r.disagree) tags.append(el("span", "tag disagree", "disagree"));
      if (r.status !== "proposed") tags.append(el("span", `tag ${r.status}`, r.status));
      const kwic = el("div", "kwic");
      kwic.append(el("span", "left", r.left), el("span", "match", r.match), el("span", "right", r.right));
      kwic.title = `${r.doc}\n${r.left}[${r.match}]${r.right}`;
      const prob = el("div", "prob", r.p === null ? "p = ?" : `p = ${r.p.toFixed(2)}`);
      const bar = el("div", "bar");
      const fill = el("i", "");
      fill.style.width = r.p === null ? "0" : pct(r.p);
      bar.append(fill);
      prob.append(bar);
      row.append(tags, kwic, prob);
      row.onclick = () => { model.set("current", i); model.save_changes(); };
      list.append(row);
    });
    const on = list.querySelector(".qk-row.on");
    if (on) on.scrollIntoView({ block: "nearest" });
  }

  root.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const n = model.get("rows").length;
    const move = (d) => { model.set("current", Math.max(0, Math.min(n - 1, model.get("current") + d))); model.save_changes(); };
    const act = { a: () => decide("accepted"), r: () => decide("rejected"), s: () => decide("skip"),
      f: () => send({ type: "refit" }), j: () => move(1), k: () => move(-1),
      ArrowDown: () => move(1), ArrowUp: () => move(-1) }[e.key];
    if (act) { act(); e.preventDefault(); e.stopPropagation(); }
  });

  model.on("change:rows", () => { drawRows(); drawHead(); });
  model.on("change:current", drawRows);
  model.on("change:precision", drawHead);
  model.on("change:message", () => { status.textContent = model.get("message"); });
  model.on("change:code_name", drawHead);
  drawHead(); drawRows();
  status.textContent = model.get("message");
  const timer = setInterval(() => send({ type: "poll" }), 5000); // decisions and codebooks made elsewhere
  return () => clearInterval(timer);
}

export default { render };
