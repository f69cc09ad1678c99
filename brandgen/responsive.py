"""Responsive images: resized copies (WebP and the original format) of the raster images in
content/static/, and the <picture> markup that offers them with width, height and srcset.

`plan_set` and `picture_html` are pure; `responsive_images` is the build stage, which draws
each copy once per distinct source image through the content-hash cache.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from brandgen.blobcache import BlobCache, cache_key
from brandgen.errors import Problems
from brandgen.rendered import ImageRenderer
from brandgen.urls import Urls

if TYPE_CHECKING:
    from PIL import Image

WIDTHS = (400, 800, 1200, 1600)  # 1600 covers a 42rem column on a 2x screen with room
RECIPE = 1  # copies are redone when this, this file's code or Pillow change
PROSE_SIZES = "(min-width: 46rem) 42rem, 92vw"
CARD_SIZES = "(min-width: 46rem) 20rem, 92vw"
AVATAR_SIZES = "96px"  # the hero's portrait; the author card's 48px takes the same copy
_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
_MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
_EXT = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
_OUT_DIR = "assets/img/"


@dataclass(frozen=True)
class Variant:
    path: str  # output path under the site root
    width: int


@dataclass(frozen=True)
class ImageSet:
    """One source image and the copies that stand in for it."""

    source: str  # path under content/static/
    width: int
    height: int
    format: str  # "JPEG", "PNG" or "WEBP"
    fallback: tuple[Variant, ...]  # the source's format, narrowest first
    webp: tuple[Variant, ...]  # empty for a WebP source (fallback is WebP already)


def plan_set(source: str, width: int, height: int, fmt: str) -> ImageSet:
    """Which copies an image gets: every standard width below its own, and its own width
    (capped) in WebP. Images narrower than the smallest width get no copies."""
    targets = [w for w in WIDTHS if w < width]
    if not targets:
        return ImageSet(source, width, height, fmt, (), ())
    fallback = tuple(Variant(f"{_OUT_DIR}{source}.{w}w.{_EXT[fmt]}", w) for w in targets)
    if width <= WIDTHS[-1]:
        fallback += (Variant(source, width),)  # the original itself is the widest
    webp_widths = sorted({*targets, min(width, WIDTHS[-1])})
    webp = () if fmt == "WEBP" else tuple(
        Variant(f"{_OUT_DIR}{source}.{w}w.webp", w) for w in webp_widths)
    return ImageSet(source, width, height, fmt, fallback, webp)


def _srcset(variants: tuple[Variant, ...], urls: Urls) -> str:
    return ", ".join(f"{urls.path(v.path)} {v.width}w" for v in variants)


def picture_html(image: ImageSet, urls: Urls, alt: str, title: str = "", eager: bool = False,
                 sizes: str = PROSE_SIZES, css_class: str = "") -> str:
    """An <img> with its intrinsic size (no layout shift), lazy unless it is above the fold,
    wrapped in <picture> with a WebP source when copies exist."""
    attrs = [f'src="{escape(urls.path(image.source))}"', f'alt="{escape(alt)}"']
    if title:
        attrs.append(f'title="{escape(title)}"')
    if css_class:
        attrs.append(f'class="{escape(css_class)}"')
    attrs += [f'width="{image.width}"', f'height="{image.height}"']
    if image.fallback:
        attrs += [f'srcset="{escape(_srcset(image.fallback, urls))}"', f'sizes="{sizes}"']
    if not eager:
        attrs.append('loading="lazy"')
    attrs.append('decoding="async"')
    img = f"<img {' '.join(attrs)}>"
    if not image.webp:
        return img
    source = (f'<source type="image/webp" srcset="{escape(_srcset(image.webp, urls))}" '
              f'sizes="{sizes}">')
    return f"<picture>{source}{img}</picture>"


@dataclass(frozen=True)
class MarkdownImages:
    """Renders Markdown images that point into content/static/ (by their final URL). A
    value: renderers of equal images and URLs are equal (an assembly kept between builds,
    brandgen/public/warm.py, reuses what it made with an equal one), and it pickles."""

    images: Mapping[str, ImageSet]
    urls: Urls

    def __call__(self, src: str, alt: str, title: str, eager: bool) -> str | None:
        urls = self.urls
        path = src.split("#")[0].split("?")[0]
        if not path.startswith(urls.base_path):
            return None
        image = self.images.get(unquote(path[len(urls.base_path):]))
        return picture_html(image, urls, alt, title, eager) if image else None


def markdown_renderer(images: Mapping[str, ImageSet], urls: Urls) -> ImageRenderer:
    """Renders Markdown images that point into content/static/ (by their final URL)."""
    return MarkdownImages(images, urls)


# --- the build stage ---------------------------------------------------------------------

def _open(data: bytes) -> Image.Image:
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as opened:
        opened.load()
        return ImageOps.exif_transpose(opened)


def _size(data: bytes) -> tuple[int, int]:
    """Width and height as displayed (EXIF rotation applied), from the headers only; a
    file whose pixels cannot be decoded is refused here too (verify), not at encode time."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as opened:
        width, height = opened.size
        turned = opened.getexif().get(0x0112, 1) in (5, 6, 7, 8)  # Orientation
    with Image.open(io.BytesIO(data)) as check:
        check.verify()
    return (height, width) if turned else (width, height)


def _encode(data: bytes, width: int, fmt: str) -> bytes:
    """One resized copy; pure (source bytes, width, format) -> bytes."""
    from PIL import Image

    image = _open(data)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if has_alpha and fmt != "JPEG" else "RGB")
    if width < image.width:
        height = max(1, round(image.height * width / image.width))
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    elif fmt == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=80, method=4)
    return out.getvalue()


def responsive_images(static: Path, names: frozenset[str], cache: BlobCache, problems: Problems
                      ) -> tuple[dict[str, ImageSet], dict[str, bytes]]:
    """An ImageSet for every JPEG, PNG and WebP in content/static/, and their copies."""
    sets: dict[str, ImageSet] = {}
    files: dict[str, bytes] = {}
    todo = [(name, fmt) for name in sorted(names)
            if (fmt := _FORMATS.get(Path(name).suffix.lower())) is not None]
    if not todo:
        return sets, files  # Pillow (~25 ms to import) is loaded only for images
    import PIL
    from PIL import Image, features

    toolchain = cache_key(Path(__file__).read_bytes(), PIL.__version__, features.version("webp"))
    for name, fmt in todo:
        try:
            data = (static / name).read_bytes()
            width, height = _size(data)
        except (OSError, ValueError, Image.DecompressionBombError) as e:
            problems.warn(f"cannot read this image ({e.__class__.__name__}), so it gets no "
                          "resized copies", f"content/static/{name}",
                          hint="re-export it as a JPEG, PNG or WebP file")
            continue
        image_set = plan_set(name, width, height, fmt)
        digest = cache_key(data)
        copies: dict[str, bytes] = {}
        try:
            for variant, vfmt in [*((v, fmt) for v in image_set.fallback),
                                  *((v, "WEBP") for v in image_set.webp)]:
                if variant.path == name:
                    continue  # the original, copied as it is
                key = cache_key("responsive", RECIPE, toolchain, digest, variant.width, vfmt)
                copies[variant.path] = cache.fetch(
                    key, partial(_encode, data, variant.width, vfmt))
        except (OSError, ValueError, Image.DecompressionBombError) as e:
            problems.warn(f"cannot decode this image ({e.__class__.__name__}), so it gets no "
                          "resized copies", f"content/static/{name}",
                          hint="re-export it as a JPEG, PNG or WebP file")
            continue
        sets[name] = image_set
        files.update(copies)
    return sets, files
