"""Render the assembled site into bytes in memory: {output path: content}."""

from __future__ import annotations

import hashlib
import multiprocessing
from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import TypeVar

import jinja2
from markupsafe import Markup

from brandgen.background import can_fork
from brandgen.cache import Cache
from brandgen.colors import palette, parse_hex, to_hex
from brandgen.errors import BuildError, Problems, SourceError
from brandgen.highlightcss import syntax_css
from brandgen.linkcheck import page_links
from brandgen.public.context import template_site
from brandgen.public.cvpdf import CompiledCv, PdfSlot, cv_pdf
from brandgen.public.feeds import atom_feed, resume_json, robots_txt, sitemap, sitemap_entries
from brandgen.public.fileslots import FileSlots
from brandgen.public.llms import llms_index, llms_txt
from brandgen.public.pagecache import CachedPages, Fact, LiveTree, PageFiles
from brandgen.public.pagekeys import PageKeys
from brandgen.public.spill import Span, Spill
from brandgen.public.templatecache import TemplateSlots, keep_templates
from brandgen.public.views import Output, Site
from brandgen.responsive import AVATAR_SIZES, CARD_SIZES, PROSE_SIZES, ImageSet, picture_html
from brandgen.themes import template_error
from brandgen.urls import Urls


def page_meta(site: Site, out: Output) -> dict[str, object]:
    """Per-page head data; og:image is never an SVG (social sites do not render them)."""
    image = next((i for i in (out.image_url, site.content.profile.avatar) if i
                  and not i.lower().split("?")[0].endswith(".svg")), "")
    size = out.image_size if image == out.image_url and out.image_size else \
        site.content.image_sizes.get(image.removeprefix(site.urls.base_path)
                                     if image.startswith("/") else image)
    large = bool(size and size[0] >= 1200 and size[1] >= 630 and 1.7 <= size[0] / size[1] <= 2.1)
    return {
        "route": out.route,
        "title": out.title,
        "description": out.description,
        "canonical": site.routes[out.route].abs_url,
        "og_type": out.og_type,
        "image": _absolute_image(site, image),
        "image_size": size,
        "image_alt": out.image_alt if image == out.image_url and out.image_alt else out.title,
        "twitter_card": "summary_large_image" if large else "summary",
        "jsonld": out.jsonld,
        "noindex": out.noindex,
    }


def _absolute_image(site: Site, image: str) -> str:
    if not image or image.startswith(("http://", "https://")):
        return image
    if image.startswith("/"):
        return site.urls.origin + image
    return site.urls.absolute(image)


def picture_function(images: Mapping[str, ImageSet], urls: Urls) -> Callable[..., Markup]:
    """`picture(path, alt, sizes='prose'|'card'|'avatar', eager=False, css_class='')` for templates:
    the responsive markup of a content/static/ image, or '' when it has none."""
    sizes = {"prose": PROSE_SIZES, "card": CARD_SIZES, "avatar": AVATAR_SIZES}

    def picture(path: str, alt: str = "", size: str = "prose", eager: bool = False,
                css_class: str = "") -> Markup:
        image = images.get(path)
        if image is None:
            return Markup("")
        return Markup(picture_html(image, urls, alt, "", eager, sizes[size], css_class))

    return picture


def _common(site: Site, images: Mapping[str, ImageSet]) -> dict[str, object]:
    urls = site.urls
    return {
        "site": template_site(site),  # public records only: no config root, no drafts
        "profile": site.content.profile,
        "menu": site.menu,
        "url": urls.link,
        "abs_url": urls.absolute,
        "asset": lambda name: urls.path(f"assets/{name}"),
        "accent_css": accent_css(site.config.accent),
        "picture": picture_function(images, urls),
    }


def _render_range(site: Site, env: jinja2.Environment, outputs: Sequence[Output],
                  images: Mapping[str, ImageSet], common: dict[str, object] | None = None
                  ) -> tuple[dict[str, bytes], list[SourceError]]:
    """Pages of `outputs`; a template error is reported once per template, with its line."""
    common = common if common is not None else _common(site, images)
    files: dict[str, bytes] = {}
    errors: list[SourceError] = []
    failed: set[str] = set()
    for out in outputs:
        if out.template in failed:
            continue
        try:
            template = env.get_template(out.template)
            html = template.render({**common, **out.context, "page": page_meta(site, out)})
        except Exception as e:
            failed.add(out.template)
            errors.append(template_error(e, out.template, site.config.root))
            continue
        files[site.routes[out.route].file] = html.encode()
    return files, errors


T = TypeVar("T")


def page_renderer(site: Site, env: jinja2.Environment, images: Mapping[str, ImageSet]
                  ) -> Callable[[Sequence[Output]], tuple[dict[str, bytes], list[SourceError]]]:
    """Renders some outputs of `site` at a time (the dev server's pages on request), with the
    template globals made once: the same bytes as render_pages."""
    common = _common(site, images)
    return lambda outputs: _render_range(site, env, outputs, images, common)


# What forked page renderers inherit: set just before the pool forks, cleared after.
_FORKED: tuple[Site, jinja2.Environment, Mapping[str, ImageSet], Sequence[Output],
               Spill | None, dict[str, object]] | None = None
_SIDE: Callable[[], object] | None = None
PARALLEL_PAGES = 400  # below this, forking costs more than it saves
_CHUNK = 64  # pages per task, or more: one spill file per task, at most SPILL_FILES
SPILL_FILES = 256  # open at once, well below the usual limit of 1024 file descriptors

Chunk = tuple[dict[str, bytes], dict[str, Span], list[SourceError], dict[str, Fact]]


def _render_chunk(task: tuple[int, tuple[int, ...]]) -> Chunk:
    """Pages of one chunk (its index, the outputs' positions), with what the build does
    next to each (its digest for the writer and the checks, its links for the link check)
    done here, on every core, instead of one after the other in the parent. The pages go
    into the chunk's spill file (brandgen/public/spill.py); only where they lie goes back."""
    assert _FORKED is not None, "only called in a forked worker"
    site, env, images, outputs, spill, common = _FORKED
    index, positions = task
    files, errors = _render_range(site, env, [outputs[i] for i in positions], images, common)
    if errors:  # the build renders them again in order, to report each error once
        return {}, {}, errors, {}
    facts = {name: (hashlib.sha256(data).hexdigest(), page_links(data, site.urls))
             for name, data in files.items()}
    if spill is None:
        return files, {}, errors, facts
    names = sorted(files)
    try:
        spans = dict(zip(names, spill.put(index, [files[n] for n in names]), strict=True))
    except OSError:  # no room for the spill file: the pages go back as they are
        return files, {}, errors, facts
    return {}, spans, errors, facts


def _side_task(_: object) -> object:
    assert _SIDE is not None, "only called in a forked worker"
    return _SIDE()


def _can_fork(jobs: int, count: int) -> bool:
    """Forking shares the assembled site without pickling it; only where fork is safe:
    Linux, and no other thread running (the dev server renders in-process)."""
    return jobs > 1 and count >= PARALLEL_PAGES and can_fork()


def page_cache(site: Site, env: jinja2.Environment, images: Mapping[str, ImageSet],
               cache: Cache | None, live: LiveTree | None, common: dict[str, object],
               owns: dict[int, bytes] | None = None) -> CachedPages:
    """What the cache holds of this build's pages; the functions templates get (`common`,
    the template globals) depend on the URLs and images, which salt every key. `owns`:
    the pages' own key parts by output id, some known (brandgen/public/pagekeys.py)."""
    keys = None
    if cache is not None:
        keys = PageKeys(env, common["site"], common,
                        (site.urls, sorted(images.items())), TemplateSlots(cache), owns)

    def render_again(outputs: Sequence[Output]) -> dict[str, bytes]:
        """Pages whose file is not in the output folder: they rendered before, so they do."""
        files, errors = _render_range(site, env, outputs, images, common)
        if errors:
            raise BuildError(errors)
        return files

    return CachedPages(keys, cache, lambda out: site.routes[out.route].file,
                       lambda out: page_meta(site, out), render_again, live=live)


def preload_templates(env: jinja2.Environment, cached: CachedPages) -> None:
    """Load the templates the pages use before forking, so the workers inherit them
    (compiled once, or loaded from the cache, which only this process may read)."""
    if env.bytecode_cache is None or cached.keys is None:
        return
    for name in cached.keys.deps.parsed():
        try:
            env.get_template(name)
        except Exception:  # rendering reports it, at the page that uses it
            continue


def render_pages(site: Site, env: jinja2.Environment, problems: Problems, jobs: int = 1,
                 images: Mapping[str, ImageSet] | None = None, cache: Cache | None = None
                 ) -> PageFiles:
    """Every HTML page, in `jobs` forked processes for large sites; the same bytes either way.
    With a cache, only pages whose inputs changed are rendered (brandgen/public/pagecache.py)."""
    return render_pages_and(site, env, problems, lambda: None, jobs, images, cache)[0]


def render_pages_and(site: Site, env: jinja2.Environment, problems: Problems,
                     side: Callable[[], T], jobs: int = 1,
                     images: Mapping[str, ImageSet] | None = None, cache: Cache | None = None,
                     whole_site: bool = False, live: LiveTree | None = None,
                     owns: dict[int, bytes] | None = None) -> tuple[PageFiles, T]:
    """render_pages, and side() with them: in a forked worker when the pages are, so what
    it allocates (the CV PDF's library and fonts, ~30 MB) never weighs on this process;
    its result must pickle. `whole_site`: `site.outputs` are all the build's pages (then
    the cache may drop pages none of them uses); `live`: the output folder, where cached
    pages are, and its files' digests when known; `owns`: see page_cache."""
    global _FORKED, _SIDE
    images = images or {}
    common = _common(site, images)  # the template globals, made once
    cached = page_cache(site, env, images, cache, live, common, owns)
    outputs = site.outputs
    # Pages no cached page can match (all of them on a cache holding none, a cold build;
    # those of an edited template) are rendered at once, and the keys, needed to find the
    # other misses and to store the digests, are made while the workers render them.
    certain = cached.certain_misses(outputs) if _can_fork(jobs, len(outputs)) else []
    keys_later = _can_fork(jobs, len(certain))  # else the keys first, then the misses
    first = certain if keys_later else cached.miss_positions(outputs)
    rest: list[int] = []  # the misses the keys find beside the certain ones
    files: dict[str, bytes] = {}
    if _can_fork(jobs, len(first)):
        cached.read_templates(outputs)  # the templates to load before forking
        preload_templates(env, cached)
        # At most SPILL_FILES tasks in all, the misses found later included: two batches
        # of a and b pages make at most ceil(a/size) + ceil(b/size) <= ceil(n/size) + 1.
        size = max(_CHUNK, (-(-len(outputs) // max(1, SPILL_FILES - 1)) if keys_later
                            else -(-len(first) // SPILL_FILES)))
        chunks = -(-len(first) // size) + ((-(-(len(outputs) - len(first)) // size))
                                           if keys_later else 0)
        try:
            spill: Spill | None = Spill(chunks)
        except OSError:  # no file descriptor or memory file to spare: pages come back whole
            spill = None
        # the template globals are inherited, not made per chunk (~4% of the workers' time)
        _FORKED, _SIDE = (site, env, images, outputs, spill, common), side
        try:
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                extra = pool.map_async(_side_task, [None])  # first: it is the longest task
                pending = [pool.map_async(_render_chunk, _tasks(first, size, 0), chunksize=1)]
                if keys_later:  # the keys of every page, while those render; then the rest
                    done = set(first)
                    rest = [i for i in cached.miss_positions(outputs) if i not in done]
                    if rest:
                        pending.append(pool.map_async(
                            _render_chunk, _tasks(rest, size, -(-len(first) // size)),
                            chunksize=1))
                parts = [part for waiting in pending for part in waiting.get()]
                made: T = extra.get()[0]  # type: ignore[assignment]
        finally:
            _FORKED, _SIDE = None, None
        if not any(errors for _, _, errors, _ in parts):
            files = {name: data for part, _, _, _ in parts for name, data in part.items()}
            spans = {name: span for _, part, _, _ in parts for name, span in part.items()}
            facts = {name: fact for _, _, _, part in parts for name, fact in part.items()}
            keep_templates(env, cached.keys.deps if cached.keys else None)
            return cached.complete(files, facts, spans, spill,
                                   whole_site and not problems.errors), made
        if spill is not None:
            spill.close()
        # An error: render again in order here, so each template's error is reported once.
    else:
        made = side()
    todo = sorted(first + rest) if rest else first
    files, errors = _render_range(site, env, [outputs[i] for i in todo], images, common)
    for error in errors:
        problems.add(error)
    keep_templates(env, cached.keys.deps if cached.keys else None)
    return cached.complete(files, whole_site=whole_site and not problems.errors), made


def _tasks(positions: Sequence[int], size: int, index: int
           ) -> list[tuple[int, tuple[int, ...]]]:
    """Chunks of `size` positions, numbered from `index` (their spill files)."""
    return [(index + n, tuple(positions[i:i + size]))
            for n, i in enumerate(range(0, len(positions), size))]


def render_site(site: Site, env: jinja2.Environment, problems: Problems, jobs: int = 1,
                images: Mapping[str, ImageSet] | None = None, cache: Cache | None = None,
                live: LiveTree | None = None, owns: dict[int, bytes] | None = None
                ) -> PageFiles:
    """All generated files of the public site (static files are added by the writer); the
    cached pages among them are read from the output folder `live` when asked for;
    `owns`: the pages' own key parts (page_cache), some known, the rest filled in."""
    # ~70 ms of XML and ~40 ms of Markdown escaping at 4000 posts, from values made in
    # ~10 ms; llms.txt lists cv.pdf when there is one.
    slots = FileSlots(cache, lambda: {"sitemap.xml": sitemap_entries(site),
                                      "llms.txt": llms_index(site)}, {"llms.txt": "cv.pdf"})

    pdf = PdfSlot(cache, site, env)

    def site_wide() -> tuple[dict[str, bytes], Problems, CompiledCv | None]:
        found = Problems()  # reported after the pages', as when made one after the other
        return site_files(site, env, found, slots, pdf), found, pdf.made

    files, (whole, found, made) = render_pages_and(site, env, problems, site_wide, jobs,
                                                   images, cache, whole_site=True,
                                                   live=live, owns=owns)
    if not problems.errors and not found.errors:
        slots.store(whole)
        pdf.store(made)
    files.update(whole)
    problems.extend(found)
    return files


def site_files(site: Site, env: jinja2.Environment, problems: Problems,
               slots: FileSlots | None = None, pdf: PdfSlot | None = None) -> dict[str, bytes]:
    """The files made from the whole site rather than one output: feed, sitemap, CV PDF...
    (`slots`, `pdf`: some of them as an earlier build made them)."""
    made = site_file_makers(site, env, problems, pdf)
    known = slots.usable(made) if slots is not None else {}
    return {name: known.get(name) or make() for name, make in made.items()}


def site_file_makers(site: Site, env: jinja2.Environment, problems: Problems,
                     pdf_slot: PdfSlot | None = None) -> dict[str, Callable[[], bytes]]:
    """site_files, each file as a function that makes it (the dev server makes some only
    when asked for); what reports problems (the CV PDF) is made now."""
    pdf = cv_pdf(site, env, problems, pdf_slot)
    makers: dict[str, Callable[[], bytes]] = {
        "feed.xml": lambda: atom_feed(site),
        "sitemap.xml": lambda: sitemap(site),
        "robots.txt": lambda: robots_txt(site),
        "resume.json": lambda: resume_json(site),
    }
    if pdf is not None:
        makers["cv.pdf"] = lambda: pdf
    makers["llms.txt"] = lambda: llms_txt(site, pdf is not None)
    makers[".nojekyll"] = lambda: b""
    makers["assets/syntax.css"] = lambda: syntax_css().encode()
    makers["assets/favicon.svg"] = lambda: favicon_svg(site.content.profile.name,
                                                       site.config.accent).encode()
    return makers


def accent_css(accent: str | None) -> Markup:
    """The brand colour's custom properties for the page head ('' for the theme's own)."""
    rgb = parse_hex(accent) if accent else None
    return Markup(palette(rgb).css()) if rgb else Markup("")  # hex digits only: safe


def favicon_svg(name: str, accent: str | None = None) -> str:
    """A monogram favicon from the person's initials, in the accent colour (dark-aware)."""
    initials = "".join(w[0] for w in name.split()[:2] if w[:1].isalpha()).upper() or "•"
    colours = ["#1d5fa6", "#fff", "#8ab8f0", "#131519"]
    rgb = parse_hex(accent) if accent else None
    if rgb:
        p = palette(rgb)
        colours = [to_hex(c) for c in (p.light.accent, p.light.on_accent, p.dark.accent,
                                       p.dark.on_accent)]
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
            f"<style>rect{{fill:{colours[0]}}}text{{fill:{colours[1]}}}"
            "@media (prefers-color-scheme:dark)"
            f"{{rect{{fill:{colours[2]}}}text{{fill:{colours[3]}}}}}</style>"
            '<rect width="64" height="64" rx="14"/>'
            '<text x="32" y="42" font-family="system-ui,sans-serif" font-size="28" '
            'font-weight="700" text-anchor="middle">'
            f"{escape(initials, quote=False)}</text></svg>\n")
