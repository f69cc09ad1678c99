"""Static files are the author's files: no links out, no special files, no nested .git."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from brandgen.errors import Problems

KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFSOCK: "a socket",
         stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device"}


def _kind(mode: int) -> str | None:
    """What a special file is, or None for a regular file or folder."""
    return KINDS.get(stat.S_IFMT(mode))


def _show(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def list_static_dir(folder: Path, root: Path, problems: Problems, follow: bool = False,
                    private: Path | None = None) -> frozenset[str]:
    """The files under `folder` (relative names), walked without following links.

    A link that leads outside `folder` is an error unless `follow` (then never into
    `private`); special files and a nested `.git` are errors; a link loop is not walked."""
    if not folder.is_dir():
        return frozenset()
    base = Path(os.path.realpath(folder))
    found: set[str] = set()
    seen: set[Path] = set()

    def walk(real_dir: Path, shown_dir: str) -> None:
        if real_dir in seen:
            return
        seen.add(real_dir)
        try:
            entries = sorted(os.scandir(real_dir), key=lambda e: e.name)
        except OSError as e:
            problems.error(f"cannot read folder: {e.strerror}", _show(real_dir, root),
                           hint="check the folder's permissions")
            return
        for entry in entries:
            name = f"{shown_dir}{entry.name}"
            where = _show(folder / name, root)
            if entry.name == ".git":
                problems.error("a git repository inside the static files would publish its "
                               "history", where, hint="move it out of content/static/")
                continue
            target = Path(entry.path)
            if entry.is_symlink():
                real = Path(os.path.realpath(entry.path))
                if not real.exists():
                    problems.error("symbolic link to nothing", where,
                                   hint="remove the link or fix its target")
                    continue
                inside = real == base or base in real.parents
                if private is not None and (real == private or private in real.parents):
                    problems.error("symbolic link into content/private/", where,
                                   hint="private files are never published; remove the link")
                    continue
                if not inside and not follow:
                    problems.error(f"symbolic link to {real}, outside the static folder",
                                   where, hint="copy the file in, or set "
                                   "`follow_symlinks: true` in brandgen.yaml")
                    continue
                target = real
            try:
                mode = os.stat(target).st_mode
            except OSError as e:
                problems.error(f"cannot read file: {e.strerror}", where,
                               hint="check the file's permissions")
                continue
            kind = _kind(mode)
            if kind:
                problems.error(f"{kind}, not a regular file", where,
                               hint="static files must be regular files; remove it")
            elif stat.S_ISDIR(mode):
                walk(Path(os.path.realpath(target)), name + "/")
            else:
                found.add(name)

    walk(base, "")
    return frozenset(found)


def special_file_errors(content: Path, root: Path, problems: Problems) -> None:
    """Special files (FIFOs, devices, sockets) anywhere under content/: reading one would
    hang or never end, so each is an error at its path. Folders are walked in os.walk's
    order (symlinked folders are not entered; content/static/ is list_static_dir's); a
    regular file is known by its directory entry, so only links and special files are
    stat'ed (4,000 posts: one pass of `readdir`)."""
    if not content.is_dir():
        return
    todo = [(str(content), "static")]  # (folder, name of a subfolder to leave out)
    while todo:
        folder, skip = todo.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError:
            continue
        folders = []
        for entry in entries:
            try:
                if entry.is_dir():
                    folders.append(entry)
                    continue
                if entry.is_file(follow_symlinks=False):
                    continue
                kind = _kind(os.stat(entry.path).st_mode)
            except OSError:
                continue  # a dangling link: the reader reports it if it is a source
            if kind:
                problems.error(f"{kind}, not a regular file", _show(Path(entry.path), root),
                               hint="sources must be regular files; remove it")
        todo += [(entry.path, "") for entry in reversed(folders)
                 if entry.name != skip and not entry.is_symlink()]
