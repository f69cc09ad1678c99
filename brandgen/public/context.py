"""What templates are given: frozen records of public data only.

Never a Path, never the config (it knows the project's root), never a draft: a theme can
only show what the site publishes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from brandgen.model import Content
from brandgen.public.views import MenuItem, PageView, PostView, ProjectView, Site, TagLink


@dataclass(frozen=True)
class PublicSettings:
    """The settings of brandgen.yaml a template may read."""

    base_url: str
    base_path: str
    title: str | None
    language: str
    theme: str
    posts_per_page: int
    timezone: str


@dataclass(frozen=True)
class TemplateSite:
    config: PublicSettings
    content: Content  # published posts only
    today: dt.date
    title: str
    description: str
    summary_html: str
    posts: tuple[PostView, ...]
    projects: tuple[ProjectView, ...]
    pages: tuple[PageView, ...]
    tags: tuple[TagLink, ...]
    menu: tuple[MenuItem, ...]


def template_site(site: Site) -> TemplateSite:
    c = site.config
    settings = PublicSettings(c.base_url, c.base_path, c.title, c.language, c.theme,
                              c.posts_per_page, c.timezone)
    content = replace(site.content, posts=tuple(p.post for p in site.posts),
                      image_sizes=dict(site.content.image_sizes))
    return TemplateSite(settings, content, site.today, site.title, site.description,
                        site.summary_html, site.posts, site.projects, site.pages, site.tags,
                        site.menu)
