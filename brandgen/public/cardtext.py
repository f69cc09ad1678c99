"""Setting text for social images: glyph coverage, word wrapping, fitting a box.

Lines break only between words (and after a hyphen or slash inside a long compound); a
title that will not fit even at the smallest size loses whole words at the end, never
part of one, and gets an ellipsis.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass

Measure = Callable[[str, int], float]  # (text, font size) -> advance width in pixels

ELLIPSIS = "…"
_TRAILING = ",;:–—-·|"
_SEPARATOR = re.compile(r"\s+[·|]\s+")
_GLUE = {"—", "–", "-", "·", "|", "/"}
_BREAK_AFTER = re.compile(r"(?<=[-/–—])(?=\S)")  # soft break points inside a compound word


@dataclass(frozen=True)
class Coverage:
    """What of a text the font can draw."""

    text: str  # the text with undrawable characters dropped and spaces tidied
    complete: bool  # False when a letter or digit had to be dropped (the text is mangled)


def cover(text: str, codepoints: Collection[int]) -> Coverage:
    """Drop characters the font lacks (emoji, symbols), so nothing draws as a box.

    Losing a symbol leaves the words intact; losing a letter (a CJK or Arabic title in a
    Latin font) does not, and the caller should not print such a text at all.
    """
    complete = True
    kept: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        if ch.isspace():
            kept.append(" ")
        elif ord(ch) in codepoints:
            kept.append(ch)
        elif unicodedata.category(ch)[0] in "LN":
            complete = False
    tidy = " ".join("".join(kept).split())
    tidy = re.sub(r"\s+([,.;:!?)])", r"\1", tidy)  # "Launch 🚀 !" -> "Launch!"
    tidy = re.sub(r"([(])\s+", r"\1", tidy)
    return Coverage(tidy.strip(" ·-–—|:"), complete)


def words(text: str) -> list[str]:
    """Break opportunities: a lone dash or middle dot stays with the word before it, so no
    line starts with one."""
    units: list[str] = []
    for token in text.split():
        if units and token in _GLUE:
            units[-1] += " " + token
        else:
            units.append(token)
    return units


def wrap(text: str, size: int, width: float, measure: Measure) -> list[str] | None:
    """Greedy wrap into lines no wider than `width`; None when one word alone is wider."""
    lines: list[str] = []
    line = ""
    for word in words(text):
        parts = [word] if measure(word, size) <= width else _BREAK_AFTER.split(word)
        for i, part in enumerate(parts):
            joiner = "" if i > 0 else " "
            candidate = f"{line}{joiner}{part}" if line else part
            if measure(candidate, size) <= width:
                line = candidate
                continue
            if measure(part, size) > width:
                return None
            if line:
                lines.append(line)
            line = part
    if line:
        lines.append(line)
    return lines


def balance(text: str, size: int, width: float, measure: Measure) -> list[str] | None:
    """Like wrap, with lines of even length: the narrowest width that keeps the count."""
    lines = wrap(text, size, width, measure)
    if lines is None or len(lines) < 2:
        return lines
    lo, hi = width * 0.5, width
    for _ in range(12):
        mid = (lo + hi) / 2
        trial = wrap(text, size, mid, measure)
        if trial is not None and len(trial) == len(lines):
            hi = mid
        else:
            lo = mid
    return wrap(text, size, hi, measure) or lines


@dataclass(frozen=True)
class Fitted:
    lines: tuple[str, ...]
    size: int


def fit(text: str, sizes: tuple[int, ...], width: float, height: float, leading: float,
        measure: Measure) -> Fitted:
    """The largest size at which `text` wraps into the box; else the smallest size with
    whole words dropped from the end and an ellipsis. A text in parts ("Staff engineer ·
    data platforms") breaks between its parts first, and the separator goes."""
    parts = _SEPARATOR.split(text)
    if len(parts) > 1:  # one line per part, if that needs no more than a middling size
        for size in sizes[: len(sizes) // 2 + 1]:
            if measure(text, size) > width and len(parts) * size * leading <= height and \
                    all(measure(part, size) <= width for part in parts):
                return Fitted(tuple(parts), size)
    for size in sizes:
        lines = balance(text, size, width, measure)
        if lines is not None and len(lines) * size * leading <= height:
            return Fitted(tuple(lines), size)
    size = sizes[-1]
    max_lines = max(1, int(height // (size * leading)))
    return Fitted(tuple(truncate_lines(text, size, width, max_lines, measure)), size)


def truncate_lines(text: str, size: int, width: float, max_lines: int,
                   measure: Measure) -> list[str]:
    """Words from the start that fit in `max_lines`, the last line ending in an ellipsis."""
    kept = words(text)
    total = len(kept)
    while kept:
        cut = " ".join(kept) + ("" if len(kept) == total else ELLIPSIS)
        lines = wrap(cut, size, width, measure)
        if lines is not None and len(lines) <= max_lines:
            return lines
        kept.pop()
        while kept:  # "Budgets, …" and "Budgets —…" read worse than "Budgets…"
            stripped = kept[-1].rstrip(_TRAILING + " ")
            if stripped:
                kept[-1] = stripped
                break
            kept.pop()
    # a single word wider than the line: show it whole on one line at this size anyway
    return words(text)[:1]


def one_line(text: str, sizes: tuple[int, ...], width: float, measure: Measure) -> Fitted:
    """One line: the largest size that fits, else whole words and an ellipsis."""
    for size in sizes:
        if measure(text, size) <= width:
            return Fitted((text,), size)
    return Fitted(tuple(truncate_lines(text, sizes[-1], width, 1, measure)), sizes[-1])
