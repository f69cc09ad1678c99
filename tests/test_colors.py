"""WCAG contrast maths and the palette derived from a brand colour."""

from __future__ import annotations

import re

import pytest

from brandgen.colors import (
    AA_TEXT,
    DARK_BACKGROUNDS,
    DARK_TEXT,
    LIGHT_BACKGROUNDS,
    LIGHT_TEXT,
    check_accent,
    contrast,
    luminance,
    palette,
    parse_hex,
    passing_shade,
    to_hex,
    worst_contrast,
)
from tests.conftest import REPO

THEME_CSS = (REPO / "themes/default/static/theme.css").read_text()


def _tokens(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", block))


def test_luminance_and_contrast_match_wcag_reference_values() -> None:
    assert luminance((0, 0, 0)) == 0
    assert luminance((255, 255, 255)) == pytest.approx(1)
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21)
    assert contrast((255, 255, 255), (255, 255, 255)) == pytest.approx(1)
    # Values from DESIGN.md, computed independently with WebAIM's checker.
    assert contrast(parse_hex("#1d5fa6"), parse_hex("#fbfbf9")) == pytest.approx(6.26, abs=.01)
    assert contrast(parse_hex("#8ab8f0"), parse_hex("#131519")) == pytest.approx(8.87, abs=.01)
    assert contrast(parse_hex("#777777"), parse_hex("#ffffff")) == pytest.approx(4.48, abs=.01)


def test_theme_css_default_accent_pairs_meet_aa() -> None:
    light, dark = THEME_CSS.split("prefers-color-scheme: dark", 1)
    for tokens, backgrounds in ((_tokens(light), ("bg", "surface")),
                                (_tokens(dark.split("}", 1)[0]), ("bg", "surface"))):
        accent = parse_hex(tokens["accent"])
        assert accent
        for bg in backgrounds:
            assert contrast(accent, parse_hex(tokens[bg]) or (0, 0, 0)) >= AA_TEXT


def test_theme_backgrounds_are_the_ones_the_checks_use() -> None:
    light, dark = THEME_CSS.split("prefers-color-scheme: dark", 1)
    lt, dt_ = _tokens(light), _tokens(dark.split("}", 1)[0])
    assert (parse_hex(lt["bg"]), parse_hex(lt["surface"])) == LIGHT_BACKGROUNDS
    assert (parse_hex(dt_["bg"]), parse_hex(dt_["surface"])) == DARK_BACKGROUNDS
    assert parse_hex(lt["text"]) == LIGHT_TEXT and parse_hex(dt_["text"]) == DARK_TEXT


@pytest.mark.parametrize("value", ["1d5fa6", "#1d5fa", "#1d5fa6ff", "#ggg000", "blue", ""])
def test_parse_hex_rejects_anything_but_six_digits(value: str) -> None:
    assert parse_hex(value) is None


def test_parse_hex_round_trips() -> None:
    assert to_hex(parse_hex("#1D5FA6") or (0, 0, 0)) == "#1d5fa6"


@pytest.mark.parametrize("accent", ["#1d5fa6", "#1f6b4a", "#9b2c3a", "#c00000", "#6b21a8",
                                    "#0f766e", "#000000", "#9a3412", "#2c2c2c"])
def test_derived_palette_keeps_every_pair_readable(accent: str) -> None:
    rgb = parse_hex(accent)
    assert rgb and check_accent(rgb) is None
    p = palette(rgb)
    for tokens, backgrounds, text in ((p.light, LIGHT_BACKGROUNDS, LIGHT_TEXT),
                                      (p.dark, DARK_BACKGROUNDS, DARK_TEXT)):
        assert worst_contrast(tokens.accent, backgrounds)[0] >= AA_TEXT
        assert worst_contrast(tokens.accent_hover, backgrounds)[0] >= AA_TEXT
        assert contrast(tokens.on_accent, tokens.accent) >= AA_TEXT  # primary button
        assert contrast(tokens.on_accent, tokens.accent_hover) >= AA_TEXT
        assert contrast(text, tokens.selection) >= AA_TEXT
    assert p.light.accent == rgb
    assert luminance(p.dark.accent) > luminance(p.light.accent)  # the dark shade is lighter


def test_dark_shade_keeps_the_hue() -> None:
    import colorsys
    rgb = parse_hex("#9b2c3a") or (0, 0, 0)
    dark = palette(rgb).dark.accent
    hue = colorsys.rgb_to_hls(*(c / 255 for c in rgb))[0]
    assert colorsys.rgb_to_hls(*(c / 255 for c in dark))[0] == pytest.approx(hue, abs=0.01)


@pytest.mark.parametrize("accent", ["#7fb3ff", "#ffff00", "#888888", "#ff6600", "#ffffff"])
def test_low_contrast_accent_names_ratio_and_a_passing_shade(accent: str) -> None:
    rgb = parse_hex(accent)
    assert rgb
    problem = check_accent(rgb)
    assert problem is not None and problem.scheme == "light"
    assert problem.ratio < AA_TEXT
    assert problem.ratio == pytest.approx(worst_contrast(rgb, LIGHT_BACKGROUNDS)[0])
    assert worst_contrast(problem.suggestion, LIGHT_BACKGROUNDS)[0] >= AA_TEXT
    assert check_accent(problem.suggestion) is None  # the suggestion itself is accepted
    assert f"{problem.ratio:.2f}:1" in problem.message(rgb)
    assert to_hex(problem.suggestion) in problem.hint()


def test_passing_shade_is_the_smallest_change() -> None:
    rgb = parse_hex("#ff6600") or (0, 0, 0)
    shade = passing_shade(rgb, LIGHT_BACKGROUNDS)
    ratio = worst_contrast(shade, LIGHT_BACKGROUNDS)[0]
    assert AA_TEXT <= ratio < AA_TEXT + 0.15
