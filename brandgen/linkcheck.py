"""Internal link check over the rendered output: every local href/src must be a real file."""

from __future__ import annotations

import re
from collections.abc import Mapping
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from brandgen.errors import SourceError
from brandgen.urls import Urls

_ATTRS = {"href", "src"}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in _ATTRS:
                self.links.append(value)
            elif name == "srcset":
                self.links.extend(part.split()[0] for part in value.split(",") if part.strip())
            elif name == "id":
                self.ids.add(value)


def parse_links(html: str) -> tuple[list[str], set[str]]:
    parser = _Links()
    parser.feed(html)
    return parser.links, parser.ids


def resolve(link: str, urls: Urls) -> str | None:
    """The output file an internal link points at, or None for external links."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    path = unquote(parts.path)
    if not path.startswith(urls.base_path):
        return path  # outside the site: never resolvable
    rel = path[len(urls.base_path):]
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def check_links(files: Mapping[str, bytes], urls: Urls) -> list[SourceError]:
    """Warnings for internal links to files that the build did not produce."""
    problems: list[SourceError] = []
    for name in sorted(files):
        if not name.endswith(".html"):
            continue
        links, _ = parse_links(files[name].decode("utf-8", "replace"))
        for link in sorted(set(links)):
            target = resolve(link, urls)
            if target is None or target in files or re.match(r"^[a-z]+:", link):
                continue
            problems.append(SourceError(
                f"broken link {link!r}: no such file in the site", f"site/public/{name}",
                severity="warning",
                hint="fix the link in the content or template that produced this page"))
    return problems
