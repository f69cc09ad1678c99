"""Assemble the public site from content, the route table and the rendered documents.

A pure function of its inputs: no filesystem, no clock, no Markdown rendering (that is the
`render_docs` stage; here its placeholders are only resolved against today's routes).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

from brandgen.cache import Cache
from brandgen.config import SiteConfig
from brandgen.docs import DocInput, LinkTargets, resolve_doc
from brandgen.errors import Problems, SourceError
from brandgen.model import Content, Post
from brandgen.public.memo import (
    AssemblyMemo,
    PostOutputs,
    PostViews,
    Reuse,
    changed_at,
    doc_input,
    list_pages,
    related_lists,
    same,
)
from brandgen.public.reading import table_of_contents
from brandgen.public.seo import page_jsonld, person_jsonld, post_jsonld
from brandgen.public.views import (
    MenuItem,
    Output,
    PageView,
    Pagination,
    PostView,
    ProjectView,
    Site,
    TagLink,
)
from brandgen.rendered import ImageRenderer, RenderedDoc, excerpt
from brandgen.routes import Routes
from brandgen.urls import tag_slug

__all__ = ["AssemblyMemo", "Site", "assemble_site", "is_published", "local_today",
           "published_posts", "site_documents"]
Docs = Mapping[DocInput, RenderedDoc]


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


def published_posts(content: Content, today: dt.date, drafts: bool,
                    now: dt.datetime | None = None) -> list[Post]:
    return [p for p in content.posts if is_published(p, today, drafts, now)]


def site_documents(content: Content, published: Sequence[Post],
                   memo: AssemblyMemo | None = None) -> list[DocInput]:
    """Every Markdown text the public site shows: posts, pages, write-ups, profile, CV roles."""
    make = memo.inputs_for(published) if memo is not None else doc_input
    docs = [make(p.doc) for p in published]
    docs += [doc_input(p.doc) for p in content.pages]
    docs += [doc_input(p.writeup) for p in content.projects if p.writeup]
    if content.profile.summary:
        docs.append(DocInput("content/profile.yaml", content.profile.summary, 1, False))
    docs += [DocInput("content/experience.yaml", r.summary, 1, False)
             for r in content.roles if r.summary]
    return docs


class _Resolver:
    """Final HTML of each document against today's routes; link errors go to `problems`."""

    def __init__(self, routes: Routes, docs: Docs, problems: Problems,
                 images: ImageRenderer | None = None) -> None:
        self.docs, self.problems, self.images = docs, problems, images
        self.targets = LinkTargets(routes.urls, {s: r.route for s, r in routes.documents.items()},
                                   routes.unpublished, images)
        self.routes = routes
        self._tags: dict[tuple[str, str], TagLink] = {}

    def tag_link(self, name: str, slug: str) -> TagLink:
        """One TagLink per spelling and topic for all posts (equal either way; one object
        pickles once where the assembly is kept, brandgen/public/warm.py)."""
        link = self._tags.get((name, slug))
        if link is None:
            link = self._tags[name, slug] = TagLink(name, slug, self.routes.tag(slug).url)
        return link

    def __call__(self, doc: DocInput) -> tuple[str, RenderedDoc]:
        rendered = self.docs[doc]
        html, errors = resolve_doc(rendered, doc.source, doc.body_line, self.targets)
        for err in errors:
            self.problems.add(err)
        return html, rendered


def _post_views(published: Sequence[Post], routes: Routes, resolve: _Resolver,
                memo: AssemblyMemo | None = None) -> tuple[PostView, ...]:
    """A view per post; with a memo, a post whose Post and rendered document are the same
    objects under the same routes and images keeps its view (its link errors replayed).
    When the posts are in the same places as last time, only the new objects are looked at
    (a Post that is the same object has the same DocInput, so an equal rendering)."""
    base = (routes, resolve.images)
    same_base = memo is not None and same(memo.views_base, base)
    last = memo.post_views if memo is not None and same_base else None
    changed = changed_at(last.posts, published) if last is not None else None
    if memo is not None and last is not None and changed is not None:
        views = list(last.views)
        errors = dict(last.errors)
        fresh = dict(memo.views)
        for i in changed:
            views[i], errors[i] = _post_view(published[i], routes, resolve, memo, fresh)
    else:
        known = memo.views if memo is not None and same_base else {}
        fresh = {}
        views, errors = [], {}
        for i, post in enumerate(published):
            view, errors[i] = _post_view(post, routes, resolve, memo, fresh, known)
            views.append(view)
    for i in sorted(i for i, found in errors.items() if found):
        for err in errors[i]:
            resolve.problems.add(err)
    if memo is not None:
        memo.views_base, memo.views = base, fresh
        memo.post_views = PostViews(tuple(published), tuple(views),
                                     {i: found for i, found in errors.items() if found})
    return tuple(views)


ViewMemo = dict[str, tuple[Post, RenderedDoc, PostView, tuple[SourceError, ...]]]


def _post_view(post: Post, routes: Routes, resolve: _Resolver, memo: AssemblyMemo | None,
               fresh: ViewMemo, known: ViewMemo | None = None
               ) -> tuple[PostView, tuple[SourceError, ...]]:
    """One post's view and its link errors (`known`: views to reuse, by source)."""
    doc = memo.input_of(post.doc) if memo is not None else doc_input(post.doc)
    r = resolve.docs[doc]
    last = known.get(doc.source) if known else None
    if last is not None and last[0] is post and last[1] is r:
        view, errors = last[2], last[3]
    else:
        html, found = resolve_doc(r, doc.source, doc.body_line, resolve.targets)
        errors = tuple(found)
        unique: dict[str, str] = {}
        for tag in post.tags:
            unique.setdefault(tag_slug(tag), tag)  # "Python" and "python" are one topic
        tags = tuple(resolve.tag_link(t, slug) for slug, t in unique.items())
        route = routes.documents[post.doc.source]
        image = routes.urls.link(post.image) if post.image else ""
        view = PostView(post, route.url, route.abs_url, html, r.text, r.reading_minutes,
                        tags, post.summary or excerpt(r.text), r.text_words, image,
                        table_of_contents(r.sections) if post.toc else ())
    fresh[doc.source] = (post, r, view, errors)
    return view, errors


def assemble_site(config: SiteConfig, content: Content, routes: Routes, published: Sequence[Post],
                  docs: Docs, today: dt.date, problems: Problems,
                  images: ImageRenderer | None = None, memo: AssemblyMemo | None = None,
                  cache: Cache | None = None) -> Site:
    """Decide every output of the public site; link errors go to `problems`; `images`
    gives Markdown images their responsive markup; `memo` (kept between calls by the dev
    server) or a build's `cache` lets unchanged pieces be reused: the same Site either way."""
    urls = routes.urls
    profile = content.profile
    resolve = _Resolver(routes, docs, problems, images)
    posts = _post_views(published, routes, resolve, memo)
    projects = tuple(
        ProjectView(p, routes[f"projects/{p.slug}/"].url,
                    resolve(doc_input(p.writeup))[0] if p.writeup else "",
                    urls.link(p.image) if p.image else "", p.tags)
        for p in sorted(content.projects, key=lambda p: (not p.featured, -(p.year or 0))))
    pages = tuple(PageView(pg, route.url, html, r.text)
                  for pg in content.pages if (route := routes.doc(pg.doc.source))
                  for html, r in [resolve(doc_input(pg.doc))])
    summary_html = resolve(DocInput("content/profile.yaml", profile.summary, 1, False))[0] \
        if profile.summary else ""
    fields_html = {r.summary: resolve(DocInput("content/experience.yaml", r.summary, 1,
                                               False))[0]
                   for r in content.roles if r.summary}

    counts = Counter(t.slug for p in posts for t in p.tags)  # a post's tags are unique
    names: dict[str, str] = {}
    for tag in (t for p in posts for t in p.tags):
        names.setdefault(tag.slug, tag.name)  # the newest post's spelling wins
    tags = tuple(TagLink(names[s], s, routes.tag(s).url, n)
                 for s, n in sorted(counts.items(), key=lambda kv: (-kv[1], names[kv[0]].lower())))
    menu = [MenuItem("Work", routes["projects/"].url, "projects/", ("projects/",))] \
        if projects else []
    if posts:  # a post, a page of the list, the topics: all of them are Writing
        menu.append(MenuItem("Writing", routes["blog/"].url, "blog/", ("blog/", "tags/")))
    menu.append(MenuItem("CV", routes["cv/"].url, "cv/"))
    menu += [MenuItem(p.title, p.url, f"{p.page.slug}/")
             for p in sorted((p for p in pages if p.page.menu is not None),
                             key=lambda p: (p.page.menu or 0, p.title))]
    title = config.title or profile.name
    site = Site(config, content, routes, today, title, profile.value_proposition, summary_html,
                posts, projects, pages, tags, tuple(menu), (), fields_html)
    return replace(site, outputs=tuple(_outputs(site, memo, cache)))


def _paginated(site: Site, items: tuple[PostView, ...], route: str, pages: int,
               memo: AssemblyMemo | None = None
               ) -> list[tuple[str, tuple[PostView, ...], Pagination]]:
    """(route, chunk, pagination) per list page: `route`, then `route`page/N/."""
    per_page = site.routes.per_page
    chunks = [items[i:i + per_page] for i in range(0, len(items), per_page)] or [()]
    assert len(chunks) == pages, "the route table planned the same pages"
    return [(at, chunk, pagination)
            for (at, pagination), chunk in zip(list_pages(site.routes, route, pages, memo),
                                               chunks, strict=True)]


def _post_outputs(site: Site, related: Mapping[str, tuple[PostView, ...]],
                  holders: Collection[str] | None, reuse: Reuse) -> list[Output]:
    """The post pages. With a memo under the same site-wide records, and `holders` known
    (the posts whose related list shows other views than last time), only the posts that are
    new objects, their neighbours and the holders are looked at: a save of one post at 4000
    posts looks at about ten."""
    posts = site.posts
    memo = reuse.memo
    last = memo.post_outputs if memo is not None and reuse.known else None
    changed = changed_at(last.posts, posts) if last is not None and holders is not None \
        else None
    if last is not None and holders is not None and changed is not None:
        dirty = {last.index[source] for source in holders}
        for i in changed:
            dirty.update((i - 1, i, i + 1))
        outputs = list(last.outputs)
        reuse.keep(last.routes)
        for i in sorted(dirty):
            if 0 <= i < len(posts):
                outputs[i] = _post_output(site, i, related, reuse)
        index, routes = last.index, last.routes  # the same sources at the same places
    else:
        outputs = [_post_output(site, i, related, reuse) for i in range(len(posts))]
        index = {view.post.doc.source: i for i, view in enumerate(posts)}
        routes = tuple(out.route for out in outputs)
    if memo is not None:
        memo.pending_posts = PostOutputs(posts, outputs, index, routes)
    return outputs


def _post_output(site: Site, i: int, related: Mapping[str, tuple[PostView, ...]],
                 reuse: Reuse) -> Output:
    post = site.posts[i]
    newer_post = site.posts[i - 1] if i > 0 else None
    older_post = site.posts[i + 1] if i + 1 < len(site.posts) else None
    mine = related[post.post.doc.source]
    route = site.routes.documents[post.post.doc.source].route

    def post_page() -> Output:
        return Output(route, "post.html", f"{post.title} — {site.title}", post.description,
                      post.post.doc.source,
                      {"post": post, "newer": newer_post, "older": older_post,
                       "related": mine},
                      "article", post.image_url, post_jsonld(site, post),
                      lastmod=post.updated or post.date)
    return reuse(route, (post, newer_post, older_post, *mine), (len(mine),), post_page)


def _with_jsonld(site: Site, out: Output) -> Output:
    return out if out.jsonld is not None else replace(out, jsonld=page_jsonld(
        site, _KINDS.get(out.template, "WebPage"), out.title, out.description, out.route))


def _outputs(site: Site, memo: AssemblyMemo | None = None, cache: Cache | None = None
             ) -> list[Output]:
    p = site.content.profile
    person = person_jsonld(site)
    reuse = Reuse(site, memo)
    outs = [Output("", "home.html", site.title, site.description, "content/profile.yaml",
                   {"featured": [x for x in site.projects if x.project.featured][:4],
                    "recent_posts": site.posts[:3]}, "profile", jsonld=person)]
    if site.projects:  # empty lists are left out, with their nav items
        outs.append(Output("projects/", "projects.html", f"Projects — {p.name}",
                           f"Selected work by {p.name}.", "content/projects.yaml",
                           {"projects": site.projects}))
    outs.append(Output("cv/", "cv.html", f"{p.name} — CV", f"CV of {p.name}: {p.headline}",
                       "content/experience.yaml", {}, jsonld=person))
    if site.tags:
        outs.append(Output("tags/", "tags.html", f"Topics — {site.title}",
                           f"Topics {p.name} writes about.", "", {"tags": site.tags}))
    outs.append(Output("404.html", "404.html", "Page not found", "This page does not exist.",
                       "", {"recent_posts": site.posts[:3]}, noindex=True, in_sitemap=False))
    for proj in site.projects:
        outs.append(Output(f"projects/{proj.project.slug}/", "project.html",
                           f"{proj.title} — {p.name}", proj.summary,
                           proj.project.writeup.source if proj.project.writeup
                           else "content/projects.yaml", {"project": proj},
                           image_url=proj.image_url))
    blog = _paginated(site, site.posts, "blog/", site.routes.blog_pages,
                      memo) if site.posts else []
    for route, chunk, pagination in blog:
        def blog_page(route: str = route, chunk: tuple[PostView, ...] = chunk,
                      pagination: Pagination = pagination) -> Output:
            n = pagination.number
            title = "Writing" + (f" — page {n}" if n > 1 else "")
            return _with_jsonld(site, Output(
                route, "blog.html", f"{title} — {site.title}",
                f"Writing by {p.name}: {p.headline}", "content/posts",
                {"posts": chunk, "pagination": pagination}))
        outs.append(reuse(route, chunk, (pagination,), blog_page))
    related, holders = related_lists(site, memo, cache)
    outs += _post_outputs(site, related, holders, reuse)
    tagged: dict[str, list[PostView]] = {tag.slug: [] for tag in site.tags}
    for post in site.posts:
        for t in post.tags:
            tagged[t.slug].append(post)
    for tag in site.tags:
        pages = site.routes.tag_pages[tag.slug]
        for route, chunk, pagination in _paginated(site, tuple(tagged[tag.slug]),
                                                   f"tags/{tag.slug}/", pages, memo):
            def tag_page(route: str = route, chunk: tuple[PostView, ...] = chunk,
                         pagination: Pagination = pagination, tag: TagLink = tag) -> Output:
                n = pagination.number
                return _with_jsonld(site, Output(
                    route, "tag.html", f"Posts tagged “{tag.name}”"
                    + (f" — page {n}" if n > 1 else "") + f" — {site.title}",
                    f"{tag.count} posts about {tag.name}.", "",
                    {"tag": tag, "posts": chunk, "pagination": pagination}))
            outs.append(reuse(route, chunk, (pagination, tag), tag_page))
    for page in site.pages:
        outs.append(Output(f"{page.page.slug}/", "page.html", f"{page.title} — {site.title}",
                           page.page.summary or excerpt(page.text), page.page.doc.source,
                           {"doc": page}))
    reuse.done()
    return [_with_jsonld(site, out) for out in outs]


_KINDS = {"blog.html": "Blog", "projects.html": "CollectionPage", "tags.html": "CollectionPage",
          "tag.html": "CollectionPage", "project.html": "CreativeWork"}
