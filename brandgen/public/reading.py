"""Help for reading long posts: a table of contents and related posts by shared tags.

Both are pure functions of what the Markdown stage and the route table already decided.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from brandgen.public.views import PostView, TocEntry
from brandgen.rendered import Section

MIN_SECTIONS = 3  # fewer h2/h3 headings than this: a post short enough to need no contents
RELATED_POSTS = 3


def table_of_contents(sections: Sequence[Section]) -> tuple[TocEntry, ...]:
    """The h2/h3 outline of a document, or () when it has fewer than MIN_SECTIONS.

    An h3 belongs to the h2 above it; an h3 before any h2 stands on its own line."""
    if len(sections) < MIN_SECTIONS:
        return ()
    top: list[tuple[Section, list[TocEntry]]] = []
    for section in sections:
        entry = TocEntry(section.id, section.title)
        if section.level == 3 and top and top[-1][0].level == 2:
            top[-1][1].append(entry)
        else:
            top.append((section, []))
    return tuple(TocEntry(s.id, s.title, tuple(kids)) for s, kids in top)


def related_posts(posts: Sequence[PostView], today: dt.date, limit: int = RELATED_POSTS
                  ) -> dict[str, tuple[PostView, ...]]:
    """Per post (by source): up to `limit` other posts sharing a tag with it, most shared
    tags first, then the newest, then by slug. Drafts and future posts never appear, not
    even under --drafts (a preview must not suggest what readers cannot open).

    Posts with the same set of tags have the same candidates, so the ranking is made once
    per distinct tag set from each group's newest posts: linear in the posts, not quadratic."""
    groups: dict[frozenset[str], list[PostView]] = {}
    for post in posts:
        if not post.post.draft and post.post.date <= today:
            groups.setdefault(frozenset(t.slug for t in post.tags), []).append(post)
    for members in groups.values():
        members.sort(key=lambda p: p.post.slug)  # slug ascending breaks the remaining ties
        members.sort(key=lambda p: p.date, reverse=True)
    ranked: dict[frozenset[str], list[PostView]] = {}
    found: dict[str, tuple[PostView, ...]] = {}
    for post in posts:
        mine = frozenset(t.slug for t in post.tags)
        if not mine:
            found[post.post.doc.source] = ()
            continue
        if mine not in ranked:  # one more than the limit: a post never lists itself
            ranked[mine] = _ranked(mine, groups, limit + 1)
        found[post.post.doc.source] = tuple(
            other for other in ranked[mine]
            if other.post.doc.source != post.post.doc.source)[:limit]
    return found


def _ranked(mine: frozenset[str], groups: dict[frozenset[str], list[PostView]], want: int
            ) -> list[PostView]:
    """The first `want` posts by most shared tags, newest, slug; from the most shared level
    down, stopping once the levels above hold enough (each group is sorted already)."""
    shared = {tags: len(mine & tags) for tags in groups}
    picked: list[PostView] = []
    for level in range(len(mine), 0, -1):
        found = [other for tags, members in groups.items() if shared[tags] == level
                 for other in members[:want]]
        found.sort(key=lambda p: p.post.slug)
        found.sort(key=lambda p: p.date, reverse=True)
        picked += found[:want - len(picked)]
        if len(picked) >= want:
            break
    return picked
