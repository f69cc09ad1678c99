"""The route table: every output decided once, with its file and URLs under base_url."""

from __future__ import annotations

import datetime as dt

from brandgen.errors import Problems
from brandgen.model import Content, Document, Page, Post, Profile
from brandgen.routes import plan_routes
from brandgen.urls import Urls
from tests.conftest import SiteMaker, run_build

URLS = Urls("https://ada.github.io/brand/")
PROFILE = Profile("Ada", "Engineer", "I help.")


def post(slug: str, tags: tuple[str, ...] = (), day: int = 1) -> Post:
    return Post(slug.title(), slug, dt.date(2026, 1, day), Document(
        f"content/posts/{slug}.md", "x", 3), tags=tags)


def test_every_output_has_one_route_file_and_url() -> None:
    posts = [post("a", ("Python", "python", "Go")), post("b", ("Go",))]
    content = Content(PROFILE, posts=(*posts, post("draft")),
                      pages=(Page("Now", "now", Document("content/pages/now.md", "", 3)),))
    problems = Problems()
    routes = plan_routes(URLS, content, posts, 1, problems)
    assert problems.errors == []
    a = routes.doc("content/posts/a.md")
    assert a is not None
    assert (a.route, a.file, a.url, a.abs_url) == (
        "blog/a/", "blog/a/index.html", "/brand/blog/a/", "https://ada.github.io/brand/blog/a/")
    assert routes.doc("content/posts/draft.md") is None
    assert routes.unpublished == {"content/posts/draft.md"}
    assert routes.blog(2).url == "/brand/blog/page/2/" and routes.blog_pages == 2
    # "Python" and "python" are one tag; pages of one post each (per_page 1)
    assert routes.tag_pages == {"python": 1, "go": 2}
    assert routes.tag("go", 2).file == "tags/go/page/2/index.html"
    assert routes["now/"].source == "content/pages/now.md"
    assert {"feed.xml", "sitemap.xml", "404.html", "index.html"} <= routes.files


def test_a_page_on_a_builtin_url_is_an_error() -> None:
    content = Content(PROFILE, pages=(Page("Blog", "blog", Document("content/pages/b.md", "",
                                                                      3)),))
    problems = Problems()
    routes = plan_routes(URLS, content, [], 10, problems)
    assert [e.path for e in problems.errors] == ["content/pages/b.md"]
    assert "clashes with a built-in URL" in problems.errors[0].message
    assert routes.doc("content/pages/b.md") is None


def test_empty_lists_have_no_pages() -> None:
    routes = plan_routes(URLS, Content(PROFILE), [], 10, Problems())
    assert routes.blog_pages == 0 and routes.tag_pages == {}
    assert {"blog/", "projects/", "tags/"}.isdisjoint(routes.entries)
    assert {"", "cv/", "feed.xml", "404.html"} <= set(routes.entries)


def test_tag_pages_are_paginated_like_the_blog(make_site: SiteMaker) -> None:
    posts = {f"content/posts/2026-01-{d:02d}-p{d}.md": f"---\ntitle: P{d}\ntags: [Go]\n---\nx\n"
             for d in range(1, 6)}
    root = make_site({"brandgen.yaml": "base_url: https://ada.github.io/brand/\n"
                                       "posts_per_page: 2\n", **posts})
    result = run_build(root)
    pages = sorted(n for n in result.public if n.startswith("tags/go/") and n.endswith(".html"))
    assert pages == ["tags/go/index.html", "tags/go/page/2/index.html",
                     "tags/go/page/3/index.html"]
    second = result.public["tags/go/page/2/index.html"].decode()
    assert 'href="/brand/tags/go/" rel="prev"' in second
    assert 'href="/brand/tags/go/page/3/" rel="next"' in second
    assert "Page 2 of 3" in second and "5 posts" in second
    assert second.count('href="/brand/blog/p') == 2  # P3 and P2 only
    sitemap = result.public["sitemap.xml"].decode()
    assert "https://ada.github.io/brand/tags/go/page/3/" in sitemap
