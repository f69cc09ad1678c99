"""The no-change fast path: a stamp of every input's size and mtime, checked before any
heavy import (stdlib only, so `brandgen build` with nothing changed costs a directory walk).

The stamp is written after a successful build from a listing taken *before* the build
started, so an edit made during the build is seen next time. A file modified within
RACY_SECONDS of that listing is "racily clean" (a second edit in the same clock tick would
keep its size and mtime): then no stamp is written and the next build does the full work.
Time also changes outputs (future posts, the dashboard's "today"), so a stamp expires at
the next local midnight or the next scheduled post, whichever comes first.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from brandgen import __version__
from brandgen.listing import Listing, PostFile, post_file

if TYPE_CHECKING:
    import datetime as dt

    from brandgen.build import BuildResult

STAMP_FILE = Path(".brandgen-cache") / "stamp.json"
RACY_SECONDS = 2.0
_PACKAGE = Path(__file__).resolve().parent


def _walk(top: str) -> Iterator[tuple[str, os.DirEntry[str], bool]]:
    """(folder, entry, is a folder) for everything under `top`, in name order."""
    try:
        entries = sorted(os.scandir(top), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name in ("__pycache__", ".git"):
            continue
        if entry.is_dir(follow_symlinks=True):
            yield top, entry, True
            yield from _walk(entry.path)
        else:
            yield top, entry, False


def _installed() -> list[str]:
    """Names (with versions) of the installed distributions: a library upgrade is a change."""
    names: list[str] = []
    for folder in sys.path:
        if folder.endswith("-packages") and os.path.isdir(folder):
            names += sorted(n for n in os.listdir(folder) if n.endswith(".dist-info"))
    return names


def take_listing(root: Path, options: Sequence[str], theme_dirs: Iterable[Path] = ()
                 ) -> Listing:
    """Size and mtime of brandgen.yaml, content/, themes/, the bundled themes
    (`theme_dirs`) and brandgen; and the same without the post files and the themes (the
    inputs of a kept assembly besides the posts, which it checks one by one)."""
    taken_ns = time.time_ns()
    taken = taken_ns / 1e9
    digest, assembly = hashlib.sha256(), hashlib.sha256()
    head = json.dumps([__version__, sys.version, *options, *_installed()]).encode()
    digest.update(head)
    assembly.update(head)
    newest = newest_assembly = 0
    themes = [root / "themes", *theme_dirs]
    skip = tuple(f"{folder}{os.sep}" for folder in themes)
    files = [root / "brandgen.yaml"]
    posts_folder = os.path.join(root, "content", "posts")
    posts: list[PostFile] | None = None
    for top in [root / "content", *themes, _PACKAGE]:
        digest.update(f"\0{top}".encode())
        counts = top not in themes  # for the assembly's digest
        if counts:
            assembly.update(f"\0{top}".encode())
        for folder, entry, is_dir in _walk(os.fspath(top)):
            in_posts = False  # a file in content/posts/: a post, or one no build reads
            if folder == posts_folder:
                found = post_file(entry)
                if found is not None:
                    posts = posts or []
                    posts.append(found)
                in_posts = found is not None or not is_dir
            elif entry.path == posts_folder:
                posts = posts or []
            # (an editor's swap or backup file beside a post must not change this digest)
            mine = counts and not in_posts and not entry.path.startswith(skip)
            if is_dir:
                # A folder by its path only: what it holds is listed entry by entry, and
                # its mtime also moves when Python first makes a __pycache__ in it (another
                # process importing part of brandgen between two builds).
                line = f"\0{entry.path}\0dir".encode()
                digest.update(line)
                if mine:
                    assembly.update(line)
                continue
            try:
                st = entry.stat(follow_symlinks=True)
            except OSError:
                continue
            line = f"\0{entry.path}\0{st.st_size}\0{st.st_mtime_ns}".encode()
            digest.update(line)
            newest = max(newest, st.st_mtime_ns)
            if mine:
                assembly.update(line)
                newest_assembly = max(newest_assembly, st.st_mtime_ns)
    for path in files:
        try:
            st = path.stat()
        except OSError:
            line = f"\0{path}\0missing".encode()
        else:
            line = f"\0{path}\0{st.st_size}\0{st.st_mtime_ns}".encode()
            newest = max(newest, st.st_mtime_ns)
            newest_assembly = max(newest_assembly, st.st_mtime_ns)
        digest.update(line)
        assembly.update(line)
    racy = taken - RACY_SECONDS
    return Listing(digest.hexdigest(), taken, newest / 1e9 >= racy,
                   tuple(posts) if posts is not None else None, taken_ns,
                   "" if newest_assembly / 1e9 >= racy else assembly.hexdigest())


def _outputs_id(dirs: Sequence[Path]) -> list[list[int]]:
    out = []
    for d in dirs:
        try:
            st = d.stat()
        except OSError:
            return []
        out.append([st.st_ino, st.st_mtime_ns])
    return out


@dataclass(frozen=True)
class Stamp:
    summary: str  # the line the full build printed
    warnings: tuple[str, ...]  # formatted, printed again


def read_stamp(root: Path, listing: Listing, now: float) -> Stamp | None:
    """The stored result when nothing changed since the last build, else None."""
    try:
        data = json.loads((root / STAMP_FILE).read_text(encoding="utf-8"))
        if data["digest"] != listing.digest or now >= float(data["valid_until"]):
            return None
        dirs = [Path(p) for p in data["outputs"]]
        if not dirs or _outputs_id(dirs) != data["outputs_id"]:
            return None
        return Stamp(str(data["summary"]), tuple(str(w) for w in data["warnings"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_stamp(root: Path, listing: Listing, valid_until: float, outputs: Sequence[Path],
                summary: str, warnings: Sequence[str]) -> None:
    """Remember this build; a racy listing or an unwritable folder just skips it."""
    path = root / STAMP_FILE
    if listing.racy:
        path.unlink(missing_ok=True)
        return
    data = {"digest": listing.digest, "valid_until": valid_until,
            "outputs": [str(p) for p in outputs], "outputs_id": _outputs_id(outputs),
            "summary": summary, "warnings": list(warnings)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        ignore = path.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# brandgen's build cache: safe to delete\n*\n", encoding="utf-8")
        tmp = path.with_name(f"stamp.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def stamp_expiry(result: BuildResult, now: dt.datetime, clock_fixed: bool) -> float:
    """When time alone would change the output: the next local midnight (the dashboard's
    today, date-only posts) or the next timed post going live; never with --today."""
    if clock_fixed:
        return float("inf")
    import datetime as dt
    import zoneinfo

    zone = zoneinfo.ZoneInfo(result.config.timezone)
    local = now.astimezone(zone)
    midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), zone)
    times = [midnight.timestamp()]
    if result.site is not None:
        times += [p.instant.timestamp() for p in result.site.content.posts
                  if p.instant is not None and p.instant > now and not p.draft]
    return min(times)


def forget_stamp(root: Path) -> None:
    with contextlib.suppress(OSError):
        (root / STAMP_FILE).unlink(missing_ok=True)
