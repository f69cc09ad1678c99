"""Markdown sources: posts, pages and project write-ups with their front matter."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import pickle
import re
import sys
import threading
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from brandgen.cache import Cache
from brandgen.errors import Problems
from brandgen.fields import MAX_DATE, MIN_DATE, Fields, static_path
from brandgen.listing import Listing
from brandgen.model import Document, Page, Post
from brandgen.postcache import load_posts_cached
from brandgen.sources import content_files, read_text, split_front_matter
from brandgen.urls import slug_problem, slugify
from brandgen.yamlfile import YNode, parse_yaml

if TYPE_CHECKING:  # the Markdown stage is imported only by a build that renders ahead
    from brandgen.ahead import AheadPool

POST_KEYS = ("title", "date", "updated", "summary", "tags", "draft", "canonical_url", "image",
             "slug", "toc")
PAGE_KEYS = ("title", "menu", "slug", "summary")
_DATE_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")
_TIMED = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(:\d{2})?$")


def read_markdown(path: Path, rel: str, problems: Problems, front_matter: bool = True
                  ) -> tuple[YNode | None, Document] | None:
    """Read a Markdown file and parse its front matter (positions are file positions)."""
    text = read_text(path, rel, problems)
    if text is None:
        return None
    return parse_markdown(text, rel, problems, front_matter)


def parse_markdown(text: str, rel: str, problems: Problems, front_matter: bool = True
                   ) -> tuple[YNode | None, Document] | None:
    """Split and parse a Markdown file's front matter (positions are file positions)."""
    if not front_matter:
        return None, Document(rel, text, 1)
    fm = split_front_matter(text)
    if fm.yaml_text is None:
        problems.error("no front matter", rel, 1, 1,
                       "start the file with a `---` line, then `title: ...`, then `---`")
        return None
    if not fm.closed:
        problems.error("front matter is not closed", rel, 1, 1,
                       "add a `---` line after the front matter")
        return None
    doc = parse_yaml(fm.yaml_text, rel, line_offset=1)
    for err in doc.errors:
        problems.add(err)
    if doc.root is None and not doc.errors:
        problems.error("front matter is empty", rel, 1, 1, "add at least `title: ...`")
    if doc.root is None:
        return None
    return doc.root, Document(rel, fm.body, fm.body_line)


def _slug(f: Fields, default: str, kind: str, seen: dict[str, str]) -> str | None:
    slug = f.text("slug") or default
    problem = slug_problem(slug)
    if problem:
        f.fail("slug" if "slug" in f.entries else "title", problem,
               "set `slug:` to letters, digits and hyphens")
        return None
    if slug in seen:
        f.fail("slug" if "slug" in f.entries else "title", f"duplicate {kind} slug '{slug}'",
               f"{seen[slug]} has the same slug; set a different `slug:`")
        return None
    seen[slug] = f.path
    return slug


def _documents(root: Path, folder: str, keys: tuple[str, ...], problems: Problems
               ) -> Iterator[tuple[Path, Fields, Document]]:
    """Each Markdown file in `folder` whose front matter is a mapping, in name order."""
    for path in content_files(root / folder, ".md"):
        rel = path.relative_to(root).as_posix()
        read = read_markdown(path, rel, problems)
        if read is None or read[0] is None:
            continue
        f = Fields(read[0], rel, problems, "", keys)
        if f.ok:
            yield path, f, read[1]


def _instant(value: object, timezone: str) -> dt.datetime | None:
    """A post dated with a time: the aware instant (a naive time is in the site's zone)."""
    if isinstance(value, str) and _TIMED.match(value.strip()):
        value = dt.datetime.fromisoformat(value.strip())  # YAML wants seconds; we do not
    if not isinstance(value, dt.datetime) or not MIN_DATE <= value.date() <= MAX_DATE:
        return None
    zone = zoneinfo.ZoneInfo(timezone)
    return value.replace(tzinfo=zone) if value.tzinfo is None else value.astimezone(zone)


def load_posts(root: Path, problems: Problems, timezone: str = "UTC",
               cache: Cache | None = None, statics: frozenset[str] = frozenset(),
               jobs: int = 1, ahead: AheadPool | None = None,
               listing: Listing | None = None) -> tuple[Post, ...]:
    """content/posts/*.md, newest first; unchanged files come from the cache, and with
    `jobs` > 1 many new ones are parsed in forked processes (the same posts either way);
    `listing`: the CLI's stamp walk, which took the post files' stat already."""

    def parse(path: Path, rel: str, text: str, seen: dict[str, str]) -> Post | None:
        return parse_post(root, path, rel, text, problems, timezone, seen)

    def prefetch(todo: list[tuple[str, str]]) -> dict[str, bytes]:
        return parse_clean(root, todo, timezone, jobs, ahead)

    posts = load_posts_cached(root, problems, timezone, statics, cache, parse, prefetch,
                              listing)
    posts.sort(key=lambda p: (p.date, p.slug), reverse=True)
    return tuple(posts)


# What forked post parsers inherit: set just before the pool forks, cleared after.
_FORKED: tuple[Path, list[tuple[str, str]], str] | None = None
PARALLEL_POSTS = 500  # below this, forking costs more than parsing here
_CHUNK = 100


def _parse_chunk(bounds: tuple[int, int]) -> list[tuple[str, bytes]]:
    """Posts of one chunk, pickled here: the form the post cache stores them in, so the
    parent, which must unpickle what a worker sends anyway, need not pickle each again."""
    assert _FORKED is not None, "only called in a forked worker"
    root, todo, timezone = _FORKED
    done: list[tuple[str, bytes]] = []
    for rel, text in todo[bounds[0]:bounds[1]]:
        quiet = Problems()  # a file with any message is parsed again in order, in the parent
        post = parse_post(root, root / rel, rel, text, quiet, timezone, {})
        if post is not None and not quiet.errors and not quiet.warnings:
            done.append((rel, pickle.dumps(post, protocol=5)))
    return done


def parse_clean(root: Path, todo: list[tuple[str, str]], timezone: str, jobs: int,
                ahead: AheadPool | None = None) -> dict[str, bytes]:
    """The posts of (rel, text) pairs that parse without a message, by forked workers, each
    pickled as the post cache stores it; {} where forking is not worth it or not safe (not
    Linux, another thread running). With `ahead`, its pool parses them and then goes on
    to render their Markdown while this process carries on; fewer than PARALLEL_POSTS are
    parsed here, and one forked process renders their Markdown meanwhile (brandgen/ahead.py)."""
    global _FORKED
    if not (jobs > 1 and sys.platform == "linux" and threading.active_count() == 1):
        return {}
    if len(todo) < PARALLEL_POSTS:  # parsed here; their Markdown rendered meanwhile
        if ahead is not None:
            ahead.render_few(todo)
        return {}
    bounds = [(i, min(i + _CHUNK, len(todo))) for i in range(0, len(todo), _CHUNK)]
    _FORKED = (root, todo, timezone)
    try:
        shared = ahead.fork(todo) if ahead is not None else None
        if ahead is not None and shared is not None:
            parsing = shared.map_async(_parse_chunk, bounds, chunksize=1)
            ahead.start(bounds)  # queued behind the parse: its results come back first
            parts = parsing.get()
        else:
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                parts = pool.map(_parse_chunk, bounds, chunksize=1)
    finally:
        _FORKED = None
    return {rel: data for part in parts for rel, data in part}


def parse_post(root: Path, path: Path, rel: str, text: str, problems: Problems,
               timezone: str, seen: dict[str, str]) -> Post | None:
    """One post file's text -> Post (None when invalid); its slug is recorded in `seen`."""
    read = parse_markdown(text, rel, problems)
    if read is None or read[0] is None:
        return None
    f = Fields(read[0], rel, problems, "", POST_KEYS)
    return _post(path, f, read[1], problems, timezone, root, seen) if f.ok else None


def _post(path: Path, f: Fields, doc: Document, problems: Problems, timezone: str, root: Path,
          seen: dict[str, str]) -> Post | None:
    rel = f.path
    match = _DATE_PREFIX.match(path.stem)
    name_date = None
    if match:
        try:
            name_date = dt.date.fromisoformat(match.group(1))
            if not MIN_DATE <= name_date <= MAX_DATE:
                raise ValueError("out of range")
        except ValueError:
            problems.error(f"file name starts with an impossible date {match.group(1)}",
                           rel, hint="rename the file to YYYY-MM-DD-slug.md")
    instant = _instant(f.at("date").value, timezone) if "date" in f.entries else None
    date = instant.date() if instant else (
        f.date("date") if "date" in f.entries else name_date)
    if date is None and "date" not in f.entries:
        f.fail("date", "required, expected an ISO date like 2026-11-23",
               "add `date: YYYY-MM-DD` or name the file YYYY-MM-DD-slug.md")
    title = f.text("title", required=True)
    slug = _slug(f, slugify(match.group(2) if match else path.stem), "post", seen)
    updated = f.date("updated")
    if date and updated and updated < date:
        f.fail("updated", f"is before the post's date ({date})", "fix one of the dates")
    image = static_path(f, "image", root)
    canonical = f.url("canonical_url")
    if canonical and not re.match(r"^https?://", canonical):
        f.fail("canonical_url", f"must be an absolute http(s) URL, got {canonical!r}")
        canonical = ""
    summary, tags = f.text("summary", default="") or "", f.strings("tags")
    draft = f.boolean("draft")
    toc = f.boolean("toc", default=True, hint="`toc: false` hides the table of contents; "
                    "posts with three or more sections show one by default")
    if title and date and slug:
        return Post(title, slug, date, doc, updated, summary, tags, draft, canonical, image,
                    instant, toc)
    return None


def load_pages(root: Path, problems: Problems) -> tuple[Page, ...]:
    pages: list[Page] = []
    seen: dict[str, str] = {}
    for path, f, doc in _documents(root, "content/pages", PAGE_KEYS, problems):
        title = f.text("title", required=True)
        slug = _slug(f, slugify(path.stem), "page", seen)
        menu = f.integer("menu")
        if title and slug:
            pages.append(Page(title, slug, doc, menu, f.text("summary", default="") or ""))
    return tuple(pages)


def load_writeups(root: Path, problems: Problems) -> dict[str, Document]:
    """content/projects/<slug>.md, plain Markdown (front matter not needed)."""
    out: dict[str, Document] = {}
    for path in content_files(root / "content/projects", ".md"):
        rel = path.relative_to(root).as_posix()
        read = read_markdown(path, rel, problems, front_matter=False)
        if read is not None:
            out[path.stem] = read[1]
    return out
