"""Typography and bare URLs for Markdown: the settings that decide them (part of every
document's cache key) and heading anchors; the markdown-it rules that apply them are in
brandgen/mdrules.py (this module imports no Markdown library: a build whose documents
are all cached never loads one).

Quotes follow the site's `language`; dashes and ellipses come from markdown-it's own
replacements; URLs (autolinks and linkified bare URLs) keep every character as typed.
"""

from __future__ import annotations

from dataclasses import dataclass

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
