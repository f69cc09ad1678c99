"""The fast path of a post edit: parse only the post files that changed.

Anything this path cannot decide exactly as `load_content` would (a new, deleted or renamed
file, a problem in the file, a slug that now clashes) returns None, and the caller loads the
content again through the build's own loader.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from itertools import compress
from operator import is_not

from brandgen.config import SiteConfig
from brandgen.documents import parse_post
from brandgen.errors import Problems
from brandgen.model import Content, Post
from brandgen.serve.watch import Change
from brandgen.sources import read_text


def reload_posts(content: Content, changes: Iterable[Change], config: SiteConfig
                 ) -> Content | None:
    """`content` with the changed post files parsed again, or None to load everything."""
    root = config.root
    folder = root / "content" / "posts"
    by_source = {post.doc.source: post for post in content.posts}
    todo = {}
    for kind, path in changes:
        if kind != "content":
            continue  # private and template changes do not touch the public records
        if path.parent != folder or path.suffix != ".md":
            return None
        rel = path.relative_to(root).as_posix()
        if rel not in by_source or not path.is_file():
            return None  # created, deleted, or a file that did not load before
        todo[rel] = path
    posts = dict(by_source)
    for rel, path in sorted(todo.items()):
        problems = Problems()
        text = read_text(path, rel, problems)
        if text is None:
            return None
        seen = {post.slug: source for source, post in posts.items() if source != rel}
        post = parse_post(root, path, rel, text, problems, config.timezone, seen)
        if post is None or problems.errors or problems.warnings:
            return None
        posts[rel] = post
    if not todo:
        return content
    if all((posts[rel].date, posts[rel].slug) == (by_source[rel].date, by_source[rel].slug)
           for rel in todo):  # the order holds: no sort (most saves change neither)
        return replace(content, posts=tuple(posts[p.doc.source] for p in content.posts))
    ordered = sorted(posts.values(), key=lambda p: (p.date, p.slug), reverse=True)
    return replace(content, posts=tuple(ordered))


RouteInputs = tuple[SiteConfig, Content, Sequence[Post]]


def _changed_at(old: Sequence[object], new: Sequence[object]) -> list[int] | None:
    """Indices of `new` holding another object than `old` there; None if the lengths differ."""
    if len(old) != len(new):
        return None
    return list(compress(range(len(new)), map(is_not, old, new)))


def same_route_inputs(old: RouteInputs, new: RouteInputs) -> bool:
    """True when routes_key would be equal, told from the few records that are new objects
    (a post edit replaces one Post), without making the key of thousands of posts."""
    (old_config, old_content, old_published), (config, content, published) = old, new
    if (old_config.base_url, old_config.posts_per_page) != (config.base_url,
                                                            config.posts_per_page) \
            or old_content.pages is not content.pages \
            or old_content.projects is not content.projects:
        return False
    for before, after, facts in ((old_published, published, _routed),
                                 (old_content.posts, content.posts, _source)):
        changed = _changed_at(before, after)
        if changed is None or any(facts(before[i]) != facts(after[i]) for i in changed):
            return False
    return True


def _routed(post: Post) -> object:
    return (post.doc.source, post.slug, post.tags)


def _source(post: Post) -> object:
    return post.doc.source


def routes_key(config: SiteConfig, content: Content, published: Sequence[Post]) -> object:
    """Everything plan_routes reads: equal keys plan the same route table."""
    return (config.base_url, config.posts_per_page,
            tuple((p.doc.source, p.slug, p.tags) for p in published),
            tuple(p.doc.source for p in content.posts),
            tuple((p.slug, p.doc.source) for p in content.pages),
            tuple((p.slug, p.writeup.source if p.writeup else "") for p in content.projects))
