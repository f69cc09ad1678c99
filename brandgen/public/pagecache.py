"""The page cache: a page is rendered by Jinja again only when an input of it changed, so
one edited post re-renders its own page and the pages that show it, no more. The cache
holds each page's key (brandgen/public/pagekeys.py: a hash of everything its bytes can
depend on) and digest; its bytes are the file the last build wrote.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from pathlib import Path

from brandgen.cache import Cache
from brandgen.public.pagekeys import PageKeys
from brandgen.public.spill import Span, Spill
from brandgen.public.views import Output

Fact = tuple[str, tuple[str, ...]]  # a rendered page's sha256 hex and internal links
# The output folder holding the last build's pages, and its files' digests when known.
LiveTree = tuple[Path, Mapping[str, str] | None]


class CachedPages:
    """One build's use of the page cache: `miss_positions` says what to render, `complete`
    merges the rendered pages with the cached ones (in the outputs' order) and stores the
    new pages' digests.

    The cache holds each page's digest, not its bytes: a page whose key hits is the file
    the last build left in the output folder (`live`: that folder, and its files' digests
    when known), which the writer hard-links without reading. A hit whose file is not there
    with that digest is rendered again, so a build into an empty folder renders every page
    in parallel, and a file changed by hand is never copied: each read is verified."""

    def __init__(self, keys: PageKeys | None, cache: Cache | None,
                 file_of: Callable[[Output], str], meta: Callable[[Output], object],
                 render: Callable[[Sequence[Output]], Mapping[str, bytes]],
                 live: LiveTree | None = None) -> None:
        self.keys = keys if cache is not None else None
        self.cache = cache
        self.file_of, self.meta, self.render = file_of, meta, render
        self.live: Path | None = live[0] if live else None
        self.live_digests: Mapping[str, str] | None = live[1] if live else None
        self._order: list[tuple[str, str | None]] = []  # (file, key) of every output
        self._digests: dict[str, str] = {}  # key -> sha256 hex of a cached page
        self._outputs: dict[str, Output] = {}  # file -> output, to render a page again

    def miss_positions(self, outputs: Sequence[Output]) -> list[int]:
        """The positions in `outputs` of the pages to render (the keys made here)."""
        keys = self.keys
        self._order = [(self.file_of(out), keys.key(out, self.meta) if keys else None)
                       for out in outputs]
        self._outputs = dict(zip((name for name, _ in self._order), outputs, strict=True))
        # A hit is a page the output folder holds (by its manifest, when known): with the
        # folder gone, every page renders with the misses, in parallel, not one by one.
        if self.cache is None or keys is None or self.live is None \
                or not os.path.isdir(self.live):
            return list(range(len(outputs)))
        wanted = sorted({key for _, key in self._order if key is not None})
        self._digests = {key: value.decode("ascii", "replace") for key, value
                         in self.cache.get_many("page_digests", wanted).items()}
        live = self.live_digests
        return [i for i, (name, key) in enumerate(self._order)
                if key is None or key not in self._digests
                or (live is not None and live.get(name) != self._digests[key])]

    def certain_misses(self, outputs: Sequence[Output]) -> list[int]:
        """Positions of the pages no cached page can match, known before any key is made:
        every page on a cache that holds none, else the pages whose template, or one it
        uses, is new or was edited since a build last stored it. (Rendering a page that
        would have been a hit only costs time: its bytes are the cached page's.)"""
        if self.keys is None or self.cache is None:
            return []
        if self.holds_no_page():
            return list(range(len(outputs)))
        deps = self.keys.deps  # (edited() reads each template and those it uses)
        edited = {name for name in {out.template for out in outputs} if deps.edited(name)}
        return [i for i, out in enumerate(outputs) if out.template in edited]

    def holds_no_page(self) -> bool:
        """Whether no page can be a hit: there are keys, and no page digest in the cache."""
        return self.keys is not None and self.cache is not None \
            and not self.cache.has_rows("page_digests")

    def read_templates(self, outputs: Sequence[Output]) -> None:
        """Find each template of `outputs` and those it uses (what keys look up first),
        so they can be loaded before render workers fork: a worker must never read the
        cache through this process's connection, and the keys come only later."""
        if self.keys is None:
            return
        for name in sorted({out.template for out in outputs}):
            try:
                self.keys.deps.of(name)
            except Exception:  # a missing or broken template: rendering reports it
                continue

    def complete(self, rendered: Mapping[str, bytes],
                 facts: Mapping[str, Fact] | None = None,
                 spilled: Mapping[str, Span] | None = None, spill: Spill | None = None,
                 whole_site: bool = False) -> PageFiles:
        """`facts`: (sha256 hex, internal links) of rendered pages, when known already;
        `spilled`: where in `spill` each page a worker rendered lies (read when asked for);
        `whole_site`: the outputs are every page of a build without errors, so what none
        of them uses may be pruned (brandgen/cache.py) — never after a failed build, whose
        broken template leaves its pages without keys."""
        files = PageFiles(self, spill)
        facts = facts or {}
        spilled = spilled or {}
        fresh: dict[str, bytes] = {}
        for name, key in self._order:
            if name in spilled:
                files.add_spilled(name, spilled[name], *facts[name])
            elif name in rendered:
                files[name] = rendered[name]
                if name in facts:
                    files.add_facts(name, *facts[name])
            elif key is not None and key in self._digests:
                files.add_cached(name, self._digests[key])
                continue
            else:
                continue
            if key is not None:
                fresh[key] = (files.digest(name) or hashlib.sha256(
                    rendered[name]).hexdigest()).encode()
        if self.cache is not None and fresh:
            self.cache.put_tables({"page_digests": fresh})
        keys = [key for _, key in self._order if key is not None]
        if whole_site and self.cache is not None and keys and len(keys) == len(self._order):
            self.cache.prune(("page_digests",), keys)
        return files

    def fetch(self, name: str, digest: str) -> tuple[bytes, bool]:
        """A cached page's bytes: the output folder's file when it still holds exactly
        them, else the page rendered again (the same bytes, as the key covers every input
        of the page); True when it was rendered."""
        if self.live is not None:
            try:
                with open(self.live / name, "rb") as f:
                    data = f.read()
            except OSError:
                data = b""
            if hashlib.sha256(data).hexdigest() == digest:
                return data, False
        return self.render([self._outputs[name]])[name], True


class PageFiles(MutableMapping[str, bytes]):
    """The rendered files by name. A page rendered in this process is held; one a worker
    rendered is read from its spill file when asked for, and a cached one from the output
    folder: neither is kept, as readers (the checks, the writer) go through once or twice."""

    def __init__(self, pages: CachedPages, spill: Spill | None = None) -> None:
        self._pages = pages
        self._spill = spill
        self._held: dict[str, bytes] = {}
        self._cached: dict[str, str] = {}  # name -> sha256 hex, in the output folder
        self._spilled: dict[str, Span] = {}  # name -> where in the spill
        self._known: dict[str, str] = {}  # name -> sha256 hex of a held or spilled page
        self.links: dict[str, tuple[str, ...]] = {}  # sha256 hex -> a page's internal links

    def add_facts(self, name: str, digest: str, links: tuple[str, ...]) -> None:
        """What a render worker found of page `name`: its digest and links."""
        self._known[name] = digest
        self.links[digest] = links

    def add_spilled(self, name: str, span: Span, digest: str, links: tuple[str, ...]) -> None:
        self._forget(name)
        self._spilled[name] = span
        self.add_facts(name, digest, links)

    def add_cached(self, name: str, digest: str) -> None:
        self._forget(name)
        self._cached[name] = digest

    def _forget(self, name: str) -> None:
        self._held.pop(name, None)
        self._known.pop(name, None)
        self._cached.pop(name, None)
        self._spilled.pop(name, None)

    def digest(self, name: str) -> str | None:
        """The sha256 hex of page `name` when known without hashing it (None: hash it)."""
        return self._cached.get(name) or self._known.get(name)

    def __getitem__(self, name: str) -> bytes:
        found = self._held.get(name)
        if found is not None:
            return found
        span = self._spilled.get(name)
        if span is not None and self._spill is not None:
            return self._spill.get(span)
        data, rendered = self._pages.fetch(name, self._cached[name])
        if rendered:  # not in the output folder: rendered once, not on every read
            self._held[name] = data
        return data

    def __setitem__(self, name: str, data: bytes) -> None:
        self._forget(name)
        self._held[name] = data

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._forget(name)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._held.keys() | self._cached.keys() | self._spilled.keys()))

    def __len__(self) -> int:
        return len(self._held.keys() | self._cached.keys() | self._spilled.keys())

    def __contains__(self, name: object) -> bool:
        return name in self._held or name in self._cached or name in self._spilled

    def close(self) -> None:
        """Once the writer has written every page to the output folder: the spilled pages
        are read from there from now on (as cached pages are, verified), and their memory
        files let go (they go with this object too)."""
        for name in self._spilled:
            self._cached[name] = self._known[name]
        self._spilled.clear()
        if self._spill is not None:
            self._spill.close()
            self._spill = None

    def __reduce__(self) -> tuple[type[dict[str, bytes]], tuple[dict[str, bytes]]]:
        """Pickles as the plain dict of every file (the cache does not travel)."""
        return dict, (dict(self.items()),)
