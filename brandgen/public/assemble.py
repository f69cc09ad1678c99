"""Assemble the public site: which posts are published, every page's route, rendered Markdown.

A pure function of (config, content, today, drafts): no filesystem, no clock.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from dataclasses import dataclass, replace

from brandgen.config import SiteConfig
from brandgen.errors import Problems, SourceError
from brandgen.markdown import ImageRenderer, LinkContext, Rendered, excerpt, render_markdown
from brandgen.model import Content, Document, Post
from brandgen.public.seo import page_jsonld, person_jsonld, post_jsonld
from brandgen.public.views import (
    MenuItem,
    Output,
    PageView,
    Pagination,
    PostView,
    ProjectView,
    TagLink,
)
from brandgen.urls import Urls, tag_slug

RESERVED = {"blog", "projects", "cv", "tags", "assets", "feed.xml", "sitemap.xml",
            "robots.txt", "404.html", "resume.json", "index.html"}


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    content: Content
    urls: Urls
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


def local_today(today: dt.datetime, timezone: str) -> dt.date:
    """The calendar date in the site's time zone at instant `today` (aware or UTC)."""
    aware = today if today.tzinfo else today.replace(tzinfo=dt.UTC)
    return aware.astimezone(zoneinfo.ZoneInfo(timezone)).date()


def is_published(post: Post, today: dt.date, drafts: bool, now: dt.datetime | None = None
                 ) -> bool:
    """Not a draft and not in the future (to the minute when the post's date has a time)."""
    if drafts:
        return True
    if post.draft:
        return False
    if post.instant is not None and now is not None:
        return post.instant <= now
    return post.date <= today


@dataclass(frozen=True)
class Linker:
    """Renders documents against the site's link map; errors go to the collector."""

    routes: dict[str, str]  # published sources only
    unpublished: frozenset[str]
    urls: Urls
    problems: Problems
    images: ImageRenderer | None = None

    def render(self, doc: Document) -> Rendered:
        rendered = render_markdown(doc.body, LinkContext(
            doc.source, self.routes, self.urls, doc.body_line, self.unpublished, self.images))
        for err in rendered.errors:
            self.problems.add(err)
        return rendered


def _post_views(published: list[Post], linker: Linker) -> tuple[PostView, ...]:
    views = []
    urls, routes = linker.urls, linker.routes
    for post in published:
        r = linker.render(post.doc)
        unique: dict[str, str] = {}
        for tag in post.tags:
            unique.setdefault(tag_slug(tag), tag)  # "Python" and "python" are one topic
        tags = tuple(TagLink(t, slug, urls.path(f"tags/{slug}/")) for slug, t in unique.items())
        route = routes[post.doc.source]
        image = urls.link(post.image) if post.image else ""
        views.append(PostView(post, urls.path(route), urls.absolute(route), r.html, r.text,
                              r.reading_minutes, tags, post.summary or excerpt(r.text), image))
    return tuple(views)


def _check_routes(outputs: list[Output], problems: Problems) -> None:
    seen: dict[str, Output] = {}
    for out in outputs:
        if out.route in seen:
            other = seen[out.route]
            problems.error(f"two pages want the URL /{out.route}: this one and "
                           f"{other.source or other.template}", out.source or other.source,
                           1, 1, "give one of them a different `slug:`")
        seen[out.route] = out


def assemble_site(config: SiteConfig, content: Content, today: dt.date, drafts: bool,
                  problems: Problems, urls: Urls | None = None, now: dt.datetime | None = None,
                  images: ImageRenderer | None = None) -> Site:
    """Decide every output of the public site; Markdown errors go to `problems`."""
    urls = urls or Urls(config.base_url)
    profile = content.profile
    published = [p for p in content.posts if is_published(p, today, drafts, now)]
    routes: dict[str, str] = {}
    for post in content.posts:
        routes[post.doc.source] = f"blog/{post.slug}/"
    for page in content.pages:
        routes[page.doc.source] = f"{page.slug}/"
        if page.slug in RESERVED:
            problems.add(SourceError(f"page slug '{page.slug}' clashes with a built-in URL",
                                     page.doc.source, 1, 1,
                                     "set a different `slug:`; reserved: "
                                     + ", ".join(sorted(RESERVED))))
    for project in content.projects:
        if project.writeup:
            routes[project.writeup.source] = f"projects/{project.slug}/"
    # Links to unpublished posts would 404: drop them from the link map so they are errors.
    unpublished = frozenset(p.doc.source for p in content.posts) - {
        p.doc.source for p in published}
    live_routes = {src: r for src, r in routes.items() if src not in unpublished}
    linker = Linker(live_routes, unpublished, urls, problems, images)

    posts = _post_views(published, linker)
    projects = tuple(
        ProjectView(p, urls.path(f"projects/{p.slug}/"),
                    linker.render(p.writeup).html if p.writeup else "",
                    urls.link(p.image) if p.image else "", p.tags)
        for p in sorted(content.projects, key=lambda p: (not p.featured, -(p.year or 0))))
    pages = tuple(PageView(pg, urls.path(f"{pg.slug}/"), r.html, r.text)
                  for pg in content.pages if pg.slug not in RESERVED
                  for r in [linker.render(pg.doc)])
    summary_html = render_markdown(profile.summary, LinkContext(
        "content/profile.yaml", live_routes, urls), allow_html=False).html \
        if profile.summary else ""

    counts = Counter(t.slug for p in posts for t in set(p.tags))
    names: dict[str, str] = {}
    for tag in (t for p in posts for t in p.tags):
        names.setdefault(tag.slug, tag.name)  # the newest post's spelling wins
    tags = tuple(TagLink(names[s], s, urls.path(f"tags/{s}/"), n)
                 for s, n in sorted(counts.items(), key=lambda kv: (-kv[1], names[kv[0]].lower())))
    menu = [MenuItem("Work", urls.path("projects/"), "projects/"),
            MenuItem("Writing", urls.path("blog/"), "blog/"),
            MenuItem("CV", urls.path("cv/"), "cv/")]
    menu += [MenuItem(p.title, p.url, f"{p.page.slug}/")
             for p in sorted((p for p in pages if p.page.menu is not None),
                             key=lambda p: (p.page.menu or 0, p.title))]
    title = config.title or profile.name
    description = profile.value_proposition
    site = Site(config, content, urls, today, title, description, summary_html, posts,
                projects, pages, tags, tuple(menu), ())
    outputs = _outputs(site)
    _check_routes(outputs, problems)
    return replace(site, outputs=tuple(outputs))


def _outputs(site: Site) -> list[Output]:
    p = site.content.profile
    person = person_jsonld(site)
    outs = [Output("", "home.html", site.title, site.description, "content/profile.yaml",
                   {"featured": [x for x in site.projects if x.project.featured][:4],
                    "recent_posts": site.posts[:3]}, "profile", jsonld=person),
            Output("projects/", "projects.html", f"Projects — {p.name}",
                   f"Selected work by {p.name}.", "content/projects.yaml",
                   {"projects": site.projects}),
            Output("cv/", "cv.html", f"{p.name} — CV", f"CV of {p.name}: {p.headline}",
                   "content/experience.yaml", {}, jsonld=person),
            Output("tags/", "tags.html", f"Topics — {site.title}",
                   f"Topics {p.name} writes about.", "", {"tags": site.tags}),
            Output("404.html", "404.html", "Page not found", "This page does not exist.", "",
                   {"recent_posts": site.posts[:3]}, noindex=True, in_sitemap=False)]
    for proj in site.projects:
        outs.append(Output(f"projects/{proj.project.slug}/", "project.html",
                           f"{proj.title} — {p.name}", proj.summary,
                           proj.project.writeup.source if proj.project.writeup
                           else "content/projects.yaml", {"project": proj},
                           image_url=proj.image_url))
    per_page = site.config.posts_per_page
    chunks = [site.posts[i:i + per_page] for i in range(0, len(site.posts), per_page)] or [()]
    for n, chunk in enumerate(chunks, start=1):
        route = "blog/" if n == 1 else f"blog/page/{n}/"
        newer = "" if n == 1 else site.urls.path("blog/" if n == 2 else f"blog/page/{n - 1}/")
        older = site.urls.path(f"blog/page/{n + 1}/") if n < len(chunks) else ""
        title = "Writing" + (f" — page {n}" if n > 1 else "")
        outs.append(Output(route, "blog.html", f"{title} — {site.title}",
                           f"Writing by {p.name}: {p.headline}", "content/posts",
                           {"posts": chunk, "pagination": Pagination(n, len(chunks), newer,
                                                                     older)}))
    for i, post in enumerate(site.posts):
        newer_post = site.posts[i - 1] if i > 0 else None
        older_post = site.posts[i + 1] if i + 1 < len(site.posts) else None
        outs.append(Output(post.url.removeprefix(site.urls.base_path), "post.html",
                           f"{post.title} — {site.title}", post.description,
                           post.post.doc.source,
                           {"post": post, "newer": newer_post, "older": older_post},
                           "article", post.image_url, post_jsonld(site, post),
                           lastmod=post.updated or post.date))
    for tag in site.tags:
        tagged = tuple(x for x in site.posts if tag.slug in {t.slug for t in x.tags})
        outs.append(Output(f"tags/{tag.slug}/", "tag.html", f"Posts tagged “{tag.name}” — "
                           f"{site.title}", f"{len(tagged)} posts about {tag.name}.", "",
                           {"tag": tag, "posts": tagged}))
    for page in site.pages:
        outs.append(Output(f"{page.page.slug}/", "page.html", f"{page.title} — {site.title}",
                           page.page.summary or excerpt(page.text), page.page.doc.source,
                           {"doc": page}))
    return [out if out.jsonld is not None else replace(out, jsonld=page_jsonld(
        site, _KINDS.get(out.template, "WebPage"), out.title, out.description, out.route))
        for out in outs]


_KINDS = {"blog.html": "Blog", "projects.html": "CollectionPage", "tags.html": "CollectionPage",
          "tag.html": "CollectionPage", "project.html": "CreativeWork"}
