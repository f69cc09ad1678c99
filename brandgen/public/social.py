"""Social images: a 1200x630 PNG link preview for every page that has no image of its own.

`social_images` is the build stage: it decides what each page's card says, and draws it
(brandgen/public/carddraw.py) through a content-hash cache, so an unchanged page is never
drawn twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, replace
from functools import partial
from typing import TYPE_CHECKING

import brandgen
from brandgen.blobcache import BlobCache, cache_key
from brandgen.public.carddraw import DEFAULT_ACCENT, SIZE, Card, Fonts, render_card
from brandgen.public.views import Output

if TYPE_CHECKING:
    from brandgen.public.assemble import Site

RECIPE = 4  # cards are redrawn when this, the drawing code, the fonts or Pillow change
FILE_NAME = "social.png"
_RASTER = (".png", ".jpg", ".jpeg", ".gif", ".webp")


# --- the build stage ---------------------------------------------------------------------

def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split()[:2] if w[:1].isalpha()).upper()


def _date(value: object) -> str:
    return f"{value.day} {value:%B %Y}" if isinstance(value, dt.date) else ""


def card_text(site: Site, out: Output) -> tuple[str, str]:
    """(title, kicker) for a page: its own heading, and what kind of page it is."""
    ctx, p = out.context, site.content.profile
    heading = out.title.split(" — ")[0]
    if out.template == "home.html":
        return p.headline, ""
    if out.template == "post.html":
        post = ctx["post"]
        return post.title, f"{_date(post.date)} · {post.reading_minutes} min read"  # type: ignore[attr-defined]
    if out.template == "project.html":
        year = ctx["project"].project.year  # type: ignore[attr-defined]
        return ctx["project"].title, "Project" + (f" · {year}" if year else "")  # type: ignore[attr-defined]
    if out.template == "cv.html":
        return "Curriculum vitae", "CV"
    if out.template == "blog.html":
        n = ctx["pagination"].number  # type: ignore[attr-defined]
        return f"Writing by {p.name}", "" if n == 1 else f"Page {n}"
    if out.template in ("tags.html", "tag.html"):
        return heading, "Topics"
    return heading, ""


def social_images(site: Site, cache: BlobCache, fonts: Fonts | None = None
                  ) -> tuple[Site, dict[str, bytes]]:
    """A card for every indexable page without an image; the pages point og:image at it."""
    if not site.config.social_images:
        return site, {}
    fonts = fonts or Fonts()
    profile = site.content.profile
    avatar = b""
    if profile.avatar.lower().endswith(_RASTER) and not profile.avatar.startswith("http"):
        try:
            avatar = (site.config.content_dir / "static" / profile.avatar).read_bytes()
        except OSError:
            avatar = b""
    host = (site.urls.base_url.split("://", 1)[-1]).rstrip("/")
    files: dict[str, bytes] = {}
    outputs: list[Output] = []
    for out in site.outputs:
        if out.image_url or out.noindex or not (out.route == "" or out.route.endswith("/")):
            outputs.append(out)
            continue
        title, kicker = card_text(site, out)
        home = out.template == "home.html"  # the headline is the title there
        card = Card(title, profile.name, "" if home else profile.headline, kicker, host,
                    site.config.accent or DEFAULT_ACCENT, avatar,
                    _initials(profile.name) if profile.avatar else "")
        fields = {**asdict(card), "avatar": cache_key(card.avatar)}
        key = cache_key("social", RECIPE, brandgen.__version__, fonts.fingerprint, fields)
        name = f"{out.route}{FILE_NAME}"
        files[name] = cache.fetch(key, partial(render_card, card, fonts))
        alt = f"{profile.name}: {profile.headline}" if home else f"{title} — {profile.name}"
        outputs.append(replace(out, image_url=site.urls.path(name), image_size=SIZE,
                               image_alt=alt))
    return replace(site, outputs=tuple(outputs)), files
