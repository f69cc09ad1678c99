"""The dashboard and calendar kept in the cache between builds, in one slot.

They are a pure function of the private files, the public records the dashboard reads (the
profile, the skills and every post's front matter, never a post's body), the settings,
today, brandgen's code and the libraries that shape it. A build whose inputs are the same
takes the stored bytes and warnings and never imports the dashboard's code (~0.1 s of every
rebuild); a build with errors stores nothing, so they are always reported afresh.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
from dataclasses import fields

from brandgen.cache import Cache
from brandgen.config import SiteConfig
from brandgen.errors import SourceError
from brandgen.libversions import library_version
from brandgen.model import Content, Post
from brandgen.private.vocabulary import PRIVATE
from brandgen.public.fileslots import TABLE, seal, unseal
from brandgen.public.fingerprint import code_fingerprint

SLOT = "private:dashboard"  # its key in the cache's table of whole-site files
_FRONT_MATTER = tuple(f.name for f in fields(Post) if f.name != "doc")
_LIBRARIES = ("mdit-py-plugins", "PyYAML")  # beyond those in code_fingerprint


def dashboard_inputs(config: SiteConfig, content: Content, today: dt.date) -> bytes | None:
    """The digest of everything the dashboard is made of; None when a private file cannot
    be read (the build then reports it, and nothing is kept)."""
    files: list[tuple[str, bytes]] = []
    base = config.root / PRIVATE
    try:
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                rel = path.relative_to(base).as_posix()
                files.append((rel, path.read_bytes() if path.is_file() else b"/"))
    except OSError:
        return None
    posts = [(post.doc.source, *(getattr(post, name) for name in _FRONT_MATTER))
             for post in content.posts]
    skill_names = (type(content.skill_names).__name__, sorted(content.skill_names))
    libraries = [library_version(name) for name in _LIBRARIES]
    value = (config, today, files, content.profile, content.skills, skill_names, posts,
             libraries)
    digest = hashlib.blake2b(code_fingerprint(), digest_size=32)
    digest.update(SLOT.encode() + b"\0" + pickle.dumps(value, protocol=5))
    return digest.digest()


class KeptDashboard:
    """`files` and `warnings` of an earlier build from the same inputs, or None; `store`
    keeps this build's. `inputs`: their digest, when known (a build from a kept assembly
    whose posts kept their front matter, brandgen/public/warm.py, knows it unchanged)."""

    def __init__(self, cache: Cache | None, config: SiteConfig, content: Content,
                 today: dt.date, inputs: bytes | None = None) -> None:
        self.cache = cache
        self.files: dict[str, bytes] | None = None
        self.warnings: list[SourceError] = []
        self.inputs = (inputs or dashboard_inputs(config, content, today)) \
            if cache is not None and cache.usable else None
        if cache is None or self.inputs is None:
            return
        payload = unseal(cache.get_many(TABLE, [SLOT]).get(SLOT), self.inputs)
        if payload is None:
            return
        try:
            files, warnings = pickle.loads(payload)
        except Exception:  # bytes of another version: a miss, never a crash
            return
        if isinstance(files, dict) and isinstance(warnings, list):
            self.files, self.warnings = files, warnings

    def store(self, files: dict[str, bytes], warnings: list[SourceError]) -> None:
        if self.cache is None or self.inputs is None:
            return
        payload = pickle.dumps((files, warnings), protocol=5)
        self.cache.put_many(TABLE, {SLOT: seal(self.inputs, payload)})
