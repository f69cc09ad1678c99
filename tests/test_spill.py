"""The spill: pages a render worker made, in anonymous files the build reads back."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from brandgen.public.spill import Spill


def test_pages_come_back_as_written_chunk_by_chunk() -> None:
    spill = Spill(2)
    first = spill.put(0, [b"<p>a</p>", b"", b"<p>ccc</p>"])
    second = spill.put(1, [b"x" * 100_000])
    assert [spill.get(span) for span in first] == [b"<p>a</p>", b"", b"<p>ccc</p>"]
    assert spill.get(second[0]) == b"x" * 100_000
    spill.close()
    with pytest.raises(ValueError):
        spill.get(first[0])


def test_a_forked_process_writes_what_this_one_reads() -> None:
    spill = Spill(1)
    pid = os.fork()
    if pid == 0:  # the child: as a render worker does
        try:
            spill.put(0, [b"from the child"])
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    assert spill.get((0, 0, 14)) == b"from the child"


def test_without_memfd_the_files_are_unlinked_at_once(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    """Where memfd is missing or refused, an unlinked temporary file: nothing is left in
    the temporary folder, even by a build that is killed."""
    def refused(name: str, flags: int = 0) -> int:
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(os, "memfd_create", refused)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    spill = Spill(3)
    assert list(tmp_path.iterdir()) == []
    assert spill.get(spill.put(2, [b"page"])[0]) == b"page"
    spill.close()


def test_a_cut_short_page_is_an_error_not_a_wrong_page() -> None:
    spill = Spill(1)
    spill.put(0, [b"short"])
    with pytest.raises(OSError, match="cut short"):
        spill.get((0, 0, 50))
