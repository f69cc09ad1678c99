"""URLs: slugs, and the single rule that turns a site route into a link under base_url."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from urllib.parse import quote, urlsplit

_SLUG_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
MAX_SLUG = 200  # file systems allow 255 bytes per name
FILE_SUFFIXES = (".html", ".htm", ".xml", ".json", ".txt", ".ics", ".pdf", ".css", ".js",
                 ".png", ".jpg", ".svg", ".ico")


def slugify(text: str, limit: int = 0) -> str:
    """'Hello, Wörld!' -> 'hello-world'; with `limit`, cut at a word to that length."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if limit and len(slug) > limit:
        cut = slug[: limit + 1]
        slug = (cut.rsplit("-", 1)[0] if "-" in cut else cut[:limit]).strip("-")
    return slug


@lru_cache(maxsize=8192)
def tag_slug(tag: str) -> str:
    """A tag's URL slug; tags that differ only in case or punctuation share one page.
    (Remembered: a site spells its few dozen tags on thousands of posts.)"""
    spelled = tag.replace("#", " sharp ").replace("+", " plus ")  # C# and C++ are not C
    return slugify(spelled) or "tag-" + hashlib.sha1(tag.encode()).hexdigest()[:8]


def slug_problem(slug: str) -> str | None:
    """Why `slug` cannot be used as one folder name in the output, or None when it can."""
    if not slug:
        return "the slug is empty"
    if ".." in slug or "/" in slug or "\\" in slug:
        return f"slug {slug!r} would escape the output folder"
    if not _SLUG_OK.match(slug):
        return f"slug {slug[:60]!r} may only hold letters, digits, '-', '_' and '.'"
    if len(slug) > MAX_SLUG:
        return f"slug is too long ({len(slug)} characters; at most {MAX_SLUG})"
    if slug.lower().endswith(FILE_SUFFIXES):
        return f"slug {slug!r} looks like a file name and would clash with generated files"
    return None


@dataclass(frozen=True)
class Urls:
    """Maps a route ('' for home, 'blog/x/', 'feed.xml') to links that honour base_url."""

    base_url: str  # absolute, ends with '/'

    @cached_property
    def base_path(self) -> str:
        return urlsplit(self.base_url).path or "/"

    @property
    def origin(self) -> str:
        """'https://ada.github.io' (no path), for turning root-relative links absolute."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def path(self, route: str) -> str:
        """Root-relative link: '/brand/blog/x/'."""
        return self.base_path + _quoted(route)

    def link(self, value: str) -> str:
        """A route as a root-relative link; a full URL (https://...) is left as it is."""
        return value if value.startswith(("http://", "https://")) else self.path(value)

    def absolute(self, route: str) -> str:
        """Full URL: 'https://ada.github.io/brand/blog/x/' (a full URL is left as it is)."""
        if route.startswith(("http://", "https://")):
            return route
        return self.base_url + _quoted(route)


@lru_cache(maxsize=65536)
def _quoted(route: str) -> str:
    """Templates ask for the same few routes on every page: quote each once."""
    return quote(route.lstrip("/"), safe="/#?=&%:@")


def output_file(route: str) -> str:
    """The file a route is written to: 'blog/x/' -> 'blog/x/index.html'."""
    if route == "" or route.endswith("/"):
        return route + "index.html"
    return route


def display_url(url: str) -> str:
    """'https://github.com/ada/' -> 'github.com/ada' (for print and compact contact lines)."""
    parts = urlsplit(url)
    if parts.scheme in ("mailto", "tel"):
        return parts.path
    host = parts.netloc.removeprefix("www.")
    return (host + parts.path).rstrip("/")
