"""Typography and bare URLs for Markdown: the settings that decide them (part of every
document's cache key) and the markdown-it rules that apply them.

Quotes follow the site's `language`; dashes and ellipses come from markdown-it's own
replacements; URLs (autolinks and linkified bare URLs) keep every character as typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from linkify_it import LinkifyIt
from markdown_it import MarkdownIt
from markdown_it.rules_core.replacements import replace_rare
from markdown_it.rules_core.state_core import StateCore

from brandgen.urls import slugify


@dataclass(frozen=True)
class MarkdownSettings:
    """What decides a document's HTML besides its text: part of every cache key."""

    typographer: bool = True  # curly quotes, en and em dashes, ellipses
    quotes: tuple[str, str, str, str] = ("\u201c", "\u201d", "\u2018", "\u2019")
    linkify: bool = True  # bare http(s):// URLs and e-mail addresses become links

    @property
    def key(self) -> str:
        return repr((self.typographer, self.quotes, self.linkify))


DEFAULT_SETTINGS = MarkdownSettings()
# Quotation marks by language (primary, then nested); others use English ones.
_NBSP = "\u00a0"
QUOTES: dict[str, tuple[str, str, str, str]] = {
    "de": ("\u201e", "\u201c", "\u201a", "\u2018"),
    "de-ch": ("\u00ab", "\u00bb", "\u2039", "\u203a"),
    "fr": ("\u00ab" + _NBSP, _NBSP + "\u00bb", "\u2039" + _NBSP, _NBSP + "\u203a"),
    "es": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "it": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "pt": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "pt-br": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "ru": ("\u00ab", "\u00bb", "\u201e", "\u201c"),
    "uk": ("\u00ab", "\u00bb", "\u201e", "\u201c"),
    "pl": ("\u201e", "\u201d", "\u00ab", "\u00bb"),
    "cs": ("\u201e", "\u201c", "\u201a", "\u2018"),
    "nl": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "sv": ("\u201d", "\u201d", "\u2019", "\u2019"),
    "fi": ("\u201d", "\u201d", "\u2019", "\u2019"),
    "da": ("\u00bb", "\u00ab", "\u203a", "\u2039"),
    "nb": ("\u00ab", "\u00bb", "\u2018", "\u2019"),
    "no": ("\u00ab", "\u00bb", "\u2018", "\u2019"),
    "ja": ("\u300c", "\u300d", "\u300e", "\u300f"),
}


def markdown_settings(language: str) -> MarkdownSettings:
    """The settings for a site in `language` (a BCP 47 tag like 'de' or 'de-CH')."""
    tag = language.strip().lower().replace("_", "-")
    parts = tag.split("-")
    region = f"{parts[0]}-{parts[1]}" if len(parts) > 1 else ""
    quotes = QUOTES.get(region) or QUOTES.get(parts[0]) or DEFAULT_SETTINGS.quotes
    return MarkdownSettings(quotes=quotes)


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


# Typographic characters mapped back to what was typed, so a heading's anchor id stays what
# it was before the typographer ("didn't" -> didn-t, not didnt): old #links keep working.
_TYPED = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2039": "'",
                        "\u203a": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
                        "\u00ab": '"', "\u00bb": '"', "\u2013": "--", "\u2014": "---",
                        "\u2026": "...", "\u00b1": "+-", "\u300c": '"', "\u300d": '"',
                        "\u300e": "'", "\u300f": "'"})


def heading_slug(title: str) -> str:
    """A heading's anchor id, the same with and without typographic quotes and dashes."""
    return slugify(title.translate(_TYPED)) or "section"


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
