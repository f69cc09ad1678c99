"""Swapping staged trees into place: an intent record, atomic exchanges and recovery.

Both output folders (public and private) are replaced together. Before the first rename the
state file beside the public folder records the plan (which staged folder, by inode, goes
where); it is cleared after the last one. A run that finds a plan left by a killed build
finishes it before doing anything else, so a kill at any instant leaves either the old
trees, the new ones, or a plan the next run completes.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import secrets
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from brandgen.background import fork_quietly, reap

STATE = ".brandgen-state.json"
FORMAT = 1

# Tests set this to stop the process at a named point (e.g. with SIGKILL).
checkpoint_hook: Callable[[str], None] | None = None


def checkpoint(name: str) -> None:
    if checkpoint_hook is not None:
        checkpoint_hook(name)


def _renameat2() -> Callable[..., int] | None:
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


_RENAMEAT2 = _renameat2()
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two existing folders; False when the system cannot (then rename)."""
    if _RENAMEAT2 is None:
        return False
    if _RENAMEAT2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def leftover_name(dest: Path, kind: str) -> Path:
    """A hidden folder beside `dest` that the next run may delete: kind is 'tmp' or 'old'."""
    return dest.with_name(f".{dest.name}.{kind}-{os.getpid()}-{secrets.token_hex(4)}")


def install(staged: Path, dest: Path) -> Path | None:
    """Put `staged` at `dest`; returns where the previous tree went (None if there was none).

    With an atomic exchange `dest` is never missing; otherwise it is missing between two
    renames, a window the recorded plan covers."""
    if not dest.exists():
        os.rename(staged, dest)
        return None
    if exchange(staged, dest):
        return staged
    old = leftover_name(dest, "old")
    os.rename(dest, old)
    checkpoint("between-renames")
    try:
        os.rename(staged, dest)
    except OSError:
        os.rename(old, dest)
        raise
    return old


def uninstall(dest: Path, previous: Path | None, staged: Path) -> None:
    """Undo `install`: the new tree back to `staged`, the previous one back to `dest`."""
    if previous is None:
        os.rename(dest, staged)
    elif previous == staged:
        exchange(staged, dest)
    else:
        os.rename(dest, staged)
        os.rename(previous, dest)


def identity(path: Path) -> list[int]:
    st = os.lstat(path)
    return [st.st_dev, st.st_ino]


def read_state(folder: Path) -> dict[str, Any]:
    """The state file beside the outputs; {} when absent or unreadable (never a crash)."""
    try:
        data = json.loads((folder / STATE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return {}
    return data


def write_state(folder: Path, state: dict[str, Any]) -> None:
    """Atomically (temp file, fsync, rename) so a kill never leaves half a state file."""
    tmp = folder / f"{STATE}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        # dumps, not dump: only the one-shot encoder is the C one (10x faster here)
        f.write(json.dumps({**state, "format": FORMAT}, sort_keys=True, separators=(",", ":")))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, folder / STATE)
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:  # some filesystems cannot fsync a folder; the rename still happened
        pass


def finish_plan(folder: Path, state: dict[str, Any]) -> list[str]:
    """Complete an interrupted swap recorded in `state`; returns notes on what was done."""
    notes: list[str] = []
    for step in state.get("pending") or []:
        dest, staged = folder / step["dest"], folder / step["staged"]
        want = step["identity"]
        if dest.exists() and identity(dest) == want:
            continue  # this folder was already swapped in
        if staged.exists() and identity(staged) == want:
            install(staged, dest)
            notes.append(f"finished replacing {step['dest']} after an interrupted build")
        else:
            notes.append(f"could not finish replacing {step['dest']}: its new tree is gone")
    state.pop("pending", None)
    state["outputs"] = state.pop("pending_outputs", state.get("outputs", {}))
    write_state(folder, state)
    return notes


def spare_name(dest: Path) -> Path:
    """Where the tree before the live one waits for the next build, which brings it up to
    date in place of staging a whole new tree (`.NAME.spare`)."""
    return dest.with_name(f".{dest.name}.spare")


def spare_manifest(record: Any, live: dict[str, list[Any]]
                   ) -> tuple[dict[str, list[Any]], int] | None:
    """(manifest, written ns) of the spare `record` describes: the live tree's manifest but
    for the entries its `delta` names (null: not in the spare); None when there is no
    record or it is not one (a state file edited by hand: then a tree is staged anew)."""
    try:
        files = dict(live)
        for name, entry in record["delta"].items():
            if entry is None:
                files.pop(name, None)
            elif isinstance(entry, list) and len(entry) == 4:
                files[name] = entry
            else:
                return None
        written = record["written"]
    except (KeyError, TypeError, AttributeError):
        return None
    return (files, written) if isinstance(written, int) else None


def spare_record(spare: Path, old: dict[str, list[Any]], new: dict[str, list[Any]],
                 written_ns: int) -> dict[str, Any]:
    """What the state keeps of a spare holding the `old` manifest while `new` is live: its
    identity and how it differs (most files of a rebuild are the very same inodes)."""
    delta: dict[str, list[Any] | None] = {name: entry for name, entry in old.items()
                                          if new.get(name) != entry}
    delta.update((name, None) for name in new.keys() - old.keys())
    return {"identity": identity(spare), "delta": delta, "written": written_ns}


def _is_recorded(spare: Path, record: dict[str, Any] | None) -> bool:
    """True when `spare` is a real folder and the very one `record` describes."""
    return record is not None and spare.is_dir() and not spare.is_symlink() \
        and identity(spare) == record.get("identity")


def take_spare(dest: Path, record: dict[str, Any] | None, staged: Path) -> bool:
    """Move the spare that `record` describes to `staged`; False (nothing moved) when
    there is none, or the folder there is not the one recorded."""
    spare = spare_name(dest)
    if not _is_recorded(spare, record):
        return False
    os.rename(spare, staged)
    return True


def remove_stale_spare(dest: Path, record: dict[str, Any] | None) -> None:
    """A spare the state does not describe (a build killed while keeping it) goes."""
    spare = spare_name(dest)
    if not os.path.lexists(spare) or _is_recorded(spare, record):
        return
    if spare.is_dir() and not spare.is_symlink():
        shutil.rmtree(spare, ignore_errors=True)
    else:
        spare.unlink(missing_ok=True)


def leftovers(dest: Path) -> list[Path]:
    """`.NAME.tmp-*` and `.NAME.old-*` beside `dest`, and half-written state files."""
    if not dest.parent.is_dir():
        return []
    return [entry for entry in sorted(dest.parent.iterdir())
            if entry.name.startswith((f".{dest.name}.tmp-", f".{dest.name}.old-",
                                      f"{STATE}.tmp-"))]


def remove_leftovers(dest: Path) -> None:
    """Delete the `leftovers` of `dest` (only with the lock held)."""
    for entry in leftovers(dest):
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


# Sweepers this process forked and has not reaped yet (see `sweep_leftovers`).
_SWEEPERS: list[int] = []


def sweep_leftovers(dests: Iterable[Path], background: bool) -> None:
    """`remove_leftovers` for every dest, after a successful swap; `background`: off the
    command's path, in a forked child that inherits the output lock (an open file
    description) and holds it until the trees are gone, so the next build, in any
    process, waits for the sweep and never sees it half done. Without fork (or with
    threads running), here."""
    dests = [dest for dest in dests if leftovers(dest)]
    if not dests:
        return

    def sweep() -> None:
        for dest in dests:
            remove_leftovers(dest)

    def sweep_in_child() -> None:
        checkpoint("sweeping")
        sweep()

    pid = fork_quietly(sweep_in_child) if background else None
    if pid is None:
        sweep()
    else:
        _SWEEPERS.append(pid)


def wait_for_sweeps() -> None:
    """Reap this process's sweepers (before taking the output lock: they hold it)."""
    reap(_SWEEPERS, wait=True)


def rename_hint(error: OSError) -> str:
    """What to do about a failed rename, by its errno."""
    return {
        errno.EBUSY: "the folder is busy: is it a mount point, or open in another program?",
        errno.EPERM: "check the folder's permissions (and that it is not immutable)",
        errno.EACCES: "check the folder's permissions",
        errno.ENOTEMPTY: "another program is writing beside the output; try again",
        errno.EEXIST: "another program is writing beside the output; try again",
        errno.EXDEV: "the output folder is a mount point; point --out at a folder on one "
                     "filesystem",
        errno.ENOSPC: "free some disk space",
        errno.EROFS: "the disk is read-only; choose another --out",
    }.get(error.errno or 0, "check free disk space and permissions")
