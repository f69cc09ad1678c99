"""Colour maths for the brand colour: WCAG 2.x contrast, and the light and dark palettes.

`accent` in brandgen.yaml is the light-mode link colour; everything else (the dark-mode
shade, hover shades, the text colour on buttons, the selection tint) is derived here so
that every pair keeps the contrast the default theme was designed with (DESIGN.md §2).
"""

from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass

RGB = tuple[int, int, int]

AA_TEXT = 4.5  # WCAG 1.4.3 for normal text
DARK_TARGET = 7.0  # dark-mode links glow less when a little brighter than the bare minimum
_HEX = re.compile(r"^#([0-9a-fA-F]{6})$")

# The default theme's backgrounds (themes/default/static/theme.css): the accent is text on
# both the page and the cards/chips, so it must pass against each.
LIGHT_BACKGROUNDS: tuple[RGB, ...] = ((0xFB, 0xFB, 0xF9), (0xF1, 0xF1, 0xEC))
DARK_BACKGROUNDS: tuple[RGB, ...] = ((0x13, 0x15, 0x19), (0x1C, 0x1F, 0x24))
LIGHT_TEXT: RGB = (0x1C, 0x1E, 0x21)
DARK_TEXT: RGB = (0xE4, 0xE6, 0xE9)
WHITE: RGB = (0xFF, 0xFF, 0xFF)


def parse_hex(value: str) -> RGB | None:
    """'#1d5fa6' -> (29, 95, 166); None unless exactly '#' and six hex digits."""
    match = _HEX.match(value.strip())
    if not match:
        return None
    digits = match.group(1)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def to_hex(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4


def luminance(rgb: RGB) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""
    r, g, b = (_channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def worst_contrast(color: RGB, backgrounds: tuple[RGB, ...]) -> tuple[float, RGB]:
    """The lowest ratio of `color` against any of `backgrounds`, and that background."""
    return min((contrast(color, bg), bg) for bg in backgrounds)


def _with_lightness(rgb: RGB, lightness: float) -> RGB:
    h, _, s = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    r, g, b = colorsys.hls_to_rgb(h, min(1.0, max(0.0, lightness)), s)
    return round(r * 255), round(g * 255), round(b * 255)


def _lightness(rgb: RGB) -> float:
    return colorsys.rgb_to_hls(*(c / 255 for c in rgb))[1]


def passing_shade(rgb: RGB, backgrounds: tuple[RGB, ...], target: float = AA_TEXT,
                  lighter: bool = False) -> RGB:
    """The same hue and saturation, darkened (or lightened) just enough to reach `target`
    against every background. Luminance grows with HLS lightness, so a bisection finds the
    smallest change; the last hex rounding is then checked and nudged."""
    if worst_contrast(rgb, backgrounds)[0] >= target:
        return rgb
    start = _lightness(rgb)
    lo, hi = (start, 1.0) if lighter else (0.0, start)
    for _ in range(40):
        mid = (lo + hi) / 2
        ok = worst_contrast(_with_lightness(rgb, mid), backgrounds)[0] >= target
        if ok == lighter:
            hi = mid
        else:
            lo = mid
    best = hi if lighter else lo
    shade = _with_lightness(rgb, best)
    step = 1 / 255 if lighter else -1 / 255
    while worst_contrast(shade, backgrounds)[0] < target and 0 < best < 1:
        best += step
        shade = _with_lightness(rgb, best)
    return shade


def mix(a: RGB, b: RGB, amount: float) -> RGB:
    """`amount` of a over b (0 = b, 1 = a)."""
    r, g, bl = (round(x * amount + y * (1 - amount)) for x, y in zip(a, b, strict=True))
    return r, g, bl


def _best_text(on: tuple[RGB, ...], choices: tuple[RGB, ...]) -> RGB:
    """Of `choices`, the text colour with the highest worst-case contrast on `on`."""
    return max(choices, key=lambda c: min(contrast(c, bg) for bg in on))


@dataclass(frozen=True)
class Tokens:
    """The theme's accent tokens for one colour scheme."""

    accent: RGB
    accent_hover: RGB
    on_accent: RGB
    selection: RGB

    def css(self) -> str:
        return (f"--accent:{to_hex(self.accent)};--accent-hover:{to_hex(self.accent_hover)};"
                f"--on-accent:{to_hex(self.on_accent)};--selection:{to_hex(self.selection)}")


@dataclass(frozen=True)
class Palette:
    light: Tokens
    dark: Tokens

    def css(self) -> str:
        """Custom properties overriding theme.css; print keeps its own black palette."""
        return (f"@media screen{{:root{{{self.light.css()}}}}}"
                f"@media screen and (prefers-color-scheme: dark){{:root{{{self.dark.css()}}}}}")


@dataclass(frozen=True)
class AccentProblem:
    """Why an accent cannot be used: its ratio, the background it fails on, a fix."""

    ratio: float
    background: RGB
    suggestion: RGB
    scheme: str  # "light" or "dark"

    def message(self, accent: RGB) -> str:
        return (f"{to_hex(accent)} has a contrast of {self.ratio:.2f}:1 against the "
                f"{self.scheme} background {to_hex(self.background)}; links need "
                f"{AA_TEXT}:1")

    def hint(self) -> str:
        ratio = worst_contrast(self.suggestion, LIGHT_BACKGROUNDS if self.scheme == "light"
                               else DARK_BACKGROUNDS)[0]
        return (f"use a {'darker' if self.scheme == 'light' else 'lighter'} shade of the same "
                f"hue, such as \"{to_hex(self.suggestion)}\" ({ratio:.2f}:1)")


def check_accent(accent: RGB) -> AccentProblem | None:
    """None when `accent` reaches 4.5:1 on every light background and its derived dark
    shade on every dark one."""
    ratio, bg = worst_contrast(accent, LIGHT_BACKGROUNDS)
    if ratio < AA_TEXT:
        return AccentProblem(ratio, bg, passing_shade(accent, LIGHT_BACKGROUNDS), "light")
    dark = dark_shade(accent)
    ratio, bg = worst_contrast(dark, DARK_BACKGROUNDS)
    if ratio < AA_TEXT:  # only a grey so light it is white could get here
        return AccentProblem(ratio, bg, passing_shade(dark, DARK_BACKGROUNDS, lighter=True),
                             "dark")
    return None


def dark_shade(accent: RGB) -> RGB:
    """The dark-mode accent: same hue, lightened until it reads at DARK_TARGET."""
    return passing_shade(accent, DARK_BACKGROUNDS, DARK_TARGET, lighter=True)


def palette(accent: RGB) -> Palette:
    """Light and dark tokens derived from a (checked) light-mode accent."""
    hover = _with_lightness(accent, _lightness(accent) * 0.8)
    light = Tokens(accent, hover, _best_text((accent, hover), (WHITE, LIGHT_TEXT)),
                   _selection(accent, LIGHT_BACKGROUNDS[0], LIGHT_TEXT, 0.22))
    dark_accent = dark_shade(accent)
    dark_l = _lightness(dark_accent)
    dark_hover = _with_lightness(dark_accent, dark_l + (1 - dark_l) * 0.35)
    dark = Tokens(dark_accent, dark_hover,
                  _best_text((dark_accent, dark_hover), (DARK_BACKGROUNDS[0], WHITE)),
                  _selection(dark_accent, DARK_BACKGROUNDS[0], DARK_TEXT, 0.3))
    return Palette(light, dark)


def _selection(accent: RGB, bg: RGB, text: RGB, amount: float) -> RGB:
    """A tint of the accent behind selected text, weakened until the text reads at 4.5:1."""
    tint = mix(accent, bg, amount)
    while contrast(text, tint) < AA_TEXT and amount > 0:
        amount = max(0.0, amount - 0.02)
        tint = mix(accent, bg, amount)
    return tint
