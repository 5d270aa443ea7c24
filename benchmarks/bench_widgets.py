"""Coding view benchmark: the budget of issue 15, as figures (not pass/fail).

Opening a 20,000-word transcript with 2,000 codings in the coding view (budget: under
1 s to first paint in the browser). On a deterministic synthetic transcript (speaker
turns from ``synthetic.py``, an emoji in every 25th turn) with seeded codings by three
coders (auto proposed, manual accepted, suggested proposed) of 20 codes, it measures:

1. ``CodingView(project, ...)``: building the view's state in Python (redacted), median;
2. time to first paint: from navigation to the second animation frame after the view has
   rendered, in Debian's chromium (headless, through the test page host that serves the
   widget's ESM, CSS and state), median of ``--loads`` page loads; also the browser's own
   first-contentful-paint;
3. one coding: from the browser sending ``add`` to the transcript re-rendered with it.

Usage::

    python benchmarks/bench_widgets.py                    # 20,000 words, 2,000 codings
    python benchmarks/bench_widgets.py --words 5000 --codings 500 --loads 3

The last line is machine-readable::

    summary: view_s=X first_paint_ms=X fcp_ms=X add_ms=X
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests" / "widgets"))

from pagehost import PageHost, launch  # noqa: E402
from synthetic import generate_turns  # noqa: E402

from qualkit.codebook.model import Code, Codebook  # noqa: E402
from qualkit.corpus import Corpus, Document, Passage  # noqa: E402
from qualkit.project import Project  # noqa: E402
from qualkit.widgets import CodingView  # noqa: E402

CODES = tuple(f"code_{i:02d}" for i in range(20))
DOC = "interviews/long.txt"


def transcript(n_words: int, seed: int) -> Corpus:
    """One synthetic transcript of about ``n_words`` words, one passage per turn."""
    parts, spans, pos = [], [], 0
    for i, (speaker, text) in enumerate(generate_turns(n_words, seed=seed)):
        text = text + (" 😟" if i % 25 == 0 else "")
        head = f"{speaker}: "
        spans.append((pos + len(head), pos + len(head) + len(text), speaker))
        line = head + text + "\n\n"
        parts.append(line)
        pos += len(line)
    doc = Document(id=DOC, text="".join(parts), source_type="interview")
    passages = [Passage(DOC, f"{DOC}#p{i}", s, e, speaker=who,
                        role="interviewer" if i % 2 else "informant").with_text(doc)
                for i, (s, e, who) in enumerate(spans, start=1)]
    return Corpus(documents=(doc,), passages=tuple(passages))


def codings(corpus: Corpus, n: int, seed: int) -> list[pd.DataFrame]:
    """Seeded codings inside random passages: one table per (coder, method, status)."""
    rng = np.random.default_rng(seed)
    ps = corpus.passages
    pick = rng.integers(0, len(ps), n)
    starts = np.array([p.start for p in ps])[pick]
    lengths = np.array([p.end - p.start for p in ps])[pick]
    offset = (rng.random(n) * np.maximum(lengths - 1, 1)).astype(int)
    size = np.minimum(rng.integers(5, 120, n), lengths - offset)
    frame = pd.DataFrame({"doc_id": DOC, "start": starts + offset, "end": starts + offset + np.maximum(size, 1),
                          "code_id": rng.choice(CODES, n), "who": rng.integers(0, 3, n)})
    text = corpus.documents[0].text
    # never end inside a surrogate-free emoji pair: offsets are code points, always whole
    frame["end"] = np.minimum(frame["end"], len(text))
    out = []
    for k, (coder, method) in enumerate((("auto", "auto"), ("rina", "manual"), ("budi", "suggested"))):
        part = frame[frame["who"] == k].drop(columns="who").assign(coder=coder, method=method)
        out.append(part)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=20_000)
    ap.add_argument("--codings", type=int, default=2_000)
    ap.add_argument("--loads", type=int, default=5)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    corpus = transcript(args.words, args.seed)
    words = len(corpus.documents[0].text.split())
    book = Codebook(name="bench", codes=tuple(Code(id=c, name=f"Code {c[-2:]}") for c in CODES))
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.create(Path(tmp) / "bench.qkproj", corpus, book)
        for part in codings(corpus, args.codings, args.seed):
            status = "accepted" if part["method"].iloc[0] == "manual" else "proposed"
            project.add_codings(part, coder=part["coder"].iloc[0], status=status)
        n = len(project.codings())
        print(f"transcript: {words} words, {len(corpus.passages)} turns, {n} codings")
        times = []
        for _ in range(3):
            t = time.perf_counter()
            view = CodingView(project, coder="rina")
            times.append(time.perf_counter() - t)
        view_s = statistics.median(times)
        print(f"1. CodingView(...) in Python (redacted): median {view_s:.3f} s")
        with sync_playwright() as pw:
            browser = launch(pw)
            host = PageHost(browser, view)
            paints, fcps, drawn = [], [], []
            for _ in range(args.loads):
                paints.append(host.open())
                fcps.append(host.page.evaluate(
                    "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1"))
                host.page.wait_for_function("document.querySelector('.qk-view').dataset.drawn === '1'")
                drawn.append(host.page.evaluate("performance.now()"))
            shown = host.page.evaluate("document.querySelectorAll('.qk-text .hl').length")
            print(f"2. time to first paint: median {statistics.median(paints):.0f} ms "
                  f"(min {min(paints):.0f}, max {max(paints):.0f}; {args.loads} loads); "
                  f"first-contentful-paint median {statistics.median(fcps):.0f} ms; whole transcript in the DOM "
                  f"by {statistics.median(drawn):.0f} ms; {shown} highlighted segments")
            before = len(view.highlights)
            add_ms = host.page.evaluate("""() => new Promise((done) => {
                const root = document.querySelector(".qk-text");
                const t0 = performance.now();
                new MutationObserver((_, obs) => { obs.disconnect(); done(performance.now() - t0); })
                  .observe(root, {childList: true});
                window.qkModel.send({type: "add", start: 40, end: 60, code: "code_00"});
            })""")
            assert len(view.highlights) == before + 1, view.message
            print(f"3. one coding, browser -> stored -> re-rendered: {add_ms:.0f} ms")
            browser.close()
        project.close()
    print(f"summary: view_s={view_s:.3f} first_paint_ms={statistics.median(paints):.0f} "
          f"fcp_ms={statistics.median(fcps):.0f} add_ms={add_ms:.0f}")


if __name__ == "__main__":
    main()
