"""Project store benchmark: the budgets of issue 15, as figures (not pass/fail).

On a deterministic synthetic corpus (speaker turns from ``synthetic.py``) and codebook
of 20 codes, with seeded random codings (three coders; auto, manual and suggested):

1. bulk import (``project.add_codings``) of ``--codings`` codings;
2. storing ONE coding (``project.add_coding``) with those already there: median and 90th
   percentile of ``--samples`` calls (budget: median < 20 ms on SQLite);
3. the project file's size against the texts plus the codings as CSV (budget: < 3x);
4. ``project.codings()`` with ``--big`` codings in the project (budget: < 3 s), median of 3
   runs on a freshly opened project (read through the codings snapshot), against the bare
   ``sqlite3`` fetch of the same rows timed between them (the machine's load inflates both
   alike: compare the ratio); the first read (no snapshot yet); a read after 5,000 more
   codings; and a repeated call (answered from the in-memory cache).

Usage::

    python benchmarks/bench_project.py                         # 100,000 and 1,000,000 codings
    python benchmarks/bench_project.py --codings 10000 --big 50000 --samples 50   # CI size
    python benchmarks/bench_project.py --url postgresql://user@127.0.0.1:5432/bench

The last line is machine-readable::

    summary: add_median_ms=X add_p90_ms=X size_ratio=X codings_s=X codings_first_s=X
             codings_delta_s=X codings_over_fetch=X codings_warm_ms=X import_per_s=N
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from synthetic import generate_documents  # noqa: E402

from qualkit._io import write_csv  # noqa: E402
from qualkit.codebook.model import Code, Codebook  # noqa: E402
from qualkit.coding.frame import CODING_COLUMNS  # noqa: E402
from qualkit.corpus import Corpus, Document, Passage  # noqa: E402
from qualkit.project import Project  # noqa: E402
from qualkit.project import frames as F  # noqa: E402
from qualkit.project import schema as S  # noqa: E402

CODES = tuple(f"code_{i:02d}" for i in range(20))
CODERS = (("auto", "auto"), ("rina", "manual"), ("budi", "suggested"))


def build_corpus(n_words: int, seed: int) -> Corpus:
    """Synthetic transcripts, one passage per speaker turn."""
    documents, passages = [], []
    for n, (lang, turns) in enumerate(generate_documents(n_words, seed=seed)):
        doc_id = f"interviews/t{n:04d}.txt"
        parts, spans, pos = [], [], 0
        for speaker, text in turns:
            head = f"{speaker}: "
            spans.append((pos + len(head), pos + len(head) + len(text), speaker))
            line = head + text + "\n"
            parts.append(line)
            pos += len(line)
        doc = Document(id=doc_id, text="".join(parts), source_type="interview", language=lang)
        documents.append(doc)
        passages += [Passage(doc_id, f"{doc_id}#p{i}", s, e, speaker=who).with_text(doc)
                     for i, (s, e, who) in enumerate(spans, start=1)]
    return Corpus(documents=tuple(documents), passages=tuple(passages))


def random_codings(corpus: Corpus, n: int, seed: int) -> pd.DataFrame:
    """``n`` seeded codings inside random passages (a codings table, without passage_id)."""
    rng = np.random.default_rng(seed)
    passages = corpus.passages
    pick = rng.integers(0, len(passages), n)
    starts = np.array([p.start for p in passages])[pick]
    lengths = np.array([p.end - p.start for p in passages])[pick]
    offset = (rng.random(n) * np.maximum(lengths - 1, 1)).astype(int)
    size = np.minimum(rng.integers(5, 80, n), lengths - offset)
    who = rng.integers(0, len(CODERS), n)
    return pd.DataFrame({
        "doc_id": [passages[i].doc_id for i in pick],
        "start": starts + offset, "end": starts + offset + np.maximum(size, 1),
        "code_id": np.array(CODES)[rng.integers(0, len(CODES), n)],
        "coder": [CODERS[w][0] for w in who], "method": [CODERS[w][1] for w in who],
        "confidence": np.where(who == 2, rng.random(n).round(3), 1.0),
    })


def file_size(where: str) -> int:
    return sum(os.path.getsize(where + s) for s in ("", "-wal") if os.path.exists(where + s))


def import_chunks(project: Project, frame: pd.DataFrame, chunk: int = 100_000) -> float:
    t = time.perf_counter()
    for i in range(0, len(frame), chunk):
        project.add_codings(frame.iloc[i:i + chunk], coder="bench", status="accepted")
    return time.perf_counter() - t


def time_codings(where: str, url: str | None, corpus: Corpus, runs: int = 3,
                 plain: list[float] | None = None) -> dict[str, float]:
    """Seconds of ``codings()`` on freshly opened projects (no in-memory cache):

    - ``first``: the first read, with no snapshot yet: the table read whole, and the
      snapshot written (``qualkit.project.snapshot``);
    - ``cold``: median of ``runs`` reads through the snapshot;
    - ``delta``: a read after an import of 5,000 codings since the snapshot (re-read);
    - ``floor``: the bare ``sqlite3`` fetch of every row, timed between them (0 on
      PostgreSQL; the machine's load inflates both alike: compare the ratio);
    - ``warm``: a repeated call (the in-memory cache).

    ``plain``: a list to append the plain path's times to (rows fetched as tuples and
    ``frames.codings_frame``), or None to skip it."""
    with Project.open(where) as project, S.writing(project._engine) as conn:
        conn.execute(sa.delete(S.snapshots))  # the first read after filling
    with Project.open(where) as project:
        project.corpus()  # the documents are read once per project: not part of the timing
        t = time.perf_counter()
        project.codings()
        first = time.perf_counter() - t
    cold, floor = [], []
    for _ in range(runs):
        with Project.open(where) as project:
            project.corpus()
            t = time.perf_counter()
            project.codings()
            cold.append(time.perf_counter() - t)
            t = time.perf_counter()
            project.codings()
            warm = time.perf_counter() - t
            if plain is not None:  # the plain version (the tests' oracle): rows as tuples, then the frame
                codec = project._codec()
                t = time.perf_counter()
                with S.reading(project._engine) as conn:
                    rows = conn.execute(sa.select(*(S.codings.c[c] for c in F.SELECT))).cursor.fetchall()
                F.codings_frame(rows, codec)
                plain.append(time.perf_counter() - t)
                del rows
        if not url:
            with sqlite3.connect(where) as raw:
                t = time.perf_counter()
                raw.execute("SELECT * FROM codings").fetchall()
                floor.append(time.perf_counter() - t)
    with Project.open(where) as project:
        project.add_codings(random_codings(corpus, 5_000, seed=99), coder="late", status="accepted")
    with Project.open(where) as project:
        project.corpus()
        t = time.perf_counter()
        project.codings()
        delta = time.perf_counter() - t
    print(f"  codings() through the snapshot: {', '.join(f'{r:.2f}' for r in cold)} s; sqlite3 fetch runs: "
          f"{', '.join(f'{r:.2f}' for r in floor) or '-'} s")
    return {"first": first, "cold": statistics.median(cold), "delta": delta,
            "floor": statistics.median(floor) if floor else 0.0, "warm": warm}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=300_000, help="corpus size in words")
    parser.add_argument("--codings", type=int, default=100_000, help="codings before timing one add")
    parser.add_argument("--big", type=int, default=1_000_000, help="codings for the codings() timing")
    parser.add_argument("--samples", type=int, default=200, help="single adds timed")
    parser.add_argument("--url", help="a postgresql:// URL of an EMPTY database (default: SQLite file)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--plain", action="store_true",
                        help="also time codings()' plain version (the tests' oracle) for comparison")
    parser.add_argument("--fast-fill", action="store_true",
                        help="reach --big by copying the stored codings in SQL (new ids) instead of "
                             "add_codings: quicker, for the codings() timing only")
    args = parser.parse_args(argv)

    corpus = build_corpus(args.words, args.seed)
    book = Codebook(name="bench", codes=tuple(Code(id=c, name=c) for c in CODES))
    text_bytes = sum(len(d.text.encode("utf-8")) for d in corpus.documents)
    print(f"corpus: {len(corpus.documents)} documents, {len(corpus.passages)} passages, "
          f"{text_bytes / 1e6:.1f} MB of text")
    with tempfile.TemporaryDirectory() as tmp:
        where = args.url or str(Path(tmp) / "bench.qkproj")
        project = Project.create(where, corpus, book)
        first = random_codings(corpus, args.codings, args.seed)
        took = first_import = import_chunks(project, first)
        print(f"bulk import: {args.codings:,} codings in {took:.1f} s ({args.codings / took:,.0f}/s)")

        rng = random.Random(args.seed)
        times = []
        for _ in range(args.samples):
            p = rng.choice(corpus.passages)
            t = time.perf_counter()
            project.add_coding(p.doc_id, p.start, min(p.end, p.start + 20), rng.choice(CODES), coder="rina")
            times.append(time.perf_counter() - t)
        median, p90 = statistics.median(times) * 1e3, sorted(times)[int(0.9 * len(times))] * 1e3
        print(f"add one coding with {args.codings:,} there: median {median:.2f} ms, p90 {p90:.2f} ms "
              f"(budget: median < 20 ms)")

        ratio = float("nan")
        if not args.url:
            project.close()
            project = Project.open(where)
            csv_path = Path(tmp) / "codings.csv"
            write_csv(project.codings()[list(CODING_COLUMNS)], csv_path)
            size, csv_bytes = file_size(where), csv_path.stat().st_size
            ratio = size / (text_bytes + csv_bytes)
            print(f"file size: {size / 1e6:.1f} MB; texts {text_bytes / 1e6:.1f} MB + codings CSV "
                  f"{csv_bytes / 1e6:.1f} MB -> {ratio:.2f}x (budget: < 3x)")

        more = args.big - args.codings - args.samples
        if more > 0 and args.fast_fill:
            t = time.perf_counter()
            with S.writing(project._engine) as conn:
                have = conn.execute(sa.select(sa.func.count()).select_from(S.codings)).scalar()
                cols = [c.name for c in S.codings.columns if c.name != "id"]
                while more > 0:
                    batch = min(more, have)
                    conn.execute(sa.insert(S.codings).from_select(
                        cols, sa.select(*(S.codings.c[c] for c in cols)).order_by(S.codings.c.id).limit(batch)))
                    more -= batch
            print(f"filled to {args.big:,} codings by copying rows in SQL in {time.perf_counter() - t:.1f} s")
        elif more > 0:
            took = import_chunks(project, random_codings(corpus, more, args.seed + 1))
            print(f"bulk import: {more:,} more codings in {took:.1f} s ({more / took:,.0f}/s)")
        project.close()  # fast-fill bypassed the log (which codings()' cache watches): reopen
        plain: list[float] | None = [] if args.plain else None
        timed = time_codings(where, args.url, corpus, plain=plain)
        codings_s, floor_s, warm_s = timed["cold"], timed["floor"], timed["warm"]
        if plain:
            print(f"  plain path (rows as tuples, then the frame): {', '.join(f'{r:.2f}' for r in plain)} s"
                  + (f" -> {statistics.median(plain) / floor_s:.2f}x the bare fetch" if floor_s else ""))
        ratio_floor = codings_s / floor_s if floor_s else float("nan")
        print(f"project.codings() with {args.big:,} codings, a fresh project each run: median "
              f"{codings_s:.2f} s (budget: < 3 s); a repeated call (cached): {warm_s * 1e3:.0f} ms")
        print(f"  the first read (no snapshot yet: the table read whole, the snapshot written): "
              f"{timed['first']:.2f} s; after 5,000 more codings since the snapshot: {timed['delta']:.2f} s")
        if floor_s:
            print(f"  same run, interleaved: sqlite3 alone fetches those rows as tuples in {floor_s:.2f} s "
                  f"(median) -> codings() = {ratio_floor:.2f}x the bare fetch; "
                  f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        project = Project.open(where)
        project.close()
    print(f"summary: add_median_ms={median:.2f} add_p90_ms={p90:.2f} size_ratio={ratio:.2f} "
          f"codings_s={codings_s:.2f} codings_first_s={timed['first']:.2f} codings_delta_s={timed['delta']:.2f} "
          f"codings_over_fetch={ratio_floor:.2f} codings_warm_ms={warm_s * 1e3:.1f} "
          f"import_per_s={args.codings / first_import:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
