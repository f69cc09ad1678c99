"""The fast path of a post edit: parse only the post files that changed (the dev server's
incremental build, and a build from a kept assembly: brandgen/public/warm.py).

Anything this path cannot decide exactly as `load_content` would (a new, deleted or renamed
file, a problem in the file, a changed slug) returns None, and the caller loads the
content again through the build's own loader.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields, replace
from pathlib import Path

from brandgen.config import SiteConfig
from brandgen.documents import parse_post
from brandgen.errors import Problems
from brandgen.model import Content, Post
from brandgen.public.memo import changed_at
from brandgen.sources import read_text

Change = tuple[str, Path]  # (kind, absolute path): the dev server's watch.Change


def reload_posts(content: Content, changes: Iterable[Change], config: SiteConfig
                 ) -> Content | None:
    """`content` with the changed post files parsed again, or None to load everything."""
    root = config.root
    folder = root / "content" / "posts"
    sources = [post.doc.source for post in content.posts]
    todo = {}
    for kind, path in changes:
        if kind != "content":
            continue  # private and template changes do not touch the public records
        if path.parent != folder or path.suffix != ".md":
            return None
        rel = path.relative_to(root).as_posix()
        if rel not in sources or not path.is_file():
            return None  # created, deleted, or a file that did not load before
        todo[rel] = path
    if not todo:
        return content
    posts = list(content.posts)
    for rel, path in sorted(todo.items()):
        problems = Problems()
        text = read_text(path, rel, problems)
        if text is None:
            return None
        i = sources.index(rel)
        post = parse_post(root, path, rel, text, problems, config.timezone, {})
        if post is None or problems.errors or problems.warnings \
                or post.slug != posts[i].slug:  # a new slug may clash: the loader tells
            return None
        posts[i] = post
    if all(posts[i].date == content.posts[i].date for i in map(sources.index, todo)):
        return replace(content, posts=tuple(posts))  # the order holds (most saves)
    ordered = sorted(posts, key=lambda p: (p.date, p.slug), reverse=True)
    return replace(content, posts=tuple(ordered))


RouteInputs = tuple[SiteConfig, Content, Sequence[Post]]


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
        changed = changed_at(before, after)
        if changed is None or any(facts(before[i]) != facts(after[i]) for i in changed):
            return False
    return True


def same_but_bodies(old: Content, new: Content) -> bool:
    """True when `new` differs from `old` in the bodies of posts only (what a post edit that
    keeps its front matter makes): every other record is the same object or equal."""
    if any(getattr(old, f.name) is not getattr(new, f.name) for f in fields(Content)
           if f.name != "posts"):
        return False
    changed = changed_at(old.posts, new.posts)
    return changed is not None and all(
        replace(new.posts[i], doc=old.posts[i].doc) == old.posts[i] for i in changed)


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
