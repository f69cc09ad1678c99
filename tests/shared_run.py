"""What one test run shares across its processes (pytest-xdist workers): a folder, a lock,
and values computed once per run by whichever process asks first.

tests/conftest.py creates the folder when a run starts (in the plain pytest process, or in
xdist's controller before it starts the workers, which inherit the environment) and removes
it when the run ends.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

RUN_ENV = "BRANDGEN_TEST_RUN"
T = TypeVar("T")
_MEMO: dict[str, object] = {}  # this process's copies of the shared values


def run_folder() -> Path:
    folder = os.environ.get(RUN_ENV)
    if not folder:
        raise RuntimeError(f"{RUN_ENV} is not set: tests/conftest.py sets it for each run")
    return Path(folder)


@contextlib.contextmanager
def locked(name: str) -> Iterator[Path]:
    """Hold the run's lock called `name` (one process at a time); yields the run folder."""
    folder = run_folder()
    with (folder / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def once(name: str, make: Callable[[], T]) -> T:
    """make() run once per test run: the first process to ask runs it and stores the
    (picklable) result; every other process loads that result. A make() that raises stores
    nothing, so the next process to ask tries again and sees the same failure."""
    if name in _MEMO:
        return _MEMO[name]  # type: ignore[return-value]
    with locked(name) as folder:
        stored = folder / f"{name}.pickle"
        if stored.is_file():
            value: T = pickle.loads(stored.read_bytes())
        else:
            value = make()
            stored.write_bytes(pickle.dumps(value))
    _MEMO[name] = value
    return value
