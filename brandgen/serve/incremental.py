"""The dev server's incremental build: the build's own stages, with the previous state kept.

Every rebuild runs the whole-site assembly on memoized inputs, so it decides the same
outputs a build would; what is skipped is work whose inputs are the same objects or equal to
last time (a post save replaces one Post, and an identity diff of the posts finds it, so the
assembly looks at that post and what shows it, not at all of them):

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

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import jinja2

from brandgen import private as private_side
from brandgen.blobcache import BlobCache
from brandgen.build import Timer, case_clashes, static_files
from brandgen.cache import open_cache
from brandgen.config import SiteConfig, load_config
from brandgen.docs import DocInput
from brandgen.errors import BuildError, Problems, SourceError
from brandgen.load import load_content
from brandgen.model import Content, Post
from brandgen.privacy import PrivacyScan, leak_errors
from brandgen.public.assemble import (
    AssemblyMemo,
    assemble_site,
    local_today,
    published_posts,
    site_documents,
)
from brandgen.public.reload import (
    RouteInputs,
    reload_posts,
    routes_key,
    same_but_bodies,
    same_route_inputs,
)
from brandgen.public.render import page_renderer, render_pages, site_file_makers
from brandgen.public.views import Output, Site
from brandgen.rendered import ImageRenderer, RenderedDoc
from brandgen.responsive import ImageSet, markdown_renderer, responsive_images
from brandgen.routes import Routes, plan_routes
from brandgen.serve.built import (
    LATER_FILES,
    Built,
    Later,
    Loaded,
    MemoryBlobs,
    changed_names,
    page_maker,
    privacy_scan,
    rendered_docs,
    replay,
    scan_files,
)
from brandgen.serve.cards import CardMemo
from brandgen.serve.deps import (
    LinkMemo,
    PageMemo,
    shared_key,
    stale_outputs,
    template_reads,
)
from brandgen.serve.lazy import LazyFiles
from brandgen.serve.watch import Change
from brandgen.themes import Theme, make_environment, require_theme
from brandgen.urls import Urls


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
        self._routes: tuple[RouteInputs, object, Loaded] | None = None
        self._private: tuple[tuple[Content, dt.date], Loaded] | None = None
        self._git = Problems()
        self._secrets: dict[str, str] | None = None
        self._docs: dict[DocInput, RenderedDoc] = {}
        self._pages: dict[str, PageMemo] = {}
        self._shared: object = None
        self._public: dict[str, bytes] = {}
        self._private_files: dict[str, bytes] = {}
        self._links = LinkMemo()
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

    def rebuild(self, changes: Iterable[Change], now: dt.datetime, lazy: bool = False
                ) -> Built:
        """Apply the changes (and those of failed rebuilds before); raises BuildError.

        `lazy`: after a content edit, leave the changed pages to be rendered on request or
        by `Built.finish()`, which the caller must call before serving the next rebuild."""
        if self._last is not None:
            with contextlib.suppress(BuildError):  # then its state was rolled back and its
                self._last.finish()  # changes kept: redone here
        changes = list(changes)
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
            self._theme = require_theme(config.root, config.theme, problems)  # new folders count
        if self._env is None or "template" in kinds:
            assert self._theme is not None
            self._env = make_environment(self._theme)
            self._reads = template_reads(self._env)
            self._pages, self._shared = {}, None
        theme, env = self._theme, self._env
        assert theme is not None
        content = timer.run("read content", lambda: self._load_content(config, kinds))
        today = local_today(now, config.timezone)
        replay(problems, self._content)  # type: ignore[arg-type]
        private = timer.run("private dashboard", lambda: self._private_side(
            config, content, today, kinds, problems))
        problems.extend(self._git)
        if self._images is None or kinds & {"site-static", "content"}:
            sprob = Problems()
            self._images = Loaded(responsive_images(
                config.content_dir / "static", content.static_files, self.blobs("images"),
                sprob), sprob)
        replay(problems, self._images)
        images: dict[str, ImageSet]
        image_files: dict[str, bytes]
        images, image_files = self._images.value  # type: ignore[misc]
        published = published_posts(content, today, self.drafts, now)
        routes = timer.run("routes", lambda: self._plan(config, content, published, problems))
        docs = site_documents(content, published, self._assembly)
        self._docs = timer.run("markdown", lambda: rendered_docs(
            self._docs, docs, config, self.cache))
        key = (content, routes, env, self._images, today, published)
        last = self._generated
        lazy_pages: dict[str, Output] = {}
        makers: dict[str, Callable[[], bytes]] = {}
        renderer: Callable[[Sequence[Output]], tuple[dict[str, bytes], list[SourceError]]] \
            | None = None
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
                config, content, routes, published, self._docs, today,
                gprob, self._image_renderer(images, routes), self._assembly))
            case_clashes(site, gprob)
            site, cards = timer.run("social images", lambda: self._cards.run(
                site, self.blobs("social")))
            shared = shared_key(site, self._reads, images)
            stale = stale_outputs(site, self._pages, shared == self._shared)
            # Pages are left for later only after a content edit: a template edit can fail
            # in any page, and the build then reports its first error per template.
            lazy = lazy and bool(self._pages) and not kinds & {"config", "template"}
            with timer.stage("render"):
                fresh: dict[str, bytes] = {}
                if lazy:
                    lazy_pages = {routes[out.route].file: out for out in stale}
                    renderer = page_renderer(site, env, images)
                else:
                    fresh = dict(render_pages(replace(site, outputs=tuple(stale)), env,
                                              gprob, 1, images))
                makers = site_file_makers(site, env, gprob)  # every one, not just the stale
                fresh.update({name: make() for name, make in makers.items()
                              if not lazy or name not in LATER_FILES})
                makers = {name: make for name, make in makers.items()
                          if lazy and name in LATER_FILES}
            pages = dict(self._pages)
            for out in stale:
                file = routes[out.route].file
                if file in fresh:
                    pages[out.route] = PageMemo(out, file, fresh.pop(file))
            pages = {out.route: pages[out.route] for out in site.outputs if out.route in pages}
            public = {memo.file: memo.data for memo in pages.values()
                      if memo.file not in lazy_pages}
            public.update(fresh)
            public.update(cards)
            problems.extend(gprob)
        generated = dict(public)  # before static files
        public.update(image_files)
        public.update(timer.run("static files", lambda: self._static_files(
            config, theme.static_dirs, content, kinds, problems)))
        problems.raise_if_any()
        with timer.stage("privacy scan"):
            scan = self._privacy(config, content, site, kinds)
            if scan is not None and scan.key != self._scan_key and (lazy_pages or makers):
                for name, make in makers.items():  # the private strings changed: scan all
                    public.setdefault(name, make())
                if lazy_pages:
                    assert renderer is not None
                    done, errors = renderer(list(lazy_pages.values()))
                    for error in errors:
                        problems.add(error)
                    problems.raise_if_any()
                    public.update(done)
                    generated.update(done)
                    for name, out in lazy_pages.items():
                        pages[out.route] = PageMemo(out, name, done[name])
                generated.update({n: public[n] for n in makers})
                lazy_pages, makers = {}, {}
            changed = changed_names(self._public, public)
            scan_files(scan, public, changed, self._scan_key)
        after = Later(scan)
        lazy_pages = {name: out for name, out in lazy_pages.items() if name not in public}
        # The pages first: finish() makes them in this order, and a browser asks for a
        # page, never for the feed (the whole-site files take the longest to make).
        later: dict[str, Callable[[], bytes]] = {}
        if renderer is not None:
            later.update({name: after.checked(name, page_maker(out, name, renderer, after))
                          for name, out in lazy_pages.items()})
        later.update({name: after.checked(name, make) for name, make in makers.items()
                      if name not in public})
        files = LazyFiles(public, later)
        names_changed = files.keys() != self._public.keys()
        undo = (self.config, self._pages, self._shared, self._generated, self._public,
                self._private_files, self._scan_key, self._last)
        built = Built(config, files, private, problems.warnings,
                      (changed - later.keys()) | frozenset(lazy_pages),
                      changed_names(self._private_files, private), len(stale), timer.timings)
        built.link_check = lambda: self._links.check(files, built.changed, names_changed, site)
        # Committed only now: a failed rebuild leaves the last good state to compare with.
        self.config, self._pages, self._shared = config, pages, shared
        self._generated = (key, (site, generated, gprob))
        self._public, self._private_files = public, private
        self._scan_key = scan.key if scan is not None else self._scan_key
        self._pending.clear()
        self._last = built
        if later:
            def render_all(into: Problems) -> None:
                render_pages(replace(site, outputs=tuple(lazy_pages.values())), env, into, 1,
                             images)
            built.finisher = lambda: self._finish(files, after, lazy_pages, undo, changes,
                                                  render_all)
        return built

    def _finish(self, files: LazyFiles, lazy: Later, lazy_pages: Mapping[str, Output],
                undo: tuple[object, ...], changes: list[Change],
                render_all: Callable[[Problems], None]) -> frozenset[str]:
        """Built.finish of a lazy rebuild: the files left for later made and checked, the
        memos completed; on an error the state before the rebuild is restored."""
        old_public = undo[4]
        assert isinstance(old_public, dict)
        try:
            made, withheld = files.complete()
            if lazy.failed:  # a template error: the build's own words, in the build's order
                problems = Problems()
                render_all(problems)
                problems.raise_if_any()
            if lazy.leaks:
                raise BuildError(leak_errors(sorted(set(lazy.leaks), key=lambda leak: (
                    leak.output, leak.text)), "site/public"))
            assert not withheld, withheld
        except BuildError:
            (self.config, self._pages, self._shared, self._generated, self._public,
             self._private_files, self._scan_key, self._last) = undo  # type: ignore[assignment]
            self._pending.update(changes)
            raise
        for name, out in lazy_pages.items():
            self._pages[out.route] = PageMemo(out, name, made[name])
        assert self._generated is not None
        generated = self._generated[1][1]
        generated.update({name: made[name] for name in files.keys() - self._public.keys()})
        self._public = made
        return changed_names(old_public, made)

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
        # The dashboard reads the posts' front matter, never their bodies.
        if self._private is None or self._private[0][1] != today or "private" in kinds \
                or not same_but_bodies(self._private[0][0], content):
            pprob = Problems()
            files = private_side.build_private(config, content, pprob, today, check_git=False)
            self._private = (key, Loaded(files, pprob))
        else:
            self._private = (key, self._private[1])  # the next save compares with this one
        replay(problems, self._private[1])
        return self._private[1].value  # type: ignore[return-value]

    def _plan(self, config: SiteConfig, content: Content, published: list[Post],
              problems: Problems
              ) -> Routes:
        inputs: RouteInputs = (config, content, published)
        last = self._routes
        if last is not None and same_route_inputs(last[0], inputs):
            self._routes = (inputs, last[1], last[2])  # the cheap test: most saves
        else:
            key = routes_key(config, content, published)
            if last is None or last[1] != key:
                rprob = Problems()
                last = (inputs, key, Loaded(plan_routes(
                    Urls(config.base_url), content, published, config.posts_per_page, rprob),
                    rprob))
            self._routes = (inputs, key, last[2])
        replay(problems, self._routes[2])
        return self._routes[2].value  # type: ignore[return-value]

    def _static_files(self, config: SiteConfig, dirs: tuple[Path, ...], content: Content,
                      kinds: set[str], problems: Problems) -> dict[str, bytes]:
        if self._static is None or kinds & {"static", "site-static", "content", "template"}:
            sprob = Problems()
            self._static = Loaded(static_files(config, dirs, content.static_files, sprob), sprob)
        replay(problems, self._static)
        files: dict[str, bytes] = self._static.value  # type: ignore[assignment]
        return files

    def _privacy(self, config: SiteConfig, content: Content, site: Site, kinds: set[str]
                 ) -> PrivacyScan | None:
        """The privacy scan of this rebuild, or None when nothing private has text."""
        if self._secrets is None or "private" in kinds:
            self._secrets = private_side.private_strings(config, Problems())
        return privacy_scan(self._secrets, content, site)


