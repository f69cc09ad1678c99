"""Writing outputs: a staged tree per output (unchanged files linked), swapped in under a lock.

`OutputWriter` takes an exclusive lock on the folder holding the outputs, finishes any swap
a killed build left, removes leftovers and refuses folders brandgen did not write; `write`
then stages both trees and swaps them in together. Any error leaves the previous outputs
byte-identical.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import stat
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from brandgen.errors import BuildError, SourceError
from brandgen.outputs import is_empty_dir, looks_like_old_output
from brandgen.swap import (
    checkpoint,
    finish_plan,
    identity,
    install,
    leftover_name,
    read_state,
    remove_leftovers,
    remove_stale_spare,
    rename_hint,
    spare_manifest,
    spare_name,
    spare_record,
    sweep_leftovers,
    take_spare,
    uninstall,
    wait_for_sweeps,
    write_state,
)

# A manifest entry whose file was written this close to the state file may have changed in
# the same timestamp tick without showing it: such files are compared byte for byte.
RACY_NS = 2_000_000_000


def _show(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


class OutputWriter:
    """The outputs of one build: {'public': folder, 'private': folder}."""

    def __init__(self, root: Path, dests: Mapping[str, Path], lock_timeout: float = 60.0,
                 background_sweep: bool = False) -> None:
        self.root = root
        self.background_sweep = background_sweep  # the CLI: old trees go after it returns
        self.dests = {name: Path(os.path.abspath(p)) for name, p in dests.items()}
        self.folder = self.dests["public"].parent  # state and lock live here
        self.notes: list[str] = []
        self.lock_timeout = lock_timeout
        self.state: dict[str, Any] = {}

    def _key(self, name: str) -> str:
        return os.path.relpath(self.dests[name], self.folder)

    def prepare(self) -> None:
        """Before rendering: finish a swap a killed build left, remove leftovers and refuse
        folders brandgen did not write. Creates nothing when there is no output yet."""
        if self.folder.is_dir():
            with self._locked():
                self._check_ownership()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """An exclusive flock on the folder holding the outputs (waits up to lock_timeout),
        then recovery; every write happens inside it."""
        wait_for_sweeps()  # a sweeper of ours holds the lock until it is done
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.folder, os.O_RDONLY)
        except OSError as e:
            raise self._error(f"cannot create the output folder: {e.strerror}", self.folder,
                              rename_hint(e)) from e
        try:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise self._error("another build is running for this output",
                                          self.folder, "wait for it to finish, then build "
                                          "again") from None
                    time.sleep(0.05)
            self._recover()
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _error(self, message: str, path: Path, hint: str) -> BuildError:
        return BuildError([SourceError(message, _show(path, self.root), hint=hint)])

    def _recover(self) -> None:
        self.state = read_state(self.folder)
        if self.state.get("pending"):
            try:
                self.notes += finish_plan(self.folder, self.state)
            except OSError as e:
                raise self._error(f"cannot finish the interrupted build's swap: {e}",
                                  self.folder, rename_hint(e)) from e
        spares = self.state.get("spares", {})
        for name, dest in self.dests.items():
            remove_leftovers(dest)
            record = spares.get(self._key(name)) if isinstance(spares, dict) else None
            usable = spare_manifest(record, {}) is not None
            remove_stale_spare(dest, record if usable else None)

    def clean_outputs(self) -> tuple[str, dict[str, str]]:
        """(scan key, {name: sha256 hex}) of the public files the last build wrote: all of
        them scanned clean under that key, and where they are the cached pages' bytes."""
        files = self.state.get("outputs", {}).get(self._key("public"), {}).get("files", {})
        return self.state.get("scan_key", ""), {name: entry[0] for name, entry in files.items()}

    def _check_ownership(self) -> None:
        known = self.state.get("outputs", {})
        for name, dest in self.dests.items():
            if not dest.is_dir() or is_empty_dir(dest) or self._key(name) in known \
                    or looks_like_old_output(dest, name):
                continue
            raise self._error(f"{_show(dest, self.root)} is not empty and was not written by "
                              "brandgen, so it is not replaced", dest,
                              "move its files away, or choose another output folder")

    def write(self, trees: Mapping[str, Mapping[str, bytes]], scan_key: str = "",
              digests: Mapping[str, Mapping[str, str]] | None = None) -> None:
        """Stage every tree beside its destination, then swap all of them in together.

        `digests` (per tree, name -> sha256 hex) are used instead of hashing again."""
        with self._locked():
            self._check_ownership()
            self._write(trees, scan_key, digests or {})

    def _write(self, trees: Mapping[str, Mapping[str, bytes]], scan_key: str,
               digests: Mapping[str, Mapping[str, str]]) -> None:
        old_outputs = self.state.get("outputs", {})
        spares = self.state.get("spares", {})
        spares = spares if isinstance(spares, dict) else {}
        written = self.state.get("written", 0)
        staged: dict[str, Path] = {}
        manifests: dict[str, Any] = {}
        try:
            for name in self.dests:
                dest, key = self.dests[name], self._key(name)
                staged[name] = leftover_name(dest, "tmp")
                previous = old_outputs.get(key, {}).get("files", {})
                # The tree before the live one, kept by the last build, is brought up to
                # date (a few files at a rebuild) instead of staging ~10,000 links anew.
                spare = spare_manifest(spares.get(key), previous)
                if spare is None or not take_spare(dest, spares[key], staged[name]):
                    spare = None
                    os.mkdir(staged[name], 0o777)  # the umask applies: normal permissions
                manifests[key] = {"files": stage_tree(
                    staged[name], trees[name], dest, previous, written,
                    digests.get(name), spare)}
        except OSError as e:
            for path in staged.values():
                shutil.rmtree(path, ignore_errors=True)
            raise self._error(f"cannot write output: {e.strerror or e}",
                              Path(e.filename or self.folder), rename_hint(e)) from e
        checkpoint("staged")
        plan = [{"dest": self._key(n), "staged": os.path.relpath(staged[n], self.folder),
                 "identity": identity(staged[n])} for n in self._order()]
        self.state.update(pending=plan, pending_outputs=manifests)
        # On disk only what recovery needs: it always completes the plan, so neither the
        # live trees' manifests nor the spares (taken above) are read again (each manifest
        # is ~0.8 MB of JSON at 4000 posts).
        write_state(self.folder, {"pending": plan, "pending_outputs": manifests,
                                  "written": written, "scan_key": scan_key})
        done: list[tuple[str, Path | None]] = []
        try:
            for name in self._order():
                done.append((name, install(staged[name], self.dests[name])))
                checkpoint(f"installed-{name}")
        except OSError as e:
            failed = self.dests[self._order()[len(done)]]
            self._undo(done, staged)
            raise self._error(f"cannot replace {_show(failed, self.root)}: "
                              f"{e.strerror or e}", failed, rename_hint(e)) from e
        now = time.time_ns()
        kept = {}
        for name, previous_tree in done:
            key = self._key(name)
            spare_dir = spare_name(self.dests[name])
            if previous_tree is None or os.path.lexists(spare_dir):
                continue
            with contextlib.suppress(OSError):  # else it is swept as before
                os.rename(previous_tree, spare_dir)
                kept[key] = spare_record(spare_dir, old_outputs.get(key, {}).get("files", {}),
                                         manifests[key]["files"], written)
        checkpoint("spares-kept")
        self.state = {"outputs": manifests, "written": now, "scan_key": scan_key,
                      "spares": kept}
        write_state(self.folder, self.state)
        checkpoint("state-written")
        # Trees that could not be kept as spares go after the command returns.
        sweep_leftovers(self.dests.values(), self.background_sweep)

    def _order(self) -> list[str]:
        """Private first: until public is swapped too, the deployable tree is the old one."""
        return sorted(self.dests, key=lambda n: n != "private")

    def _undo(self, done: list[tuple[str, Path | None]], staged: Mapping[str, Path]) -> None:
        """Put the previous trees back; if even that fails, the recorded plan stays and the
        next run completes the new pair instead (never a mixed one)."""
        try:
            for name, previous in reversed(done):
                uninstall(self.dests[name], previous, staged[name])
        except OSError:
            return
        for path in staged.values():
            shutil.rmtree(path, ignore_errors=True)
        self.state.pop("pending", None)
        self.state.pop("pending_outputs", None)
        write_state(self.folder, self.state)


def stage_tree(target: Path, files: Mapping[str, bytes], live: Path,
               previous: Mapping[str, list[Any]], written_ns: int,
               digests: Mapping[str, str] | None = None,
               spare: tuple[Mapping[str, list[Any]], int] | None = None
               ) -> dict[str, list[Any]]:
    """Write `files` under `target`; a file unchanged since the last build is hard-linked
    from `live` instead. Returns the new manifest {name: [sha256, size, mtime_ns, inode]}.

    `digests` are the files' sha256 hex digests when the caller has them already.
    `spare` is (manifest, written_ns) of the tree already at `target` (the one before the
    live tree, kept by the last build): its files that are still right stay, the others
    are removed or replaced by new files, so a rebuild touches only what changed."""
    manifest: dict[str, list[Any]] = {}
    top, old = os.fspath(target), os.fspath(live)
    made: set[str] = {top}  # folders known to exist (paths as strings: 5000 pathlib
    sha256 = hashlib.sha256  # parents per build cost more than the writes)
    kept: Mapping[str, list[Any]] = {}
    if spare is not None:
        kept, kept_ns = spare
        _remove_files(top, sorted(kept.keys() - files.keys()))
        # The folders of the spare's files that stay are there: no mkdir for each of the
        # ~5,000 pages a template edit writes again (a folder gone since is made when a
        # write into it fails).
        made.update(f"{top}/{name}".rpartition("/")[0] for name in kept.keys() & files.keys())
    for name in sorted(files):
        # Bytes are fetched only when needed: a card is read back from the blob cache.
        data: bytes | None = None
        digest = digests.get(name) if digests is not None else None
        if digest is None:
            data = files[name]
            digest = sha256(data).hexdigest()
        dest = f"{top}/{name}"
        if spare is not None:
            entry = kept.get(name)
            if entry and entry[0] == digest and _holds(dest, entry, files, name, kept_ns):
                manifest[name] = list(entry)
                continue
            _remove(dest)  # a new inode: the old one may be linked into the live tree
        folder = dest.rpartition("/")[0]
        if folder not in made:
            _make_folder(folder, made)
        entry = previous.get(name)
        if entry and entry[0] == digest and _link_unchanged(f"{old}/{name}", dest, entry,
                                                            files, name, written_ns):
            manifest[name] = list(entry)  # a hard link: the very inode, size and mtime
            continue
        try:
            st = _write_file(dest, files[name] if data is None else data)
        except FileNotFoundError:  # its folder left the spare after its record was made
            os.makedirs(folder, exist_ok=True)
            st = _write_file(dest, files[name] if data is None else data)
        manifest[name] = [digest, st.st_size, st.st_mtime_ns, st.st_ino]
    return manifest


def _remove(path: str) -> None:
    """Remove what is at `path` in a staged tree, file or folder; nothing there is fine."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        shutil.rmtree(path)


def _remove_files(top: str, names: list[str]) -> None:
    """Remove `names` from the tree at `top`, then the folders they leave empty."""
    folders: set[str] = set()
    for name in names:
        _remove(f"{top}/{name}")
        parts = name.split("/")[:-1]
        folders.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
    for folder in sorted(folders, key=lambda f: (-f.count("/"), f)):
        with contextlib.suppress(OSError):  # it still holds files of this build
            os.rmdir(f"{top}/{folder}")


def _write_file(dest: str, data: bytes) -> os.stat_result:
    """Create `dest` holding `data`; its stat, taken from the open file (no path lookup,
    no buffered file object: thousands of pages are written on a template edit)."""
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        return os.fstat(fd)
    finally:
        os.close(fd)


def _make_folder(folder: str, made: set[str]) -> None:
    """mkdir `folder` and any parent not in `made` (one syscall a folder: os.makedirs
    stats each one first, ~5,000 times a build)."""
    parent = folder.rpartition("/")[0]
    if parent not in made:
        _make_folder(parent, made)
    try:
        os.mkdir(folder)
    except FileExistsError:
        if not os.path.isdir(folder):
            raise
    made.add(folder)


def _holds(path: str, entry: list[Any], files: Mapping[str, bytes], name: str,
           written_ns: int) -> bool:
    """True when the file at `path` is still the one `entry` recorded and so holds exactly
    `files[name]` (compared byte for byte when it may have changed unseen)."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or [st.st_size, st.st_mtime_ns, st.st_ino] != entry[1:]:
        return False
    if st.st_mtime_ns + RACY_NS >= written_ns:
        with open(path, "rb") as f:
            if f.read() != files[name]:
                return False
    return True


def _link_unchanged(live: str, dest: str, entry: list[Any], files: Mapping[str, bytes],
                    name: str, written_ns: int) -> bool:
    """Hard-link `live` to `dest` when it still holds exactly `files[name]`; False to write
    anew."""
    if not _holds(live, entry, files, name, written_ns):
        return False
    try:
        os.link(live, dest)
    except OSError:  # a filesystem without hard links: write the file instead
        return False
    return True
