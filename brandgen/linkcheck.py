"""Internal link check: every local href/src of every output must be a file the build made.

A page's links are parsed and resolved to output files once per distinct page content: the
list is memoized in the cache under the page's hash, so an unchanged page is not parsed
again; only the (cheap) lookup of its targets among today's files is redone.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from collections.abc import Mapping
from html import unescape
from urllib.parse import unquote, urlsplit

from brandgen.cache import Cache
from brandgen.errors import SourceError
from brandgen.urls import Urls

# Our own output always quotes attributes with '"' (a value never holds one), so finding
# ` href="` is exact; bytes.find is ~3x faster than a regex and ~50x faster than html.parser.
_SPACE = frozenset(b" \t\n\r\f\v")
ENGINE = b"links-2"
# A root-relative path with no query, fragment, escape or character urlsplit strips.
_PLAIN_PATH = re.compile(r"/(?:[^/?#%\t\r\n][^?#%\t\r\n]*)?")


def _values(page: bytes, attr: bytes) -> list[bytes]:
    """The values of every `attr="..."` that follows white space (not `data-src=`)."""
    needle = attr + b'="'
    found: list[bytes] = []
    find = page.find
    i = find(needle)
    while i >= 0:
        start = i + len(needle)
        end = find(b'"', start)
        if end < 0:
            break
        if i and page[i - 1] in _SPACE:
            found.append(page[start:end])
            i = find(needle, end + 1)
        else:
            i = find(needle, start)
    return found


def parse_links(html: bytes) -> tuple[str, ...]:
    """Every distinct href/src/srcset URL in a page (entities decoded), sorted."""
    raw = set(_values(html, b"href"))
    raw.update(_values(html, b"src"))
    for value in _values(html, b"srcset"):
        raw.update(part.split()[0] for part in value.split(b",") if part.strip())
    return tuple(sorted({unescape(m.decode("utf-8", "replace")) for m in raw}))


def resolve(link: str, urls: Urls) -> str | None:
    """The output file an internal link points at, or None for external links."""
    if _PLAIN_PATH.fullmatch(link):  # what urlsplit and unquote would leave as it is
        path = link
    else:
        parts = urlsplit(link)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            return None
        path = unquote(parts.path)
    base = unquote(urls.base_path)
    if not path.startswith(base):
        return path  # outside the site: never resolvable
    rel = path[len(base):]
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


Targets = tuple[tuple[str, ...], tuple[str, ...]]  # a page's internal links, their files


def _page_targets(files: Mapping[str, bytes], urls: Urls, cache: Cache | None,
                  digests: Mapping[str, str] | None) -> dict[str, Targets]:
    """Per HTML page: its internal links and the output file each points at. Memoized in
    the cache by the page's content and the base path (all that `resolve` reads)."""
    salt = ENGINE + b"\0" + urls.base_path.encode() + b"\0"
    keys: dict[str, str] = {}
    for name in sorted(files):
        if name.endswith(".html"):
            digest = digests.get(name) if digests is not None else None
            if digest is None:
                digest = hashlib.sha256(files[name]).hexdigest()
            keys[name] = hashlib.blake2b(salt + digest.encode(), digest_size=20).hexdigest()
    known: dict[str, Targets] = {}
    if cache is not None:
        for key, data in cache.get_many("links", sorted(set(keys.values()))).items():
            try:
                links, targets = pickle.loads(data)  # our own cache
            except Exception:
                continue
            if type(links) is tuple and type(targets) is tuple and len(links) == len(targets):
                known[key] = (links, targets)
    fresh: dict[str, Targets] = {}
    verdicts: dict[str, str | None] = {}  # the same menu and asset links recur on every page
    for name, key in keys.items():
        if key in known or key in fresh:
            continue
        links: list[str] = []
        targets: list[str] = []
        for link in parse_links(files[name]):
            if link not in verdicts:
                verdicts[link] = resolve(link, urls)
            target = verdicts[link]
            if target is not None:
                links.append(link)
                targets.append(target)
        fresh[key] = (tuple(links), tuple(targets))
    if cache is not None and fresh:
        cache.put_many("links", {k: pickle.dumps(v, protocol=5) for k, v in fresh.items()})
    known.update(fresh)
    return {name: known[key] for name, key in keys.items()}


def check_links(files: Mapping[str, bytes], urls: Urls, cache: Cache | None = None,
                digests: Mapping[str, str] | None = None) -> list[SourceError]:
    """Warnings for internal links to files that the build did not produce; `digests`
    (name -> sha256 hex of the bytes) save hashing the pages again."""
    problems: list[SourceError] = []
    for name, (links, targets) in _page_targets(files, urls, cache, digests).items():
        for link, target in zip(links, targets, strict=True):
            if target not in files:
                problems.append(SourceError(
                    f"broken link {link!r}: no such file in the site", f"site/public/{name}",
                    severity="warning",
                    hint="fix the link in the content or template that produced this page"))
    return problems
