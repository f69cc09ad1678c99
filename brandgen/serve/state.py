"""What the dev server serves: the last good build, a build epoch, the current errors.

`SiteState` is the only shared mutable object: the watcher thread publishes immutable
`Snapshot`s into it, request threads read the current one and wait for the next.
"""

from __future__ import annotations

import datetime as dt
import secrets
import sys
import threading
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from brandgen.build import BuildOptions, render_all
from brandgen.config import load_config
from brandgen.errors import BuildError, Problems, SourceError
from brandgen.serve.overlay import render_overlay


@dataclass(frozen=True)
class Snapshot:
    """One published state: never mutated, so request threads need no lock to read it."""

    public: Mapping[str, bytes]
    private: Mapping[str, bytes]
    base_path: str  # '/brand/': starts and ends with '/'
    epoch: int = 0  # bumped by every rebuild, good or bad
    instance: str = ""  # per server run, so a restarted server also reloads its pages
    errors: tuple[SourceError, ...] = ()  # of the last rebuild; empty when it succeeded
    overlay: str = ""  # the error overlay's HTML, rendered once per failed build
    has_build: bool = False  # False until the first good build: then only the overlay exists

    @property
    def token(self) -> str:
        """What the live-reload channel sends; a page reloads when it differs from its own."""
        return f"{self.instance}.{self.epoch}"


class SiteState:
    """The current snapshot, and a condition to wait for the next one."""

    def __init__(self, base_path: str = "/") -> None:
        self._changed = threading.Condition()
        self._snapshot = Snapshot({}, {}, base_path, instance=secrets.token_hex(4))
        self._closed = False

    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    @property
    def closed(self) -> bool:
        return self._closed

    def publish_good(self, public: Mapping[str, bytes], private: Mapping[str, bytes],
                     base_path: str) -> Snapshot:
        """A successful build replaces the pages and clears the errors."""
        with self._changed:
            old = self._snapshot
            self._snapshot = Snapshot(public, private, base_path, old.epoch + 1, old.instance,
                                      has_build=True)
            self._changed.notify_all()
            return self._snapshot

    def publish_errors(self, errors: tuple[SourceError, ...], overlay: str,
                       base_path: str) -> Snapshot:
        """A failed build keeps the last good pages and shows its errors over them."""
        with self._changed:
            old = self._snapshot
            self._snapshot = replace(old, base_path=base_path, epoch=old.epoch + 1,
                                     errors=errors, overlay=overlay)
            self._changed.notify_all()
            return self._snapshot

    def wait_for_change(self, token: str | None, timeout: float) -> str | None:
        """The current token if it differs from `token`, else wait; None on timeout or close."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._snapshot.token != token,
                                   timeout)
            if self._closed or self._snapshot.token == token:
                return None
            return self._snapshot.token

    def close(self) -> None:
        """Wakes every waiting live-reload stream so it can end."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()


@dataclass
class Builder:
    """Runs render_all with base_url pointed at this server, and reports each outcome."""

    root: Path
    state: SiteState
    port: int
    drafts: bool = False
    base_url: str | None = None  # the --base-url override; its path is kept
    today: dt.date | None = None  # None: read the clock for every rebuild
    verbose: bool = False
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    _warnings: set[SourceError] = field(default_factory=set)

    def now(self) -> dt.datetime:
        if self.today is not None:
            return dt.datetime.combine(self.today, dt.time(12), dt.UTC)
        return dt.datetime.now(dt.UTC)

    def base_path(self) -> str:
        """The configured base_url's path; the previous one while brandgen.yaml is broken."""
        problems = Problems()
        config = load_config(self.root, problems, self.base_url)
        if problems.errors and self.state.snapshot.has_build:
            return self.state.snapshot.base_path
        return config.base_path

    def local_base_url(self, base_path: str) -> str:
        return f"http://127.0.0.1:{self.port}{base_path}"

    def rebuild(self, reason: str | None = None) -> Snapshot:
        """Build into memory and publish; never raises for content errors or brandgen bugs."""
        start = time.perf_counter()
        base_path = self.base_path()
        options = BuildOptions(root=self.root, now=self.now(), drafts=self.drafts,
                               base_url=self.local_base_url(base_path))
        try:
            result = render_all(options)
        except BuildError as e:
            errors = tuple(e.errors)
        except Exception as e:  # a bug in brandgen must not take the server down
            if self.verbose:
                traceback.print_exc(file=self.err)
            errors = (SourceError(f"internal error: {e!r}", "brandgen",
                                  hint="this is a bug in brandgen; run with -v for the "
                                       "traceback and report it"),)
        else:
            snapshot = self.state.publish_good(result.public, result.private, base_path)
            self._report_warnings(result.warnings)
            seconds = time.perf_counter() - start
            if reason is None:
                print(f"Built {result.page_count} pages in {seconds:.2f} s", file=self.out)
            else:
                print(f"Rebuilt in {seconds:.2f} s ({reason})", file=self.out)
            if self.verbose:
                for name, spent in result.timings.items():
                    print(f"  {name:<18} {spent * 1000:8.1f} ms", file=self.out)
            self.out.flush()
            return snapshot
        overlay = render_overlay(errors, self.root, self.state.snapshot.has_build)
        snapshot = self.state.publish_errors(errors, overlay, base_path)
        for error in errors:
            print(error.format(), file=self.err)
        n = len(errors)
        what = "build" if reason is None else f"rebuild ({reason})"
        print(f"{n} error{'s' if n != 1 else ''} in {what}; "
              + ("still serving the last good build" if snapshot.has_build
                 else "serving the error page until a build succeeds"), file=self.err)
        self.err.flush()
        return snapshot

    def _report_warnings(self, warnings: list[SourceError]) -> None:
        """Print warnings when they change, not again on every keystroke."""
        current = set(warnings)
        if current != self._warnings:
            for warning in sorted(current - self._warnings, key=SourceError.sort_key):
                print(warning.format(), file=self.err)
            self._warnings = current
