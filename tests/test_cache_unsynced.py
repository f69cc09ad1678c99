"""The cache writes without syncing; markers on disk make sure that a cache an OS crash may
have damaged is never read (brandgen/unsynced.py)."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from brandgen import unsynced
from brandgen.cache import FOLDER, Cache
from tests.conftest import SiteMaker
from tests.test_engine import POSTS, built, renders  # noqa: F401 (a fixture)

BOOT_A = "0a0a0a0a-0000-4000-8000-00000000000a"
BOOT_B = "0b0b0b0b-0000-4000-8000-00000000000b"
MACHINE = "3d1219c7c4c5404aaa1f6d2a48adfda4"
OTHER_MACHINE = "5e0f00000000400080000000000000ff"


@pytest.fixture
def boot(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The machine's boot id, as the tests set it."""
    current = [BOOT_A]
    monkeypatch.setattr(unsynced, "boot_id", lambda: current[0])
    monkeypatch.setattr(unsynced, "machine_id", lambda: MACHINE)
    return current


def _ended_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


def test_a_cache_written_before_the_machine_went_down_is_set_aside(
        make_site: SiteMaker, tmp_path: Path, renders: list[int],  # noqa: F811
        boot: list[str]) -> None:
    """A cache opened under another boot id than a marker's (an OS crash may have lost
    its writes) is not read but set aside: the next build renders everything, the same
    bytes."""
    root = make_site(POSTS)
    first = built(root, tmp_path / "o")
    markers = sorted(p.name for p in (root / FOLDER).glob("unsynced-*"))
    assert markers == [f"unsynced-{os.getpid()}"]
    assert (root / FOLDER / markers[0]).read_text() == f"{BOOT_A} {MACHINE}"
    assert built(root, tmp_path / "o") == first and renders[-1] == 0
    boot[0] = BOOT_B  # a restart
    assert built(root, tmp_path / "o") == first
    assert renders[-1] == renders[0] > 0, "nothing read from the set-aside file"
    assert (root / FOLDER / "cache.sqlite.broken").exists()
    assert (root / FOLDER / markers[0]).read_text() == f"{BOOT_B} {MACHINE}"  # its own now


def test_markers_go_once_their_writer_ended_and_its_data_settled(
        tmp_path: Path, boot: list[str]) -> None:
    folder = tmp_path / FOLDER
    folder.mkdir()
    pid = _ended_pid()
    old, recent, mine = (folder / f"unsynced-{p}" for p in (pid, pid + 1, os.getpid()))
    temp = folder / f"tmp-unsynced-{pid}-{pid}"  # a writer died writing its marker
    foreign = [folder / "unsynced-notapid", folder / f"unsynced-{10 ** 30}",
               folder / f"unsynced-{pid + 2}"]
    copied = folder / f"unsynced-{pid + 3}"  # came with a copy of the folder
    for marker in (old, recent, mine, temp, *foreign):
        marker.write_text(f"{BOOT_A} {MACHINE}")
    copied.write_text(f"{BOOT_B} {OTHER_MACHINE}")
    foreign[-1].write_text("not a boot id")  # not ours: no reason to distrust the cache
    long_ago = time.time() - 2 * unsynced.SETTLE
    for marker in (old, mine, temp, *foreign):
        os.utime(marker, (long_ago, long_ago))
    cache = Cache(folder)
    assert cache.usable and not (folder / "cache.sqlite.broken").exists()
    assert not old.exists() and not temp.exists(), "ended long ago: its data is on disk"
    assert not copied.exists(), "another machine's writes came as a copy of what its OS held"
    assert recent.exists() and mine.exists(), "too recent, or still running"
    assert all(f.exists() for f in foreign)
    assert cache.put_many("docs", {"k": b"v"}) and cache.get_many("docs", ["k"]) == {"k": b"v"}
    assert mine.stat().st_mtime > long_ago + unsynced.SETTLE, "touched by the write"
    cache.close()


def test_a_connection_syncs_until_its_marker_is_on_disk(tmp_path: Path,
                                                        boot: list[str]) -> None:
    folder = tmp_path / FOLDER
    cache = Cache(folder)
    assert cache._db is not None
    assert cache._db.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL: opening writes
    assert cache.get_many("docs", ["k"]) == {} and not list(folder.glob("unsynced-*"))
    assert cache.put_many("docs", {"k": b"v"})
    assert (folder / f"unsynced-{os.getpid()}").read_text() == f"{BOOT_A} {MACHINE}"
    assert cache._db.execute("PRAGMA synchronous").fetchone() == (0,)  # OFF from then on
    cache.close()
    (folder / f"unsynced-{os.getpid()}").unlink()
    reader = Cache(folder)  # an existing cache: opening it writes nothing
    assert reader.get_many("docs", ["k"]) == {"k": b"v"}
    reader.close()
    wal = folder / "cache.sqlite-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    assert not list(folder.glob("unsynced-*")), "it never wrote"


def test_without_a_boot_id_sqlite_syncs_and_nothing_is_marked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(unsynced, "boot_id", lambda: None)
    cache = Cache(tmp_path / FOLDER)
    assert cache.put_many("docs", {"k": b"v"})
    assert cache._db is not None and cache._db.execute("PRAGMA synchronous").fetchone() == (1,)
    assert not list((tmp_path / FOLDER).glob("unsynced-*"))
    cache.close()


def _worker_writes(folder: str) -> None:
    worker = Cache(Path(folder), repair=False)
    os._exit(0 if worker.put_many("docs", {"w": b"x"}) else 1)


@pytest.mark.skipif(sys.platform != "linux", reason="forked workers: Linux only")
def test_a_render_workers_writes_are_under_its_build_process_marker(
        tmp_path: Path, boot: list[str]) -> None:
    folder = tmp_path / FOLDER
    Cache(folder).close()
    child = multiprocessing.get_context("fork").Process(target=_worker_writes,
                                                         args=(str(folder),))
    child.start()
    child.join()
    assert child.exitcode == 0
    assert [p.name for p in folder.glob("unsynced-*")] == [f"unsynced-{os.getpid()}"]
    with sqlite3.connect(folder / "cache.sqlite") as db:
        assert db.execute("SELECT value FROM docs WHERE key = 'w'").fetchone() == (b"x",)
    db.close()
