"""Rendered pages from the cache: a page is rendered by Jinja again only when an input of it
changed, so one edited post re-renders its own page and the pages that show it, no more.

A page's key is a hash of everything its bytes can depend on:

- brandgen's code and version and the Jinja, MarkupSafe and Pygments versions;
- the source of its template and of every template that one extends, includes or imports
  (found in the template's syntax tree; a name computed at render time means all of them);
- the site-wide values every page gets (settings, profile, menu, brand colour, images);
- the parts of `site` the template reads: its syntax tree names them as attribute chains
  (`site.content.roles`, `site.title`); any other use of `site` means all of `site`;
- the page's own context and head data, pickled.

Pickling is exact (different values give different bytes); where the same value can pickle
two ways (a set's order) the cost is a miss, never a stale page. A value that cannot be
pickled makes the page uncacheable: it is rendered every time.
"""

from __future__ import annotations

import bisect
import hashlib
import io
import pickle
from collections.abc import (
    Callable,
    Iterable,
    Iterator,
    Mapping,
    MutableMapping,
    Sequence,
)
from typing import Any

import jinja2

from brandgen.cache import Cache, worker_cache
from brandgen.public.fingerprint import code_fingerprint
from brandgen.public.templatecache import TRACKED, Chain, TemplateDeps, TemplateSlots
from brandgen.public.views import Output, PageView, PostView, ProjectView, TagLink

_VIEWS = (PostView, ProjectView, PageView, TagLink)


def _read(value: object, chain: Chain) -> object:
    for part in chain:
        try:
            value = getattr(value, part)
        except AttributeError:
            try:
                value = value[part]  # type: ignore[index]
            except (TypeError, LookupError):
                return ("missing", chain)
    return value


def _view_ref(digest: bytes) -> None:
    """What a view stands for in a key's pickle (never called: keys are not unpickled)."""


_Reduced = tuple[Callable[[bytes], None], tuple[bytes]]


class _KeyPickler(pickle.Pickler):
    """Pickles a page's values with each view (a post shows in 30 lists) replaced by the
    digest of its own pickle, made once per build. Builtin containers and strings take
    pickle's C paths; only other objects come here, and the stand-in's reference to
    `_view_ref` sets it apart from any value a template sees. (A dispatch table for the
    view types alone, which spares the call for every other object, measured 10% slower.)"""

    def __init__(self, file: io.BytesIO, memo: dict[int, tuple[object, _Reduced]]) -> None:
        super().__init__(file, protocol=5)
        self.views = memo  # id -> (view, its stand-in): the view is kept alive, so its id
        # stays its own and a hit needs no type check

    def reducer_override(self, obj: object) -> Any:
        found = self.views.get(id(obj))
        if found is not None:
            return found[1]
        if isinstance(obj, _VIEWS):
            digest = hashlib.sha256(pickle.dumps(obj, protocol=5)).digest()  # SHA-NI: 2x blake2b
            self.views[id(obj)] = (obj, (_view_ref, (digest,)))
            return _view_ref, (digest,)
        return NotImplemented


class PageKeys:
    """Cache keys of pages for one build: `key(out, extra)` or None (not cacheable)."""

    def __init__(self, env: jinja2.Environment, site_value: object,
                 common: Mapping[str, object], salt: Iterable[object],
                 slots: TemplateSlots | None = None) -> None:
        self.deps = TemplateDeps(env, slots)
        self.site_value = site_value
        self._views: dict[int, tuple[object, _Reduced]] = {}
        self._site_parts: dict[frozenset[Chain], bytes | None] = {}
        plain = {k: v for k, v in sorted(common.items()) if k != TRACKED and not callable(v)}
        shared = self._dumps((plain, tuple(salt)))
        self.usable = shared is not None
        self.base = hashlib.blake2b(code_fingerprint(), digest_size=32)
        self.base.update(shared or b"")

    def _dumps(self, value: object) -> bytes | None:
        try:
            buffer = io.BytesIO()
            _KeyPickler(buffer, self._views).dump(value)
            return buffer.getvalue()
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
            return None

    def _site_digest(self, chains: frozenset[Chain]) -> bytes | None:
        if chains not in self._site_parts:
            wanted = [()] if () in chains else sorted(chains)
            data = self._dumps([(c, _read(self.site_value, c)) for c in wanted])
            self._site_parts[chains] = hashlib.blake2b(data).digest() if data else None
        return self._site_parts[chains]

    def key(self, out: Output, extra: object) -> str | None:
        if not self.usable:
            return None
        try:
            template_digest, chains = self.deps.of(out.template)
        except Exception:  # a missing or broken template: rendering reports it
            return None
        site_digest = self._site_digest(chains)
        own = self._dumps((out.template, out.context, extra))
        if site_digest is None or own is None:
            return None
        digest = self.base.copy()
        digest.update(template_digest + site_digest)
        digest.update(own)
        return digest.hexdigest()


Fact = tuple[str, tuple[str, ...]]  # a rendered page's sha256 hex and internal links


class CachedPages:
    """One build's use of the page cache: `misses` says what to render, `complete` merges
    the rendered pages with the cached ones (in the outputs' order) and stores the new.

    A cached page is known by its digest (stored with it) and read only when asked: a
    one-post rebuild hard-links ~5,000 unchanged pages without reading their 40 MB."""

    def __init__(self, keys: PageKeys | None, cache: Cache | None,
                 file_of: Callable[[Output], str], meta: Callable[[Output], object],
                 render: Callable[[Sequence[Output]], Mapping[str, bytes]]) -> None:
        self.keys = keys if cache is not None else None
        self.cache = cache
        self.file_of, self.meta, self.render = file_of, meta, render
        self._order: list[tuple[str, str | None]] = []  # (file, key) of every output
        self._digests: dict[str, str] = {}  # key -> sha256 hex of a cached page
        self._key_of: dict[str, str | None] = {}  # file -> key, in a render worker
        self._outputs: dict[str, Output] = {}  # file -> output, to render a vanished entry

    def misses(self, outputs: Sequence[Output]) -> list[Output]:
        keys = self.keys
        self._order = [(self.file_of(out), keys.key(out, self.meta(out)) if keys else None)
                       for out in outputs]
        if self.cache is None or keys is None:
            return list(outputs)
        wanted = sorted({key for _, key in self._order if key is not None})
        self._digests = {key: value.decode("ascii", "replace") for key, value
                         in self.cache.get_many("page_digests", wanted).items()}
        self._outputs = dict(zip((name for name, _ in self._order), outputs, strict=True))
        return [out for out, (_, key) in zip(outputs, self._order, strict=True)
                if key is None or key not in self._digests]

    def store_forked(self, rendered: Mapping[str, bytes], facts: Mapping[str, Fact]
                     ) -> frozenset[str]:
        """In a forked render worker: store its pages through a connection of its own (one
        must not cross a fork), so the parent need not; the names stored (not a page
        without a key, nor any when the cache refused them)."""
        if self.cache is None or self.keys is None:
            return frozenset()
        if not self._key_of:
            self._key_of = dict(self._order)
        stored = [(key, name) for name in sorted(rendered)
                  if (key := self._key_of.get(name)) is not None]
        if not stored or not worker_cache(self.cache.path.parent).put_tables({
                "pages": {key: rendered[name] for key, name in stored},
                "page_digests": {key: facts[name][0].encode() for key, name in stored}}):
            return frozenset()
        return frozenset(name for _, name in stored)

    def complete(self, rendered: Mapping[str, bytes],
                 facts: Mapping[str, Fact] | None = None,
                 stored: frozenset[str] = frozenset(), whole_site: bool = False) -> PageFiles:
        """`facts`: (sha256 hex, internal links) of rendered pages, when known already;
        `stored`: the rendered pages already in the cache (a worker stored them; those
        not in `rendered` are read back when asked for);
        `whole_site`: the outputs are every page of a build without errors, so what none
        of them uses may be pruned (brandgen/cache.py) — never after a failed build, whose
        broken template leaves its pages without keys."""
        files = PageFiles(self)
        facts = facts or {}
        fresh: dict[str, bytes] = {}
        digests: dict[str, bytes] = {}
        for name, key in self._order:
            if name in stored and name not in rendered and key is not None:
                digest, links = facts[name]
                files.add_cached(name, key, digest)
                files.links[digest] = links
            elif name in rendered:
                files[name] = rendered[name]
                if name in facts:
                    files.add_facts(name, *facts[name])
                if key is not None and name not in stored:
                    fresh[key] = rendered[name]
                    digests[key] = (files.digest(name) or hashlib.sha256(
                        rendered[name]).hexdigest()).encode()
            elif key is not None and key in self._digests:
                files.add_cached(name, key, self._digests[key])
        if self.cache is not None and fresh:
            self.cache.put_tables({"pages": fresh, "page_digests": digests})
        keys = [key for _, key in self._order if key is not None]
        if whole_site and self.cache is not None and keys and len(keys) == len(self._order):
            self.cache.prune(("page_digests", "pages"), keys)
        return files

    def fetch(self, cached: Mapping[str, tuple[str, str]]) -> dict[str, bytes]:
        """Cached pages (name -> (key, digest)) by name; a page whose entry has gone or
        changed since its digest was read is rendered again: the same bytes, as the key
        covers every input of the page."""
        names = sorted(cached)
        found = self.cache.get_many("pages", [cached[n][0] for n in names]) \
            if self.cache is not None else {}
        files: dict[str, bytes] = {}
        for name in names:
            key, digest = cached[name]
            data = found.get(key)
            if data is not None and hashlib.sha256(data).hexdigest() == digest:
                files[name] = data
        missing = [self._outputs[n] for n in names if n not in files]
        if missing:
            files.update(self.render(missing))
        return files


class PageFiles(MutableMapping[str, bytes]):
    """The rendered files by name; a cached page is read from the cache when asked for
    (with the cached pages after it, in name order: readers go in sorted order), and only
    the last such batch is kept in memory."""

    BATCH = 256

    def __init__(self, pages: CachedPages) -> None:
        self._pages = pages
        self._held: dict[str, bytes] = {}
        self._cached: dict[str, tuple[str, str]] = {}  # name -> (key, digest), in the cache
        self._batch: dict[str, bytes] = {}  # the cached pages read last
        self._sorted: list[str] | None = None
        self._known: dict[str, str] = {}  # name -> sha256 hex of a held page, if known
        self.links: dict[str, tuple[str, ...]] = {}  # sha256 hex -> a page's internal links

    def add_facts(self, name: str, digest: str, links: tuple[str, ...]) -> None:
        """What a render worker found of held page `name`: its digest and links."""
        self._known[name] = digest
        self.links[digest] = links

    def add_cached(self, name: str, key: str, digest: str) -> None:
        self._cached[name] = (key, digest)
        self._held.pop(name, None)
        self._batch.pop(name, None)
        self._sorted = None

    def digest(self, name: str) -> str | None:
        """The sha256 hex of page `name` when known without hashing it (None: hash it)."""
        entry = self._cached.get(name)
        return entry[1] if entry else self._known.get(name)

    def __getitem__(self, name: str) -> bytes:
        if name in self._held or name not in self._cached:
            return self._held[name]
        found = self._batch.get(name)
        if found is None:  # only the last batch is kept: readers go through once or twice
            if self._sorted is None:
                self._sorted = sorted(self._cached)
            at = bisect.bisect_left(self._sorted, name)
            self._batch = self._pages.fetch({n: self._cached[n]
                                             for n in self._sorted[at:at + self.BATCH]})
            found = self._batch[name]
        return found

    def __setitem__(self, name: str, data: bytes) -> None:
        self._held[name] = data
        self._known.pop(name, None)
        self._batch.pop(name, None)
        if self._cached.pop(name, None) is not None:
            self._sorted = None

    def __delitem__(self, name: str) -> None:
        self._known.pop(name, None)
        self._batch.pop(name, None)
        if self._held.pop(name, None) is None:
            del self._cached[name]
            self._sorted = None

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._held.keys() | self._cached.keys()))

    def __len__(self) -> int:
        return len(self._held.keys() | self._cached.keys())

    def __contains__(self, name: object) -> bool:
        return name in self._held or name in self._cached

    def __reduce__(self) -> tuple[type[dict[str, bytes]], tuple[dict[str, bytes]]]:
        """Pickles as the plain dict of every file (the cache does not travel)."""
        return dict, (dict(self.items()),)
