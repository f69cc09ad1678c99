"""Markdown: one configured MarkdownIt (CommonMark + extras), Pygments highlighting at build
time, heading anchors, and local links left as placeholders for the route table."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.common import normalize_url
from markdown_it.common.utils import escapeHtml as escape_html
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import find_lexer_class_by_name
from pygments.util import ClassNotFound

from brandgen import codecache
from brandgen.fastmd import fast_tokens
from brandgen.plaintext import inline_text
from brandgen.typography import DEFAULT_SETTINGS, MarkdownSettings, heading_slug, use_typography

_FORMATTER = HtmlFormatter(nowrap=True)
WORDS_PER_MINUTE = 230


@lru_cache(maxsize=256)
def _lexer_class(name: str) -> type[Lexer] | None:
    """Lexer lookup scans Pygments' registry (~0.5 ms): do it once per language."""
    try:
        return find_lexer_class_by_name(name)
    except ClassNotFound:
        return None


@lru_cache(maxsize=256)
def _lexer(cls: type[Lexer]) -> Lexer:
    """An instance, made only to highlight: the first one compiles the lexer's regular
    expressions (~10 ms for Python's), which a block found in the code cache never needs."""
    return cls()


def _highlight(code: str, lang: str, _attrs: str) -> str:
    name = lang.strip().split()[0] if lang.strip() else ""
    if not name:
        return ""
    cls = _lexer_class(name.lower())
    if cls is None:
        return ""  # markdown-it falls back to an escaped plain block
    return codecache.highlighted(code, name, lambda: _block(code, name, _lexer(cls)))


def _block(code: str, name: str, lexer: Lexer) -> str:
    body = pygments_highlight(code, lexer, _FORMATTER)
    cls = html.escape(name, quote=True)
    return (f'<pre class="highlight" tabindex="0"><code class="language-{cls}">{body}'
            "</code></pre>\n")


@lru_cache(maxsize=4096)
def _normalize_link(url: str) -> str:
    return normalize_url.normalizeLink(url)


@lru_cache(maxsize=4096)
def _normalize_link_text(link: str) -> str:
    return normalize_url.normalizeLinkText(link)


class _MarkdownIt(MarkdownIt):
    """MarkdownIt whose URL normalizing (mdurl parse, encode, punycode: a quarter of the
    link rule) is remembered: a pure function of the URL, and sites repeat their links."""

    def normalizeLink(self, url: str) -> str:
        return _normalize_link(url)

    def normalizeLinkText(self, link: str) -> str:
        return _normalize_link_text(link)


@lru_cache(maxsize=8)
def make_markdown(allow_html: bool = True, settings: MarkdownSettings = DEFAULT_SETTINGS
                  ) -> MarkdownIt:
    """The MarkdownIt instance, built once per settings and reused for every page.

    Markdown files pass raw HTML through (the author's own site); short Markdown fields in
    YAML (`summary:`) do not, so markup typed into a YAML value always shows up escaped.
    """
    md = _MarkdownIt("commonmark", {"highlight": _highlight, "html": allow_html,
                                   "typographer": settings.typographer,
                                   "quotes": list(settings.quotes),
                                   "linkify": settings.linkify})
    md.enable(["table", "strikethrough"])
    use_typography(md, settings)
    md.use(footnote_plugin)
    md.use(tasklists_plugin, label=True)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=heading_slug)
    md.add_render_rule("image", _render_image)
    return md


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


def _render_image(self: Any, tokens: list[Token], idx: int, options: Any,
                  env: dict[str, Any]) -> str:
    """A local image becomes a placeholder (see DocImage); others render as markdown-it
    would. Only render_doc collects images (env "doc_images")."""
    default: str = self.image(tokens, idx, options, env)
    images: list[DocImage] | None = env.get("doc_images")
    if images is None:
        return default
    first = not env.get("seen_image")
    env["seen_image"] = True
    token = tokens[idx]
    link = PLACEHOLDER.fullmatch(str(token.attrGet("src") or ""))
    if link is None:
        return default
    alt = self.renderInlineAsText(token.children or [], options, env)
    images.append(DocImage(int(link.group(1)), alt, str(token.attrGet("title") or ""), first,
                           default))
    return f"\x00i{len(images) - 1}\x00"


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


def _is_local(href: str) -> bool:
    parts = urlsplit(href)
    return not parts.scheme and not parts.netloc and not href.startswith("#")


_ANCHOR = ' <a class="anchor" href="#{id}" aria-label="Link to this section">#</a>'


def _walk_inline(token: Token, links: list[DocLink]) -> None:
    line = token.map[0] if token.map else 0
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        attr = "href" if child.type == "link_open" else "src" if child.type == "image" else ""
        if not attr:
            continue
        href = str(child.attrs.get(attr, ""))
        if href and _is_local(href):
            child.attrs[attr] = f"\x00{len(links)}\x00"
            links.append(DocLink(href, line, attr))


def render_doc(text: str, allow_html: bool = True,
               settings: MarkdownSettings = DEFAULT_SETTINGS) -> RenderedDoc:
    """Render one document body; a pure function of (text, allow_html, settings) and the
    library."""
    md = make_markdown(allow_html, settings)
    env: dict[str, object] = {}
    tokens = fast_tokens(md, text, env)
    if tokens is None:
        tokens = md.parse(text, env)
    images: list[DocImage] = []
    env["doc_images"] = images
    links: list[DocLink] = []
    headings: list[str] = []
    sections: list[Section] = []
    words = text_words = 0
    plain: list[str] = []
    for i, token in enumerate(tokens):
        if token.type == "inline":
            _walk_inline(token, links)
            content = inline_text(token)  # rendered text: no `*`, `[..](..)` or tags
            text_words += len(content.split())
            plain.append(content)
        elif token.type == "heading_close" and tokens[i - 1].type == "inline":
            anchor_id = tokens[i - 2].attrs.get("id")
            if anchor_id:
                headings.append(str(anchor_id))
                if token.tag in ("h2", "h3") and plain[-1].strip():  # no nameless entry
                    sections.append(Section(int(token.tag[1]), str(anchor_id),
                                            plain[-1].strip()))
                tail = Token("html_inline", "", 0, content=_ANCHOR.format(id=anchor_id))
                inline = tokens[i - 1]
                inline.children = [*(inline.children or []), tail]
        elif token.type == "fence":
            words += len(token.content.split())
    body = md.renderer.render(tokens, md.options, env)
    # A code block that scrolls sideways must be reachable by keyboard (axe:
    # scrollable-region-focusable); highlighted blocks get the same in _highlight.
    body = body.replace("<pre><code", '<pre tabindex="0"><code')
    return RenderedDoc(body, " ".join(plain), words + text_words, tuple(headings),
                       tuple(links), tuple(images), tuple(sections), text_words)


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


@cache
def syntax_css() -> str:
    """Pygments token colours for light and dark mode, scoped to `.highlight` (made once a
    process: the styles are fixed by the Pygments version, and a dev-server save would
    otherwise spend ~2 ms on them)."""
    light = _strip_background(_style_defs("xcode"))
    dark = _strip_background(_style_defs("github-dark"))
    return f"{light}\n@media screen and (prefers-color-scheme: dark) {{\n{dark}\n}}\n"


def _style_defs(style: str) -> str:
    css: str = HtmlFormatter(style=style).get_style_defs(".highlight")  # type: ignore[no-untyped-call]
    return css


def _strip_background(css: str) -> str:
    """Drop Pygments' own block background and line-number rules: the theme sets those."""
    keep = [line for line in css.splitlines()
            if not line.startswith(("pre {", "td.linenos", "span.linenos", ".highlight .hll"))
            and not line.startswith(".highlight { background")]
    return "\n".join(keep)
