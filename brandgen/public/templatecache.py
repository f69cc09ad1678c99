"""Templates kept in the cache between builds: Jinja's compiled code and what the page keys
read from each template's syntax tree.

A fresh process otherwise compiles every template it renders (~200 ms for the default
theme's 36) and parses all of them again for the page keys (~80 ms), on every build. Each
template file has one slot (keyed by its name and path): the slot holds brandgen's code
fingerprint and the digest of the source it was made from, so an edited template or a new
brandgen misses and replaces its slot, and old versions never pile up. Damaged bytes (their
sha256 does not match) are a miss, never a crash.
"""

from __future__ import annotations

import hashlib
import os
import sys

import jinja2
from jinja2.bccache import Bucket

from brandgen.cache import Cache
from brandgen.public.fingerprint import code_fingerprint

TABLE = "templates"
_DIGEST = 32


def _salt() -> bytes:
    """What besides a template's source shapes its compiled code: brandgen (which makes
    the environment: its options, filters and sandbox), Jinja, and the bytecode format."""
    return hashlib.blake2b(code_fingerprint() + sys.implementation.cache_tag.encode(),
                           digest_size=_DIGEST).digest()


def _short(source: bytes) -> bytes:
    return hashlib.blake2b(source, digest_size=_DIGEST).digest()


def _seal(salt: bytes, source_digest: bytes, payload: bytes) -> bytes:
    return hashlib.sha256(payload).digest() + salt + source_digest + payload


def _unseal(data: bytes | None, salt: bytes, source_digest: bytes) -> bytes | None:
    """The payload of a slot made by this brandgen from this source, or None."""
    if data is None:
        return None
    head = 3 * _DIGEST
    payload = data[head:]
    if data[_DIGEST:head] != salt + source_digest \
            or data[:_DIGEST] != hashlib.sha256(payload).digest():
        return None
    return payload


class TemplateSlots:
    """The slots of one build's templates, read and written through the build's cache
    connection, in the process that opened it only (a forked render worker compiles what
    it needs itself: a connection must not cross a fork)."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self.pid = os.getpid()
        self.salt = _salt()

    def get(self, kind: str, slot: str, source: bytes) -> bytes | None:
        """The payload stored for `slot` from `source` (a digest of the template's
        source), or None."""
        if os.getpid() != self.pid:
            return None
        key = f"{kind}:{slot}"
        return _unseal(self.cache.get_many(TABLE, [key]).get(key), self.salt, _short(source))

    def put(self, kind: str, slot: str, source: bytes, payload: bytes) -> None:
        if os.getpid() == self.pid:
            self.cache.put_many(TABLE, {f"{kind}:{slot}": _seal(self.salt, _short(source),
                                                                payload)})


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's bytecode cache on the template slots (Jinja checks the source checksum in
    the bucket too, and its own magic: the Python version)."""

    def __init__(self, slots: TemplateSlots) -> None:
        self.slots = slots

    def load_bytecode(self, bucket: Bucket) -> None:
        payload = self.slots.get("code", bucket.key, bucket.checksum.encode())
        if payload is not None:
            bucket.bytecode_from_string(payload)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.slots.put("code", bucket.key, bucket.checksum.encode(),
                       bucket.bytecode_to_string())


def compiled_templates(env: jinja2.Environment, cache: Cache | None) -> None:
    """Let `env` load compiled templates from the cache (and keep those it compiles)."""
    if cache is not None:
        env.bytecode_cache = CompiledTemplates(TemplateSlots(cache))

