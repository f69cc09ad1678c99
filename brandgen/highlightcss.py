"""The CSS of highlighted code: Pygments' token colours for light and dark mode."""

from __future__ import annotations

from functools import cache


@cache
def syntax_css() -> str:
    """Pygments token colours for light and dark mode, scoped to `.highlight` (made once a
    process: the styles are fixed by the Pygments version, and a dev-server save would
    otherwise spend ~2 ms on them)."""
    light = _strip_background(_style_defs("xcode"))
    dark = _strip_background(_style_defs("github-dark"))
    return f"{light}\n@media screen and (prefers-color-scheme: dark) {{\n{dark}\n}}\n"


def _style_defs(style: str) -> str:
    from pygments.formatters import HtmlFormatter  # the styles, only when the CSS is made

    css: str = HtmlFormatter(style=style).get_style_defs(".highlight")  # type: ignore[no-untyped-call]
    return css


def _strip_background(css: str) -> str:
    """Drop Pygments' own block background and line-number rules: the theme sets those."""
    keep = [line for line in css.splitlines()
            if not line.startswith(("pre {", "td.linenos", "span.linenos", ".highlight .hll"))
            and not line.startswith(".highlight { background")]
    return "\n".join(keep)
