"""What a dev-server rebuild returns (`Built`), and the small parts it is made with.

`Built.public` may hold pages made on first read (`LazyFiles`); `Later` checks each of
them as it is made, and withholds one that fails.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from brandgen.blobcache import BlobCache
from brandgen.cache import open_cache
from brandgen.config import SiteConfig
from brandgen.docs import DocInput, render_docs
from brandgen.errors import BuildError, Problems, SourceError
from brandgen.model import Content
from brandgen.privacy import Leak, PrivacyScan, leak_errors, record_texts
from brandgen.public.views import Output, Site
from brandgen.rendered import RenderedDoc
from brandgen.serve.lazy import Withheld
from brandgen.typography import markdown_settings

FEW_DOCS = 64  # fewer Markdown misses render without opening the disk cache
# Whole-site files no page uses (a changed one never reloads a page): made after publishing.
LATER_FILES = frozenset({"feed.xml", "sitemap.xml", "llms.txt"})


@dataclass
class Built:
    """One successful rebuild: every output in memory, and what changed since the last.

    A rebuild in lazy mode returns before the pages that changed are rendered: `public`
    makes them when read, `announced` names them (with every file known to have changed),
    and `finish()` renders the rest and runs their checks; `changed` is exact after it."""

    config: SiteConfig
    public: Mapping[str, bytes]
    private: dict[str, bytes]
    build_warnings: list[SourceError]  # the stages' own; the link check's come on demand
    announced: frozenset[str]  # files that changed or may have (pages not rendered yet);
    # not the LATER_FILES, which no page shows: changed ones are told after finish()
    private_changed: frozenset[str]
    rendered: int  # pages rendered (or to be rendered on request) this time
    timings: dict[str, float] = field(default_factory=dict)
    link_check: Callable[[], list[SourceError]] = list
    finisher: Callable[[], frozenset[str]] | None = None  # raises BuildError
    _links: list[SourceError] | None = field(default=None, repr=False)
    _changed: frozenset[str] | None = field(default=None, repr=False)

    def finish(self) -> None:
        """Render what was left for later and check it; raises BuildError (the server then
        keeps the build before this one, like any failed rebuild)."""
        if self._changed is None:
            finisher, self.finisher = self.finisher, None
            self._changed = finisher() if finisher is not None else self.announced

    @property
    def changed(self) -> frozenset[str]:
        """Public files added, changed or removed (after finish())."""
        self.finish()
        assert self._changed is not None
        return self._changed

    @property
    def warnings(self) -> list[SourceError]:
        """Every warning of the rebuild; the link check (warnings only, it never stops a
        build) runs on first use, so the server can publish the pages before it."""
        if self._links is None:
            self.finish()
            self._links = self.link_check()
        return self.build_warnings + self._links

    @property
    def page_count(self) -> int:
        return sum(1 for name in self.public if name.endswith(".html"))


class MemoryBlobs(BlobCache):
    """The disk blob cache with the blobs this process has seen kept in memory."""

    def __init__(self, inner: BlobCache) -> None:
        super().__init__(None)
        self.inner = inner
        self.data: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        found = self.data.get(key)
        if found is None:
            found = self.inner.get(key)
            if found is not None:
                self.data[key] = found
        return found

    def put(self, key: str, payload: bytes) -> None:
        self.data[key] = payload
        self.inner.put(key, payload)


@dataclass
class Loaded:
    """A stage's result and the problems it reported, replayed while the result is reused."""

    value: object
    problems: Problems


def replay(into: Problems, loaded: Loaded) -> None:
    into.extend(loaded.problems)



class Later:
    """What the files made after publishing found: they are withheld, not served."""

    def __init__(self, scan: PrivacyScan | None) -> None:
        self.scan = scan
        self.failed = False  # a template error
        self.leaks: list[Leak] = []

    def checked(self, name: str, make: Callable[[], bytes]) -> Callable[[], bytes]:
        def made() -> bytes:
            data = make()
            leaks = self.scan.scan({name: data}) if self.scan is not None else []
            if leaks:
                self.leaks.extend(leaks)
                raise Withheld(name)
            return data
        return made


def page_maker(out: Output, name: str, renderer: Callable[
        [Sequence[Output]], tuple[dict[str, bytes], list[SourceError]]], later: Later
                ) -> Callable[[], bytes]:
    def make() -> bytes:
        files, errors = renderer([out])
        if errors or name not in files:
            later.failed = True
            raise Withheld(name)
        return files[name]
    return make


def changed_names(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> frozenset[str]:
    """Names whose bytes differ (identity first: reused pages are the same object)."""
    out = {name for name, data in new.items()
           if (before := old.get(name)) is not data and before != data}
    out.update(name for name in old if name not in new)
    return frozenset(out)


def privacy_scan(secrets: Mapping[str, str], content: Content, site: Site) -> PrivacyScan | None:
    """The privacy scan of a rebuild, or None when nothing private has text."""
    if not secrets:
        return None
    posts, pages = site.posts, site.pages
    published = record_texts(replace(content, posts=tuple(p.post for p in posts)),
                             [p.text for p in posts], [p.text for p in pages])
    return PrivacyScan(secrets, published)


def scan_files(scan: PrivacyScan | None, public: Mapping[str, bytes], changed: frozenset[str],
               last_key: str) -> None:
    """Scan the changed files (all of them when the private strings changed since the scan
    keyed `last_key`); raises BuildError on a leak."""
    if scan is None:
        return
    todo = public if scan.key != last_key else {
        name: public[name] for name in changed if name in public}
    leaks = scan.scan(todo)
    if leaks:
        raise BuildError(leak_errors(leaks, "site/public"))


def rendered_docs(known: dict[DocInput, RenderedDoc], docs: Sequence[DocInput],
                  config: SiteConfig, cache: bool) -> dict[DocInput, RenderedDoc]:
    """`known` with every document of `docs` rendered (the misses through the disk cache when
    there are many), and old versions of edited documents dropped once they pile up."""
    misses = list(dict.fromkeys(d for d in docs if d not in known))
    if misses:
        disk = open_cache(config.root, cache) if len(misses) > FEW_DOCS else None
        try:
            known.update(zip(misses, render_docs(
                misses, disk, settings=markdown_settings(config.language)), strict=True))
        finally:
            if disk is not None:
                disk.close()
    if len(known) > 2 * len(docs) + FEW_DOCS:
        wanted = set(docs)
        known = {d: r for d, r in known.items() if d in wanted}
    return known
