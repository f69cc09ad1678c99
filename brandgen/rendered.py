"""A rendered Markdown document as a plain value, and what reads it without rendering.

The Markdown engine (brandgen/markdown.py) makes these; the rest of the build only reads
them, mostly from the cache, so this module imports no Markdown library: a build whose
documents are all cached (a template edit) never loads markdown-it or Pygments.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

WORDS_PER_MINUTE = 230
PLACEHOLDER = re.compile("\x00([0-9]+)\x00")  # markdown-it turns NUL in sources into U+FFFD
IMAGE_PLACEHOLDER = re.compile("\x00i([0-9]+)\x00")
# (resolved src URL, alt, title, eager) -> responsive markup, or None for the plain <img>
ImageRenderer = Callable[[str, str, str, bool], "str | None"]


@dataclass(frozen=True)
class DocImage:
    """A local image a document shows, kept unresolved: its <picture> markup depends on the
    static files (sizes, copies), which are not part of the document's cache key."""

    link: int  # index of its src in RenderedDoc.links
    alt: str
    title: str
    first: bool  # the document's first image: loaded eagerly
    html: str  # the plain <img>, with the src placeholder, for an image without copies


@dataclass(frozen=True)
class DocLink:
    """A local link a document made, kept unresolved so routes can change under a cache hit."""

    href: str  # as markdown-it normalized it
    line: int  # 0-based line within the document body
    attr: str = "href"  # or "src" for images


@dataclass(frozen=True)
class Section:
    """An h2 or h3 of a document, for its table of contents."""

    level: int
    id: str  # the heading's anchor id
    title: str  # its plain text


@dataclass(frozen=True)
class RenderedDoc:
    """One Markdown document as HTML: a plain value (it pickles and is cached).

    Local links in `html` are placeholders (NUL, index into `links`, NUL) that
    `brandgen.docs.resolve_doc` replaces with URLs from the route table.
    """

    html: str
    text: str  # plain text, for descriptions and the leak scan
    words: int
    headings: tuple[str, ...] = ()  # anchor ids of h2-h4
    links: tuple[DocLink, ...] = ()
    images: tuple[DocImage, ...] = ()
    sections: tuple[Section, ...] = ()  # h2 and h3, in order
    text_words: int = 0  # words of `text` (`words` also counts code blocks')

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.words / WORDS_PER_MINUTE))

    def unresolved_html(self) -> str:
        """The HTML with every local link as written (for text that is not a page)."""
        return PLACEHOLDER.sub(lambda m: escape_html(self.links[int(m.group(1))].href),
                               self.plain_images())

    def plain_images(self) -> str:
        """The HTML with each image placeholder as its plain <img> (links still placeholders)."""
        if not self.images:
            return self.html
        return IMAGE_PLACEHOLDER.sub(lambda m: self.images[int(m.group(1))].html, self.html)


def excerpt(text: str, limit: int = 160) -> str:
    """A one-line description from plain text, cut at a word boundary."""
    # The folded start of the text is a prefix of the whole text folded (its last word may
    # be cut short): when it is longer than `limit`, so is the whole, and the cut is the
    # same (a post's whole text is ~50x longer than an excerpt).
    flat = " ".join(text[:2 * limit].split())
    if len(flat) <= limit:
        flat = " ".join(text.split())
        if len(flat) <= limit:
            return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


def escape_html(raw: str) -> str:
    """markdown-it's escapeHtml ("&", "<", ">" and '"'; a single quote stays), without
    importing markdown-it: a link resolved into a cached document is escaped as the
    renderer escapes it."""
    return html.escape(raw, quote=False).replace('"', "&quot;")
