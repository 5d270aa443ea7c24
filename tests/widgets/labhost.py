"""Run a real JupyterLab server for the browser tests, sealed inside one directory.

:class:`LabServer` starts ``jupyter lab`` (server only) on a free loopback port with a
random token, rooted in a test's temporary directory. Every directory Jupyter and
IPython write to (config, data, runtime, IPython's profile, ``HOME``) is inside it, so a
user's own Jupyter setup is neither read nor touched. The kernel is the test
interpreter's ``python3`` kernel and imports qualkit from this checkout (``PYTHONPATH``).

Nothing may reach the network: the lab's news feed and update check are off (server
options and the lab's user settings, so it does not even ask), its
extension manager is read-only (no PyPI queries), and the server's HTTP(S) proxy points
at a closed loopback port so any outbound request it might still make fails here.
The browser side is sealed by :func:`seal`, which aborts (and records) every request
that does not go to the server.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Self

ROOT = Path(__file__).resolve().parents[2]
NO_NET = "http://127.0.0.1:9"  # the discard port: nothing listens, requests fail at once
SETTINGS = {  # the lab's user settings: never ask about or fetch news and updates; a
    # notebook starts the kernel its metadata names without a "Select Kernel" dialog
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker": {"autoStartDefaultKernel": True},
}


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LabError(RuntimeError):
    """JupyterLab did not start (the message ends with the tail of its log)."""


class LabServer:
    """``jupyter lab`` serving ``root``; state dirs under ``home``. Use as a context manager."""

    def __init__(self, root: Path, home: Path, *, timeout: float = 120.0) -> None:
        self.root, self.home, self.timeout = Path(root), Path(home), timeout
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.home / "jupyterlab.log"
        self._proc: subprocess.Popen | None = None

    def _env(self) -> dict[str, str]:
        dirs = {name: self.home / sub for name, sub in (
            ("HOME", "home"), ("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
            ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"),
            ("XDG_CACHE_HOME", "cache"), ("MPLCONFIGDIR", "mpl"))}
        for d in dirs.values():
            d.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_"))}
        env.update({k: str(v) for k, v in dirs.items()})
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
            env[name] = NO_NET
        env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        # the language-server and terminal extensions are not needed (jupyter_lsp probes npm)
        (dirs["JUPYTER_CONFIG_DIR"] / "jupyter_server_config.json").write_text(json.dumps(
            {"ServerApp": {"jpserver_extensions": {"jupyter_lsp": False, "jupyter_server_terminals": False}}}))
        for plugin, values in SETTINGS.items():
            path = dirs["JUPYTER_CONFIG_DIR"] / "lab" / "user-settings" / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        return env

    def command(self) -> list[str]:
        """The server's command line (this interpreter's JupyterLab; no browser, no news)."""
        return [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
                f"--port={self.port}", "--port-retries=0", f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.root}", "--PasswordIdentityProvider.hashed_password=",
                "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                "--LabApp.extension_manager=readonly",
                *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])]

    def __enter__(self) -> Self:
        self.root.mkdir(parents=True, exist_ok=True)
        self.home.mkdir(parents=True, exist_ok=True)
        with open(self.log, "wb") as log:
            self._proc = subprocess.Popen(self.command(), cwd=self.root, env=self._env(), stdout=log,
                                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                          start_new_session=True)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            code = self._proc.poll()
            if code is not None:
                self._proc = None
                raise LabError(f"jupyter lab exited with {code}: {self.log_tail()}")
            try:
                self.api("GET", "/api/status")
                return self
            except (OSError, urllib.error.URLError):
                time.sleep(0.25)
        self.stop()
        raise LabError(f"jupyter lab did not answer on {self.url} within {self.timeout:.0f} s: {self.log_tail()}")

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def log_tail(self, lines: int = 15) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def api(self, method: str, path: str) -> Any:
        """Call the server's REST API with the token; the decoded JSON answer (or None)."""
        req = urllib.request.Request(self.url + path, method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as res:  # loopback only
            body = res.read()
        return json.loads(body) if body else None

    def page_config(self) -> dict[str, Any]:
        """The lab page's configuration (what the front end is told, e.g. news off)."""
        req = urllib.request.Request(f"{self.url}/lab", headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as res:  # loopback only
            html = res.read().decode("utf-8")
        start = html.index(">", html.index('id="jupyter-config-data"')) + 1
        return json.loads(html[start:html.index("</script>", start)])

    def kernel_ready(self, path: str) -> bool:
        """Whether the notebook ``path`` has a kernel that is idle and has a front end."""
        for session in self.api("GET", "/api/sessions"):
            kernel = session.get("kernel") or {}
            if session.get("path") == path and kernel.get("execution_state") == "idle" \
                    and kernel.get("connections", 0) >= 1:
                return True
        return False

    def open_url(self, path: str) -> str:
        """The lab showing only ``path`` (``reset``: no tabs restored from an earlier page)."""
        return f"{self.url}/lab/tree/{path}?reset&token={self.token}"

    def stop(self) -> None:
        """Shut the kernels and the server down; kill the server's process group if it hangs."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        # a server that does not answer or does not exit is not an error here: the signals
        # below end it whatever state it is in
        with contextlib.suppress(OSError, urllib.error.URLError, subprocess.TimeoutExpired):
            for kernel in self.api("GET", "/api/kernels"):
                self.api("DELETE", f"/api/kernels/{kernel['id']}")
            self.api("POST", "/api/shutdown")
            proc.wait(timeout=20)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if proc.poll() is not None:
                break
            # gone meanwhile (nothing to do), or still running after 10 s (the next signal)
            with contextlib.suppress(ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(proc.pid, sig)
                proc.wait(timeout=10)
        if proc.poll() is None:
            raise RuntimeError(f"the JupyterLab server (pid {proc.pid}) survived SIGKILL")


def seal(page: Any, origin: str) -> list[str]:
    """Abort every request of ``page`` that does not go to ``origin``; the list of those."""
    blocked: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(origin + "/"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return blocked
