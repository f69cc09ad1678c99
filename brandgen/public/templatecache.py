"""Templates: what page keys read from each one's syntax tree (`TemplateDeps`), and, kept in
the cache between builds, Jinja's compiled code and those dependencies.

A fresh process otherwise compiles every template it renders (~200 ms for the default
theme's 36) and parses all of them again for the page keys (~80 ms), on every build. Each
template file has one slot (keyed by its name and path), sealed as the whole-site files'
slots are (`fileslots.seal`) with the digest of brandgen's code and of the source it was
made from, so an edited template or a new brandgen misses and replaces its slot, and old
versions never pile up. Damaged bytes (their sha256 does not match) are a miss, never a
crash.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Iterator

import jinja2
from jinja2 import meta, nodes
from jinja2.bccache import Bucket

from brandgen.cache import Cache
from brandgen.public.fileslots import DIGEST, seal, unseal
from brandgen.public.fingerprint import code_fingerprint

TABLE = "templates"
TRACKED = "site"  # the one context value too big to hash whole for every page
Chain = tuple[str, ...]


def _salt() -> bytes:
    """What besides a template's source shapes its compiled code: brandgen (which makes
    the environment: its options, filters and sandbox), Jinja, and the bytecode format."""
    return hashlib.blake2b(code_fingerprint() + sys.implementation.cache_tag.encode(),
                           digest_size=DIGEST).digest()


class TemplateSlots:
    """The slots of one build's templates, read and written through the build's cache
    connection, in the process that opened it only (a forked render worker compiles what
    it needs itself: a connection must not cross a fork). What is put is stored by
    `flush`, all in one transaction."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self.pid = os.getpid()
        self.salt = _salt()
        self.pending: dict[str, bytes] = {}

    def get(self, kind: str, slot: str, source: bytes) -> bytes | None:
        """The payload stored for `slot` from `source` (a digest of the template's
        source), or None."""
        if os.getpid() != self.pid:
            return None
        key = f"{kind}:{slot}"
        return unseal(self.cache.get_many(TABLE, [key]).get(key), self._inputs(source))

    def put(self, kind: str, slot: str, source: bytes, payload: bytes) -> None:
        """Keep `payload` as made from `source` in `slot` (replacing what it held)."""
        if os.getpid() == self.pid:
            self.pending[f"{kind}:{slot}"] = seal(self._inputs(source), payload)

    def _inputs(self, source: bytes) -> bytes:
        """The digest of what a slot's payload is made from: brandgen and the source."""
        return hashlib.blake2b(self.salt + source, digest_size=DIGEST).digest()

    def flush(self) -> None:
        if self.pending and os.getpid() == self.pid:
            self.cache.put_many(TABLE, self.pending)
            self.pending = {}


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


def use_compiled_templates(env: jinja2.Environment, cache: Cache | None) -> None:
    """Let `env` load compiled templates from the cache (and keep those it compiles, once
    `keep_templates` is called)."""
    if cache is not None:
        env.bytecode_cache = CompiledTemplates(TemplateSlots(cache))


def keep_templates(env: jinja2.Environment, deps: TemplateDeps | None) -> None:
    """Store what this build compiled and parsed of its templates."""
    if isinstance(env.bytecode_cache, CompiledTemplates):
        env.bytecode_cache.slots.flush()
    if deps is not None and deps.slots is not None:
        deps.slots.flush()


def site_chains(node: nodes.Node) -> Iterator[Chain]:
    """Every attribute chain read from `site` under `node`; () is a use of all of it."""
    chain: list[str] = []
    inner = node
    while isinstance(inner, (nodes.Getattr, nodes.Getitem)):
        if isinstance(inner, nodes.Getattr):
            chain.append(inner.attr)
        elif isinstance(inner.arg, nodes.Const) and isinstance(inner.arg.value, str):
            chain.append(inner.arg.value)
        else:
            break  # site[expr]: the expression is walked below, the chain stops here
        inner = inner.node
    if isinstance(inner, nodes.Name) and inner.name == TRACKED:
        yield tuple(reversed(chain))
        return
    for child in node.iter_child_nodes():
        yield from site_chains(child)


class TemplateDeps:
    """Per template name: the digest of its sources and the `site` chains it reads."""

    def __init__(self, env: jinja2.Environment, slots: TemplateSlots | None = None) -> None:
        """`slots`: where earlier builds kept each template's dependencies."""
        self.env = env
        self.slots = slots
        self._parsed: dict[str, tuple[bytes, frozenset[str | None], frozenset[Chain]]] = {}
        self._closure: dict[str, tuple[bytes, frozenset[Chain]]] = {}
        self._uses: dict[str, frozenset[str]] = {}  # name -> the templates of its closure
        self._fresh: set[str] = set()  # parsed here: no slot held them from their source

    def _parse(self, name: str) -> tuple[bytes, frozenset[str | None], frozenset[Chain]]:
        if name not in self._parsed:
            assert self.env.loader is not None
            source, filename, _ = self.env.loader.get_source(self.env, name)
            digest = hashlib.blake2b(source.encode()).digest()
            slot = f"{name}\0{filename}"
            known = self.slots.get("deps", slot, digest) if self.slots else None
            deps = _loads_deps(known) if known is not None else None
            if deps is None:
                self._fresh.add(name)
                tree = self.env.parse(source)
                deps = (frozenset(meta.find_referenced_templates(tree)),
                        frozenset(site_chains(tree)))
                if self.slots:
                    self.slots.put("deps", slot, digest, pickle.dumps(deps, protocol=5))
            self._parsed[name] = (digest, *deps)
        return self._parsed[name]

    def parsed(self) -> list[str]:
        """The templates read so far (every one some output's template uses)."""
        return sorted(self._parsed)

    def of(self, name: str) -> tuple[bytes, frozenset[Chain]]:
        """Raises what Jinja raises for a missing or broken template (then: no caching)."""
        if name not in self._closure:
            seen: dict[str, None] = {}
            todo: list[str] = [name]
            while todo:
                current = todo.pop()
                if current in seen:
                    continue
                seen[current] = None
                refs = self._parse(current)[1]
                if None in refs:  # {% include var %}: any template may be used
                    todo.extend(self.env.list_templates())
                todo.extend(r for r in refs if r is not None)
            digest = hashlib.blake2b(digest_size=32)
            chains: set[Chain] = set()
            for current in sorted(seen):
                source_digest, _, used = self._parse(current)
                digest.update(current.encode() + b"\0" + source_digest)
                chains |= used
            self._closure[name] = (digest.digest(), frozenset(chains))
            self._uses[name] = frozenset(seen)
        return self._closure[name]

    def edited(self, name: str) -> bool:
        """Whether template `name`, or one it uses, is new or edited since a build kept its
        slot (True without slots, or when it cannot be read)."""
        if self.slots is None:
            return True
        try:
            self.of(name)
        except Exception:
            return True
        return bool(self._uses[name] & self._fresh)


def _loads_deps(data: bytes) -> tuple[frozenset[str | None], frozenset[Chain]] | None:
    """A template's (referenced templates, site chains) as stored by _parse, or None."""
    try:
        refs, chains = pickle.loads(data)  # ours, sealed with its sha256
    except Exception:
        return None
    if type(refs) is frozenset and type(chains) is frozenset \
            and all(r is None or type(r) is str for r in refs) \
            and all(type(c) is tuple and all(type(p) is str for p in c) for c in chains):
        return refs, chains
    return None
