"""The privacy scan: private text must not appear in the public output."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from brandgen.config import SiteConfig
from brandgen.errors import SourceError
from brandgen.sources import is_inside

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


def public_source_text(config: SiteConfig) -> str:
    """The public sources' text (YAML and Markdown outside private/ and static/).

    A private string that also occurs here was published on purpose. Templates and static
    files do not count: private text showing up through them is exactly a leak.
    """
    parts: list[str] = []
    content = config.content_dir
    for path in sorted(content.rglob("*")):
        if path.is_file() and path.suffix in (".yaml", ".yml", ".md") \
                and not is_inside(path, content / "private") \
                and not is_inside(path, content / "static"):
            parts.append(path.read_text("utf-8", "replace"))
    return "\n".join(parts)


