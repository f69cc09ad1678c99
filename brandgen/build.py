"""The build, as a table of contents: each stage in order, timed, errors collected."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections import ChainMap
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from brandgen import private as private_side
from brandgen.ahead import AheadPool
from brandgen.blobcache import BlobCache
from brandgen.cache import Cache, open_cache
from brandgen.config import SiteConfig, load_config
from brandgen.docs import render_docs
from brandgen.documents import PARALLEL_POSTS
from brandgen.errors import BuildError, Problems, SourceError
from brandgen.linkcheck import check_links
from brandgen.listing import Listing
from brandgen.load import load_content
from brandgen.model import Content
from brandgen.outputs import placement_errors
from brandgen.privacy import PrivacyScan, leak_errors, record_texts
from brandgen.public.assemble import (
    Site,
    assemble_site,
    local_today,
    published_posts,
    site_documents,
)
from brandgen.public.memo import AssemblyMemo
from brandgen.public.pagecache import PageFiles
from brandgen.public.reload import same_but_bodies, same_route_inputs
from brandgen.public.render import render_site
from brandgen.public.social import social_images
from brandgen.public.templatecache import use_compiled_templates
from brandgen.public.warm import (
    KeptAssembly,
    KeptInputs,
    KeptReader,
    carried_owns,
    keep,
    kept_cards,
    kept_docs,
    kept_record,
)
from brandgen.responsive import markdown_renderer, responsive_images
from brandgen.routes import plan_routes
from brandgen.sections import empty_section_warnings
from brandgen.sources import is_inside
from brandgen.statics import list_static_dir
from brandgen.themes import make_environment, require_theme
from brandgen.typography import markdown_settings
from brandgen.urls import Urls
from brandgen.write import OutputWriter

T = TypeVar("T")


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    now: dt.datetime  # the instant of the build; only the CLI reads the clock
    drafts: bool = False
    base_url: str | None = None
    out: Path | None = None  # replaces site/: public in OUT/public, private in OUT/private
    clean: bool = False
    smart_warnings: bool = False  # `brandgen check` lists every SMART gap of every goal
    jobs: int = 1  # processes rendering Markdown and pages; 1 stays in this process
    cache: bool = True  # .brandgen-cache/ (never changes what is built, only how fast)
    background_sweep: bool = False  # the CLI: the previous output trees go after it returns
    listing: Listing | None = None  # the CLI's stamp listing, taken just before the build


@dataclass
class BuildResult:
    config: SiteConfig
    public: MutableMapping[str, bytes]  # a ChainMap: the cards are read when asked
    private: dict[str, bytes]
    public_dir: Path
    private_dir: Path
    warnings: list[SourceError]
    timings: dict[str, float] = field(default_factory=dict)
    site: Site | None = None
    scan_key: str = ""  # the privacy scan's key: outputs in the manifest were clean under it
    digests: dict[str, str] = field(default_factory=dict)  # public name -> sha256 hex
    cache: Cache | None = None  # open until close()
    pages: PageFiles | None = None  # the rendered pages in `public`, until close()
    # what build() keeps for the next build, once this one is written
    kept: tuple[KeptInputs, KeptAssembly] | None = None

    @property
    def page_count(self) -> int:
        return sum(1 for name in self.public if name.endswith(".html"))

    def __getstate__(self) -> dict[str, object]:
        # a database connection does not pickle; the pages pickle as part of `public`
        return {**self.__dict__, "cache": None, "pages": None, "kept": None}

    def close(self) -> None:
        """Let the cache connection and the pages' memory files go: pages a worker made
        are read from the output folder from then on (build() wrote them there)."""
        if self.cache is not None:
            self.cache.close()
        if self.pages is not None:
            self.pages.close()


class Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start

    def run(self, name: str, fn: Callable[[], T]) -> T:
        with self.stage(name):
            return fn()


def output_dirs(config: SiteConfig, out: Path | None) -> tuple[Path, Path]:
    if out is not None:
        base = out if out.is_absolute() else config.root / out
        return base / "public", base / "private"
    return config.root / "site/public", config.root / config.private.output


def static_files(config: SiteConfig, theme_static: tuple[Path, ...], site_static: frozenset[str],
                 problems: Problems) -> dict[str, bytes]:
    """Theme assets under assets/, then content/static/ at the site root (the site wins).

    `site_static` is the listing the loader already made of content/static/."""
    sources: list[tuple[str, Path]] = []
    for folder in theme_static:  # a theme's links must not reach out of it either
        sources += [("assets/" + name, folder / name)
                    for name in sorted(list_static_dir(folder, config.root, problems))]
    base = config.content_dir / "static"
    sources += [(name, base / name) for name in sorted(site_static)]
    files: dict[str, bytes] = {}
    for name, path in sources:
        try:
            files[name] = path.read_bytes()
        except OSError as e:
            problems.error(f"cannot read file: {e.strerror}", _display(path, config.root),
                           hint="check the file's permissions")
    return files


def overlay(public: MutableMapping[str, bytes], static: dict[str, bytes],
            problems: Problems) -> None:
    """Put the static files over the generated ones, with a warning where a site's file
    replaces one (the theme's assets/ are not generated)."""
    for name in sorted(static.keys() & public.keys()):
        if not name.startswith("assets/"):
            problems.warn(f"replaces the generated /{name}", f"content/static/{name}",
                          hint="remove the file to get brandgen's version back")
    public.update(static)


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def case_clashes(site: Site, problems: Problems) -> None:
    """Routes that differ only in case are one folder on macOS and Windows."""
    seen: dict[str, tuple[str, str]] = {}
    for out in site.outputs:
        key = out.route.casefold()
        if key in seen and seen[key][0] != out.route:
            problems.error(f"/{out.route} and /{seen[key][0]} differ only in case, so they "
                           "would be one page on macOS and Windows", out.source or seen[key][1],
                           1, 1, "give one of them a different `slug:`")
        seen.setdefault(key, (out.route, out.source))


def privacy_scan(config: SiteConfig, content: Content, site: Site, problems: Problems,
                 known_clean: tuple[str, Mapping[str, str]] | None) -> PrivacyScan | None:
    """The scan of the public outputs for private text (None: there is none to find).
    "Already public" means published: the loaded sources of built pages, never drafts,
    YAML comments or files the build ignores (and content/ is not read again)."""
    secrets = private_side.private_strings(config, problems)
    if not secrets:
        return None
    published_text = record_texts(replace(content, posts=tuple(p.post for p in site.posts)),
                                  [p.text for p in site.posts], [p.text for p in site.pages])
    scan = PrivacyScan(secrets, published_text)
    if known_clean:
        scan.remember(known_clean[0], known_clean[1].values())
    return scan


def _kept_or_read(options: BuildOptions, config: SiteConfig, problems: Problems,
                  cache: Cache | None, ahead: AheadPool, reader: KeptReader | None,
                  timer: Timer) -> tuple[KeptAssembly | None, Content]:
    """The content: the kept assembly's with the changed posts parsed again when it can
    be used (timed as "kept assembly"), else read from content/ ("read content")."""
    if reader is not None and reader.changed is not None \
            and len(reader.changed) < PARALLEL_POSTS:  # (else parsed by every core)
        ahead.render_few(reader.texts())  # while the rest is read
        reused = timer.run("kept assembly", lambda: reader.load(config))
        if reused is not None:
            return reused
    return None, timer.run("read content", lambda: load_content(
        config, problems, cache, options.jobs, ahead, options.listing))


def _dashboard_inputs(kept: KeptAssembly | None, config: SiteConfig, content: Content,
                      today: dt.date, listing: Listing | None) -> bytes | None:
    """The digest of the private dashboard's inputs, when there is an assembly to keep
    it with: a kept assembly's while no post's front matter changed (its other inputs,
    the private files too, are unchanged), else made now."""
    if kept is not None and same_but_bodies(kept.content, content):
        return kept.dashboard
    if listing is not None:
        return private_side.dashboard_inputs(config, content, today)
    return None


def render_all(options: BuildOptions, known_clean: tuple[str, Mapping[str, str]] | None = None
               ) -> BuildResult:
    """Every stage up to (not including) writing: all outputs as bytes in memory (or
    where they can be read when asked for).

    `known_clean` is (scan key, {name: digest}) of the public files an earlier build
    wrote and scanned clean: the files in the output folder now."""
    timer, problems = Timer(), Problems()
    config = timer.run("config", lambda: load_config(options.root, problems, options.base_url))
    problems.raise_if_any()  # without a valid config nothing else can be judged
    public_dir, private_dir = output_dirs(config, options.out)
    misplaced = placement_errors(config.root, public_dir, private_dir, options.out is None)
    for error in misplaced:
        problems.add(error)
    theme = require_theme(config.root, config.theme, problems)
    # A build refused for where it would write leaves no trace, not even a cache.
    cache = open_cache(config.root, options.cache and not misplaced)
    # Workers that parse new posts go on to render their Markdown while this process reads
    # the rest, validates the private side and plans routes (brandgen/ahead.py).
    settings = markdown_settings(config.language)
    ahead = AheadPool(options.jobs, cache, settings)
    today = local_today(options.now, config.timezone)
    # The last CLI build's assembly, when only post files and templates changed since
    # (brandgen/public/warm.py): the changed posts are parsed into its content.
    listing = options.listing if cache is not None else None
    reader = KeptReader(config.root, listing, today) if listing is not None else None
    messages = len(problems.errors) + len(problems.warnings)
    try:
        kept, content = _kept_or_read(options, config, problems, cache, ahead, reader, timer)
        # An assembly is kept only when reading and planning said nothing: a later build
        # that reuses it does neither, and its messages would be missing.
        clean = len(problems.errors) + len(problems.warnings) == messages
        # The private side is validated before rendering so one run reports every error.
        with timer.stage("private dashboard"):
            dashboard = _dashboard_inputs(kept, config, content, today, listing)
            private = private_side.build_private(config, content, problems, today,
                                                 cache=cache, inputs=dashboard)
        if options.smart_warnings:
            private_side.smart_warnings(config, content, problems, today)
        env = timer.run("templates", lambda: make_environment(theme))
        use_compiled_templates(env, cache)  # a fresh process loads them instead of compiling

        def blobs(name: str) -> BlobCache:  # images and cards; --no-cache draws everything
            if options.cache and not misplaced:
                return BlobCache.for_project(config.root, name)
            return BlobCache(None)

        images, image_files = timer.run("responsive images", lambda: responsive_images(
            config.content_dir / "static", content.static_files, blobs("images"), problems))
        published = published_posts(content, today, options.drafts, options.now)
        if options.smart_warnings:  # `brandgen check`: say which sections are left out as empty
            empty_section_warnings(content, published, problems)
        with timer.stage("routes"):
            if kept is not None and same_route_inputs(
                    (kept.config, kept.content, kept.published), (config, content, published)):
                routes = kept.routes  # (a plan without a message: it was kept)
            else:
                messages = len(problems.errors) + len(problems.warnings)
                routes = plan_routes(Urls(config.base_url), content, published,
                                     config.posts_per_page, problems)
                clean = clean and len(problems.errors) + len(problems.warnings) == messages
        memo = kept.memo if kept is not None else AssemblyMemo()
        docs = site_documents(content, published, memo)
        # Markdown depends only on each text, never on the routes or static files: a cache hit
        # stays valid when pages come and go; links and images are resolved in assemble.
        with timer.stage("markdown"):
            ahead.finish()  # the posts it rendered are in the cache now
            rendered = kept_docs(docs, kept, lambda todo: render_docs(
                todo, cache, options.jobs, settings))
    finally:
        ahead.close()  # finished already, unless something above raised
        if reader is not None:
            reader.close()
    site = timer.run("assemble", lambda: assemble_site(
        config, content, routes, published, rendered, today, problems,
        markdown_renderer(images, routes.urls), memo, cache))
    case_clashes(site, problems)
    assembled = site.outputs
    site, cards = timer.run("social images", lambda: social_images(
        site, blobs("social"), jobs=options.jobs, known=kept_cards(kept)))
    live = (public_dir, known_clean[1] if known_clean is not None else None)
    owns = carried_owns(kept, site, assembled)
    pages = timer.run("render", lambda: render_site(site, env, problems, options.jobs, images,
                                                       cache, live, owns))
    # Cards are read back from the blob cache as they are written, not all held at once;
    # what is added later (images, static files) goes into `pages` and wins over a card.
    public = ChainMap(pages, cards)
    public.update(image_files)
    overlay(public, timer.run("static files", lambda: static_files(
        config, theme.static_dirs, content.static_files, problems)), problems)
    problems.raise_if_any()
    with timer.stage("link check"):  # each output hashed once: link check, scan and writer
        # A card's digest was taken when it was drawn or read from the blob cache, a cached
        # page's when it was stored: neither is read unless a check or the writer needs it.
        digests = {name: (pages.digest(name) if name in pages else cards.digest(name))
                   or hashlib.sha256(public[name]).hexdigest() for name in public}
        problems.warnings.extend(check_links(public, site.urls, cache, digests, pages.links))
    with timer.stage("privacy scan"):
        scan = privacy_scan(config, content, site, problems, known_clean)
        leaks = scan.scan(public, digests) if scan else []
    if leaks:
        raise BuildError(leak_errors(leaks, public_dir.relative_to(config.root).as_posix()
                                     if is_inside(public_dir, config.root) else str(public_dir)))
    to_keep = None
    if listing is not None and listing.assembly and listing.posts is not None and clean:
        own_parts = {id(pre): owns[id(out)] for pre, out
                     in zip(assembled, site.outputs, strict=True) if id(out) in owns}
        to_keep = kept_record(listing, today=today, config=config, content=content,
                              published=published, routes=routes, docs=rendered, memo=memo,
                              dashboard=dashboard, outputs=assembled, owns=own_parts,
                              cards=(cards.basis, tuple(cards.records)))
    return BuildResult(config, public, private, public_dir, private_dir, problems.warnings,
                       timer.timings, site, scan.key if scan else "", digests, cache, pages,
                       to_keep)


def build(options: BuildOptions) -> BuildResult:
    """Render everything, then write it; raises BuildError with every problem found.

    An interrupted build's swap is finished, and foreign output folders refused, before
    anything is rendered; writing happens under the output lock."""
    probe = Problems()
    config = load_config(options.root, probe, options.base_url)
    public_dir, private_dir = output_dirs(config, options.out)
    if probe.errors or placement_errors(config.root, public_dir, private_dir,
                                        options.out is None):
        render_all(options)  # reports these errors together with the content's
    writer = OutputWriter(config.root, {"public": public_dir, "private": private_dir},
                          background_sweep=options.background_sweep)
    writer.prepare()
    result = render_all(options, writer.clean_outputs())
    start = time.perf_counter()
    try:
        writer.write({"public": result.public, "private": result.private}, result.scan_key,
                     {"public": result.digests})
    finally:
        result.close()
    result.timings["write"] = time.perf_counter() - start
    if result.kept is not None:  # for the next build, once this one is written (and
        # left with the result: the CLI lets the process end rather than free it)
        keep(config.root, result.kept, options.background_sweep)
    result.warnings[:0] = [SourceError(note, _display(public_dir, config.root),
                                       severity="warning") for note in writer.notes]
    return result
