"""What one assembly keeps for the next: the dev server's memo in memory; a build keeps
only the related-post lists, in the cache (`cached_related_posts`).

A piece is reused only when the objects it was made from are the same objects again (`is`,
never a deep comparison), or, for small values, equal: what it would make again is then
exactly what it made. Most pieces are found by an identity diff of the posts: a save of one
post at 4000 posts replaces one Post, and only it and what shows it are looked at again.
"""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import compress
from operator import is_not

from brandgen.cache import Cache
from brandgen.docs import DocInput
from brandgen.errors import SourceError
from brandgen.model import Document, Post
from brandgen.public.fileslots import FileSlots
from brandgen.public.reading import RELATED_POSTS, related_posts
from brandgen.public.views import Output, Pagination, PostView, Site
from brandgen.rendered import RenderedDoc
from brandgen.routes import Routes


def doc_input(doc: Document) -> DocInput:
    return DocInput(doc.source, doc.body, doc.body_line)


def changed_at(old: Sequence[object], new: Sequence[object]) -> list[int] | None:
    """Positions where `new` holds another object than `old` (compared by identity, at C
    speed); None when the lengths differ."""
    if len(old) != len(new):
        return None
    return list(compress(range(len(new)), map(is_not, old, new)))


@dataclass
class AssemblyMemo:
    """Pieces of the last assembly, for the next one to reuse (see the module's rule)."""

    views_base: tuple[object, ...] = ()
    views: dict[str, tuple[Post, RenderedDoc, PostView, tuple[SourceError, ...]]] = \
        field(default_factory=dict)
    outputs_base: tuple[object, ...] = ()
    outputs: dict[str, tuple[tuple[object, ...], tuple[object, ...], Output]] = \
        field(default_factory=dict)
    related: RelatedLists | None = None
    post_views: PostViews | None = None
    pagination: tuple[object, dict[tuple[str, int], list[tuple[str, Pagination]]]] = \
        (None, {})
    post_outputs: PostOutputs | None = None
    # made by an assembly, kept only once it is done (with `outputs`): the three agree
    pending_related: RelatedLists | None = None
    pending_posts: PostOutputs | None = None
    inputs: dict[str, tuple[Document, DocInput]] = field(default_factory=dict)

    def inputs_for(self, posts: Sequence[Post]) -> Callable[[Document], DocInput]:
        """doc_input, made once per Document object (the posts' are kept, others dropped)."""
        known, self.inputs = self.inputs, {}

        def make(doc: Document) -> DocInput:
            last = known.get(doc.source)
            made = last[1] if last is not None and last[0] is doc else doc_input(doc)
            self.inputs[doc.source] = (doc, made)
            return made
        return make

    def input_of(self, doc: Document) -> DocInput:
        """The DocInput inputs_for made for `doc` (or a new one)."""
        last = self.inputs.get(doc.source)
        return last[1] if last is not None and last[0] is doc else doc_input(doc)


@dataclass(frozen=True)
class PostViews:
    """The last post views, in the order of the Posts they were made from."""

    posts: tuple[Post, ...]
    views: tuple[PostView, ...]
    errors: dict[int, tuple[SourceError, ...]]  # position -> link errors (none: absent)


@dataclass(frozen=True)
class PostOutputs:
    """The last post pages' Outputs, in the order of the views they were made from."""

    posts: tuple[PostView, ...]
    outputs: list[Output]
    index: dict[str, int]  # source -> position
    routes: tuple[str, ...]


@dataclass(frozen=True)
class RelatedLists:
    """The last related-posts lists: by source, as sources and as the views shown."""

    today: dt.date
    posts: tuple[PostView, ...]
    parts: list[tuple[object, ...]]  # rank_part of each post
    sources: dict[str, tuple[str, ...]]
    views: dict[str, tuple[PostView, ...]]
    shown_in: dict[str, tuple[str, ...]]  # source -> sources whose list shows it


def same(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    """Identity first, element by element (a tuple's == does that), then equality: equal
    inputs make an equal piece."""
    return a == b


def list_pages(routes: Routes, route: str, pages: int, memo: AssemblyMemo | None
               ) -> list[tuple[str, Pagination]]:
    """(route, pagination) of each page of a list: the same while the route table is."""
    known = memo.pagination if memo is not None and memo.pagination[0] is routes else None
    if known is not None and (route, pages) in known[1]:
        return known[1][route, pages]
    at = [route] + [f"{route}page/{n}/" for n in range(2, pages + 1)]
    made = [(at[i], Pagination(i + 1, pages, routes[at[i - 1]].url if i else "",
                               routes[at[i + 1]].url if i + 1 < pages else ""))
            for i in range(pages)]
    if memo is not None:
        if known is None:
            memo.pagination = (routes, {})
        memo.pagination[1][route, pages] = made
    return made


class Reuse:
    """Outputs of the memo's last assembly, by route: one is reused when the objects it was
    made from are the same (`idents`) and its small inputs equal (`values`), under the same
    site-wide records (config, profile, routes, title)."""

    def __init__(self, site: Site, memo: AssemblyMemo | None) -> None:
        self.memo = memo
        base = (site.config, site.content.profile, site.routes, site.title)
        self.known = memo.outputs if memo is not None and same(memo.outputs_base, base) \
            else {}
        self.fresh: dict[str, tuple[tuple[object, ...], tuple[object, ...], Output]] = {}
        if memo is not None:
            memo.outputs_base = base

    def __call__(self, route: str, idents: tuple[object, ...], values: tuple[object, ...],
                 make: Callable[[], Output]) -> Output:
        if self.memo is None:
            return make()
        last = self.known.get(route)
        out = last[2] if last is not None and same(last[0], idents) and last[1] == values \
            else make()
        self.fresh[route] = (idents, values, out)
        return out

    def keep(self, routes: Sequence[str]) -> None:
        """Carry these routes' entries over unlooked-at (their outputs are reused as they are)."""
        for route in routes:
            self.fresh[route] = self.known[route]

    def done(self) -> None:
        if self.memo is not None:
            memo = self.memo
            memo.outputs = self.fresh
            memo.related, memo.post_outputs = memo.pending_related, memo.pending_posts


def rank_part(view: PostView) -> tuple[object, ...]:
    """All that related_posts reads of a post."""
    post = view.post
    return (post.doc.source, post.slug, post.date, post.draft, tuple(t.slug for t in view.tags))


RELATED_SLOT = "related-posts"  # the lists by position, in the cache's whole-site slots


def cached_related_posts(posts: Sequence[PostView], today: dt.date, cache: Cache | None
                         ) -> dict[str, tuple[PostView, ...]]:
    """related_posts, from the cache while no post's `rank_part` and not the day changed
    (a post's body edit, a template edit): ~40 ms at 4000 posts, ~10 to look up."""
    if cache is None:
        return related_posts(posts, today)
    slots = FileSlots(cache, lambda: {RELATED_SLOT: (today, RELATED_POSTS,
                                                     [rank_part(view) for view in posts])})
    found = _positions(slots.known.get(RELATED_SLOT), len(posts))
    if found is None:
        lists = related_posts(posts, today)
        at = {view.post.doc.source: i for i, view in enumerate(posts)}
        found = [tuple(at[other.post.doc.source] for other in lists[view.post.doc.source])
                 for view in posts]
        slots.store({RELATED_SLOT: pickle.dumps(found, protocol=5)})
    return {view.post.doc.source: tuple(posts[i] for i in found[n])
            for n, view in enumerate(posts)}


def _positions(data: bytes | None, count: int) -> list[tuple[int, ...]] | None:
    """The stored lists (positions in the posts), or None when absent or not ours."""
    if data is None:
        return None
    try:
        found = pickle.loads(data)  # our own cache, its sha256 checked by the slot
    except Exception:
        return None
    if type(found) is not list or len(found) != count:
        return None
    valid = range(count)
    return found if all(type(t) is tuple and all(type(i) is int and i in valid for i in t)
                        for t in found) else None


def related_lists(site: Site, memo: AssemblyMemo | None, cache: Cache | None = None
                  ) -> tuple[dict[str, tuple[PostView, ...]], set[str] | None]:
    """related_posts, and the posts whose list changed (None: any). The ranking reads only
    each post's source, slug, date, draft and tags (`rank_part`): with a memo, when the
    posts that are new objects since the last call kept those, the ranking holds and only
    the lists showing them get today's views. Without one, a build's `cache` may hold it."""
    posts = site.posts
    if memo is None:
        return cached_related_posts(posts, site.today, cache), None
    last = memo.related
    changed = changed_at(last.posts, posts) \
        if last is not None and last.today == site.today else None
    if last is not None and changed is not None \
            and all(rank_part(posts[i]) == last.parts[i] for i in changed):
        views = dict(last.views)
        fresh = {posts[i].post.doc.source: posts[i] for i in changed}
        holders = {holder for source in fresh for holder in last.shown_in.get(source, ())}
        for holder in holders:
            views[holder] = tuple(fresh.get(v.post.doc.source, v) for v in views[holder])
        memo.pending_related = replace(last, posts=posts, views=views)
        return views, holders
    parts = [rank_part(view) for view in posts]
    if last is not None and last.today == site.today and last.parts == parts:
        sources = last.sources
    else:  # (a build's first assembly with a memo: the cache may hold the ranking)
        sources = {source: tuple(v.post.doc.source for v in views)
                   for source, views in cached_related_posts(posts, site.today, cache).items()}
    by_source = {p.post.doc.source: p for p in posts}
    views = {source: tuple(by_source[s] for s in others) for source, others in sources.items()}
    shown_in: dict[str, list[str]] = {}
    for source, others in sources.items():
        for other in others:
            shown_in.setdefault(other, []).append(source)
    memo.pending_related = RelatedLists(site.today, posts, parts, sources, views,
                                        {s: tuple(v) for s, v in shown_in.items()})
    return views, None
