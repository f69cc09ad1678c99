"""Watching: one pure rule for which file changes matter, and a thin thread over watchfiles."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path, PurePath

from watchfiles import Change as FileChange
from watchfiles import watch

from brandgen.config import CONFIG_FILE

# What a change is about: the incremental rebuild does only what each kind needs.
KINDS = ("config", "content", "private", "template", "static")

Change = tuple[str, Path]  # (kind, absolute path)
OnChange = Callable[[list[Change]], None]


def is_editor_litter(name: str) -> bool:
    """Swap, backup and probe files that editors write beside the real one."""
    return (name.startswith((".", "#"))  # hidden, .#lock (Emacs), #autosave# (Emacs)
            or name.endswith(("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".orig"))
            or name.endswith(("___jb_tmp___", "___jb_old___"))  # JetBrains safe-write
            or name == "4913")  # Vim's "can I write here?" probe


def classify_change(path: Path, root: Path) -> str | None:
    """The kind of a changed path under `root` ("config", "content", ...), or None to ignore it."""
    try:
        rel = PurePath(path).relative_to(root)
    except ValueError:
        return None
    parts = rel.parts
    if not parts or any(part.startswith(".") for part in parts) or is_editor_litter(parts[-1]):
        return None
    if parts == (CONFIG_FILE,):
        return "config"
    if parts[0] == "content":
        if len(parts) > 1 and parts[1] == "private":
            return "private"
        if len(parts) > 1 and parts[1] == "static":
            return "static"
        return "content"
    if parts[0] == "themes":
        # themes/<name>/static/... is copied verbatim; everything else feeds Jinja.
        return "static" if len(parts) > 2 and parts[2] == "static" else "template"
    return None  # site/ (our own output), .git/, anything else in the project


def relevant_changes(batch: Iterable[tuple[FileChange, str]], root: Path) -> list[Change]:
    """The changes in a watchfiles batch worth a rebuild, sorted and without duplicates.

    A file that was created and is already gone again (`sed -i`'s and other tools' temp
    files) is left out: it only existed between two events of the same burst. A folder that
    was created brings the files already in it: they may have been written before the OS
    watch on the new folder was armed.
    """
    events: dict[Path, set[FileChange]] = {}
    for change, raw in batch:
        events.setdefault(Path(raw), set()).add(change)
    found: dict[Path, str] = {}
    for path, changes in sorted(events.items()):
        kind = classify_change(path, root)
        if kind is None or (FileChange.added in changes and not path.exists()):
            continue
        found[path] = kind
        if FileChange.added in changes and path.is_dir():
            for inner in sorted(path.rglob("*")):
                inner_kind = classify_change(inner, root)
                if inner_kind is not None and inner.is_file():
                    found[inner] = inner_kind
    return [(kind, path) for path, kind in sorted(found.items())]


def describe(changes: list[Change], root: Path) -> str:
    """`content/posts/x.md`, or `content/posts/x.md and 2 more`, for the rebuild line."""
    if not changes:
        return "start"
    first = changes[0][1]
    try:
        name = first.relative_to(root).as_posix()
    except ValueError:
        name = str(first)
    return name if len(changes) == 1 else f"{name} and {len(changes) - 1} more"


class ProjectFilter:
    """watchfiles' filter: only paths classify_change keeps, and folders on the way to them
    (so that a content/ or themes/ folder created later is seen with what is put in it)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, change: FileChange, path: str) -> bool:
        return classify_change(Path(path), self.root) is not None


# watchfiles returns a batch one to two steps after its last event: 5 ms keeps that off the
# save-to-page time (20 ms steps cost 20-40 ms of it) and still joins an editor's save
# (write, rename, chmod) into one batch, its events being microseconds apart.
STEP_MS = 5


class Watcher:
    """Calls `on_change` from a background thread with each burst of relevant changes.

    The project root is watched (recursively, filtered), so files and folders created after
    the start are seen, and a brandgen.yaml replaced by rename (how editors save) too.
    Bursts are coalesced twice: watchfiles groups events that arrive within `step_ms` of
    each other (up to `debounce_ms`), and changes made while `on_change` runs (a rebuild)
    are buffered by watchfiles and delivered as the next single batch.
    """

    def __init__(self, root: Path, on_change: OnChange, debounce_ms: int = 300,
                 step_ms: int = STEP_MS) -> None:
        self.root = root
        self.on_change = on_change
        self.debounce_ms = debounce_ms
        self.step_ms = step_ms
        self._stop = threading.Event()
        self.ready = threading.Event()  # set once the OS watch is armed
        self._thread: threading.Thread | None = None

    def start(self, wait: float = 5.0) -> None:
        """Start watching; returns once changes are seen (or after `wait` seconds)."""
        self._thread = threading.Thread(target=self._run, name="brandgen-watch", daemon=True)
        self._thread.start()
        self.ready.wait(wait)

    def stop(self) -> None:
        """Ends the watch within one step (plus a rebuild that is under way)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _run(self) -> None:
        # yield_on_timeout: an empty batch after a quiet spell tells us the watch is armed.
        for batch in watch(self.root, stop_event=self._stop, watch_filter=ProjectFilter(self.root),
                           debounce=self.debounce_ms, step=self.step_ms, rust_timeout=200,
                           yield_on_timeout=True, raise_interrupt=False):
            self.ready.set()
            changes = relevant_changes(batch, self.root)
            if changes:
                self.on_change(changes)
