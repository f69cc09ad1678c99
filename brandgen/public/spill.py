"""Pages a forked render worker made, held in anonymous files until the writer asks.

The build process makes one file per chunk of pages before it forks; each worker writes
its chunk's pages into that chunk's file and sends back only where each page lies. The
files have no name (a memfd, else an unlinked temporary file): they vanish with the last
process holding them, even one killed mid-build, so nothing is left to clean up. A page is
read back with one `pread` when the writer or a check asks for it: the build process never
holds a whole site of pages (40 MB at 4000 posts), and no database stores them.
"""

from __future__ import annotations

import os
import tempfile
import weakref
from collections.abc import Sequence

Span = tuple[int, int, int]  # (chunk, offset, length) of one page


def _anonymous_file() -> int:
    try:
        return os.memfd_create("brandgen-pages", os.MFD_CLOEXEC)
    except (AttributeError, OSError):  # not Linux, or memfd refused: an unlinked file
        fd, path = tempfile.mkstemp(prefix="brandgen-pages-")
        os.unlink(path)
        return fd


def _close(fds: list[int]) -> None:
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            continue
    fds.clear()


class Spill:
    """One anonymous file per chunk of pages; closed when closed or garbage-collected."""

    def __init__(self, chunks: int) -> None:
        self._fds: list[int] = []
        self._closer = weakref.finalize(self, _close, self._fds)
        for _ in range(chunks):
            self._fds.append(_anonymous_file())

    def put(self, chunk: int, pages: Sequence[bytes]) -> list[Span]:
        """In a worker: write the chunk's pages (in order) into its file; their spans.
        Raises OSError when the file cannot hold them (a full temporary folder)."""
        data = memoryview(b"".join(pages))
        written = 0
        while written < len(data):
            written += os.pwrite(self._fds[chunk], data[written:], written)
        spans, offset = [], 0
        for page in pages:
            spans.append((chunk, offset, len(page)))
            offset += len(page)
        return spans

    def get(self, span: Span) -> bytes:
        chunk, offset, length = span
        if not self._fds:
            raise ValueError("the spilled pages were let go (read them before closing)")
        data = os.pread(self._fds[chunk], length, offset)
        if len(data) != length:
            raise OSError(f"a rendered page was cut short ({len(data)} of {length} bytes)")
        return data

    def close(self) -> None:
        self._closer()
