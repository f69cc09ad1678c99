"""Parsed posts from the cache: a post file whose text, name and settings are unchanged is
not parsed and validated again (YAML with positions is most of reading 4000 posts).

Only posts that parsed without any error or warning are stored, so a hit never hides a
message. Checks that span files (duplicate slugs) are still made on every build.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from pathlib import Path

from brandgen import __version__
from brandgen.cache import Cache
from brandgen.errors import Problems
from brandgen.model import Post
from brandgen.sources import content_files, read_text

ENGINE = "posts-1"
_HERE = Path(__file__).resolve().parent
# The code that turns a post file into a Post: an edit to it (in a checkout) is a new key.
_CODE = ("documents.py", "fields.py", "yamlfile.py", "model.py", "sources.py", "urls.py")

ParsePost = Callable[[Path, str, str, dict[str, str]], "Post | None"]


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


def load_posts_cached(root: Path, problems: Problems, timezone: str, statics: frozenset[str],
                      cache: Cache | None, parse: ParsePost) -> list[Post]:
    """Every post of content/posts/ in file-name order; `parse(path, rel, text, seen)`
    parses one file (reporting problems, recording its slug in `seen`)."""
    files: list[tuple[Path, str, str]] = []
    for path in content_files(root / "content/posts", ".md"):
        rel = path.relative_to(root).as_posix()
        text = read_text(path, rel, problems)
        if text is not None:
            files.append((path, rel, text))
    fingerprint = _fingerprint(timezone, statics) if cache is not None else b""
    keys = [_key(fingerprint, rel, text) for _, rel, text in files] if cache else []
    hits = cache.get_many("posts", sorted(set(keys))) if cache is not None else {}
    posts: list[Post] = []
    fresh: dict[str, bytes] = {}
    seen: dict[str, str] = {}
    for i, (path, rel, text) in enumerate(files):
        post = _decode(hits.get(keys[i])) if keys else None
        if post is not None and post.slug not in seen:
            seen[post.slug] = rel
            posts.append(post)
            continue
        before = len(problems.errors) + len(problems.warnings)
        post = parse(path, rel, text, seen)
        if post is None:
            continue
        posts.append(post)
        if keys and len(problems.errors) + len(problems.warnings) == before:
            fresh[keys[i]] = pickle.dumps(post, protocol=5)
    if cache is not None and fresh:
        cache.put_many("posts", fresh)
    return posts
