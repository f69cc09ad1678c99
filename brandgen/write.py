"""Writing outputs safely: temp folder -> leak scan -> swap. A failed build changes nothing."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from brandgen.errors import SourceError
from brandgen.sources import is_inside

__all__ = ["Leak", "discard", "find_leaks", "is_inside", "leak_errors", "stage", "swap"]

TEXT_SUFFIXES = (".html", ".xml", ".json", ".txt", ".css", ".js", ".svg", ".ics", ".md", "")


@dataclass(frozen=True)
class Leak:
    output: str  # path in the public output
    text: str  # the private text found
    source: str  # the private file it came from


def _variants(text: str) -> set[str]:
    """The forms a string takes once rendered: raw, HTML-escaped (once, or twice as in the
    feed's HTML content), JSON-escaped."""
    escaped = html.escape(text, quote=False)
    return {text, html.escape(text), escaped, html.escape(escaped, quote=False),  # feed HTML
            json.dumps(text, ensure_ascii=False)[1:-1]}


def find_leaks(files: Mapping[str, bytes], private: Mapping[str, str], public_text: str
               ) -> list[Leak]:
    """Private strings (text -> source file) found in public files.

    A private string that also occurs in the public sources (a skill named in a goal) is no
    leak: it was published on purpose.
    """
    candidates = {t: src for t, src in private.items()
                  if len(t) >= 8 and t not in public_text}
    if not candidates:
        return []
    lookup: dict[str, str] = {}
    for text in sorted(candidates):
        for variant in _variants(text):
            lookup.setdefault(variant, text)
    pattern = re.compile("|".join(re.escape(v) for v in sorted(lookup, key=len, reverse=True)))
    leaks: list[Leak] = []
    for name in sorted(files):
        if not name.endswith(TEXT_SUFFIXES):
            continue
        body = files[name].decode("utf-8", "replace")
        for found in sorted({m.group(0) for m in pattern.finditer(body)}):
            original = lookup[found]
            leaks.append(Leak(name, original, candidates[original]))
    return leaks


def leak_errors(leaks: Iterable[Leak], public_dir: str) -> list[SourceError]:
    return [SourceError(f"private text {leak.text[:60]!r} from {leak.source} appears in the "
                        f"public output", f"{public_dir}/{leak.output}", 0, 0,
                        "remove it from the public content or template; the build was "
                        "stopped so nothing private was published") for leak in leaks]


def write_tree(target: Path, files: Mapping[str, bytes]) -> None:
    for name in sorted(files):
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(files[name])


def stage(dest: Path, files: Mapping[str, bytes]) -> Path:
    """Write `files` into a new temp folder beside `dest` (same filesystem, so rename works)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    try:
        write_tree(tmp, files)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp


def swap(staged: Path, dest: Path) -> None:
    """Replace `dest` by `staged` with two renames; the old tree is removed afterwards."""
    old = None
    if dest.exists():
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        dest.rename(old)
    try:
        staged.rename(dest)
    except BaseException:
        if old is not None:
            old.rename(dest)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def discard(staged: Iterable[Path]) -> None:
    for path in staged:
        shutil.rmtree(path, ignore_errors=True)
