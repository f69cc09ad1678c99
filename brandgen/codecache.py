"""Highlighted code blocks from the cache, apart from the documents that hold them: editing a
post's prose leaves its code blocks' keys unchanged, so Pygments does not run again.

A key is a hash of the code, its language name, the Pygments version and brandgen's
highlighting code. Before a batch of documents is rendered, `preload` looks up the blocks a
fence pattern finds in their text; the pattern is only a guess at what markdown-it will
hand to the highlighter (a wrong guess is a miss, never a wrong block), because every
lookup is by the key of the exact code the parser passes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import pygments

from brandgen import __version__
from brandgen.cache import Cache

ENGINE = "code-1"
TABLE = "code"
_FENCE = re.compile(r"^(`{3,}|~{3,})[ \t]*([^\s`]*)[^\n]*\n(.*?)^\1[ \t]*$", re.M | re.S)
_known: dict[str, str] = {}
_fresh: dict[str, str] = {}


@lru_cache(maxsize=1)
def _salt() -> bytes:
    code = (Path(__file__).resolve().parent / "markdown.py").read_bytes()
    return f"{ENGINE};{__version__};pygments={pygments.__version__};".encode() + code


@lru_cache(maxsize=1)
def _salted() -> hashlib.blake2b:
    """The hash with the salt (~10 KB of source) already fed in: each key copies it."""
    return hashlib.blake2b(_salt(), digest_size=24)


def code_key(code: str, lang: str) -> str:
    digest = _salted().copy()
    digest.update(lang.encode() + b"\0" + code.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def highlighted(code: str, lang: str, make: Callable[[], str]) -> str:
    """The cached HTML of a block, or make() (remembered, stored by `store_fresh`)."""
    key = code_key(code, lang)
    found = _known.get(key)
    if found is None:
        found = _known[key] = _fresh[key] = make()
    return found


def preload(cache: Cache | None, texts: Iterable[str]) -> None:
    """Fetch the cached blocks that the documents about to be rendered seem to hold."""
    _known.clear()
    _fresh.clear()
    if cache is None:
        return
    keys = {code_key(m.group(3), m.group(2)) for text in texts for m in _FENCE.finditer(text)
            if m.group(2)}
    for key, data in cache.get_many(TABLE, sorted(keys)).items():
        try:
            _known[key] = data.decode("utf-8")
        except UnicodeDecodeError:
            continue  # damaged: highlighted again and overwritten


def take_fresh() -> dict[str, str]:
    """Blocks highlighted since `preload` (in this process), emptied."""
    fresh = dict(_fresh)
    _fresh.clear()
    return fresh


def remember_fresh(blocks: dict[str, str]) -> None:
    """Blocks a worker process highlighted, to be stored by this one."""
    _fresh.update(blocks)


def encoded(blocks: dict[str, str]) -> dict[str, bytes]:
    """Blocks as the cache stores them."""
    return {k: v.encode("utf-8") for k, v in blocks.items()}


def store_fresh(cache: Cache | None, fresh: dict[str, str]) -> None:
    if cache is not None and fresh:
        cache.put_many(TABLE, encoded(fresh))
