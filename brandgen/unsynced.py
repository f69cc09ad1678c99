"""Markers of cache writes the OS may not have put on disk yet.

The cache's writes are not synced (`synchronous=OFF`: a template edit stores ~40 MB of
pages, and the fsyncs of SQLite's checkpoints blocked such a build ~0.4-0.5 s on an ext4
disk). A process crash loses nothing: the data is with the OS. An OS crash or power cut
before the kernel writes it back could leave a damaged file, so before a process first
writes unsynced it puts a marker on disk (written to a temporary name, synced, renamed,
its folder synced): `unsynced-PID`, holding the machine's boot id and machine id, its time
refreshed after every write. A cache opened while a marker of this machine holds
another boot id (it went down since) is set aside unread; a marker written on another
machine came with a copy of the folder (a CI cache, a backup), made from what that
machine's OS held, and goes. A marker goes once its process has ended and SETTLE seconds
have passed since its last write (the kernel writes dirty data back within ~30 s).
Where there is no boot id (not Linux) nothing is marked and SQLite syncs as usual.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PREFIX = "unsynced-"  # + the pid of the process whose writes it covers
TEMP = "tmp-unsynced-"  # a marker being written (never read as one)
SETTLE = 120.0  # seconds after which an ended writer's data is surely on disk
BOOT_ID = Path("/proc/sys/kernel/random/boot_id")
MACHINE_ID = Path("/etc/machine-id")
_BOOT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_MAX_PID = 1 << 22  # Linux's pid_max ceiling
_MACHINE = re.compile(r"[0-9a-f]{32}")


@lru_cache(maxsize=1)
def boot_id() -> str | None:
    """This boot of the machine (a new one after every restart), or None where unknown."""
    try:
        found = BOOT_ID.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return found if _BOOT.fullmatch(found) else None


@lru_cache(maxsize=1)
def machine_id() -> str:
    """This installation's id ('' where there is none)."""
    try:
        found = MACHINE_ID.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return found if _MACHINE.fullmatch(found) else ""


def stamp(boot: str) -> str:
    """What a marker holds."""
    return f"{boot} {machine_id()}".rstrip()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: alive
        return True
    return True


@dataclass(frozen=True)
class Settled:
    lost: bool  # a marker from another boot: the file may be damaged, not to be read
    done: tuple[str, ...]  # markers (and stale temporaries) that may go now


def settle(folder: Path, boot: str) -> Settled:
    """What the markers in `folder` say, under this boot."""
    try:
        entries = [e for e in os.scandir(folder) if e.name.startswith((PREFIX, TEMP))]
    except OSError:
        return Settled(False, ())
    lost, done = False, []
    now = time.time()
    for entry in entries:
        try:
            age = now - entry.stat().st_mtime
            if entry.name.startswith(TEMP):
                if age > SETTLE:  # a writer died mid-write: its marker never was
                    done.append(entry.path)
                continue
            pid = int(entry.name.removeprefix(PREFIX))
            written = Path(entry.path).read_text(encoding="ascii")
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        written_boot, _, machine = written.partition(" ")
        if not 0 < pid < _MAX_PID or not _BOOT.fullmatch(written_boot) \
                or (machine and not _MACHINE.fullmatch(machine)):
            continue  # not one of ours
        if machine != machine_id():
            done.append(entry.path)  # copied here from another machine
        elif written_boot != boot:
            lost = True
            done.append(entry.path)
        elif age >= SETTLE and not _alive(pid):
            done.append(entry.path)
    return Settled(lost, tuple(done))


def remove(paths: tuple[str, ...]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            os.unlink(path)


def mark(folder: Path, pid: int, boot: str) -> Path:
    """Put the marker of `pid`'s writes on disk (raises OSError when it cannot)."""
    marker = folder / f"{PREFIX}{pid}"
    temp = folder / f"{TEMP}{pid}-{os.getpid()}"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    try:
        os.write(fd, stamp(boot).encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, marker)
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
    return marker


def touch(marker: Path) -> None:
    """After a write: SETTLE counts from now."""
    with contextlib.suppress(OSError):
        os.utime(marker)
