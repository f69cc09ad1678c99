"""`accent` in brandgen.yaml: restyles the site in light and dark, or is refused with a fix."""

from __future__ import annotations

import re

from tests.conftest import SiteMaker, errors_of, render

BASE = "base_url: https://ada.github.io/brand/\n"


def _head(result: object, name: str = "index.html") -> str:
    return result.public[name].decode()  # type: ignore[attr-defined]


def test_accent_overrides_the_theme_tokens_in_light_and_dark(make_site: SiteMaker) -> None:
    root = make_site({"brandgen.yaml": BASE + 'accent: "#9B2C3A"\n',
                      "content/posts/2026-01-01-a.md": "---\ntitle: A\n---\nx\n"})
    result = render(root)
    page = _head(result)
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    assert style, "the accent tokens belong in the head"
    css = style.group(1)
    light, dark = css.split("prefers-color-scheme: dark")
    assert "--accent:#9b2c3a" in light and "--on-accent:#ffffff" in light
    dark_accent = re.search(r"--accent:(#[0-9a-f]{6})", dark)
    assert dark_accent and dark_accent.group(1) != "#9b2c3a"
    assert css.startswith("@media screen{")  # print keeps its black-on-white palette
    # after theme.css, so it wins over the defaults
    assert page.index("theme.css") < page.index("<style>")
    for name in ("blog/index.html", "cv/index.html", "404.html"):
        assert css in _head(result, name)
    favicon = result.public["assets/favicon.svg"].decode()
    assert "fill:#9b2c3a" in favicon and f"fill:{dark_accent.group(1)}" in favicon


def test_no_accent_keeps_the_theme_css_untouched(make_site: SiteMaker) -> None:
    result = render(make_site())
    assert "<style>" not in _head(result)
    assert "fill:#1d5fa6" in result.public["assets/favicon.svg"].decode()


def test_low_contrast_accent_is_a_positioned_error_with_ratio_and_fix(
        make_site: SiteMaker) -> None:
    root = make_site({"brandgen.yaml": BASE + 'accent: "#7fb3ff"\n'})
    [error] = errors_of(root)
    assert error.startswith("brandgen.yaml:2:9: error: accent: #7fb3ff has a contrast of "
                            "1.89:1 against the light background #f1f1ec")
    assert "4.5:1" in error and 'such as "#0063f5" (4.52:1)' in error
    fixed = make_site({"brandgen.yaml": BASE + 'accent: "#0063f5"\n'})
    assert "--accent:#0063f5" in _head(render(fixed))


def test_unquoted_accent_is_a_yaml_comment_and_says_so(make_site: SiteMaker) -> None:
    root = make_site({"brandgen.yaml": BASE + "accent: #1d5fa6\n"})
    [error] = errors_of(root)
    assert "brandgen.yaml:2:" in error and "accent: is empty" in error
    assert "quote the colour" in error


def test_accent_must_be_a_hex_colour(make_site: SiteMaker) -> None:
    root = make_site({"brandgen.yaml": BASE + "accent: teal\n"})
    [error] = errors_of(root)
    assert error.startswith("brandgen.yaml:2:9: error: accent: expected a colour like")


def test_social_images_must_be_a_boolean(make_site: SiteMaker) -> None:
    root = make_site({"brandgen.yaml": BASE + "social_images: sometimes\n"})
    [error] = errors_of(root)
    assert "social_images: expected true or false" in error
