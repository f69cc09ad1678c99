"""The dev server's incremental build: the build's own stages, with the previous state kept.

Every rebuild runs the whole-site assembly (cheap next to Markdown and templates) on
memoized inputs, so it decides the same outputs a build would; what is skipped is work whose
inputs are equal to last time:

  brandgen.yaml             everything (config, theme, every memo dropped)
  content/posts/x.md edit   that file is parsed again, its Markdown rendered; pages whose
                            Output changed (its page, neighbours, lists, tags) are rendered
  other content, static     content loaded again (through the disk cache), then as above
  templates                 a new Jinja environment; every page rendered, no Markdown
  content/private/          the dashboard and calendar; public pages are reused

Checks run on what changed: links of changed pages (all pages when files come or go), the
privacy scan on changed files (all files when the private strings change).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from brandgen import private as private_side
from brandgen.blobcache import BlobCache
from brandgen.build import Timer, case_clashes, static_files
from brandgen.cache import open_cache
from brandgen.config import SiteConfig, load_config
from brandgen.docs import DocInput, render_docs
from brandgen.errors import BuildError, Problems, SourceError
from brandgen.load import load_content
from brandgen.markdown import ImageRenderer, RenderedDoc
from brandgen.model import Content, Post
from brandgen.privacy import PrivacyScan, leak_errors, record_texts
from brandgen.public.assemble import (
    AssemblyMemo,
    assemble_site,
    local_today,
    published_posts,
    site_documents,
)
from brandgen.public.render import render_pages, site_files
from brandgen.public.views import Site
from brandgen.responsive import ImageSet, markdown_renderer, responsive_images
from brandgen.routes import Routes, plan_routes
from brandgen.serve.cards import CardMemo
from brandgen.serve.deps import (
    PageMemo,
    broken_links,
    page_links,
    shared_key,
    stale_outputs,
    template_reads,
)
from brandgen.serve.posts import reload_posts, routes_key
from brandgen.serve.watch import Change
from brandgen.themes import Theme, find_theme, make_environment
from brandgen.typography import markdown_settings
from brandgen.urls import Urls

FEW_DOCS = 64  # fewer Markdown misses render without opening the disk cache


@dataclass
class Built:
    """One successful rebuild: every output in memory, and what changed since the last."""

    config: SiteConfig
    public: dict[str, bytes]
    private: dict[str, bytes]
    build_warnings: list[SourceError]  # the stages' own; the link check's come on demand
    changed: frozenset[str]  # public files added, changed or removed
    private_changed: frozenset[str]
    rendered: int  # pages rendered this time
    timings: dict[str, float] = field(default_factory=dict)
    link_check: Callable[[], list[SourceError]] = list
    _links: list[SourceError] | None = field(default=None, repr=False)

    @property
    def warnings(self) -> list[SourceError]:
        """Every warning of the rebuild; the link check (warnings only, it never stops a
        build) runs on first use, so the server can publish the pages before it."""
        if self._links is None:
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


def _replay(into: Problems, loaded: Loaded) -> None:
    into.extend(loaded.problems)


class IncrementalSite:
    """The last good build's state; `rebuild(changes)` brings it up to date with the sources."""

    def __init__(self, root: Path, local_url: str, *, drafts: bool = False,
                 base_url: str | None = None, cache: bool = True) -> None:
        self.root = root
        self.local_url = local_url  # 'http://127.0.0.1:PORT'; the base path comes from config
        self.drafts = drafts
        self.base_url = base_url  # the --base-url override
        self.cache = cache
        self._pending: set[Change] = set()
        self._drop()

    def _drop(self) -> None:
        self.config: SiteConfig | None = None
        self._theme: Theme | None = None
        self._env: jinja2.Environment | None = None
        self._reads: frozenset[tuple[str, ...]] = frozenset()
        self._content: Loaded | None = None
        self._images: Loaded | None = None
        self._static: Loaded | None = None
        self._routes: tuple[object, Loaded] | None = None
        self._private: tuple[tuple[Content, dt.date], Loaded] | None = None
        self._git = Problems()
        self._secrets: dict[str, str] | None = None
        self._docs: dict[DocInput, RenderedDoc] = {}
        self._pages: dict[str, PageMemo] = {}
        self._shared: object = None
        self._public: dict[str, bytes] = {}
        self._private_files: dict[str, bytes] = {}
        self._links: dict[str, tuple[bytes, tuple[str, ...]]] = {}
        self._link_warnings: dict[str, list[SourceError]] = {}
        self._scan_key = ""
        self._blobs: dict[str, BlobCache] = {}
        self._cards = CardMemo()
        self._assembly = AssemblyMemo()
        self._renderer: tuple[dict[str, ImageSet], Urls, ImageRenderer] | None = None
        self._generated: tuple[tuple[object, ...], tuple[Site, dict[str, bytes], Problems]] \
            | None = None
        self._last: Built | None = None  # whose link check may not have run yet

    def blobs(self, name: str) -> BlobCache:
        if name not in self._blobs:
            inner = BlobCache.for_project(self.root, name) if self.cache else BlobCache(None)
            self._blobs[name] = MemoryBlobs(inner)
        return self._blobs[name]

    def rebuild(self, changes: Iterable[Change], now: dt.datetime) -> Built:
        """Apply the changes (and those of failed rebuilds before); raises BuildError."""
        self._pending.update(changes)
        # content/static/ is content (listings, image sizes); a theme's static/ is not.
        kinds = {"site-static" if kind == "static" and path.is_relative_to(self.root / "content")
                 else kind for kind, path in self._pending}
        timer, problems = Timer(), Problems()
        if self.config is None or "config" in kinds:
            self._drop()
            config = timer.run("config", lambda: self._load_config(problems))
            self._git = Problems()
            private_side.warn_if_tracked(config, self._git)  # once, not on every save
        else:
            config = self.config
        if self._env is None or kinds & {"template", "static"}:  # static: a theme's
            self._theme = self._find_theme(config, problems)  # a new override folder counts
        if self._env is None or "template" in kinds:
            assert self._theme is not None
            self._env = make_environment(self._theme)
            self._reads = template_reads(self._env)
            self._pages, self._shared = {}, None
        theme, env = self._theme, self._env
        assert theme is not None
        content = timer.run("read content", lambda: self._load_content(config, kinds))
        today = local_today(now, config.timezone)
        _replay(problems, self._content)  # type: ignore[arg-type]
        private = timer.run("private dashboard", lambda: self._private_side(
            config, content, today, kinds, problems))
        problems.extend(self._git)
        if self._images is None or kinds & {"site-static", "content"}:
            sprob = Problems()
            self._images = Loaded(responsive_images(
                config.content_dir / "static", content.static_files, self.blobs("images"),
                sprob), sprob)
        _replay(problems, self._images)
        images: dict[str, ImageSet]
        image_files: dict[str, bytes]
        images, image_files = self._images.value  # type: ignore[misc]
        published = published_posts(content, today, self.drafts, now)
        routes = timer.run("routes", lambda: self._plan(config, content, published, problems))
        docs = site_documents(content, published)
        timer.run("markdown", lambda: self._render_docs(config, docs))
        key = (content, routes, env, self._images, today, published)
        last = self._generated
        if last is not None and all(a is b for a, b in zip(last[0][:4], key[:4], strict=True)) \
                and last[0][4:] == key[4:]:
            # Nothing the pages are made of changed (a stylesheet, a private file): reuse.
            site, public, gprob = last[1]
            pages, shared, stale = self._pages, self._shared, []
            public = dict(public)
            problems.extend(gprob)
        else:
            gprob = Problems()
            site = timer.run("assemble", lambda: assemble_site(
                config, content, routes, published, {d: self._docs[d] for d in docs}, today,
                gprob, self._image_renderer(images, routes), self._assembly))
            case_clashes(site, gprob)
            site, cards = timer.run("social images", lambda: self._cards.run(
                site, self.blobs("social")))
            shared = shared_key(site, self._reads, images)
            stale = stale_outputs(site, self._pages, shared == self._shared)
            with timer.stage("render"):
                fresh = render_pages(replace(site, outputs=tuple(stale)), env, gprob, 1, images)
                fresh.update(site_files(site, env, gprob))  # every output, not just the stale
            pages = dict(self._pages)
            for out in stale:
                file = routes[out.route].file
                if file in fresh:
                    pages[out.route] = PageMemo(out, file, fresh.pop(file))
            pages = {out.route: pages[out.route] for out in site.outputs if out.route in pages}
            public = {memo.file: memo.data for memo in pages.values()}
            public.update(fresh)
            public.update(cards)
            problems.extend(gprob)
        generated = (key, (site, dict(public), gprob))
        public.update(image_files)
        public.update(timer.run("static files", lambda: self._static_files(
            config, theme.static_dirs, content, kinds, problems)))
        problems.raise_if_any()
        changed = _changed(self._public, public)
        with timer.stage("privacy scan"):
            self._scan(config, content, site, public, changed, kinds)
        if self._last is not None:
            self._last.warnings  # noqa: B018 -- its link check, before this one builds on it
        names_changed = public.keys() != self._public.keys()
        built = Built(config, public, private, problems.warnings, changed,
                      _changed(self._private_files, private), len(stale), timer.timings,
                      lambda: self._check_links(public, changed, names_changed, site))
        self._last = built
        # Committed only now: a failed rebuild leaves the last good state to compare with.
        self.config, self._pages, self._shared = config, pages, shared
        self._generated = generated
        self._public, self._private_files = public, private
        self._pending.clear()
        return built

    def _image_renderer(self, images: dict[str, ImageSet], routes: Routes) -> ImageRenderer:
        """One renderer while the images and URLs are equal (it reads nothing else): the
        assembly memo reuses the post views made with it."""
        if self._renderer is None or self._renderer[0] != images \
                or self._renderer[1] != routes.urls:
            self._renderer = (images, routes.urls, markdown_renderer(images, routes.urls))
        return self._renderer[2]

    def _load_config(self, problems: Problems) -> SiteConfig:
        config = load_config(self.root, problems, self.base_url)
        problems.raise_if_any()
        return replace(config, base_url=self.local_url + config.base_path)

    def _find_theme(self, config: SiteConfig, problems: Problems) -> Theme:
        theme = find_theme(config.root, config.theme)
        if theme is None:
            problems.error(f"unknown theme '{config.theme}'", "brandgen.yaml", 1, 1,
                           "use `theme: default` or create themes/<name>/templates/")
            raise BuildError(problems.errors)
        return theme

    def _load_content(self, config: SiteConfig, kinds: set[str]) -> Content:
        if self._content is not None and not kinds & {"content", "site-static"}:
            return self._content.value  # type: ignore[return-value]
        if self._content is not None and "site-static" not in kinds \
                and not self._content.problems.errors and not self._content.problems.warnings:
            posts = reload_posts(self._content.value, self._pending, config)  # type: ignore[arg-type]
            if posts is not None:
                self._content = Loaded(posts, Problems())
                return posts
        problems = Problems()
        cache = open_cache(config.root, self.cache)
        try:
            content = load_content(config, problems, cache)
        finally:
            if cache is not None:
                cache.close()
        self._content = Loaded(content, problems)
        return content

    def _private_side(self, config: SiteConfig, content: Content, today: dt.date,
                      kinds: set[str], problems: Problems) -> dict[str, bytes]:
        key = (content, today)
        if self._private is None or self._private[0][0] is not content \
                or self._private[0][1] != today or "private" in kinds:
            pprob = Problems()
            files = private_side.build_private(config, content, pprob, today, check_git=False)
            self._private = (key, Loaded(files, pprob))
        _replay(problems, self._private[1])
        return self._private[1].value  # type: ignore[return-value]

    def _plan(self, config: SiteConfig, content: Content, published: list[Post],
              problems: Problems
              ) -> Routes:
        key = routes_key(config, content, published)
        if self._routes is None or self._routes[0] != key:
            rprob = Problems()
            routes = plan_routes(Urls(config.base_url), content, published,
                                 config.posts_per_page, rprob)
            self._routes = (key, Loaded(routes, rprob))
        _replay(problems, self._routes[1])
        return self._routes[1].value  # type: ignore[return-value]

    def _render_docs(self, config: SiteConfig, docs: list[DocInput]) -> None:
        misses = [d for d in dict.fromkeys(docs) if d not in self._docs]
        if misses:
            cache = open_cache(config.root, self.cache) if len(misses) > FEW_DOCS else None
            try:
                self._docs.update(zip(misses, render_docs(
                    misses, cache, settings=markdown_settings(config.language)), strict=True))
            finally:
                if cache is not None:
                    cache.close()
        if len(self._docs) > 2 * len(docs) + FEW_DOCS:  # old versions of edited documents
            wanted = set(docs)
            self._docs = {d: r for d, r in self._docs.items() if d in wanted}

    def _static_files(self, config: SiteConfig, dirs: tuple[Path, ...], content: Content,
                      kinds: set[str], problems: Problems) -> dict[str, bytes]:
        if self._static is None or kinds & {"static", "site-static", "content", "template"}:
            sprob = Problems()
            self._static = Loaded(static_files(config, dirs, content.static_files, sprob), sprob)
        _replay(problems, self._static)
        files: dict[str, bytes] = self._static.value  # type: ignore[assignment]
        return files

    def _check_links(self, public: Mapping[str, bytes], changed: frozenset[str],
                     names_changed: bool, site: object) -> list[SourceError]:
        pages = sorted(name for name in public if name.endswith(".html"))
        for name in pages:
            if names_changed or name in changed or name not in self._link_warnings:
                links = page_links(name, public[name], self._links)
                self._link_warnings[name] = broken_links(name, links, public, site)  # type: ignore[arg-type]
        for name in set(self._link_warnings) - set(pages):
            del self._link_warnings[name]
            self._links.pop(name, None)
        return [w for name in pages for w in self._link_warnings[name]]

    def _scan(self, config: SiteConfig, content: Content, site: object,
              public: dict[str, bytes], changed: frozenset[str], kinds: set[str]) -> None:
        if self._secrets is None or "private" in kinds:
            self._secrets = private_side.private_strings(config, Problems())
        if not self._secrets:
            return
        posts, pages = site.posts, site.pages  # type: ignore[attr-defined]
        published = record_texts(replace(content, posts=tuple(p.post for p in posts)),
                                 [p.text for p in posts], [p.text for p in pages])
        scan = PrivacyScan(self._secrets, published)
        todo = public if scan.key != self._scan_key else {
            name: public[name] for name in changed if name in public}
        leaks = scan.scan(todo)
        if leaks:
            raise BuildError(leak_errors(leaks, "site/public"))
        self._scan_key = scan.key


def _changed(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> frozenset[str]:
    """Names whose bytes differ (identity first: reused pages are the same object)."""
    out = {name for name, data in new.items()
           if (before := old.get(name)) is not data and before != data}
    out.update(name for name in old if name not in new)
    return frozenset(out)

