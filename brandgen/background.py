"""Work a command leaves to a forked child once its own output is complete (removing old
output trees, writing the kept assembly): the command returns, the child finishes."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable


def can_fork() -> bool:
    """Whether a child can be forked safely: on Linux, with no other thread running."""
    return sys.platform == "linux" and threading.active_count() == 1


def fork_quietly(work: Callable[[], None]) -> int | None:
    """Run `work` in a forked child, with nothing of this process's output or exit
    handlers (its standard streams go to /dev/null: a reader of the command's output must
    not wait for it); the child's pid, or None when no child could be forked (then the
    caller does the work itself)."""
    if not can_fork():
        return None
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid:
        return pid
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        work()
    finally:
        os._exit(0)


def reap(pids: list[int], wait: bool) -> None:
    """Collect the children in `pids` that have ended (all of them, with `wait`), so a
    long-lived process (a test run, a library user) keeps no zombies."""
    for pid in list(pids):
        with contextlib.suppress(ChildProcessError):  # reaped elsewhere
            if os.waitpid(pid, 0 if wait else os.WNOHANG)[0] == 0:
                continue  # still running
        pids.remove(pid)
