"""The route table: every public output's source, route, file and URL, decided once.

Templates, feeds, the sitemap and the link check read these entries; nothing else glues
route strings together or strips base paths back off URLs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from brandgen.errors import Problems, SourceError
from brandgen.model import Content, Post
from brandgen.urls import Urls, output_file, tag_slug

RESERVED = {"blog", "projects", "cv", "tags", "assets", "feed.xml", "sitemap.xml",
            "robots.txt", "404.html", "resume.json", "index.html", "llms.txt"}
FIXED = ("", "cv/", "404.html", "feed.xml", "sitemap.xml", "robots.txt", "resume.json",
         "llms.txt")
# The lists are left out when empty (and so are their nav items): no projects, no /projects/;
# no published posts, no /blog/ and no /tags/.


@dataclass(frozen=True)
class Route:
    """One output: 'blog/a/' is written to 'blog/a/index.html' and linked as '/brand/blog/a/'."""

    route: str
    file: str
    url: str
    abs_url: str
    source: str = ""  # the content file it comes from, '' for generated lists


@dataclass(frozen=True)
class Routes:
    urls: Urls
    entries: Mapping[str, Route]  # route -> entry, in planning order
    documents: Mapping[str, Route]  # published Markdown source -> its page
    unpublished: frozenset[str]  # sources of drafts and future posts: links to them are errors
    blog_pages: int  # 0 without published posts
    tag_pages: Mapping[str, int] = field(default_factory=dict)  # tag slug -> page count
    per_page: int = 10

    def __getitem__(self, route: str) -> Route:
        return self.entries[route]

    def doc(self, source: str) -> Route | None:
        return self.documents.get(source)

    def blog(self, n: int = 1) -> Route:
        return self.entries["blog/" if n == 1 else f"blog/page/{n}/"]

    def tag(self, slug: str, n: int = 1) -> Route:
        return self.entries[f"tags/{slug}/" if n == 1 else f"tags/{slug}/page/{n}/"]

    @property
    def files(self) -> frozenset[str]:
        return frozenset(r.file for r in self.entries.values())


def make_route(urls: Urls, route: str, source: str = "") -> Route:
    return Route(route, output_file(route), urls.path(route), urls.absolute(route), source)


def _pages(count: int, per_page: int) -> int:
    return max(1, math.ceil(count / per_page))


def tag_counts(posts: Iterable[Post]) -> dict[str, int]:
    """Posts per tag slug ("Python" and "python" are one topic)."""
    counts: dict[str, int] = {}
    for post in posts:
        for slug in dict.fromkeys(tag_slug(t) for t in post.tags):
            counts[slug] = counts.get(slug, 0) + 1
    return counts


def plan_routes(urls: Urls, content: Content, published: Sequence[Post], per_page: int,
                problems: Problems) -> Routes:
    """Every output of the public site, once; clashing URLs are errors naming both sources."""
    entries: dict[str, Route] = {}
    documents: dict[str, Route] = {}

    def add(route: str, source: str = "") -> Route:
        if route in entries:
            other = entries[route].source or "a built-in page"
            problems.add(SourceError(f"two pages want the URL /{route}: this one and {other}",
                                     source or other, 1, 1,
                                     "give one of them a different `slug:`"))
            return entries[route]
        entries[route] = make_route(urls, route, source)
        if source.endswith(".md"):
            documents[source] = entries[route]
        return entries[route]

    for route in FIXED:
        add(route)
    if content.projects:
        add("projects/")
    for project in content.projects:
        add(f"projects/{project.slug}/",
            project.writeup.source if project.writeup else "content/projects.yaml")
    blog_pages = _pages(len(published), per_page) if published else 0
    for n in range(1, blog_pages + 1):
        add("blog/" if n == 1 else f"blog/page/{n}/")
    for post in published:
        add(f"blog/{post.slug}/", post.doc.source)
    counts = tag_counts(published)
    tag_pages = {slug: _pages(n, per_page) for slug, n in counts.items()}
    if counts:
        add("tags/")
    for slug in sorted(counts):
        for n in range(1, tag_pages[slug] + 1):
            add(f"tags/{slug}/" if n == 1 else f"tags/{slug}/page/{n}/")
    for page in content.pages:
        if page.slug in RESERVED:
            problems.add(SourceError(f"page slug '{page.slug}' clashes with a built-in URL",
                                     page.doc.source, 1, 1,
                                     "set a different `slug:`; reserved: "
                                     + ", ".join(sorted(RESERVED))))
            continue
        add(f"{page.slug}/", page.doc.source)
    published_sources = {p.doc.source for p in published}
    unpublished = frozenset(p.doc.source for p in content.posts) - published_sources
    return Routes(urls, entries, documents, unpublished, blog_pages, tag_pages, per_page)
