"""Reading source files: UTF-8 text with positioned errors, and front matter splitting."""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from brandgen.errors import Problems

MAX_YAML = 4 * 1024 * 1024  # a few MB: more is a mistake (or a YAML bomb), not a CV
MAX_SOURCE = 32 * 1024 * 1024


def read_source_bytes(path: Path, rel: str, problems: Problems) -> bytes | None:
    """A regular file's bytes; a FIFO or device (which would hang) or an oversized file is
    refused by its type and size before anything is read. (Plain system calls: a Python
    file object costs ~4x the read itself, for the 4000 posts of a cold build.)"""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # a FIFO must not block
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):  # as a file object would say: "cannot read file"
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))
        if not stat.S_ISREG(st.st_mode):
            problems.error("not a regular file (a FIFO, device or folder)", rel,
                           hint="sources must be regular files")
            return None
        limit = MAX_YAML if os.fspath(path).endswith((".yaml", ".yml")) else MAX_SOURCE
        parts: list[bytes] = []
        size = 0
        while st.st_size <= limit and size <= limit:  # to the end, even if it grew
            part = os.read(fd, min(limit + 1 - size, max(st.st_size + 1 - size, 1 << 16)))
            if not part:
                break
            parts.append(part)
            size += len(part)
        if st.st_size > limit or size > limit:
            problems.error(f"file is too large (over {limit // (1024 * 1024)} MB)", rel,
                           hint="split it up, or check that it is the file you meant")
            return None
        return parts[0] if len(parts) == 1 else b"".join(parts)
    finally:
        os.close(fd)


def read_text(path: Path, rel: str, problems: Problems) -> str | None:
    """Read a UTF-8 file; an unreadable or non-UTF-8 file becomes an error (None)."""
    try:
        data = read_source_bytes(path, rel, problems)
    except FileNotFoundError:
        problems.error("file not found", rel, hint="check the file name")
        return None
    except OSError as e:
        problems.error(f"cannot read file: {e.strerror}", rel,
                       hint="check the file's permissions")
        return None
    if data is None:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        before = data[: e.start]
        line = before.count(b"\n") + 1
        column = e.start - (before.rfind(b"\n") + 1) + 1
        problems.error(f"not valid UTF-8 (byte 0x{data[e.start]:02x})", rel, line, column,
                       "save the file as UTF-8")
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n")


@dataclass(frozen=True)
class FrontMatter:
    yaml_text: str | None  # None when the file has no front matter
    body: str
    body_line: int  # 1-based line of the body's first line in the file
    closed: bool = True  # False when the opening `---` has no closing line


def split_front_matter(text: str) -> FrontMatter:
    """Split `---\\nyaml\\n---\\nbody`; a file without the opening fence has no front matter."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return FrontMatter(None, text, 1)
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return FrontMatter("\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2)
    return FrontMatter("", "", len(lines), closed=False)


def content_files(directory: Path, suffix: str) -> list[Path]:
    """Files with `suffix` directly in `directory`, sorted by name (hidden files skipped)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir()
                  if p.is_file() and p.suffix == suffix and not p.name.startswith("."))


def is_inside(path: Path, parent: Path) -> bool:
    """True when `path` is `parent` or below it (symlinks resolved)."""
    try:
        path.resolve().relative_to(parent.resolve())
    except ValueError:
        return False
    return True
