"""The Markdown stage: every document -> RenderedDoc, through the cache and a process pool.

`render_docs` is a pure function of the documents' text and the Markdown settings: it never
sees the route table, so adding a page invalidates no cached document. `resolve_doc` then
turns a document's link placeholders into URLs from today's routes (on every build, hit or
miss), reporting links to missing or unpublished files at their line.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import posixpath
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from brandgen import __version__, codecache
from brandgen.cache import Cache, worker_cache
from brandgen.errors import SourceError
from brandgen.libversions import library_version
from brandgen.rendered import (
    IMAGE_PLACEHOLDER,
    PLACEHOLDER,
    DocImage,
    DocLink,
    ImageRenderer,
    RenderedDoc,
    Section,
    escape_html,
)
from brandgen.typography import DEFAULT_SETTINGS, MarkdownSettings
from brandgen.urls import Urls

# Bump when render_doc's output changes for the same input without a library change.
ENGINE = "docs-4"
# Fewer misses than this render in-process: starting workers costs more than it saves.
POOL_THRESHOLD = 64
LIBRARIES = ("markdown-it-py", "markdown-it-pyrs", "mdit-py-plugins", "pygments",
             "linkify-it-py")


class DocInput(NamedTuple):
    """One Markdown text to render; `source` and `body_line` only place its errors. (A
    named tuple: every build and every dev-server rebuild makes one per document, and
    hashes it, where a frozen dataclass costs four times as much.)"""

    source: str  # relative to the project root, e.g. 'content/posts/a.md'
    body: str
    body_line: int = 1
    allow_html: bool = True  # False for Markdown typed into YAML fields


@cache
def _libraries() -> str:
    """The versions of the libraries that shape the HTML (brandgen/libversions.py)."""
    return ",".join(f"{name}={library_version(name)}" for name in LIBRARIES)


def settings_fingerprint(settings: MarkdownSettings = DEFAULT_SETTINGS) -> str:
    """What, besides a document's text, decides its HTML: the Markdown settings (quotes by
    the site's language), brandgen and library versions."""
    return (f"{ENGINE};brandgen={__version__};{_libraries()};py={sys.version_info[:2]};"
            f"md={settings.key}")


def doc_key(doc: DocInput, fingerprint: str) -> str:
    """The cache key: text + settings, never the source path or the other pages."""
    digest = hashlib.sha256(fingerprint.encode())
    digest.update(b"\x01" if doc.allow_html else b"\x00")
    digest.update(doc.body.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _encode(doc: RenderedDoc) -> bytes:
    links = tuple((link.href, link.line, link.attr) for link in doc.links)
    images = tuple((i.link, i.alt, i.title, i.first, i.html) for i in doc.images)
    sections = tuple((s.level, s.id, s.title) for s in doc.sections)
    return pickle.dumps((doc.html, doc.text, doc.words, doc.headings, links, images,
                         sections, doc.text_words), protocol=5)


def _decode(data: bytes) -> RenderedDoc | None:
    """A cache entry, or None when it is damaged or not ours (then it is rendered again)."""
    try:
        html, text, words, headings, links, images, sections, text_words = \
            pickle.loads(data)  # ours
        doc = RenderedDoc(html, text, words, tuple(headings),
                          tuple(DocLink(h, line, attr) for h, line, attr in links),
                          tuple(DocImage(*image) for image in images),
                          tuple(Section(*section) for section in sections), text_words)
    except Exception:
        return None
    ok = (isinstance(doc.html, str) and isinstance(doc.text, str)
          and isinstance(doc.words, int) and isinstance(doc.text_words, int)
          and all(isinstance(h, str) for h in doc.headings))
    return doc if ok else None


def render_batch(batch: Sequence[tuple[str, str, bool]],
                  settings: MarkdownSettings = DEFAULT_SETTINGS, folder: str | None = None
                  ) -> tuple[list[bytes], dict[str, str], bool]:
    """Worker entry point: (key, text, allow_html) in; encoded RenderedDocs, the code blocks
    it highlighted, and whether it stored both in the cache at `folder` itself (through a
    connection of its own: the build process then need not, one batch after another)."""
    from brandgen.markdown import render_doc  # the engine: only where a document renders

    encoded = [_encode(render_doc(body, allow_html, settings)) for _, body, allow_html in batch]
    code = codecache.take_fresh()
    if folder is None:
        return encoded, code, False
    stored = worker_cache(Path(folder)).put_tables({
        "docs": {key: data for (key, _, _), data in zip(batch, encoded, strict=True)},
        codecache.TABLE: codecache.encoded(code)})
    return encoded, {} if stored else code, stored



def pool_context() -> multiprocessing.context.BaseContext:
    """An explicit start method: fork on Linux while this process runs one thread (the
    cheapest start; workers only ever receive texts), else forkserver (safe beside the dev
    server's threads: workers fork from a clean server process), else spawn."""
    methods = multiprocessing.get_all_start_methods()
    if sys.platform == "linux" and threading.active_count() == 1 and "fork" in methods:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _render_misses(todo: list[tuple[str, str, bool]], jobs: int, settings: MarkdownSettings,
                   folder: str | None = None) -> tuple[list[bytes], bool]:
    """The encoded documents of `todo` ((key, text, allow_html) each), and whether they
    and their code blocks are in the cache already (workers store what they render)."""
    if not todo:
        return [], False
    if jobs <= 1 or len(todo) < POOL_THRESHOLD:
        rendered, code, _ = render_batch(todo, settings)
        codecache.remember_fresh(code)
        return rendered, False
    size = max(8, len(todo) // (jobs * 4))
    batches = [todo[i:i + size] for i in range(0, len(todo), size)]
    ctx = pool_context()
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload(["brandgen.markdown"])
    with ctx.Pool(min(jobs, len(batches))) as pool:
        results = pool.map(partial(render_batch, settings=settings, folder=folder), batches,
                           chunksize=1)
    for _, code, _ in results:
        codecache.remember_fresh(code)
    return [item for batch, _, _ in results for item in batch], \
        all(stored for _, _, stored in results)


def render_docs(docs: Sequence[DocInput], cache: Cache | None = None, jobs: int = 1,
                settings: MarkdownSettings = DEFAULT_SETTINGS) -> list[RenderedDoc]:
    """Every document rendered (cache hits reused), in the order given."""
    fingerprint = settings_fingerprint(settings)
    keys = [doc_key(d, fingerprint) for d in docs]
    found: dict[str, RenderedDoc] = {}
    if cache is not None:  # decoded part by part: never every document's bytes at once
        for part in cache.get_parts("docs", sorted(set(keys))):
            for key, data in part.items():
                decoded = _decode(data)
                if decoded is not None:
                    found[key] = decoded
    todo: dict[str, tuple[str, str, bool]] = {}
    for key, doc in zip(keys, docs, strict=True):
        if key not in found:
            todo.setdefault(key, (key, doc.body, doc.allow_html))
    codecache.preload(cache, [body for _, body, _ in todo.values()])
    encoded, stored = _render_misses(list(todo.values()), jobs, settings,
                                     str(cache.path.parent) if cache is not None else None)
    fresh = dict(zip(todo, encoded, strict=True))
    codecache.store_fresh(cache, codecache.take_fresh())
    if cache is not None and fresh and not stored:
        cache.put_many("docs", fresh)
    for key, data in fresh.items():
        decoded = _decode(data)
        assert decoded is not None, "a fresh render always decodes"
        found[key] = decoded
    return [found[key] for key in keys]


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1)


@dataclass(frozen=True)
class LinkTargets:
    """What a document's links may point at: today's routes."""

    urls: Urls
    documents: Mapping[str, str]  # published source -> route
    unpublished: frozenset[str] = frozenset()
    picture: ImageRenderer | None = None  # responsive markup for content/static/ images


def resolve_link(href: str, source: str, targets: LinkTargets) -> tuple[str | None, str]:
    """The URL for a local link, or (None, reason) when it points at a missing file."""
    urls = targets.urls
    parts = urlsplit(href)
    suffix = ("#" + parts.fragment) if parts.fragment else ""
    if href.startswith("/"):
        if href.startswith(urls.base_path) and urls.base_path != "/":
            return href, ""
        return urls.path(parts.path) + suffix, ""
    target = posixpath.normpath(posixpath.join(posixpath.dirname(source), parts.path))
    if target in targets.documents:
        return urls.path(targets.documents[target]) + suffix, ""
    if target.startswith("content/static/"):
        return urls.path(target.removeprefix("content/static/")) + suffix, ""
    if target in targets.unpublished:
        return None, f"link to {target}, a draft or future-dated post that is not published"
    if parts.path.endswith(".md"):
        return None, f"link to {target}, which is not a page of this site"
    return href, ""


def resolve_doc(doc: RenderedDoc, source: str, body_line: int, targets: LinkTargets
                ) -> tuple[str, list[SourceError]]:
    """The document's final HTML against today's routes and static files, and its
    broken-link errors. Images become <picture> markup here, after the cache."""
    if not doc.links:
        return doc.html, []
    errors: list[SourceError] = []
    resolved: list[str] = []
    for link in doc.links:
        new, reason = resolve_link(link.href, source, targets)
        if new is None:
            errors.append(SourceError(reason, source, link.line + body_line, 1,
                                      "fix the path (it is relative to this file) or link a URL"))
            new = link.href
        resolved.append(new)
    html = doc.html
    if doc.images:
        pictures = [_picture(image, resolved[image.link], targets) for image in doc.images]
        html = IMAGE_PLACEHOLDER.sub(lambda m: pictures[int(m.group(1))], html)
    hrefs = [escape_html(url) for url in resolved]
    return PLACEHOLDER.sub(lambda m: hrefs[int(m.group(1))], html), errors


def _picture(image: DocImage, src: str, targets: LinkTargets) -> str:
    """An image's responsive markup for its resolved URL, else its plain <img> (whose src
    placeholder is resolved with the links)."""
    markup = targets.picture(src, image.alt, image.title, image.first) if targets.picture \
        else None
    return image.html if markup is None else markup
