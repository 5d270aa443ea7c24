// qualkit coding view (anywidget ESM, no build step). Offsets sent to Python are UTF-16
// code units of the shown text (JavaScript's own); Python converts them.
const ORDER = { own: 0, other: 2, auto: 3, suggested: 4 };

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function tint(hex, alpha) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

// Offset (shown text, UTF-16) of a DOM point inside the transcript, or null.
export function pointOffset(node, offset, atEnd) {
  if (node.nodeType === Node.TEXT_NODE) {
    const seg = node.parentElement && node.parentElement.closest("[data-o]");
    return seg ? Number(seg.dataset.o) + offset : null;
  }
  if (node.dataset && node.dataset.o !== undefined) {
    return Number(node.dataset.o) + (offset > 0 ? node.textContent.length : 0);
  }
  const segs = node.querySelectorAll ? node.querySelectorAll("[data-o]") : [];
  if (!segs.length) return null;
  const child = node.childNodes[offset];
  for (const s of segs) {
    if (child && (child === s || child.contains(s) || (child.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING))) {
      return Number(s.dataset.o);
    }
  }
  const last = segs[segs.length - 1];
  return atEnd ? Number(last.dataset.o) + last.textContent.length : Number(last.dataset.o);
}

function renderSegments(container, text, from, to, hls, codeIndex, selected) {
  // hls: highlights overlapping [from, to)
  const cuts = new Set([from, to]);
  for (const h of hls) {
    if (h[1] > from && h[1] < to) cuts.add(h[1]);
    if (h[2] > from && h[2] < to) cuts.add(h[2]);
  }
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    const span = document.createElement("span");
    span.textContent = text.slice(a, b);
    span.dataset.o = a;
    const over = hls.length ? hls.filter((h) => h[1] < b && h[2] > a) : hls;
    if (over.length) {
      const rank = (h) => (h[0] === selected ? -1 : ORDER[h[4]]);
      over.sort((x, y) => rank(x) - rank(y));
      const top = over[0];
      let cls = `hl k-${top[4]} s-${top[5]} c${codeIndex[top[3]] ?? "x"}`;
      if (over.length > 1) cls += " multi";
      if (over.some((h) => h[0] === selected)) cls += " sel";
      span.className = cls;
      span.dataset.ids = over.map((h) => h[0]).join(" ");
    }
    container.appendChild(span);
  }
}

// One CSS rule per code (colour and tints) instead of a style on every highlighted span.
function codeStyles(codes) {
  return codes.map((c, i) => `.qk-view .c${i} { --c: ${c.color}; --bg: ${tint(c.color, 0.14)}; `
    + `--bg-own: ${tint(c.color, 0.3)}; }`).join("\n");
}

function render({ model, el: root }) {
  root.classList.add("qk-view");
  root.tabIndex = 0;
  // keys typed in the view are the view's: JupyterLab's notebook shortcuts (1, a, m, x, z...)
  // must not act on the cells (Lumino skips elements marked like this)
  root.dataset.lmSuppressShortcuts = "true";
  root.dataset.pSuppressShortcuts = "true";
  const head = el("div", "qk-head");
  const docs = el("div", "qk-docs");
  const main = el("div", "qk-text");
  const side = el("div", "qk-side");
  const status = el("div", "qk-status");
  const body = el("div", "qk-body");
  body.append(docs, main, side);
  root.append(head, body, status);

  const styles = el("style");
  root.append(styles);
  const search = el("input", "qk-search");
  search.placeholder = "Search codes  ( / )";
  const tree = el("div", "qk-tree");
  const detail = el("div", "qk-detail");
  side.append(search, tree, detail);

  let pending = null; // the last text selection inside the transcript: [start, end]

  const byId = () => new Map(model.get("highlights").map((h) => [h[0], h]));
  const codeMap = () => new Map(model.get("codes").map((c) => [c.id, c]));

  function send(msg) { model.send(msg); }

  function drawHead() {
    head.replaceChildren();
    const d = model.get("documents")[model.get("doc")] || {};
    head.append(el("span", "qk-brand", "qualkit"), el("span", "qk-doc", d.title || d.label || ""));
    head.append(el("span", "qk-badge coder", `coder: ${model.get("coder")}`));
    if (model.get("redacted")) head.append(el("span", "qk-badge red", "redacted"));
    if (model.get("blind")) head.append(el("span", "qk-badge blind", "blind"));
    const hs = model.get("highlights");
    const proposed = hs.filter((h) => h[5] === "proposed").length;
    const legend = el("span", "qk-legend");
    for (const k of model.get("blind") ? ["own"] : ["own", "other", "auto", "suggested"]) {
      const s = el("span", `hl k-${k}`, k);
      s.style.setProperty("--c", "#5c6bc0");
      s.style.setProperty("--bg", tint("#5c6bc0", 0.14));
      s.style.setProperty("--bg-own", tint("#5c6bc0", 0.3));
      legend.append(s);
    }
    head.append(legend, el("span", "qk-count", `${hs.length} codings · ${proposed} proposed`));
  }

  function drawDocs() {
    docs.replaceChildren();
    model.get("documents").forEach((d, k) => {
      const item = el("div", "qk-docitem" + (k === model.get("doc") ? " on" : ""));
      item.append(el("div", "t", d.title || d.label), el("div", "id", `${d.kind} · ${d.label}`));
      item.onclick = () => send({ type: "open", doc: k });
      docs.append(item);
    });
  }

  // The transcript: one element per block. A full draw renders the first screenful at
  // once and the rest in chunks (fast first paint); a change of highlights rebuilds only
  // the blocks whose highlights changed.
  let blockEls = [], blockSigs = [], generation = 0, whenDrawn = null;

  function perBlock(blocks, hls) {
    const per = [];
    let j = 0;
    const active = [];
    for (const [, start, end] of blocks) {
      while (j < hls.length && hls[j][1] < end) active.push(hls[j++]);
      per.push(active.filter((h) => h[2] > start && h[1] < end));
      for (let i = active.length - 1; i >= 0; i--) if (active[i][2] <= end) active.splice(i, 1);
    }
    return per;
  }

  function drawText(full = true) {
    const mine = ++generation;
    const text = model.get("text");
    const blocks = model.get("blocks");
    const codeIndex = Object.fromEntries(model.get("codes").map((c, i) => [c.id, i]));
    const per = perBlock(blocks, [...model.get("highlights")].sort((a, b) => a[1] - b[1]));
    const selected = model.get("selected");
    const sig = (k) => per[k].map((h) => h.join("|")).join(";");
    const build = (k) => {
      const [lead, start, end, speaker, role] = blocks[k];
      const block = el("div", "turn" + (role ? ` role-${role}` : "") + (speaker ? "" : " plain"));
      if (role) block.dataset.role = role;
      if (lead < start) {
        const l = el("span", speaker ? "lead speaker" : "lead");
        renderSegments(l, text, lead, start, [], codeIndex, selected);
        block.append(l);
      }
      const body = el("span", "utt");
      renderSegments(body, text, start, end, per[k], codeIndex, selected);
      block.append(body);
      return block;
    };
    if (!full && blockEls.length === blocks.length) {
      for (let k = 0; k < blocks.length; k++) {
        const s = sig(k);
        if (s === blockSigs[k]) continue;
        const e = build(k);
        blockEls[k].replaceWith(e);
        blockEls[k] = e;
        blockSigs[k] = s;
      }
      return;
    }
    main.replaceChildren();
    blockEls = [];
    blockSigs = [];
    let k = 0;
    const step = (n) => {
      if (mine !== generation) return; // a newer draw has started
      const frag = document.createDocumentFragment();
      for (; k < blocks.length && n-- > 0; k++) {
        blockEls[k] = build(k);
        blockSigs[k] = sig(k);
        frag.append(blockEls[k]);
      }
      main.append(frag);
      if (k < blocks.length) setTimeout(() => step(400), 0);
      else if (whenDrawn) { const f = whenDrawn; whenDrawn = null; f(); }
    };
    step(60);
  }

  function markSelected() {
    const id = String(model.get("selected"));
    for (const e of main.querySelectorAll(".hl.sel")) e.classList.remove("sel");
    for (const e of main.querySelectorAll(`[data-ids~="${id}"]`)) e.classList.add("sel");
  }

  function drawTree() {
    tree.replaceChildren();
    const q = search.value.trim().toLowerCase();
    let flagged = false;
    for (const c of model.get("codes")) {
      if (q && !(c.id + " " + c.name + " " + c.description).toLowerCase().includes(q)) continue;
      if (c.missing && !flagged) { tree.append(el("div", "qk-gone", "not in the codebook")); flagged = true; }
      const row = el("div", "qk-code" + (c.missing ? " missing" : ""));
      row.style.paddingLeft = `${6 + 14 * (q ? 0 : c.depth)}px`;
      const sw = el("span", "sw");
      sw.style.background = c.color;
      row.append(sw, el("span", "key", c.key || ""), el("span", "name", c.name));
      row.title = `${c.id}\n${c.description}`;
      row.onmousedown = (e) => e.preventDefault(); // keep the text selection
      if (!c.missing) row.onclick = () => applyCode(c.id); // kept to show its codings, not to code
      tree.append(row);
    }
  }

  function drawDetail() {
    detail.replaceChildren();
    const h = byId().get(model.get("selected"));
    if (!h) {
      detail.append(el("div", "hint", "Select text, then press a code's key or click a code. Click a highlight to edit it."));
      return;
    }
    const c = codeMap().get(h[3]) || { name: h[3], color: "#888" };
    const card = el("div", "card");
    card.style.borderColor = c.color;
    card.append(el("div", "cname", c.name), el("div", "meta", `${h[6]} · ${h[4]} · ${h[5]}`));
    if (c.missing) card.append(el("div", "qk-gone", "not in the codebook: press a code's key to move it"));
    card.append(el("blockquote", "", model.get("text").slice(h[1], h[2]).slice(0, 300)));
    if (h[7]) card.append(el("div", "memo", h[7]));
    const buttons = el("div", "buttons");
    const button = (label, fn) => { const b = el("button", "", label); b.onclick = fn; buttons.append(b); };
    if (h[5] === "proposed") {
      button("Accept (a)", () => send({ type: "status", id: h[0], status: "accepted" }));
      button("Reject (r)", () => send({ type: "status", id: h[0], status: "rejected" }));
    }
    button("Memo (m)", () => memo(h));
    button("Remove (x)", () => send({ type: "remove", id: h[0] }));
    card.append(buttons, el("div", "hint", "press a code's key to change the code"));
    detail.append(card);
  }

  function memo(h) {
    const text = window.prompt("Memo for this coding", h[7] || "");
    if (text !== null) send({ type: "memo", id: h[0], memo: text });
  }

  function currentSelection() {
    const sel = window.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount) return pending;
    const r = sel.getRangeAt(0);
    if (!main.contains(r.commonAncestorContainer)) return pending;
    const a = pointOffset(r.startContainer, r.startOffset, false);
    const b = pointOffset(r.endContainer, r.endOffset, true);
    return a === null || b === null || a === b ? pending : [Math.min(a, b), Math.max(a, b)];
  }

  function applyCode(code) {
    const span = currentSelection();
    if (span) {
      send({ type: "add", start: span[0], end: span[1], code });
      pending = null;
      window.getSelection().removeAllRanges();
    } else if (model.get("selected") >= 0) {
      send({ type: "recode", id: model.get("selected"), code });
    } else {
      model.set("message", "select some text first, then press a code's key");
      model.save_changes();
    }
  }

  main.addEventListener("mouseover", (e) => {
    const seg = e.target.closest && e.target.closest(".hl");
    if (!seg || seg.title) return;
    const hs = byId();
    seg.title = seg.dataset.ids.split(" ").map((i) => hs.get(Number(i))).filter(Boolean)
      .map((h) => `${h[3]} · ${h[6]} (${h[4]}, ${h[5]})${h[7] ? " — " + h[7] : ""}`).join("\n");
  });
  main.addEventListener("mouseup", () => {
    const span = currentSelection();
    pending = span;
  });
  main.addEventListener("click", (e) => {
    if (!window.getSelection().isCollapsed) return;
    const seg = e.target.closest(".hl");
    const ids = seg ? seg.dataset.ids.split(" ").map(Number) : [];
    const now = model.get("selected");
    const next = ids.length ? ids[(ids.indexOf(now) + 1) % ids.length] : -1;
    pending = null;
    model.set("selected", next);
    model.save_changes();
  });

  root.addEventListener("keydown", (e) => {
    if (e.target === search) {
      if (e.key === "Escape" || e.key === "Enter") { root.focus(); e.preventDefault(); }
      return;
    }
    if (e.ctrlKey && e.key === "z") { send({ type: "undo" }); e.preventDefault(); return; }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const sel = byId().get(model.get("selected"));
    const k = e.key.toLowerCase();
    const code = model.get("codes").find((c) => c.key && c.key === k);
    let done = true;
    if (k === "/") search.focus();
    else if (code && (currentSelection() || sel)) applyCode(code.id);
    else if (k === "z") send({ type: "undo" });
    else if (k === "n") nextProposal();
    else if (sel && (k === "x" || e.key === "Delete" || e.key === "Backspace")) send({ type: "remove", id: sel[0] });
    else if (sel && k === "m") memo(sel);
    else if (sel && sel[5] === "proposed" && (k === "a" || k === "r")) {
      send({ type: "status", id: sel[0], status: k === "a" ? "accepted" : "rejected" });
    } else if (e.key === "Escape") { model.set("selected", -1); model.save_changes(); }
    else done = false;
    if (done) { e.preventDefault(); e.stopPropagation(); }
  });

  function nextProposal() {
    const hs = [...model.get("highlights")].filter((h) => h[5] === "proposed").sort((a, b) => a[1] - b[1]);
    if (!hs.length) return;
    const cur = byId().get(model.get("selected"));
    const next = hs.find((h) => !cur || h[1] > cur[1]) || hs[0];
    model.set("selected", next[0]);
    model.save_changes();
    const seg = main.querySelector(`[data-ids~="${next[0]}"]`);
    if (seg) seg.scrollIntoView({ block: "center" });
  }

  search.addEventListener("input", drawTree);
  model.on("change:highlights", () => { drawText(false); drawDetail(); drawHead(); });
  model.on("change:text", () => { main.scrollTop = 0; });
  model.on("change:blocks", () => drawText(true));
  model.on("change:selected", () => { markSelected(); drawDetail(); });
  model.on("change:doc", () => { drawDocs(); drawHead(); });
  model.on("change:codes", () => { styles.textContent = codeStyles(model.get("codes")); drawTree(); drawText(); });
  model.on("change:message", () => { status.textContent = model.get("message"); });

  styles.textContent = codeStyles(model.get("codes"));
  drawHead(); drawDocs(); drawTree(); drawDetail();
  whenDrawn = () => {
    const first = main.querySelector(".hl.sel");
    if (first) {
      main.scrollTop += first.getBoundingClientRect().top - main.getBoundingClientRect().top - main.clientHeight / 3;
    }
    root.dataset.drawn = "1";
  };
  drawText();

  status.textContent = model.get("message");
  const timer = setInterval(() => send({ type: "poll" }), 5000); // other kernels' changes
  return () => clearInterval(timer);
}

export default { render };
