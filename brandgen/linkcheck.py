"""Internal link check: every local href/src of every output must be a file the build made.

A page's internal links are parsed once per distinct page content: the list is memoized in
the cache under the page's hash, so an unchanged page is not parsed again. Its verdict
(which of them are broken) is kept too, for as long as the site's file names stay the same.
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
ENGINE = b"links-3"
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


def _raw_links(html: bytes) -> set[bytes]:
    """Every distinct href/src/srcset URL in a page, as written."""
    raw = set(_values(html, b"href"))
    raw.update(_values(html, b"src"))
    for value in _values(html, b"srcset"):
        raw.update(part.split()[0] for part in value.split(b",") if part.strip())
    return raw


def parse_links(html: bytes) -> tuple[str, ...]:
    """Every distinct href/src/srcset URL in a page (entities decoded), sorted."""
    return tuple(sorted({unescape(m.decode("utf-8", "replace")) for m in _raw_links(html)}))


def resolve(link: str, urls: Urls) -> str | None:
    """The output file an internal link points at, or None for external links."""
    return _resolve(link, urls.base_path)


def _resolve(link: str, base_path: str) -> str | None:
    if _PLAIN_PATH.fullmatch(link):  # what urlsplit and unquote would leave as it is
        path = link
    else:
        parts = urlsplit(link)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            return None
        path = unquote(parts.path)
    base = unquote(base_path)
    if not path.startswith(base):
        return path  # outside the site: never resolvable
    rel = path[len(base):]
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def _link_keys(files: Mapping[str, bytes], urls: Urls, digests: Mapping[str, str] | None
               ) -> tuple[dict[str, str], dict[str, str]]:
    """Per HTML page, by name in order: its sha256 hex, and the cache key of its links
    (its content and the base path: all that `resolve` reads)."""
    salt = ENGINE + b"\0" + urls.base_path.encode() + b"\0"
    keys: dict[str, str] = {}
    hexes: dict[str, str] = {}
    for name in sorted(files):
        if name.endswith(".html"):
            digest = digests.get(name) if digests is not None else None
            if digest is None:
                digest = hashlib.sha256(files[name]).hexdigest()
            hexes[name] = digest
            keys[name] = hashlib.blake2b(salt + digest.encode(), digest_size=20).hexdigest()
    return hexes, keys


def _page_links(files: Mapping[str, bytes], urls: Urls, cache: Cache | None,
                hexes: Mapping[str, str], keys: Mapping[str, str], names: list[str],
                parsed: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """The internal links (those `resolve` maps to a file) of the pages `names`: from the
    cache under their key, found where the page was rendered (`parsed`), or parsed."""
    known: dict[str, tuple[str, ...]] = {}
    if cache is not None and names:
        for key, data in cache.get_many("links", sorted({keys[n] for n in names})).items():
            try:
                value = pickle.loads(data)  # our own cache
            except Exception:
                continue
            if _strings(value):
                known[key] = value
    fresh: dict[str, tuple[str, ...]] = {}
    for name in names:
        key = keys[name]
        if key not in known and key not in fresh:
            found = parsed.get(hexes[name])
            fresh[key] = found if found is not None else page_links(files[name], urls)
    if cache is not None and fresh:
        cache.put_many("links", {k: pickle.dumps(v, protocol=5) for k, v in fresh.items()})
    known.update(fresh)
    return {name: known[keys[name]] for name in names}


def _verdicts_key(files: Mapping[str, bytes], urls: Urls) -> str:
    """What a page's broken links depend on besides its own links: the base path and the
    names of every file of the site."""
    digest = hashlib.blake2b(ENGINE + b"\0" + urls.base_path.encode(), digest_size=20)
    digest.update("\0".join(sorted(files)).encode("utf-8", "surrogatepass"))
    return "verdicts:" + digest.hexdigest()


def _read_verdicts(cache: Cache | None, key: str) -> dict[str, tuple[str, ...]]:
    data = cache.get_many("links", [key]).get(key) if cache is not None else None
    try:
        found = pickle.loads(data) if data is not None else {}  # our own cache
    except Exception:
        return {}
    if type(found) is not dict or not all(map(_strings, found.values())):
        return {}  # not what this version stores: every page is looked at again
    return found


def _strings(value: object) -> bool:
    """A tuple of str, as stored (checked at C speed: a cache entry may be foreign)."""
    return type(value) is tuple and set(map(type, value)) <= {str}


# (base path, a link's bytes as written) -> the link, or None for an external one: the same
# menu, asset and post links recur on every page of a site, and decoding, unescaping and
# resolving each one again was a third of finding a page's links (pure functions, so a
# memo per process; cleared when it grows past MEMO_LIMIT).
_LINKS: dict[tuple[str, bytes], str | None] = {}
MEMO_LIMIT = 1 << 16


def page_links(html: bytes, urls: Urls) -> tuple[str, ...]:
    """A page's internal links: those `resolve` maps to a file of the site (the same as
    filtering parse_links, sorted and distinct)."""
    base = urls.base_path
    memo = _LINKS
    if len(memo) > MEMO_LIMIT:
        memo.clear()
    found: set[str] = set()
    for raw in _raw_links(html):
        try:
            link = memo[base, raw]
        except KeyError:
            text = unescape(raw.decode("utf-8", "replace"))
            link = memo[base, raw] = text if _resolve(text, base) is not None else None
        if link is not None:
            found.add(link)
    return tuple(sorted(found))


def check_links(files: Mapping[str, bytes], urls: Urls, cache: Cache | None = None,
                digests: Mapping[str, str] | None = None,
                parsed: Mapping[str, tuple[str, ...]] | None = None) -> list[SourceError]:
    """Warnings for internal links to files that the build did not produce; `digests`
    (name -> sha256 hex of the bytes) save hashing the pages again, `parsed` (sha256 hex
    -> page_links of it, found where the page was rendered) parsing them.

    A page's broken links depend only on its content and on the names of the site's
    files: while the names are the same as at the last build, only pages with new content
    are looked at (a one-post edit: ~15 of 5,215), the others' verdicts come from the cache."""
    hexes, keys = _link_keys(files, urls, digests)
    verdicts_key = _verdicts_key(files, urls) if cache is not None else ""
    verdicts = _read_verdicts(cache, verdicts_key)
    todo = [name for name, digest in hexes.items() if digest not in verdicts]
    per_page = _page_links(files, urls, cache, hexes, keys, todo, parsed or {})
    # The same menu, asset and post links recur on every page: each distinct link is
    # judged once (a set union in C, not 120,000 lookups at 4000 posts), and only the pages
    # of a broken one are looked at again.
    distinct: set[str] = set().union(*per_page.values())
    broken = {link for link in distinct
              if (target := resolve(link, urls)) is not None and target not in files}
    fresh = {hexes[name]: tuple(link for link in links if link in broken)
             if broken and not broken.isdisjoint(links) else () for name, links in per_page.items()}
    if cache is not None:
        if fresh or len(verdicts) != len(set(hexes.values())):
            kept = {digest: verdicts.get(digest, ()) for digest in hexes.values()}
            kept.update(fresh)
            cache.put_many("links", {verdicts_key: pickle.dumps(kept, protocol=5)})
        # `files` is the whole site: what no page has any more can go
        cache.prune(("links",), [*keys.values(), verdicts_key])
    verdicts.update(fresh)
    return [SourceError(f"broken link {link!r}: no such file in the site", f"site/public/{name}",
                        severity="warning",
                        hint="fix the link in the content or template that produced this page")
            for name, digest in hexes.items() for link in verdicts[digest]]
