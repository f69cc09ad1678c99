"""Plain text of parsed Markdown: what a reader sees, without the markers that made it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only the Markdown engine makes tokens: importing it here would load it
    from markdown_it.token import Token

# Inline tokens whose own `content` is visible text; markers (em, strong, links) are
# separate open/close tokens and carry none, raw HTML and footnote marks are dropped.
_TEXT = {"text", "code_inline", "image", "math_inline"}
_SPACE = {"softbreak", "hardbreak"}


def inline_text(token: Token) -> str:
    """The visible text of one `inline` token (emphasis, links and code unwrapped)."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in _TEXT:
            parts.append(child.content)
        elif child.type in _SPACE:
            parts.append(" ")
    return "".join(parts)
