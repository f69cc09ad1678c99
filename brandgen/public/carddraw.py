"""Drawing a social image: `render_card(card, fonts)` is a pure function, Card -> PNG bytes.

The card is two colours (the brand colour and the text colour on it) plus the anti-aliasing
between them, a darker band and an optional photo. So it is drawn as coverage (how much
text colour each pixel gets) and stored as a palette PNG: a 128-step ramp between the two
colours, the band, and up to 127 colours for the photo.

Most of a card is the same on every page, so what is shared (the host, the footer, the
band, the photo) is drawn once a build into a base image; a card is a copy of it with its
own words pasted in, each rasterized once a build and placed by the same word measure that
wrapped the title. Pillow writes the PNG."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import PIL
from PIL import Image, ImageDraw, ImageFont, ImageOps, features

from brandgen import colors
from brandgen.blobcache import cache_key
from brandgen.bundled import BUNDLED_THEMES
from brandgen.colors import RGB, palette, parse_hex
from brandgen.public import cardtext
from brandgen.public.cardtext import Measure, cover, fit, one_line

WIDTH, HEIGHT = 1200, 630
SIZE = (WIDTH, HEIGHT)
DEFAULT_ACCENT = "#1d5fa6"
FONT_DIR = BUNDLED_THEMES / "default" / "fonts"
BOLD, REGULAR = FONT_DIR / "InterDisplay-Bold.otf", FONT_DIR / "Inter-Regular.otf"

_MARGIN = 80
_TITLE_SIZES = (80, 72, 64, 58, 52, 46, 42)
_LEADING = 1.14
_AVATAR = 104
_RING = 4
_FOOT = HEIGHT - 62 - _AVATAR  # the footer's first row: the rows above it vary by page
_LEVEL = 1  # zlib's fastest level: ~2x faster than 6 for ~30% more bytes (~23 KB a card)
_RAMP = 128  # palette entries 0.._RAMP-1: background -> text colour
_FULL = _RAMP - 1  # drawing with this value blends straight into ramp indices
_BAND = _RAMP  # the darker strip at the bottom
_PHOTO = _RAMP + 1  # first of the photo's colours


@dataclass(frozen=True)
class Card:
    """Everything a social image shows; equal cards give byte-identical PNGs."""

    title: str
    name: str
    headline: str
    kicker: str = ""  # small line above the title: "12 March 2026 · 6 min read"
    host: str = ""  # "ada.github.io/brand", top right
    accent: str = DEFAULT_ACCENT
    avatar: bytes = b""  # a raster image, drawn in a circle
    initials: str = ""  # drawn in a circle when the avatar is an SVG (or cannot be read)


class Fonts:
    """The bundled typefaces at any size, and the characters they can draw."""

    def __init__(self, bold: Path = BOLD, regular: Path = REGULAR) -> None:
        self.bold, self.regular = bold, regular
        self.engine = (ImageFont.Layout.RAQM if features.check("raqm")
                       else ImageFont.Layout.BASIC)

    @cached_property
    def fingerprint(self) -> str:
        """Identifies the exact drawing toolchain (fonts, code, libraries), for cache keys."""
        code = b"".join(Path(m.__file__ or "").read_bytes() for m in (cardtext, colors))
        return cache_key(self.bold.read_bytes(), self.regular.read_bytes(), code,
                         Path(__file__).read_bytes(),
                         PIL.__version__, str(self.engine), features.version("raqm"),
                         features.version("freetype2"), features.version("zlib"))

    def font(self, bold: bool, size: int) -> ImageFont.FreeTypeFont:
        return _font(str(self.bold if bold else self.regular), size, self.engine)

    def measure(self, bold: bool) -> Measure:
        return lambda text, size: _length(str(self.bold if bold else self.regular), size,
                                          self.engine, text)

    def word_measure(self, bold: bool) -> Measure:
        """Words measured alone and summed with the spaces: every title is new, but its
        words recur, so this mostly hits the cache. Cards draw word by word at exactly these
        offsets, so what is measured is what is drawn."""
        path, engine = str(self.bold if bold else self.regular), self.engine

        def measure(text: str, size: int) -> float:
            words = text.split(" ")
            return (sum(_length(path, size, engine, w) for w in words)
                    + (len(words) - 1) * _length(path, size, engine, " "))

        return measure

    @cached_property
    def codepoints(self) -> frozenset[int]:
        """Characters both faces have (fontTools reads the cmap; imported only on a miss)."""
        from fontTools.ttLib import TTFont

        maps = []
        for path in (self.bold, self.regular):
            with TTFont(str(path), lazy=True) as font:
                maps.append(set(font.getBestCmap()))
        return frozenset(maps[0] & maps[1])


@lru_cache(maxsize=64)
def _font(path: str, size: int, engine: ImageFont.Layout) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, layout_engine=engine)


@lru_cache(maxsize=65536)
def _length(path: str, size: int, engine: ImageFont.Layout, text: str) -> float:
    """Wrapping and balancing measure the same words many times over."""
    return _font(path, size, engine).getlength(text)


_THRESHOLD = [255 if v >= 128 else 0 for v in range(256)]


@lru_cache(maxsize=4)
def _circle(diameter: int) -> Image.Image:
    """An anti-aliased disc mask, drawn 4x larger and scaled down."""
    big = Image.new("L", (diameter * 4, diameter * 4), 0)
    ImageDraw.Draw(big).ellipse((0, 0, diameter * 4 - 1, diameter * 4 - 1), fill=255)
    return big.resize((diameter, diameter), Image.Resampling.LANCZOS)


@lru_cache(maxsize=8)
def _colours(accent: str) -> tuple[RGB, RGB, RGB]:
    rgb = parse_hex(accent) or parse_hex(DEFAULT_ACCENT) or (0, 0, 0)
    light = palette(rgb).light
    return light.accent, light.on_accent, light.accent_hover


def render_card(card: Card, fonts: Fonts) -> bytes:
    """The card as PNG bytes: title on the brand colour, the person at the bottom."""
    inner = WIDTH - 2 * _MARGIN
    regular, bold = fonts.word_measure(False), fonts.word_measure(True)

    # Top line: what this is (left) and where it lives (right).
    kicker = cover(card.kicker, fonts.codepoints).text
    host = cover(card.host, fonts.codepoints).text
    small = fonts.font(False, 30)
    top = 72 + round(small.getmetrics()[0])
    kicker_fit = one_line(kicker, (30, 26), inner, regular) if kicker else None
    kicker_w = regular(kicker_fit.lines[0], 30) if kicker_fit else 0
    shown_host = host if host and kicker_w + regular(host, 30) + 48 <= inner else ""

    # A title the font cannot spell (Hebrew, Japanese in a Latin face) is never printed
    # half: the headline stands in, and the platform shows the real title beside the card.
    text, headline_text = cover(card.title, fonts.codepoints).text, card.headline
    if not cover(card.title, fonts.codepoints).complete:
        text, headline_text = cover(card.headline, fonts.codepoints).text, ""

    # What every card of this person shares (host, footer, band, photo) is drawn once.
    base, colours = _base(card.name, headline_text, card.initials, card.avatar, card.accent,
                          shown_host, fonts)
    ink = base.copy()  # palette index = how much text colour a pixel gets
    if kicker_fit:
        _words(ink, kicker_fit.lines[0], fonts, False, kicker_fit.size, top)

    # The title, as large as it fits, centred between the top line and the footer.
    text = text or cover(card.name, fonts.codepoints).text
    box_top, box_bottom = top + 48, _FOOT - 44
    fitted = fit(text, _TITLE_SIZES, inner, box_bottom - box_top, _LEADING, bold)
    ascent, descent = fonts.font(True, fitted.size).getmetrics()
    step = fitted.size * _LEADING
    block = ascent + descent + step * (len(fitted.lines) - 1)
    y = box_top + max(0, (box_bottom - box_top - block) / 2) + ascent
    for line in fitted.lines:
        _words(ink, line, fonts, True, fitted.size, round(y))
        y += step
    ink.putpalette(colours)  # the L image becomes a P image: no pixel is converted
    out = io.BytesIO()
    ink.save(out, "PNG", compress_level=_LEVEL)
    return out.getvalue()


def _words(ink: Image.Image, line: str, fonts: Fonts, bold: bool, size: int, baseline: int
           ) -> None:
    """Draw a line word by word from the left margin, as the word measure sets it."""
    path = str(fonts.bold if bold else fonts.regular)
    space = _length(path, size, fonts.engine, " ")
    x = float(_MARGIN)
    for word in line.split(" "):
        mask, left, top = _word(path, size, fonts.engine, word)
        at = (round(x) + left, baseline + top)
        ink.paste(_FULL, (*at, at[0] + mask.width, at[1] + mask.height), mask)
        x += _length(path, size, fonts.engine, word) + space


@lru_cache(maxsize=512)
def _word(path: str, size: int, engine: ImageFont.Layout, word: str
          ) -> tuple[Image.Image, int, int]:
    """A word's coverage mask and where it sits from the pen (left, top of the baseline):
    titles are new, their words mostly not, so a word is rasterized once a build. It is
    drawn on a canvas with an em of room on every side and cut to its ink."""
    font = _font(path, size, engine)
    canvas = Image.new("L", (size * 2 + round(_length(path, size, engine, word)), size * 3))
    ImageDraw.Draw(canvas).text((size, size * 2), word, font=font, fill=255, anchor="ls")
    box = canvas.getbbox() or (size, size * 2, size + 1, size * 2 + 1)
    return canvas.crop(box), box[0] - size, box[1] - size * 2


@lru_cache(maxsize=8)
def _base(name: str, headline: str, initials: str, avatar: bytes, accent: str, host: str,
          fonts: Fonts) -> tuple[Image.Image, bytes]:
    """The parts of a card that do not depend on its page, as palette indices, and the
    palette: the ramp between the brand colour and its text colour, the band, the photo."""
    bg, fg, deep = _colours(accent)
    ink = Image.new("L", SIZE, 0)
    if host:
        small = fonts.font(False, 30)
        ImageDraw.Draw(ink).text((WIDTH - _MARGIN, 72 + round(small.getmetrics()[0])), host,
                                 font=small, fill=_FULL, anchor="rs")
    face = _face(avatar)
    ink.paste(_footer(name, headline, initials, face is not None, fonts), (0, _FOOT))
    ramp = [round(b + (f - b) * i / (_RAMP - 1)) for i in range(_RAMP)
            for b, f in zip(bg, fg, strict=True)]
    colours = [*ramp, *deep]
    ImageDraw.Draw(ink).rectangle((0, HEIGHT - 14, WIDTH, HEIGHT), fill=_BAND)
    if face is not None:
        indices, used = face
        colours += used
        hard = _circle(indices.width).point(_THRESHOLD)
        ink.paste(indices, (_MARGIN + _RING, _FOOT + _RING), hard)
    return ink, bytes(colours)


@lru_cache(maxsize=16)
def _footer(name_text: str, headline_text: str, initials: str, photo: bool, fonts: Fonts
            ) -> Image.Image:
    """The bottom strip (disc, name, headline) as palette indices; drawn once per build."""
    strip = Image.new("L", (WIDTH, _AVATAR), 0)
    draw = ImageDraw.Draw(strip)
    text_x = _MARGIN
    if photo or initials:
        strip.paste(_FULL, (_MARGIN, 0), _circle(_AVATAR))
        if not photo:
            letters = cover(initials, fonts.codepoints).text or "•"
            draw.text((_MARGIN + _AVATAR / 2, _AVATAR / 2), letters, font=fonts.font(True, 42),
                      fill=0, anchor="mm")
        text_x = _MARGIN + _AVATAR + 28
    width = WIDTH - _MARGIN - text_x
    name = cover(name_text, fonts.codepoints).text
    headline = cover(headline_text, fonts.codepoints).text
    name_fit = one_line(name, (38, 34, 30), width, fonts.measure(True))
    name_font = fonts.font(True, name_fit.size)
    mid = _AVATAR / 2
    if headline:
        head_fit = one_line(headline, (28, 26, 24), width, fonts.measure(False))
        draw.text((text_x, mid - 6), name_fit.lines[0], font=name_font, fill=_FULL, anchor="ls")
        draw.text((text_x, mid + 34), head_fit.lines[0], font=fonts.font(False, head_fit.size),
                  fill=_FULL, anchor="ls")
    elif name_fit.lines:
        draw.text((text_x, mid), name_fit.lines[0], font=name_font, fill=_FULL, anchor="lm")
    return strip


@lru_cache(maxsize=4)
def _face(data: bytes) -> tuple[Image.Image, tuple[int, ...]] | None:
    """The avatar photo cut to the disc, as palette indices after the ramp, and its colours."""
    photo = _photo(data)
    if photo is None:
        return None
    inside = _AVATAR - 2 * _RING
    fitted = ImageOps.fit(photo, (inside, inside), Image.Resampling.LANCZOS)
    quantized = fitted.quantize(colors=256 - _PHOTO, method=Image.Quantize.MEDIANCUT,
                                dither=Image.Dither.NONE)
    indices = Image.frombytes("L", quantized.size, quantized.tobytes()).point(
        [min(255, i + _PHOTO) for i in range(256)])
    return indices, tuple((quantized.getpalette() or [])[: (256 - _PHOTO) * 3])


def _photo(data: bytes) -> Image.Image | None:
    if not data:
        return None
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            return ImageOps.exif_transpose(opened).convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None  # the initials stand in; the file's own problems show elsewhere
