"""Typed field access over YAML nodes, collecting positioned errors instead of raising.

    f = Fields(node, "content/skills.yaml", problems, "skills[2]", ALLOWED)
    name = f.text("name", required=True)
    level = f.integer("level", required=True, low=1, high=5)
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from brandgen.errors import Problems
from brandgen.sources import is_inside
from brandgen.yamlfile import YNode


@dataclass(frozen=True, order=True)
class When:
    """A date with a precision: `2026-11-23`, or a month `2024-03`, or a year `2019`."""

    date: dt.date
    precision: str = "day"  # "day" | "month" | "year"

    @property
    def iso(self) -> str:
        if self.precision == "year":
            return f"{self.date.year:04d}"
        if self.precision == "month":
            return f"{self.date.year:04d}-{self.date.month:02d}"
        return self.date.isoformat()

    def __str__(self) -> str:
        return self.iso


def parse_when(value: Any, allow_partial: bool = True) -> When | None:
    """Turn a YAML value into a When, or None when it is not an ISO date (or month)."""
    if isinstance(value, dt.datetime):
        return When(value.date())
    if isinstance(value, dt.date):
        return When(value)
    if isinstance(value, int) and allow_partial and 1000 <= value <= 9999:
        return When(dt.date(value, 1, 1), "year")
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return When(dt.date.fromisoformat(text))
        if allow_partial and len(text) == 7 and text[4] == "-":
            return When(dt.date(int(text[:4]), int(text[5:]), 1), "month")
    except ValueError:
        return None
    return None


# Dates far enough from year 1 and 9999 that adding any cadence (MAX_INTEGER days) or
# subtracting a review window can never overflow Python's date range.
MIN_DATE, MAX_DATE = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
MAX_INTEGER = 1_000_000  # e.g. cadence_days: a million days is already ~2,700 years
MAX_NUMBER = 1e12  # beyond any career metric; keeps dates and charts arithmetic safe
_SCI = re.compile(r"^[-+]?\d+(\.\d*)?[eE][-+]?\d+$")


def clean_url(url: str) -> str:
    """Percent-encode what may not appear in a URL (spaces, quotes, <, >, non-ASCII)."""
    return quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~")


def suggest(name: str, choices: Collection[str]) -> str:
    """A 'did you mean' hint, or a list of what is allowed."""
    close = difflib.get_close_matches(name, sorted(choices), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "allowed: " + ", ".join(sorted(choices))


def describe(node: YNode) -> str:
    if node.entries is not None:
        return "a mapping"
    if node.items is not None:
        return "a list"
    if node.value is None:
        return "nothing"
    return f"{node.value!r}" if isinstance(node.value, str) and len(node.value) < 40 else node.kind


class Fields:
    """A view of one YAML mapping with typed getters; problems go to the collector."""

    def __init__(
        self,
        node: YNode,
        path: str,
        problems: Problems,
        where: str = "",
        allowed: Collection[str] | None = None,
    ) -> None:
        self.node = node
        self.path = path
        self.problems = problems
        self.where = where
        self.ok = node.entries is not None
        self.entries = node.entries or {}
        if not self.ok:
            self.problems.error(f"{where or 'file'}: expected a mapping of keys, got "
                                f"{describe(node)}", path, node.line, node.column,
                                "write `key: value` lines")
        elif allowed is not None:
            for key, (key_node, _) in self.entries.items():
                if key not in allowed:
                    self.problems.error(f"{self.label(key)}: unknown key '{key}'", path,
                                        key_node.line, key_node.column, suggest(key, allowed))

    def label(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def at(self, key: str) -> YNode:
        """The value node of `key`, or the mapping itself when absent (for positions)."""
        return self.entries[key][1] if key in self.entries else self.node

    def fail(self, key: str, message: str, hint: str = "") -> None:
        node = self.at(key)
        self.problems.error(f"{self.label(key)}: {message}", self.path, node.line, node.column,
                            hint)

    def _get(self, key: str, required: bool, expected: str) -> YNode | None:
        if key not in self.entries or (self.entries[key][1].value is None
                                       and self.entries[key][1].kind == "null"):
            if required and self.ok:
                self.problems.error(f"{self.label(key)}: required, expected {expected}",
                                    self.path, self.node.line, self.node.column,
                                    f"add `{key}:` to this entry")
            return None
        return self.entries[key][1]

    def text(self, key: str, required: bool = False, default: str | None = None) -> str | None:
        node = self._get(key, required, "text")
        if node is None:
            return default
        if node.entries is not None or node.items is not None or isinstance(node.value, bool):
            self.fail(key, f"expected text, got {describe(node)}")
            return default
        value = node.value
        if isinstance(value, dt.date | int | float):
            value = str(value)
        text = str(value).strip()
        if required and not text:
            self.fail(key, "must not be empty")
            return default
        return text

    def url(self, key: str, required: bool = False) -> str:
        """An absolute http(s) URL, or mailto:/tel: (never javascript: or a bare host)."""
        value = self.text(key, required) or ""
        if value and not value.lower().startswith(("http://", "https://", "mailto:", "tel:")):
            self.fail(key, f"expected an absolute URL (https://...), got {value!r}",
                      "start the address with https://")
            return ""
        return clean_url(value)

    def choice(self, key: str, options: Collection[str], default: str | None = None,
               required: bool = False) -> str | None:
        value = self.text(key, required)
        if value is None:
            return default
        if value not in options:
            self.fail(key, f"expected one of {', '.join(options)}, got {value!r}",
                      suggest(value, options))
            return default
        return value

    def integer(self, key: str, required: bool = False, low: int | None = None,
                high: int | None = None, default: int | None = None) -> int | None:
        node = self._get(key, required, "a whole number")
        if node is None:
            return default
        value = node.value
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(key, f"expected a whole number, got {describe(node)}")
            return default
        high = MAX_INTEGER if high is None else high  # keeps date arithmetic in range
        if (low is not None and value < low) or value > high:
            span = f"{low}-{high}" if low is not None else f"<= {high}"
            shown = str(value) if len(str(value)) <= 20 else str(value)[:20] + "…"
            self.fail(key, f"must be {span}, got {shown}")
            return default
        return value

    def number(self, key: str, required: bool = False) -> float | None:
        node = self._get(key, required, "a number")
        if node is None:
            return None
        value = node.value
        if isinstance(value, str) and _SCI.match(value):
            self.fail(key, f"expected a number, got {describe(node)}",
                      "YAML reads 1e6 as text: write 1.0e6 or 1000000")
            return None
        if not isinstance(value, int | float) or isinstance(value, bool):
            self.fail(key, f"expected a number, got {describe(node)}")
            return None
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number) or abs(number) > MAX_NUMBER:
            shown = str(value) if len(str(value)) <= 20 else str(value)[:20] + "…"
            self.fail(key, f"must be a finite number of at most {MAX_NUMBER:.0e} in size, "
                           f"got {shown}",
                      "use a smaller unit (thousands, millions) if the number is this big")
            return None
        return number

    def boolean(self, key: str, default: bool = False, hint: str = "") -> bool:
        node = self._get(key, False, "true or false")
        if node is None:
            return default
        if not isinstance(node.value, bool):
            self.fail(key, f"expected true or false, got {describe(node)}",
                      hint or f"write `{key}: true` or `{key}: false`, without quotes")
            return default
        return node.value

    def when(self, key: str, required: bool = False, allow_partial: bool = True) -> When | None:
        expected = "an ISO date like 2026-11-23" + (" or a month like 2024-03"
                                                      if allow_partial else "")
        node = self._get(key, required, expected)
        if node is None:
            return None
        parsed = parse_when(node.value, allow_partial) if node.kind not in (
            "mapping", "list") else None
        if parsed is None:
            self.fail(key, f"expected {expected}, got {describe(node)}",
                      "write dates as YYYY-MM-DD (months as YYYY-MM) and check the day exists")
        elif not MIN_DATE <= parsed.date <= MAX_DATE:
            self.fail(key, f"date {parsed.date.isoformat()} is out of range",
                      f"use a year from {MIN_DATE.year} to {MAX_DATE.year}")
            return None
        return parsed

    def date(self, key: str, required: bool = False) -> dt.date | None:
        parsed = self.when(key, required, allow_partial=False)
        return parsed.date if parsed else None

    def strings(self, key: str) -> tuple[str, ...]:
        node = self._get(key, False, "a list of text")
        if node is None:
            return ()
        if node.items is None:
            self.fail(key, f"expected a list, got {describe(node)}",
                      f"write `{key}: [a, b]` or one `- item` per line")
            return ()
        out: list[str] = []
        for i, item in enumerate(node.items):
            if item.entries is not None or item.items is not None or item.value is None:
                self.problems.error(f"{self.label(key)}[{i}]: expected text, got "
                                    f"{describe(item)}", self.path, item.line, item.column)
            elif not str(item.value).strip():
                self.problems.error(f"{self.label(key)}[{i}]: must not be empty", self.path,
                                    item.line, item.column, "remove the empty entry")
            else:
                out.append(str(item.value).strip())
        return tuple(out)

    def items(self, key: str) -> Iterator[tuple[int, YNode]]:
        node = self._get(key, False, "a list")
        if node is None:
            return
        if node.items is None:
            self.fail(key, f"expected a list, got {describe(node)}")
            return
        yield from enumerate(node.items)

    def mapping(self, key: str) -> YNode | None:
        node = self._get(key, False, "a mapping")
        if node is None:
            return None
        if node.entries is None:
            self.fail(key, f"expected a mapping, got {describe(node)}")
            return None
        return node


def list_items(root: YNode | None, path: str, problems: Problems, what: str) -> list[YNode]:
    """The items of a top-level list file; an error when the file is something else."""
    if root is None:
        return []
    if root.items is None:
        problems.error(f"expected a list of {what}, got {describe(root)}", path, root.line,
                       root.column, "start each entry with `- `")
        return []
    return root.items


def static_path(f: Fields, key: str, root: Path) -> str:
    """An image given as a path under content/static/ (must exist) or an absolute URL."""
    value = f.text(key, default="") or ""
    if not value or value.startswith(("http://", "https://")):
        return value
    static = root / "content/static"
    target = static / value.lstrip("/")
    if not is_inside(target, static) or not target.is_file():
        f.fail(key, f"no file content/static/{value.lstrip('/')}",
               "put the image in content/static/ and give its path relative to that folder")
        return ""
    return value.lstrip("/")
