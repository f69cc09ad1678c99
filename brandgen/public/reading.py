"""Help for reading long posts: a table of contents and related posts by shared tags.

Both are pure functions of what the Markdown stage and the route table already decided.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from brandgen.markdown import Section
from brandgen.public.views import PostView, TocEntry

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


def related_posts(post: PostView, posts: Sequence[PostView], today: dt.date,
                  limit: int = RELATED_POSTS) -> tuple[PostView, ...]:
    """Up to `limit` other posts sharing a tag with `post`: most shared tags first, then
    the newest, then by slug. Drafts and future posts never appear, not even under
    --drafts (a preview must not suggest what readers cannot open)."""
    mine = {tag.slug for tag in post.tags}
    if not mine:
        return ()
    scored: list[tuple[int, dt.date, str, PostView]] = []
    for other in posts:
        if other.post.doc.source == post.post.doc.source or other.post.draft \
                or other.post.date > today:
            continue
        shared = len(mine & {tag.slug for tag in other.tags})
        if shared:
            scored.append((shared, other.date, other.post.slug, other))
    scored.sort(key=lambda s: s[2])  # slug ascending breaks the remaining ties
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    return tuple(s[3] for s in scored[:limit])
