"""The coding benchmark runs at a tiny size, prints its summary and agrees with the naive loop."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEYS = ("qualkit_warm_wps", "qualkit_cold_wps", "naive_wps", "grep_wps", "speedup_vs_naive",
        "slowdown_vs_grep", "peak_rss_mib")


def test_benchmark_prints_summary_and_agrees_with_naive_loop(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_coding.py"), "--words", "20000", "--no-e2e"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    summary = [line for line in proc.stdout.splitlines() if line.startswith("summary:")]
    assert len(summary) == 1, proc.stdout
    values = dict(item.split("=") for item in summary[0].split()[1:])
    assert set(values) == set(KEYS)
    assert all(float(v) > 0 for v in values.values())
    agree = re.search(r"plain-cue \(passage, code\) pairs: qualkit ([\d,]+), naive ([\d,]+), shared ([\d,]+), "
                      r"only qualkit ([\d,]+), only naive ([\d,]+)", proc.stdout)
    assert agree, proc.stdout
    q, n, shared, only_q, only_n = (int(g.replace(",", "")) for g in agree.groups())
    assert q > 0 and q == n == shared
    assert only_q == only_n == 0
