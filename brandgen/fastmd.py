"""A fast path for plain Markdown: markdown-it.rs (markdown-it-pyrs) parses the blocks and
inlines, its tree becomes the very tokens markdown-it-py would make, and markdown-it-py's
own core rules after `inline` (linkify, typography, anchors, task lists, footnotes) and
renderer finish the document.

Only text made of the constructs below takes this path, decided from the text and the
tree; anything else (raw HTML, entities, escapes, tables, footnotes, task lists, images,
bare URLs and e-mail addresses, tabs, CR) is parsed by markdown-it-py alone. tests/test_docs
and tests/data/markdown hold the cases where the two paths meet.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from typing import Any, Literal

from markdown_it import MarkdownIt
from markdown_it.rules_core.state_core import StateCore
from markdown_it.token import Token
from markdown_it_pyrs import MarkdownIt as RustMarkdownIt
from markdown_it_pyrs import Node

# CommonMark without raw HTML, entities, escapes and autolinks (text holding their
# characters never gets here).
_RUST = RustMarkdownIt("zero").enable_many([
    "blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph",
    "reference", "backticks", "emphasis", "link", "newline"])
# Characters and strings that start a construct this path does not take (looked for one
# by one with `in`, each a memchr-fast scan: twice as fast as one alternation regex).
_REFUSE_CHARS = ("<", "&", "\\", "\t", "\r", "\0", "|", "~")
_REFUSE_STRINGS = ("![", "^[", "[^", "[ ]", "[x]", "[X]")
# A non-ASCII character beside an emphasis marker: markdown-it-py counts Unicode symbols
# (£, €) as punctuation when it decides what `*` and `_` can open or close, markdown-it.rs
# only punctuation.
_EMPHASIS_NEIGHBOUR = re.compile(r"(?<=[*_])[^\x00-\x7f]|[^\x00-\x7f](?=[*_])")
_INLINE_TAGS = {"em": "em", "strong": "strong"}
# markdown-it-py stops nesting at its maxNesting (20 in the commonmark preset),
# markdown-it.rs elsewhere: deeper documents are not for this path.
_MAX_LEVEL = 12


def fast_tokens(md: MarkdownIt, text: str, env: dict[str, Any]) -> list[Token] | None:
    """markdown-it-py's tokens for `text` (as md.parse makes them), or None when the text
    is not for this path."""
    if _refused(text) or not _plain_emphasis(text):
        return None
    source = text.encode()
    builder = _Builder(md, source)
    try:
        builder.blocks(_RUST.tree(text).children, 0)
    except _Refused:
        return None
    state = StateCore(text, md, env, builder.tokens)
    for rule in _after_inline(md):
        rule(state)
    return state.tokens


def _refused(text: str) -> bool:
    """Whether `text` holds a character or string this path does not take."""
    if any(char in text for char in _REFUSE_CHARS):
        return True
    return "[" in text and any(start in text for start in _REFUSE_STRINGS)


def _plain_emphasis(text: str) -> bool:
    """No emphasis marker beside a non-ASCII character that is not a letter or digit."""
    if text.isascii():  # most texts: no scan at all
        return True
    return all(unicodedata.category(m.group())[0] in "LNM"
               for m in _EMPHASIS_NEIGHBOUR.finditer(text))


# Core rules with nothing to do on text this path takes: task lists start `[ ]`/`[x]` and
# footnotes hold `[^`/`^[`, all refused (the task-list rule would still test every token).
_NO_OPS = frozenset({"github-tasklists", "footnote_tail"})


def _after_inline(md: MarkdownIt) -> list[Any]:
    """The enabled core rules that follow markdown-it-py's inline parsing, in order."""
    rules = [rule for rule in md.core.ruler.__rules__ if rule.enabled]
    names = [rule.name for rule in rules]
    return [rule.fn for rule in rules[names.index("inline") + 1:] if rule.name not in _NO_OPS]


class _Refused(Exception):
    """The tree holds a node this path does not turn into tokens."""


class _Builder:
    def __init__(self, md: MarkdownIt, source: bytes) -> None:
        self.md = md
        self.source = source
        self.tokens: list[Token] = []
        self._newlines: list[int] | None = None  # offsets of b"\n", made on first use

    def line(self, offset: int) -> int:
        """The 0-based line of a byte offset (a count of newlines before it: bisected, not
        counted from the start, so a long document costs no more per block)."""
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer(b"\n", self.source)]
        return bisect.bisect_left(self._newlines, offset)

    def map(self, node: Node) -> list[int]:
        start, end = node.srcmap or (0, 0)
        # markdown-it-py maps to the line after the block's last line (end is exclusive)
        last = end - 1 if end > start and self.source[end - 1:end] == b"\n" else end
        return [self.line(start), self.line(last) + 1]

    def push(self, kind: str, tag: str, nesting: Literal[-1, 0, 1], level: int,
             node: Node | None = None, markup: str = "") -> Token:
        if level > _MAX_LEVEL:
            raise _Refused("nested deeper than markdown-it-py's maxNesting allows for")
        token = Token(kind, tag, nesting, level=level, markup=markup, block=True)
        if node is not None and nesting >= 0:
            token.map = self.map(node)
        self.tokens.append(token)
        return token

    def blocks(self, nodes: Any, level: int) -> None:
        run: list[Node] = []  # a tight list item holds its inline nodes (no paragraph)
        for node in nodes:
            name = node.name
            if name in _INLINE_NAMES:
                run.append(node)
                continue
            if run:
                self.hidden_paragraph(run, level)
                run = []
            self.block(node, level)
        if run:
            self.hidden_paragraph(run, level)

    def block(self, node: Node, level: int) -> None:
        name = node.name
        meta = node.meta
        if name == "paragraph":
            self.paragraph(node, list(node.children), level, hidden=False)
        elif name == "definition":
            return  # a link reference definition makes no token
        elif name in ("heading", "lheading"):
            tag = f"h{meta['level']}"
            self.push("heading_open", tag, 1, level, node)
            self.inline(node, list(node.children), level + 1)
            self.push("heading_close", tag, -1, level)
        elif name in ("bullet_list", "ordered_list"):
            self.list_block(node, level)
        elif name == "blockquote":
            self.push("blockquote_open", "blockquote", 1, level, node, ">")
            self.blocks(node.children, level + 1)
            self.push("blockquote_close", "blockquote", -1, level, markup=">")
        elif name == "fence":
            token = self.push("fence", "code", 0, level, node)
            token.info = str(meta.get("info", ""))
            token.content = str(meta["content"])
            token.markup = str(meta.get("marker", "`")) * int(meta.get("marker_len", 3))
        elif name == "code_block":
            token = self.push("code_block", "code", 0, level, node)
            token.content = str(meta["content"])
        elif name == "hr":
            self.push("hr", "hr", 0, level, node)
        else:
            raise _Refused(name)

    def list_block(self, node: Node, level: int) -> None:
        ordered = node.name == "ordered_list"
        marker = str(node.meta.get("marker", "-"))
        kind, tag = ("ordered_list", "ol") if ordered else ("bullet_list", "ul")
        opened = self.push(f"{kind}_open", tag, 1, level, node, marker)
        if ordered:
            start = int(node.meta.get("start", 1))
            if start != 1:
                opened.attrs["start"] = str(start)
        items = list(node.children)
        number = int(node.meta.get("start", 1))
        for item in items:
            if item.name != "list_item":
                raise _Refused(item.name)
            token = self.push("list_item_open", "li", 1, level + 1, item, marker)
            if ordered:
                token.info = str(number)
                number += 1
            self.blocks(item.children, level + 2)
            self.push("list_item_close", "li", -1, level + 1, markup=marker)
        self.push(f"{kind}_close", tag, -1, level, markup=marker)

    def hidden_paragraph(self, run: list[Node], level: int) -> None:
        self.paragraph(None, run, level, hidden=True)

    def paragraph(self, node: Node | None, children: list[Node], level: int,
                  hidden: bool) -> None:
        opened = self.push("paragraph_open", "p", 1, level, node)
        opened.hidden = hidden
        self.inline(node, children, level + 1)
        self.push("paragraph_close", "p", -1, level).hidden = hidden
        if node is None:
            first = self.tokens[-2]
            opened.map = first.map

    def inline(self, node: Node | None, children: list[Node], level: int) -> None:
        token = Token("inline", "", 0, level=level, block=True)
        if node is not None:
            token.map = self.map(node)
            start, end = node.srcmap or (0, 0)
        else:
            start = min((c.srcmap or (0, 0))[0] for c in children)
            end = max((c.srcmap or (0, 0))[1] for c in children)
            token.map = [self.line(start), self.line(start) + 1]
        # Core rules test `content` only as a quick filter: the block's source holds
        # every character its inline text shows.
        token.content = self.source[start:end].decode(errors="replace")
        kids: list[Token] = []
        _inlines(self.md, children, 0, kids)
        token.children = _join_text(kids)
        self.tokens.append(token)


_INLINE_NAMES = {"text", "softbreak", "hardbreak", "em", "strong", "code_inline", "link"}


def _inlines(md: MarkdownIt, nodes: Any, level: int, out: list[Token]) -> None:
    if level > _MAX_LEVEL:
        raise _Refused("nested deeper than markdown-it-py's maxNesting allows for")
    for node in nodes:
        name = node.name
        if name == "text":
            content = str(node.meta["content"])
            if "://" in content or "@" in content:
                raise _Refused("a bare URL or e-mail address: linkify's inline rule")
            out.append(Token("text", "", 0, level=level, content=content))
        elif name == "softbreak":
            out.append(Token("softbreak", "br", 0, level=level))
        elif name == "hardbreak":
            out.append(Token("hardbreak", "br", 0, level=level))
        elif name in _INLINE_TAGS:
            tag = _INLINE_TAGS[name]
            marker = str(node.meta.get("marker", "*"))
            markup = marker * (2 if name == "strong" else 1)
            out.append(Token(f"{tag}_open", tag, 1, level=level, markup=markup))
            _inlines(md, node.children, level + 1, out)
            out.append(Token(f"{tag}_close", tag, -1, level=level, markup=markup))
        elif name == "code_inline":
            marker = str(node.meta.get("marker", "`")) * int(node.meta.get("marker_len", 1))
            content = "".join(str(c.meta["content"]) for c in node.children)
            out.append(Token("code_inline", "code", 0, level=level, markup=marker,
                             content=content))
        elif name == "link":
            url = str(node.meta["url"])
            if not _same_url(md, url):
                raise _Refused("a URL markdown-it-py may encode otherwise")
            attrs: dict[str, str | int | float] = {"href": url}
            if node.meta.get("title"):
                attrs["title"] = str(node.meta["title"])
            out.append(Token("link_open", "a", 1, level=level, attrs=attrs))
            _inlines(md, node.children, level + 1, out)
            out.append(Token("link_close", "a", -1, level=level))
        else:
            raise _Refused(name)


def _same_url(md: MarkdownIt, url: str) -> bool:
    """markdown-it.rs percent-encodes a URL where markdown-it-py may punycode its host or
    encode other characters: only a URL that both leave as typed takes this path (ASCII,
    no %, one markdown-it-py's normalizing keeps and validates)."""
    return url.isascii() and "%" not in url and md.normalizeLink(url) == url \
        and bool(md.validateLink(url))


def _join_text(tokens: list[Token]) -> list[Token]:
    """Adjacent text tokens as one (markdown-it-py's fragments_join)."""
    out: list[Token] = []
    for token in tokens:
        if token.type == "text" and out and out[-1].type == "text" \
                and out[-1].level == token.level:
            out[-1].content += token.content
        else:
            out.append(token)
    return out
