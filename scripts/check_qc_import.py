#!/usr/bin/env python3
"""Independent check of a .qdpx export: can `qc` (qualitative-coding) import it?

Usage: python scripts/check_qc_import.py FILE.qdpx

Uses the ``qc`` executable named by the environment variable QC_BIN, or creates a
throwaway venv and ``pip install qualitative-coding`` into it. Then, in an empty temporary
folder and with no stdin, runs ``PYTHONBREAKPOINT=0 qc init --import FILE`` and
``qc codes list`` and checks that every code name of the project's codebook is listed
and that every TextSource arrived in qc's corpus folder (by its ``name``). Exits 0 when
all arrived, 1 otherwise, 2 when qc could not be run.

qc validates the project against the REFI XSD, needs ``TextSource/@name`` and
``Coding/@creatingUser`` and reads only a lowercase ``sources/`` folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import venv
import zipfile
from pathlib import Path

import defusedxml.ElementTree as ET


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def expected(path: Path) -> tuple[set[str], set[str]]:
    """Code names and source names declared in the project."""
    with zipfile.ZipFile(path) as z:
        name = next(n for n in z.namelist() if n.lower().endswith(".qde"))
        root = ET.fromstring(z.read(name))
    codes = {e.get("name") for e in root.iter() if _local(e.tag) == "Code"}
    sources = {e.get("name") or "" for e in root.iter() if _local(e.tag) == "TextSource"}
    return codes, sources


def qc_binary(workdir: Path) -> Path:
    """QC_BIN, or a fresh venv with qualitative-coding installed."""
    if os.environ.get("QC_BIN"):
        return Path(os.environ["QC_BIN"])
    env_dir = workdir / "qc-venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    pip = env_dir / "bin" / "pip"
    subprocess.run([str(pip), "install", "--quiet", "qualitative-coding"], check=True,
                   stdin=subprocess.DEVNULL)
    return env_dir / "bin" / "qc"


def run(qc: Path, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONBREAKPOINT": "0"}
    return subprocess.run([str(qc), *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=600)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    qdpx = Path(argv[1]).resolve()
    if not qdpx.is_file():
        print(f"{qdpx}: no such file", file=sys.stderr)
        return 2
    codes, sources = expected(qdpx)
    with tempfile.TemporaryDirectory(prefix="qc-check-") as tmp:
        tmp_path = Path(tmp)
        try:
            qc = qc_binary(tmp_path)
        except (OSError, subprocess.CalledProcessError) as err:
            print(f"could not install qualitative-coding: {err}", file=sys.stderr)
            return 2
        project = tmp_path / "project"
        project.mkdir()
        init = run(qc, ["init", "--import", str(qdpx)], project)
        if init.returncode != 0:
            print(f"qc init --import failed ({init.returncode}):\n{init.stdout}\n{init.stderr}", file=sys.stderr)
            return 1
        listed = run(qc, ["codes", "list"], project)
        if listed.returncode != 0:
            print(f"qc codes list failed:\n{listed.stderr}", file=sys.stderr)
            return 1
        names = {line.strip().lstrip("-").strip() for line in listed.stdout.splitlines() if line.strip()}
        corpus = {p.relative_to(project / "corpus").as_posix() for p in (project / "corpus").rglob("*") if p.is_file()} \
            if (project / "corpus").exists() else set()
    missing_codes = sorted(codes - names)
    # qc stores each source as <name without its extension>.txt
    missing_sources = sorted(s for s in sources
                             if not {s, f"{s}.txt", f"{Path(s).stem}.txt"} & corpus)
    print(f"qc: {len(codes) - len(missing_codes)}/{len(codes)} codes, "
          f"{len(sources) - len(missing_sources)}/{len(sources)} sources arrived")
    for c in missing_codes:
        print(f"  missing code: {c}")
    for s in missing_sources:
        print(f"  missing source: {s}")
    return 1 if missing_codes or missing_sources else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
