"""Parsed posts from the cache: a post file whose text, name and settings are unchanged is
not parsed and validated again (YAML with positions is most of reading 4000 posts).

Only posts that parsed without any error or warning are stored, so a hit never hides a
message. Checks that span files (duplicate slugs) are still made on every build.

A file is not even read when its stat is the one recorded at the last build (an index of
path -> size, mtime, ctime, inode, device, mode and key): the recorded key says which parse
to reuse. As in stamp.py, a file changed within RACY_NS of the time its stat was taken is
"racily clean" (a second edit in the same clock tick would keep its stat) and is never
recorded, so it is read again; and ctime, which no tool can set back, changes on any write.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from brandgen import __version__
from brandgen.cache import Cache
from brandgen.errors import Problems
from brandgen.listing import Listing, PostFile, StatKey, post_file
from brandgen.model import Post
from brandgen.sources import read_text

ENGINE = "posts-1"
RACY_NS = 2_000_000_000  # as stamp.RACY_SECONDS
FOLDER = "content/posts"
_HERE = Path(__file__).resolve().parent
# The code that turns a post file into a Post: an edit to it (in a checkout) is a new key.
_CODE = ("documents.py", "fields.py", "yamlfile.py", "model.py", "sources.py", "urls.py")

ParsePost = Callable[[Path, str, str, dict[str, str]], "Post | None"]
# (rel, text) of every file the cache misses -> the posts that parsed with no message at
# all, pickled (as stored here); a file it leaves out (or whose slug is taken by then) is
# parsed by ParsePost.
Prefetch = Callable[[list[tuple[str, str]]], dict[str, bytes]]


# The cache key of each Post the last load returned, by id (the Post kept alive with it, so
# the id stays its own): a key covers everything the Post is made of, so a page key may
# stand for the Post by it (brandgen/public/pagekeys.py) instead of pickling it again.
_KEYS: dict[int, tuple[Post, str]] = {}


def settled(st: StatKey, taken_ns: int) -> bool:
    """Whether a file's stat, taken at `taken_ns`, tells its content: a regular file not
    changed within RACY_NS before (a second edit in the same clock tick would keep it)."""
    return stat.S_ISREG(st[5]) and max(st[1], st[2]) + RACY_NS < taken_ns


def post_key(post: Post) -> str | None:
    """The cache key `post` was read or stored under by the last load, if any."""
    found = _KEYS.get(id(post))
    return found[1] if found is not None and found[0] is post else None


def _fingerprint(timezone: str, statics: frozenset[str]) -> bytes:
    digest = hashlib.sha256(f"{ENGINE};{__version__};{timezone}".encode())
    for name in _CODE:
        digest.update((_HERE / name).read_bytes())
    for name in sorted(statics):  # `image:` must name an existing static file
        digest.update(f"\0{name}".encode())
    return digest.digest()


def _key(fingerprint: bytes, rel: str, text: str) -> str:
    digest = hashlib.blake2b(fingerprint, digest_size=24)
    digest.update(rel.encode() + b"\0" + text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _decode(data: bytes | None) -> Post | None:
    if data is None:
        return None
    try:
        post = pickle.loads(data)  # our own cache
    except Exception:
        return None
    return post if isinstance(post, Post) else None


def _listing(root: Path) -> list[PostFile]:
    """(name, stat) of every post file, by name: what `content_files` lists, hidden files
    and folders left out; the stat is None when it cannot be taken (then the read reports)."""
    try:
        entries = list(os.scandir(root / FOLDER))
    except OSError:
        return []
    return sorted(found for entry in entries if (found := post_file(entry)) is not None)


def _index_key(fingerprint: bytes) -> str:
    return "index:" + hashlib.blake2b(fingerprint, digest_size=24).hexdigest()


def _read_index(cache: Cache, key: str) -> dict[str, tuple[StatKey, str]]:
    data = cache.get_many("posts", [key]).get(key)
    try:
        index = pickle.loads(data) if data is not None else {}  # our own cache
    except Exception:
        return {}
    return index if isinstance(index, dict) else {}


def load_posts_cached(root: Path, problems: Problems, timezone: str, statics: frozenset[str],
                      cache: Cache | None, parse: ParsePost, prefetch: Prefetch | None = None,
                      stamp_listing: Listing | None = None) -> list[Post]:
    """Every post of content/posts/ in file-name order; `parse(path, rel, text, seen)`
    parses one file (reporting problems, recording its slug in `seen`); `prefetch` may
    parse the misses ahead, all at once (in other processes). `stamp_listing`: the CLI's
    walk of the inputs, taken just before the build, which listed the post files already
    (a file edited between that walk and its read here is recorded with the walk's stat,
    so the next build reads it again, as it would after an edit made during the build)."""
    _KEYS.clear()
    if stamp_listing is not None and stamp_listing.posts is not None:
        taken, listing = stamp_listing.taken_ns, list(stamp_listing.posts)
    else:
        taken = time.time_ns()  # before the listing: a later edit is newer than this
        listing = _listing(root)
    fingerprint = _fingerprint(timezone, statics) if cache is not None else b""
    index_key = _index_key(fingerprint)
    index = _read_index(cache, index_key) if cache is not None else {}
    # Per file: the key known from its unchanged stat, else its text (read now).
    files: list[tuple[str, StatKey | None, str, str | None]] = []
    for name, st in listing:
        rel = f"{FOLDER}/{name}"
        known = index.get(rel) if st is not None else None
        if isinstance(known, tuple) and len(known) == 2 and known[0] == st \
                and isinstance(known[1], str):
            files.append((rel, st, known[1], None))
            continue
        text = read_text(root / rel, rel, problems)
        if text is not None:
            files.append((rel, st, _key(fingerprint, rel, text) if cache else "", text))
    hits = cache.get_many("posts", sorted({key for _, _, key, _ in files})) \
        if cache is not None else {}
    ready = prefetch([(rel, text) for rel, _, key, text in files
                      if text is not None and key not in hits]) if prefetch else {}
    posts: list[Post] = []
    fresh: dict[str, bytes] = {}
    seen: dict[str, str] = {}
    recorded: dict[str, tuple[StatKey, str]] = {}
    for rel, st, key, text in files:
        post = _decode(hits.get(key)) if cache is not None else None
        if text is None and (post is None or post.slug in seen):
            text = read_text(root / rel, rel, problems)  # the entry is gone: read after all
            if text is None:
                continue
            key = _key(fingerprint, rel, text)
            post = _decode(cache.get_many("posts", [key]).get(key)) if cache else None
        if post is not None and post.slug not in seen:
            seen[post.slug] = rel
            posts.append(post)
            _KEYS[id(post)] = (post, key)
        else:
            assert text is not None
            before = len(problems.errors) + len(problems.warnings)
            data = ready.get(rel)
            post = _decode(data)
            if post is not None and post.slug not in seen:
                seen[post.slug] = rel  # as parse records it
            else:
                post, data = parse(root / rel, rel, text, seen), None
            if post is None:
                continue
            posts.append(post)
            if cache is None or len(problems.errors) + len(problems.warnings) != before:
                continue
            fresh[key] = data or pickle.dumps(post, protocol=5)
            _KEYS[id(post)] = (post, key)
        if st is not None and settled(st, taken):
            recorded[rel] = (st, key)
    if cache is not None:
        if recorded != index:
            fresh[index_key] = pickle.dumps(recorded, protocol=5)
        cache.put_many("posts", fresh)
    return posts


def post_keys(posts: Sequence[Post]) -> dict[str, str]:
    """The cache key of each of `posts` that has one, by source (for a kept assembly)."""
    return {post.doc.source: key for post in posts if (key := post_key(post)) is not None}


def remember_post_keys(posts: Sequence[Post], keys: Mapping[str, str]) -> None:
    """Stand each of `posts` by its key from `keys`: only the very Post objects those
    keys were read or stored under (those a kept assembly holds), never a Post parsed
    since from the same file."""
    _KEYS.clear()
    for post in posts:
        key = keys.get(post.doc.source)
        if key is not None:
            _KEYS[id(post)] = (post, key)
