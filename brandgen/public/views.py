"""Views: public records plus what templates need (URLs, rendered HTML), built once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from brandgen.config import SiteConfig
from brandgen.model import Content, Page, Post, Project
from brandgen.routes import Routes
from brandgen.urls import Urls


@dataclass(frozen=True)
class TagLink:
    name: str
    slug: str
    url: str
    count: int = 0


@dataclass(frozen=True)
class TocEntry:
    """One line of a table of contents: an h2 (with its h3s as children) or a lone h3."""

    id: str
    title: str
    children: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class PostView:
    post: Post
    url: str
    abs_url: str
    html: str
    text: str
    reading_minutes: int
    tags: tuple[TagLink, ...]
    description: str
    text_words: int
    image_url: str = ""
    toc: tuple[TocEntry, ...] = ()  # empty: no table of contents on this post

    @property
    def title(self) -> str:
        return self.post.title

    @property
    def date(self) -> dt.date:
        return self.post.date

    @property
    def updated(self) -> dt.date | None:
        return self.post.updated

    @property
    def summary(self) -> str:
        return self.post.summary

    @property
    def canonical_url(self) -> str:
        return self.post.canonical_url


@dataclass(frozen=True)
class ProjectView:
    project: Project
    url: str
    html: str  # the write-up, or ""
    image_url: str = ""
    tags: tuple[str, ...] = field(default=())

    @property
    def title(self) -> str:
        return self.project.title

    @property
    def summary(self) -> str:
        return self.project.summary


@dataclass(frozen=True)
class PageView:
    page: Page
    url: str
    html: str
    text: str

    @property
    def title(self) -> str:
        return self.page.title


@dataclass(frozen=True)
class MenuItem:
    title: str
    url: str
    route: str
    sections: tuple[str, ...] = ()  # routes under these prefixes are this item's too

    def marks(self, route: str) -> bool:
        """Whether this item is the current one on the page at `route`."""
        return route == self.route or any(route.startswith(s) for s in self.sections)


@dataclass(frozen=True)
class Pagination:
    number: int
    count: int
    newer_url: str = ""
    older_url: str = ""


@dataclass(frozen=True)
class Output:
    """One file of the public site: a route rendered by a template with its context."""

    route: str
    template: str
    title: str
    description: str
    source: str = ""  # the content file it came from, for error messages
    context: dict[str, object] = field(default_factory=dict)
    og_type: str = "website"
    image_url: str = ""
    jsonld: object = None
    noindex: bool = False
    in_sitemap: bool = True
    lastmod: dt.date | None = None
    image_size: tuple[int, int] | None = None  # known for generated social images
    image_alt: str = ""


@dataclass(frozen=True)
class Site:
    """The assembled public site: what templates, feeds and the sitemap read."""

    config: SiteConfig
    content: Content
    routes: Routes
    today: dt.date
    title: str
    description: str
    summary_html: str
    posts: tuple[PostView, ...]  # published, newest first
    projects: tuple[ProjectView, ...]  # featured first, then newest
    pages: tuple[PageView, ...]
    tags: tuple[TagLink, ...]  # by count, then name
    menu: tuple[MenuItem, ...]
    outputs: tuple[Output, ...]
    fields_html: dict[str, str] = field(default_factory=dict)  # Markdown YAML field -> HTML

    @property
    def urls(self) -> Urls:
        return self.routes.urls
