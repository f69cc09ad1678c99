"""A content-hash cache for generated binary files (social images, resized copies).

Entries live in `.brandgen-cache/<namespace>/` under the project (git-ignored), keyed by a
hash of every input that shapes the bytes. The cache only ever saves time: a missing,
unreadable or corrupt entry is regenerated, and a cache that cannot be written (read-only
checkout) is skipped, so the output is the same with and without it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

CACHE_DIR = ".brandgen-cache"
_IGNORE_ALL = "# Created by brandgen: a cache, safe to delete, never to commit.\n*\n"
_DIGEST = 32  # sha256 of the payload, stored in front of it to detect torn or edited entries


def cache_key(*parts: object) -> str:
    """A stable hex key for JSON-serializable parts (bytes are hashed first)."""
    plain = [hashlib.sha256(p).hexdigest() if isinstance(p, bytes) else p for p in parts]
    return hashlib.sha256(json.dumps(plain, sort_keys=True, ensure_ascii=True).encode()
                          ).hexdigest()


INDEX = "digests.json"  # {key: sha256 hex of its payload}, of the keys the last build used
_HEX = frozenset("0123456789abcdef")


class BlobCache:
    """get/put bytes by key; `folder` None disables caching (every call regenerates)."""

    def __init__(self, folder: Path | None, ignore_file: Path | None = None) -> None:
        self.folder = folder
        self.ignore_file = ignore_file
        self.hits = 0
        self.misses = 0
        self._index: dict[str, str] | None = None  # read on the first `digest`
        self._used: dict[str, str] = {}  # what `save_index` writes

    @classmethod
    def for_project(cls, root: Path, namespace: str) -> BlobCache:
        """The project's cache, which git ignores by itself (as .pytest_cache does), so a
        project whose .gitignore predates the cache gets no untracked folder."""
        return cls(root / CACHE_DIR / namespace, root / CACHE_DIR / ".gitignore")

    def _path(self, key: str) -> Path | None:
        return self.folder / key[:2] / f"{key}.bin" if self.folder else None

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        payload = data[_DIGEST:]
        if len(data) <= _DIGEST or hashlib.sha256(payload).digest() != data[:_DIGEST]:
            return None  # corrupt: ignored, and overwritten by the next put
        if self._index and self._index.get(key, data[:_DIGEST].hex()) != data[:_DIGEST].hex():
            self._drop_index()  # it was wrong about this entry: trust none of it
        return payload

    def _drop_index(self) -> None:
        """Delete the digest index: the next build reads the headers and writes it anew."""
        self._index = {}
        self._used.clear()
        if self.folder is not None:
            with contextlib.suppress(OSError):
                (self.folder / INDEX).unlink()

    def _load_index(self) -> dict[str, str]:
        """The digest index, or {} when missing, unreadable or not an index (then the
        entries' headers are read instead, and the index is written again)."""
        if self._index is None:
            self._index = {}
            if self.folder is None:
                return self._index
            try:
                data = json.loads((self.folder / INDEX).read_bytes())
            except (OSError, ValueError):
                return self._index
            if isinstance(data, dict):
                self._index = {k: v for k, v in data.items() if isinstance(k, str)
                               and isinstance(v, str) and len(v) == 64 and set(v) <= _HEX}
        return self._index

    def digest(self, key: str) -> str | None:
        """The sha256 hex of the payload stored for `key`, from the digest index or the
        entry's header (its payload is not read or checked: `get` checks it when the bytes
        are needed, and a lost entry is made again); None when there is no entry."""
        if self.folder is None:
            return None
        found = self._load_index().get(key)
        if found is None:
            found = self._header(self.folder / key[:2] / f"{key}.bin")
        if found is not None:
            self._used[key] = found
        return found

    def note_used(self, key: str, digest: str) -> None:
        """Record `key` as used by this build with the digest an earlier one found for it
        (a card reused with the assembly it was kept with), as `digest` would."""
        if self.folder is not None:
            self._load_index()
            self._used[key] = digest

    def save_index(self) -> None:
        """Write the index of the keys this build used, when it differs (atomically; a
        cache that cannot be written only costs time)."""
        if self.folder is None or self._used == self._index or not self._used:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(json.dumps(self._used, sort_keys=True, separators=(",", ":")))
                os.replace(tmp, self.folder / INDEX)
            except OSError:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return
        self._index = dict(self._used)

    @staticmethod
    def _header(path: Path) -> str | None:
        try:
            with open(path, "rb") as f:
                if os.fstat(f.fileno()).st_size <= _DIGEST:
                    return None
                head = f.read(_DIGEST)
        except OSError:
            return None
        return head.hex() if len(head) == _DIGEST else None

    def on_disk(self, key: str) -> bool:
        """Whether an entry for `key` is on disk (get still checks that it is intact)."""
        path = self._path(key)
        return path is not None and path.is_file()

    def put(self, key: str, payload: bytes) -> None:
        path = self._path(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if self.ignore_file is not None and not self.ignore_file.exists():
                self.ignore_file.write_text(_IGNORE_ALL, encoding="utf-8")
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                digest = hashlib.sha256(payload).digest()
                with os.fdopen(fd, "wb") as f:
                    f.write(digest + payload)
                os.replace(tmp, path)
            except OSError:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return  # a cache that cannot be written only costs time
        self._used[key] = digest.hex()

    def fetch(self, key: str, make: Callable[[], bytes]) -> bytes:
        """The cached bytes for `key`, or make(), store and return them."""
        found = self.get(key)
        if found is not None:
            self.hits += 1
            return found
        self.misses += 1
        payload = make()
        self.put(key, payload)
        return payload
