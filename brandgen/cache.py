"""A content-addressed cache outside site/, in one SQLite file under `.brandgen-cache/`.

The cache never changes what is built: an entry is only a faster way to get the same bytes.
SQLite gives atomic transactions and locking, so two builds at once neither corrupt it nor
see half an entry. A damaged, truncated or foreign file is moved aside and a fresh one made;
if even that fails, the build runs without a cache.

Writes are not synced to disk; `brandgen/unsynced.py` says how an OS crash can never make
a build read what it may have damaged.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from brandgen import unsynced

FOLDER = ".brandgen-cache"
SCHEMA = 1  # PRAGMA user_version of a cache this brandgen can read
# page_digests: the sha256 hex of each rendered page by its key (the bytes are the file the
# build wrote: brandgen/public/pagecache.py). files: one slot per whole-site file name (the
# digest of its inputs, then its bytes), replaced, never piled up; templates: one slot per
# template file (compiled code; what page keys read of it), the same.
TABLES = ("docs", "links", "posts", "page_digests", "code", "files", "templates")
# Tables of earlier versions, dropped when found: the pages table held ~40 MB at 4000
# posts, whose space the file then reuses for other entries (it does not shrink).
RETIRED = frozenset({"pages"})
_CHUNK = 500  # keys per query, below SQLite's host-parameter limit
BUSY = frozenset({5, 6})  # SQLITE_BUSY, SQLITE_LOCKED
TIMEOUT = 30.0  # seconds to wait for another build's write lock
# A table is pruned to one build's entries once it holds this many times as many (and at
# least PRUNE_FLOOR): old pages do not pile up forever (a template edit adds a whole site's
# worth), and the pages of the last few builds (another branch's) are kept until then.
KEEP_FACTOR = 4
PRUNE_FLOOR = 2000


class Cache:
    """Key -> bytes, per table. Every method swallows database errors: a miss, not a crash."""

    def __init__(self, folder: Path, repair: bool = True) -> None:
        """`repair=False` (a render worker's own connection): a damaged file is left for
        the build's main connection to deal with, never moved aside under it."""
        self.path = folder / "cache.sqlite"
        self.repair = repair
        self._db: sqlite3.Connection | None = None
        self._marker: Path | None = None  # once on disk, this connection writes unsynced
        boot = unsynced.boot_id()
        if repair and boot is not None:
            settled = unsynced.settle(folder, boot)
            if settled.lost:  # written before the machine went down: maybe never on disk
                self._set_aside()
            unsynced.remove(settled.done)  # only after the file they cover is set aside
        try:
            self._db = self._open()
        except (sqlite3.Error, OSError):
            if not repair:
                return
            self._set_aside()
            try:
                self._db = self._open()
            except (sqlite3.Error, OSError):
                self._db = None

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        gitignore = self.path.parent / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("# brandgen's build cache: safe to delete\n*\n",
                                 encoding="utf-8")
        db = sqlite3.connect(self.path, timeout=TIMEOUT, isolation_level=None)
        try:
            # 32 KiB pages for a new file (an existing one keeps its size): a rendered
            # document or a parsed post fits one or two instead of three or four overflow
            # pages, which made storing and reading them ~30% faster.
            db.execute("PRAGMA page_size=32768")
            db.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL never corrupts the file; OFF (no fsync at all) only once
            # this connection's marker is on disk (`_mark`).
            db.execute("PRAGMA synchronous=NORMAL")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA):
                raise sqlite3.DatabaseError(f"cache schema {version}, expected {SCHEMA}")
            have = {name for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if version != SCHEMA or not have.issuperset(TABLES) or have & RETIRED:
                for table in TABLES:  # else: no write on open
                    db.execute(f"CREATE TABLE IF NOT EXISTS {table} "
                               "(key TEXT PRIMARY KEY, value BLOB NOT NULL)")
                for table in sorted(have & RETIRED):
                    db.execute(f"DROP TABLE {table}")
                db.execute(f"PRAGMA user_version={SCHEMA}")
            # No PRAGMA quick_check: it reads the whole file (70 ms at 80 MB, every build).
            # Damage shows as an error when a query meets it, and is handled there.
        except BaseException:
            db.close()
            raise
        return db

    def _set_aside(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.replace(f"{self.path}{suffix}", f"{self.path}{suffix}.broken")

    @property
    def usable(self) -> bool:
        return self._db is not None

    def get_many(self, table: str, keys: Iterable[str]) -> dict[str, bytes]:
        return {key: value for part in self.get_parts(table, keys) for key, value in part.items()}

    def get_parts(self, table: str, keys: Iterable[str]) -> Iterator[dict[str, bytes]]:
        """get_many, a few hundred entries at a time: a caller that decodes each part
        before asking for the next never holds every entry's bytes at once (4000 cached
        documents are ~20 MB). A failed read ends it: the parts read before it stand,
        every key after it is a miss (so get_many, too, returns what it read)."""
        if self._db is None:
            return
        wanted = list(keys)
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i:i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            try:
                rows = self._db.execute(
                    f"SELECT key, value FROM {table} WHERE key IN ({marks})", chunk).fetchall()
            except sqlite3.Error as e:
                self._failed(e)
                return
            yield {k: v for k, v in rows if isinstance(v, bytes)}

    def has_rows(self, table: str) -> bool:
        """Whether `table` holds any entry (False when it cannot be read)."""
        if self._db is None:
            return False
        try:
            return self._db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None
        except sqlite3.Error as e:
            self._failed(e)
            return False

    def put_many(self, table: str, items: Mapping[str, bytes]) -> bool:
        return self.put_tables({table: items})

    def put_tables(self, tables: Mapping[str, Mapping[str, bytes]]) -> bool:
        """Entries of several tables in one transaction: all of them or none are stored
        (False: none)."""
        if self._db is None:
            return False
        if not any(tables.values()):
            return True
        self._mark()
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                for table, items in tables.items():
                    self._db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)",
                                         sorted(items.items()))
        except sqlite3.Error as e:
            self._failed(e)
            return False
        finally:
            self._wrote()
        return True

    def prune(self, tables: Sequence[str], keep: Iterable[str]) -> int:
        """Remove the entries of `tables` whose key is not in `keep` (what this build
        uses), when the first table holds KEEP_FACTOR times as many; the number removed.
        The file does not shrink: SQLite reuses the freed pages for later entries."""
        if self._db is None:
            return 0
        wanted = set(keep)
        try:
            count = self._db.execute(f"SELECT COUNT(*) FROM {tables[0]}").fetchone()[0]
            if count <= max(PRUNE_FLOOR, KEEP_FACTOR * len(wanted)):
                return 0  # most builds: no sort, no transaction
            removed = 0
            self._mark()
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute("CREATE TEMP TABLE IF NOT EXISTS kept (key TEXT PRIMARY KEY)")
                self._db.execute("DELETE FROM temp.kept")
                self._db.executemany("INSERT INTO temp.kept VALUES (?)",
                                     ((k,) for k in sorted(wanted)))
                for table in tables:
                    removed += self._db.execute(
                        f"DELETE FROM {table} WHERE key NOT IN (SELECT key FROM temp.kept)"
                    ).rowcount
                self._db.execute("DELETE FROM temp.kept")
        except sqlite3.Error as e:
            self._failed(e)
            return 0
        finally:
            self._wrote()
        return removed

    def _mark(self) -> None:
        """Before this connection's first write: its marker on disk, then no more syncs. A
        render worker's writes are its build process's: that one's marker covers them."""
        boot = unsynced.boot_id()
        if self._marker is not None or boot is None or self._db is None:
            return
        pid = os.getpid() if self.repair else os.getppid()
        marker = self.path.parent / f"{unsynced.PREFIX}{pid}"
        try:
            if self.repair or not marker.is_file():
                marker = unsynced.mark(self.path.parent, pid, boot)
            self._db.execute("PRAGMA synchronous=OFF")
        except (OSError, sqlite3.Error):
            return  # no marker: this connection keeps syncing
        self._marker = marker

    def _wrote(self) -> None:
        if self._marker is not None:
            unsynced.touch(self._marker)

    def _failed(self, error: sqlite3.Error) -> None:
        """A busy database (another build holding the lock past the timeout) is a miss;
        anything else is damage."""
        if getattr(error, "sqlite_errorcode", None) in BUSY or not self.repair:
            return
        self._broken()

    def _broken(self) -> None:
        """Damage found mid-build: the file is set aside and a fresh one started, so what
        the rest of the build stores is kept (if even that fails: no cache)."""
        self.close()
        self._set_aside()
        try:
            self._db = self._open()
        except (sqlite3.Error, OSError):
            self._db = None

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
        self._wrote()  # closing may checkpoint the WAL into the file: a write too


_OWN: dict[tuple[int, Path], Cache] = {}


def worker_cache(folder: Path) -> Cache:
    """A worker process's own connection to the cache in `folder` (a connection must not
    cross a fork), opened once per process; damage is left to the build's connection."""
    key = (os.getpid(), folder)
    if key not in _OWN:
        _OWN[key] = Cache(folder, repair=False)
    return _OWN[key]


def open_cache(root: Path, enabled: bool = True) -> Cache | None:
    return Cache(root / FOLDER) if enabled else None


def clean_cache(root: Path) -> bool:
    """Remove the cache folder; True when there was one."""
    folder = root / FOLDER
    if not folder.exists():
        return False
    shutil.rmtree(folder)
    return True
