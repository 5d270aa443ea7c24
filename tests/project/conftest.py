"""Fixtures for the project store: a small synthetic corpus and codebook, and a project
on each back end (SQLite file; PostgreSQL in a throwaway cluster on a loopback port).

The PostgreSQL cluster is made with Debian's ``initdb`` and ``pg_ctl`` (as the
``postgres`` user when the tests run as root) in a temporary folder, once per session;
every test gets its own database. Where no server can start, the PostgreSQL tests are
skipped with the reason.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from project_fixtures import make_codebook, make_corpus

from qualkit.codebook.model import Codebook
from qualkit.corpus import Corpus

@pytest.fixture
def corpus() -> Corpus:
    return make_corpus()


@pytest.fixture
def book() -> Codebook:
    return make_codebook()


# -- PostgreSQL ------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    if shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--", *cmd]
    return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(cmd)]


class _Cluster:
    def __init__(self) -> None:
        self.reason = ""
        self.url = ""
        self.tmp: Path | None = None
        self._bin: Path | None = None
        self._count = itertools.count(1)

    def start(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        initdb = Path(found[-1]) if found else (Path(shutil.which("initdb")) if shutil.which("initdb") else None)
        if initdb is None:
            self.reason = "no PostgreSQL server here (initdb not found; .ci/run installs postgresql)"
            return
        self._bin = initdb.parent
        self.tmp = Path(tempfile.mkdtemp(prefix="qualkit-pg-"))
        self.tmp.chmod(0o755)
        if os.geteuid() == 0:
            try:
                shutil.chown(self.tmp, "postgres")
            except (LookupError, PermissionError) as err:
                self.reason = f"cannot hand a folder to the postgres user ({err})"
                return
        port = _free_port()
        data = self.tmp / "data"
        steps = [
            [str(initdb), "-D", str(data), "-A", "trust", "-U", "qualkit", "-E", "UTF8", "--no-sync"],
            [str(self._bin / "pg_ctl"), "-D", str(data), "-l", str(self.tmp / "server.log"), "-w",
             "-o", f"-p {port} -k {self.tmp} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
        ]
        for cmd in steps:
            run = subprocess.run(_as_postgres(cmd), capture_output=True, text=True, timeout=120)
            if run.returncode != 0:
                self.reason = f"PostgreSQL could not start: {(run.stderr or run.stdout).strip()[-300:]}"
                return
        self.url = f"postgresql://qualkit@127.0.0.1:{port}"

    def new_database(self) -> str:
        import psycopg

        name = f"qk_{os.getpid()}_{next(self._count)}"
        with psycopg.connect(f"{self.url}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"{self.url}/{name}"

    def stop(self) -> None:
        if self._bin is not None and self.tmp is not None and (self.tmp / "data" / "postmaster.pid").exists():
            subprocess.run(_as_postgres([str(self._bin / "pg_ctl"), "-D", str(self.tmp / "data"),
                                         "-m", "immediate", "stop"]), capture_output=True, timeout=60)
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[_Cluster]:
    cluster = _Cluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def where(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new project goes: a SQLite file path, or a fresh PostgreSQL database URL."""
    if request.param == "sqlite":
        return str(tmp_path / "study.qkproj")
    cluster = request.getfixturevalue("postgres")
    if not cluster.url:
        pytest.skip(cluster.reason)
    return cluster.new_database()
