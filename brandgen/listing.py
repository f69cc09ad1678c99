"""What a walk of the inputs found: the stamp's listing (brandgen/stamp.py), and the post
files' stat as the post cache lists them (brandgen/postcache.py), so one walk serves both.
Standard library only: the CLI imports it before deciding whether to build at all."""

from __future__ import annotations

import os
from dataclasses import dataclass

StatKey = tuple[int, int, int, int, int, int]  # size, mtime, ctime, inode, device, mode
PostFile = tuple[str, "StatKey | None"]  # a post file's name and stat (None: not taken)


@dataclass(frozen=True)
class Listing:
    digest: str  # of every input's path, size and mtime, the options and the versions
    taken: float  # time.time() when the listing was made
    racy: bool  # some input changed within RACY_SECONDS of `taken`
    # content/posts/'s post files as the post cache lists them (brandgen/postcache.py),
    # from the same walk, and time.time_ns() before it; None: no such folder was walked
    posts: tuple[PostFile, ...] | None = None
    taken_ns: int = 0
    # the same as `digest` without the post files and the themes: what a kept assembly
    # (brandgen/public/warm.py) is made of besides the posts; "" when one of them is racy
    assembly: str = ""


def stat_key(st: os.stat_result) -> StatKey:
    """What tells a file's content changed without reading it (ctime: no tool sets it back)."""
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev, st.st_mode)


def post_file(entry: os.DirEntry[str]) -> PostFile | None:
    """What the post cache lists of an entry of content/posts/: a visible `.md` file
    (followed if a link) with its stat, None for anything else."""
    name = entry.name
    if name.startswith(".") or not name.endswith(".md"):
        return None
    try:
        if not entry.is_file():
            return None
        return name, stat_key(entry.stat())
    except OSError:
        return name, None
