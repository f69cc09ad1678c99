"""Markdown: one configured MarkdownIt (CommonMark + extras), Pygments highlighting at build
time, heading anchors, and content-file links rewritten to page URLs."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from brandgen.errors import SourceError
from brandgen.urls import Urls, slugify

_FORMATTER = HtmlFormatter(nowrap=True)
WORDS_PER_MINUTE = 230


@lru_cache(maxsize=256)
def _lexer(name: str) -> Lexer | None:
    """Lexer lookup scans Pygments' registry (~0.5 ms): do it once per language."""
    try:
        return get_lexer_by_name(name)
    except ClassNotFound:
        return None


def _highlight(code: str, lang: str, _attrs: str) -> str:
    name = lang.strip().split()[0] if lang.strip() else ""
    if not name:
        return ""
    lexer = _lexer(name.lower())
    if lexer is None:
        return ""  # markdown-it falls back to an escaped plain block
    body = pygments_highlight(code, lexer, _FORMATTER)
    cls = html.escape(name, quote=True)
    return (f'<pre class="highlight" tabindex="0"><code class="language-{cls}">{body}'
            "</code></pre>\n")


@lru_cache(maxsize=2)
def make_markdown(allow_html: bool = True) -> MarkdownIt:
    """The MarkdownIt instance, built once and reused for every page.

    Markdown files pass raw HTML through (the author's own site); short Markdown fields in
    YAML (`summary:`) do not, so markup typed into a YAML value always shows up escaped.
    """
    md = MarkdownIt("commonmark", {"highlight": _highlight, "html": allow_html})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(tasklists_plugin, label=True)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=lambda s: slugify(s) or "section")
    md.add_render_rule("image", _render_image)
    return md


# (src URL, alt, title, eager) -> HTML, or None to keep the plain <img>
ImageRenderer = Callable[[str, str, str, bool], "str | None"]


def _render_image(self: Any, tokens: list[Token], idx: int, options: Any,
                  env: dict[str, Any]) -> str:
    """Images go through the document's ImageRenderer (sizes, srcset, lazy loading below
    the first one); anything it does not know renders as markdown-it would."""
    render: ImageRenderer | None = env.get("images")
    if render is not None:
        token = tokens[idx]
        first = not env.get("seen_image")
        env["seen_image"] = True
        alt = self.renderInlineAsText(token.children or [], options, env)
        html = render(str(token.attrGet("src") or ""), alt, str(token.attrGet("title") or ""),
                      first)
        if html is not None:
            return html
    default: str = self.image(tokens, idx, options, env)
    return default


@dataclass(frozen=True)
class Rendered:
    html: str
    text: str  # plain text, for descriptions and the leak scan
    words: int
    errors: tuple[SourceError, ...] = ()

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.words / WORDS_PER_MINUTE))


LinkResolver = Callable[[str], "str | None"]


@dataclass(frozen=True)
class LinkContext:
    """What a document needs to rewrite its links: where it lives and what routes exist."""

    source: str  # path relative to the project root, e.g. 'content/posts/a.md'
    routes: Mapping[str, str]  # 'content/posts/a.md' -> route 'blog/a/'
    urls: Urls
    body_line: int = 1
    unpublished: frozenset[str] = frozenset()  # sources of drafts and future posts
    images: ImageRenderer | None = None  # responsive markup for images in content/static/


def _is_local(href: str) -> bool:
    parts = urlsplit(href)
    return not parts.scheme and not parts.netloc and not href.startswith("#")


def _resolve(href: str, ctx: LinkContext) -> tuple[str | None, str]:
    """New href for a local link, or (None, reason) when it points at a missing file."""
    parts = urlsplit(href)
    suffix = ("#" + parts.fragment) if parts.fragment else ""
    if href.startswith("/"):
        if href.startswith(ctx.urls.base_path) and ctx.urls.base_path != "/":
            return href, ""
        return ctx.urls.path(parts.path) + suffix, ""
    target = posixpath.normpath(posixpath.join(posixpath.dirname(ctx.source), parts.path))
    if target in ctx.routes:
        return ctx.urls.path(ctx.routes[target]) + suffix, ""
    if target.startswith("content/static/"):
        return ctx.urls.path(target.removeprefix("content/static/")) + suffix, ""
    if target in ctx.unpublished:
        return None, f"link to {target}, a draft or future-dated post that is not published"
    if parts.path.endswith(".md"):
        return None, f"link to {target}, which is not a page of this site"
    return href, ""


_ANCHOR = ' <a class="anchor" href="#{id}" aria-label="Link to this section">#</a>'


def _walk_inline(token: Token, ctx: LinkContext, errors: list[SourceError]) -> None:
    line = (token.map[0] if token.map else 0) + ctx.body_line
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        attr = "href" if child.type == "link_open" else "src" if child.type == "image" else ""
        if not attr:
            continue
        href = str(child.attrs.get(attr, ""))
        if not href or not _is_local(href):
            continue
        new, reason = _resolve(href, ctx)
        if new is None:
            errors.append(SourceError(reason, ctx.source, line, 1,
                                      "fix the path (it is relative to this file) or link a URL"))
        else:
            child.attrs[attr] = new


def render_markdown(text: str, ctx: LinkContext, allow_html: bool = True) -> Rendered:
    """Render one document; broken content links become errors at their line."""
    md = make_markdown(allow_html)
    env: dict[str, object] = {}
    tokens = md.parse(text, env)
    if ctx.images is not None:
        env["images"] = ctx.images
    errors: list[SourceError] = []
    words = 0
    plain: list[str] = []
    for i, token in enumerate(tokens):
        if token.type == "inline":
            _walk_inline(token, ctx, errors)
            content = re.sub(r"<[^>]+>", "", token.content)
            words += len(content.split())
            plain.append(content)
        elif token.type == "heading_close" and tokens[i - 1].type == "inline":
            anchor_id = tokens[i - 2].attrs.get("id")
            if anchor_id:
                tail = Token("html_inline", "", 0, content=_ANCHOR.format(id=anchor_id))
                inline = tokens[i - 1]
                inline.children = [*(inline.children or []), tail]
        elif token.type == "fence":
            words += len(token.content.split())
    body = md.renderer.render(tokens, md.options, env)
    # A code block that scrolls sideways must be reachable by keyboard (axe:
    # scrollable-region-focusable); highlighted blocks get the same in _highlight.
    body = body.replace("<pre><code", '<pre tabindex="0"><code')
    return Rendered(body, " ".join(plain), words, tuple(errors))


def excerpt(text: str, limit: int = 160) -> str:
    """A one-line description from plain text, cut at a word boundary."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


def syntax_css() -> str:
    """Pygments token colours for light and dark mode, scoped to `.highlight`."""
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
