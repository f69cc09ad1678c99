"""Markdown: one configured MarkdownIt (CommonMark + extras), Pygments highlighting at build
time, heading anchors, and local links left as placeholders for the route table."""

from __future__ import annotations

import html
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.common import normalize_url
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
from brandgen.mdrules import use_typography
from brandgen.plaintext import inline_text
from brandgen.rendered import (
    PLACEHOLDER,
    DocImage,
    DocLink,
    RenderedDoc,
    Section,
)
from brandgen.typography import DEFAULT_SETTINGS, MarkdownSettings, heading_slug

_FORMATTER = HtmlFormatter(nowrap=True)


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
