"""The markdown-it rules for typography and bare URLs (brandgen/typography.py holds the
settings that choose them)."""

from __future__ import annotations

from linkify_it import LinkifyIt
from markdown_it import MarkdownIt
from markdown_it.rules_core.replacements import replace_rare
from markdown_it.rules_core.state_core import StateCore

from brandgen.typography import MarkdownSettings


def use_typography(md: MarkdownIt, settings: MarkdownSettings) -> None:
    """Turn on `settings` in a MarkdownIt made with its typographer, quotes and linkify
    options (they must be given at construction)."""
    if settings.typographer:
        md.enable(["replacements", "smartquotes"])
        # Only dashes, ellipses and ±: "(c)" as ©, the scoped half, breaks "(a), (b), (c)".
        md.core.ruler.at("replacements", _replace_rare)
    if settings.linkify:
        md.enable("linkify")
        md.linkify = _Linkify()
        md.linkify.set({"fuzzy_link": False})  # a scheme is needed: "setup.py" stays text
        md.linkify.add("//", None)  # no protocol-relative links from prose
    # Before the typographer, so the text of a linkified URL is never curled or dashed.
    md.core.ruler.after("linkify", "protect_urls", _protect_urls)


def _may_link(text: str) -> bool:
    """With fuzzy links off (and no "//" schema), every link linkify-it finds has "://"
    (http:, https: and ftp: need "//" after the colon) or "@" (mailto: and fuzzy e-mail
    need one): text with neither holds none."""
    return "://" in text or "@" in text


class _Linkify(LinkifyIt):  # type: ignore[misc]  # linkify-it-py has no type hints
    """linkify-it with cheap first tests. Its own pretest (one large regular expression)
    costs more than the rest of linkifying a paragraph, and markdown-it then runs `test` (a
    few more) on every text token of a paragraph that passed it."""

    def pretest(self, text: str) -> bool:
        # A pretest may say yes wrongly (`test` decides), never no: _may_link is enough.
        return _may_link(text)

    def test(self, text: str) -> bool:
        return _may_link(text) and bool(super().test(text))


def _replace_rare(state: StateCore) -> None:
    if not state.md.options.typographer:
        return
    for token in state.tokens:
        if token.type == "inline" and token.children:
            replace_rare(token.children)


def _protect_urls(state: StateCore) -> None:
    """The visible text of autolinks and linkified URLs becomes `text_special`, which the
    typographer leaves alone (text_join turns it back into text). Such a link shows its
    own URL, so it is marked `bare-url`: print needs no "(URL)" after it."""
    for token in state.tokens:
        inside = False
        for child in token.children or []:
            if child.type in ("link_open", "link_close") and child.info == "auto":
                inside = child.type == "link_open"
                if inside:
                    child.attrSet("class", "bare-url")
            elif inside and child.type == "text":
                child.type = "text_special"
