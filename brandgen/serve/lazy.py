"""A snapshot's files where some are made on first use: the page a browser asks for first.

After a post edit the dev server publishes at once and renders what changed afterwards; a
request for a page not made yet makes it then, from the same rebuild's inputs, so one
snapshot never mixes two rebuilds. `complete()` makes the rest (the server calls it right
after publishing, before the next rebuild), stepping aside while a request is waiting.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Mapping


class Withheld(KeyError):
    """A file that could not be made (a template error, private text): not served; the
    rebuild's completion reports why."""


class LazyFiles(Mapping[str, bytes]):
    """{name: bytes}, read-only; the names are fixed, some contents are made when read."""

    def __init__(self, ready: Mapping[str, bytes], todo: Mapping[str, Callable[[], bytes]]
                 ) -> None:
        self._ready = dict(ready)
        self._todo = {name: make for name, make in todo.items() if name not in self._ready}
        self._names = (*self._ready, *self._todo)
        self._known = frozenset(self._names)
        self._withheld: set[str] = set()
        self._lock = threading.Lock()  # one maker at a time: templates, memo dicts
        self._waiting = 0  # requests waiting for a file: complete() lets them go first
        self._count = threading.Lock()

    def __getitem__(self, name: str) -> bytes:
        data = self._ready.get(name)
        if data is not None:
            return data
        if name not in self._known:
            raise KeyError(name)
        with self._count:
            self._waiting += 1
        try:
            with self._lock:
                return self._make(name)
        finally:
            with self._count:
                self._waiting -= 1

    def _make(self, name: str) -> bytes:
        data = self._ready.get(name)
        if data is not None:
            return data
        if name in self._withheld:
            raise Withheld(name)
        make = self._todo.pop(name)
        try:
            data = make()
        except Withheld:
            self._withheld.add(name)
            raise
        self._ready[name] = data
        return data

    def __contains__(self, name: object) -> bool:
        return name in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    @property
    def pending(self) -> frozenset[str]:
        """Names not made yet."""
        with self._lock:
            return frozenset(self._todo)

    def complete(self) -> tuple[dict[str, bytes], frozenset[str]]:
        """Make every file not made yet: ({name: bytes} of those made, names withheld)."""
        for name in list(self._todo):
            while self._waiting:
                time.sleep(0.001)  # a request is making its page: it goes first
            with self._lock:
                if name in self._todo:
                    with contextlib.suppress(Withheld):  # complete() reports it
                        self._make(name)
        with self._lock:
            return {n: self._ready[n] for n in self._names if n in self._ready}, \
                frozenset(self._withheld)
