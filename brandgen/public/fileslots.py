"""Whole-site files kept in the cache between builds, one slot per file name (and one for
the related-post lists, brandgen/public/memo.py).

A file here is a pure function of one value that is cheap to make (the sitemap of its
entries), and maybe of whether another file was made (llms.txt lists cv.pdf only when there
is one: its slot holds the version made with it). The slot holds the digest of that value,
with brandgen's code, the bytes it gave and their sha256 (bytes damaged in the file are a
miss). A build whose value is the same takes the bytes; any other
stores its own in the slot, so the cache holds one sitemap (~0.7 MB at 4000 posts), never
one per build.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Collection, Mapping

from brandgen.cache import Cache
from brandgen.public.fingerprint import code_fingerprint

TABLE = "files"
DIGEST = 32


def seal(inputs: bytes, payload: bytes) -> bytes:
    """A slot's bytes: the digest of its inputs (DIGEST bytes), the payload's sha256, the
    payload."""
    return inputs + hashlib.sha256(payload).digest() + payload


def unseal(data: bytes | None, inputs: bytes) -> bytes | None:
    """The payload of a slot made from `inputs` and undamaged, or None."""
    if data is None or data[:DIGEST] != inputs:
        return None
    payload = data[2 * DIGEST:]
    return payload if data[DIGEST:2 * DIGEST] == hashlib.sha256(payload).digest() else None


def _digest(name: str, value: object) -> bytes:
    digest = hashlib.blake2b(code_fingerprint(), digest_size=DIGEST)
    digest.update(name.encode() + b"\0" + pickle.dumps(value, protocol=5))
    return digest.digest()


class FileSlots:
    """`known`: the files whose inputs are as when the cache stored them; `store` keeps
    the others once made."""

    def __init__(self, cache: Cache | None, inputs: Callable[[], Mapping[str, object]],
                 requires: Mapping[str, str] | None = None) -> None:
        """`inputs`: file name -> the value its bytes are a function of (made only when
        there is a cache); `requires`: file name -> the file its slot is made with."""
        self.cache = cache
        self.requires = dict(requires or {})
        self.digests = {name: _digest(name, value) for name, value in inputs().items()} \
            if cache is not None else {}
        found = cache.get_many(TABLE, sorted(self.digests)) if cache is not None else {}
        self.known = {name: payload for name, data in found.items()
                      if (payload := unseal(data, self.digests[name])) is not None}

    def usable(self, made: Collection[str]) -> dict[str, bytes]:
        """The known files whose required file is among `made` too."""
        return {name: data for name, data in self.known.items()
                if self.requires.get(name, name) in made}

    def store(self, files: Mapping[str, bytes]) -> None:
        """Keep those of `files` that have a slot and were made, not taken from it (and
        made with the file their slot requires)."""
        fresh = {name: seal(digest, files[name]) for name, digest in self.digests.items()
                 if name not in self.known and name in files
                 and self.requires.get(name, name) in files}
        if self.cache is not None and fresh:
            self.cache.put_many(TABLE, fresh)
