"""What the dev server serves: the last good build, a build epoch, the current errors.

`SiteState` is the only shared mutable object: the watcher thread publishes immutable
`Snapshot`s into it, request threads read the current one and wait for the next. Each
snapshot records which served URLs changed since the one before, so a page reloads only
when its own output (or a file it uses) changed, and a stylesheet is swapped in place.
"""

from __future__ import annotations

import datetime as dt
import secrets
import sys
import threading
import time
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from brandgen.config import load_config
from brandgen.errors import BuildError, Problems, SourceError
from brandgen.serve.incremental import IncrementalSite
from brandgen.serve.overlay import render_overlay
from brandgen.serve.watch import Change, describe

PRIVATE_PREFIX = "/__brandgen/private/"
HISTORY = 64  # epochs whose changed URLs are remembered for slow live-reload streams


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
    changed: frozenset[str] | None = None  # URL paths changed since the last epoch; None: all

    @property
    def token(self) -> str:
        """Identifies the snapshot; a page served at another instance always reloads."""
        return f"{self.instance}.{self.epoch}"


def changed_urls(public: Iterable[str], private: Iterable[str], base_path: str
                 ) -> frozenset[str]:
    """Changed file names as the URL paths a browser requests them by."""
    return frozenset([base_path + name for name in public]
                     + [PRIVATE_PREFIX + name for name in private])


class SiteState:
    """The current snapshot, and a condition to wait for the next one."""

    def __init__(self, base_path: str = "/") -> None:
        self._changed = threading.Condition()
        self._snapshot = Snapshot({}, {}, base_path, instance=secrets.token_hex(4))
        self._history: dict[int, frozenset[str] | None] = {}
        self._closed = False

    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    @property
    def closed(self) -> bool:
        return self._closed

    def _publish(self, snapshot: Snapshot) -> Snapshot:
        with self._changed:
            self._snapshot = snapshot
            self._history[snapshot.epoch] = snapshot.changed
            self._history.pop(snapshot.epoch - HISTORY, None)
            self._changed.notify_all()
            return snapshot

    def publish_good(self, public: Mapping[str, bytes], private: Mapping[str, bytes],
                     base_path: str, changed: frozenset[str] | None = None) -> Snapshot:
        """A successful build replaces the pages and clears the errors."""
        old = self._snapshot
        if base_path != old.base_path or not old.has_build:
            changed = None  # every URL moved, or nothing was served before
        return self._publish(Snapshot(public, private, base_path, old.epoch + 1, old.instance,
                                      has_build=True, changed=changed))

    def publish_errors(self, errors: tuple[SourceError, ...], overlay: str,
                       base_path: str) -> Snapshot:
        """A failed build keeps the last good pages and shows its errors over them."""
        old = self._snapshot
        return self._publish(replace(old, base_path=base_path, epoch=old.epoch + 1,
                                     errors=errors, overlay=overlay,
                                     changed=frozenset() if old.has_build else None))

    def restore(self, good: Snapshot, changed: frozenset[str]) -> Snapshot:
        """The pages of `good` again (a rebuild published too early failed its checks);
        `changed`: the URLs that rebuild had announced."""
        old = self._snapshot
        return self._publish(replace(good, epoch=old.epoch + 1, instance=old.instance,
                                     changed=changed if good.has_build else None))

    def changes_since(self, epoch: int) -> frozenset[str] | None:
        """The URLs changed after `epoch` up to now; None when not known (reload all)."""
        with self._changed:
            current = self._snapshot.epoch
            found: set[str] = set()
            for n in range(epoch + 1, current + 1):
                if n not in self._history or self._history[n] is None:
                    return None
                found |= self._history[n] or frozenset()
            return frozenset(found)

    def wait_for_epoch(self, epoch: int, timeout: float) -> Snapshot | None:
        """The current snapshot once its epoch is past `epoch`; None on timeout or close."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._snapshot.epoch > epoch,
                                   timeout)
            if self._closed or self._snapshot.epoch <= epoch:
                return None
            return self._snapshot

    def close(self) -> None:
        """Wakes every waiting live-reload stream so it can end."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()


@dataclass
class Builder:
    """Rebuilds incrementally with base_url pointed at this server, and reports each outcome."""

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
    site: IncrementalSite | None = None

    def __post_init__(self) -> None:
        if self.site is None:
            self.site = IncrementalSite(self.root, f"http://127.0.0.1:{self.port}",
                                        drafts=self.drafts, base_url=self.base_url)

    def now(self) -> dt.datetime:
        if self.today is not None:
            return dt.datetime.combine(self.today, dt.time(12), dt.UTC)
        return dt.datetime.now(dt.UTC)

    def failed_base_path(self) -> str:
        """Where the overlay is served after a failure: the last good base path, else the
        configured one (read only now: a good rebuild loads the config once, itself)."""
        if self.state.snapshot.has_build:
            return self.state.snapshot.base_path
        return load_config(self.root, Problems(), self.base_url).base_path

    def rebuild(self, changes: list[Change] | None = None) -> Snapshot:
        """Apply `changes` (None: the first build) and publish; never raises for content
        errors or brandgen bugs."""
        start = time.perf_counter()
        reason = None if changes is None else describe(changes, self.root)
        assert self.site is not None
        before = self.state.snapshot
        try:
            # After an edit, publish before the changed pages are rendered: a request renders
            # its own page, finish() the rest and checks them.
            result = self.site.rebuild(changes or [], self.now(), lazy=changes is not None)
            base_path = result.config.base_path
            announced = changed_urls(result.announced, result.private_changed, base_path)
            self.state.publish_good(result.public, result.private, base_path, announced)
            try:
                result.finish()
            except BuildError:
                self.state.restore(before, announced)  # the pages served meanwhile go away
                raise
            late = result.changed - result.announced  # a feed, the sitemap: told now
            if late:
                self.state.publish_good(result.public, result.private, base_path,
                                        changed_urls(late, (), base_path))
        except BuildError as e:
            errors = tuple(e.errors)
        except Exception as e:  # a bug in brandgen must not take the server down
            if self.verbose:
                traceback.print_exc(file=self.err)
            errors = (SourceError(f"internal error: {e!r}", "brandgen",
                                  hint="this is a bug in brandgen; run with -v for the "
                                       "traceback and report it"),)
            self.site = IncrementalSite(self.root, self.site.local_url, drafts=self.drafts,
                                        base_url=self.base_url)  # start over from the files
        else:
            snapshot = self.state.snapshot
            self._report_warnings(result.warnings)
            seconds = time.perf_counter() - start
            if reason is None:
                print(f"Built {result.page_count} pages in {seconds:.2f} s", file=self.out)
            else:
                print(f"Rebuilt in {seconds:.2f} s ({reason}; {result.rendered} pages "
                      f"rendered)", file=self.out)
            if self.verbose:
                for name, spent in result.timings.items():
                    print(f"  {name:<18} {spent * 1000:8.1f} ms", file=self.out)
            self.out.flush()
            return snapshot
        overlay = render_overlay(errors, self.root, self.state.snapshot.has_build)
        snapshot = self.state.publish_errors(errors, overlay, self.failed_base_path())
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
