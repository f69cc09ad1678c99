"""The Nu Html Checker, one JVM for the whole test run.

The checker's start-up (a JVM loading every schema) costs far more than checking a page, so
the first test that checks HTML starts the checker's own HTTP service (`nu.validator.servlet.
Main`, in the same vnu.jar as the command line) on a free loopback port, and every later check
in this run, in any pytest-xdist worker, posts its pages to that one process. Processes find
it through the run's shared folder (tests/shared_run.py) and take turns under a file lock;
the process that set up the run stops the checker at the end (tests/conftest.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.shared_run import locked

MAIN = "nu.validator.servlet.Main"
# One JIT tier and a single-threaded collector: a third of the CPU time of the defaults
# for a run that lasts a minute, on a machine whose cores the tests themselves need.
JVM_FLAGS = ("-Xss4m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
             "-Dnu.validator.servlet.bind-address=127.0.0.1")
START_TIMEOUT = 300.0  # seconds; the JVM loads its schemas in ~5 s of CPU time
HTML_SUFFIXES = (".html", ".htm")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def _start(java: str, jar: Path, folder: Path) -> int:
    port = _free_port()
    # Started through a shell that exits at once, so the JVM is no test process's child: the
    # xdist worker that asked first may exit before the run ends (stop() signals it by pid).
    launcher = subprocess.run(
        ["sh", "-c", 'log=$1; shift; "$@" </dev/null >>"$log" 2>&1 & echo $!', "vnu",
         str(folder / "vnu.log"), java, *JVM_FLAGS, "-cp", str(jar), MAIN, str(port)],
        stdin=subprocess.DEVNULL, capture_output=True, check=True, start_new_session=True)
    pid = int(launcher.stdout)
    (folder / "vnu.pid").write_text(str(pid), encoding="ascii")
    deadline = time.monotonic() + START_TIMEOUT
    while not _answers(port):
        if _gone(pid) or time.monotonic() > deadline:
            stop(folder)
            log_text = (folder / "vnu.log").read_text(encoding="utf-8", errors="replace")
            raise AssertionError(f"the Nu Html Checker did not start:\n{log_text[-3000:]}")
        time.sleep(0.2)
    (folder / "vnu.port").write_text(str(port), encoding="ascii")
    return port


def server_port(java: str, jar: Path) -> int:
    """The port of this run's checker, started by whichever process asks first."""
    with locked("vnu") as folder:
        known = folder / "vnu.port"
        if known.is_file():
            port = int(known.read_text(encoding="ascii"))
            if _answers(port):
                return port
            raise AssertionError(f"the Nu Html Checker on port {port} stopped answering; "
                                 f"see {folder / 'vnu.log'}")
        return _start(java, jar, folder)


def stop(folder: Path) -> None:
    """End this run's checker, if one was started (only ever the JVM this module started)."""
    pid_file = folder / "vnu.pid"
    if not pid_file.is_file():
        return
    pid = int(pid_file.read_text(encoding="ascii"))
    pid_file.unlink()
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return  # already gone
    if MAIN.encode() not in cmdline:
        return  # the pid was reused by another process: not ours
    os.kill(pid, signal.SIGTERM)
    for _ in range(200):
        if _gone(pid):
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _gone(pid: int) -> bool:
    """Exited: no such process, or a zombie its new parent has not reaped yet."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except (OSError, IndexError):
        return True


def html_files(paths: list[Path]) -> list[Path]:
    """The files themselves, and the HTML files inside folders (as `--skip-non-html`)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in HTML_SUFFIXES
                            and p.is_file())
        else:
            found.append(path)
    return found


def check(port: int, file: Path) -> list[dict[str, object]]:
    """The errors the checker reports on one file (its warnings and notes dropped, as the
    command line's `--errors-only` does), each with the file's URL."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/?out=json", data=file.read_bytes(), method="POST",
        headers={"Content-Type": "text/html; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=120) as response:
        report = json.loads(response.read().decode("utf-8"))
    return [{"url": file.as_uri(), **m} for m in report["messages"]
            if m.get("type") in ("error", "non-document-error")]
