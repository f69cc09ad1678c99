"""A build's assembly kept for the next `brandgen build` (.brandgen-cache/assembly.pickle).

A CLI build that finds its inputs unchanged but for some post files' bodies or front
matter, or the templates, does what the dev server does on a save (brandgen/serve/
incremental.py): it parses only the changed post files into the kept content
(brandgen/public/reload.py) and assembles with the kept memo (brandgen/public/memo.py), so
the posts, views and outputs nothing changed are the very objects of the last build, and
each page's own key part (brandgen/public/pagekeys.py) is the one stored beside its output.
The stages after the assembly run as always: the page cache renders the pages whose key
changed, every check looks at every output.

It is kept only when every input it is made of can be told unchanged next time: the
listing's `assembly` digest (every input but the post files and the themes, the options
and the versions; empty when one of them changed within the racy window), each post
file's stat (None when racy: that file is read again), the day and the configuration.
Anything else, a post file added or removed, a post that does not parse without a
message, or a file that is not ours, and the build reads everything as it would without.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from brandgen.background import fork_quietly, reap
from brandgen.cache import FOLDER
from brandgen.config import SiteConfig
from brandgen.docs import DocInput
from brandgen.listing import Listing, StatKey
from brandgen.model import Content, Post
from brandgen.postcache import FOLDER as POSTS
from brandgen.postcache import post_keys, remember_post_keys, settled
from brandgen.public.memo import AssemblyMemo
from brandgen.public.reload import reload_posts
from brandgen.public.social import CardRecord
from brandgen.public.views import Output, Site
from brandgen.rendered import RenderedDoc
from brandgen.routes import Routes

FILE = "assembly.pickle"
FORMAT = 1  # of the pickled record; brandgen's code is in the listing's digest


@dataclass(frozen=True)
class KeptInputs:
    """What a kept assembly was made from: the file's first record, read on its own."""

    format: int
    inputs: str  # Listing.assembly of the build that made it
    today: dt.date
    posts: dict[str, StatKey | None]  # post file name -> stat when listed (None: read again)


@dataclass(frozen=True)
class KeptAssembly:
    """What a build assembled: the file's second record."""

    config: SiteConfig
    content: Content
    published: tuple[Post, ...]
    routes: Routes
    docs: dict[DocInput, RenderedDoc]
    memo: AssemblyMemo
    dashboard: bytes | None  # the digest of the private dashboard's inputs
    outputs: tuple[Output, ...]  # as assembled, before the social cards
    owns: tuple[bytes | None, ...]  # each output's own key part (None: not cacheable)
    post_keys: dict[str, str]  # source -> the post cache's key of the Post
    cards: tuple[str, tuple[CardRecord | None, ...]]  # the card basis, each output's card

    def owns_by_id(self) -> dict[int, bytes]:
        """The outputs' own key parts by the id of each (kept alive by this record)."""
        return {id(out): own for out, own in zip(self.outputs, self.owns, strict=True)
                if own is not None}


def _path(root: Path) -> Path:
    return root / FOLDER / FILE


class KeptReader:
    """The kept assembly of a project, read in two steps: `changed` (from the first
    record) says which post files changed since it was made, or is None when it cannot be
    used (none kept, not ours, other inputs, another day); `load()` reads the rest, and
    gives the content with those posts parsed again."""

    def __init__(self, root: Path, listing: Listing, today: dt.date) -> None:
        self.root = root
        self.changed: list[str] | None = None
        self._file: BinaryIO | None = None
        if not listing.assembly or listing.posts is None:
            return
        try:
            self._file = open(_path(root), "rb")  # noqa: SIM115 (closed by load())
            head = pickle.load(self._file)  # our own file, in the git-ignored cache folder
        except Exception:  # none, truncated, or made by another version: read everything
            self.close()
            return
        listed = dict(listing.posts)
        if type(head) is not KeptInputs or head.format != FORMAT \
                or head.inputs != listing.assembly or head.today != today \
                or type(head.posts) is not dict or head.posts.keys() != listed.keys():
            self.close()
            return
        self.changed = sorted(name for name, st in listed.items()
                              if st is None or head.posts[name] != st)

    def texts(self) -> list[tuple[str, str]]:
        """The changed post files' (path under the root, text), for a head start."""
        texts: list[tuple[str, str]] = []
        for name in self.changed or ():
            with contextlib.suppress(OSError, UnicodeDecodeError):
                rel = f"{POSTS}/{name}"
                texts.append((rel, (self.root / rel).read_text(encoding="utf-8")))
        return texts

    def load(self, config: SiteConfig) -> tuple[KeptAssembly, Content] | None:
        """The kept assembly and its content with the changed posts parsed again; None
        when the content must be read whole (another configuration, a post with a message
        or a new slug: see reload_posts)."""
        if self._file is None or self.changed is None:
            return None
        try:
            kept = pickle.load(self._file)
        except Exception:
            return None
        finally:
            self.close()
        if type(kept) is not KeptAssembly or kept.config != config:
            return None
        # The kept Posts stand for their cache keys again; a post parsed again is a new
        # object, which has none (its key would be another).
        remember_post_keys(kept.content.posts, kept.post_keys)
        content = reload_posts(kept.content, [("content", self.root / POSTS / name)
                                              for name in self.changed], config)
        if content is None:
            return None
        return kept, content

    def close(self) -> None:
        """Close the file (load() does; a reader that is not loaded must be closed)."""
        if self._file is not None:
            self._file.close()
            self._file = None


def _listed_posts(listing: Listing) -> dict[str, StatKey | None]:
    """The post files' stat to keep: None for one that has not settled (the post
    cache's rule), which the next build reads again."""
    return {name: st if st is not None and settled(st, listing.taken_ns) else None
            for name, st in listing.posts or ()}


# The writers this process forked and has not reaped yet.
_WRITERS: list[int] = []


def keep(root: Path, kept: tuple[KeptInputs, KeptAssembly], background: bool) -> None:
    """Store `kept` for the next build (atomically: a reader sees the old or the new);
    `background`: in a forked child, off the command's path, where fork is safe. It can
    only fail quietly: it is a cache, and the next build reads everything instead."""
    reap(_WRITERS, wait=False)
    pid = fork_quietly(lambda: _write(root, kept)) if background else None
    if pid is None:
        _write(root, kept)
    else:
        _WRITERS.append(pid)


def _write(root: Path, kept: tuple[KeptInputs, KeptAssembly]) -> None:
    path = _path(root)
    tmp = path.with_name(f"{FILE}.{os.getpid()}.tmp")
    try:
        for stale in path.parent.glob(f"{FILE}.*.tmp"):  # left by a writer that was killed
            if not _running(stale.name.split(".")[-2]):
                stale.unlink(missing_ok=True)
        with open(tmp, "wb") as f:
            pickle.dump(kept[0], f, protocol=5)
            pickle.dump(kept[1], f, protocol=5)
        os.replace(tmp, path)
    except Exception:  # a value that does not pickle, a full disk, a folder gone
        with contextlib.suppress(OSError):
            tmp.unlink()


def _running(pid: str) -> bool:
    """Whether process `pid` (a number from a file name) exists."""
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:  # another user's
        return True
    return True


def kept_record(listing: Listing, *, today: dt.date, config: SiteConfig, content: Content,
                published: Sequence[Post], routes: Routes, docs: dict[DocInput, RenderedDoc],
                memo: AssemblyMemo, dashboard: bytes | None, outputs: Sequence[Output],
                owns: dict[int, bytes], cards: tuple[str, tuple[CardRecord | None, ...]]
                ) -> tuple[KeptInputs, KeptAssembly]:
    """The two records to keep of a build that read `listing` (`owns`: by the id of each
    of `outputs`, the outputs as assembled)."""
    return (KeptInputs(FORMAT, listing.assembly, today, _listed_posts(listing)),
            KeptAssembly(config, content, tuple(published), routes, docs, memo, dashboard,
                         tuple(outputs), tuple(owns.get(id(out)) for out in outputs),
                         post_keys(content.posts), cards))


def kept_docs(docs: Sequence[DocInput], kept: KeptAssembly | None,
              render: Callable[[list[DocInput]], list[RenderedDoc]]
              ) -> dict[DocInput, RenderedDoc]:
    """Every document's rendering: the kept one (the same object, which the memo reuses
    views by) where the kept assembly has it, the rest from `render` (the Markdown stage)."""
    known = kept.docs if kept is not None else {}
    todo = [doc for doc in dict.fromkeys(docs) if doc not in known]
    fresh = dict(zip(todo, render(todo), strict=True))
    return {doc: known[doc] if doc in known else fresh[doc] for doc in docs}


def carried_owns(kept: KeptAssembly | None, site: Site, assembled: Sequence[Output]
                 ) -> dict[int, bytes]:
    """The own key parts known for the outputs of `site` (by id): those of outputs the
    kept assembly made (the same objects in `assembled`, the outputs before the social
    cards, which replace an output by one pointing at its card in the same place), while
    what every page's head data reads beside its output is the same: the route table
    (URLs), the profile (avatar) and the image sizes."""
    if kept is None or site.routes is not kept.routes \
            or site.content.profile is not kept.content.profile \
            or site.content.image_sizes is not kept.content.image_sizes:
        return {}
    known = kept.owns_by_id()
    return {id(out): known[id(pre)] for pre, out in zip(assembled, site.outputs, strict=True)
            if id(pre) in known}


def kept_cards(kept: KeptAssembly | None) -> tuple[str, dict[int, CardRecord]] | None:
    """The social cards of the kept assembly's outputs, by the id of each (for
    social_images' `known`: used only under the same card basis)."""
    if kept is None or not kept.cards[1]:  # (no cards: social images are off)
        return None
    basis, records = kept.cards
    return basis, {id(out): record for out, record in zip(kept.outputs, records, strict=True)
                   if record is not None}
